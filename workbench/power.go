package workbench

import (
	"strconv"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/workbench/widgets"
)

// The power layer's actions (issue 8). Their keys are rows of the one
// table, DefaultBindings, so help, footer, palette and config see them.
const (
	ActPalette    Action = "palette"
	ActHistory    Action = "history"
	ActVars       Action = "variables"
	ActFilter     Action = "filter"
	ActExtEdit    Action = "edit-in-editor"
	ActExtDesc    Action = "edit-description"
	ActPager      Action = "pager"
	ActTop        Action = "top"
	ActBottom     Action = "bottom"
	ActBodyDown   Action = Action(widgets.BodyDown)
	ActBodyUp     Action = Action(widgets.BodyUp)
	ActBodyPgDn   Action = Action(widgets.BodyPageDown)
	ActBodyPgUp   Action = Action(widgets.BodyPageUp)
	ActBodyTop    Action = Action(widgets.BodyTop)
	ActBodyBottom Action = Action(widgets.BodyBottom)
	ActBodySearch Action = Action(widgets.BodySearch)
	ActBodyNext   Action = Action(widgets.BodyNext)
	ActBodyPrev   Action = Action(widgets.BodyPrev)
	ActBodyFilter Action = Action(widgets.BodyFilter)
	ActBodySave   Action = Action(widgets.BodySave)
	ActBodyLeft   Action = Action(widgets.BodyLeft)
	ActBodyRight  Action = Action(widgets.BodyRight)
)

// powerLayer holds the widgets of the power layer and their state.
type powerLayer struct {
	w *Workbench

	body *bodyPane
	tree *treeFilter
	ext  widgets.External

	// onBody, when set (tests), hears what the body view finished:
	// "indexed", "filtered".
	onBody func(what string)
}

// buildPower adds the power layer to a built workbench.
func (w *Workbench) buildPower() {
	p := &powerLayer{w: w}
	w.power = p
	p.body = newBodyPane(w)
	p.tree = newTreeFilter(w)
	// Paste reaches the root first: a curl command pasted into the URL
	// field becomes the request (see power_curl.go).
	w.app.SetRoot(pasteRoot{Pages: w.pages, w: w}, true).SetFocus(w.tree.view)
	w.app.SetMouseCapture(w.mouseCapture)
	if len(w.cfg.KeyErrors) > 0 {
		w.setError(w.cfg.KeyErrors[0])
	}
}

// powerCapture runs before the key table: it gives the body view's prompt
// every key, lets j/k/g/G move in pick lists, and maps Backspace (what
// terminals send for Ctrl+H) to Ctrl+H outside text fields. done means
// the returned event is final.
func (w *Workbench) powerCapture(ev *tcell.EventKey, name string) (*tcell.EventKey, bool) {
	p := w.power
	if p == nil {
		return ev, false
	}
	p.tree.resync()
	focused := w.app.GetFocus()
	if w.modal != "" {
		if _, ok := focused.(*tview.List); ok && w.modal == "pick" && ev.Modifiers() == 0 {
			if k, ok := vimKey(ev.Rune()); ok && ev.Key() == tcell.KeyRune {
				return tcell.NewEventKey(k, 0, tcell.ModNone), true
			}
		}
		return ev, false
	}
	if focused == p.body.view && p.body.view.Prompting() {
		return ev, true
	}
	if (name == "Backspace" || name == "Ctrl+Backspace") && !isTextEntry(focused) {
		if act, ok := w.keys.Lookup(w.currentPane(), "Ctrl+H"); ok && w.do(w.currentPane(), act) {
			return nil, true
		}
	}
	return ev, false
}

// vimKey maps j, k, g, G to the keys lists know.
func vimKey(r rune) (tcell.Key, bool) {
	switch r {
	case 'j':
		return tcell.KeyDown, true
	case 'k':
		return tcell.KeyUp, true
	case 'g':
		return tcell.KeyHome, true
	case 'G':
		return tcell.KeyEnd, true
	}
	return 0, false
}

// powerDo runs the power layer's actions; false hands act to the core.
func (w *Workbench) powerDo(pane Pane, act Action) bool {
	p := w.power
	if p == nil {
		return false
	}
	switch act {
	case ActPalette:
		w.palette()
		return true
	case ActHistory:
		w.historyView()
		return true
	case ActVars:
		w.varsView()
		return true
	}
	switch pane {
	case PaneTree:
		switch act {
		case ActFilter:
			p.tree.start()
			return true
		case ActTop, ActBottom:
			// tview's TreeView only scrolls on g/G; these move the cursor.
			w.tree.moveEnd(act == ActBottom)
			return true
		}
	case PaneEditor:
		switch act {
		case ActExtEdit:
			w.editBodyExternal()
			return true
		case ActExtDesc:
			w.editDescriptionExternal()
			return true
		}
	case PaneResponse:
		if act == ActPager {
			w.pageBody()
			return true
		}
		return p.body.do(act)
	}
	return false
}

// mouseCapture lets a click on a tab's name (the editor's and the
// response's tab bars) switch to that tab; every other click and the
// wheel go to the widgets, which focus, select and scroll themselves.
func (w *Workbench) mouseCapture(ev *tcell.EventMouse, action tview.MouseAction) (*tcell.EventMouse, tview.MouseAction) {
	// On the press: a quick second click reads as a double click.
	if action != tview.MouseLeftDown || w.modal != "" {
		return ev, action
	}
	x, y := ev.Position()
	if i := tabAt(w.resp.statusLine, x, y, responseTabs, nil); i >= 0 {
		w.resp.showTab(i)
		w.focusPane(PaneResponse)
		return nil, action
	}
	if w.s.Draft != nil {
		e := w.editor
		if i := tabAt(e.tabbar, x, y, editorTabs, e.tabCount); i >= 0 {
			e.showTab(i)
			if e.currentTable() == nil {
				w.app.SetFocus(e.tabbar)
				e.refreshTabbar()
			} else {
				e.focus()
			}
			return nil, action
		}
	}
	return ev, action
}

// tabAt is the tab whose label (" name " or " name n ", as the bars draw
// them) is at x, y in bar, or -1.
func tabAt(bar *tview.TextView, x, y int, names []string, count func(int) int) int {
	bx, by, _, _ := bar.GetInnerRect()
	if y != by || x < bx || !bar.InRect(x, y) {
		return -1
	}
	pos := bx
	for i, name := range names {
		label := name
		if count != nil {
			if n := count(i); n > 0 {
				label += " " + strconv.Itoa(n)
			}
		}
		end := pos + len([]rune(label)) + 2
		if x < end {
			return i
		}
		pos = end
	}
	return -1
}

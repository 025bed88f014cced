package widgets

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/sahilm/fuzzy"
)

// FuzzyItem is one entry of a FuzzyList: an action or a request.
type FuzzyItem struct {
	Method string // request method, coloured; "" for an action
	Name   string // action or request name (for requests, the tree path)
	Detail string // URL, or an action's key binding, shown dimmed
	Value  any    // the caller's payload, handed back on select
}

// searchText is what the query matches against. The name comes first:
// fuzzy scoring favours early matches, and the name is what people type.
func (it FuzzyItem) searchText() string {
	return it.Name + " " + it.Method + " " + it.Detail
}

// FuzzyMatch is one item that matched a query.
type FuzzyMatch struct {
	Index   int   // into the texts given to FuzzyFilter
	Score   int   // higher is better
	Matched []int // byte offsets of matched characters, ascending
}

// textSource lets fuzzy read the candidates without copying them.
type textSource struct {
	texts []string
	idx   []int
}

func (s textSource) String(i int) string { return s.texts[s.idx[i]] }
func (s textSource) Len() int            { return len(s.idx) }

// FuzzyFilter returns the texts that match query, best first (ties keep
// their order). Each space-separated word of the query must match, in any
// order ("wlan get" finds "GET Get WLAN"). An empty query matches all.
// The tree filter uses it directly; FuzzyList wraps it.
func FuzzyFilter(query string, texts []string) []FuzzyMatch {
	words := strings.Fields(query)
	idx := make([]int, len(texts))
	for i := range idx {
		idx[i] = i
	}
	if len(words) == 0 {
		out := make([]FuzzyMatch, len(texts))
		for i := range texts {
			out[i] = FuzzyMatch{Index: i}
		}
		return out
	}
	score := make([]int, len(texts))
	matched := make([][]int, len(texts))
	for _, w := range words {
		ms := fuzzy.FindFromNoSort(w, textSource{texts, idx})
		next := make([]int, 0, len(ms))
		for _, m := range ms {
			i := idx[m.Index]
			next = append(next, i)
			score[i] += m.Score
			matched[i] = append(matched[i], m.MatchedIndexes...)
		}
		idx = next
	}
	out := make([]FuzzyMatch, len(idx))
	for k, i := range idx {
		pos := matched[i]
		sort.Ints(pos)
		out[k] = FuzzyMatch{Index: i, Score: score[i], Matched: pos}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score > out[b].Score })
	return out
}

// MethodColor is the colour of an HTTP method label.
func MethodColor(method string) tcell.Color {
	switch strings.ToUpper(method) {
	case "GET":
		return tcell.ColorGreen
	case "POST":
		return tcell.ColorYellow
	case "PUT":
		return tcell.ColorDodgerBlue
	case "PATCH":
		return tcell.ColorMediumPurple
	case "DELETE":
		return tcell.ColorRed
	}
	return tcell.ColorDarkCyan
}

// FuzzyList is a query line over a list filtered as the user types: the
// command palette (every action and request) and the tree's filter.
type FuzzyList struct {
	*tview.Box

	// OnSelect is called with the chosen item (Enter, or a click on the
	// selected row).
	OnSelect func(FuzzyItem)
	// OnCancel is called on Esc.
	OnCancel func()

	input   *tview.InputField
	items   []FuzzyItem
	names   []string // name and method: a prefix of texts
	texts   []string
	shown   []FuzzyMatch
	methods bool // some item has a method: names line up after a method column
	sel     int
	top     int
	listTop int // screen row of the first list row at the last draw
}

// NewFuzzyList returns an empty list; label is the prompt ("> ").
func NewFuzzyList(label string) *FuzzyList {
	l := &FuzzyList{Box: tview.NewBox()}
	l.input = tview.NewInputField().SetLabel(label).
		SetFieldStyle(tcell.StyleDefault).
		SetLabelStyle(tcell.StyleDefault.Foreground(tcell.ColorYellow))
	l.input.SetChangedFunc(func(string) { l.refilter() })
	return l
}

// SetItems replaces the items and refilters with the current query.
func (l *FuzzyList) SetItems(items []FuzzyItem) *FuzzyList {
	l.items = items
	l.names = make([]string, len(items))
	l.texts = make([]string, len(items))
	l.methods = false
	for i, it := range items {
		l.methods = l.methods || it.Method != ""
		l.names[i] = it.Name + " " + it.Method
		l.texts[i] = it.searchText()
	}
	l.refilter()
	return l
}

// SetQuery sets the query text (as if typed).
func (l *FuzzyList) SetQuery(q string) *FuzzyList {
	l.input.SetText(q)
	return l
}

// Query returns the query text.
func (l *FuzzyList) Query() string { return l.input.GetText() }

// Len returns how many items match the query.
func (l *FuzzyList) Len() int { return len(l.shown) }

// Selected returns the highlighted item.
func (l *FuzzyList) Selected() (FuzzyItem, bool) {
	if l.sel < 0 || l.sel >= len(l.shown) {
		return FuzzyItem{}, false
	}
	return l.items[l.shown[l.sel].Index], true
}

// Visible returns the matching items, best first.
func (l *FuzzyList) Visible() []FuzzyItem {
	out := make([]FuzzyItem, len(l.shown))
	for i, m := range l.shown {
		out[i] = l.items[m.Index]
	}
	return out
}

// refilter ranks items whose name (or method) matches above those that
// match only through their URL: the fuzzy score alone penalises long
// texts, which would rank a short URL over a better name match.
func (l *FuzzyList) refilter() {
	q := l.input.GetText()
	l.shown = FuzzyFilter(q, l.names)
	if strings.TrimSpace(q) != "" {
		seen := make(map[int]bool, len(l.shown))
		for _, m := range l.shown {
			seen[m.Index] = true
		}
		for _, m := range FuzzyFilter(q, l.texts) {
			if !seen[m.Index] {
				l.shown = append(l.shown, m)
			}
		}
	}
	l.sel, l.top = 0, 0
}

func (l *FuzzyList) move(d int) {
	if len(l.shown) == 0 {
		return
	}
	l.sel = min(max(l.sel+d, 0), len(l.shown)-1)
}

// Focus keeps the query line's cursor visible.
func (l *FuzzyList) Focus(delegate func(p tview.Primitive)) {
	l.Box.Focus(delegate)
	l.input.Focus(nil)
}

// Blur hides the query line's cursor.
func (l *FuzzyList) Blur() {
	l.input.Blur()
	l.Box.Blur()
}

// Draw draws the query line, the match count and the visible rows.
func (l *FuzzyList) Draw(screen tcell.Screen) {
	l.DrawForSubclass(screen, l)
	x, y, w, h := l.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	count := fmt.Sprintf(" %d/%d", len(l.shown), len(l.items))
	l.input.SetRect(x, y, max(w-len(count), 1), 1)
	l.input.Draw(screen)
	if len(count) < w {
		printCells(screen, x+w-len(count), y, len(count), count, tcell.StyleDefault.Foreground(tcell.ColorGray))
	}
	rows := h - 1
	l.listTop = y + 1
	if rows <= 0 {
		return
	}
	if l.sel < l.top {
		l.top = l.sel
	} else if l.sel >= l.top+rows {
		l.top = l.sel - rows + 1
	}
	for r := 0; r < rows && l.top+r < len(l.shown); r++ {
		i := l.top + r
		l.drawRow(screen, l.shown[i], x, y+1+r, w, i == l.sel)
	}
}

// drawRow draws method, name and detail with the matched characters bold.
func (l *FuzzyList) drawRow(screen tcell.Screen, m FuzzyMatch, x, y, w int, selected bool) {
	it := l.items[m.Index]
	base := tcell.StyleDefault
	if selected {
		base = base.Background(tcell.ColorDarkSlateGray)
		for i := 0; i < w; i++ {
			screen.SetContent(x+i, y, ' ', nil, base)
		}
	}
	hit := func(off int) bool {
		k := sort.SearchInts(m.Matched, off)
		return k < len(m.Matched) && m.Matched[k] == off
	}
	col := 0
	// seg draws part of the search text starting at byte offset off.
	seg := func(text string, off int, st tcell.Style, width int) {
		start := col
		for b, r := range text {
			rs := st
			if hit(off + b) {
				rs = rs.Bold(true).Underline(true).Foreground(tcell.ColorOrange)
			}
			r = displayRune(r)
			rw := runeWidth(r)
			if rw == 0 || r == '\t' {
				continue
			}
			if col+rw > w || (width > 0 && col-start+rw > width) {
				break
			}
			screen.SetContent(x+col, y, r, nil, rs)
			col += rw
		}
		if width > 0 {
			col = max(col, start+width)
		}
	}
	methodOff := len(it.Name) + 1
	if l.methods {
		seg(it.Method, methodOff, base.Foreground(MethodColor(it.Method)).Bold(true), 7)
	}
	seg(it.Name, 0, base, 0)
	col += 2
	seg(it.Detail, methodOff+len(it.Method)+1, base.Foreground(tcell.ColorGray), 0)
}

// InputHandler: typing edits the query; arrows, Ctrl+N/P and PgUp/PgDn
// move; Enter selects; Esc cancels.
func (l *FuzzyList) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return l.WrapInputHandler(func(ev *tcell.EventKey, setFocus func(p tview.Primitive)) {
		_, _, _, h := l.GetInnerRect()
		page := max(h-2, 1)
		switch ev.Key() {
		case tcell.KeyUp, tcell.KeyCtrlP:
			l.move(-1)
		case tcell.KeyDown, tcell.KeyCtrlN, tcell.KeyTab:
			l.move(1)
		case tcell.KeyBacktab:
			l.move(-1)
		case tcell.KeyPgUp:
			l.move(-page)
		case tcell.KeyPgDn:
			l.move(page)
		case tcell.KeyEnter:
			if it, ok := l.Selected(); ok && l.OnSelect != nil {
				l.OnSelect(it)
			}
		case tcell.KeyEscape:
			if l.OnCancel != nil {
				l.OnCancel()
			}
		default:
			l.input.InputHandler()(ev, setFocus)
		}
	})
}

// PasteHandler pastes into the query.
func (l *FuzzyList) PasteHandler() func(text string, setFocus func(p tview.Primitive)) {
	return l.WrapPasteHandler(func(text string, setFocus func(p tview.Primitive)) {
		l.input.PasteHandler()(text, setFocus)
	})
}

// MouseHandler: a click selects a row, a click on the selected row (or a
// double click) chooses it, the wheel moves the selection.
func (l *FuzzyList) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return l.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		x, y := event.Position()
		if !l.InRect(x, y) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftDown:
			setFocus(l)
			return true, nil
		case tview.MouseLeftClick, tview.MouseLeftDoubleClick:
			row := l.top + y - l.listTop
			if y < l.listTop || row >= len(l.shown) {
				return true, nil
			}
			if row == l.sel || action == tview.MouseLeftDoubleClick {
				l.sel = row
				if it, ok := l.Selected(); ok && l.OnSelect != nil {
					l.OnSelect(it)
				}
				return true, nil
			}
			l.sel = row
			return true, nil
		case tview.MouseScrollUp:
			l.move(-1)
			return true, nil
		case tview.MouseScrollDown:
			l.move(1)
			return true, nil
		}
		return false, nil
	})
}

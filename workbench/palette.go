package workbench

import (
	"strings"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/workbench/widgets"
)

// paletteAction is an action offered by the palette, with the pane it
// runs in.
type paletteAction struct {
	pane Pane
	act  Action
}

// paletteItems lists every action of the key table (once per pane, with
// its keys) and every request of the collection.
func (w *Workbench) paletteItems() []widgets.FuzzyItem {
	var items []widgets.FuzzyItem
	type key struct {
		pane Pane
		act  Action
	}
	seen := map[key]int{}
	for _, p := range []Pane{PaneGlobal, PaneTree, PaneEditor, PaneResponse} {
		for _, b := range w.keys.Bindings(p) {
			if b.Action == ActPalette {
				continue
			}
			k := key{p, b.Action}
			if i, ok := seen[k]; ok {
				items[i].Detail += ", " + displayKey(b.Key)
				continue
			}
			seen[k] = len(items)
			name := string(b.Action)
			if p != PaneGlobal {
				name = string(p) + ": " + name
			}
			items = append(items, widgets.FuzzyItem{Name: name + " — " + b.Help, Detail: displayKey(b.Key), Value: paletteAction{p, b.Action}})
		}
	}
	w.s.Coll.Walk(func(path []*collections.Folder, r *collections.Request) {
		m := strings.ToUpper(strings.TrimSpace(r.Method))
		if m == "" {
			m = "GET"
		}
		items = append(items, widgets.FuzzyItem{Method: m, Name: collections.RequestPath(path, r), Detail: r.URL, Value: r})
	})
	return items
}

// palette (Ctrl+P) runs any action by name or opens any request.
func (w *Workbench) palette() {
	back := w.currentPane()
	l := widgets.NewFuzzyList("> ").SetItems(w.paletteItems())
	l.SetBorder(true).SetTitle(" Command palette: an action or a request (Esc closes) ")
	l.OnCancel = w.closeModal
	l.OnSelect = func(it widgets.FuzzyItem) {
		w.closeModal()
		switch v := it.Value.(type) {
		case *collections.Request:
			w.openRequest(v)
		case paletteAction:
			pane := v.pane
			if pane == PaneGlobal {
				pane = back
			} else {
				w.focusPane(pane)
			}
			w.do(pane, v.act)
		}
	}
	width, height := 100, 24
	if w.scr != nil {
		sw, sh := w.scr.Size()
		width, height = min(width, sw-4), min(height, sh-4)
	}
	w.showModal("palette", l, width, height)
}

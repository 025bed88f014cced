package workbench

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/workbench/widgets"
)

// treeFilter narrows the tree as the user types (/ in the tree): fuzzy
// over each request's name, method, URL and folder path. Matches stay in
// tree order under their folders, opened; the best one is selected. As
// the matches scroll, the folders of the top row stay pinned (stickyTree).
type treeFilter struct {
	w     *Workbench
	input *tview.InputField
	on    bool
	root  *tview.TreeNode // the filtered root shown, nil when none

	// reqs and texts are the requests and what the query matches, made
	// when the filter opens.
	reqs  []*collections.Request
	texts []string
}

func newTreeFilter(w *Workbench) *treeFilter {
	f := &treeFilter{w: w}
	f.input = tview.NewInputField().SetLabel("/").
		SetFieldStyle(tcell.StyleDefault.Background(tcell.ColorDarkSlateGray)).
		SetLabelStyle(tcell.StyleDefault.Foreground(tcell.ColorYellow))
	f.input.SetChangedFunc(func(q string) { f.apply(q) })
	f.input.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		switch ev.Key() {
		case tcell.KeyDown, tcell.KeyUp, tcell.KeyPgDn, tcell.KeyPgUp:
			w.tree.view.InputHandler()(ev, func(p tview.Primitive) { w.app.SetFocus(p) })
			return nil
		}
		return ev
	})
	f.input.SetDoneFunc(func(key tcell.Key) {
		switch key {
		case tcell.KeyEnter:
			if n := w.tree.view.GetCurrentNode(); n != nil {
				w.tree.activate(n)
			}
		case tcell.KeyEscape:
			f.stop()
		}
	})
	t := w.tree
	t.root.Clear()
	t.root.SetDirection(tview.FlexRow).
		AddItem(f.input, 0, 0, false).
		AddItem(t.view, 0, 1, true)
	return f
}

// start opens the filter line.
func (f *treeFilter) start() {
	f.reqs, f.texts = f.reqs[:0], f.texts[:0]
	f.w.s.Coll.Walk(func(path []*collections.Folder, r *collections.Request) {
		f.reqs = append(f.reqs, r)
		f.texts = append(f.texts, r.Name+" "+strings.ToUpper(r.Method)+" "+r.URL+" "+collections.RequestPath(path, r))
	})
	f.on = true
	f.w.tree.root.ResizeItem(f.input, 1, 0)
	f.w.app.SetFocus(f.input)
	f.apply(f.input.GetText())
}

// stop closes the filter line and shows the whole tree again, keeping the
// selection.
func (f *treeFilter) stop() {
	t := f.w.tree
	sel := t.selected()
	f.input.SetText("") // applies "": the whole tree
	f.on, f.root = false, nil
	t.root.ResizeItem(f.input, 0, 0)
	t.root.SetTitle(" Collection ")
	if sel != nil {
		t.selectItem(sel)
	}
	f.w.app.SetFocus(t.view)
}

// apply shows the requests matching q.
func (f *treeFilter) apply(q string) {
	t := f.w.tree
	if !f.on {
		return
	}
	if strings.TrimSpace(q) == "" {
		if f.root != nil {
			f.root = nil
			t.rebuild()
		}
		t.root.SetTitle(" Collection ")
		return
	}
	matches := widgets.FuzzyFilter(q, f.texts)
	hit := make(map[*collections.Request]bool, len(matches))
	for _, m := range matches {
		hit[f.reqs[m.Index]] = true
	}
	root := tview.NewTreeNode(Safe(f.w.s.Coll.Name)).SetSelectable(false)
	t.nodes = map[collections.Item]*tview.TreeNode{}
	var add func(parent *tview.TreeNode, items []collections.Item) bool
	add = func(parent *tview.TreeNode, items []collections.Item) bool {
		any := false
		for _, it := range items {
			switch it := it.(type) {
			case *collections.Folder:
				n := tview.NewTreeNode("").SetReference(it).SetSelectable(true).SetExpanded(true)
				if add(n, it.Items) {
					parent.AddChild(n)
					t.nodes[it] = n
					any = true
				}
			case *collections.Request:
				if hit[it] {
					n := tview.NewTreeNode("").SetReference(it).SetSelectable(true)
					parent.AddChild(n)
					t.nodes[it] = n
					any = true
				}
			}
		}
		return any
	}
	add(root, f.w.s.Coll.Items)
	f.root = root
	t.view.SetRoot(root)
	for it, n := range t.nodes {
		n.SetText(t.label(it, n))
	}
	t.view.SetCurrentNode(nil)
	if len(matches) > 0 {
		best := f.reqs[matches[0].Index]
		t.view.SetCurrentNode(t.nodes[best])
		f.w.s.Selected = best
	}
	t.root.SetTitle(fmt.Sprintf(" Collection: %d of %d ", len(matches), len(f.reqs)))
}

// moveEnd moves the tree's cursor to its first or last visible row.
func (t *treePane) moveEnd(last bool) {
	var target *tview.TreeNode
	var walk func(n *tview.TreeNode)
	walk = func(n *tview.TreeNode) {
		for _, c := range n.GetChildren() {
			target = c
			if !last {
				return
			}
			if c.IsExpanded() {
				walk(c)
			}
		}
	}
	if root := t.view.GetRoot(); root != nil {
		walk(root)
	}
	if target != nil {
		t.view.SetCurrentNode(target)
		t.w.s.Selected, _ = target.GetReference().(collections.Item)
	}
}

// resync filters again when the core rebuilt the whole tree under an open
// filter (a rename, a move): the filter line stays true to what is shown.
func (f *treeFilter) resync() {
	if f.on && f.root != nil && f.w.tree.view.GetRoot() != f.root {
		f.apply(f.input.GetText())
	}
}

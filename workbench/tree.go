package workbench

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
)

// treePane shows the collection: folders open and close, requests carry
// their method in colour.
type treePane struct {
	w    *Workbench
	root *tview.Flex
	view *stickyTree
	// collapsed folders; everything else is open.
	collapsed map[*collections.Folder]bool
	nodes     map[collections.Item]*tview.TreeNode
	// lastDeleted is kept so a delete can be undone until the next one.
	lastDeleted *deleted
}

type deleted struct {
	item   collections.Item
	parent *collections.Folder
	index  int
}

// collapseAbove: collections with more requests than this open with their
// folders closed, so the first screen is short and quick.
const collapseAbove = 200

func newTreePane(w *Workbench) *treePane {
	t := &treePane{w: w, collapsed: map[*collections.Folder]bool{}}
	t.view = newStickyTree()
	t.view.SetGraphics(false).SetTopLevel(1)
	t.view.SetSelectedFunc(func(n *tview.TreeNode) { t.activate(n) })
	t.view.SetInputCapture(treeKeys)
	t.view.SetChangedFunc(func(n *tview.TreeNode) {
		w.s.Selected = nil
		if n != nil {
			w.s.Selected, _ = n.GetReference().(collections.Item)
		}
	})
	t.root = tview.NewFlex().AddItem(t.view, 0, 1, true)
	t.root.SetBorder(true).SetTitle(" Collection ")
	n := 0
	w.s.Coll.Walk(func([]*collections.Folder, *collections.Request) { n++ })
	if n > collapseAbove {
		var all func(items []collections.Item)
		all = func(items []collections.Item) {
			for _, it := range items {
				if f, ok := it.(*collections.Folder); ok {
					t.collapsed[f] = true
					all(f.Items)
				}
			}
		}
		all(w.s.Coll.Items)
	}
	t.rebuild()
	return t
}

// rebuild makes the nodes from the collection, keeping the selection.
func (t *treePane) rebuild() {
	var sel collections.Item
	if cur := t.view.GetCurrentNode(); cur != nil {
		sel, _ = cur.GetReference().(collections.Item)
	}
	t.nodes = map[collections.Item]*tview.TreeNode{}
	root := tview.NewTreeNode(Safe(t.w.s.Coll.Name)).SetSelectable(false)
	t.addItems(root, t.w.s.Coll.Items, 0)
	t.view.SetRoot(root)
	if n := t.nodes[sel]; n != nil {
		t.view.SetCurrentNode(n)
	} else if len(root.GetChildren()) > 0 {
		t.view.SetCurrentNode(root.GetChildren()[0])
	}
	t.w.s.Selected = t.selected()
	t.refreshLabels()
}

func (t *treePane) addItems(parent *tview.TreeNode, items []collections.Item, depth int) {
	for _, it := range items {
		n := tview.NewTreeNode("").SetReference(it).SetSelectable(true)
		t.nodes[it] = n
		parent.AddChild(n)
		if f, ok := it.(*collections.Folder); ok {
			n.SetExpanded(!t.collapsed[f])
			t.addItems(n, f.Items, depth+1)
		}
	}
}

// refreshLabels sets every node's text (method colours, open marks, the
// dirty mark of the open request).
func (t *treePane) refreshLabels() {
	for it, n := range t.nodes {
		n.SetText(t.label(it, n))
	}
}

// refreshItem updates one node's text (the open request's, on each edit).
func (t *treePane) refreshItem(it collections.Item) {
	if n := t.nodes[it]; n != nil && it != nil {
		n.SetText(t.label(it, n))
	}
}

func (t *treePane) label(it collections.Item, n *tview.TreeNode) string {
	switch it := it.(type) {
	case *collections.Folder:
		if n.IsExpanded() {
			return "▾ " + Safe(it.Name)
		}
		// A closed folder says how much it holds.
		return fmt.Sprintf("▸ %s [::d](%d)[::-]", Safe(it.Name), countRequests(it.Items))
	case *collections.Request:
		m := strings.ToUpper(strings.TrimSpace(it.Method))
		if it == t.w.s.Orig && t.w.s.Draft != nil {
			m = strings.ToUpper(strings.TrimSpace(t.w.s.Draft.Method))
		}
		if m == "" {
			m = "GET"
		}
		short := m
		if len(short) > 4 {
			short = short[:3] + "…" // DELETE → DEL…: names keep the width
		}
		mark := ""
		if it == t.w.s.Orig {
			mark = " [yellow]◂[-]"
		}
		if t.w.s.Unsaved(it) {
			mark += " [yellow]●[-]"
		}
		return fmt.Sprintf("[%s]%-4s[-] %s%s", methodColor(m), Safe(short), Safe(it.Name), mark)
	case *collections.Broken:
		return "[red]✗ " + Safe(it.File) + "[-]"
	}
	return "?"
}

// selected returns the item under the cursor.
func (t *treePane) selected() collections.Item {
	n := t.view.GetCurrentNode()
	if n == nil {
		return nil
	}
	it, _ := n.GetReference().(collections.Item)
	return it
}

// selectItem moves the cursor to it, opening the folders above it.
func (t *treePane) selectItem(it collections.Item) {
	path, _ := t.w.s.Coll.PathOf(it)
	changed := false
	for _, f := range path {
		if t.collapsed[f] {
			delete(t.collapsed, f)
			changed = true
		}
	}
	if changed {
		t.rebuild()
	}
	if n := t.nodes[it]; n != nil {
		t.view.SetCurrentNode(n)
		t.w.s.Selected = it
	}
}

// activate opens a request or opens/closes a folder.
func (t *treePane) activate(n *tview.TreeNode) {
	switch it := n.GetReference().(type) {
	case *collections.Request:
		t.w.openRequest(it)
	case *collections.Folder:
		t.collapsed[it] = n.IsExpanded()
		n.SetExpanded(!n.IsExpanded())
		n.SetText(t.label(it, n))
	case *collections.Broken:
		t.w.setError(it.Err)
	}
}

// insertionPoint is where a new item goes: into the selected folder, or
// after the selected request.
func (t *treePane) insertionPoint() (*collections.Folder, int) {
	sel := t.selected()
	if f, ok := sel.(*collections.Folder); ok {
		return f, len(f.Items)
	}
	if sel != nil {
		if parent, i, ok := t.w.s.Coll.Locate(sel); ok {
			return parent, i + 1
		}
	}
	return nil, len(t.w.s.Coll.Items)
}

func (t *treePane) changed(sel collections.Item) {
	t.w.s.TreeChanged()
	t.rebuild()
	if sel != nil {
		t.selectItem(sel)
	}
}

func (t *treePane) do(act Action) bool {
	w := t.w
	sel := t.selected()
	switch act {
	case ActEditRow:
		if n := t.view.GetCurrentNode(); n != nil {
			t.activate(n)
		}
	case ActNewRequest, ActNewFolder:
		kind := "request"
		if act == ActNewFolder {
			kind = "folder"
		}
		w.prompt("New "+kind, "Name:", "", nil, func(name string, ok bool) {
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return
			}
			parent, i := t.insertionPoint()
			var it collections.Item
			if act == ActNewFolder {
				it = &collections.Folder{Name: name}
			} else {
				it = &collections.Request{Name: name, Method: "GET", URL: "https://{{host}}/"}
			}
			w.s.Coll.InsertItem(parent, i, it)
			t.changed(it)
			if r, isReq := it.(*collections.Request); isReq {
				w.openRequest(r)
			}
		})
	case ActRename:
		if sel == nil {
			return true
		}
		if _, broken := sel.(*collections.Broken); broken {
			w.setStatus("a file that failed to load cannot be renamed here")
			return true
		}
		w.prompt("Rename", "Name:", sel.ItemName(), nil, func(name string, ok bool) {
			name = strings.TrimSpace(name)
			if !ok || name == "" || name == sel.ItemName() {
				return
			}
			switch it := sel.(type) {
			case *collections.Folder:
				it.Name = name
			case *collections.Request:
				it.Name = name
				if it == w.s.Orig {
					// The name is a tree change: keep the draft's own dirty state.
					w.s.Draft.Name, w.s.saved.Name = name, name
				}
			}
			t.changed(sel)
			w.setStatus("renamed to " + name + " (Ctrl+S saves)")
		})
	case ActDuplicate:
		var dup collections.Item
		switch it := sel.(type) {
		case *collections.Request:
			src := it
			if it == w.s.Orig {
				src = w.s.Draft
			}
			d := src.Duplicate()
			d.Name = it.Name + " copy"
			dup = d
		case *collections.Folder:
			d := it.Duplicate()
			d.Name = it.Name + " copy"
			dup = d
		default:
			return true
		}
		parent, i, _ := w.s.Coll.Locate(sel)
		w.s.Coll.InsertItem(parent, i+1, dup)
		t.changed(dup)
	case ActMoveUp, ActMoveDown:
		if sel == nil {
			return true
		}
		parent, i, ok := w.s.Coll.Locate(sel)
		if !ok {
			return true
		}
		items := w.s.Coll.ItemsOf(parent)
		j := i - 1
		if act == ActMoveDown {
			j = i + 1
		}
		if j < 0 || j >= len(*items) {
			return true
		}
		(*items)[i], (*items)[j] = (*items)[j], (*items)[i]
		t.changed(sel)
	case ActMove:
		if sel == nil {
			return true
		}
		if _, broken := sel.(*collections.Broken); broken {
			return true
		}
		var folders []*collections.Folder
		labels := []string{"/ (top level)"}
		var walk func(prefix string, items []collections.Item)
		walk = func(prefix string, items []collections.Item) {
			for _, it := range items {
				f, ok := it.(*collections.Folder)
				if !ok {
					continue
				}
				if sf, isF := sel.(*collections.Folder); isF && sf.Contains(f) {
					continue // not into itself
				}
				folders = append(folders, f)
				labels = append(labels, prefix+f.Name)
				walk(prefix+f.Name+"/", f.Items)
			}
		}
		walk("", w.s.Coll.Items)
		w.pick("Move "+sel.ItemName()+" to", labels, 0, func(i int) {
			if i < 0 {
				return
			}
			var dest *collections.Folder
			if i > 0 {
				dest = folders[i-1]
			}
			if _, _, ok := w.s.Coll.RemoveItem(sel); !ok {
				return
			}
			w.s.Coll.InsertItem(dest, len(*w.s.Coll.ItemsOf(dest)), sel)
			if sel == collections.Item(w.s.Orig) {
				w.s.Path, _ = w.s.Coll.PathOf(sel)
			}
			t.changed(sel)
			w.setStatus("moved to " + labels[i])
		})
	case ActDelete:
		if sel == nil {
			return true
		}
		what := "request"
		if f, ok := sel.(*collections.Folder); ok {
			n := 0
			var count func(items []collections.Item)
			count = func(items []collections.Item) {
				for _, it := range items {
					n++
					if sf, ok := it.(*collections.Folder); ok {
						count(sf.Items)
					}
				}
			}
			count(f.Items)
			what = fmt.Sprintf("folder and the %d items in it", n)
		}
		w.confirm("Delete", fmt.Sprintf("Delete %q (%s)? Nothing leaves the disk until Ctrl+S; u undoes it.", sel.ItemName(), what),
			[]string{"Delete", "Cancel"}, func(label string) {
				if label != "Delete" {
					return
				}
				parent, i, ok := w.s.Coll.RemoveItem(sel)
				if !ok {
					return
				}
				t.lastDeleted = &deleted{item: sel, parent: parent, index: i}
				if w.s.Orig != nil && (collections.Item(w.s.Orig) == sel || isFolderHolding(sel, w.s.Orig)) {
					w.s.Apply() // keep the edits with the deleted item, for undo
					w.s.Orig, w.s.Draft, w.s.saved, w.s.Path = nil, nil, nil, nil
					w.refresh()
				}
				t.changed(nil)
				w.setStatus(fmt.Sprintf("deleted %q (u undoes it)", sel.ItemName()))
			})
	case ActUndo:
		d := t.lastDeleted
		if d == nil {
			w.setStatus("nothing to undo")
			return true
		}
		t.lastDeleted = nil
		if d.parent != nil {
			if _, _, ok := w.s.Coll.Locate(d.parent); !ok {
				d.parent, d.index = nil, len(w.s.Coll.Items)
			}
		}
		w.s.Coll.InsertItem(d.parent, d.index, d.item)
		t.changed(d.item)
		w.setStatus(fmt.Sprintf("restored %q", d.item.ItemName()))
	default:
		return false
	}
	return true
}

func isFolderHolding(it collections.Item, req *collections.Request) bool {
	f, ok := it.(*collections.Folder)
	return ok && f.Contains(req)
}

// treeKeys lets j/k move like arrows in the tree.
func treeKeys(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Rune() {
	case 'j':
		return tcell.NewEventKey(tcell.KeyDown, 0, tcell.ModNone)
	case 'k':
		return tcell.NewEventKey(tcell.KeyUp, 0, tcell.ModNone)
	}
	return ev
}

func countRequests(items []collections.Item) int {
	n := 0
	for _, it := range items {
		switch it := it.(type) {
		case *collections.Request:
			n++
		case *collections.Folder:
			n += countRequests(it.Items)
		}
	}
	return n
}

package workbench

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// stickyTree is the tree view with sticky folder rows: when the rows of
// the folders holding the top row have scrolled out of view, they stay
// pinned at the top, as editors' "sticky scroll" does. A request always
// shows which folder it is in: in a long folder, and in the filtered tree,
// where the matches of several folders scroll by. The cursor is never
// left under a pinned row: moving onto one scrolls the tree instead.
type stickyTree struct {
	*tview.TreeView
	// pinned are the folder rows drawn at the top by the last draw.
	pinned []*tview.TreeNode
	// lastCur is the cursor's node at the last draw: only a cursor move
	// scrolls it out from under the pinned rows (a mouse wheel scrolls
	// freely).
	lastCur *tview.TreeNode
}

func newStickyTree() *stickyTree {
	return &stickyTree{TreeView: tview.NewTreeView()}
}

// maxPinned bounds the pinned rows (deep trees on short screens).
const maxPinned = 4

// Draw implements tview.Primitive.
func (s *stickyTree) Draw(screen tcell.Screen) {
	s.TreeView.Draw(screen)
	x, y, width, height := s.GetInnerRect()
	cur := s.GetCurrentNode()
	moved := cur != s.lastCur
	s.lastCur = cur
	limit := min(maxPinned, height/2)
	var rows []treeRow
	for range maxPinned + 2 {
		off := s.GetScrollOffset()
		rows = visibleRows(s.GetRoot(), off+height)
		s.pinned = pinnedRows(rows, off, limit)
		if !moved || cur == nil || off == 0 {
			break
		}
		covered := false
		for i := off; i < off+len(s.pinned) && i < len(rows); i++ {
			covered = covered || rows[i].node == cur
		}
		if !covered {
			break
		}
		// One row up (what the mouse wheel does; the cursor stays), then
		// draw again.
		s.TreeView.MouseHandler()(tview.MouseScrollUp, tcell.NewEventMouse(x, y, tcell.WheelUp, 0), func(tview.Primitive) {})
		s.TreeView.Draw(screen)
	}
	style := tcell.StyleDefault.Background(tcell.ColorDarkSlateGray)
	for i, n := range s.pinned {
		for cx := x; cx < x+width; cx++ {
			screen.SetContent(cx, y+i, ' ', nil, style)
		}
		indent := 2 * i // a pinned row is the folder at depth i
		if indent < width {
			tview.Print(screen, n.GetText(), x+indent, y+i, width-indent, tview.AlignLeft, tcell.ColorWhite)
		}
	}
}

// MouseHandler implements tview.Primitive: a click on a pinned row goes to
// that folder; other events go to the tree, focus given to this wrapper.
func (s *stickyTree) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	inner := s.TreeView.MouseHandler()
	return func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		focus := func(p tview.Primitive) {
			if p == s.TreeView {
				p = s
			}
			setFocus(p)
		}
		mx, my := event.Position()
		_, y, _, _ := s.GetInnerRect()
		if i := my - y; s.InRect(mx, my) && i >= 0 && i < len(s.pinned) && (action == tview.MouseLeftClick || action == tview.MouseLeftDown) {
			focus(s)
			if action == tview.MouseLeftClick {
				// The tree scrolls to the folder when drawn; the changed
				// func runs then.
				s.SetCurrentNode(s.pinned[i])
			}
			return true, nil
		}
		consumed, capture := inner(action, event, focus)
		if capture == s.TreeView {
			capture = s
		}
		return consumed, capture
	}
}

// treeRow is a row of the tree as drawn: its node and its parent's row
// (-1 for a top-level row).
type treeRow struct {
	node   *tview.TreeNode
	parent int
}

// visibleRows lists the first limit rows of the tree as the view draws
// them: the root's descendants, into open nodes only.
func visibleRows(root *tview.TreeNode, limit int) []treeRow {
	var rows []treeRow
	var walk func(n *tview.TreeNode, parent int) bool
	walk = func(n *tview.TreeNode, parent int) bool {
		for _, c := range n.GetChildren() {
			if len(rows) >= limit {
				return false
			}
			rows = append(rows, treeRow{node: c, parent: parent})
			if c.IsExpanded() && !walk(c, len(rows)-1) {
				return false
			}
		}
		return true
	}
	if root != nil {
		walk(root, -1)
	}
	return rows
}

// ancestors returns the rows of the folders holding row i, outermost first.
func ancestors(rows []treeRow, i int) []int {
	var out []int
	for p := rows[i].parent; p >= 0; p = rows[p].parent {
		out = append(out, p)
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

// pinnedRows chooses the folder rows to pin above row off (the top row):
// the folders holding the first row shown below them, so that row reads
// as in the whole tree (a pinned folder deeper than that row's own reads
// as a sibling above it, as it is).
func pinnedRows(rows []treeRow, off, limit int) []*tview.TreeNode {
	if off <= 0 || off >= len(rows) || limit <= 0 {
		return nil
	}
	pinned := ancestors(rows, off)
	for range 2*maxPinned + 2 {
		if len(pinned) > limit {
			pinned = pinned[:limit]
		}
		below := off + len(pinned)
		if below >= len(rows) {
			break
		}
		anc := ancestors(rows, below)
		same := 0
		for same < len(pinned) && same < len(anc) && pinned[same] == anc[same] {
			same++
		}
		if same < len(pinned) && same < len(anc) {
			pinned = pinned[:same] // a folder the row below is not in
			continue
		}
		if len(anc) > len(pinned) && len(pinned) < limit {
			pinned = anc // folders of the row below that scrolled away too
			continue
		}
		break
	}
	out := make([]*tview.TreeNode, len(pinned))
	for k, i := range pinned {
		out[k] = rows[i].node
	}
	return out
}

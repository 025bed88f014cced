package workbench

import (
	"fmt"
	"strings"

	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections/curl"
)

// pasteRoot is the app's root: it sees a paste before the focused widget,
// so a curl command pasted into the URL field becomes the request instead
// of a URL full of flags.
type pasteRoot struct {
	*tview.Pages
	w *Workbench
}

// PasteHandler implements tview.Primitive.
func (r pasteRoot) PasteHandler() func(text string, setFocus func(p tview.Primitive)) {
	inner := r.Pages.PasteHandler()
	return func(text string, setFocus func(p tview.Primitive)) {
		if r.w.pasteCurl(text) {
			return
		}
		inner(text, setFocus)
	}
}

// pasteCurl turns a curl command pasted into the URL field into the open
// request (its name, description and checks stay). It reports whether the
// paste was taken.
func (w *Workbench) pasteCurl(text string) bool {
	d := w.s.Draft
	if w.modal != "" || d == nil || w.app.GetFocus() != w.editor.urlIn || !curl.IsCommand(text) {
		return false
	}
	req, warns, err := curl.Parse(text)
	if err != nil {
		w.setError(fmt.Errorf("the pasted curl command: %w", err))
		return true
	}
	name, desc, caps, expect := d.Name, d.Description, d.Captures, d.Expect
	*d = *req.Clone()
	d.Name, d.Description, d.Captures, d.Expect = name, desc, caps, expect
	w.editor.load()
	w.editor.finishURL()
	w.tree.refreshLabels()
	w.draftChanged()
	msg := fmt.Sprintf("curl command pasted: %s %s", d.Method, d.URL)
	if len(warns) > 0 {
		msg += " (" + strings.Join(warns, "; ") + ")"
	}
	w.setStatus(msg)
	return true
}

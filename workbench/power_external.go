package workbench

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

// editBodyExternal edits the open request's body in $VISUAL or $EDITOR.
func (w *Workbench) editBodyExternal() {
	d := w.s.Draft
	if d == nil {
		return
	}
	switch d.Body.Kind {
	case collections.BodyNone, collections.BodyJSON, collections.BodyRaw:
	default:
		w.setStatus(fmt.Sprintf("a %s body is edited in its table; the editor takes json and raw bodies", d.Body.Kind))
		return
	}
	ext := ".txt"
	if d.Body.Kind == collections.BodyJSON || d.Body.Kind == collections.BodyNone {
		ext = ".json"
	}
	text, err := w.power.ext.EditText(w.app, d.Body.Text, ext)
	if err != nil {
		w.setError(fmt.Errorf("editing the body in %s: %w", w.power.ext.Editor(), err))
		return
	}
	if text == d.Body.Text {
		w.setStatus("body unchanged")
		return
	}
	if d.Body.Kind == collections.BodyNone {
		d.Body.Kind = collections.BodyRaw
		if json.Valid([]byte(text)) {
			d.Body.Kind = collections.BodyJSON
		}
	}
	d.Body.Text = text
	e := w.editor
	e.loading = true
	e.bodyText.SetText(text, false)
	e.loading = false
	e.showTab(tabBody)
	e.refreshBodyKind()
	w.draftChanged()
	w.setStatus(fmt.Sprintf("body edited in %s (%d bytes)", w.power.ext.Editor(), len(text)))
}

// editDescriptionExternal edits the open request's description.
func (w *Workbench) editDescriptionExternal() {
	d := w.s.Draft
	if d == nil {
		return
	}
	text, err := w.power.ext.EditText(w.app, d.Description, ".md")
	if err != nil {
		w.setError(fmt.Errorf("editing the description in %s: %w", w.power.ext.Editor(), err))
		return
	}
	if text == d.Description {
		w.setStatus("description unchanged")
		return
	}
	d.Description = text
	if w.resp.resp == nil {
		w.resp.clear() // the body area shows the description until a response
	}
	w.draftChanged()
	w.setStatus(fmt.Sprintf("description edited (%d bytes)", len(text)))
}

// pageBody shows the response body in $PAGER: the file it is kept in, or
// the redacted text held in memory; with a jq filter on, its result.
func (w *Workbench) pageBody() {
	p := w.power.body
	var err error
	jqPath, jqData, filtered := p.view.JQResult()
	switch {
	case !p.active:
		w.setStatus("no response body to page")
		return
	case filtered && jqPath != "":
		err = w.power.ext.PageFile(w.app, jqPath)
	case filtered:
		err = w.power.ext.PageText(w.app, string(jqData), ".json")
	case p.file != nil:
		err = w.power.ext.PageFile(w.app, p.file.Name())
	default:
		ext := ".txt"
		if w.resp.resp != nil && w.resp.resp.IsJSON() {
			ext = ".json"
		}
		err = w.power.ext.PageText(w.app, p.plain, ext)
	}
	if err != nil {
		w.setError(fmt.Errorf("paging the body with %s: %w", strings.Fields(w.power.ext.Pager() + " less")[0], err))
	}
}

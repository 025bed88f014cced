package workbench

import (
	"context"
	"fmt"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/internal/send"
	"github.com/mistbench/mistbench/workbench/widgets"
)

// historyLimit is how many of the newest entries the history view lists.
const historyLimit = 500

// historyView (Ctrl+H) lists the requests sent, newest first; Enter
// re-opens one in the editor with its response. Entries were redacted
// when recorded, so no secret is shown.
func (w *Workbench) historyView() {
	store := w.cfg.History
	if store == nil {
		w.setStatus("no history is kept in this session")
		return
	}
	w.setStatus("reading the history…")
	w.background(w.ctx, func(context.Context) func() {
		entries, err := store.List(historyLimit)
		return func() {
			if err != nil {
				w.setError(fmt.Errorf("reading the history: %w", err))
				return
			}
			w.setStatus("")
			w.showHistory(entries)
		}
	})
}

func (w *Workbench) showHistory(entries []*history.Entry) {
	if len(entries) == 0 {
		// tview's Table spins on a key when no row can be selected.
		w.setStatus("no requests sent yet: the history lists what Ctrl+R sends")
		return
	}
	rows := make([]widgets.HistoryEntry, len(entries))
	for i, e := range entries {
		rows[i] = widgets.HistoryEntry{
			When: e.Time, Method: e.Method, Name: e.Request, URL: e.URL, Status: e.Status, Error: e.Error,
			Duration: time.Duration(e.Duration), Env: e.Env, Value: e,
		}
	}
	l := widgets.NewHistoryList().SetEntries(rows)
	l.SetBorder(true).SetTitle(fmt.Sprintf(" History: %d sent, newest first (Enter re-opens, Esc closes) ", len(entries)))
	l.OnSelect = func(he widgets.HistoryEntry) {
		w.closeModal()
		if e, ok := he.Value.(*history.Entry); ok {
			w.reopen(e)
		}
	}
	l.SetDoneFunc(func(key tcell.Key) {
		if key == tcell.KeyEscape {
			w.closeModal()
		}
	})
	width, height := 110, 24
	if w.scr != nil {
		sw, sh := w.scr.Size()
		width, height = min(width, sw-2), min(height, sh-2)
	}
	w.showModal("history", l, width, height)
}

// reopen opens a history entry: the request of the collection it was sent
// from when it is still there (with its variables and auth), else a new
// unsaved request made from what was sent; its response shows as it came.
func (w *Workbench) reopen(e *history.Entry) {
	show := func() {
		resp := historyResponse(e)
		if e.Error != "" && e.Status == 0 {
			w.resp.showError(fmt.Errorf("%s (from the history, %s)", e.Error, e.Time.Local().Format("Jan 02 15:04:05")))
			return
		}
		// The entry was redacted when recorded; the secrets the request
		// uses now are hidden too, should the history have missed one.
		redact := func(s string) string { return s }
		if r, err := w.s.Resolve(collections.SecretsReveal); err == nil {
			redact = redactor(r)
		}
		w.resp.show(resp, renderResponseBody(resp, redact), redact)
		w.setStatus(fmt.Sprintf("from the history: %s %s → %s, sent %s", e.Method, e.Request, resp.Status(), e.Time.Local().Format("Jan 02 15:04:05")))
	}
	if e.Request != "" && (e.CollectionDir == "" || e.CollectionDir == w.s.Coll.Dir) {
		if req, _, err := w.s.Coll.Find(e.Request); err == nil {
			// With unsaved edits open, a dialog asks first; the response
			// shows once the request is open, whatever the answer.
			w.openRequestThen(req, show)
			return
		}
	}
	w.openDetached(e.Draft())
	show()
}

// openDetached opens a request that is not in the tree (from the history)
// in the editor; it is sent as any other, and saved only if added.
func (w *Workbench) openDetached(req *collections.Request) {
	if w.s.DraftDirty() {
		w.s.Open(w.s.Orig) // keeps the edits in the tree, marked unsaved
	}
	w.s.Apply()
	w.s.Orig, w.s.Path = req, nil
	w.s.Draft = req.Clone()
	w.s.saved = req.Clone()
	w.tree.refreshLabels()
	w.resp.clear()
	w.refresh()
	w.focusPane(PaneEditor)
}

// historyResponse rebuilds a response from an entry, as kept (redacted,
// the body cut at the history's limit).
func historyResponse(e *history.Entry) *send.Response {
	r := &send.Response{
		Method: e.Method, URL: e.URL, StatusCode: e.Status, StatusText: e.StatusText, Proto: e.Proto,
		Size: e.Size, Head: e.ResponseBody.Bytes(), Truncated: e.ResponseBody.Truncated,
		Warnings: e.Warnings,
	}
	if r.Size == 0 {
		r.Size = int64(len(r.Head))
	}
	r.Timing.Total = time.Duration(e.Duration)
	for _, h := range e.ResponseHeaders {
		r.Headers = append(r.Headers, collections.Header{Name: h.Name, Value: h.Value})
	}
	if r.Truncated {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the history keeps the first %s of this %s body", humanSize(int64(len(r.Head))), humanSize(r.Size)))
	}
	return r
}

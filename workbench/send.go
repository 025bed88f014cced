package workbench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/internal/send"
)

// send resolves the open request (unsaved edits included) and sends it in
// the background; the spinner ticks until the answer or a cancel.
func (w *Workbench) send() {
	if w.inflight != nil {
		w.setStatus("a request is already in flight (Esc cancels it)")
		return
	}
	if w.s.Draft == nil {
		w.setStatus("open a request first (Enter in the tree)")
		return
	}
	w.editor.commitFields()
	r, err := w.s.Resolve(collections.SecretsReveal)
	if err != nil {
		w.setError(fmt.Errorf("cannot send: %w", err))
		return
	}
	if empty := emptyPathVars(w.s.Draft); len(empty) > 0 {
		r.Unresolved = append(r.Unresolved, empty...)
	}
	if len(r.Unresolved) > 0 {
		w.setError(unresolvedError(w.s, r.Unresolved))
		return
	}
	ctx, cancel := context.WithCancel(w.ctx)
	w.inflight = cancel
	w.sendStart = time.Now()
	w.resp.sending(r)
	done := make(chan struct{})
	// The ticker is its own busy task so the spinner and elapsed time move
	// while the request runs.
	w.background(ctx, func(context.Context) func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return nil
			case <-t.C:
				w.app.QueueUpdateDraw(func() { w.spinner++ })
			}
		}
	})
	req := w.s.Draft.Clone() // the background reads it while the user edits
	path := w.s.Path
	redact := redactor(r)
	w.background(ctx, func(ctx context.Context) func() {
		resp, err := w.sender.Do(ctx, r)
		var out outcome
		var body renderedBody
		if err == nil {
			out = evaluate(ctx, req, resp)
			body = renderResponseBody(resp, redact)
		}
		close(done)
		return func() {
			cancel()
			w.inflight = nil
			elapsed := time.Since(w.sendStart)
			var secretVals []string
			switch {
			case errors.Is(err, context.Canceled):
				w.resp.showError(fmt.Errorf("cancelled after %s", elapsed.Round(time.Millisecond)))
				w.setStatus("request cancelled")
			case err != nil:
				w.resp.showError(err)
				w.setError(err)
			default:
				w.resp.show(resp, body, redact)
				var report string
				report, secretVals = out.apply(w.s, path)
				line := fmt.Sprintf("%s → %s", req.Name, resp.Status())
				if report != "" {
					line += "; " + report
				}
				w.setStatus(line)
				w.draftChanged()
			}
			w.record(r, resp, err, req, path, secretVals)
		}
	})
}

// cancelSend cancels the request in flight.
func (w *Workbench) cancelSend() {
	if w.inflight != nil {
		w.inflight()
		w.setStatus("cancelling…")
	}
}

// redactor hides the secret values a request used wherever the response
// echoes them.
func redactor(r *collections.Resolved) func(string) string {
	var vals []string
	for _, v := range r.SecretValues {
		if len(v) >= 4 {
			vals = append(vals, v)
		}
	}
	return func(s string) string {
		for _, v := range vals {
			s = strings.ReplaceAll(s, v, "••••••")
		}
		return s
	}
}

// record appends the exchange to the history, redacted.
func (w *Workbench) record(r *collections.Resolved, resp *send.Response, err error, req *collections.Request, path []*collections.Folder, extra []string) {
	if w.cfg.History == nil {
		return
	}
	e := history.Record(r, resp, err, history.Meta{
		Collection: w.s.Coll.Name, CollectionDir: w.s.Coll.Dir, Request: collections.RequestPath(path, req),
		Env: w.s.EnvName(), ExtraSecrets: extra,
	})
	if herr := w.cfg.History.Append(e); herr != nil {
		w.setError(herr)
	}
}

// unresolvedError explains what is missing before a request can go:
// secrets say where their value comes from.
func unresolvedError(s *Session, names []string) error {
	var plain, secrets []string
	for _, n := range names {
		v, _ := s.lookupVar(n)
		if v == nil || !v.Secret {
			plain = append(plain, n)
			continue
		}
		hint := "type it into the Auth tab"
		if v.Env != "" {
			hint = "set $" + v.Env + " or " + hint
		}
		secrets = append(secrets, fmt.Sprintf("secret %s has no value (%s)", n, hint))
	}
	var parts []string
	if len(plain) > 0 {
		parts = append(parts, "unresolved "+strings.Join(plain, ", ")+" (set them in the environment; Ctrl+E switches it)")
	}
	parts = append(parts, secrets...)
	return fmt.Errorf("cannot send: %s", strings.Join(parts, "; "))
}

package workbench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
	"github.com/mistbench/mistbench/workbench/widgets"
)

// bodyPane puts widgets.BodyView in the response's Body tab. The core's
// text view stays for messages (the request's description, errors, an
// empty body); a response body goes to the BodyView, read from the file
// the engine spooled it to, so a 50 MB body is never loaded.
type bodyPane struct {
	w     *Workbench
	view  *widgets.BodyView
	warn  *tview.TextView
	box   *tview.Flex
	pages *tview.Pages

	active bool     // the BodyView shows a response body
	plain  string   // the redacted body held in memory (for $PAGER)
	file   *os.File // the spooled body, or its redacted copy (owned)
	temp   string   // the redacted copy to remove, "" if none
	gen    int      // bumps with every body, so late work is dropped
}

// The view has no keys of its own: every body key is a row of the core's
// table (DefaultBindings), so it can be rebound and shows in the help.
var bodyNavKeys = []widgets.BodyKey{}

func newBodyPane(w *Workbench) *bodyPane {
	p := &bodyPane{w: w}
	p.view = widgets.NewBodyView(func(f func()) { w.app.QueueUpdateDraw(f) })
	if err := p.view.SetKeys(bodyNavKeys); err != nil {
		w.setError(fmt.Errorf("body keys: %w", err))
	}
	p.view.OnCopy = func(s string) {
		if err := w.clip(s); err != nil {
			w.setError(err)
			return
		}
		what := "body"
		if f, _, _ := p.view.Filtering(); f != "" {
			what = "jq result"
		}
		w.setStatus(fmt.Sprintf("copied the %s (%d bytes)", what, len(s)))
	}
	p.view.OnFilterDone = func() { p.notify("filtered") }
	p.view.OnProgress = func(_, _ int64, done bool) {
		if done {
			p.notify("indexed")
		}
	}
	p.warn = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	p.box = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(p.warn, 0, 0, false).
		AddItem(p.view, 0, 1, true)
	p.pages = tview.NewPages().
		AddPage("text", w.resp.body, true, true).
		AddPage("view", p.box, true, false)
	// Same name: replaces the core's Body page with the two above.
	w.resp.pages.AddPage(responseTabs[tabBodyView], p.pages, true, w.resp.tab == tabBodyView)
	if w.resp.tab != tabBodyView {
		w.resp.pages.SwitchToPage(responseTabs[w.resp.tab])
	}
	return p
}

func (p *bodyPane) notify(what string) {
	if h := p.w.power.onBody; h != nil {
		h(what)
	}
}

// bodyFocus is what the Body tab focuses.
func (w *Workbench) bodyFocus() tview.Primitive {
	if w.power != nil && w.power.body.active {
		return w.power.body.view
	}
	return w.resp.body
}

// clearBody goes back to the message view (a new request, an error).
func (w *Workbench) clearBody() {
	if w.power == nil {
		return
	}
	p := w.power.body
	focused := p.view.HasFocus()
	p.release()
	p.view.SetText(nil, "")
	p.pages.SwitchToPage("text")
	if focused {
		w.app.SetFocus(w.resp.body)
	}
}

// release closes and removes what the last body held.
func (p *bodyPane) release() {
	p.gen++
	p.active, p.plain = false, ""
	if p.file != nil {
		p.file.Close()
		p.file = nil
	}
	if p.temp != "" {
		os.Remove(p.temp)
		p.temp = ""
	}
}

// showBody shows resp's body in the BodyView. body.plain is the core's
// redacted text of what is in memory; a body spooled to disk is scanned
// for the request's secrets in the background and, where one is echoed,
// shown from a redacted copy.
func (w *Workbench) showBody(resp *send.Response, body renderedBody, redact func(string) string) {
	if w.power == nil {
		return
	}
	p := w.power.body
	focused := w.resp.body.HasFocus() || p.view.HasFocus()
	p.release()
	var warn strings.Builder
	for _, s := range resp.Warnings {
		warn.WriteString("[orange]⚠ " + Safe(s) + "[-]\n")
	}
	p.warn.SetText(warn.String())
	p.box.ResizeItem(p.warn, len(resp.Warnings), 0)
	ct := resp.Header("Content-Type")
	p.view.SaveName = saveName(w.s.Draft, resp)
	switch {
	case len(resp.Head) == 0:
		p.pages.SwitchToPage("text") // "(empty body)"
		return
	case !resp.Truncated || resp.BodyPath == "":
		data := []byte(body.plain)
		if body.plain == "" {
			data = resp.Head // binary: shown as a summary
		}
		p.view.SetText(data, ct)
		p.plain = string(data)
	default:
		f, err := os.Open(resp.BodyPath)
		if err != nil {
			w.setError(fmt.Errorf("opening the response body: %w", err))
			p.pages.SwitchToPage("text")
			return
		}
		if body.plain == "" { // binary: a size, type and hex summary
			p.file = f
			p.view.SetBody(f, resp.Size, ct)
			break
		}
		// The redacted start shows at once; the whole body follows.
		p.view.SetText([]byte(body.plain), ct)
		p.plain = body.plain
		gen := p.gen
		w.background(w.ctx, func(ctx context.Context) func() {
			out, temp, err := redactedBody(ctx, f, redact)
			return func() {
				if gen != p.gen {
					f.Close()
					if temp != "" {
						os.Remove(temp)
					}
					return
				}
				if err != nil {
					f.Close()
					w.setError(fmt.Errorf("reading the response body: %w", err))
					return
				}
				if out != f {
					f.Close()
				}
				st, err := out.Stat()
				if err != nil {
					out.Close()
					w.setError(fmt.Errorf("reading the response body: %w", err))
					return
				}
				p.file, p.temp = out, temp
				p.view.SetBody(out, st.Size(), ct)
			}
		})
	}
	p.active = true
	p.pages.SwitchToPage("view")
	if focused {
		w.app.SetFocus(p.view)
	}
}

// saveName offers the request's name as the file name to save a body to.
func saveName(req *collections.Request, resp *send.Response) string {
	name := "body"
	if req != nil {
		name = req.Name
	}
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' || r == ':' {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		name = "body"
	}
	if resp.IsJSON() {
		name += ".json"
	}
	return name
}

// redactChunk bounds the bytes redacted at once: lines are kept whole up
// to this size, so a secret is only missed when it straddles the cut of a
// longer line.
const redactChunk = 1 << 20

// redactedBody returns f when redact changes nothing in it, else a
// temporary copy (mode 0600) with the secrets replaced. Only the scan
// runs for a body without secrets.
func redactedBody(ctx context.Context, f *os.File, redact func(string) string) (*os.File, string, error) {
	found := false
	err := eachChunk(ctx, io.NewSectionReader(f, 0, 1<<62), func(chunk []byte) error {
		s := string(chunk)
		if redact(s) != s {
			found = true
			return io.EOF
		}
		return nil
	})
	if err != nil || !found {
		return f, "", err
	}
	tmp, err := os.CreateTemp("", "mistbench-body-*")
	if err != nil {
		return nil, "", fmt.Errorf("redacting the body: %w", err)
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = eachChunk(ctx, io.NewSectionReader(f, 0, 1<<62), func(chunk []byte) error {
		_, err := bw.WriteString(redact(string(chunk)))
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, "", fmt.Errorf("redacting the body: %w", err)
	}
	return tmp, tmp.Name(), nil
}

// eachChunk hands r to fn in chunks that end at a line end (or at
// redactChunk bytes); fn returning io.EOF stops early without error.
func eachChunk(ctx context.Context, r io.Reader, fn func([]byte) error) error {
	br := bufio.NewReaderSize(r, redactChunk)
	var pend []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := br.ReadSlice('\n')
		pend = append(pend, line...)
		if len(pend) >= redactChunk/2 || err != nil && err != bufio.ErrBufferFull {
			if len(pend) > 0 {
				if ferr := fn(pend); ferr == io.EOF {
					return nil
				} else if ferr != nil {
					return ferr
				}
			}
			pend = pend[:0]
		}
		switch {
		case err == io.EOF:
			return nil
		case err != nil && err != bufio.ErrBufferFull:
			return err
		}
	}
}

// do runs the body's actions while the Body tab shows a response body.
func (p *bodyPane) do(act Action) bool {
	if !p.active || p.w.resp.tab != tabBodyView {
		return false
	}
	switch act {
	case ActCopy:
		p.view.Do(widgets.BodyCopy)
	case ActBodyDown, ActBodyUp, ActBodyPgDn, ActBodyPgUp, ActBodyTop, ActBodyBottom, ActBodyLeft, ActBodyRight,
		ActBodySearch, ActBodyNext, ActBodyPrev, ActBodyFilter, ActBodySave:
		p.w.app.SetFocus(p.view)
		p.view.Do(widgets.BodyAction(act))
	default:
		return false
	}
	return true
}

// closePower stops the body view's background work and removes the body
// files (the spooled body, its redacted copy) when the workbench ends.
func (w *Workbench) closePower() {
	if w.power == nil {
		return
	}
	w.power.body.release()
	w.power.body.view.Close()
	if w.resp.resp != nil {
		w.resp.resp.Close()
	}
}

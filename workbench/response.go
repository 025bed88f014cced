package workbench

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

// The response viewer's tabs.
const (
	tabBodyView = iota
	tabHeadersView
	tabTiming
	tabCode
)

var responseTabs = []string{"Body", "Headers", "Timing", "Code"}

// codeHighlightLimit bounds the code that is coloured: the code tab is
// regenerated on every keystroke, on the UI goroutine.
const codeHighlightLimit = 8 << 10

// responsePane shows the last response and the live code of the request.
type responsePane struct {
	w    *Workbench
	root *tview.Flex

	statusLine *tview.TextView
	pages      *tview.Pages
	body       *tview.TextView
	headers    *tview.TextView
	timing     *tview.TextView
	codeHead   *tview.TextView
	code       *tview.TextView
	tab        int

	resp *send.Response
	// plainBody is the body as text, for copying.
	plainBody string
	summary   string // status, time, size

	codeTarget  int  // index in codegen.Targets
	codeInline  bool // secrets written into the code (asked for explicitly)
	codeText    string
	codeErr     error
	codeVisible bool
}

func newResponsePane(w *Workbench) *responsePane {
	r := &responsePane{w: w}
	r.statusLine = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	mk := func() *tview.TextView {
		return tview.NewTextView().SetDynamicColors(true).SetWrap(false).SetScrollable(true)
	}
	r.body, r.headers, r.timing, r.code = mk(), mk(), mk(), mk()
	r.codeHead = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	codeBox := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(r.codeHead, 1, 0, false).
		AddItem(r.code, 0, 1, true)
	r.pages = tview.NewPages().
		AddPage(responseTabs[tabBodyView], r.body, true, true).
		AddPage(responseTabs[tabHeadersView], r.headers, true, false).
		AddPage(responseTabs[tabTiming], r.timing, true, false).
		AddPage(responseTabs[tabCode], codeBox, true, false)
	r.root = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(r.statusLine, 1, 0, false).
		AddItem(r.pages, 0, 1, true)
	r.root.SetBorder(true).SetTitle(" Response ")
	for i, t := range codegen.Targets {
		if t.Name == "python" {
			r.codeTarget = i
		}
	}
	r.clear()
	return r
}

func (r *responsePane) focus() {
	switch r.tab {
	case tabHeadersView:
		r.w.app.SetFocus(r.headers)
	case tabTiming:
		r.w.app.SetFocus(r.timing)
	case tabCode:
		r.w.app.SetFocus(r.code)
	default:
		r.w.app.SetFocus(r.w.bodyFocus())
	}
}

func (r *responsePane) showTab(i int) {
	focused := r.root.HasFocus()
	r.tab = (i + len(responseTabs)) % len(responseTabs)
	r.pages.SwitchToPage(responseTabs[r.tab])
	if r.tab == tabCode {
		r.refreshCode()
	}
	r.refreshStatusLine()
	if focused {
		r.focus()
	}
}

func (r *responsePane) refreshStatusLine() {
	// Tabs first so a narrow screen still shows them all.
	var b strings.Builder
	for i, name := range responseTabs {
		if i == r.tab {
			fmt.Fprintf(&b, "[black:aqua] %s [-:-]", name)
		} else {
			fmt.Fprintf(&b, " %s ", name)
		}
	}
	b.WriteString("  ")
	b.WriteString(r.summary)
	r.statusLine.SetText(b.String())
}

// clear forgets the response (a new request was opened).
func (r *responsePane) clear() {
	if r.resp != nil {
		r.resp.Close()
	}
	r.resp, r.plainBody = nil, ""
	r.w.clearBody()
	r.summary = "[::d]Ctrl+R sends[::-]"
	// Until there is a response, the body area teaches what the request does.
	r.body.SetText("")
	if d := r.w.s.Draft; d != nil && strings.TrimSpace(d.Description) != "" {
		r.body.SetWrap(true).SetWordWrap(true)
		r.body.SetText("[::d]About this request[::-]\n" + Safe(d.Description) + "\n\n[::d]Ctrl+R sends it.[::-]")
	}
	r.headers.SetText("")
	r.timing.SetText("")
	r.refreshStatusLine()
}

// sending shows that r is on its way.
func (r *responsePane) sending(req *collections.Resolved) {
	r.summary = "[yellow]" + Safe(req.Method) + " sending…[-]"
	r.refreshStatusLine()
}

func (r *responsePane) showError(err error) {
	r.summary = "[red]no response[-]"
	r.w.clearBody()
	r.body.SetWrap(true)
	r.body.SetText("[red]" + Safe(err.Error()) + "[-]")
	r.body.ScrollToBeginning()
	r.refreshStatusLine()
	if r.tab != tabCode {
		r.showTab(tabBodyView)
	}
}

// renderedBody is a response body made ready for the viewer. Rendering
// (pretty-printing, highlighting) runs off the UI goroutine: on a large
// body it takes long enough to be felt.
type renderedBody struct {
	text  string // tview text
	plain string // redacted text for copying ("" for binary)
}

func renderResponseBody(resp *send.Response, redact func(string) string) renderedBody {
	ct := resp.Header("Content-Type")
	head := resp.Head
	switch {
	case len(head) == 0:
		return renderedBody{text: "[::d](empty body)[::-]"}
	case !utf8.Valid(head) && !resp.Truncated || isBinaryType(ct):
		return renderedBody{text: binarySummary(ct, resp.Size, head)}
	}
	plain := redact(string(head))
	text := RenderBody(ct, []byte(plain))
	if resp.Truncated {
		text += fmt.Sprintf("\n[yellow]… %s more (the whole body is in %s)[-]", humanSize(resp.Size-int64(len(head))), Safe(resp.BodyPath))
	}
	return renderedBody{text: text, plain: plain}
}

// show displays a response; redact hides the secrets the request used.
func (r *responsePane) show(resp *send.Response, body renderedBody, redact func(string) string) {
	if r.resp != nil && r.resp != resp {
		r.resp.Close()
	}
	r.resp = resp
	r.summary = fmt.Sprintf("[%s::b]%s[-::-]  %s  %s", statusColor(resp.StatusCode), Safe(resp.Status()),
		humanDuration(resp.Timing.Total), humanSize(resp.Size))
	text := body.text
	r.plainBody = body.plain
	for _, warn := range resp.Warnings {
		text = "[orange]⚠ " + Safe(warn) + "[-]\n" + text
	}
	r.body.SetWrap(false)
	r.body.SetText(text)
	r.body.ScrollToBeginning()
	r.w.showBody(resp, body, redact)

	var hb strings.Builder
	fmt.Fprintf(&hb, "[::d]%s %s[::-]\n", Safe(resp.Proto), Safe(resp.Status()))
	for _, h := range resp.Headers {
		fmt.Fprintf(&hb, "[aqua]%s[-]: %s\n", Safe(termLine(h.Name)), Safe(termLine(redact(h.Value))))
	}
	r.headers.SetText(hb.String())

	t := resp.Timing
	var tb strings.Builder
	row := func(name string, d time.Duration) {
		bar := ""
		if t.Total > 0 {
			n := int(float64(d) / float64(t.Total) * 30)
			bar = strings.Repeat("█", max(n, 0))
		}
		fmt.Fprintf(&tb, "%-16s %10s  [aqua]%s[-]\n", name, d.Round(time.Microsecond), bar)
	}
	if t.Reused {
		tb.WriteString("[::d]connection reused[::-]\n")
	}
	row("DNS lookup", t.DNS)
	row("TCP connect", t.Connect)
	row("TLS handshake", t.TLS)
	row("Waiting (server)", t.Wait)
	row("Download", t.Transfer)
	row("Total", t.Total)
	if resp.TLS != nil {
		fmt.Fprintf(&tb, "\n%s %s %s\n", Safe(resp.TLS.Version), Safe(resp.TLS.CipherSuite), Safe(resp.TLS.ALPN))
	}
	r.timing.SetText(tb.String())
	r.refreshStatusLine()
	if r.tab == tabCode {
		r.showTab(tabBodyView)
	}
}

// termLine keeps a header on one line.
func termLine(s string) string {
	return strings.NewReplacer("\n", "\\n", "\r", "\\r").Replace(s)
}

func isBinaryType(ct string) bool {
	ct = strings.ToLower(ct)
	for _, p := range []string{"application/octet-stream", "image/", "audio/", "video/", "application/zip", "application/pdf", "application/gzip"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

// binarySummary shows a binary body as its size, type and first bytes.
func binarySummary(ct string, size int64, head []byte) string {
	n := min(len(head), 64)
	var b strings.Builder
	fmt.Fprintf(&b, "[::d]binary body: %s, %s[::-]\n\n", humanSize(size), Safe(ct))
	for i := 0; i < n; i += 16 {
		end := min(i+16, n)
		fmt.Fprintf(&b, "%08x  % x\n", i, head[i:end])
	}
	return b.String()
}

func (r *responsePane) do(act Action) bool {
	switch act {
	case ActNextTab:
		r.showTab(r.tab + 1)
	case ActPrevTab:
		r.showTab(r.tab - 1)
	case ActCodeLang:
		if len(codegen.Targets) == 0 {
			return true
		}
		r.codeTarget = (r.codeTarget + 1) % len(codegen.Targets)
		r.showTab(tabCode)
	case ActSecrets:
		r.codeInline = !r.codeInline
		r.showTab(tabCode)
		if r.codeInline {
			r.w.setStatus("code: secret values written inline (s hides them again)")
		}
	case ActCopy:
		text := r.plainBody
		what := "body"
		if r.tab == tabCode {
			text, what = r.codeText, "code"
		}
		if text == "" {
			r.w.setStatus("nothing to copy")
			return true
		}
		if err := r.w.clip(text); err != nil {
			r.w.setError(err)
			return true
		}
		r.w.setStatus(fmt.Sprintf("copied the %s (%d bytes)", what, len(text)))
	default:
		return false
	}
	return true
}

// refreshCode regenerates the code tab from the draft, unsaved edits
// included. Secrets are environment reads unless the user asked for them.
func (r *responsePane) refreshCode() {
	if r.tab != tabCode {
		return
	}
	s := r.w.s
	if s.Draft == nil || len(codegen.Targets) == 0 {
		r.codeHead.SetText("")
		r.code.SetText("[::d]open a request to see its code[::-]")
		r.codeText = ""
		return
	}
	t := codegen.Targets[r.codeTarget]
	res, err := s.Resolve(collections.SecretsPlaceholder)
	var text string
	if err == nil {
		opts := codegen.Options{SecretEnv: codegen.SecretEnvNames(s.Coll, s.Path, s.Env)}
		if r.codeInline {
			opts.InlineSecrets = true
			opts.SecretValues = r.secretValues(res.Secrets)
		}
		text, err = codegen.Generate(t.Name, res, opts)
	}
	mode := "[green]secrets as env reads[-]"
	if r.codeInline {
		mode = "[red]secrets inline[-]"
	}
	var names []string
	for i, tt := range codegen.Targets {
		if i == r.codeTarget {
			names = append(names, "[black:aqua] "+tt.Label+" [-:-]")
		} else {
			names = append(names, tt.Name)
		}
	}
	r.codeHead.SetText(strings.Join(names, " ") + "  " + mode + "  [::d]l lang · s secrets · y copy[::-]")
	if err != nil {
		r.codeText = ""
		r.code.SetText("[red]" + Safe(err.Error()) + "[-]")
		return
	}
	r.codeText = text
	lang := map[string]string{"curl": "bash", "python": "python", "go": "go"}[t.Name]
	if lang == "" {
		lang = t.Name
	}
	if len(text) > codeHighlightLimit {
		r.code.SetText(Safe(text)) // keeps typing in a big body responsive
		return
	}
	r.code.SetText(Highlight(lang, text))
}

// secretValues looks up the values of the named secrets, for inline code.
func (r *responsePane) secretValues(names []string) map[string]string {
	s := r.w.s
	out := map[string]string{}
	for _, n := range names {
		v, env := s.lookupVar(n)
		if v == nil {
			continue
		}
		switch {
		case v.Env != "" && getenv(v.Env) != "":
			out[n] = getenv(v.Env)
		case s.Secrets != nil:
			if val, ok := s.Secrets.Secret(s.Coll.ID, env, n); ok {
				out[n] = val
				continue
			}
			fallthrough
		case v.Value != "":
			out[n] = v.Value
		}
	}
	return out
}

// humanDuration rounds a duration for display, keeping sub-millisecond
// times readable.
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

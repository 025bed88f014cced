package workbench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
)

// The editor's tabs.
const (
	tabParams = iota
	tabPath
	tabHeaders
	tabAuth
	tabBody
	tabChecks
)

var editorTabs = []string{"Params", "Path", "Headers", "Auth", "Body", "Checks"}

// commonMethods are offered while typing a method; any token is accepted.
var commonMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// editorPane edits the open request: method and URL on top, tabs below.
type editorPane struct {
	w    *Workbench
	root *tview.Flex

	line     *tview.Pages    // "view" (highlighted) or "edit" (input)
	lineView *tview.TextView // METHOD url, highlighted
	urlIn    *tview.InputField
	// urlRows are the Params rows when urlIn was filled: each edit of the
	// field mirrors its query into the table starting from them.
	urlRows []collections.Param
	tabbar  *tview.TextView
	content *tview.Pages
	tab     int

	params, path, headers *kvTable
	checks                *kvTable

	authForm *tview.Form
	// authFields are the form's credential fields, committed to the secret
	// store when left.
	authSecrets map[*tview.InputField]string // field -> variable it goes to

	bodyKind  *tview.TextView
	bodyPages *tview.Pages
	bodyText  *tview.TextArea
	bodyForm  *kvTable
	bodyParts *kvTable
	bodyFile  *tview.InputField

	empty *tview.TextView
	// unresolved names the variables of the draft that do not resolve.
	unresolved []string
	// loading is set while widgets are filled from the draft, so their
	// change callbacks do not count as edits.
	loading bool
}

func newEditorPane(w *Workbench) *editorPane {
	e := &editorPane{w: w}
	e.lineView = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	e.urlIn = tview.NewInputField().SetLabel("URL ")
	e.urlIn.SetChangedFunc(func(text string) {
		if e.loading || w.s.Draft == nil {
			return
		}
		w.s.SetFullURL(text, e.urlRows)
		e.path.reload()
		e.params.reload()
		w.draftChanged()
	})
	e.urlIn.SetDoneFunc(func(tcell.Key) { e.finishURL() })
	// Leaving the field any way (Tab, a click) shows the highlighted URL.
	e.urlIn.SetBlurFunc(func() {
		e.line.SwitchToPage("view")
		e.refreshURL()
	})
	e.line = tview.NewPages().
		AddPage("view", e.lineView, true, true).
		AddPage("edit", e.urlIn, true, false)

	e.tabbar = tview.NewTextView().SetDynamicColors(true).SetWrap(false)

	d := func() *collections.Request { return w.s.Draft }
	e.params = newKVTable(w, "no query parameters: a adds one", func() []collections.Param { return d().Query },
		func(p []collections.Param) { d().Query = p })
	e.path = newKVTable(w, "no :path variables in the URL", func() []collections.Param { return d().PathVars },
		func(p []collections.Param) { d().PathVars = p })
	e.path.fixedKeys = true
	e.headers = newKVTable(w, "no headers: a adds one", func() []collections.Param { return d().Headers },
		func(p []collections.Param) { d().Headers = p })
	e.headers.completeKey = func(p string) []string { return completeFrom(commonHeaders, p) }
	e.headers.completeValue = completeHeaderValue
	e.checks = newKVTable(w, "no captures or checks: a adds one (capture NAME = jq, status = 200, check = jq)",
		func() []collections.Param { return checksRows(d()) }, func(p []collections.Param) { setChecksRows(d(), p) })
	e.checks.keyHint = "What"
	e.checks.completeKey = func(p string) []string { return completeFrom([]string{"capture ", "status", "check"}, p) }

	e.authForm = tview.NewForm().SetItemPadding(0)
	e.authForm.SetBorderPadding(0, 0, 1, 1)

	e.bodyKind = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	e.bodyText = tview.NewTextArea()
	e.bodyText.SetChangedFunc(func() {
		if e.loading || w.s.Draft == nil {
			return
		}
		w.s.Draft.Body.Text = e.bodyText.GetText()
		e.refreshBodyKind()
		w.draftChanged()
	})
	e.bodyForm = newKVTable(w, "no form fields: a adds one", func() []collections.Param { return d().Body.Form },
		func(p []collections.Param) { d().Body.Form = p })
	e.bodyParts = newKVTable(w, "no parts: a adds one (a value @path sends a file)", func() []collections.Param { return partsRows(d()) },
		func(p []collections.Param) { setPartsRows(d(), p) })
	e.bodyFile = tview.NewInputField().SetLabel("File ")
	e.bodyFile.SetChangedFunc(func(text string) {
		if e.loading || w.s.Draft == nil {
			return
		}
		w.s.Draft.Body.File = text
		w.draftChanged()
	})
	e.bodyPages = tview.NewPages().
		AddPage("none", tview.NewTextView().SetText("No body. k chooses a kind (json, raw, form, multipart, file)."), true, true).
		AddPage("text", e.bodyText, true, false).
		AddPage("form", e.bodyForm.table, true, false).
		AddPage("multipart", e.bodyParts.table, true, false).
		AddPage("file", e.bodyFile, true, false)
	body := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(e.bodyKind, 1, 0, false).
		AddItem(e.bodyPages, 0, 1, true)

	e.content = tview.NewPages().
		AddPage(editorTabs[tabParams], e.params.table, true, true).
		AddPage(editorTabs[tabPath], e.path.table, true, false).
		AddPage(editorTabs[tabHeaders], e.headers.table, true, false).
		AddPage(editorTabs[tabAuth], e.authForm, true, false).
		AddPage(editorTabs[tabBody], body, true, false).
		AddPage(editorTabs[tabChecks], e.checks.table, true, false)

	e.empty = tview.NewTextView().SetDynamicColors(true).
		SetText("\n  Open a request from the tree (Enter), or n for a new one.")
	main := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(e.line, 1, 0, false).
		AddItem(e.tabbar, 1, 0, false).
		AddItem(e.content, 0, 1, true)
	e.root = tview.NewFlex().SetDirection(tview.FlexRow)
	e.root.AddItem(tview.NewPages().AddPage("main", main, true, true).AddPage("empty", e.empty, true, true), 0, 1, true)
	e.root.SetBorder(true).SetTitle(" Request ")
	return e
}

// outer returns the editor's outer pages (main/empty).
func (e *editorPane) outer() *tview.Pages { return e.root.GetItem(0).(*tview.Pages) }

// load fills every widget from the draft.
func (e *editorPane) load() {
	e.loading = true
	defer func() { e.loading = false }()
	d := e.w.s.Draft
	if d == nil {
		e.outer().ShowPage("empty")
		return
	}
	e.outer().HidePage("empty")
	e.urlIn.SetText(e.w.s.FullURL())
	e.urlRows = append([]collections.Param(nil), d.Query...)
	e.params.reload()
	e.path.reload()
	e.headers.reload()
	e.checks.reload()
	e.loadAuth()
	e.loadBody()
	e.showTab(e.tab)
}

// showTab switches the editor tab.
func (e *editorPane) showTab(i int) {
	e.tab = (i + len(editorTabs)) % len(editorTabs)
	e.content.SwitchToPage(editorTabs[e.tab])
	e.refreshTabbar()
}

func (e *editorPane) refreshTabbar() {
	var b strings.Builder
	d := e.w.s.Draft
	for i, name := range editorTabs {
		label := name
		if d != nil {
			if n := e.tabCount(i); n > 0 {
				label += fmt.Sprintf(" %d", n)
			}
		}
		if i == e.tab {
			fmt.Fprintf(&b, "[black:aqua] %s [-:-]", label)
		} else {
			fmt.Fprintf(&b, " %s ", label)
		}
	}
	if d != nil && len(e.unresolved) > 0 {
		b.WriteString("  [orange]unresolved: " + Safe(strings.Join(e.unresolved, " ")) + "[-]")
	} else if e.tabbar.HasFocus() {
		b.WriteString("  [::d]Enter edits · ] next tab[::-]")
	}
	e.tabbar.SetText(b.String())
}

func (e *editorPane) tabCount(i int) int {
	d := e.w.s.Draft
	switch i {
	case tabParams:
		return len(d.Query)
	case tabPath:
		return len(d.PathVars)
	case tabHeaders:
		return len(d.Headers)
	case tabChecks:
		return len(checksRows(d))
	}
	return 0
}

// focus puts focus in the editor: on the tab's table, or on the tab bar
// for tabs whose content takes typing.
func (e *editorPane) focus() {
	if e.w.s.Draft == nil {
		e.w.app.SetFocus(e.empty)
		return
	}
	if t := e.currentTable(); t != nil {
		e.w.app.SetFocus(t.table)
		return
	}
	e.w.app.SetFocus(e.tabbar)
	e.refreshTabbar()
}

// currentTable returns the key/value table of the tab, if it is one.
func (e *editorPane) currentTable() *kvTable {
	switch e.tab {
	case tabParams:
		return e.params
	case tabPath:
		return e.path
	case tabHeaders:
		return e.headers
	case tabChecks:
		return e.checks
	case tabBody:
		switch e.w.s.Draft.Body.Kind {
		case collections.BodyForm:
			return e.bodyForm
		case collections.BodyMultipart:
			return e.bodyParts
		}
	}
	return nil
}

// enterContent focuses the tab's content for editing.
func (e *editorPane) enterContent() {
	switch e.tab {
	case tabAuth:
		e.authForm.SetFocus(0) // start at the type
		e.w.app.SetFocus(e.authForm)
	case tabBody:
		switch e.w.s.Draft.Body.Kind {
		case collections.BodyJSON, collections.BodyRaw:
			e.w.app.SetFocus(e.bodyText)
		case collections.BodyFile:
			e.w.app.SetFocus(e.bodyFile)
		case collections.BodyNone:
			e.pickBodyKind()
		default:
			e.focus()
		}
	default:
		e.focus()
	}
}

// leaveField handles Esc in a text field of the editor: the URL field
// finishes, other fields give focus back to the tab bar.
func (e *editorPane) leaveField(p tview.Primitive) bool {
	if !e.root.HasFocus() {
		return false
	}
	if p == e.urlIn {
		e.finishURL()
		return true
	}
	e.commitFields()
	e.w.app.SetFocus(e.tabbar)
	e.refreshTabbar()
	return true
}

// editURL swaps the highlighted URL line for the input field.
func (e *editorPane) editURL() {
	if e.w.s.Draft == nil {
		return
	}
	// The Params table may have changed since: the field shows it.
	e.loading = true
	e.urlIn.SetText(e.w.s.FullURL())
	e.loading = false
	e.urlRows = append([]collections.Param(nil), e.w.s.Draft.Query...)
	e.line.SwitchToPage("edit")
	e.w.app.SetFocus(e.urlIn)
}

func (e *editorPane) finishURL() {
	e.line.SwitchToPage("view")
	e.refreshURL()
	e.focus()
}

// refreshURL redraws the method and URL line with its variables coloured
// by whether they resolve.
func (e *editorPane) refreshURL() {
	d := e.w.s.Draft
	if d == nil {
		e.lineView.SetText("")
		return
	}
	var unresolved []string
	if r, err := e.w.s.Resolve(collections.SecretsPlaceholder); err == nil {
		unresolved = r.Unresolved
	}
	unresolved = append(unresolved, emptyPathVars(d)...)
	m := strings.ToUpper(strings.TrimSpace(d.Method))
	if m == "" {
		m = "GET"
	}
	url := HighlightURL(e.w.s.FullURL(), unresolved)
	if d.URL == "" && len(d.Query) == 0 {
		url = "[::d]Ctrl+L types the URL[::-]"
	}
	e.unresolved = unresolved
	e.lineView.SetText(fmt.Sprintf("[%s::b]%s[-::-] %s", methodColor(m), Safe(m), url))
	e.refreshTabbar()
}

// editMethod asks for the method; common ones complete, any token goes.
func (e *editorPane) editMethod() {
	d := e.w.s.Draft
	if d == nil {
		return
	}
	e.w.prompt("Method", "Method:", d.Method, func(p string) []string {
		if p == "" {
			return commonMethods
		}
		return completeFrom(commonMethods, p)
	}, func(text string, ok bool) {
		m := strings.ToUpper(strings.TrimSpace(text))
		if !ok || m == "" {
			return
		}
		if !validToken(m) {
			e.w.setError(fmt.Errorf("method %q: only letters, digits and !#$%%&'*+-.^_`|~ are allowed", text))
			return
		}
		d.Method = m
		e.w.tree.refreshLabels()
		e.w.draftChanged()
	})
}

// validToken reports whether s is an HTTP token (RFC 9110), as methods are.
func validToken(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)) {
			return false
		}
	}
	return s != ""
}

func (e *editorPane) do(act Action) bool {
	if e.w.s.Draft == nil {
		return false
	}
	switch act {
	case ActMethod:
		e.editMethod()
		return true
	case ActURL:
		e.editURL()
		return true
	case ActNextTab, ActPrevTab:
		step := 1
		if act == ActPrevTab {
			step = -1
		}
		onBar := e.tabbar.HasFocus()
		e.showTab(e.tab + step)
		if onBar || e.currentTable() == nil {
			e.w.app.SetFocus(e.tabbar)
			e.refreshTabbar()
		} else {
			e.focus()
		}
		return true
	case ActResolved:
		r, err := e.w.s.Resolve(collections.SecretsPlaceholder)
		if err != nil {
			e.w.setError(err)
			return true
		}
		e.w.setStatus("→ " + maskPlaceholders(r.URL))
		return true
	case ActBodyKind:
		if e.tab == tabBody {
			e.pickBodyKind()
			return true
		}
	case ActFormatJSON:
		if e.tab == tabBody {
			e.formatBody()
			return true
		}
	}
	if act == ActEditRow && e.tabbar.HasFocus() {
		e.enterContent()
		return true
	}
	if t := e.currentTable(); t != nil && (e.w.app.GetFocus() == t.table || e.tabbar.HasFocus()) {
		// Row keys work from the tab bar too: they act on the tab's table.
		e.w.app.SetFocus(t.table)
		return t.do(act)
	}
	if act == ActEditRow || act == ActAddRow {
		e.enterContent()
		return true
	}
	return false
}

// maskPlaceholders shows secret placeholders as {{name}}.
func maskPlaceholders(s string) string {
	var b strings.Builder
	for _, seg := range collections.SplitPlaceholders(s) {
		if seg.Secret != "" {
			b.WriteString("{{" + seg.Secret + "}}")
		} else {
			b.WriteString(seg.Text)
		}
	}
	return b.String()
}

// commitFields finishes fields whose edits apply when left (credentials
// typed into the auth form move to the secret store).
func (e *editorPane) commitFields() {
	for f, varName := range e.authSecrets {
		e.commitSecret(f, varName)
	}
}

// Body.

func (e *editorPane) loadBody() {
	d := e.w.s.Draft
	e.bodyText.SetText(d.Body.Text, false)
	e.bodyFile.SetText(d.Body.File)
	e.bodyForm.reload()
	e.bodyParts.reload()
	e.refreshBodyKind()
}

func (e *editorPane) refreshBodyKind() {
	d := e.w.s.Draft
	kind := string(d.Body.Kind)
	page := string(d.Body.Kind)
	switch d.Body.Kind {
	case collections.BodyNone:
		kind, page = "none", "none"
	case collections.BodyJSON, collections.BodyRaw:
		page = "text"
	}
	note := ""
	if d.Body.Kind == collections.BodyJSON {
		if err := ValidateJSON(d.Body.Text); err != nil {
			note = "  [orange]✗ " + Safe(err.Error()) + "[-]"
		} else if strings.TrimSpace(d.Body.Text) != "" {
			note = "  [green]✓ valid JSON[-] [::d]f formats[::-]"
		}
	}
	e.bodyKind.SetText(fmt.Sprintf("[::d]kind[::-] [aqua]%s[-] [::d](k)[::-]%s", kind, note))
	if name, _ := e.bodyPages.GetFrontPage(); name != page {
		e.bodyPages.SwitchToPage(page)
	}
}

func (e *editorPane) pickBodyKind() {
	d := e.w.s.Draft
	labels := make([]string, len(collections.BodyKinds))
	cur := 0
	for i, k := range collections.BodyKinds {
		labels[i] = string(k)
		if k == collections.BodyNone {
			labels[i] = "none"
		}
		if k == d.Body.Kind {
			cur = i
		}
	}
	e.w.pick("Body kind", labels, cur, func(i int) {
		if i < 0 {
			return
		}
		d.Body.Kind = collections.BodyKinds[i]
		e.refreshBodyKind()
		e.w.draftChanged()
		e.enterContent()
	})
}

func (e *editorPane) formatBody() {
	d := e.w.s.Draft
	if d.Body.Kind != collections.BodyJSON && !(d.Body.Kind == collections.BodyRaw && d.Body.Language == "json") {
		e.w.setStatus("format works on JSON bodies")
		return
	}
	out, err := FormatJSON(d.Body.Text)
	if err != nil {
		e.w.setError(err)
		return
	}
	if !strings.HasSuffix(out, "\n") && strings.HasSuffix(d.Body.Text, "\n") {
		out += "\n"
	}
	d.Body.Text = out
	e.loading = true
	e.bodyText.SetText(out, false)
	e.loading = false
	e.refreshBodyKind()
	e.w.draftChanged()
}

// partsRows shows multipart parts as rows; a file part's value is @path.
func partsRows(d *collections.Request) []collections.Param {
	out := make([]collections.Param, len(d.Body.Parts))
	for i, p := range d.Body.Parts {
		v := p.Value
		if p.File != "" {
			v = "@" + p.File
		}
		out[i] = collections.Param{Key: p.Name, Value: v, Disabled: p.Disabled, Description: p.Description}
	}
	return out
}

func setPartsRows(d *collections.Request, rows []collections.Param) {
	old := d.Body.Parts
	out := make([]collections.Part, len(rows))
	for i, r := range rows {
		p := collections.Part{Name: r.Key, Disabled: r.Disabled, Description: r.Description}
		if i < len(old) && old[i].Name == r.Key {
			p.ContentType = old[i].ContentType
		}
		if f, ok := strings.CutPrefix(r.Value, "@"); ok {
			p.File = f
		} else {
			p.Value = r.Value
		}
		out[i] = p
	}
	d.Body.Parts = out
}

// checksRows shows captures and checks as rows: "capture NAME" = jq (or
// "header: Name"), "status" = codes, "check" = jq.
func checksRows(d *collections.Request) []collections.Param {
	var out []collections.Param
	for _, c := range d.Captures {
		v := c.JQ
		if c.Header != "" {
			v = "header: " + c.Header
		}
		out = append(out, collections.Param{Key: "capture " + c.Var, Value: v})
	}
	if len(d.Expect.Status) > 0 {
		codes := make([]string, len(d.Expect.Status))
		for i, s := range d.Expect.Status {
			codes[i] = strconv.Itoa(s)
		}
		out = append(out, collections.Param{Key: "status", Value: strings.Join(codes, ", ")})
	}
	for _, j := range d.Expect.JQ {
		out = append(out, collections.Param{Key: "check", Value: j})
	}
	return out
}

func setChecksRows(d *collections.Request, rows []collections.Param) {
	var caps []collections.Capture
	var status []int
	var jq []string
	for _, r := range rows {
		if r.Disabled {
			continue // a disabled check is dropped; the model has no flag for it
		}
		key := strings.TrimSpace(r.Key)
		switch {
		case strings.HasPrefix(key, "capture "):
			c := collections.Capture{Var: strings.TrimSpace(strings.TrimPrefix(key, "capture "))}
			if h, ok := strings.CutPrefix(r.Value, "header:"); ok {
				c.Header = strings.TrimSpace(h)
			} else {
				c.JQ = r.Value
			}
			caps = append(caps, c)
		case key == "status":
			for _, f := range strings.FieldsFunc(r.Value, func(c rune) bool { return c == ',' || c == ' ' }) {
				if n, err := strconv.Atoi(f); err == nil {
					status = append(status, n)
				}
			}
		default:
			jq = append(jq, r.Value)
		}
	}
	d.Captures, d.Expect.Status, d.Expect.JQ = caps, status, jq
	if len(d.Expect.Status) == 0 {
		d.Expect.Status = nil
	}
}

// emptyPathVars names the :path variables of the URL whose rows hold no
// value: sent as is they would leave an empty path segment.
func emptyPathVars(d *collections.Request) []string {
	var out []string
	for _, name := range collections.PathVarNames(d.URL) {
		for _, p := range d.PathVars {
			if p.Key == name && !p.Disabled && strings.TrimSpace(p.Value) == "" {
				out = append(out, ":"+name)
				break
			}
		}
	}
	return out
}

package codegen

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mistbench/mistbench/collections"
)

// pyTaken are names the Python snippet uses itself, and keywords.
var pyReserved = set([]string{
	"os", "json", "requests", "url", "headers", "more_headers", "payload", "form", "files",
	"request", "response", "session", "quote", "quote_plus", "b64encode", "Path", "HTTPHeaderDict",
	"name", "value", "False", "None", "True", "and", "as", "assert", "async", "await", "break",
	"class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
	"global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
	"return", "try", "while", "with", "yield", "print", "str", "bytes",
})

// pyMethods have a function of their own in requests.
var pyMethods = map[string]string{
	"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "delete",
	"HEAD": "head", "OPTIONS": "options",
}

// Python writes r as a Python program using the requests library.
func Python(r *collections.Resolved, opts Options) (string, error) {
	q, err := prepare(r, opts)
	if err != nil {
		return "", err
	}
	return python(q, r)
}

func python(q *request, r *collections.Resolved) (string, error) {
	taken := map[string]bool{}
	for _, s := range q.secrets {
		s.ident = identFor(s.env, false, pyReserved, taken)
	}
	w := &pyWriter{}

	// Body and headers first: they decide the imports.
	var body strings.Builder
	dataArg, filesArg := "", ""
	switch q.bodyKind {
	case bodyBytes:
		body.WriteString("payload = " + w.bytesExpr(q.body, true) + "\n")
		dataArg = "payload"
	case bodyForm:
		body.WriteString("form = [")
		for i, f := range q.form {
			if i > 0 {
				body.WriteString(",")
			}
			body.WriteString("\n    (" + w.textExpr(f.key) + ", " + w.textExpr(f.value) + ")")
		}
		if len(q.form) > 0 {
			body.WriteString(",\n")
		}
		body.WriteString("]\n")
		dataArg = "form"
	case bodyMultipart:
		// requests picks the boundary; with one fixed by the request,
		// urllib3 encodes the body with it.
		fixed := q.boundary != ""
		body.WriteString("files = [")
		for i, p := range q.parts {
			if i > 0 {
				body.WriteString(",")
			}
			body.WriteString("\n    (" + PyStr(p.name) + ", ")
			switch {
			case p.file != "":
				w.path = true
				body.WriteString("(" + w.str(p.fileName) + ", Path(" + w.str(p.file) + ").read_bytes(), " + PyStr(p.contentType) + ")")
			case p.contentType != "":
				body.WriteString("(None, " + w.textExpr(p.value) + ", " + PyStr(p.contentType) + ")")
			case fixed:
				body.WriteString(w.textExpr(p.value))
			default:
				body.WriteString("(None, " + w.textExpr(p.value) + ")")
			}
			body.WriteString(")")
		}
		if len(q.parts) > 0 {
			body.WriteString(",\n")
		}
		body.WriteString("]\n")
		if fixed {
			w.encodeMultipart = true
			body.WriteString("payload, _ = encode_multipart_formdata(files, boundary=" + w.str(q.boundary) + ")\n")
			dataArg = "payload"
		} else {
			filesArg = "files"
		}
	case bodyFile:
		w.path = true
		body.WriteString("payload = Path(" + w.str(q.file) + ").read_bytes()\n")
		dataArg = "payload"
	}

	var hdrs strings.Builder
	var more []header
	hdrs.WriteString("headers = {")
	n := 0
	for i, h := range q.headers {
		if slices.ContainsFunc(q.headers[:i], func(o header) bool { return strings.EqualFold(o.name, h.name) }) {
			more = append(more, h)
			continue
		}
		hdrs.WriteString("\n    ")
		hdrs.WriteString(PyStr(h.name))
		hdrs.WriteString(": ")
		hdrs.WriteString(w.headerExpr(h.value))
		hdrs.WriteByte(',')
		n++
	}
	if n > 0 {
		hdrs.WriteString("\n")
	}
	hdrs.WriteString("}\n")
	headersArg := []string{"headers=headers"}
	if n == 0 && (q.login == nil || !q.login.csrf) {
		hdrs.Reset()
		headersArg = nil
	}
	if len(more) > 0 {
		hdrs.WriteString("# requests keeps one value per header name; these repeat a name and are\n# added below with urllib3's HTTPHeaderDict (urllib3 2 or later).\n")
		hdrs.WriteString("more_headers = [")
		for _, h := range more {
			hdrs.WriteString("\n    (" + PyStr(h.name) + ", " + w.headerExpr(h.value) + "),")
		}
		hdrs.WriteString("\n]\n")
	}

	urlExpr := w.textExpr(q.url)
	var b strings.Builder
	b.Grow(512 + body.Len())
	b.WriteString(q.preamble("#"))
	if q.printJSON {
		b.WriteString("import json\n")
	}
	if len(q.secrets) > 0 {
		b.WriteString("import os\n")
	}
	if w.b64 {
		b.WriteString("from base64 import b64encode\n")
	}
	if w.path {
		b.WriteString("from pathlib import Path\n")
	}
	switch {
	case w.quote && w.quotePlus:
		b.WriteString("from urllib.parse import quote, quote_plus\n")
	case w.quote:
		b.WriteString("from urllib.parse import quote\n")
	case w.quotePlus:
		b.WriteString("from urllib.parse import quote_plus\n")
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString("import requests\n")
	switch {
	case len(more) > 0 && w.encodeMultipart:
		b.WriteString("from urllib3 import HTTPHeaderDict, encode_multipart_formdata\n")
	case len(more) > 0:
		b.WriteString("from urllib3 import HTTPHeaderDict\n")
	case w.encodeMultipart:
		b.WriteString("from urllib3 import encode_multipart_formdata\n")
	}
	b.WriteString("\n")
	for _, s := range q.secrets {
		b.WriteString(s.ident + " = os.environ[" + PyStr(s.env) + "]\n")
	}
	if len(q.secrets) > 0 {
		b.WriteString("\n")
	}
	if note := urllib3URLNote(q.url.lits()); note != "" {
		b.WriteString("# Note: " + note + "\n")
	}
	b.WriteString("url = " + urlExpr + "\n")
	b.WriteString(hdrs.String())
	b.WriteString(body.String())
	b.WriteString("\n")

	var kw []string
	if dataArg != "" {
		kw = append(kw, "data="+dataArg)
	}
	if filesArg != "" {
		kw = append(kw, "files="+filesArg)
	}
	// requests rewrites some URLs (it decodes %2E, removes dot segments):
	// a prepared request whose url is set again sends the URL as written.
	keepURL := requestsRewritesURL(q.url.lits())
	// requests upper-cases the method; a prepared request keeps it.
	keepMethod := strings.ToUpper(q.method) != q.method
	var sendKw []string
	sendKw = append(sendKw, "timeout="+seconds(q.timeout))
	switch {
	case !q.follow && (q.method != "HEAD" || len(more) > 0 || keepURL || keepMethod):
		sendKw = append(sendKw, "allow_redirects=False")
	case q.follow && q.method == "HEAD" && len(more) == 0 && !keepURL && !keepMethod:
		sendKw = append(sendKw, "allow_redirects=True") // requests.head does not follow by default
	}
	if q.insecure {
		b.WriteString("# verify=False: TLS certificate verification is OFF for this request.\n")
		sendKw = append(sendKw, "verify=False")
	}
	// The request goes out in a Session when one is needed: a login, a
	// redirect limit other than requests' 30, a prepared request.
	prepared := len(more) > 0 || keepURL || keepMethod
	var sess []string // lines inside "with requests.Session() as session:"
	if q.follow && q.maxRedirects != 10 {
		sess = append(sess, "session.max_redirects = "+strconv.Itoa(q.maxRedirects))
	}
	if l := q.login; l != nil {
		var loginKw []string // the timeout and TLS setting, not the redirects
		for _, k := range sendKw {
			if strings.HasPrefix(k, "timeout=") || strings.HasPrefix(k, "verify=") {
				loginKw = append(loginKw, k)
			}
		}
		creds := `"email": ` + w.textExpr(l.email) + `, "password": ` + w.textExpr(l.password)
		if lit, ok := l.twoFactor.literal(); !ok || lit != "" {
			creds += `, "two_factor": ` + w.textExpr(l.twoFactor)
		}
		sess = append(sess, "# Mist login session: log in, then send the session's cookies.",
			strings.TrimSuffix(pyCall("login = session.post("+PyStr(l.url), append([]string{"json={" + creds + "}"}, loginKw...)), "\n"),
			"login.raise_for_status()")
		if l.csrf {
			sess = append(sess, `headers["X-CSRFToken"] = next(c.value for c in session.cookies if c.name.split(".")[0] == "csrftoken")`)
		}
	}
	inSession := len(sess) > 0 || prepared
	if !prepared {
		call := "requests.request(" + PyStr(q.method) + ", url"
		if m, ok := pyMethods[q.method]; ok {
			call = "requests." + m + "(url"
		}
		if inSession {
			call = "session." + strings.TrimPrefix(call, "requests.")
		}
		args := append(append(headersArg, kw...), sendKw...)
		sess = append(sess, strings.TrimSuffix(pyCall("response = "+call, args), "\n"))
	} else {
		args := append(append([]string{PyStr(q.method), "url"}, headersArg...), kw...)
		// prepare_request adds the session's cookies (a login's).
		sess = append(sess, strings.TrimSuffix(pyCall("request = session.prepare_request(requests.Request(", args), "\n")+")")
		if keepURL {
			sess = append(sess, "request.url = url  # as written: requests would rewrite its path")
		}
		if keepMethod {
			sess = append(sess, "request.method = "+PyStr(q.method)+"  # as written: requests upper-cases it")
		}
		if len(more) > 0 {
			sess = append(sess, "request.headers = HTTPHeaderDict(request.headers)",
				"for name, value in more_headers:\n    request.headers.add(name, value)")
		}
		sess = append(sess, strings.TrimSuffix(pyCall("response = session.send(request", sendKw), "\n"))
	}
	if inSession {
		b.WriteString("with requests.Session() as session:\n")
		for _, chunk := range sess {
			b.WriteString("    " + strings.ReplaceAll(chunk, "\n", "\n    ") + "\n")
		}
	} else {
		b.WriteString(sess[0] + "\n")
	}
	b.WriteString("\nprint(response.status_code, response.reason)\n")
	if q.printJSON {
		b.WriteString("print(json.dumps(response.json(), indent=2))\n")
	} else {
		b.WriteString("print(response.text)\n")
	}
	return b.String(), nil
}

// pyCall writes head, the arguments and ")": on one line when it is
// short, else one argument per line.
func pyCall(head string, args []string) string {
	open := head
	if !strings.HasSuffix(head, "(") {
		open, args = head[:strings.IndexByte(head, '(')+1], append([]string{head[strings.IndexByte(head, '(')+1:]}, args...)
	}
	line := open + strings.Join(args, ", ") + ")"
	if len(line) <= 88 {
		return line + "\n"
	}
	return open + "\n    " + strings.Join(args, ",\n    ") + ",\n)\n"
}

type pyWriter struct {
	b64, path, quote, quotePlus, encodeMultipart bool
}

// str writes a literal: str when it is valid UTF-8, else bytes.
func (w *pyWriter) str(s string) string {
	if utf8.ValidString(s) {
		return PyStr(s)
	}
	return PyBytes(s)
}

// textExpr writes v as a str expression (bytes when a literal is not
// valid UTF-8: requests accepts both where this is used).
func (w *pyWriter) textExpr(v value) string {
	if lit, ok := v.literal(); ok {
		return w.str(lit)
	}
	if !utf8.ValidString(v.lits()) {
		return w.bytesExpr(v, false)
	}
	return w.concat(v)
}

// headerExpr writes a header value: str when ASCII; else bytes, since
// http.client would encode a str as Latin-1.
func (w *pyWriter) headerExpr(v value) string {
	if _, lit := v.literal(); lit && isASCII(v.lits()) {
		return w.concat(v)
	}
	if v.basic != nil && isASCII(v.lits()) && len(v.segs) == 1 {
		return w.concat(v) // base64 is ASCII
	}
	return w.bytesExpr(v, false)
}

// bytesExpr writes v as bytes (or an ASCII str, which requests sends
// unchanged). split writes a long multi-line literal one line per line.
func (w *pyWriter) bytesExpr(v value, split bool) string {
	lits := v.lits()
	if lit, ok := v.literal(); ok {
		switch {
		case !utf8.ValidString(lit):
			return PyBytes(lit)
		case split && strings.Count(lit, "\n") > 0 && len(lit) < 1<<16:
			e := pyLines(lit)
			if !isASCII(lit) {
				e += ".encode()"
			}
			return e
		case isASCII(lit):
			return PyStr(lit)
		}
		return PyStr(lit) + ".encode()"
	}
	if utf8.ValidString(lits) {
		// Secrets may be any text: always encode to UTF-8.
		return "(" + w.concat(v) + ").encode()"
	}
	var parts []string
	for _, s := range v.segs {
		if s.secret == nil {
			if s.lit != "" {
				parts = append(parts, PyBytes(s.lit))
			}
			continue
		}
		parts = append(parts, w.secretExpr(s)+".encode()")
	}
	return strings.Join(parts, " + ")
}

// pyLines writes a multi-line literal as adjacent literals, one per line.
func pyLines(s string) string {
	var b strings.Builder
	b.WriteString("(")
	for s != "" {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line = s[:i+1]
		}
		s = s[len(line):]
		b.WriteString("\n    " + PyStr(line))
	}
	b.WriteString("\n)")
	return b.String()
}

// concat writes v as a str expression: literals and secrets joined by +.
func (w *pyWriter) concat(v value) string {
	var parts []string
	for _, s := range v.segs {
		if s.secret == nil {
			if s.lit != "" || len(v.segs) == 1 && v.basic == nil {
				parts = append(parts, PyStr(s.lit))
			}
			continue
		}
		parts = append(parts, w.secretExpr(s))
	}
	if v.basic != nil {
		w.b64 = true
		var inner []string
		for _, s := range v.basic.inner() {
			if s.secret == nil {
				if s.lit != "" {
					inner = append(inner, PyStr(s.lit))
				}
				continue
			}
			inner = append(inner, w.secretExpr(s))
		}
		parts = append(parts, "b64encode(("+strings.Join(inner, " + ")+").encode()).decode()")
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " + ")
}

func (w *pyWriter) secretExpr(s seg) string {
	switch s.enc {
	case encQuery:
		w.quote = true
		return "quote(" + s.secret.ident + `, safe="")`
	case encForm:
		w.quotePlus = true
		return "quote_plus(" + s.secret.ident + `, safe="")`
	}
	return s.secret.ident
}

// requestsRewritesURL reports whether requests would change the URL
// before sending it: it removes . and .. path segments and decodes
// percent-escapes of unreserved characters.
func requestsRewritesURL(u string) bool {
	if hasDotSegment(u) {
		return true
	}
	for i := 0; i+2 < len(u); i++ {
		if u[i] == '%' && isHex(u[i+1]) && isHex(u[i+2]) && unreservedByte(unhex(u[i+1])<<4|unhex(u[i+2])) {
			return true
		}
	}
	return false
}

// urllib3URLNote says how urllib3 rewrites a URL whatever requests does, or "".
func urllib3URLNote(u string) string {
	if strings.HasSuffix(u, "?") {
		return "requests drops the empty query (the trailing ?) of this URL."
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == '%':
			if i+2 < len(u) && isHexUpper(u[i+1]) && isHexUpper(u[i+2]) {
				continue
			}
			return "urllib3 normalises the percent-escapes of this URL."
		case c >= 0x80 || !(unreservedByte(c) || strings.IndexByte("!$&'()*+,;=:@/?#", c) >= 0):
			return "urllib3 percent-encodes the characters of this URL that are not allowed in a URL."
		}
	}
	return ""
}

func isHex(c byte) bool { return isHexUpper(c) || c >= 'a' && c <= 'f' }

func isHexUpper(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func unreservedByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

package codegen

import (
	"bytes"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// goTaken are names the Go program uses itself, keywords and predeclared
// identifiers.
var goReserved = set([]string{
	"main", "run", "ctx", "cancel", "req", "resp", "err", "client", "body", "mw", "part", "data",
	"jar", "credentials", "loginReq", "loginResp", "c",
	"form", "h", "transport", "bytes", "context", "errors", "fmt", "io", "log", "multipart", "http",
	"os", "strings", "textproto", "time", "url", "base64", "tls", "break", "case", "chan", "const",
	"continue", "default", "defer", "else", "fallthrough", "for", "func", "go", "goto", "if",
	"import", "interface", "map", "package", "range", "return", "select", "struct", "switch",
	"type", "var", "string", "len", "nil", "true", "false", "error", "byte", "rune", "int",
	"append", "copy", "new", "make", "panic", "print", "println", "any", "cap", "close",
})

var goMethods = map[string]string{
	"GET": "http.MethodGet", "HEAD": "http.MethodHead", "POST": "http.MethodPost",
	"PUT": "http.MethodPut", "PATCH": "http.MethodPatch", "DELETE": "http.MethodDelete",
	"CONNECT": "http.MethodConnect", "OPTIONS": "http.MethodOptions", "TRACE": "http.MethodTrace",
}

// GoHTTP writes r as a complete Go program using net/http: it compiles,
// checks every error, closes the body and is gofmt-clean.
func GoHTTP(r *collections.Resolved, opts Options) (string, error) {
	q, err := prepare(r, opts)
	if err != nil {
		return "", err
	}
	return goHTTP(q, r)
}

func goHTTP(q *request, r *collections.Resolved) (string, error) {
	taken := map[string]bool{}
	for _, s := range q.secrets {
		s.ident = identFor(s.env, true, goReserved, taken)
	}
	g := &goWriter{declared: map[string]bool{}}
	g.imports = append(make([]string, 0, 12), "context", "fmt", "io", "log", "net/http", "os", "time")
	f := goBufs.Get().(*bytes.Buffer) // the body of run, made once a snippet
	defer func() {
		if f.Cap() <= 64<<10 { // a huge body's buffer goes
			goBufs.Put(f)
		}
	}()
	f.Reset()
	f.Grow(1024 + len(r.Body.Bytes)*11/10)

	for _, s := range q.secrets {
		g.use("errors")
		f.WriteString("\t" + s.ident + " := os.Getenv(" + strconv.Quote(s.env) + ")\n")
		f.WriteString("\tif " + s.ident + ` == "" {` + "\n")
		f.WriteString("\t\treturn errors.New(" + strconv.Quote("set "+s.env+" to the secret "+safeComment(s.name)) + ")\n\t}\n")
	}
	if len(q.secrets) > 0 {
		f.WriteString("\n")
	}

	bodyArg := "nil"
	switch q.bodyKind {
	case bodyBytes:
		g.use("strings")
		f.WriteString("\tbody := strings.NewReader(" + g.expr(q.body, false) + ")\n\n")
		bodyArg = "body"
	case bodyForm:
		g.use("strings")
		switch len(q.formEnc) {
		case 0:
			f.WriteString("\tbody := strings.NewReader(\"\")\n\n")
		case 1:
			f.WriteString("\tbody := strings.NewReader(" + g.expr(q.formEnc[0], false) + ")\n\n")
		default:
			f.WriteString("\tform := []string{\n")
			for _, fe := range q.formEnc {
				f.WriteString("\t\t" + g.expr(fe, false) + ",\n")
			}
			f.WriteString("\t}\n\tbody := strings.NewReader(strings.Join(form, \"&\"))\n\n")
		}
		bodyArg = "body"
	case bodyMultipart:
		g.use("bytes")
		g.use("mime/multipart")
		f.WriteString("\tvar body bytes.Buffer\n\tmw := multipart.NewWriter(&body)\n")
		if q.boundary != "" {
			f.WriteString("\tif err := mw.SetBoundary(" + GoString(q.boundary) + "); err != nil {\n\t\treturn err\n\t}\n")
		}
		for _, p := range q.parts {
			g.multipartPart(f, p)
		}
		f.WriteString("\tif err := mw.Close(); err != nil {\n\t\treturn err\n\t}\n\n")
		bodyArg = "&body"
	case bodyFile:
		g.use("bytes")
		f.WriteString("\tdata, err := os.ReadFile(" + GoString(q.file) + ")\n" + goCheck)
		g.declared["err"], g.declared["data"] = true, true
		f.WriteString("\tbody := bytes.NewReader(data)\n\n")
		bodyArg = "body"
	}

	f.WriteString("\tctx, cancel := context.WithTimeout(context.Background(), " + goDuration(q.timeout) + ")\n\tdefer cancel()\n")
	clientVar := "http.DefaultClient"
	if q.login != nil {
		clientVar = "client"
		g.use("net/http/cookiejar")
		f.WriteString("\n\tjar, err " + g.assign("jar", "err") + " cookiejar.New(nil)\n" + goCheck)
		f.WriteString("\tclient := &http.Client{Jar: jar}\n")
		g.clientSettings(f, q)
		g.goLogin(f, q.login)
	}
	method, ok := goMethods[q.method]
	if !ok {
		method = strconv.Quote(q.method)
	}
	f.WriteString("\treq, err " + g.assign("req", "err") + " http.NewRequestWithContext(ctx, " + method + ", " + g.expr(q.url, true) + ", " + bodyArg + ")\n" + goCheck)
	if raw := goOpaquePath(q.url); raw != "" {
		f.WriteString("\treq.URL.Opaque = " + GoString(raw) + " // the path as written: net/http would escape it\n")
	}
	for _, h := range q.headers {
		if strings.EqualFold(h.name, "Host") {
			f.WriteString("\treq.Host = " + g.expr(h.value, false) + "\n") // net/http ignores a Host header
			continue
		}
		f.WriteString("\treq.Header.Add(" + strconv.Quote(h.name) + ", " + g.expr(h.value, true) + ")\n")
	}
	if q.login != nil && q.login.csrf {
		f.WriteString("\tfor _, c := range jar.Cookies(req.URL) {\n")
		f.WriteString("\t\tif c.Name == \"csrftoken\" || strings.HasPrefix(c.Name, \"csrftoken.\") {\n")
		f.WriteString("\t\t\treq.Header.Set(\"X-CSRFToken\", c.Value) // the session's CSRF token\n\t\t}\n\t}\n")
		g.use("strings")
	}
	if q.bodyKind == bodyMultipart {
		if q.boundary == "" {
			f.WriteString("\treq.Header.Set(\"Content-Type\", mw.FormDataContentType())\n")
		}
	}
	f.WriteString("\n")

	if q.login == nil && (!q.follow || q.maxRedirects != 10 || q.insecure) {
		clientVar = "client"
		f.WriteString("\tclient := &http.Client{}\n")
		g.clientSettings(f, q)
	}
	f.WriteString("\tresp, err := " + clientVar + ".Do(req)\n" + goCheck)
	f.WriteString("\tdefer resp.Body.Close()\n\n")
	f.WriteString("\tfmt.Println(resp.Status)\n\t_, err = io.Copy(os.Stdout, resp.Body)\n\treturn err\n}\n")
	return g.finish(q, f), nil
}

// clientSettings writes the redirect and TLS settings of client.
func (g *goWriter) clientSettings(f *bytes.Buffer, q *request) {
	switch {
	case !q.follow:
		f.WriteString("\tclient.CheckRedirect = func(*http.Request, []*http.Request) error {\n\t\treturn http.ErrUseLastResponse // do not follow redirects\n\t}\n")
	case q.maxRedirects != 10:
		g.use("errors")
		n := strconv.Itoa(q.maxRedirects)
		f.WriteString("\tclient.CheckRedirect = func(_ *http.Request, via []*http.Request) error {\n\t\tif len(via) >= " + n + " {\n\t\t\treturn errors.New(\"stopped after " + n + " redirects\")\n\t\t}\n\t\treturn nil\n\t}\n")
	}
	if q.insecure {
		g.use("crypto/tls")
		f.WriteString("\t// TLS certificate verification is OFF for this request.\n")
		f.WriteString("\ttransport := http.DefaultTransport.(*http.Transport).Clone()\n")
		f.WriteString("\ttransport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}\n")
		f.WriteString("\tclient.Transport = transport\n")
	}
}

// goLogin writes the Mist login: POST the credentials as JSON, keep the
// cookies in the client's jar.
func (g *goWriter) goLogin(f *bytes.Buffer, l *login) {
	g.use("encoding/json")
	g.use("bytes")
	f.WriteString("\t// Mist login session: log in, then send the session's cookies.\n")
	creds := "\"email\": " + g.expr(l.email, false) + ", \"password\": " + g.expr(l.password, false)
	if lit, ok := l.twoFactor.literal(); !ok || lit != "" {
		creds += ", \"two_factor\": " + g.expr(l.twoFactor, false)
	}
	f.WriteString("\tcredentials, err " + g.assign("credentials", "err") + " json.Marshal(map[string]string{" + creds + "})\n" + goCheck)
	f.WriteString("\tloginReq, err " + g.assign("loginReq", "err") + " http.NewRequestWithContext(ctx, http.MethodPost, " + strconv.Quote(l.url) + ", bytes.NewReader(credentials))\n" + goCheck)
	f.WriteString("\tloginReq.Header.Set(\"Content-Type\", \"application/json\")\n")
	f.WriteString("\tloginResp, err " + g.assign("loginResp", "err") + " client.Do(loginReq)\n" + goCheck)
	f.WriteString("\tif err := loginResp.Body.Close(); err != nil {\n\t\treturn err\n\t}\n")
	f.WriteString("\tif loginResp.StatusCode/100 != 2 {\n\t\treturn fmt.Errorf(\"mist login: %s\", loginResp.Status)\n\t}\n\n")
}

// finish writes the program around the body of run.
func (g *goWriter) finish(q *request, f *bytes.Buffer) string {
	const head, main = "package main\n\nimport (\n", ")\n\nfunc main() {\n\tif err := run(); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc run() error {\n"
	pre := q.preamble("//")
	n := len(pre) + len(head) + len(main) + f.Len()
	for _, imp := range g.imports {
		n += len(imp) + 4
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(pre)
	b.WriteString(head)
	for _, imp := range g.imports {
		b.WriteString("\t\"")
		b.WriteString(imp)
		b.WriteString("\"\n")
	}
	b.WriteString(main)
	b.Write(f.Bytes())
	return b.String()
}

// goBufs hold the body of run while a Go snippet is written.
var goBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const goCheck = "\tif err != nil {\n\t\treturn err\n\t}\n"

type goWriter struct {
	imports  []string // sorted
	declared map[string]bool
}

// use adds an import.
func (g *goWriter) use(path string) {
	i, found := slices.BinarySearch(g.imports, path)
	if !found {
		g.imports = slices.Insert(g.imports, i, path)
	}
}

// assign returns ":=" when one of names is new, else "=".
func (g *goWriter) assign(names ...string) string {
	op := "="
	for _, n := range names {
		if !g.declared[n] {
			op = ":="
			g.declared[n] = true
		}
	}
	return op
}

func (g *goWriter) multipartPart(f *bytes.Buffer, p part) {
	if p.file != "" {
		f.WriteString("\tdata, err " + g.assign("data", "err") + " os.ReadFile(" + GoString(p.file) + ")\n" + goCheck)
	}
	switch {
	case p.file == "" && p.contentType == "":
		f.WriteString("\tif err := mw.WriteField(" + strconv.Quote(p.name) + ", " + g.expr(p.value, true) + "); err != nil {\n\t\treturn err\n\t}\n")
		return
	case p.file != "" && p.contentType == DefaultFileContentType:
		f.WriteString("\tpart, err " + g.assign("part", "err") + " mw.CreateFormFile(" + strconv.Quote(p.name) + ", " + GoString(p.fileName) + ")\n" + goCheck)
	default:
		g.use("net/textproto")
		disp := `form-data; name="` + goMultipartQuote(p.name) + `"`
		if p.file != "" {
			disp += `; filename="` + goMultipartQuote(p.fileName) + `"`
		}
		f.WriteString("\th " + g.assign("h") + " make(textproto.MIMEHeader)\n")
		f.WriteString("\th.Set(\"Content-Disposition\", " + GoString(disp) + ")\n")
		f.WriteString("\th.Set(\"Content-Type\", " + GoString(p.contentType) + ")\n")
		f.WriteString("\tpart, err " + g.assign("part", "err") + " mw.CreatePart(h)\n" + goCheck)
	}
	if p.file != "" {
		f.WriteString("\tif _, err := part.Write(data); err != nil {\n\t\treturn err\n\t}\n")
	} else {
		g.use("io")
		f.WriteString("\tif _, err := io.WriteString(part, " + g.expr(p.value, true) + "); err != nil {\n\t\treturn err\n\t}\n")
	}
}

// goMultipartQuote escapes as mime/multipart does in Content-Disposition.
func goMultipartQuote(s string) string { return quoteEscaper.Replace(s) }

// expr writes v as a Go string expression. compact drops the blanks
// around + as gofmt does in a call with several arguments.
func (g *goWriter) expr(v value, compact bool) string {
	plus := " + "
	if compact {
		plus = "+"
	}
	var parts []string
	for _, s := range v.segs {
		if s.secret == nil {
			if s.lit != "" || len(v.segs) == 1 && v.basic == nil {
				parts = append(parts, GoString(s.lit))
			}
			continue
		}
		parts = append(parts, g.secretExpr(s))
	}
	if v.basic != nil {
		g.use("encoding/base64")
		var inner []string
		for _, s := range v.basic.inner() {
			if s.secret == nil {
				if s.lit != "" {
					inner = append(inner, GoString(s.lit))
				}
				continue
			}
			inner = append(inner, g.secretExpr(s))
		}
		// Inside the conversion the sum is one argument: gofmt keeps blanks
		// only when there is no enclosing multi-argument call.
		in := strings.Join(inner, "+")
		if !compact && len(parts) == 0 {
			in = strings.Join(inner, " + ")
		}
		parts = append(parts, "base64.StdEncoding.EncodeToString([]byte("+in+"))")
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, plus)
}

func (g *goWriter) secretExpr(s seg) string {
	switch s.enc {
	case encQuery:
		g.use("net/url")
		g.use("strings")
		return "strings.ReplaceAll(url.QueryEscape(" + s.secret.ident + `), "+", "%20")`
	case encForm:
		g.use("net/url")
		return "url.QueryEscape(" + s.secret.ident + ")"
	}
	return s.secret.ident
}

func goDuration(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "*time.Second"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "*time.Millisecond"
	}
	return "time.Duration(" + strconv.FormatInt(int64(d), 10) + ")"
}

// goOpaquePath returns the path of a literal URL when net/http would send
// it escaped differently from how it is written (as the engine does not).
// goPathAsIs reports whether p holds only bytes net/url neither decodes
// nor escapes in a path: unreserved ones and $&+,/:;=@.
func goPathAsIs(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~$&+,/:;=@", c) >= 0) {
			return false
		}
	}
	return true
}

func goOpaquePath(v value) string {
	lit, ok := v.literal()
	if !ok {
		return ""
	}
	i := strings.Index(lit, "://")
	if i < 0 {
		return ""
	}
	rest := lit[i+3:]
	j := strings.IndexAny(rest, "/?#")
	if j < 0 || rest[j] != '/' {
		return ""
	}
	raw := rest[j:]
	if k := strings.IndexAny(raw, "?#"); k >= 0 {
		raw = raw[:k]
	}
	if goPathAsIs(raw) {
		return "" // net/url writes such a path back unchanged: no need to parse
	}
	u, err := url.Parse(lit)
	if err != nil || u.EscapedPath() == raw || strings.HasPrefix(raw, "//") {
		return ""
	}
	return raw
}

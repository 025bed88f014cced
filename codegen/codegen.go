// Package codegen turns a resolved request into a program that sends
// exactly that request: a curl command line for bash, Python with the
// requests library, and a Go net/http program.
//
// Generation is pure and fast (the workbench regenerates on every edit).
// Its input is a *collections.Resolved made in SecretsPlaceholder mode:
// secret values appear as placeholders and become reads of environment
// variables in the snippet, unless Options.InlineSecrets asks for values.
package codegen

import (
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mistbench/mistbench/collections"
)

// Target is one language a request can be written in.
type Target struct {
	Name     string // as given to -l: curl, python, go
	Label    string // as shown in menus
	Ext      string // the file name extension of a snippet: .sh, .py, .go
	Generate func(*collections.Resolved, Options) (string, error)
	// write is Generate after prepare, so that GenerateEach prepares once.
	// It only reads q (but the identifiers of its secrets, its own).
	write func(q *request, r *collections.Resolved) (string, error)
}

// Targets lists every target, in the order the workbench offers them.
var Targets = []Target{
	{Name: "curl", Label: "curl (bash)", Ext: ".sh", Generate: Curl, write: curl},
	{Name: "python", Label: "Python (requests)", Ext: ".py", Generate: Python, write: python},
	{Name: "go", Label: "Go (net/http)", Ext: ".go", Generate: GoHTTP, write: goHTTP},
}

// GenerateEach writes r in each of targets, as their Generate would,
// preparing r once for all of them.
func GenerateEach(r *collections.Resolved, opts Options, targets []Target) ([]string, error) {
	out := make([]string, len(targets))
	var q *request
	for i, t := range targets {
		var err error
		if t.write == nil {
			out[i], err = t.Generate(r, opts)
		} else {
			if q == nil {
				if q, err = prepare(r, opts); err != nil {
					return nil, err
				}
			}
			out[i], err = t.write(q, r)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TargetNames lists the names of Targets.
func TargetNames() []string {
	names := make([]string, len(Targets))
	for i, t := range Targets {
		names[i] = t.Name
	}
	return names
}

// Generate writes r in the named target language.
func Generate(name string, r *collections.Resolved, opts Options) (string, error) {
	for _, t := range Targets {
		if t.Name == name {
			return t.Generate(r, opts)
		}
	}
	return "", fmt.Errorf("codegen: unknown target %q (want one of %s)", name, strings.Join(TargetNames(), ", "))
}

// DefaultTimeout is written into snippets when neither the request nor the
// options set one: a pasted snippet should not hang forever.
const DefaultTimeout = 30 * time.Second

// Options adjust a snippet.
type Options struct {
	// InlineSecrets writes the values of SecretValues into the snippet
	// instead of reading environment variables. Only when asked explicitly.
	InlineSecrets bool
	SecretValues  map[string]string // secret variable name -> value
	// SecretEnv maps a secret variable's name to the environment variable
	// the snippet reads; missing names get DefaultSecretEnv(name).
	SecretEnv map[string]string
	// Timeout overrides the request's timeout (0: the request's, else
	// DefaultTimeout).
	Timeout time.Duration
	// FollowRedirects overrides the request's setting when not nil.
	FollowRedirects *bool
	// InsecureSkipVerify turns TLS verification off even if the request
	// does not.
	InsecureSkipVerify bool
	// PythonPrintJSON makes the Python snippet pretty-print a JSON
	// response instead of printing the text.
	PythonPrintJSON bool
}

// DefaultSecretEnv names the environment variable that supplies a secret
// variable: MIST_ and the name in upper case, other characters as _.
func DefaultSecretEnv(name string) string {
	var b strings.Builder
	b.WriteString("MIST_")
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// SecretEnvNames collects the Env fields of the secret variables visible to
// a request (environment, folders, collection), for Options.SecretEnv.
func SecretEnvNames(c *collections.Collection, path []*collections.Folder, env *collections.Environment) map[string]string {
	out := map[string]string{}
	add := func(vs []collections.Variable) {
		for _, v := range vs {
			if _, seen := out[v.Key]; !seen && v.Secret && v.Env != "" {
				out[v.Key] = v.Env
			}
		}
	}
	if env != nil {
		add(env.Variables)
	}
	for i := len(path) - 1; i >= 0; i-- {
		add(path[i].Variables)
	}
	if c != nil {
		add(c.Variables)
	}
	return out
}

// encoding says how a secret is encoded where it sits.
type encoding int

const (
	encNone  encoding = iota
	encQuery          // a URL component: percent-encode all but unreserved
	encForm           // a form field: the same with space as +
	encJSON           // inside a JSON string: backslash escapes (curl's login)
)

// seg is a run of literal text or a secret read at run time.
type seg struct {
	lit    string
	secret *secretRef // nil for literal text
	enc    encoding
}

// value is a header value, URL or body: segments concatenated, or, when
// basic is set, "Basic " + base64(user + ":" + password) computed at run time.
type value struct {
	segs  []seg
	basic *basicAuth
}

type basicAuth struct{ user, pass []seg }

// secretRef is one secret the snippet reads from the environment.
type secretRef struct {
	name  string // the variable's name
	env   string // the environment variable
	ident string // the target's variable name, filled by each target
}

// literal returns the text of v when it holds no secret.
func (v value) literal() (string, bool) {
	if v.basic != nil {
		return "", false
	}
	var b strings.Builder
	for _, s := range v.segs {
		if s.secret != nil {
			return "", false
		}
		b.WriteString(s.lit)
	}
	return b.String(), true
}

// lits returns the literal text of v, secrets left out.
func (v value) lits() string {
	var b strings.Builder
	all := v.segs
	if v.basic != nil {
		all = append(append(append([]seg(nil), v.segs...), v.basic.user...), v.basic.pass...)
	}
	for _, s := range all {
		b.WriteString(s.lit)
	}
	return b.String()
}

type header struct {
	name  string
	value value
}

type formField struct{ key, value value }

type part struct {
	name        string
	value       value // text part
	file        string
	fileName    string
	contentType string
}

type bodyKind int

const (
	bodyNone bodyKind = iota
	bodyBytes
	bodyForm
	bodyMultipart
	bodyFile
)

// request is a Resolved request prepared for writing: validated, secrets
// cut out, settings decided.
type request struct {
	method   string
	url      value // secrets in encQuery
	headers  []header
	bodyKind bodyKind
	body     value       // bodyBytes
	form     []formField // bodyForm: raw keys and values
	formEnc  []value     // bodyForm: each field encoded as "k=v"
	parts    []part
	boundary string // a multipart boundary the request fixes
	file     string

	timeout      time.Duration
	follow       bool
	maxRedirects int
	insecure     bool
	login        *login // a Mist login session to open first
	printJSON    bool

	secrets    []*secretRef // in order of first use
	unresolved []string
}

// errNoRequest is returned for a nil request.
var errNoRequest = errors.New("codegen: no request")

// prepare validates r and cuts its secrets out.
func prepare(r *collections.Resolved, opts Options) (*request, error) {
	if r == nil {
		return nil, errNoRequest
	}
	p := &preparer{opts: opts, byName: map[string]*secretRef{}}
	q := &request{
		method:       r.Method,
		timeout:      r.Timeout,
		follow:       r.FollowRedirects,
		maxRedirects: r.MaxRedirects,
		insecure:     r.InsecureSkipVerify || opts.InsecureSkipVerify,
		printJSON:    opts.PythonPrintJSON,
		unresolved:   r.Unresolved,
	}
	if q.method == "" {
		q.method = "GET"
	}
	if !validToken(q.method) {
		return nil, fmt.Errorf("codegen: method %q is not a valid HTTP token", q.method)
	}
	if opts.Timeout > 0 {
		q.timeout = opts.Timeout
	}
	if q.timeout <= 0 {
		q.timeout = DefaultTimeout
	}
	if opts.FollowRedirects != nil {
		q.follow = *opts.FollowRedirects
	}
	if q.maxRedirects <= 0 {
		q.maxRedirects = 10
	}
	if r.URL == "" {
		return nil, errors.New("codegen: the request has no URL")
	}
	if strings.ContainsAny(r.URL, " \t\r\n\x00") {
		return nil, fmt.Errorf("codegen: URL %q holds whitespace or control characters", r.URL)
	}
	q.url = p.split(r.URL, encQuery)
	if r.Login != nil {
		q.login = &login{
			url:       loginURL(q.url.lits()),
			email:     p.split(r.Login.Email, encNone),
			password:  p.split(r.Login.Password, encNone),
			twoFactor: p.split(r.Login.TwoFactor, encNone),
			csrf:      unsafeMethod(q.method),
		}
		if q.login.url == "" {
			return nil, fmt.Errorf("codegen: URL %q: a Mist login needs an absolute http(s) URL", r.URL)
		}
	}

	for _, h := range r.Headers {
		if !validToken(h.Name) {
			return nil, fmt.Errorf("codegen: header %q: the name is not a valid HTTP token", h.Name)
		}
		// Leading and trailing blanks are not part of a header value (RFC
		// 9110 5.5); clients disagree on sending them, so none is written.
		v := strings.Trim(h.Value, " \t")
		check := v
		if rest, ok := strings.CutPrefix(v, "Basic "+collections.BasicPlaceholderPrefix); ok {
			check = strings.Replace(rest, "\x00", ":", 1)
		}
		if strings.ContainsAny(check, "\r\n\x00") {
			return nil, fmt.Errorf("codegen: header %s: the value holds a line break or NUL byte", h.Name)
		}
		var val value
		if rest, ok := strings.CutPrefix(v, "Basic "+collections.BasicPlaceholderPrefix); ok {
			user, pass, _ := strings.Cut(rest, "\x00")
			val = value{segs: []seg{{lit: "Basic "}}, basic: &basicAuth{user: p.split(user, encNone).segs, pass: p.split(pass, encNone).segs}}
			if opts.InlineSecrets {
				if u, ok := p.inline(val.basic.user); ok {
					if pw, ok := p.inline(val.basic.pass); ok {
						val = value{segs: []seg{{lit: "Basic " + base64Std(u+":"+pw)}}}
					}
				}
			}
		} else {
			val = p.split(v, encNone)
		}
		q.headers = append(q.headers, header{name: h.Name, value: val})
	}

	if q.login != nil {
		for _, h := range q.headers {
			if strings.EqualFold(h.name, "X-CSRFToken") {
				q.login.csrf = false // the request sets its own, as the engine keeps
			}
		}
	}

	switch r.Body.Kind {
	case collections.BodyNone:
	case collections.BodyJSON, collections.BodyRaw:
		q.bodyKind = bodyBytes
		q.body = p.split(string(r.Body.Bytes), encNone)
	case collections.BodyForm:
		q.bodyKind = bodyForm
		for _, f := range r.Body.Form {
			q.form = append(q.form, formField{key: p.split(f.Name, encNone), value: p.split(f.Value, encNone)})
			q.formEnc = append(q.formEnc, p.split(collections.EscapeForm(f.Name)+"="+collections.EscapeForm(f.Value), encForm))
		}
	case collections.BodyMultipart:
		q.bodyKind = bodyMultipart
		// As the engine does: a Content-Type with a boundary is kept and the
		// body built with that boundary; any other is the library's.
		kept := q.headers[:0]
		for _, h := range q.headers {
			if strings.EqualFold(h.name, "Content-Type") {
				lit, _ := h.value.literal()
				if _, params, err := mime.ParseMediaType(lit); err == nil && params["boundary"] != "" && q.boundary == "" {
					q.boundary = params["boundary"]
					kept = append(kept, h)
				}
				continue
			}
			kept = append(kept, h)
		}
		q.headers = kept
		for _, rp := range r.Body.Parts {
			if rp.Name == "" {
				return nil, errors.New("codegen: a multipart part has no name")
			}
			if strings.ContainsAny(rp.Name+rp.FileName+rp.ContentType, "\r\n\x00") {
				return nil, fmt.Errorf("codegen: multipart part %q: the name, file name or content type holds a line break", rp.Name)
			}
			pt := part{name: rp.Name, file: rp.File, fileName: rp.FileName, contentType: rp.ContentType}
			if rp.File == "" {
				pt.value = p.split(rp.Value, encNone)
			} else if pt.contentType == "" {
				pt.contentType = DefaultFileContentType
			}
			q.parts = append(q.parts, pt)
		}
	case collections.BodyFile:
		q.bodyKind = bodyFile
		q.file = r.Body.File
	default:
		return nil, fmt.Errorf("codegen: unknown body kind %q", r.Body.Kind)
	}
	q.secrets = p.order
	return q, nil
}

// DefaultFileContentType is the Content-Type of a multipart file part whose
// type the user left empty: what Go's mime/multipart writes, spelled out in
// every target so that curl and Python do not guess from the extension.
const DefaultFileContentType = "application/octet-stream"

type preparer struct {
	opts   Options
	byName map[string]*secretRef
	order  []*secretRef
}

// split cuts s at its secret placeholders. With InlineSecrets a known
// secret becomes literal text, encoded as enc says.
func (p *preparer) split(s string, enc encoding) value {
	if !strings.ContainsRune(s, '\uE000') {
		return value{segs: []seg{{lit: s}}}
	}
	var v value
	for _, sg := range collections.SplitPlaceholders(s) {
		if sg.Secret == "" {
			v.segs = append(v.segs, seg{lit: sg.Text})
			continue
		}
		if p.opts.InlineSecrets {
			if val, ok := p.opts.SecretValues[sg.Secret]; ok {
				switch enc {
				case encQuery:
					val = collections.EscapeQuery(val)
				case encForm:
					val = collections.EscapeForm(val)
				}
				v.segs = append(v.segs, seg{lit: val})
				continue
			}
		}
		v.segs = append(v.segs, seg{secret: p.ref(sg.Secret), enc: enc})
	}
	v.segs = merge(v.segs)
	return v
}

// inline returns the literal text of segs when every secret is known.
func (p *preparer) inline(segs []seg) (string, bool) {
	var b strings.Builder
	for _, s := range segs {
		if s.secret != nil {
			return "", false
		}
		b.WriteString(s.lit)
	}
	return b.String(), true
}

func (p *preparer) ref(name string) *secretRef {
	if r, ok := p.byName[name]; ok {
		return r
	}
	env := p.opts.SecretEnv[name]
	if !validEnvName(env) {
		env = DefaultSecretEnv(name)
	}
	r := &secretRef{name: name, env: env}
	p.byName[name] = r
	p.order = append(p.order, r)
	return r
}

func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validToken reports whether s is an RFC 9110 token (method, header name).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// identFor makes a variable name for the environment variable env in a
// target's style, avoiding the names the target's code already uses.
func identFor(env string, camel bool, reserved, taken map[string]bool) string {
	var b strings.Builder
	upper := false
	for i := 0; i < len(env); i++ {
		c := env[i]
		switch {
		case c == '_':
			if camel {
				upper = b.Len() > 0
			} else if b.Len() > 0 {
				b.WriteByte('_')
			}
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if upper && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		upper = false
		b.WriteByte(c)
	}
	id := b.String()
	if id == "" || id[0] >= '0' && id[0] <= '9' {
		id = "secret" + id
	}
	for base, n := id, 2; taken[id] || reserved[id]; n++ {
		id = fmt.Sprintf("%s%d", base, n)
	}
	taken[id] = true
	return id
}

// header comment lines shared by the targets: what to set, what is missing.
func (q *request) preamble(comment string) string {
	var b strings.Builder
	if len(q.secrets) > 0 {
		b.WriteString(comment + " Set before running:")
		for i, s := range q.secrets {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(" " + s.env)
		}
		b.WriteString(" (secret")
		if len(q.secrets) > 1 {
			b.WriteByte('s')
		}
		for i, s := range q.secrets {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(" " + safeComment(s.name))
		}
		b.WriteString(").\n")
	}
	if len(q.unresolved) > 0 {
		b.WriteString(comment + " Unresolved, left as written: " + safeComment(strings.Join(q.unresolved, ", ")) + ".\n")
	}
	if q.login != nil {
		b.WriteString(comment + " Mist login session: the snippet logs in first (POST /api/v1/login).\n")
	}
	return b.String()
}

// safeComment keeps text on one comment line.
func safeComment(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == 0x85 {
			return ' '
		}
		return r
	}, s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}

func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10)
	}
	return strconv.FormatFloat(d.Seconds(), 'g', -1, 64) // as fmt.Sprint writes it
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// merge joins adjacent literal segments.
func merge(segs []seg) []seg {
	out := segs[:0:0]
	for _, s := range segs {
		if n := len(out); n > 0 && s.secret == nil && out[n-1].secret == nil {
			out[n-1].lit += s.lit
			continue
		}
		out = append(out, s)
	}
	return out
}

// basicInner is user + ":" + password of a run-time basic auth value.
func (b *basicAuth) inner() []seg {
	return merge(append(append(append([]seg(nil), b.user...), seg{lit: ":"}), b.pass...))
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// login is a Mist login session the snippet opens before the request, as
// the engine does: POST /api/v1/login with the email and password, then
// the session's cookies, and X-CSRFToken on methods that change things.
type login struct {
	url                        string // scheme://host/api/v1/login
	email, password, twoFactor value
	csrf                       bool // the method needs X-CSRFToken
}

// loginURL is /api/v1/login on the host of u, "" when u has none.
func loginURL(u string) string {
	i := strings.Index(u, "://")
	if i <= 0 {
		return ""
	}
	scheme := strings.ToLower(u[:i])
	if scheme != "http" && scheme != "https" {
		return ""
	}
	host := u[i+3:]
	if j := strings.IndexAny(host, "/?#"); j >= 0 {
		host = host[:j]
	}
	if host == "" {
		return ""
	}
	return scheme + "://" + host + "/api/v1/login"
}

// unsafeMethod reports whether a Mist session must send X-CSRFToken.
func unsafeMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return false
	}
	return true
}

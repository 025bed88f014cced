package collections

import (
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Resolved is a request as it goes on the wire: every variable substituted,
// every table encoded, inherited headers and auth applied.
type Resolved struct {
	Method string
	// URL is the full, encoded URL including the query.
	URL string
	// Headers in order; names may repeat. Auth headers and the Content-Type
	// implied by the body kind are included. For multipart bodies no
	// Content-Type is added unless the user set one: the sender picks the
	// boundary.
	Headers []Header
	Body    ResolvedBody

	// Login is set when the auth is a Mist login session: the sender runs
	// the login flow and adds cookies and X-CSRFToken itself.
	Login *MistLogin

	Timeout            time.Duration // 0: the sender's default
	FollowRedirects    bool
	MaxRedirects       int
	InsecureSkipVerify bool
	AllPages           bool

	// Unresolved names every {{variable}} and :path variable left as written.
	Unresolved []string
	// Secrets names the secret variables the request used, sorted.
	Secrets []string
	// SecretValues holds their values (empty in placeholder mode), for redaction.
	SecretValues []string
}

// Header is one resolved header line.
type Header struct{ Name, Value string }

// HeaderValue returns the first value of the named header (case-insensitive).
func (r *Resolved) HeaderValue(name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// ResolvedBody is the body as sent.
type ResolvedBody struct {
	Kind BodyKind
	// Bytes is the body of raw, json and form kinds, exactly as sent.
	Bytes []byte
	// Form holds the url-encoded form's fields (already in Bytes), for
	// generators that prefer a dictionary.
	Form []Header
	// Parts are the enabled multipart parts; file paths are absolute.
	Parts []ResolvedPart
	// File is the absolute path of the file sent (file kind).
	File string
}

// ResolvedPart is one multipart part.
type ResolvedPart struct {
	Name        string
	Value       string // text part
	File        string // absolute path of a file part
	FileName    string // the name sent for a file part
	ContentType string
}

// MistLogin carries the credentials of a Mist login session.
type MistLogin struct {
	Email, Password, TwoFactor string
}

// SecretMode says what a secret variable resolves to.
type SecretMode int

const (
	// SecretsReveal substitutes secret values: what the sender needs.
	SecretsReveal SecretMode = iota
	// SecretsPlaceholder substitutes SecretPlaceholder(name): what code
	// generators and displays need, so no value leaks.
	SecretsPlaceholder
)

// Placeholder delimiters: private-use code points that no sane request holds.
const (
	placeholderOpen  = '\uE000'
	placeholderClose = '\uE001'
)

// SecretPlaceholder is what a secret variable resolves to in placeholder
// mode. Encoding leaves placeholders intact; SplitPlaceholders finds them.
func SecretPlaceholder(name string) string {
	return string(placeholderOpen) + name + string(placeholderClose)
}

// Segment is a run of literal text or a secret placeholder.
type Segment struct {
	Text   string // literal text, when Secret is ""
	Secret string // the secret variable's name
}

// SplitPlaceholders cuts s into literal runs and secret placeholders.
func SplitPlaceholders(s string) []Segment {
	var out []Segment
	for s != "" {
		i := strings.IndexRune(s, placeholderOpen)
		if i < 0 {
			out = append(out, Segment{Text: s})
			break
		}
		j := strings.IndexRune(s[i:], placeholderClose)
		if j < 0 {
			out = append(out, Segment{Text: s})
			break
		}
		if i > 0 {
			out = append(out, Segment{Text: s[:i]})
		}
		out = append(out, Segment{Secret: s[i+len(string(placeholderOpen)) : i+j]})
		s = s[i+j+len(string(placeholderClose)):]
	}
	return out
}

// Scope is everything a request's variables resolve from.
type Scope struct {
	// Overrides are command-line --var values: the first source.
	Overrides map[string]string
	// Env is the selected environment (may be nil).
	Env *Environment
	// Secrets supplies secret values (may be nil: secrets then come only
	// from the environment variables their definitions name).
	Secrets SecretSource
	// Mode says what secret variables resolve to.
	Mode SecretMode
	// Strict turns unresolved variables into an error.
	Strict bool
	// Now and Rand feed dynamic variables; nil means the real clock and
	// randomness.
	Now  func() time.Time
	Rand func(n int) int
	// Getenv reads process environment variables; nil means os.Getenv.
	Getenv func(string) string
}

// SecretSource supplies the values of secret variables.
type SecretSource interface {
	// Secret returns the value stored for the variable key of the
	// collection collID in the environment env ("" for collection level).
	Secret(collID, env, key string) (string, bool)
}

// UnresolvedError is returned in strict mode.
type UnresolvedError struct{ Names []string }

func (e *UnresolvedError) Error() string {
	return "unresolved variables: " + strings.Join(e.Names, ", ")
}

// Resolve turns req, found at path (the folders that hold it, outermost
// first), into the request that goes on the wire.
func (c *Collection) Resolve(req *Request, path []*Folder, sc Scope) (*Resolved, error) {
	if req == nil {
		return nil, errors.New("resolve: no request")
	}
	r := newResolver(c, path, sc)
	out := &Resolved{
		Method:             strings.TrimSpace(req.Method),
		FollowRedirects:    true,
		MaxRedirects:       10,
		Timeout:            req.Settings.Timeout,
		InsecureSkipVerify: c.Settings.InsecureSkipVerify,
		AllPages:           req.Settings.AllPages,
	}
	if out.Method == "" {
		out.Method = "GET"
	}
	if req.Settings.FollowRedirects != nil {
		out.FollowRedirects = *req.Settings.FollowRedirects
	}
	if req.Settings.MaxRedirects > 0 {
		out.MaxRedirects = req.Settings.MaxRedirects
	}

	auth := c.EffectiveAuth(req, path)
	out.URL = r.buildURL(req, auth)

	// Headers: collection, then folders, then the request; a name set at a
	// deeper level replaces the inherited ones of that name.
	levels := [][]Param{c.Headers}
	for _, f := range path {
		levels = append(levels, f.Headers)
	}
	levels = append(levels, req.Headers)
	for _, level := range levels {
		var set []Header
		for _, p := range level {
			if p.Disabled || strings.TrimSpace(p.Key) == "" {
				continue
			}
			set = append(set, Header{Name: r.expand(p.Key), Value: r.expand(p.Value)})
		}
		for _, h := range set {
			out.Headers = removeHeader(out.Headers, h.Name)
		}
		out.Headers = append(out.Headers, set...)
	}

	switch auth.Type {
	case AuthMistToken:
		out.Headers = setHeader(out.Headers, "Authorization", "Token "+r.expand(auth.Token))
	case AuthBearer:
		out.Headers = setHeader(out.Headers, "Authorization", "Bearer "+r.expand(auth.Token))
	case AuthBasic:
		user, pass := r.expand(auth.Username), r.expand(auth.Password)
		if r.sc.Mode == SecretsPlaceholder && (strings.ContainsRune(user+pass, placeholderOpen)) {
			// Encoding would hide the placeholder: keep it visible and let
			// the generator encode at run time.
			out.Headers = setHeader(out.Headers, "Authorization", "Basic "+basicPlaceholder(user, pass))
		} else {
			out.Headers = setHeader(out.Headers, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
		}
	case AuthAPIKey:
		if auth.In != "query" {
			out.Headers = setHeader(out.Headers, r.expand(auth.Key), r.expand(auth.Value))
		}
	case AuthMistLogin:
		out.Login = &MistLogin{Email: r.expand(auth.Email), Password: r.expand(auth.Password), TwoFactor: r.expand(auth.TwoFactor)}
	}

	body, implied, err := r.buildBody(req.Body, c.Dir)
	if err != nil {
		return nil, err
	}
	out.Body = body
	if implied != "" {
		if _, ok := out.HeaderValue("Content-Type"); !ok {
			out.Headers = append(out.Headers, Header{Name: "Content-Type", Value: implied})
		}
	}

	out.Unresolved = r.unresolvedNames()
	out.Secrets, out.SecretValues = r.secretsUsed()
	if sc.Strict && len(out.Unresolved) > 0 {
		return out, &UnresolvedError{Names: out.Unresolved}
	}
	return out, nil
}

// BasicPlaceholderPrefix marks a basic auth value whose credentials hold
// secret placeholders: "Basic " + prefix + user + "\x00" + pass. Generators
// encode it at run time.
const BasicPlaceholderPrefix = "\uE002"

func basicPlaceholder(user, pass string) string {
	return BasicPlaceholderPrefix + user + "\x00" + pass
}

// EffectiveAuth returns the auth that applies to req: its own, else the
// nearest folder's, else the collection's. Inherit at every level is none.
func (c *Collection) EffectiveAuth(req *Request, path []*Folder) Auth {
	if req.Auth.Type != AuthInherit {
		return req.Auth
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Auth.Type != AuthInherit {
			return path[i].Auth
		}
	}
	if c.Auth.Type != AuthInherit {
		return c.Auth
	}
	return Auth{Type: AuthNone}
}

func removeHeader(hs []Header, name string) []Header {
	out := hs[:0:0]
	for _, h := range hs {
		if !strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	return out
}

func setHeader(hs []Header, name, value string) []Header {
	return append(removeHeader(hs, name), Header{Name: name, Value: value})
}

// resolver substitutes variables for one request and remembers what it
// could not resolve and which secrets it used.
type resolver struct {
	c          *Collection
	path       []*Folder
	sc         Scope
	unresolved map[string]bool
	secrets    map[string]string
}

func newResolver(c *Collection, path []*Folder, sc Scope) *resolver {
	return &resolver{c: c, path: path, sc: sc, unresolved: map[string]bool{}, secrets: map[string]string{}}
}

func (r *resolver) unresolvedNames() []string {
	names := make([]string, 0, len(r.unresolved))
	for n := range r.unresolved {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (r *resolver) secretsUsed() ([]string, []string) {
	names := make([]string, 0, len(r.secrets))
	for n := range r.secrets {
		names = append(names, n)
	}
	sort.Strings(names)
	var values []string
	for _, n := range names {
		if v := r.secrets[n]; v != "" {
			values = append(values, v)
		}
	}
	return names, values
}

// maxDepth bounds nested variables ({{a}} = "{{b}}"), as Postman does.
const maxDepth = 10

// expand substitutes every {{name}} in s.
func (r *resolver) expand(s string) string { return r.expandDepth(s, 0) }

func (r *resolver) expandDepth(s string, depth int) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			break
		}
		name := s[i+2 : i+2+j]
		b.WriteString(s[:i])
		if v, ok := r.lookup(strings.TrimSpace(name)); ok && depth < maxDepth {
			b.WriteString(r.expandDepth(v, depth+1))
		} else {
			if !ok {
				r.unresolved[strings.TrimSpace(name)] = true
			}
			b.WriteString(s[i : i+2+j+2])
		}
		s = s[i+2+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

func (r *resolver) getenv(k string) string {
	if r.sc.Getenv != nil {
		return r.sc.Getenv(k)
	}
	return osGetenv(k)
}

// lookup finds a variable's value: overrides, environment, folders
// (innermost first), collection, then dynamic variables.
func (r *resolver) lookup(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	if v, ok := r.sc.Overrides[name]; ok {
		return v, true
	}
	envName := ""
	if r.sc.Env != nil {
		envName = r.sc.Env.Name
		if v := r.sc.Env.Lookup(name); v != nil {
			return r.variableValue(v, envName)
		}
	}
	for i := len(r.path) - 1; i >= 0; i-- {
		for k := range r.path[i].Variables {
			if v := &r.path[i].Variables[k]; v.Key == name {
				return r.variableValue(v, "")
			}
		}
	}
	for k := range r.c.Variables {
		if v := &r.c.Variables[k]; v.Key == name {
			return r.variableValue(v, "")
		}
	}
	if strings.HasPrefix(name, "$") {
		return dynamicValue(name, r.sc.Now, r.sc.Rand)
	}
	return "", false
}

func (r *resolver) variableValue(v *Variable, envName string) (string, bool) {
	if !v.Secret {
		return v.Value, true
	}
	if r.sc.Mode == SecretsPlaceholder {
		r.secrets[v.Key] = ""
		return SecretPlaceholder(v.Key), true
	}
	val, ok := "", false
	if v.Env != "" {
		if e := r.getenv(v.Env); e != "" {
			val, ok = e, true
		}
	}
	if !ok && r.sc.Secrets != nil {
		val, ok = r.sc.Secrets.Secret(r.c.ID, envName, v.Key)
	}
	if !ok && v.Value != "" { // a secret given a value in memory (never saved)
		val, ok = v.Value, true
	}
	if ok {
		r.secrets[v.Key] = val
	}
	return val, ok
}

// buildURL substitutes variables, encodes path variables and appends the
// enabled query parameters (and an api key sent in the query).
func (r *resolver) buildURL(req *Request, auth Auth) string {
	raw := strings.TrimSpace(req.URL)
	// Keep a fragment out of the way; it is never sent.
	if i := strings.IndexByte(raw, '#'); i >= 0 && !strings.Contains(raw[i:], "}}") {
		raw = raw[:i]
	}
	base, query, hasQuery := strings.Cut(raw, "?")
	base = r.substitutePath(base, req.PathVars)
	base = r.expand(base)
	if !strings.Contains(base, "://") && base != "" && !strings.HasPrefix(base, "{{") {
		base = "http://" + base
	}
	var parts []string
	if hasQuery && query != "" {
		parts = append(parts, r.expand(query))
	}
	for _, p := range req.Query {
		if p.Disabled || p.Key == "" && p.Value == "" {
			continue
		}
		parts = append(parts, EscapeQuery(r.expand(p.Key))+"="+EscapeQuery(r.expand(p.Value)))
	}
	if auth.Type == AuthAPIKey && auth.In == "query" {
		parts = append(parts, EscapeQuery(r.expand(auth.Key))+"="+EscapeQuery(r.expand(auth.Value)))
	}
	if len(parts) == 0 {
		if hasQuery {
			return base + "?"
		}
		return base
	}
	return base + "?" + strings.Join(parts, "&")
}

// substitutePath replaces each :name path segment of the URL's path by its
// value from the table, encoded as one segment.
func (r *resolver) substitutePath(base string, vars []Param) string {
	start := 0
	if i := strings.Index(base, "://"); i >= 0 {
		start = i + 3
		j := strings.IndexByte(base[start:], '/')
		if j < 0 {
			return base
		}
		start += j
	}
	segs := strings.Split(base[start:], "/")
	for i, seg := range segs {
		name, ok := PathVarName(seg)
		if !ok {
			continue
		}
		found := false
		for _, p := range vars {
			if p.Key == name && !p.Disabled {
				v := r.expand(p.Value)
				segs[i] = EscapePathSegment(v)
				// An empty segment is sent as Postman does, but reported:
				// "/sites//wlans" is nearly always a variable not filled yet.
				found = v != ""
				break
			}
		}
		if !found {
			r.unresolved[":"+name] = true
		}
	}
	return base[:start] + strings.Join(segs, "/")
}

// PathVarName reports whether a URL path segment is a :name variable.
func PathVarName(seg string) (string, bool) {
	if len(seg) < 2 || seg[0] != ':' {
		return "", false
	}
	name := seg[1:]
	for _, c := range name {
		if !(c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", false
		}
	}
	return name, true
}

// PathVarNames lists the :name path variables of a URL, in order.
func PathVarNames(rawURL string) []string {
	u, _, _ := strings.Cut(rawURL, "?")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		j := strings.IndexByte(u, '/')
		if j < 0 {
			return nil
		}
		u = u[j:]
	}
	var names []string
	for _, seg := range strings.Split(u, "/") {
		if n, ok := PathVarName(seg); ok {
			names = append(names, n)
		}
	}
	return names
}

func (r *resolver) buildBody(b Body, dir string) (ResolvedBody, string, error) {
	out := ResolvedBody{Kind: b.Kind}
	switch b.Kind {
	case BodyNone:
		return out, "", nil
	case BodyJSON:
		out.Bytes = []byte(r.expand(b.Text))
		return out, ImpliedContentType(b), nil
	case BodyRaw:
		out.Bytes = []byte(r.expand(b.Text))
		return out, ImpliedContentType(b), nil
	case BodyForm:
		var parts []string
		for _, p := range b.Form {
			if p.Disabled {
				continue
			}
			k, v := r.expand(p.Key), r.expand(p.Value)
			out.Form = append(out.Form, Header{Name: k, Value: v})
			parts = append(parts, EscapeForm(k)+"="+EscapeForm(v))
		}
		out.Bytes = []byte(strings.Join(parts, "&"))
		return out, ImpliedContentType(b), nil
	case BodyMultipart:
		for _, p := range b.Parts {
			if p.Disabled {
				continue
			}
			rp := ResolvedPart{Name: r.expand(p.Name), ContentType: r.expand(p.ContentType)}
			if p.File != "" {
				rp.File = absPath(dir, r.expand(p.File))
				rp.FileName = filepath.Base(rp.File)
			} else {
				rp.Value = r.expand(p.Value)
			}
			out.Parts = append(out.Parts, rp)
		}
		return out, "", nil
	case BodyFile:
		if b.File == "" {
			return out, "", errors.New("body: kind file names no file")
		}
		out.File = absPath(dir, r.expand(b.File))
		return out, ImpliedContentType(b), nil
	}
	return out, "", fmt.Errorf("body: unknown kind %q", b.Kind)
}

func absPath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if strings.HasPrefix(p, "~/") {
		if home, err := userHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
	}
	return filepath.Join(dir, p)
}

// ImpliedContentType is the Content-Type a body kind sends when the user
// set none; "" for no body and for multipart, whose boundary the sender
// picks. Exporters use it to say what Resolve adds.
func ImpliedContentType(b Body) string {
	switch b.Kind {
	case BodyJSON:
		return "application/json"
	case BodyForm:
		return "application/x-www-form-urlencoded"
	case BodyFile:
		return "application/octet-stream"
	case BodyRaw:
		switch strings.ToLower(b.Language) {
		case "json":
			return "application/json"
		case "xml":
			return "application/xml"
		case "html":
			return "text/html"
		case "javascript", "js":
			return "application/javascript"
		case "yaml":
			return "application/yaml"
		}
		return "text/plain"
	}
	return ""
}

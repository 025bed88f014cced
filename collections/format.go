package collections

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The on-disk format. Each struct below is one kind of file; field order is
// the key order written, so files are stable and diff well. Empty fields
// are left out.

type paramFile struct {
	Name        string `yaml:"name"`
	Value       string `yaml:"value"`
	Disabled    bool   `yaml:"disabled,omitempty"`
	Description string `yaml:"description,omitempty"`
}

type variableFile struct {
	Name        string `yaml:"name"`
	Value       string `yaml:"value,omitempty"`
	Secret      bool   `yaml:"secret,omitempty"`
	Env         string `yaml:"env,omitempty"`
	Description string `yaml:"description,omitempty"`
}

type authFile struct {
	Type      string `yaml:"type"`
	Token     string `yaml:"token,omitempty"`
	Username  string `yaml:"username,omitempty"`
	Email     string `yaml:"email,omitempty"`
	Password  string `yaml:"password,omitempty"`
	TwoFactor string `yaml:"two_factor,omitempty"`
	Key       string `yaml:"key,omitempty"`
	Value     string `yaml:"value,omitempty"`
	In        string `yaml:"in,omitempty"`
}

type partFile struct {
	Name        string `yaml:"name"`
	Value       string `yaml:"value,omitempty"`
	File        string `yaml:"file,omitempty"`
	ContentType string `yaml:"content_type,omitempty"`
	Disabled    bool   `yaml:"disabled,omitempty"`
	Description string `yaml:"description,omitempty"`
}

type bodyFile struct {
	Kind     string      `yaml:"kind"`
	Language string      `yaml:"language,omitempty"`
	Text     string      `yaml:"text,omitempty"`
	Form     []paramFile `yaml:"form,omitempty"`
	Parts    []partFile  `yaml:"parts,omitempty"`
	File     string      `yaml:"file,omitempty"`
}

type settingsFile struct {
	Timeout         string `yaml:"timeout,omitempty"`
	FollowRedirects *bool  `yaml:"follow_redirects,omitempty"`
	MaxRedirects    int    `yaml:"max_redirects,omitempty"`
	AllPages        bool   `yaml:"all_pages,omitempty"`
}

type captureFile struct {
	Var    string `yaml:"var"`
	JQ     string `yaml:"jq,omitempty"`
	Header string `yaml:"header,omitempty"`
}

type expectFile struct {
	Status []int    `yaml:"status,omitempty,flow"`
	JQ     []string `yaml:"jq,omitempty"`
}

type exampleFile struct {
	Name    string      `yaml:"name"`
	Status  int         `yaml:"status,omitempty"`
	Headers []paramFile `yaml:"headers,omitempty"`
	Body    string      `yaml:"body,omitempty"`
}

type scriptFile struct {
	Listen string `yaml:"listen"`
	Exec   string `yaml:"exec"`
}

type requestFile struct {
	Name        string        `yaml:"name"`
	Method      string        `yaml:"method"`
	URL         string        `yaml:"url"`
	Description string        `yaml:"description,omitempty"`
	Path        []paramFile   `yaml:"path,omitempty"`
	Query       []paramFile   `yaml:"query,omitempty"`
	Headers     []paramFile   `yaml:"headers,omitempty"`
	Auth        *authFile     `yaml:"auth,omitempty"`
	Body        *bodyFile     `yaml:"body,omitempty"`
	Settings    *settingsFile `yaml:"settings,omitempty"`
	Capture     []captureFile `yaml:"capture,omitempty"`
	Expect      *expectFile   `yaml:"expect,omitempty"`
	Examples    []exampleFile `yaml:"examples,omitempty"`
	Scripts     []scriptFile  `yaml:"scripts,omitempty"`
}

type collectionSettingsFile struct {
	InsecureSkipVerify bool `yaml:"insecure_skip_verify,omitempty"`
}

type collectionFile struct {
	Name        string                  `yaml:"name"`
	ID          string                  `yaml:"id,omitempty"`
	Description string                  `yaml:"description,omitempty"`
	Variables   []variableFile          `yaml:"variables,omitempty"`
	Headers     []paramFile             `yaml:"headers,omitempty"`
	Auth        *authFile               `yaml:"auth,omitempty"`
	Settings    *collectionSettingsFile `yaml:"settings,omitempty"`
	Order       []string                `yaml:"order,omitempty"`
}

type folderFile struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description,omitempty"`
	Variables   []variableFile `yaml:"variables,omitempty"`
	Headers     []paramFile    `yaml:"headers,omitempty"`
	Auth        *authFile      `yaml:"auth,omitempty"`
	Order       []string       `yaml:"order,omitempty"`
}

type environmentFile struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description,omitempty"`
	Variables   []variableFile `yaml:"variables,omitempty"`
}

// encodeYAML writes v in the canonical form: two-space indent, stable keys.
func encodeYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// decodeYAML decodes data strictly (unknown keys are errors) and turns the
// library's errors into FileErrors with a line and a plain message.
func decodeYAML(file string, data []byte, v any) *FileError {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil {
		// A second document in one file is a mistake worth reporting.
		var extra yaml.Node
		if err2 := dec.Decode(&extra); err2 == nil {
			return &FileError{File: file, Line: extra.Line, Msg: "more than one YAML document in the file"}
		}
		return nil
	}
	if err.Error() == "EOF" {
		return &FileError{File: file, Line: 1, Msg: "the file is empty"}
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.Replace(msg, m[0], "", 1)
		if parserProblem(msg) {
			// yaml.v3 reports parser (not scanner) errors at the 0-based
			// line of the construct being parsed.
			line++
		}
	}
	// Keep only the first of several type errors: one precise message
	// beats a list that repeats the same cause.
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	msg = typeNameRE.ReplaceAllString(msg, "")
	msg = strings.Replace(msg, "field ", "unknown field ", 1)
	msg = strings.Replace(msg, " not found", "", 1)
	msg = strings.ReplaceAll(msg, "!!str", "text")
	msg = strings.ReplaceAll(msg, "!!seq", "a list")
	msg = strings.ReplaceAll(msg, "!!map", "a mapping")
	msg = strings.ReplaceAll(msg, "!!int", "a number")
	msg = strings.ReplaceAll(msg, "!!bool", "true/false")
	return &FileError{File: file, Line: line, Msg: msg, Err: err}
}

func parserProblem(msg string) bool {
	for _, p := range []string{"did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'", "did not find expected ',' or '}'",
		"did not find expected <document start>"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

var typeNameRE = regexp.MustCompile(` in type collections\.\w+`)

// lineOf finds the line of the value at a key path (e.g. "auth", "type")
// in data, for errors found after decoding. 0 when not found.
func lineOf(data []byte, path ...any) int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	n := doc.Content[0]
	line := n.Line
	for _, p := range path {
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || p >= len(n.Content) {
				return line
			}
			n = n.Content[p]
			line = n.Line
		}
	}
	return line
}

// ---- model <-> file conversion ----

func paramsToFile(ps []Param) []paramFile {
	if len(ps) == 0 {
		return nil
	}
	out := make([]paramFile, len(ps))
	for i, p := range ps {
		out[i] = paramFile{Name: p.Key, Value: p.Value, Disabled: p.Disabled, Description: p.Description}
	}
	return out
}

func paramsFromFile(ps []paramFile) []Param {
	if len(ps) == 0 {
		return nil
	}
	out := make([]Param, len(ps))
	for i, p := range ps {
		out[i] = Param{Key: p.Name, Value: p.Value, Disabled: p.Disabled, Description: p.Description}
	}
	return out
}

func variablesToFile(vs []Variable) []variableFile {
	if len(vs) == 0 {
		return nil
	}
	out := make([]variableFile, len(vs))
	for i, v := range vs {
		out[i] = variableFile{Name: v.Key, Value: v.Value, Secret: v.Secret, Env: v.Env, Description: v.Description}
		if v.Secret {
			out[i].Value = "" // a secret's value never lands in the collection
		}
	}
	return out
}

func variablesFromFile(vs []variableFile) []Variable {
	if len(vs) == 0 {
		return nil
	}
	out := make([]Variable, len(vs))
	for i, v := range vs {
		out[i] = Variable{Key: v.Name, Value: v.Value, Secret: v.Secret, Env: v.Env, Description: v.Description}
	}
	return out
}

func authToFile(a Auth) *authFile {
	if a.Type == AuthInherit {
		return nil
	}
	return &authFile{Type: string(a.Type), Token: a.Token, Username: a.Username, Email: a.Email,
		Password: a.Password, TwoFactor: a.TwoFactor, Key: a.Key, Value: a.Value, In: a.In}
}

func authFromFile(a *authFile) (Auth, error) {
	if a == nil {
		return Auth{}, nil
	}
	t := AuthType(a.Type)
	if t == "inherit" || t == AuthInherit {
		return Auth{}, nil // an inherited auth has no fields of its own
	}
	valid := false
	for _, k := range AuthTypes {
		if k == t {
			valid = true
		}
	}
	if !valid {
		return Auth{}, fmt.Errorf("unknown auth type %q (one of: inherit, none, mist-token, bearer, basic, apikey, mist-login)", a.Type)
	}
	if a.In != "" && a.In != "header" && a.In != "query" {
		return Auth{}, fmt.Errorf("auth in: %q is not header or query", a.In)
	}
	return Auth{Type: t, Token: a.Token, Username: a.Username, Email: a.Email, Password: a.Password,
		TwoFactor: a.TwoFactor, Key: a.Key, Value: a.Value, In: a.In}, nil
}

func requestToFile(r *Request) *requestFile {
	method := r.Method
	if method == "" {
		method = "GET"
	}
	f := &requestFile{
		Name: r.Name, Method: method, URL: r.URL, Description: r.Description,
		Path: paramsToFile(r.PathVars), Query: paramsToFile(r.Query), Headers: paramsToFile(r.Headers),
		Auth: authToFile(r.Auth),
	}
	if r.Body.Kind != BodyNone || r.Body.Text != "" || len(r.Body.Form) > 0 || len(r.Body.Parts) > 0 || r.Body.File != "" {
		b := &bodyFile{Kind: string(r.Body.Kind), Language: r.Body.Language, Text: r.Body.Text, Form: paramsToFile(r.Body.Form), File: r.Body.File}
		if b.Kind == "" {
			b.Kind = "none"
		}
		for _, p := range r.Body.Parts {
			b.Parts = append(b.Parts, partFile{Name: p.Name, Value: p.Value, File: p.File, ContentType: p.ContentType, Disabled: p.Disabled, Description: p.Description})
		}
		f.Body = b
	}
	s := r.Settings
	if s.Timeout != 0 || s.FollowRedirects != nil || s.MaxRedirects != 0 || s.AllPages {
		f.Settings = &settingsFile{FollowRedirects: s.FollowRedirects, MaxRedirects: s.MaxRedirects, AllPages: s.AllPages}
		if s.Timeout != 0 {
			f.Settings.Timeout = s.Timeout.String()
		}
	}
	for _, c := range r.Captures {
		f.Capture = append(f.Capture, captureFile(c))
	}
	if len(r.Expect.Status) > 0 || len(r.Expect.JQ) > 0 {
		f.Expect = &expectFile{Status: r.Expect.Status, JQ: r.Expect.JQ}
	}
	for _, e := range r.Examples {
		f.Examples = append(f.Examples, exampleFile{Name: e.Name, Status: e.Status, Headers: paramsToFile(e.Headers), Body: e.Body})
	}
	for _, s := range r.Scripts {
		f.Scripts = append(f.Scripts, scriptFile(s))
	}
	return f
}

// requestFromFile converts and validates; the error names the key path so
// the caller can find its line.
func requestFromFile(f *requestFile) (*Request, []any, error) {
	if strings.TrimSpace(f.Name) == "" {
		return nil, []any{"name"}, fmt.Errorf("the request has no name")
	}
	if err := ValidateMethod(f.Method); err != nil {
		return nil, []any{"method"}, err
	}
	r := &Request{
		Name: f.Name, Method: f.Method, URL: f.URL, Description: f.Description,
		PathVars: paramsFromFile(f.Path), Query: paramsFromFile(f.Query), Headers: paramsFromFile(f.Headers),
	}
	for i, h := range f.Headers {
		if h.Name == "" && h.Value == "" {
			continue // an empty row, as editors leave them
		}
		if err := ValidateHeaderName(h.Name); err != nil {
			return nil, []any{"headers", i, "name"}, err
		}
	}
	auth, err := authFromFile(f.Auth)
	if err != nil {
		return nil, []any{"auth", "type"}, err
	}
	r.Auth = auth
	if f.Body != nil {
		kind := BodyKind(f.Body.Kind)
		if f.Body.Kind == "none" {
			kind = BodyNone
		}
		valid := false
		for _, k := range BodyKinds {
			if k == kind {
				valid = true
			}
		}
		if !valid {
			return nil, []any{"body", "kind"}, fmt.Errorf("unknown body kind %q (one of: none, json, raw, form, multipart, file)", f.Body.Kind)
		}
		r.Body = Body{Kind: kind, Language: f.Body.Language, Text: f.Body.Text, Form: paramsFromFile(f.Body.Form), File: f.Body.File}
		for _, p := range f.Body.Parts {
			r.Body.Parts = append(r.Body.Parts, Part{Name: p.Name, Value: p.Value, File: p.File, ContentType: p.ContentType, Disabled: p.Disabled, Description: p.Description})
		}
	}
	if s := f.Settings; s != nil {
		if s.Timeout != "" {
			d, err := time.ParseDuration(s.Timeout)
			if err != nil || d < 0 {
				return nil, []any{"settings", "timeout"}, fmt.Errorf("settings timeout %q is not a duration such as 30s or 2m", s.Timeout)
			}
			r.Settings.Timeout = d
		}
		if s.MaxRedirects < 0 {
			return nil, []any{"settings", "max_redirects"}, fmt.Errorf("settings max_redirects %d is negative", s.MaxRedirects)
		}
		r.Settings.FollowRedirects = s.FollowRedirects
		r.Settings.MaxRedirects = s.MaxRedirects
		r.Settings.AllPages = s.AllPages
	}
	for i, c := range f.Capture {
		if c.Var == "" {
			return nil, []any{"capture", i}, fmt.Errorf("capture %d names no var", i+1)
		}
		if (c.JQ == "") == (c.Header == "") {
			return nil, []any{"capture", i}, fmt.Errorf("capture %q: give exactly one of jq and header", c.Var)
		}
		r.Captures = append(r.Captures, Capture(c))
	}
	if e := f.Expect; e != nil {
		for i, s := range e.Status {
			if s < 100 || s > 999 {
				return nil, []any{"expect", "status", i}, fmt.Errorf("expect status %d is not an HTTP status", s)
			}
		}
		r.Expect = Expect{Status: e.Status, JQ: e.JQ}
	}
	for _, e := range f.Examples {
		r.Examples = append(r.Examples, Example{Name: e.Name, Status: e.Status, Headers: paramsFromFile(e.Headers), Body: e.Body})
	}
	for _, s := range f.Scripts {
		r.Scripts = append(r.Scripts, Script(s))
	}
	return r, nil, nil
}

// ValidateMethod accepts any HTTP method token (RFC 9110 tchar).
func ValidateMethod(m string) error {
	if m == "" {
		return fmt.Errorf("the request has no method")
	}
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return fmt.Errorf("method %q is not an HTTP token (letters, digits and !#$%%&'*+-.^_`|~ only)", m)
		}
	}
	return nil
}

// ValidateHeaderName accepts an HTTP header field name, or one holding
// {{variables}}.
func ValidateHeaderName(n string) error {
	if n == "" {
		return fmt.Errorf("a header has no name")
	}
	if strings.Contains(n, "{{") {
		return nil
	}
	for i := 0; i < len(n); i++ {
		if !isTokenChar(n[i]) {
			return fmt.Errorf("header name %q has a character not allowed in header names", n)
		}
	}
	return nil
}

func isTokenChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

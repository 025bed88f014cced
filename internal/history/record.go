package history

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

// Redacted replaces every credential in what is recorded.
const Redacted = "<redacted>"

// Meta is what the history needs besides the exchange itself.
type Meta struct {
	Collection, CollectionDir, Request, Env string
	// ExtraSecrets are values to redact besides the request's own secret
	// values: secrets captured from this very response (a new API key).
	ExtraSecrets []string
	// BodyLimit is how much of each body is kept (0: DefaultBodyLimit).
	BodyLimit int
}

// CredentialHeader reports whether a header's value is always redacted:
// the headers that carry credentials by definition, Set-Cookie, and names
// that look like credentials.
func CredentialHeader(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return collections.CredentialHeader(n) || n == "set-cookie" || collections.LooksSecret(n)
}

// Record builds the redacted entry for one exchange. resp and err may be
// nil; a response with an error (a body cut short) records both.
func Record(r *collections.Resolved, resp *send.Response, err error, m Meta) *Entry {
	secrets := append(append([]string(nil), r.SecretValues...), m.ExtraSecrets...)
	// Credentials written literally into a JSON body ("password", "key",
	// "psk" fields) are redacted too, in the request and in the answer.
	secrets = append(secrets, secretJSONValues(r.Body.Bytes)...)
	if resp != nil && !resp.Truncated {
		secrets = append(secrets, secretJSONValues(resp.Head)...)
	}
	red := newRedactor(secrets)
	limit := m.BodyLimit
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	e := &Entry{
		Collection: m.Collection, CollectionDir: m.CollectionDir, Request: m.Request, Env: m.Env,
		Method: r.Method, URL: red.url(r.URL),
	}
	for _, h := range r.Headers {
		e.RequestHeaders = append(e.RequestHeaders, red.header(h.Name, h.Value))
	}
	switch r.Body.Kind {
	case collections.BodyMultipart:
		var names []string
		for _, p := range r.Body.Parts {
			if p.File != "" {
				names = append(names, p.Name+"=@"+p.FileName)
			} else {
				names = append(names, p.Name)
			}
		}
		e.RequestBody = Body{Note: red.text(fmt.Sprintf("multipart: %d part(s): %s", len(names), strings.Join(names, ", ")))}
	case collections.BodyFile:
		e.RequestBody = Body{Note: red.text("file: " + r.Body.File)}
	default:
		if len(r.Body.Bytes) > 0 {
			e.RequestBody = red.body(r.Body.Bytes, int64(len(r.Body.Bytes)), limit)
		}
	}
	if resp != nil {
		e.Status, e.StatusText, e.Proto = resp.StatusCode, resp.StatusText, resp.Proto
		e.Size, e.Duration = resp.Size, Duration(resp.Timing.Total)
		for _, h := range resp.Headers {
			e.ResponseHeaders = append(e.ResponseHeaders, red.header(h.Name, h.Value))
		}
		head := resp.Head
		if len(head) > limit {
			head = head[:limit]
		}
		e.ResponseBody = red.body(head, resp.Size, limit)
		for _, w := range resp.Warnings {
			e.Warnings = append(e.Warnings, red.text(w))
		}
	}
	if err != nil {
		e.Error = red.text(err.Error())
	}
	return e
}

// secretJSONValues returns the string values of the fields of a JSON body
// whose names look like credentials. The body itself is not rewritten:
// the values are replaced where they appear, as other secrets are.
func secretJSONValues(body []byte) []string {
	if len(body) == 0 || len(body) > 4<<20 || !json.Valid(body) {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any, int)
	walk = func(v any, depth int) {
		if depth > 64 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && len(s) >= 4 && collections.LooksSecret(k) { // shorter: not a credential, and replacing it would garble the entry
					out = append(out, s)
					continue
				}
				walk(x, depth+1)
			}
		case []any:
			for _, x := range v {
				walk(x, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}

// redactor replaces secret values, longest first so a secret holding
// another is replaced whole.
type redactor struct {
	r *strings.Replacer
}

func newRedactor(values []string) *redactor {
	seen := map[string]bool{}
	var vs []string
	for _, v := range values {
		if v != "" && !seen[v] {
			seen[v] = true
			vs = append(vs, v)
			// The forms a value takes once encoded into a URL or a form.
			for _, enc := range []string{url.QueryEscape(v), url.PathEscape(v), collections.EscapeQuery(v)} {
				if enc != v && !seen[enc] {
					seen[enc] = true
					vs = append(vs, enc)
				}
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
	var pairs []string
	for _, v := range vs {
		pairs = append(pairs, v, Redacted)
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

func (d *redactor) text(s string) string { return d.r.Replace(s) }

func (d *redactor) header(name, value string) Header {
	if CredentialHeader(name) {
		return Header{Name: name, Value: Redacted}
	}
	return Header{Name: name, Value: d.text(value)}
}

func (d *redactor) url(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "x")
			s = strings.Replace(u.String(), ":x@", ":"+Redacted+"@", 1)
		}
	}
	return d.text(s)
}

func (d *redactor) body(b []byte, size int64, limit int) Body {
	out := Body{Size: size}
	if len(b) > limit {
		b = b[:limit]
	}
	out.Truncated = int64(len(b)) < size
	if out.Truncated {
		if t := trimPartialRune(b); utf8.Valid(t) {
			b = t
		}
	}
	if utf8.Valid(b) {
		out.Text = d.text(string(b))
		return out
	}
	out.Base64 = true
	out.Text = base64.StdEncoding.EncodeToString([]byte(d.text(string(b))))
	return out
}

// trimPartialRune drops a UTF-8 sequence cut by the body limit.
func trimPartialRune(b []byte) []byte {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// Draft turns an entry back into an unsaved request, for re-opening it in
// the workbench: method, URL, the headers that were not redacted and a
// text body kept whole. Redacted credentials are left out, not guessed:
// the request's auth or variables supply them again.
func (e *Entry) Draft() *collections.Request {
	name := e.Request
	if name == "" {
		name = e.Method + " " + e.URL
	}
	if i := strings.LastIndex(name, "/"); i >= 0 && e.Request != "" {
		name = name[i+1:]
	}
	r := &collections.Request{Name: name, Method: e.Method, URL: e.URL}
	for _, h := range e.RequestHeaders {
		if h.Value == Redacted || strings.Contains(h.Value, Redacted) {
			continue
		}
		r.Headers = append(r.Headers, collections.Param{Key: h.Name, Value: h.Value})
	}
	b := e.RequestBody
	if b.Text != "" && !b.Base64 && !b.Truncated && b.Note == "" {
		r.Body = collections.Body{Kind: collections.BodyRaw, Text: b.Text}
		for _, h := range e.RequestHeaders {
			if strings.EqualFold(h.Name, "Content-Type") && strings.Contains(strings.ToLower(h.Value), "json") {
				r.Body.Kind = collections.BodyJSON
			}
		}
	}
	return r
}

// Package postman imports and exports Postman collections (v2.0 and v2.1)
// and environments.
//
// Import keeps everything mistbench can express, converts what it can
// express another way (a "Token" header becomes Mist token auth, GraphQL
// becomes a JSON body), keeps scripts as inert notes, and reports the rest.
// Export writes a v2.1 collection that Postman and newman run, plus a
// "_mistbench" extension Postman ignores, so importing an export gives back
// the same collection.
package postman

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// Report says what an import kept, converted and dropped.
type Report = collections.ImportReport

// ReadFile imports the Postman collection in the file at path.
func ReadFile(path string) (*collections.Collection, *Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("postman collection: %w", err)
	}
	return readBytes(data, path)
}

// Read imports a Postman collection; name labels errors (a file name).
func Read(r io.Reader, name string) (*collections.Collection, *Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return readBytes(data, name)
}

// ReadBytes imports the Postman collection in data; name labels errors.
func ReadBytes(data []byte, name string) (*collections.Collection, *Report, error) {
	return readBytes(data, name)
}

// IsCollection reports whether data looks like a Postman collection: a
// JSON object with "info" and "item" that are not null. It reads only as
// far as it needs (the info block comes first in what Postman writes), so
// the rest of the file may still be invalid: reading it says where.
func IsCollection(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	info, item := false, false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := t.(string)
		isInfo, isItem := strings.EqualFold(key, "info"), strings.EqualFold(key, "item")
		if isItem && info {
			// The first token of the value says whether it is null.
			t, err := dec.Token()
			return err == nil && t != nil
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false
		}
		null := string(v) == "null"
		switch {
		case isInfo:
			info = !null
		case isItem:
			item = !null
		}
	}
	return info && item
}

func readBytes(data []byte, name string) (*collections.Collection, *Report, error) {
	var pc pmCollection
	if !decodeFast(data, &pc) {
		pc = pmCollection{}
		if err := decodeJSON(data, name, &pc); err != nil {
			return nil, nil, err
		}
	}
	if pc.Info.Name == "" && pc.Item == nil {
		return nil, nil, fmt.Errorf("%s: not a Postman collection (no info.name and no item)", name)
	}
	if s := pc.Info.Schema; s != "" && !strings.Contains(s, "v2.0") && !strings.Contains(s, "v2.1") {
		return nil, nil, fmt.Errorf("%s: info.schema %q: only Postman collection v2.0 and v2.1 are supported (re-export from Postman as v2.1)", name, s)
	}
	rep := collections.NewImportReport("postman")
	im := &importer{rep: rep}
	c := &collections.Collection{
		Name:        pc.Info.Name,
		ID:          pc.Info.PostmanID,
		Description: description(pc.Info.Description),
	}
	c.Variables = im.variables("collection", pc.Variable, "")
	c.Auth = im.auth("collection", pc.Auth)
	if pc.Behavior != nil {
		if pc.Behavior.StrictSSL != nil && !*pc.Behavior.StrictSSL {
			c.Settings.InsecureSkipVerify = true
			rep.Keep("setting")
		}
		for _, o := range pc.Behavior.others {
			if o != "disableBodyPruning" {
				rep.Drop("setting", "collection: setting %s", o)
			}
		}
	}
	c.Description = im.scriptsNote("collection", c.Description, pc.Event)
	if x := pc.Ext; x != nil {
		c.Headers = kvParams(x.Headers, false)
		if x.Insecure {
			c.Settings.InsecureSkipVerify = true
		}
		if x.Auth != nil && c.Auth.Type == collections.AuthNone {
			c.Auth = extLogin(x.Auth)
		}
		c.Description = im.scriptsNote("collection", c.Description, x.Scripts)
		for _, e := range x.Environments {
			env := &collections.Environment{Name: e.Name, Description: e.Description}
			env.Variables = im.variables("environment "+e.Name, e.Variables, e.Name)
			c.Environments = append(c.Environments, env)
		}
	}
	im.convertRequests(pc.Item, "")
	c.Items = im.items(pc.Item, "")
	if b := pc.Behavior; b != nil && (b.FollowRedirects != nil || b.MaxRedirects > 0) {
		inheritRedirects(c.Items, b)
		rep.Convert("setting", "collection: redirect settings applied to each request")
	}
	if n := collections.UniqueNames(c.Items); n > 0 {
		rep.Convert("name", "%d items renamed \"name (2)\"...: names in a folder must differ", n)
	}
	return c, rep, nil
}

// decodeJSON decodes data and turns a syntax or type error's offset into
// a line and column.
func decodeJSON(data []byte, name string, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		l, c := lineCol(data, se.Offset)
		return fmt.Errorf("%s:%d:%d: invalid JSON: %w", name, l, c, err)
	case errors.As(err, &te):
		l, c := lineCol(data, te.Offset)
		return fmt.Errorf("%s:%d:%d: %s: expected %s, found a JSON %s: %w", name, l, c, te.Field, te.Type, te.Value, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

type importer struct {
	rep *Report
	// converted holds the requests convertRequests converted ahead, each
	// with its own report.
	converted map[*pmItem]convertedRequest
}

// convertInTurn turns convertRequests off (tests compare both ways).
var convertInTurn = false

type convertedRequest struct {
	req *collections.Request
	rep *Report
}

// convertRequests converts every request below items on every core, each
// into a report of its own that items adds in order: the outcome is the
// same as converting one by one. Decoding a request's JSON is most of the
// work of reading a large collection.
func (im *importer) convertRequests(items []*pmItem, where string) {
	type job struct {
		it   *pmItem
		path string
	}
	var jobs []job
	var walk func(items []*pmItem, where string)
	walk = func(items []*pmItem, where string) {
		for _, it := range items {
			if it == nil {
				continue
			}
			path := it.Name
			if where != "" {
				path = where + "/" + it.Name
			}
			if it.isFolder() {
				if it.Item != nil {
					walk(*it.Item, path)
				}
				continue
			}
			jobs = append(jobs, job{it, path})
		}
	}
	walk(items, where)
	workers := min(runtime.GOMAXPROCS(0), len(jobs)/8)
	if workers < 2 || convertInTurn {
		return // not worth it: items converts them in turn
	}
	out := make([]convertedRequest, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				sub := &importer{rep: collections.NewImportReport("postman")}
				out[i] = convertedRequest{sub.request(jobs[i].it, jobs[i].path), sub.rep}
			}
		}()
	}
	wg.Wait()
	im.converted = make(map[*pmItem]convertedRequest, len(jobs))
	for i, j := range jobs {
		im.converted[j.it] = out[i]
	}
}

func (im *importer) variables(where string, vs []pmVariable, env string) []collections.Variable {
	var out []collections.Variable
	for _, v := range vs {
		if v.Key == "" {
			continue
		}
		if v.Disabled {
			im.rep.Drop("variable", "%s: disabled variable %s", where, v.Key)
			continue
		}
		nv := collections.Variable{Key: v.Key, Value: scalar(v.Value), Description: description(v.Description), Env: v.Env}
		if v.Type == "secret" || collections.LooksSecret(v.Key) {
			nv.Secret = true
			if nv.Value != "" {
				im.rep.Secret(env, v.Key, nv.Value)
				nv.Value = "" // never in the collection; the caller stores it
			}
			im.rep.Convert("secret variable", "")
		} else {
			im.rep.Keep("variable")
		}
		out = append(out, nv)
	}
	return out
}

// auth converts a Postman auth block. nil is inherit; a type we cannot
// express becomes none, so the request does not silently pick up a
// parent's credentials it never had.
func (im *importer) auth(where string, a *pmAuth) collections.Auth {
	if a == nil {
		return collections.Auth{}
	}
	switch a.Type {
	case "", "inherit":
		return collections.Auth{}
	case "noauth":
		im.rep.Keep("auth")
		return collections.Auth{Type: collections.AuthNone}
	case "bearer":
		p := authParams(a.Bearer)
		im.rep.Keep("auth")
		return collections.Auth{Type: collections.AuthBearer, Token: p["token"]}
	case "basic":
		p := authParams(a.Basic)
		im.rep.Keep("auth")
		return collections.Auth{Type: collections.AuthBasic, Username: p["username"], Password: p["password"]}
	case "apikey":
		p := authParams(a.APIKey)
		in := p["in"]
		if in != "query" {
			in = "header"
		}
		if in == "header" && strings.EqualFold(p["key"], "Authorization") {
			if na, ok := collections.AuthFromHeader(p["value"]); ok && na.Type == collections.AuthMistToken {
				im.rep.Convert("auth", "%s: apikey auth \"Authorization: %s\" became Mist token auth", where, p["value"])
				return na
			}
		}
		im.rep.Keep("auth")
		key := p["key"]
		return collections.Auth{Type: collections.AuthAPIKey, Key: key, Value: p["value"], In: in}
	}
	im.rep.Drop("auth", "%s: auth type %s is not supported; the request sends no auth", where, a.Type)
	return collections.Auth{Type: collections.AuthNone}
}

func extLogin(x *extAuth) collections.Auth {
	return collections.Auth{Type: collections.AuthMistLogin, Email: x.Email, Password: x.Password, TwoFactor: x.TwoFactor}
}

// scriptsNote keeps folder and collection scripts, which have no place of
// their own in our model, as an inert note in the description.
func (im *importer) scriptsNote(where, desc string, evs []pmEvent) string {
	for _, ev := range evs {
		code := stringList(ev.Script.Exec, "\n")
		if strings.TrimSpace(code) == "" || strings.HasPrefix(code, generatedMarker) {
			continue
		}
		im.rep.Convert("script", "%s: %s script kept in the description as a note (never run)", where, ev.Listen)
		if desc != "" {
			desc += "\n\n"
		}
		desc += fmt.Sprintf("Postman %s script (kept from the import, never run):\n```js\n%s\n```", ev.Listen, code)
	}
	return desc
}

func (im *importer) items(items []*pmItem, where string) []collections.Item {
	var out []collections.Item
	for _, it := range items {
		if it == nil {
			continue
		}
		path := it.Name
		if where != "" {
			path = where + "/" + it.Name
		}
		if it.isFolder() {
			out = append(out, im.folder(it, path))
			continue
		}
		if cr, ok := im.converted[it]; ok {
			im.rep.Add(cr.rep)
			if cr.req != nil {
				out = append(out, cr.req)
			}
			continue
		}
		if r := im.request(it, path); r != nil {
			out = append(out, r)
		}
	}
	return out
}

func (im *importer) folder(it *pmItem, path string) *collections.Folder {
	im.rep.Keep("folder")
	f := &collections.Folder{Name: it.Name, Description: description(it.Description)}
	f.Variables = im.variables("folder "+path, it.Variable, "")
	f.Auth = im.auth("folder "+path, it.Auth)
	f.Description = im.scriptsNote("folder "+path, f.Description, it.Event)
	if x := it.Ext; x != nil {
		f.Headers = kvParams(x.Headers, false)
		if x.Auth != nil && f.Auth.Type == collections.AuthNone {
			f.Auth = extLogin(x.Auth)
		}
		f.Description = im.scriptsNote("folder "+path, f.Description, x.Scripts)
	}
	if it.Item != nil {
		f.Items = im.items(*it.Item, path)
	}
	if b := it.Behavior; b != nil {
		inheritRedirects(f.Items, b)
		if b.FollowRedirects != nil || b.MaxRedirects > 0 {
			im.rep.Convert("setting", "folder %s: redirect settings applied to each of its requests", path)
		}
		for _, o := range b.others {
			if o != "disableBodyPruning" {
				im.rep.Drop("setting", "folder %s: setting %s", path, o)
			}
		}
	}
	return f
}

// inheritRedirects gives the redirect settings of a folder or collection
// (Postman inherits them) to each request below that has none of its own.
func inheritRedirects(items []collections.Item, b *pmBehavior) {
	for _, it := range items {
		switch it := it.(type) {
		case *collections.Folder:
			inheritRedirects(it.Items, b)
		case *collections.Request:
			if it.Settings.FollowRedirects == nil && b.FollowRedirects != nil {
				v := *b.FollowRedirects
				it.Settings.FollowRedirects = &v
			}
			if it.Settings.MaxRedirects == 0 && b.MaxRedirects > 0 {
				it.Settings.MaxRedirects = b.MaxRedirects
			}
		}
	}
}

func (im *importer) request(it *pmItem, path string) *collections.Request {
	where := "request " + path
	var pr pmRequest
	if f := it.fast; f != nil {
		pr = pmRequest{Auth: f.Auth, Method: f.Method, Description: f.Description, Body: f.Body}
	} else if isString(it.Request) {
		s, _ := plainString(it.Request)
		pr.URL = jsonString(s)
		pr.Method = "GET"
	} else if err := json.Unmarshal(it.Request, &pr); err != nil {
		im.rep.Drop("request", "%s: unreadable request: %v", where, err)
		return nil
	}
	im.rep.Keep("request")
	r := &collections.Request{
		Name:        it.Name,
		Method:      strings.ToUpper(strings.TrimSpace(pr.Method)),
		Description: description(pr.Description),
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	if d := description(it.Description); d != "" && r.Description == "" {
		r.Description = d
	}
	if f := it.fast; f != nil {
		u := f.URL
		if u == nil {
			u = &pmURL{}
		}
		im.urlFrom(r, *u)
		r.Headers = kvParams(f.Header, true)
	} else {
		im.url(r, pr.URL, where)
		r.Headers = im.headers(pr.Header, where)
	}
	r.Auth = im.auth(where, pr.Auth)
	// A "Token" Authorization header is Mist's token scheme.
	if r.Auth.Type == collections.AuthInherit || r.Auth.Type == collections.AuthNone {
		for i, h := range r.Headers {
			if !h.Disabled && strings.EqualFold(h.Key, "Authorization") {
				if a, ok := collections.AuthFromHeader(h.Value); ok && (a.Type == collections.AuthMistToken || a.Type == collections.AuthBearer) {
					r.Auth = a
					r.Headers = append(r.Headers[:i:i], r.Headers[i+1:]...)
					if len(r.Headers) == 0 {
						r.Headers = nil
					}
					im.rep.Convert("auth", "%s: header \"Authorization: %s\" became %s auth", where, h.Value, a.Type)
				}
				break
			}
		}
	}
	r.Body = im.body(pr.Body, where)
	if b := it.Behavior; b != nil {
		if b.FollowRedirects != nil {
			v := *b.FollowRedirects
			r.Settings.FollowRedirects = &v
			im.rep.Keep("setting")
		}
		if b.MaxRedirects > 0 {
			r.Settings.MaxRedirects = b.MaxRedirects
			im.rep.Keep("setting")
		}
		if b.StrictSSL != nil && !*b.StrictSSL {
			im.rep.Drop("setting", "%s: strictSSL false (TLS verification is a collection setting in mistbench)", where)
		}
		for _, o := range b.others {
			if o == "disableBodyPruning" {
				// mistbench never drops a body, whatever the method
				im.rep.Keep("setting")
				continue
			}
			im.rep.Drop("setting", "%s: setting %s", where, o)
		}
	}
	if len(it.Variable) > 0 {
		im.rep.Drop("variable", "%s: %d request-level variables (mistbench has variables on folders and the collection)", where, len(it.Variable))
	}
	for _, ev := range it.Event {
		code := stringList(ev.Script.Exec, "\n")
		if strings.TrimSpace(code) == "" {
			continue
		}
		r.Scripts = append(r.Scripts, collections.Script{Listen: ev.Listen, Exec: code})
		im.rep.Keep("script (inert)")
	}
	for _, resp := range it.Response {
		r.Examples = append(r.Examples, im.example(resp, where))
	}
	if x := it.Ext; x != nil {
		if x.Timeout != "" {
			if d, err := time.ParseDuration(x.Timeout); err == nil {
				r.Settings.Timeout = d
			}
		}
		r.Settings.AllPages = x.AllPages
		for _, c := range x.Captures {
			r.Captures = append(r.Captures, collections.Capture{Var: c.Var, JQ: c.JQ, Header: c.Header})
		}
		r.Expect = collections.Expect{Status: x.ExpectStatus, JQ: x.ExpectJQ}
		if x.Auth != nil && r.Auth.Type == collections.AuthNone {
			r.Auth = extLogin(x.Auth)
		}
	}
	return r
}

func (im *importer) example(resp pmResponse, where string) collections.Example {
	im.rep.Keep("example")
	ex := collections.Example{Name: resp.Name, Status: resp.Code, Headers: im.headers(resp.Header, where+" example "+resp.Name)}
	if resp.Body != nil {
		ex.Body = *resp.Body
	}
	return ex
}

// url reads a URL given as a string or an object. The query goes to the
// Query table (decoded to literal values); the path variables to PathVars.
func (im *importer) url(r *collections.Request, raw json.RawMessage, where string) {
	var u pmURL
	if isString(raw) {
		u.Raw, _ = plainString(raw)
	} else if err := json.Unmarshal(raw, &u); err != nil && len(raw) > 0 {
		im.rep.Drop("url", "%s: unreadable url: %v", where, err)
		return
	}
	im.urlFrom(r, u)
}

// urlFrom reads a decoded URL.
func (im *importer) urlFrom(r *collections.Request, u pmURL) {
	full := u.Raw
	if full == "" {
		full = buildRaw(u)
	}
	if i := strings.IndexByte(full, '#'); i >= 0 && !strings.Contains(full[i:], "}}") {
		full = full[:i]
	}
	base, query, hasQuery := strings.Cut(full, "?")
	r.URL = base
	if u.Query != nil {
		var written []string
		for _, q := range u.Query {
			if q.Generated {
				// a query mistbench wrote in the URL itself: back there
				written = append(written, q.Key+"="+scalar(q.Value))
				continue
			}
			r.Query = append(r.Query, collections.Param{Key: unescape(q.Key), Value: unescape(scalar(q.Value)), Disabled: q.Disabled, Description: description(q.Description)})
		}
		if len(written) > 0 {
			r.URL += "?" + strings.Join(written, "&")
		}
	} else if hasQuery && query != "" {
		for _, pair := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(pair, "=")
			r.Query = append(r.Query, collections.Param{Key: unescape(k), Value: unescape(v)})
		}
	}
	for _, v := range u.Variable {
		r.PathVars = append(r.PathVars, collections.Param{Key: v.Key, Value: scalar(v.Value), Disabled: v.Disabled, Description: description(v.Description)})
	}
	// Path variables the URL names without a row get an empty one, so the
	// table shows them.
	for _, name := range collections.PathVarNames(r.URL) {
		found := false
		for _, p := range r.PathVars {
			found = found || p.Key == name
		}
		if !found {
			r.PathVars = append(r.PathVars, collections.Param{Key: name})
		}
	}
}

// buildRaw assembles a URL from its parts when "raw" is missing.
func buildRaw(u pmURL) string {
	var b strings.Builder
	if u.Protocol != "" {
		b.WriteString(u.Protocol + "://")
	}
	b.WriteString(stringList(u.Host, "."))
	if u.Port != "" {
		b.WriteString(":" + u.Port)
	}
	if p := stringList(u.Path, "/"); p != "" {
		b.WriteString("/" + strings.TrimPrefix(p, "/"))
	}
	return b.String()
}

// unescape decodes percent-encoding (and + as space) of a query key or
// value, leaving {{variables}} and undecodable text as written.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	return collections.MapOutsideVariables(s, queryUnescape)
}

func queryUnescape(s string) string {
	d, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return d
}

// headers reads a header list (or a "Name: value" block as v2.0 allows).
func (im *importer) headers(raw json.RawMessage, where string) []collections.Param {
	if len(raw) == 0 {
		return nil
	}
	if !isString(raw) {
		var list []pmKV
		if err := json.Unmarshal(raw, &list); err == nil {
			return kvParams(list, true)
		}
	} else if block, ok := plainString(raw); ok {
		var out []collections.Param
		for _, line := range strings.Split(block, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && strings.TrimSpace(k) != "" {
				out = append(out, collections.Param{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
			}
		}
		return out
	}
	im.rep.Drop("header", "%s: unreadable headers", where)
	return nil
}

// kvParams converts key/value rows; skipGenerated drops rows mistbench
// copied down from a folder or the collection on export.
func kvParams(list []pmKV, skipGenerated bool) []collections.Param {
	var out []collections.Param
	for _, kv := range list {
		if skipGenerated && kv.Generated {
			continue
		}
		out = append(out, collections.Param{Key: kv.Key, Value: scalar(kv.Value), Disabled: kv.Disabled, Description: description(kv.Description)})
	}
	return out
}

func (im *importer) body(b *pmBody, where string) collections.Body {
	if b == nil || b.Mode == "" {
		return collections.Body{}
	}
	if b.Disabled {
		im.rep.Drop("body", "%s: disabled body", where)
		return collections.Body{}
	}
	switch b.Mode {
	case "raw":
		text := ""
		if b.Raw != nil {
			text = *b.Raw
		}
		lang := ""
		if b.Options != nil && b.Options.Raw != nil {
			lang = b.Options.Raw.Language
		}
		im.rep.Keep("body")
		if lang == "text" {
			lang = "" // our default, also text/plain
		}
		if lang == "json" {
			return collections.Body{Kind: collections.BodyJSON, Text: text}
		}
		if text == "" {
			return collections.Body{}
		}
		return collections.Body{Kind: collections.BodyRaw, Text: text, Language: lang}
	case "urlencoded":
		im.rep.Keep("body")
		return collections.Body{Kind: collections.BodyForm, Form: kvParams(b.URLEncoded, false)}
	case "formdata":
		im.rep.Keep("body")
		var parts []collections.Part
		for _, p := range b.FormData {
			part := collections.Part{Name: p.Key, ContentType: p.ContentType, Disabled: p.Disabled, Description: description(p.Description)}
			if p.Type == "file" {
				part.File = firstSrc(p.Src, func(n int) {
					im.rep.Drop("file", "%s: form part %s names %d files; only the first is kept", where, p.Key, n)
				})
				if part.File == "" {
					// Postman exports leave src empty: the user picks the file.
					im.rep.Convert("file", "%s: form part %s has no file chosen; set one before sending", where, p.Key)
				}
			} else {
				part.Value = scalar(p.Value)
			}
			parts = append(parts, part)
		}
		return collections.Body{Kind: collections.BodyMultipart, Parts: parts}
	case "file":
		im.rep.Keep("body")
		body := collections.Body{Kind: collections.BodyFile}
		if b.File != nil {
			body.File = firstSrc(b.File.Src, nil)
			if body.File == "" && b.File.Content != "" {
				im.rep.Convert("body", "%s: inline file content became a raw body", where)
				return collections.Body{Kind: collections.BodyRaw, Text: b.File.Content}
			}
		}
		return body
	case "graphql":
		var g struct {
			Query     string          `json:"query"`
			Variables json.RawMessage `json:"variables"`
		}
		_ = json.Unmarshal(b.GraphQL, &g)
		vars := json.RawMessage("{}")
		var vs string
		if json.Unmarshal(g.Variables, &vs) == nil && json.Valid([]byte(vs)) && strings.TrimSpace(vs) != "" {
			vars = json.RawMessage(vs)
		} else if len(g.Variables) > 0 && json.Valid(g.Variables) && string(g.Variables) != `""` {
			vars = g.Variables
		}
		q, _ := json.Marshal(g.Query)
		var buf bytes.Buffer
		buf.WriteString(`{"query":`)
		buf.Write(q)
		buf.WriteString(`,"variables":`)
		buf.Write(vars)
		buf.WriteString("}")
		im.rep.Convert("body", "%s: GraphQL body became a JSON body", where)
		return collections.Body{Kind: collections.BodyJSON, Text: buf.String()}
	}
	im.rep.Drop("body", "%s: body mode %q is not supported", where, b.Mode)
	return collections.Body{}
}

// firstSrc reads a file src: a path, a list of paths, or null.
func firstSrc(raw json.RawMessage, many func(int)) string {
	if isString(raw) {
		s, _ := plainString(raw)
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		if len(list) > 1 && many != nil {
			many(len(list))
		}
		return list[0]
	}
	return ""
}

// statusText is the reason phrase written for an example's code.
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "Status " + fmt.Sprint(code)
}

// Package openapi imports an OpenAPI 3.0 or 3.1 description (YAML or JSON,
// one file or several joined by local $refs) as a collection: one request
// per operation, in folders by tag and x-tagGroups, with an environment per
// server and auth from the security schemes.
//
// Parsing is github.com/getkin/kin-openapi: of the maintained Go libraries
// it loaded the 3 MB Mist description fastest and in the least memory
// (measured against pb33f/libopenapi; see bench/import).
package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mistbench/mistbench/collections"
)

// Report says what the import kept, converted and dropped.
type Report = collections.ImportReport

// TokenVariable names the variable Mist token auth refers to, as in
// Juniper's own Postman collection.
const TokenVariable = "apitoken"

// Import reads the description in the file at path.
func Import(path string) (*collections.Collection, *Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: %w", err)
	}
	return importData(data, path, &url.URL{Path: filepath.ToSlash(abs)})
}

// ImportBytes reads a description held in memory; name labels errors.
// $refs to other files are refused (there is no directory to read from).
func ImportBytes(data []byte, name string) (*collections.Collection, *Report, error) {
	return importData(data, name, nil)
}

func importData(data []byte, name string, loc *url.URL) (*collections.Collection, *Report, error) {
	if err := checkVersion(data, name); err != nil {
		return nil, nil, err
	}
	loader := newLoader(loc)
	var doc *openapi3.T
	var err error
	func() {
		// The library is not fuzzed against every input: turn a panic into
		// an error rather than crash the command.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("cannot be read (%v)", r)
			}
		}()
		if doc, err = loadChunked(loader, data); err == nil {
			return
		}
		loader = newLoader(loc) // a fresh one: the pieces' state is gone
		if loc != nil {
			doc, err = loader.LoadFromDataWithPath(data, loc)
		} else {
			doc, err = loader.LoadFromData(data)
		}
	}()
	if err != nil {
		// The library names the line in its text: lead with file:line.
		if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
			return nil, nil, fmt.Errorf("%s:%s: %w", name, m[1], err)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Paths == nil {
		return nil, nil, fmt.Errorf("%s: no paths: not an OpenAPI description", name)
	}
	// What parsing and resolving left (the pieces' node trees, the
	// loader's bookkeeping) is garbage now: collecting it before converting
	// lets conversion reuse that memory instead of growing the heap. On the
	// Mist description, read in pieces: peak RSS 66-72 -> 61-67 MiB.
	runtime.GC()
	im := &importer{doc: doc, rep: collections.NewImportReport("openapi"), schemes: map[string]collections.Auth{}}
	return im.collection(), im.rep, nil
}

// newLoader is kin-openapi's loader reading $refs to local files only
// (when the description was read from one): a description must not make
// the importer fetch URLs.
func newLoader(loc *url.URL) *openapi3.Loader {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = loc != nil
	loader.ReadFromURIFunc = func(l *openapi3.Loader, u *url.URL) ([]byte, error) {
		if loc == nil {
			return nil, fmt.Errorf("$ref %s: references to other files need the description read from a file", u)
		}
		if u.Scheme != "" && u.Scheme != "file" {
			return nil, fmt.Errorf("$ref %s: only local files are read, not URLs", u)
		}
		return openapi3.ReadFromFile(l, u)
	}
	return loader
}

var lineRE = regexp.MustCompile(`\bline (\d+)\b`)

// checkVersion gives a clear error for Swagger 2.0 and for files that are
// not OpenAPI at all, before the library's more cryptic ones.
func checkVersion(data []byte, name string) error {
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if bytes.Contains(head, []byte("swagger:")) || bytes.Contains(head, []byte(`"swagger"`)) {
		if !bytes.Contains(head, []byte("openapi")) {
			return fmt.Errorf("%s: Swagger 2.0 is not supported; convert it to OpenAPI 3 first", name)
		}
	}
	return nil
}

type importer struct {
	doc     *openapi3.T
	rep     *Report
	schemes map[string]collections.Auth // converted security schemes
	vars    []collections.Variable      // credentials the auth refers to
}

var methodOrder = map[string]int{"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4, "HEAD": 5, "OPTIONS": 6, "TRACE": 7, "QUERY": 8}

type op struct {
	path, method string
	item         *openapi3.PathItem
	op           *openapi3.Operation
}

func (im *importer) collection() *collections.Collection {
	doc := im.doc
	c := &collections.Collection{}
	if doc.Info != nil {
		c.Name = doc.Info.Title
		c.Description = doc.Info.Description
		if doc.Info.Version != "" {
			c.Description = strings.TrimSpace(c.Description + "\n\nAPI version " + doc.Info.Version)
		}
	}
	if c.Name == "" {
		c.Name = "OpenAPI import"
	}
	im.servers(c)
	im.securitySchemes()
	c.Auth = im.requirement(&doc.Security, "collection")

	if n := len(doc.Webhooks); n > 0 {
		im.rep.Drop("webhook", "%d webhooks (requests the API sends, not ones to send)", n)
	}

	// Operations sorted by path then method: deterministic, and an API's
	// paths sort into a readable order.
	var ops []op
	for p, item := range doc.Paths.Map() {
		if item == nil {
			continue
		}
		for m, o := range item.Operations() {
			if o != nil {
				ops = append(ops, op{path: p, method: strings.ToUpper(m), item: item, op: o})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].path != ops[j].path {
			return ops[i].path < ops[j].path
		}
		return methodOrder[ops[i].method] < methodOrder[ops[j].method]
	})

	// Folders: one per tag in the order the document lists its tags, then
	// tags only operations name; grouped by x-tagGroups where present.
	folders := map[string]*collections.Folder{}
	var tagOrder []string
	for _, t := range doc.Tags {
		if t != nil && folders[t.Name] == nil {
			folders[t.Name] = &collections.Folder{Name: t.Name, Description: t.Description}
			tagOrder = append(tagOrder, t.Name)
		}
	}
	var untagged []collections.Item
	for i, req := range im.requests(ops) {
		o := ops[i]
		if len(o.op.Tags) == 0 {
			untagged = append(untagged, req)
			continue
		}
		tag := o.op.Tags[0]
		f := folders[tag]
		if f == nil {
			f = &collections.Folder{Name: tag}
			folders[tag] = f
			tagOrder = append(tagOrder, tag)
		}
		f.Items = append(f.Items, req)
	}
	used := map[string]bool{}
	for _, g := range tagGroups(doc.Extensions["x-tagGroups"]) {
		var members []*collections.Folder
		for _, t := range g.Tags {
			if f := folders[t]; f != nil && len(f.Items) > 0 && !used[t] {
				members = append(members, f)
				used[t] = true
			}
		}
		switch {
		case len(members) == 0:
		case len(members) == 1 && members[0].Name == g.Name:
			c.Items = append(c.Items, members[0])
		default:
			gf := &collections.Folder{Name: g.Name}
			for _, m := range members {
				gf.Items = append(gf.Items, m)
			}
			c.Items = append(c.Items, gf)
		}
		im.rep.Keep("tag group")
	}
	for _, t := range tagOrder {
		if f := folders[t]; !used[t] && len(f.Items) > 0 {
			c.Items = append(c.Items, f)
		}
	}
	for _, t := range tagOrder {
		if len(folders[t].Items) > 0 {
			im.rep.Keep("tag")
		}
	}
	c.Items = append(c.Items, untagged...)
	if n := collections.UniqueNames(c.Items); n > 0 {
		im.rep.Convert("name", "%d requests renamed \"name (2)\"...: names in a folder must differ", n)
	}
	c.Variables = append(c.Variables, im.vars...)
	return c
}

// requests converts the operations on every core (a Mist import has a
// thousand, each with schemas to walk and examples to print); each worker
// notes into a report of its own, added to the import's in operation
// order so the report reads the same however the work was shared.
func (im *importer) requests(ops []op) []*collections.Request {
	out := make([]*collections.Request, len(ops))
	reps := make([]*Report, len(ops))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ops)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ops) {
					return
				}
				sub := *im
				sub.rep = collections.NewImportReport(im.rep.Format)
				out[i], reps[i] = sub.request(ops[i]), sub.rep
			}
		})
	}
	wg.Wait()
	for _, r := range reps {
		im.rep.Add(r)
	}
	return out
}

type tagGroup struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// tagGroups reads the x-tagGroups extension, whatever shape the library
// decoded it to.
func tagGroups(v any) []tagGroup {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var gs []tagGroup
	if json.Unmarshal(b, &gs) != nil {
		return nil
	}
	return gs
}

// servers: the first server is the collection's baseUrl; each server is
// an environment setting baseUrl (and its variables' defaults).
func (im *importer) servers(c *collections.Collection) {
	for i, s := range im.doc.Servers {
		if s == nil {
			continue
		}
		u := s.URL
		var vars []collections.Variable
		names := make([]string, 0, len(s.Variables))
		for n := range s.Variables {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			u = strings.ReplaceAll(u, "{"+n+"}", "{{"+n+"}}")
			sv := s.Variables[n]
			if sv != nil {
				vars = append(vars, collections.Variable{Key: n, Value: sv.Default, Description: sv.Description})
			}
		}
		u = strings.TrimSuffix(u, "/")
		if i == 0 {
			c.Variables = append(c.Variables, collections.Variable{Key: "baseUrl", Value: u, Description: "the API's base URL (one environment per server)"})
			c.Variables = append(c.Variables, vars...)
		}
		name := s.Description
		if name == "" {
			name = u
		}
		env := &collections.Environment{Name: name, Description: s.Description}
		env.Variables = append([]collections.Variable{{Key: "baseUrl", Value: u}}, vars...)
		c.Environments = append(c.Environments, env)
		im.rep.Convert("server", "")
	}
	if len(im.doc.Servers) == 0 {
		c.Variables = append(c.Variables, collections.Variable{Key: "baseUrl", Value: "", Description: "the API's base URL: the description names no server"})
	}
}

// securitySchemes converts each scheme once; Mist's apiToken (an api key
// in the Authorization header whose value is "Token <key>") becomes Mist
// token auth.
func (im *importer) securitySchemes() {
	if im.doc.Components == nil {
		return
	}
	names := make([]string, 0, len(im.doc.Components.SecuritySchemes))
	for n := range im.doc.Components.SecuritySchemes {
		names = append(names, n)
	}
	sort.Strings(names)
	secret := func(key, desc string) {
		for _, v := range im.vars {
			if v.Key == key {
				return
			}
		}
		im.vars = append(im.vars, collections.Variable{Key: key, Secret: true, Description: desc})
	}
	for _, n := range names {
		ref := im.doc.Components.SecuritySchemes[n]
		if ref == nil || ref.Value == nil {
			continue
		}
		s := ref.Value
		switch {
		case s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, "Authorization"):
			im.schemes[n] = collections.Auth{Type: collections.AuthMistToken, Token: "{{" + TokenVariable + "}}"}
			secret(TokenVariable, "API token (security scheme "+n+")")
			im.rep.Convert("security scheme", "security scheme %s (api key in the Authorization header) became Mist token auth", n)
		case s.Type == "apiKey" && (s.In == "header" || s.In == "query"):
			v := varName(n)
			im.schemes[n] = collections.Auth{Type: collections.AuthAPIKey, Key: s.Name, Value: "{{" + v + "}}", In: s.In}
			secret(v, "API key (security scheme "+n+")")
			im.rep.Keep("security scheme")
		case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
			im.schemes[n] = collections.Auth{Type: collections.AuthBearer, Token: "{{bearerToken}}"}
			secret("bearerToken", "bearer token (security scheme "+n+")")
			im.rep.Keep("security scheme")
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			im.schemes[n] = collections.Auth{Type: collections.AuthBasic, Username: "{{username}}", Password: "{{password}}"}
			if !contains(varKeys(im.vars), "username") {
				im.vars = append(im.vars, collections.Variable{Key: "username", Description: "user name (security scheme " + n + ")"})
			}
			secret("password", "password (security scheme "+n+")")
			im.rep.Keep("security scheme")
		default:
			im.rep.Drop("security scheme", "security scheme %s (%s %s %s) has no equivalent; operations that need only it send no auth", n, s.Type, s.In, s.Scheme)
		}
	}
}

func varKeys(vs []collections.Variable) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Key
	}
	return out
}

func varName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "apiKey"
	}
	return b.String()
}

// requirement picks the first alternative whose schemes we converted. An
// empty list means no auth; a nil one inherits.
func (im *importer) requirement(reqs *openapi3.SecurityRequirements, where string) collections.Auth {
	if reqs == nil {
		return collections.Auth{}
	}
	if len(*reqs) == 0 {
		if where == "collection" {
			return collections.Auth{}
		}
		return collections.Auth{Type: collections.AuthNone}
	}
	for _, alt := range *reqs {
		if len(alt) == 0 {
			return collections.Auth{Type: collections.AuthNone} // {} : auth optional
		}
		if len(alt) > 1 {
			continue // schemes used together (basic + CSRF): a session, not one header
		}
		for n := range alt {
			if a, ok := im.schemes[n]; ok {
				return a
			}
		}
	}
	return collections.Auth{Type: collections.AuthNone}
}

func (im *importer) request(o op) *collections.Request {
	where := o.method + " " + o.path
	r := &collections.Request{Method: o.method}
	switch {
	case o.op.Summary != "":
		r.Name = o.op.Summary
	case o.op.OperationID != "":
		r.Name = o.op.OperationID
	default:
		r.Name = where
	}
	r.Description = o.op.Description
	if r.Description == "" && o.op.Summary != "" && o.op.OperationID != "" {
		r.Description = o.op.Summary
	}
	if o.op.OperationID != "" && o.op.OperationID != r.Name {
		r.Description = strings.TrimSpace(r.Description + "\n\noperationId: " + o.op.OperationID)
	}
	if o.op.Deprecated {
		r.Description = "Deprecated.\n\n" + r.Description
	}
	r.URL = "{{baseUrl}}" + pathTemplate(o.path)
	if len(o.op.Callbacks) > 0 {
		im.rep.Drop("callback", "%s: %d callbacks (requests the API sends, not ones to send)", where, len(o.op.Callbacks))
	}
	if o.op.Servers != nil && len(*o.op.Servers) > 0 || len(o.item.Servers) > 0 {
		im.rep.Drop("server", "%s: its own servers (it uses the collection's baseUrl)", where)
	}

	// Path-level parameters, overridden by the operation's of the same name and place.
	params := map[string]*openapi3.Parameter{}
	var order []string
	for _, list := range []openapi3.Parameters{o.item.Parameters, o.op.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			k := pr.Value.In + "\x00" + pr.Value.Name
			if params[k] == nil {
				order = append(order, k)
			}
			params[k] = pr.Value
		}
	}
	for _, k := range order {
		p := params[k]
		switch p.In {
		case "path":
			r.PathVars = append(r.PathVars, collections.Param{Key: p.Name, Value: "{{" + p.Name + "}}", Description: p.Description})
		case "query":
			r.Query = append(r.Query, collections.Param{Key: p.Name, Value: paramValue(p), Disabled: !p.Required, Description: p.Description})
		case "header":
			if strings.EqualFold(p.Name, "Authorization") || strings.EqualFold(p.Name, "Content-Type") || strings.EqualFold(p.Name, "Accept") {
				continue // set by auth and body; OpenAPI says they are ignored
			}
			r.Headers = append(r.Headers, collections.Param{Key: p.Name, Value: paramValue(p), Disabled: !p.Required, Description: p.Description})
		case "cookie":
			r.Headers = append(r.Headers, collections.Param{Key: "Cookie", Value: p.Name + "=" + paramValue(p), Disabled: !p.Required, Description: p.Description})
			im.rep.Convert("parameter", "%s: cookie parameter %s became a Cookie header", where, p.Name)
		}
	}
	// Path variables the template names without a parameter get a row too.
	for _, n := range collections.PathVarNames(r.URL) {
		found := false
		for _, p := range r.PathVars {
			found = found || p.Key == n
		}
		if !found {
			r.PathVars = append(r.PathVars, collections.Param{Key: n, Value: "{{" + n + "}}"})
		}
	}
	if o.op.RequestBody != nil && o.op.RequestBody.Value != nil {
		r.Body = im.body(o.op.RequestBody.Value, where)
	}
	r.Auth = im.requirement(o.op.Security, where)
	if o.op.Security != nil && im.sameAsCollection(*o.op.Security) {
		r.Auth = collections.Auth{}
	}
	// Example responses: the first example of each documented status.
	if o.op.Responses != nil {
		codes := make([]string, 0, o.op.Responses.Len())
		for code := range o.op.Responses.Map() {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			resp := o.op.Responses.Value(code)
			if resp == nil || resp.Value == nil {
				continue
			}
			if ex, ok := responseExample(resp.Value, code); ok {
				r.Examples = append(r.Examples, ex)
			}
		}
	}
	im.rep.Keep("request")
	return r
}

func (im *importer) sameAsCollection(reqs openapi3.SecurityRequirements) bool {
	a, _ := json.Marshal(reqs)
	b, _ := json.Marshal(im.doc.Security)
	return bytes.Equal(a, b)
}

// pathTemplate turns /sites/{site_id} into /sites/:site_id. A parameter
// that is only part of a segment stays a {{variable}}.
func pathTemplate(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") && strings.Count(s, "{") == 1 {
			if _, ok := collections.PathVarName(":" + s[1:len(s)-1]); ok {
				segs[i] = ":" + s[1:len(s)-1]
				continue
			}
		}
		segs[i] = bracesToVariables.Replace(s)
	}
	return strings.Join(segs, "/")
}

// bracesToVariables is built once: a Replacer builds its tables on first
// use, which cost 20 ms a Mist import when it was made per segment.
var bracesToVariables = strings.NewReplacer("{", "{{", "}", "}}")

// paramValue is a parameter's example, default or first enum value.
func paramValue(p *openapi3.Parameter) string {
	if p.Example != nil {
		return scalarText(p.Example)
	}
	for _, ex := range sortedExamples(p.Examples) {
		return scalarText(ex)
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		switch {
		case s.Example != nil:
			return scalarText(s.Example)
		case len(s.Examples) > 0:
			return scalarText(s.Examples[0])
		case s.Default != nil:
			return scalarText(s.Default)
		case len(s.Enum) > 0:
			return scalarText(s.Enum[0])
		}
	}
	return ""
}

func sortedExamples(m openapi3.Examples) []any {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []any
	for _, n := range names {
		if e := m[n]; e != nil && e.Value != nil && e.Value.Value != nil {
			out = append(out, e.Value.Value)
		}
	}
	return out
}

func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// body builds the request body from the first content type we can express,
// preferring JSON.
func (im *importer) body(rb *openapi3.RequestBody, where string) collections.Body {
	types := make([]string, 0, len(rb.Content))
	for t := range rb.Content {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		return rank(types[i]) < rank(types[j]) || rank(types[i]) == rank(types[j]) && types[i] < types[j]
	})
	if len(types) == 0 {
		return collections.Body{}
	}
	if len(types) > 1 {
		im.rep.Convert("body", "%s: %d content types; the request uses %s", where, len(types), types[0])
	}
	mt := types[0]
	media := rb.Content[mt]
	var schema *openapi3.Schema
	if media != nil && media.Schema != nil {
		schema = media.Schema.Value
	}
	base := strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
	switch {
	case base == "application/json" || strings.HasSuffix(base, "+json"):
		text := exampleJSON(media, schema)
		if base != "application/json" {
			return collections.Body{Kind: collections.BodyRaw, Text: text, Language: "json"}
		}
		return collections.Body{Kind: collections.BodyJSON, Text: text}
	case base == "multipart/form-data":
		var parts []collections.Part
		for _, name := range propertyNames(schema) {
			ps := schema.Properties[name].Value
			part := collections.Part{Name: name, Disabled: !contains(schema.Required, name)}
			if ps != nil {
				part.Description = ps.Description
				if isBinary(ps) {
					part.File = "" // the user picks the file
				} else {
					part.Value = valueText(ps)
				}
				if enc := media.Encoding[name]; enc != nil {
					part.ContentType = enc.ContentType
				}
			}
			parts = append(parts, part)
		}
		return collections.Body{Kind: collections.BodyMultipart, Parts: parts}
	case base == "application/x-www-form-urlencoded":
		var form []collections.Param
		for _, name := range propertyNames(schema) {
			ps := schema.Properties[name].Value
			p := collections.Param{Key: name, Disabled: !contains(schema.Required, name)}
			if ps != nil {
				p.Value, p.Description = valueText(ps), ps.Description
			}
			form = append(form, p)
		}
		return collections.Body{Kind: collections.BodyForm, Form: form}
	case base == "application/octet-stream" || strings.HasPrefix(base, "image/") || strings.HasPrefix(base, "application/zip"):
		return collections.Body{Kind: collections.BodyFile}
	}
	lang := ""
	switch {
	case strings.Contains(base, "xml"):
		lang = "xml"
	case strings.Contains(base, "yaml"):
		lang = "yaml"
	case strings.Contains(base, "html"):
		lang = "html"
	}
	text := ""
	if media != nil && media.Example != nil {
		text = scalarText(media.Example)
	}
	return collections.Body{Kind: collections.BodyRaw, Text: text, Language: lang}
}

func rank(mt string) int {
	switch {
	case strings.HasPrefix(mt, "application/json"):
		return 0
	case strings.Contains(mt, "json"):
		return 1
	case strings.HasPrefix(mt, "multipart/form-data"):
		return 2
	case strings.HasPrefix(mt, "application/x-www-form-urlencoded"):
		return 3
	}
	return 4
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// propertyNames: required ones first in their listed order, then the rest sorted.
func propertyNames(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range s.Required {
		if s.Properties[n] != nil && !seen[n] {
			out = append(out, n)
			seen[n] = true
		}
	}
	rest := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func isBinary(s *openapi3.Schema) bool {
	return s.Format == "binary" || s.Format == "base64" || s.ContentMediaType != "" && s.Type != nil && s.Type.Is("string") && s.Format == ""
}

func valueText(s *openapi3.Schema) string {
	switch {
	case s.Example != nil:
		return scalarText(s.Example)
	case len(s.Examples) > 0:
		return scalarText(s.Examples[0])
	case s.Default != nil:
		return scalarText(s.Default)
	case len(s.Enum) > 0:
		return scalarText(s.Enum[0])
	}
	if s.Type != nil && (s.Type.Is("object") || s.Type.Is("array")) {
		return marshalIndent(skeleton(s, 0, map[*openapi3.Schema]bool{}))
	}
	return ""
}

// exampleJSON is the media type's example, else the schema's, else a
// skeleton of its required fields.
func exampleJSON(media *openapi3.MediaType, s *openapi3.Schema) string {
	if media != nil {
		if media.Example != nil {
			return marshalIndent(media.Example)
		}
		if exs := sortedExamples(media.Examples); len(exs) > 0 {
			return marshalIndent(exs[0])
		}
	}
	if s == nil {
		return "{}"
	}
	return marshalIndent(skeleton(s, 0, map[*openapi3.Schema]bool{}))
}

func marshalIndent(v any) string {
	if s, ok := v.(string); ok && json.Valid([]byte(s)) && (strings.HasPrefix(strings.TrimSpace(s), "{") || strings.HasPrefix(strings.TrimSpace(s), "[")) {
		return s // an example given as JSON text
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "{}"
	}
	return strings.TrimRight(buf.String(), "\n")
}

// ordered is a JSON object that keeps its keys in the order given.
type ordered struct {
	keys []string
	vals []any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// skeleton builds a minimal value for a schema: its example or default, or
// an object holding only the required properties (recursively), bounded in
// depth and safe against recursive schemas.
func skeleton(s *openapi3.Schema, depth int, seen map[*openapi3.Schema]bool) any {
	if s == nil || depth > 8 || seen[s] {
		return nil
	}
	if s.Example != nil {
		return s.Example
	}
	if len(s.Examples) > 0 {
		return s.Examples[0]
	}
	if s.Const != nil {
		return s.Const
	}
	if s.Default != nil {
		return s.Default
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	seen[s] = true
	defer delete(seen, s)
	if len(s.AllOf) > 0 {
		obj := ordered{}
		for _, sub := range s.AllOf {
			if sub == nil {
				continue
			}
			if v, ok := skeleton(sub.Value, depth+1, seen).(ordered); ok {
				for i, k := range v.keys {
					if !contains(obj.keys, k) {
						obj.keys = append(obj.keys, k)
						obj.vals = append(obj.vals, v.vals[i])
					}
				}
			}
		}
		if own, ok := objectSkeleton(s, depth, seen); ok {
			for i, k := range own.keys {
				if !contains(obj.keys, k) {
					obj.keys = append(obj.keys, k)
					obj.vals = append(obj.vals, own.vals[i])
				}
			}
		}
		return obj
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, sub := range alts {
			if sub != nil && sub.Value != nil {
				return skeleton(sub.Value, depth+1, seen)
			}
		}
	}
	t := ""
	if s.Type != nil {
		for _, x := range s.Type.Slice() {
			if x != "null" {
				t = x
				break
			}
		}
	}
	if t == "" && len(s.Properties) > 0 {
		t = "object"
	}
	switch t {
	case "object":
		obj, _ := objectSkeleton(s, depth, seen)
		return obj
	case "array":
		if s.MinItems > 0 && s.Items != nil {
			return []any{skeleton(s.Items.Value, depth+1, seen)}
		}
		return []any{}
	case "string":
		return ""
	case "integer", "number":
		return 0
	case "boolean":
		return false
	}
	return nil
}

func objectSkeleton(s *openapi3.Schema, depth int, seen map[*openapi3.Schema]bool) (ordered, bool) {
	obj := ordered{keys: []string{}}
	for _, n := range s.Required {
		p := s.Properties[n]
		if p == nil || contains(obj.keys, n) {
			continue
		}
		obj.keys = append(obj.keys, n)
		obj.vals = append(obj.vals, skeleton(p.Value, depth+1, seen))
	}
	return obj, len(s.Properties) > 0 || len(s.Required) > 0
}

// responseExample keeps a documented response's example.
func responseExample(r *openapi3.Response, code string) (collections.Example, bool) {
	status := 0
	fmt.Sscanf(code, "%d", &status)
	for _, mt := range []string{"application/json", "application/vnd.api+json"} {
		media := r.Content[mt]
		if media == nil {
			continue
		}
		var v any
		if media.Example != nil {
			v = media.Example
		} else if exs := sortedExamples(media.Examples); len(exs) > 0 {
			v = exs[0]
		} else {
			continue
		}
		name := code
		if r.Description != nil && *r.Description != "" {
			name = code + " " + *r.Description
		}
		return collections.Example{Name: name, Status: status, Headers: []collections.Param{{Key: "Content-Type", Value: mt}}, Body: marshalIndent(v)}, true
	}
	return collections.Example{}, false
}

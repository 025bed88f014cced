package postman

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

// Export writes c as a Postman v2.1 collection. Secret variables are
// written without values. Headers set on folders or the collection, and
// the Content-Type a body kind implies, are copied into each request
// (marked, so import drops them again) because Postman has no such levels
// and newman must send what mistbench sends. What Postman cannot express
// (captures, checks, Mist login, timeouts) rides in "_mistbench" fields
// Postman ignores.
func Export(c *collections.Collection) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("postman export: no collection")
	}
	ex := &exporter{c: c}
	pc := pmCollection{
		Info: pmInfo{PostmanID: c.ID, Name: c.Name, Schema: Schema21},
		Item: []*pmItem{},
	}
	if c.Description != "" {
		pc.Info.Description = jsonString(c.Description)
	}
	pc.Variable = exportVariables(c.Variables)
	pc.Auth, pc.Ext = exportAuth(c.Auth, pc.Ext)
	if len(c.Headers) > 0 {
		pc.Ext = ext(pc.Ext)
		pc.Ext.Headers = exportKVs(c.Headers)
	}
	if c.Settings.InsecureSkipVerify {
		f := false
		pc.Behavior = &pmBehavior{StrictSSL: &f}
		pc.Ext = ext(pc.Ext)
		pc.Ext.Insecure = true
	}
	for _, e := range c.Environments {
		pc.Ext = ext(pc.Ext)
		pc.Ext.Environments = append(pc.Ext.Environments, extEnv{Name: e.Name, Description: e.Description, Variables: exportVariables(e.Variables)})
	}
	pc.Item = ex.items(c.Items, nil)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	if err := enc.Encode(pc); err != nil {
		return nil, fmt.Errorf("postman export: %w", err)
	}
	return buf.Bytes(), nil
}

type exporter struct {
	c *collections.Collection
}

func ext(x *extension) *extension {
	if x == nil {
		return &extension{}
	}
	return x
}

func exportVariables(vs []collections.Variable) []pmVariable {
	var out []pmVariable
	for _, v := range vs {
		pv := pmVariable{Key: v.Key, Value: jsonString(v.Value), Type: "string", Env: v.Env}
		if v.Secret {
			pv.Type = "secret"
			pv.Value = jsonString("")
		}
		if v.Description != "" {
			pv.Description = jsonString(v.Description)
		}
		out = append(out, pv)
	}
	return out
}

func kv(key, value string) pmKV { return pmKV{Key: key, Value: jsonString(value), Type: "string"} }

func authList(kvs ...pmKV) json.RawMessage {
	b, _ := json.Marshal(kvs)
	return b
}

// exportAuth converts an auth; nil is inherit.
func exportAuth(a collections.Auth, x *extension) (*pmAuth, *extension) {
	switch a.Type {
	case collections.AuthInherit:
		return nil, x
	case collections.AuthNone:
		return &pmAuth{Type: "noauth"}, x
	case collections.AuthMistToken:
		return &pmAuth{Type: "apikey", APIKey: authList(kv("key", "Authorization"), kv("value", "Token "+a.Token), kv("in", "header"))}, x
	case collections.AuthBearer:
		return &pmAuth{Type: "bearer", Bearer: authList(kv("token", a.Token))}, x
	case collections.AuthBasic:
		return &pmAuth{Type: "basic", Basic: authList(kv("username", a.Username), kv("password", a.Password))}, x
	case collections.AuthAPIKey:
		in := a.In
		if in == "" {
			in = "header"
		}
		return &pmAuth{Type: "apikey", APIKey: authList(kv("key", a.Key), kv("value", a.Value), kv("in", in))}, x
	case collections.AuthMistLogin:
		x = ext(x)
		x.Auth = &extAuth{Type: string(a.Type), Email: a.Email, Password: a.Password, TwoFactor: a.TwoFactor}
		return &pmAuth{Type: "noauth"}, x
	}
	return nil, x
}

func exportKVs(ps []collections.Param) []pmKV {
	out := make([]pmKV, 0, len(ps))
	for _, p := range ps {
		k := pmKV{Key: p.Key, Value: jsonString(p.Value), Disabled: p.Disabled, Type: "text"}
		if p.Description != "" {
			k.Description = jsonString(p.Description)
		}
		out = append(out, k)
	}
	return out
}

func (ex *exporter) items(items []collections.Item, path []*collections.Folder) []*pmItem {
	out := []*pmItem{}
	for _, it := range items {
		switch it := it.(type) {
		case *collections.Folder:
			pi := &pmItem{Name: it.Name}
			if it.Description != "" {
				pi.Description = jsonString(it.Description)
			}
			pi.Variable = exportVariables(it.Variables)
			if ev, ok := folderVariablesScript(it.Variables); ok {
				pi.Event = append(pi.Event, ev)
			}
			pi.Auth, pi.Ext = exportAuth(it.Auth, nil)
			if len(it.Headers) > 0 {
				pi.Ext = ext(pi.Ext)
				pi.Ext.Headers = exportKVs(it.Headers)
			}
			sub := ex.items(it.Items, append(path[:len(path):len(path)], it))
			pi.Item = &sub
			out = append(out, pi)
		case *collections.Request:
			out = append(out, ex.request(it, path))
		}
	}
	return out
}

func (ex *exporter) request(r *collections.Request, path []*collections.Folder) *pmItem {
	pi := &pmItem{Name: r.Name}
	pr := pmRequest{Method: strings.ToUpper(strings.TrimSpace(r.Method))}
	if pr.Method == "" {
		pr.Method = "GET"
	}
	if r.Description != "" {
		pr.Description = jsonString(r.Description)
	}
	pr.URL = exportURL(r)
	pr.Header = ex.headers(r, path)
	pr.Auth, pi.Ext = exportAuth(r.Auth, nil)
	pr.Body = exportBody(r.Body)
	b, _ := marshalNoEscape(pr)
	pi.Request = b

	if s := r.Settings; s.FollowRedirects != nil || s.MaxRedirects > 0 {
		pi.Behavior = &pmBehavior{FollowRedirects: s.FollowRedirects, MaxRedirects: s.MaxRedirects}
	}
	if s := r.Settings; s.Timeout > 0 || s.AllPages || len(r.Captures) > 0 || len(r.Expect.Status) > 0 || len(r.Expect.JQ) > 0 {
		pi.Ext = ext(pi.Ext)
		if s.Timeout > 0 {
			pi.Ext.Timeout = s.Timeout.String()
		}
		pi.Ext.AllPages = s.AllPages
		for _, c := range r.Captures {
			pi.Ext.Captures = append(pi.Ext.Captures, extCapture{Var: c.Var, JQ: c.JQ, Header: c.Header})
		}
		pi.Ext.ExpectStatus = r.Expect.Status
		pi.Ext.ExpectJQ = r.Expect.JQ
	}
	for _, s := range r.Scripts {
		exec, _ := json.Marshal(strings.Split(s.Exec, "\n"))
		pi.Event = append(pi.Event, pmEvent{Listen: s.Listen, Script: pmScript{Type: "text/javascript", Exec: exec}})
	}
	pi.Response = []pmResponse{}
	for _, e := range r.Examples {
		resp := pmResponse{Name: e.Name, Code: e.Status, Status: statusText(e.Status)}
		hs, _ := json.Marshal(exportKVs(e.Headers))
		resp.Header = hs
		body := e.Body
		resp.Body = &body
		pi.Response = append(pi.Response, resp)
	}
	return pi
}

func marshalNoEscape(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// headers writes the request's own headers, then the inherited ones it
// does not override and the body's implied Content-Type, marked generated.
func (ex *exporter) headers(r *collections.Request, path []*collections.Folder) json.RawMessage {
	own := exportKVs(r.Headers)
	has := func(name string) bool {
		for _, h := range own {
			if strings.EqualFold(h.Key, name) && !h.Disabled {
				return true
			}
		}
		return false
	}
	levels := [][]collections.Param{ex.c.Headers}
	for _, f := range path {
		levels = append(levels, f.Headers)
	}
	var inherited []pmKV
	for i := len(levels) - 1; i >= 0; i-- {
		for _, p := range levels[i] {
			if p.Disabled || has(p.Key) {
				continue
			}
			dup := false
			for _, h := range inherited {
				dup = dup || strings.EqualFold(h.Key, p.Key)
			}
			if dup {
				continue
			}
			k := pmKV{Key: p.Key, Value: jsonString(p.Value), Type: "text", Generated: true}
			inherited = append(inherited, k)
		}
	}
	// Deeper levels were visited first; keep the outer-first order.
	for i, j := 0, len(inherited)-1; i < j; i, j = i+1, j-1 {
		inherited[i], inherited[j] = inherited[j], inherited[i]
	}
	all := append(inherited, own...)
	if ct := collections.ImpliedContentType(r.Body); ct != "" {
		present := false
		for _, h := range all {
			present = present || strings.EqualFold(h.Key, "Content-Type") && !h.Disabled
		}
		if !present {
			all = append(all, pmKV{Key: "Content-Type", Value: jsonString(ct), Type: "text", Generated: true})
		}
	}
	b, _ := marshalNoEscape(all)
	return b
}

// exportURL writes the URL object newman reads: protocol, host and path
// split as Postman's own parser does, the query table (encoded as our
// sender encodes it), and the path variables.
func exportURL(r *collections.Request) json.RawMessage {
	u := pmURL{}
	base := r.URL
	rest := base
	if i := strings.Index(rest, "://"); i >= 0 && !strings.Contains(rest[:i], "/") {
		u.Protocol = rest[:i]
		rest = rest[i+3:]
	}
	hostPart, pathPart, hasPath := strings.Cut(rest, "/")
	// A query written in the URL is sent as written: keep it raw.
	var writtenQuery string
	if q := strings.IndexByte(hostPart, '?'); q >= 0 {
		hostPart, writtenQuery = hostPart[:q], hostPart[q+1:]
	}
	if hasPath {
		if q := strings.IndexByte(pathPart, '?'); q >= 0 {
			pathPart, writtenQuery = pathPart[:q], pathPart[q+1:]
		}
	}
	if h, port, ok := strings.Cut(hostPart, ":"); ok && !strings.Contains(hostPart, "{{") {
		hostPart, u.Port = h, port
	}
	if hostPart != "" {
		hb, _ := json.Marshal(strings.Split(hostPart, "."))
		u.Host = hb
	}
	if hasPath {
		pb, _ := json.Marshal(strings.Split(pathPart, "/"))
		u.Path = pb
	}
	var qs []string
	if writtenQuery != "" {
		for _, pair := range strings.Split(writtenQuery, "&") {
			k, v, _ := strings.Cut(pair, "=")
			// Written as is, marked so import keeps it in the URL.
			u.Query = append(u.Query, pmKV{Key: k, Value: jsonString(v), Generated: true})
			qs = append(qs, pair)
		}
	}
	for _, p := range r.Query {
		k := pmKV{Key: collections.EscapeQueryKeepVars(p.Key), Value: jsonString(collections.EscapeQueryKeepVars(p.Value)), Disabled: p.Disabled}
		if p.Description != "" {
			k.Description = jsonString(p.Description)
		}
		u.Query = append(u.Query, k)
		if !p.Disabled {
			qs = append(qs, k.Key+"="+collections.EscapeQueryKeepVars(p.Value))
		}
	}
	for _, p := range r.PathVars {
		k := pmKV{Key: p.Key, Value: jsonString(p.Value), Disabled: p.Disabled}
		if p.Description != "" {
			k.Description = jsonString(p.Description)
		}
		u.Variable = append(u.Variable, k)
	}
	u.Raw = strings.SplitN(base, "?", 2)[0]
	if len(qs) > 0 {
		u.Raw += "?" + strings.Join(qs, "&")
	}
	b, _ := marshalNoEscape(u)
	return b
}

func exportBody(b collections.Body) *pmBody {
	lang := func(l string) *pmBodyOptions {
		o := &pmBodyOptions{}
		o.Raw = &struct {
			Language string `json:"language,omitempty"`
		}{Language: l}
		return o
	}
	switch b.Kind {
	case collections.BodyJSON:
		t := b.Text
		return &pmBody{Mode: "raw", Raw: &t, Options: lang("json")}
	case collections.BodyRaw:
		t := b.Text
		l := b.Language
		if l == "" {
			l = "text"
		}
		return &pmBody{Mode: "raw", Raw: &t, Options: lang(l)}
	case collections.BodyForm:
		return &pmBody{Mode: "urlencoded", URLEncoded: exportKVs(b.Form)}
	case collections.BodyMultipart:
		parts := []pmFormPart{}
		for _, p := range b.Parts {
			fp := pmFormPart{Key: p.Name, ContentType: p.ContentType, Disabled: p.Disabled}
			if p.Description != "" {
				fp.Description = jsonString(p.Description)
			}
			if p.File != "" {
				fp.Type = "file"
				fp.Src = jsonString(p.File)
			} else {
				fp.Type = "text"
				fp.Value = jsonString(p.Value)
			}
			parts = append(parts, fp)
		}
		return &pmBody{Mode: "formdata", FormData: parts}
	case collections.BodyFile:
		return &pmBody{Mode: "file", File: &pmFile{Src: jsonString(b.File)}}
	}
	return nil
}

// generatedMarker starts the scripts export writes for newman's sake;
// import drops them.
const generatedMarker = "// mistbench: generated"

// folderVariablesScript makes newman see a folder's variables, which it
// does not resolve itself: a pre-request script sets each one unless the
// environment (or --env-var) has it, the precedence mistbench gives them.
func folderVariablesScript(vs []collections.Variable) (pmEvent, bool) {
	lines := []string{generatedMarker + ": folder variables for Postman and newman (import drops this script)"}
	for _, v := range vs {
		if v.Secret {
			continue // no value to set; it comes from the environment
		}
		k, _ := json.Marshal(v.Key)
		val, _ := json.Marshal(v.Value)
		lines = append(lines, fmt.Sprintf("if (!pm.environment.has(%s)) { pm.variables.set(%s, %s); }", k, k, val))
	}
	if len(lines) == 1 {
		return pmEvent{}, false
	}
	exec, _ := json.Marshal(lines)
	return pmEvent{Listen: "prerequest", Script: pmScript{Type: "text/javascript", Exec: exec}}, true
}

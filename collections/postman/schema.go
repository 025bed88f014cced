package postman

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// The Postman collection format, v2.0 and v2.1. Fields that take several
// shapes (a string or an object, an array or a map) are json.RawMessage
// and read by the helpers below.

// Schema21 is the schema URL of the v2.1 format, written on export.
const Schema21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

type pmCollection struct {
	Info     pmInfo       `json:"info"`
	Item     []*pmItem    `json:"item"`
	Event    []pmEvent    `json:"event,omitempty"`
	Variable []pmVariable `json:"variable,omitempty"`
	Auth     *pmAuth      `json:"auth,omitempty"`
	Behavior *pmBehavior  `json:"protocolProfileBehavior,omitempty"`
	Ext      *extension   `json:"_mistbench,omitempty"`
}

type pmInfo struct {
	PostmanID   string          `json:"_postman_id,omitempty"`
	Name        string          `json:"name"`
	Description json.RawMessage `json:"description,omitempty"`
	Schema      string          `json:"schema"`
}

// pmItem is a request (Request set) or a folder (Item set, even empty).
type pmItem struct {
	Name        string          `json:"name"`
	Description json.RawMessage `json:"description,omitempty"`
	Variable    []pmVariable    `json:"variable,omitempty"`
	Item        *[]*pmItem      `json:"item,omitempty"`
	Request     json.RawMessage `json:"request,omitempty"`
	Response    []pmResponse    `json:"response,omitempty"`
	Event       []pmEvent       `json:"event,omitempty"`
	Auth        *pmAuth         `json:"auth,omitempty"`
	Behavior    *pmBehavior     `json:"protocolProfileBehavior,omitempty"`
	Ext         *extension      `json:"_mistbench,omitempty"`
	// fast is the request decoded by decodeFast (Request is then empty).
	fast *fastRequest
}

// isFolder: an item with "item" (even empty), or without a request.
func (it *pmItem) isFolder() bool { return it.Item != nil || len(it.Request) == 0 && it.fast == nil }

type pmRequest struct {
	URL         json.RawMessage `json:"url,omitempty"`
	Auth        *pmAuth         `json:"auth,omitempty"`
	Method      string          `json:"method,omitempty"`
	Description json.RawMessage `json:"description,omitempty"`
	Header      json.RawMessage `json:"header,omitempty"`
	Body        *pmBody         `json:"body,omitempty"`
}

type pmURL struct {
	Raw      string          `json:"raw,omitempty"`
	Protocol string          `json:"protocol,omitempty"`
	Host     json.RawMessage `json:"host,omitempty"`
	Port     string          `json:"port,omitempty"`
	Path     json.RawMessage `json:"path,omitempty"`
	Query    []pmKV          `json:"query,omitempty"`
	Hash     string          `json:"hash,omitempty"`
	Variable []pmKV          `json:"variable,omitempty"`
}

// pmKV is a header, query parameter, path variable or form field.
type pmKV struct {
	Key         string          `json:"key"`
	Value       json.RawMessage `json:"value,omitempty"`
	Disabled    bool            `json:"disabled,omitempty"`
	Description json.RawMessage `json:"description,omitempty"`
	Type        string          `json:"type,omitempty"`
	// Generated marks a header mistbench wrote into the request so Postman
	// sends what mistbench sends (inherited headers, the body's implied
	// Content-Type); import drops it.
	Generated bool `json:"_mistbenchGenerated,omitempty"`
}

type pmVariable struct {
	Key         string          `json:"key"`
	Value       json.RawMessage `json:"value,omitempty"`
	Type        string          `json:"type,omitempty"`
	Disabled    bool            `json:"disabled,omitempty"`
	Description json.RawMessage `json:"description,omitempty"`
	Env         string          `json:"_mistbenchEnv,omitempty"`
}

type pmBody struct {
	Mode       string          `json:"mode"`
	Raw        *string         `json:"raw,omitempty"`
	URLEncoded []pmKV          `json:"urlencoded,omitempty"`
	FormData   []pmFormPart    `json:"formdata,omitempty"`
	File       *pmFile         `json:"file,omitempty"`
	GraphQL    json.RawMessage `json:"graphql,omitempty"`
	Options    *pmBodyOptions  `json:"options,omitempty"`
	Disabled   bool            `json:"disabled,omitempty"`
}

type pmBodyOptions struct {
	Raw *struct {
		Language string `json:"language,omitempty"`
	} `json:"raw,omitempty"`
}

type pmFormPart struct {
	Key         string          `json:"key"`
	Value       json.RawMessage `json:"value,omitempty"`
	Src         json.RawMessage `json:"src,omitempty"`
	Type        string          `json:"type,omitempty"`
	ContentType string          `json:"contentType,omitempty"`
	Disabled    bool            `json:"disabled,omitempty"`
	Description json.RawMessage `json:"description,omitempty"`
}

type pmFile struct {
	Src     json.RawMessage `json:"src,omitempty"`
	Content string          `json:"content,omitempty"`
}

type pmResponse struct {
	Name            string          `json:"name"`
	OriginalRequest json.RawMessage `json:"originalRequest,omitempty"`
	Status          string          `json:"status,omitempty"`
	Code            int             `json:"code,omitempty"`
	Header          json.RawMessage `json:"header,omitempty"`
	Body            *string         `json:"body,omitempty"`
	PreviewLanguage string          `json:"_postman_previewlanguage,omitempty"`
}

type pmEvent struct {
	Listen string   `json:"listen"`
	Script pmScript `json:"script"`
}

type pmScript struct {
	Type string          `json:"type,omitempty"`
	Exec json.RawMessage `json:"exec,omitempty"`
}

// pmAuth holds the type and the parameters of each type: an array of
// {key, value} in v2.1, an object in v2.0.
type pmAuth struct {
	Type   string          `json:"type"`
	APIKey json.RawMessage `json:"apikey,omitempty"`
	Bearer json.RawMessage `json:"bearer,omitempty"`
	Basic  json.RawMessage `json:"basic,omitempty"`
	Others map[string]json.RawMessage
}

func (a *pmAuth) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if t, ok := m["type"]; ok {
		if err := json.Unmarshal(t, &a.Type); err != nil {
			return err
		}
	}
	a.APIKey, a.Bearer, a.Basic = m["apikey"], m["bearer"], m["basic"]
	return nil
}

func (a pmAuth) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"type":`)
	t, _ := json.Marshal(a.Type)
	b.Write(t)
	for _, f := range []struct {
		name string
		v    json.RawMessage
	}{{"apikey", a.APIKey}, {"bearer", a.Bearer}, {"basic", a.Basic}} {
		if len(f.v) > 0 {
			b.WriteString(`,"` + f.name + `":`)
			b.Write(f.v)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// params reads auth parameters in either shape into a map.
func authParams(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var list []pmKV
	if json.Unmarshal(raw, &list) == nil {
		for _, kv := range list {
			out[kv.Key] = scalar(kv.Value)
		}
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		for k, v := range obj {
			out[k] = scalar(v)
		}
	}
	return out
}

type pmBehavior struct {
	FollowRedirects *bool `json:"followRedirects,omitempty"`
	MaxRedirects    int   `json:"maxRedirects,omitempty"`
	StrictSSL       *bool `json:"strictSSL,omitempty"`
	// Others are kept out of the struct and reported.
	others []string
}

func (p *pmBehavior) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		switch k {
		case "followRedirects":
			var x bool
			if json.Unmarshal(v, &x) == nil {
				p.FollowRedirects = &x
			}
		case "maxRedirects":
			n, _ := strconv.Atoi(scalar(v))
			p.MaxRedirects = n
		case "strictSSL":
			var x bool
			if json.Unmarshal(v, &x) == nil {
				p.StrictSSL = &x
			}
		default:
			p.others = append(p.others, k)
		}
	}
	return nil
}

// extension carries what mistbench can express and Postman cannot, so an
// export imports back to the same collection. Postman ignores it.
type extension struct {
	Timeout      string       `json:"timeout,omitempty"`
	AllPages     bool         `json:"allPages,omitempty"`
	Captures     []extCapture `json:"captures,omitempty"`
	ExpectStatus []int        `json:"expectStatus,omitempty"`
	ExpectJQ     []string     `json:"expectJQ,omitempty"`
	Auth         *extAuth     `json:"auth,omitempty"`
	Headers      []pmKV       `json:"headers,omitempty"`
	Environments []extEnv     `json:"environments,omitempty"`
	Insecure     bool         `json:"insecure,omitempty"`
	Scripts      []pmEvent    `json:"scripts,omitempty"` // folder/collection scripts, inert
}

type extCapture struct {
	Var    string `json:"var"`
	JQ     string `json:"jq,omitempty"`
	Header string `json:"header,omitempty"`
}

type extAuth struct {
	Type      string `json:"type"`
	Email     string `json:"email,omitempty"`
	Password  string `json:"password,omitempty"`
	TwoFactor string `json:"twoFactor,omitempty"`
}

type extEnv struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Variables   []pmVariable `json:"values"`
}

// isString reports whether raw is a JSON string: checked before trying
// to decode one, as failed decodes are what large imports spend time on.
func isString(raw json.RawMessage) bool {
	t := bytes.TrimLeft(raw, " \t\r\n")
	return len(t) > 0 && t[0] == '"'
}

// plainString decodes a JSON string quickly when it has no escapes.
func plainString(raw json.RawMessage) (string, bool) {
	t := bytes.TrimSpace(raw)
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' && bytes.IndexByte(t[1:len(t)-1], '\\') < 0 && bytes.IndexByte(t[1:len(t)-1], '"') < 0 {
		return string(t[1 : len(t)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return "", false
}

// scalar reads a JSON string, number, boolean or null as text.
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if isString(raw) {
		s, _ := plainString(raw)
		return s
	}
	t := strings.TrimSpace(string(raw))
	if t == "null" {
		return ""
	}
	return t
}

// description reads a description: a string or {content, type}.
func description(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if isString(raw) {
		s, _ := plainString(raw)
		return s
	}
	var d struct {
		Content string `json:"content"`
	}
	if json.Unmarshal(raw, &d) == nil {
		return d.Content
	}
	return ""
}

// stringList reads a string or a list of strings (or of {value}).
func stringList(raw json.RawMessage, sep string) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if isString(raw) {
		s, _ = plainString(raw)
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return ""
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		var v struct {
			Value string `json:"value"`
		}
		if json.Unmarshal(e, &s) == nil {
			parts = append(parts, s)
		} else if json.Unmarshal(e, &v) == nil {
			parts = append(parts, v.Value)
		}
	}
	return strings.Join(parts, sep)
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

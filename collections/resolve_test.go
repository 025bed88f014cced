package collections

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func fixedScope() Scope {
	return Scope{
		Now:    func() time.Time { return time.Date(2026, 12, 4, 10, 11, 12, 345e6, time.UTC) },
		Rand:   func(n int) int { return n - 1 },
		Getenv: func(string) string { return "" },
	}
}

func TestResolvePrecedence(t *testing.T) {
	c := &Collection{
		Variables: []Variable{{Key: "a", Value: "collection"}, {Key: "b", Value: "collection"}, {Key: "c", Value: "collection"}, {Key: "d", Value: "collection"}},
	}
	folder := &Folder{Name: "F", Variables: []Variable{{Key: "a", Value: "folder"}, {Key: "b", Value: "folder"}, {Key: "c", Value: "folder"}}}
	env := &Environment{Name: "E", Variables: []Variable{{Key: "a", Value: "env"}, {Key: "b", Value: "env"}}}
	req := &Request{Method: "GET", URL: "http://h/{{a}}/{{b}}/{{c}}/{{d}}/{{$timestamp}}"}
	sc := fixedScope()
	sc.Env = env
	sc.Overrides = map[string]string{"a": "override"}
	r, err := c.Resolve(req, []*Folder{folder}, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := "http://h/override/env/folder/collection/" + "1796379072"
	if r.URL != want {
		t.Errorf("URL = %q, want %q", r.URL, want)
	}
}

func TestResolveDynamicVariables(t *testing.T) {
	c := &Collection{}
	req := &Request{URL: "http://h/", Headers: []Param{
		{Key: "guid", Value: "{{$guid}}"}, {Key: "ts", Value: "{{$timestamp}}"},
		{Key: "iso", Value: "{{$isoTimestamp}}"}, {Key: "int", Value: "{{$randomInt}}"},
	}}
	r, err := c.Resolve(req, nil, fixedScope())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range r.Headers {
		got[h.Name] = h.Value
	}
	if got["guid"] != "ffffffff-ffff-4fff-bfff-ffffffffffff" {
		t.Errorf("guid %q", got["guid"])
	}
	if got["ts"] != "1796379072" || got["iso"] != "2026-12-04T10:11:12.345Z" || got["int"] != "1000" {
		t.Errorf("dynamic values %v", got)
	}
	// Real randomness gives a well-formed, fresh guid.
	r1, _ := c.Resolve(req, nil, Scope{})
	r2, _ := c.Resolve(req, nil, Scope{})
	g1, _ := r1.HeaderValue("guid")
	g2, _ := r2.HeaderValue("guid")
	if len(g1) != 36 || g1 == g2 {
		t.Errorf("guids %q %q", g1, g2)
	}
}

func TestResolveUnresolvedAndStrict(t *testing.T) {
	c := &Collection{}
	req := &Request{URL: "https://{{host}}/api/v1/sites/:site_id/x/:other", PathVars: []Param{{Key: "site_id", Value: "{{site}}"}}}
	r, err := c.Resolve(req, nil, fixedScope())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{":other", "host", "site"}; !reflect.DeepEqual(r.Unresolved, want) {
		t.Errorf("Unresolved = %v, want %v", r.Unresolved, want)
	}
	if !strings.HasPrefix(r.URL, "https://{{host}}/api/v1/sites/%7B%7Bsite%7D%7D/x/:other") {
		t.Errorf("unresolved not sent as written: %q", r.URL)
	}
	sc := fixedScope()
	sc.Strict = true
	_, err = c.Resolve(req, nil, sc)
	var ue *UnresolvedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "host") {
		t.Errorf("strict: err = %v", err)
	}
}

func TestResolveEmptyPathVariableIsReported(t *testing.T) {
	c := &Collection{Variables: []Variable{{Key: "site_id"}}}
	req := &Request{URL: "http://h/sites/:site_id/wlans", PathVars: []Param{{Key: "site_id", Value: "{{site_id}}"}}}
	r, err := c.Resolve(req, nil, fixedScope())
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://h/sites//wlans" || !reflect.DeepEqual(r.Unresolved, []string{":site_id"}) {
		t.Errorf("URL %q unresolved %v", r.URL, r.Unresolved)
	}
}

func TestResolvePathValuesStayOneSegment(t *testing.T) {
	c := &Collection{}
	for _, tc := range []struct{ value, want string }{
		{"a/b", "a%2Fb"},
		{"..", "%2E%2E"},
		{".", "%2E"},
		{"../../admin", "..%2F..%2Fadmin"},
		{"a b", "a%20b"},
		{"héllo ✓", "h%C3%A9llo%20%E2%9C%93"},
		{"x?y#z", "x%3Fy%23z"},
		{"100%", "100%25"},
	} {
		req := &Request{URL: "http://h/sites/:id/wlans", PathVars: []Param{{Key: "id", Value: tc.value}}}
		r, err := c.Resolve(req, nil, fixedScope())
		if err != nil {
			t.Fatal(err)
		}
		if want := "http://h/sites/" + tc.want + "/wlans"; r.URL != want {
			t.Errorf("%q: URL %q, want %q", tc.value, r.URL, want)
		}
		u, err := url.Parse(r.URL)
		if err != nil {
			t.Fatal(err)
		}
		segs := strings.Split(u.EscapedPath(), "/")
		if len(segs) != 4 {
			t.Errorf("%q: path has %d segments: %q", tc.value, len(segs), u.EscapedPath())
		}
		dec, _ := url.PathUnescape(segs[2])
		if dec != tc.value {
			t.Errorf("%q: server decodes %q", tc.value, dec)
		}
	}
}

func TestResolveQueryLiteral(t *testing.T) {
	c := &Collection{Variables: []Variable{{Key: "v", Value: "a+b&c=d"}}}
	req := &Request{URL: "http://h/p", Query: []Param{
		{Key: "q", Value: "1+1=2 & #50%"}, {Key: "dup", Value: "1"}, {Key: "dup", Value: "2"},
		{Key: "off", Value: "x", Disabled: true}, {Key: "var", Value: "{{v}}"}, {Key: "k&=", Value: ""},
	}}
	r, err := c.Resolve(req, nil, fixedScope())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(r.URL)
	q := u.Query()
	if q.Get("q") != "1+1=2 & #50%" || !reflect.DeepEqual(q["dup"], []string{"1", "2"}) || q.Has("off") || q.Get("var") != "a+b&c=d" || !q.Has("k&=") {
		t.Errorf("server decodes %v from %q", q, r.URL)
	}
}

func TestResolveHeadersAuthBody(t *testing.T) {
	c := &Collection{
		Headers: []Param{{Key: "X-Coll", Value: "c"}, {Key: "X-Over", Value: "coll"}},
		Auth:    Auth{Type: AuthMistToken, Token: "{{tok}}"},
		Variables: []Variable{
			{Key: "tok", Value: "T"}, {Key: "pw", Secret: true, Env: "PW_ENV"},
		},
	}
	f := &Folder{Headers: []Param{{Key: "x-over", Value: "folder"}}}
	req := &Request{Method: "post", URL: "http://h/", Headers: []Param{{Key: "X-Dup", Value: "1"}, {Key: "X-Dup", Value: "2"}, {Key: "X-Empty"}},
		Body: Body{Kind: BodyJSON, Text: `{"n": 1.0000000000000001}`}}
	sc := fixedScope()
	sc.Getenv = func(k string) string {
		if k == "PW_ENV" {
			return "hunter2"
		}
		return ""
	}
	r, err := c.Resolve(req, []*Folder{f}, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := []Header{{"X-Coll", "c"}, {"x-over", "folder"}, {"X-Dup", "1"}, {"X-Dup", "2"}, {"X-Empty", ""}, {"Authorization", "Token T"}, {"Content-Type", "application/json"}}
	if !reflect.DeepEqual(r.Headers, want) {
		t.Errorf("headers\n got %v\nwant %v", r.Headers, want)
	}
	if string(r.Body.Bytes) != `{"n": 1.0000000000000001}` || r.Method != "post" {
		t.Errorf("body %q method %q", r.Body.Bytes, r.Method)
	}
	// Each auth type becomes its header.
	for _, tc := range []struct {
		auth       Auth
		name, want string
	}{
		{Auth{Type: AuthBearer, Token: "{{tok}}"}, "Authorization", "Bearer T"},
		{Auth{Type: AuthBasic, Username: "me", Password: "{{pw}}"}, "Authorization", "Basic bWU6aHVudGVyMg=="},
		{Auth{Type: AuthAPIKey, Key: "X-API-Key", Value: "{{tok}}"}, "X-API-Key", "T"},
	} {
		req := &Request{URL: "http://h/", Auth: tc.auth}
		r, _ := c.Resolve(req, nil, sc)
		if v, _ := r.HeaderValue(tc.name); v != tc.want {
			t.Errorf("%s: %s = %q, want %q", tc.auth.Type, tc.name, v, tc.want)
		}
	}
	// An API key in the query; none overrides the collection's auth.
	r, _ = c.Resolve(&Request{URL: "http://h/p", Auth: Auth{Type: AuthAPIKey, Key: "key", Value: "a b", In: "query"}}, nil, sc)
	if r.URL != "http://h/p?key=a%20b" {
		t.Errorf("apikey query URL %q", r.URL)
	}
	r, _ = c.Resolve(&Request{URL: "http://h/p", Auth: Auth{Type: AuthNone}}, nil, sc)
	if _, ok := r.HeaderValue("Authorization"); ok {
		t.Error("auth none still sends Authorization")
	}
	r, _ = c.Resolve(&Request{URL: "http://h/p", Auth: Auth{Type: AuthMistLogin, Email: "e", Password: "{{pw}}"}}, nil, sc)
	if r.Login == nil || r.Login.Password != "hunter2" {
		t.Errorf("login %+v", r.Login)
	}
}

func TestResolveSecretsPlaceholder(t *testing.T) {
	c := &Collection{Auth: Auth{Type: AuthMistToken, Token: "{{apitoken}}"}}
	env := &Environment{Name: "E", Variables: []Variable{{Key: "apitoken", Secret: true}}}
	sc := fixedScope()
	sc.Env = env
	sc.Mode = SecretsPlaceholder
	r, err := c.Resolve(&Request{URL: "http://h/p", Query: []Param{{Key: "k", Value: "x {{apitoken}}"}}}, nil, sc)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := r.HeaderValue("Authorization")
	segs := SplitPlaceholders(v)
	if !reflect.DeepEqual(segs, []Segment{{Text: "Token "}, {Secret: "apitoken"}}) {
		t.Errorf("segments %#v", segs)
	}
	if !reflect.DeepEqual(r.Secrets, []string{"apitoken"}) || len(r.SecretValues) != 0 {
		t.Errorf("secrets %v values %v", r.Secrets, r.SecretValues)
	}
	if !strings.Contains(r.URL, "k=x%20"+SecretPlaceholder("apitoken")) {
		t.Errorf("placeholder not kept through encoding: %q", r.URL)
	}
}

func TestResolveFormAndMultipart(t *testing.T) {
	c := &Collection{Dir: "/coll"}
	r, err := c.Resolve(&Request{URL: "http://h/", Body: Body{Kind: BodyForm, Form: []Param{{Key: "a b", Value: "x+y&z\nw"}, {Key: "off", Disabled: true}}}}, nil, fixedScope())
	if err != nil {
		t.Fatal(err)
	}
	vals, _ := url.ParseQuery(string(r.Body.Bytes))
	if vals.Get("a b") != "x+y&z\nw" || vals.Has("off") {
		t.Errorf("form %q", r.Body.Bytes)
	}
	r, _ = c.Resolve(&Request{URL: "http://h/", Body: Body{Kind: BodyMultipart, Parts: []Part{{Name: "f", File: "files/a b.png"}, {Name: "t", Value: "v"}}}}, nil, fixedScope())
	if _, ok := r.HeaderValue("Content-Type"); ok {
		t.Error("multipart got a Content-Type without a boundary")
	}
	if r.Body.Parts[0].File != "/coll/files/a b.png" || r.Body.Parts[0].FileName != "a b.png" {
		t.Errorf("part %+v", r.Body.Parts[0])
	}
}

func TestNestedVariablesBounded(t *testing.T) {
	c := &Collection{Variables: []Variable{{Key: "a", Value: "{{b}}"}, {Key: "b", Value: "{{a}}"}, {Key: "x", Value: "{{y}}!"}, {Key: "y", Value: "Y"}}}
	r, err := c.Resolve(&Request{URL: "http://h/{{a}}/{{x}}"}, nil, fixedScope())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(r.URL, "/Y!") {
		t.Errorf("URL %q", r.URL)
	}
}

package sandbox_test

// These tests drive the sandbox the way users do: through mistbench's own
// engine (internal/send), resolving the Mist starter collection.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/sandbox"
	"github.com/mistbench/mistbench/internal/send"
)

// secrets is an in-memory secret store.
type secrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *secrets) Secret(coll, env, key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[coll+"|"+env+"|"+key]
	return v, ok
}

func (s *secrets) SetSecret(coll, env, key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[coll+"|"+env+"|"+key] = value
	return nil
}

// bench is a started sandbox, the starter collection pointed at it, and an
// engine that trusts its certificate.
type bench struct {
	t   *testing.T
	rn  *sandbox.Running
	c   *collections.Collection
	env *collections.Environment
	sec *secrets
	eng *send.Engine
}

func newBench(t *testing.T, opts sandbox.Options, eopts send.Options) *bench {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	rn, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); rn.Wait() })
	c := collections.MistStarter()
	c.ID = "starter-test"
	env := &collections.Environment{Name: "Sandbox", Variables: []collections.Variable{
		{Key: "host", Value: rn.Host},
		{Key: "apitoken", Secret: true},
	}}
	c.Environments = append(c.Environments, env)
	sec := &secrets{m: map[string]string{}}
	sec.SetSecret(c.ID, "Sandbox", "apitoken", rn.Token())
	eopts.RootCAs = rn.Cert.Pool
	eng := send.New(eopts)
	t.Cleanup(eng.Close)
	return &bench{t: t, rn: rn, c: c, env: env, sec: sec, eng: eng}
}

// send sends the request at path like the workbench does: resolve, send,
// check, capture. It returns the status and the decoded body.
func (b *bench) send(path string, edit ...func(*collections.Request)) (*send.Response, any) {
	b.t.Helper()
	req, folders, err := b.c.Find(path)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, e := range edit {
		cp := *req
		e(&cp)
		req = &cp
	}
	res, err := b.c.Resolve(req, folders, collections.Scope{Env: b.env, Secrets: b.sec, Strict: true})
	if err != nil {
		b.t.Fatalf("%s: %v", path, err)
	}
	resp, err := b.eng.Do(context.Background(), res)
	if err != nil {
		b.t.Fatalf("%s: %v", path, err)
	}
	b.t.Cleanup(func() { resp.Close() })
	if resp.StatusCode == 200 {
		caps, err := send.ApplyCaptures(context.Background(), resp, req.Captures)
		if err != nil {
			b.t.Fatalf("%s: captures: %v", path, err)
		}
		if _, err := send.StoreCaptures(b.c, b.env, folders, caps, b.sec); err != nil {
			b.t.Fatal(err)
		}
	}
	var v any
	if len(resp.Head) > 0 {
		if err := json.Unmarshal(resp.Head, &v); err != nil {
			b.t.Fatalf("%s: %d %q is not JSON: %v", path, resp.StatusCode, resp.Head, err)
		}
	}
	return resp, v
}

func (b *bench) must(status int, path string, edit ...func(*collections.Request)) any {
	b.t.Helper()
	resp, v := b.send(path, edit...)
	if resp.StatusCode != status {
		b.t.Fatalf("%s: %s, want %d: %s", path, resp.Status(), status, resp.Head)
	}
	for _, cr := range send.CheckExpect(context.Background(), resp, expectOf(b, path)) {
		if status == 200 && !cr.Passed {
			b.t.Fatalf("%s: check %s failed: %s", path, cr.Check, cr.Detail)
		}
	}
	return v
}

func expectOf(b *bench, path string) collections.Expect {
	req, _, _ := b.c.Find(path)
	return req.Expect
}

func body(text string) func(*collections.Request) {
	return func(r *collections.Request) { r.Body = collections.Body{Kind: collections.BodyJSON, Text: text} }
}

func detail(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["detail"].(string)
	return s
}

func TestEngineSeedWalk(t *testing.T) {
	b := newBench(t, sandbox.Options{}, send.Options{})
	self := b.must(200, "Auth/Who am I").(map[string]any)
	if self["email"] != sandbox.SeedAdminEmail {
		t.Fatalf("self = %v", self)
	}
	if v := b.c.Variables[0]; v.Key != "org_id" || v.Value != sandbox.SeedOrgID {
		t.Fatalf("org_id captured as %+v", v)
	}
	sites := b.must(200, "Sites/List org sites").([]any)
	if len(sites) != 2 {
		t.Fatalf("sites = %v", sites)
	}
	wlans := b.must(200, "WLANs/List site WLANs").([]any)
	if len(wlans) != 3 {
		t.Fatalf("wlans = %v", wlans)
	}
	before := b.must(200, "WLANs/Get WLAN").(map[string]any)
	if before["id"] != sandbox.SeedWLANID || before["ssid"] != "Bluefin-Guest" {
		t.Fatalf("get = %v", before)
	}
	b.must(200, "WLANs/Rename SSID") // its check: .ssid == "NewName"
	after := b.must(200, "WLANs/Get WLAN").(map[string]any)
	if after["ssid"] != "NewName" {
		t.Fatalf("after rename: %v", after["ssid"])
	}
	for k, v := range before {
		if k != "ssid" && k != "modified_time" && fmt.Sprint(after[k]) != fmt.Sprint(v) {
			t.Errorf("rename changed %s: %v -> %v", k, v, after[k])
		}
	}
	if len(before) != len(after) {
		t.Errorf("rename changed the fields: %d -> %d", len(before), len(after))
	}
}

func TestEngineTokenCreateThenUse(t *testing.T) {
	b := newBench(t, sandbox.Options{}, send.Options{})
	created := b.must(200, "Auth/Create API token").(map[string]any)
	key, _ := created["key"].(string)
	if got, _ := b.sec.Secret(b.c.ID, "Sandbox", "apitoken"); got != key || key == b.rn.Token() {
		t.Fatalf("the new key was not captured into the secret: %q", got)
	}
	// Who am I now goes with the new token: its last_used is set.
	b.must(200, "Auth/Who am I")
	list := b.must(200, "Auth/List API tokens").([]any)
	tok := list[0].(map[string]any)
	if tok["last_used"] == nil || tok["key"] == key {
		t.Fatalf("listed = %v", tok)
	}
	// Delete takes its id from delete_apitoken_id, set by hand so running
	// the folder never deletes the token in use.
	b.c.Variables = append(b.c.Variables, collections.Variable{Key: "delete_apitoken_id", Value: created["id"].(string)})
	b.must(200, "Auth/Delete API token")
	// apitoken still holds the deleted key.
	if v := b.must(401, "Auth/Who am I"); detail(v) != "Invalid token." {
		t.Fatalf("deleted token: %v", v)
	}
}

func TestEngineLoginTwoFactorCSRF(t *testing.T) {
	now := time.Now()
	code, err := sandbox.TOTP(sandbox.SeedTwoFactorSecret, now)
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	b := newBench(t, sandbox.Options{}, send.Options{TwoFactor: func(context.Context) (string, error) {
		asked++
		return code, nil
	}})
	b.env.Variables = append(b.env.Variables,
		collections.Variable{Key: "email", Value: sandbox.SeedTwoFactorEmail},
		collections.Variable{Key: "password", Secret: true})
	b.sec.SetSecret(b.c.ID, "Sandbox", "password", sandbox.SeedTwoFactorPassword)
	b.c.Auth = collections.Auth{Type: collections.AuthMistLogin, Email: "{{email}}", Password: "{{password}}"}
	b.c.Variables[0].Value = sandbox.SeedOrgID
	b.c.Variables[1].Value = sandbox.SeedSiteID
	b.c.Variables[2].Value = sandbox.SeedWLANID

	b.must(200, "WLANs/List site WLANs")
	if asked != 1 {
		t.Fatalf("two-factor code asked %d times", asked)
	}
	// A change in the session: the engine sends X-CSRFToken.
	b.must(200, "WLANs/Rename SSID")
	// Jordan may only read the second site.
	b.c.Variables[1].Value = sandbox.SeedSite2ID
	if v := b.must(403, "WLANs/Create WLAN"); detail(v) != "You do not have permission to perform this action." {
		t.Fatalf("403 = %v", v)
	}
	if asked != 1 {
		t.Fatalf("the session was not reused: asked %d times", asked)
	}

	// Without a way to get a code the login fails with a clear message.
	b2 := newBench(t, sandbox.Options{}, send.Options{})
	b2.env.Variables = append(b2.env.Variables,
		collections.Variable{Key: "email", Value: sandbox.SeedTwoFactorEmail},
		collections.Variable{Key: "password", Secret: true})
	b2.sec.SetSecret(b2.c.ID, "Sandbox", "password", sandbox.SeedTwoFactorPassword)
	b2.c.Auth = b.c.Auth
	req, folders, _ := b2.c.Find("Auth/Who am I")
	res, err := b2.c.Resolve(req, folders, collections.Scope{Env: b2.env, Secrets: b2.sec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b2.eng.Do(context.Background(), res); err == nil || !strings.Contains(err.Error(), "two-factor") {
		t.Fatalf("login without a code: %v", err)
	}
}

func TestEngineLoginOtherCloudCookies(t *testing.T) {
	// On EMEA 01 the cookies are sessionid.eu and csrftoken.eu.
	b := newBench(t, sandbox.Options{CookieSuffix: ".eu"}, send.Options{})
	b.env.Variables = append(b.env.Variables,
		collections.Variable{Key: "email", Value: sandbox.SeedAdminEmail},
		collections.Variable{Key: "password", Secret: true})
	b.sec.SetSecret(b.c.ID, "Sandbox", "password", sandbox.SeedAdminPassword)
	b.c.Auth = collections.Auth{Type: collections.AuthMistLogin, Email: "{{email}}", Password: "{{password}}"}
	b.c.Variables[1].Value = sandbox.SeedSiteID
	b.c.Variables[2].Value = sandbox.SeedWLANID
	b.must(200, "WLANs/Rename SSID") // a PUT: X-CSRFToken from csrftoken.eu
	u, _ := url.Parse(b.rn.URL)
	var names []string
	for _, ck := range b.eng.Jar().Cookies(u) {
		names = append(names, ck.Name)
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "csrftoken.eu sessionid.eu" {
		t.Fatalf("cookies = %v", names)
	}
	if _, err := sandbox.New(sandbox.Options{CookieSuffix: "eu; x=1"}); err == nil {
		t.Fatal("a suffix that breaks the cookie header was accepted")
	}
}

func TestEngineRateLimit(t *testing.T) {
	b := newBench(t, sandbox.Options{RateLimit: 2}, send.Options{})
	b.must(200, "Auth/Who am I")
	b.must(200, "Auth/API usage")
	resp, _ := b.send("Auth/Who am I")
	if resp.StatusCode != 429 || resp.RateLimit == nil {
		t.Fatalf("third call: %s", resp.Status())
	}
	if resp.RateLimit.Detail != "Too Many Request. The API Token used for the request reached the 2 API Calls per hour threshold" || !resp.RateLimit.HasRetryAfter {
		t.Fatalf("rate limit = %+v", resp.RateLimit)
	}
}

func TestEngineAllPages(t *testing.T) {
	b := newBench(t, sandbox.Options{}, send.Options{})
	b.c.Variables[1].Value = sandbox.SeedSiteID
	for i := 0; i < 4; i++ {
		b.must(200, "WLANs/Create WLAN", body(fmt.Sprintf(`{"ssid":"Paged-%d"}`, i)))
	}
	req, folders, _ := b.c.Find("WLANs/List site WLANs")
	cp := *req
	cp.Query = []collections.Param{{Key: "limit", Value: "2"}}
	cp.Settings.AllPages = true
	res, err := b.c.Resolve(&cp, folders, collections.Scope{Env: b.env, Secrets: b.sec})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := b.eng.Do(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	var items []map[string]any
	if err := json.Unmarshal(resp.Head, &items); err != nil {
		t.Fatal(err)
	}
	if resp.Pages != 4 || len(items) != 7 || items[6]["ssid"] != "Paged-3" {
		t.Fatalf("%d pages, %d items", resp.Pages, len(items))
	}
}

func TestEngineBadInput(t *testing.T) {
	b := newBench(t, sandbox.Options{MaxBody: 4096}, send.Options{})
	b.c.Variables[0].Value = sandbox.SeedOrgID
	b.c.Variables[1].Value = sandbox.SeedSiteID
	b.c.Variables[2].Value = sandbox.SeedWLANID

	v := b.must(400, "WLANs/Rename SSID", body("{\"ssid\": \"NewName\",}"))
	if !strings.HasPrefix(detail(v), "JSON parse error - ") || !strings.Contains(detail(v), "line 1 column 20 (char 19)") {
		t.Errorf("invalid JSON: %v", v)
	}
	if v := b.must(400, "WLANs/Rename SSID", body(`{"vlan_id": 5000}`)); !strings.Contains(detail(v), "vlan_id: 5000") {
		t.Errorf("bad vlan: %v", v)
	}
	if v := b.must(400, "WLANs/Rename SSID", body(`{"ssid": 42}`)); !strings.Contains(detail(v), "ssid: must be a string") {
		t.Errorf("bad ssid: %v", v)
	}
	if v := b.must(413, "WLANs/Rename SSID", body(`{"ssid": "`+strings.Repeat("x", 5000)+`"}`)); !strings.Contains(detail(v), "at most 4096 bytes") {
		t.Errorf("oversized: %v", v)
	}
	b.c.Variables[2].Value = "00000000-0000-4000-8000-000000000000"
	if v := b.must(404, "WLANs/Get WLAN").(map[string]any); v["id"] != "00000000-0000-4000-8000-000000000000" {
		t.Errorf("unknown WLAN: %v", v)
	}
	b.c.Variables[1].Value = "11111111-0000-4000-8000-000000000000"
	b.must(404, "WLANs/List site WLANs")
	b.sec.SetSecret(b.c.ID, "Sandbox", "apitoken", "wrong")
	if v := b.must(401, "Auth/Who am I"); detail(v) != "Invalid token." {
		t.Errorf("wrong token: %v", v)
	}
	// Still serving, and nothing changed.
	b.sec.SetSecret(b.c.ID, "Sandbox", "apitoken", b.rn.Token())
	b.c.Variables[1].Value = sandbox.SeedSiteID
	b.c.Variables[2].Value = sandbox.SeedWLANID
	if got := b.must(200, "WLANs/Get WLAN").(map[string]any); got["ssid"] != "Bluefin-Guest" || got["vlan_id"] != float64(30) {
		t.Errorf("after bad input: %v", got)
	}
}

func TestEngineSpecFallbackWholeCollection(t *testing.T) {
	// Every starter request answers something Mist-shaped: nothing 5xx.
	b := newBench(t, sandbox.Options{}, send.Options{})
	b.must(200, "Auth/Who am I")
	b.must(200, "WLANs/List site WLANs")
	b.must(200, "Org WLANs/List org WLANs")
	var errs []error
	b.c.Walk(func(folders []*collections.Folder, req *collections.Request) {
		p := collections.RequestPath(folders, req)
		if strings.HasPrefix(p, "Auth/") && req.Method != "GET" {
			return // login and token changes have their own tests
		}
		resp, _ := b.send(p)
		if resp.StatusCode >= 500 {
			errs = append(errs, fmt.Errorf("%s: %s: %s", p, resp.Status(), resp.Head))
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

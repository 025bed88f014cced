package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// client talks to a sandbox over real HTTP on 127.0.0.1.
type client struct {
	t     *testing.T
	base  string
	token string
	hc    *http.Client
	csrf  bool // send X-CSRFToken from the cookie jar
}

type reply struct {
	status int
	header http.Header
	raw    []byte
	body   any
}

func (r reply) obj() map[string]any { m, _ := r.body.(map[string]any); return m }
func (r reply) list() []any         { l, _ := r.body.([]any); return l }
func (r reply) detail() string      { s, _ := r.obj()["detail"].(string); return s }

func newTestServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Token == "" {
		opts.Token = "test-token"
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(s.Close)
	t.Cleanup(ts.Close)
	return s, ts
}

func newClient(t *testing.T, ts *httptest.Server, token string) *client {
	jar, _ := cookiejar.New(nil)
	hc := ts.Client()
	hc.Jar = jar
	return &client{t: t, base: ts.URL, token: token, hc: hc}
}

func (c *client) do(method, path string, body string) reply {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Token "+c.token)
	}
	if c.csrf && c.hc.Jar != nil {
		for _, ck := range c.hc.Jar.Cookies(req.URL) {
			if ck.Name == "csrftoken" {
				req.Header.Set("X-CSRFToken", ck.Value)
			}
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			c.t.Fatalf("%s %s: body is not JSON: %v: %q", method, path, err, raw)
		}
	}
	return r
}

func (c *client) must(status int, method, path, body string) reply {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.raw)
	}
	return r
}

func TestSeedWalk(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, "test-token")

	self := c.must(200, "GET", "/api/v1/self", "").obj()
	if self["email"] != SeedAdminEmail {
		t.Fatalf("self email = %v", self["email"])
	}
	privs, _ := self["privileges"].([]any)
	if len(privs) != 3 {
		t.Fatalf("privileges = %v, want the org and two sites", privs)
	}
	p0 := privs[0].(map[string]any)
	if p0["scope"] != "org" || p0["org_id"] != SeedOrgID || p0["role"] != "admin" {
		t.Fatalf("first privilege = %v", p0)
	}

	sites := c.must(200, "GET", "/api/v1/orgs/"+SeedOrgID+"/sites", "").list()
	if len(sites) != 2 || sites[0].(map[string]any)["id"] != SeedSiteID {
		t.Fatalf("sites = %v", sites)
	}
	wlans := c.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "").list()
	if len(wlans) != 3 || wlans[0].(map[string]any)["id"] != SeedWLANID {
		t.Fatalf("wlans = %v", wlans)
	}
	before := c.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, "").obj()
	if before["ssid"] != "Bluefin-Guest" {
		t.Fatalf("ssid = %v", before["ssid"])
	}
	put := c.must(200, "PUT", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, `{"ssid": "NewName"}`).obj()
	if put["ssid"] != "NewName" {
		t.Fatalf("PUT answered ssid %v", put["ssid"])
	}
	after := c.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, "").obj()
	if after["ssid"] != "NewName" {
		t.Fatalf("after PUT ssid = %v", after["ssid"])
	}
	for k, v := range before {
		if k == "ssid" || k == "modified_time" {
			continue
		}
		if fmt.Sprint(after[k]) != fmt.Sprint(v) {
			t.Errorf("PUT changed %s: %v -> %v", k, v, after[k])
		}
	}
	if len(after) != len(before) {
		t.Errorf("PUT changed the set of fields: %d -> %d", len(before), len(after))
	}
}

func TestWLANCreateDelete(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	_, ts := newTestServer(t, Options{Now: func() time.Time { return now }})
	c := newClient(t, ts, "test-token")
	created := c.must(200, "POST", "/api/v1/sites/"+SeedSite2ID+"/wlans", `{"ssid":"Bluefin-Events","vlan_id":"{{events_vlan}}","id":"ignored"}`).obj()
	id, _ := created["id"].(string)
	if len(id) != 36 || id == "ignored" {
		t.Fatalf("created id = %q", id)
	}
	if created["site_id"] != SeedSite2ID || created["org_id"] != SeedOrgID || created["enabled"] != true {
		t.Fatalf("created = %v", created)
	}
	if created["created_time"] != float64(now.Unix()) || created["modified_time"] != float64(now.Unix()) {
		t.Fatalf("times = %v %v", created["created_time"], created["modified_time"])
	}
	c.must(200, "GET", "/api/v1/sites/"+SeedSite2ID+"/wlans/"+id, "")
	// Another site's path does not reach it.
	c.must(404, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans/"+id, "")
	c.must(200, "DELETE", "/api/v1/sites/"+SeedSite2ID+"/wlans/"+id, "")
	r := c.must(404, "GET", "/api/v1/sites/"+SeedSite2ID+"/wlans/"+id, "")
	if r.obj()["id"] != id {
		t.Fatalf("404 body = %s", r.raw)
	}

	// Org WLANs.
	org := c.must(200, "GET", "/api/v1/orgs/"+SeedOrgID+"/wlans", "").list()
	if len(org) != 1 || org[0].(map[string]any)["id"] != SeedOrgWLANID {
		t.Fatalf("org wlans = %v", org)
	}
	ow := c.must(200, "POST", "/api/v1/orgs/"+SeedOrgID+"/wlans", `{"ssid":"Bluefin-IoT","vlan_id":40}`).obj()
	c.must(200, "PUT", "/api/v1/orgs/"+SeedOrgID+"/wlans/"+ow["id"].(string), `{"hide_ssid":true}`)
	got := c.must(200, "GET", "/api/v1/orgs/"+SeedOrgID+"/wlans/"+ow["id"].(string), "").obj()
	if got["hide_ssid"] != true || got["ssid"] != "Bluefin-IoT" || got["vlan_id"] != float64(40) {
		t.Fatalf("org wlan after PUT = %v", got)
	}
	c.must(404, "GET", "/api/v1/orgs/"+SeedOrgID+"/wlans/"+SeedWLANID, "") // a site WLAN
	c.must(200, "DELETE", "/api/v1/orgs/"+SeedOrgID+"/wlans/"+ow["id"].(string), "")
}

func TestValidation(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, "test-token")
	path := "/api/v1/sites/" + SeedSiteID + "/wlans"
	cases := []struct {
		body, want string
	}{
		{`{"vlan_id": 10}`, "ssid: This field is required."},
		{`{"ssid": ""}`, "ssid: must not be blank"},
		{`{"ssid": 7}`, "ssid: must be a string"},
		{`{"ssid": "` + strings.Repeat("x", 33) + `"}`, "at most 32"},
		{`{"ssid": "a", "vlan_id": 0}`, "vlan_id: 0 is not a VLAN ID from 1 to 4094"},
		{`{"ssid": "a", "vlan_id": 4095}`, "vlan_id: 4095 is not"},
		{`{"ssid": "a", "vlan_id": 1.5}`, "vlan_id: 1.5 is not"},
		{`{"ssid": "a", "vlan_id": "abc"}`, `vlan_id: "abc" is not`},
		{`{"ssid": "a", "vlan_id": true}`, "vlan_id: a boolean is not"},
		{`{"ssid": "a", "enabled": "yes"}`, "enabled: must be true or false"},
		{`{"ssid": "a",}`, "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 14 (char 13)"},
		{`[1]`, "JSON parse error - Expected a JSON object, got an array"},
		{`{"ssid": "a"} {}`, "JSON parse error - Extra data"},
	}
	for _, tc := range cases {
		r := c.must(400, "POST", path, tc.body)
		if !strings.Contains(r.detail(), tc.want) {
			t.Errorf("POST %s: detail %q, want it to hold %q", tc.body, r.detail(), tc.want)
		}
	}
	for _, ok := range []string{`{"ssid":"a","vlan_id":1}`, `{"ssid":"a","vlan_id":4094}`, `{"ssid":"a","vlan_id":"200"}`, `{"ssid":"a","vlan_id":null}`} {
		c.must(200, "POST", path, ok)
	}
	// A PUT with invalid JSON: Mist's wording with the position.
	r := c.must(400, "PUT", path+"/"+SeedWLANID, "{\n  \"ssid\": NewName\n}")
	if r.detail() != "JSON parse error - Expecting value: line 2 column 11 (char 12)" {
		t.Errorf("detail = %q", r.detail())
	}
	// A PUT that would break the WLAN changes nothing.
	c.must(400, "PUT", path+"/"+SeedWLANID, `{"ssid":"Fine","vlan_id":9999}`)
	if got := c.must(200, "GET", path+"/"+SeedWLANID, "").obj(); got["ssid"] != "Bluefin-Guest" {
		t.Errorf("rejected PUT changed ssid to %v", got["ssid"])
	}
}

func TestAuthErrors(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		header, want string
	}{
		{"", detailNoCredentials},
		{"Token wrong", detailInvalidToken},
		{"Bearer test-token", detailNoCredentials},
		{"Basic YWxleDpzYW5kYm94", "Basic authentication (email:password) is no longer accepted: use an API token (Authorization: Token <key>) or log in with POST /api/v1/login."},
		{"token test-token", ""}, // community collections write it lower-case
	} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/self", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if tc.want == "" {
			if resp.StatusCode != 200 {
				t.Errorf("%q: status %d", tc.header, resp.StatusCode)
			}
			continue
		}
		if resp.StatusCode != 401 || body["detail"] != tc.want {
			t.Errorf("%q: %d %v, want 401 %q", tc.header, resp.StatusCode, body, tc.want)
		}
	}
	c := newClient(t, ts, "test-token")
	c.must(404, "GET", "/api/v1/sites/00000000-0000-4000-8000-000000000000/wlans", "")
	c.must(404, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans/00000000-0000-4000-8000-000000000000", "")
	c.must(404, "GET", "/api/v1/orgs/00000000-0000-4000-8000-000000000000/sites", "")
	c.must(404, "PUT", "/api/v1/sites/"+SeedSiteID+"/wlans/nope", `{"ssid":"x"}`)
	c.must(404, "DELETE", "/api/v1/sites/"+SeedSiteID+"/wlans/nope", "")
	if r := c.must(404, "GET", "/api/v2/nothing", ""); r.detail() != detailNotFound {
		t.Errorf("unknown path: %s", r.raw)
	}
	c.must(200, "GET", "/api/v1/self", "") // still serving
}

func TestBodyLimit(t *testing.T) {
	_, ts := newTestServer(t, Options{MaxBody: 1024})
	c := newClient(t, ts, "test-token")
	big := `{"ssid":"a","notes":"` + strings.Repeat("x", 2000) + `"}`
	for _, path := range []string{
		"/api/v1/sites/" + SeedSiteID + "/wlans",
		"/api/v1/sites/" + SeedSiteID + "/wlans/" + SeedWLANID,
		"/api/v1/self/apitokens",
		"/api/v1/sites/" + SeedSiteID + "/maps", // the spec fallback
	} {
		method := "POST"
		if strings.HasSuffix(path, SeedWLANID) {
			method = "PUT"
		}
		r := c.must(413, method, path, big)
		if r.detail() != "Request body too large: the sandbox accepts at most 1024 bytes" {
			t.Errorf("%s: detail %q", path, r.detail())
		}
	}
	c.must(200, "GET", "/api/v1/self", "")
}

func TestTokens(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, "test-token")
	created := c.must(200, "POST", "/api/v1/self/apitokens", `{"name":"ci"}`).obj()
	key, _ := created["key"].(string)
	id, _ := created["id"].(string)
	if len(key) != 64 || created["name"] != "ci" {
		t.Fatalf("created = %v", created)
	}
	// The key works, and is never shown again.
	c2 := newClient(t, ts, key)
	if self := c2.must(200, "GET", "/api/v1/self", "").obj(); self["email"] != SeedAdminEmail {
		t.Fatalf("self with the new token = %v", self)
	}
	list := c.must(200, "GET", "/api/v1/self/apitokens", "").list()
	if len(list) != 1 {
		t.Fatalf("tokens = %v", list)
	}
	tok := list[0].(map[string]any)
	if tok["key"] == key || !strings.Contains(tok["key"].(string), "...") || tok["last_used"] == nil {
		t.Fatalf("listed token = %v", tok)
	}
	c.must(200, "PUT", "/api/v1/self/apitokens/"+id, `{"name":"ci-renamed"}`)
	if got := c.must(200, "GET", "/api/v1/self/apitokens/"+id, "").obj(); got["name"] != "ci-renamed" {
		t.Fatalf("renamed = %v", got)
	}
	c.must(200, "DELETE", "/api/v1/self/apitokens/"+id, "")
	if r := c2.must(401, "GET", "/api/v1/self", ""); r.detail() != detailInvalidToken {
		t.Fatalf("deleted token: %s", r.raw)
	}
	c.must(404, "DELETE", "/api/v1/self/apitokens/"+id, "")
}

func TestLoginCSRFTwoFactor(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	_, ts := newTestServer(t, Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})

	// Plain login, then CSRF on changes.
	c := newClient(t, ts, "")
	c.must(400, "POST", "/api/v1/login", `{"email":"`+SeedAdminEmail+`","password":"wrong"}`)
	c.must(401, "GET", "/api/v1/self", "")
	c.must(200, "POST", "/api/v1/login", `{"email":"`+SeedAdminEmail+`","password":"`+SeedAdminPassword+`"}`)
	u, _ := http.NewRequest("GET", ts.URL, nil)
	names := map[string]bool{}
	for _, ck := range c.hc.Jar.Cookies(u.URL) {
		names[ck.Name] = true
	}
	if !names["sessionid"] || !names["csrftoken"] {
		t.Fatalf("cookies = %v", names)
	}
	c.must(200, "GET", "/api/v1/self", "")
	path := "/api/v1/sites/" + SeedSiteID + "/wlans/" + SeedWLANID
	if r := c.must(403, "PUT", path, `{"ssid":"X"}`); r.detail() != detailCSRF {
		t.Fatalf("PUT without CSRF: %s", r.raw)
	}
	c.csrf = true
	c.must(200, "PUT", path, `{"ssid":"X"}`)
	c.must(200, "POST", "/api/v1/logout", "")
	c.must(401, "GET", "/api/v1/self", "")

	// Sessions expire after the org's session_expiry (a day).
	c.must(200, "POST", "/api/v1/login", `{"email":"`+SeedAdminEmail+`","password":"`+SeedAdminPassword+`"}`)
	c.must(200, "GET", "/api/v1/self", "")
	mu.Lock()
	now = now.Add(24*time.Hour + time.Second)
	mu.Unlock()
	c.must(401, "GET", "/api/v1/self", "")
	mu.Lock()
	now = now.Add(-24*time.Hour - time.Second)
	mu.Unlock()

	// Two-factor user: login pends until the code.
	c = newClient(t, ts, "")
	c.csrf = true
	r := c.must(200, "POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`"}`)
	if r.obj()["two_factor_required"] != true || r.obj()["two_factor_passed"] != false {
		t.Fatalf("2FA login = %s", r.raw)
	}
	if self := c.must(200, "GET", "/api/v1/self", "").obj(); self["two_factor_required"] != true {
		t.Fatalf("pending self = %v", self)
	}
	c.must(401, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "")
	c.must(400, "POST", "/api/v1/login/two_factor", `{"two_factor":"000000"}`)
	code, err := TOTP(SeedTwoFactorSecret, now)
	if err != nil {
		t.Fatal(err)
	}
	c.csrf = false
	c.must(403, "POST", "/api/v1/login/two_factor", `{"two_factor":"`+code+`"}`)
	c.csrf = true
	c.must(200, "POST", "/api/v1/login/two_factor", `{"two_factor":"`+code+`"}`)
	c.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "")
	// Jordan may write Portland but only read Seattle.
	c.must(200, "PUT", path, `{"ssid":"Y"}`)
	c.must(403, "POST", "/api/v1/sites/"+SeedSite2ID+"/wlans", `{"ssid":"Z"}`)
	if sites := c.must(200, "GET", "/api/v1/orgs/"+SeedOrgID+"/sites", "").list(); len(sites) != 2 {
		t.Fatalf("sites visible to Jordan = %d", len(sites))
	}

	// The code in the login body finishes at once.
	c = newClient(t, ts, "")
	c.must(400, "POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`","two_factor":"999999"}`)
	r = c.must(200, "POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`","two_factor":"`+code+`"}`)
	if len(r.obj()) != 0 {
		t.Fatalf("login with code = %s", r.raw)
	}
	c.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "")
}

func TestFailedLoginsLockOut(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, ts := newTestServer(t, Options{Now: clock})
	c := newClient(t, ts, "")
	bad := `{"email":"` + SeedAdminEmail + `","password":"nope"}`
	good := `{"email":"` + SeedAdminEmail + `","password":"` + SeedAdminPassword + `"}`
	for i := 0; i < 3; i++ {
		c.must(400, "POST", "/api/v1/login", bad)
	}
	r := c.must(429, "POST", "/api/v1/login", good)
	if r.detail() != "Too many failed login attempts. Try again in 60 seconds." || r.header.Get("Retry-After") != "60" {
		t.Fatalf("locked: %s %v", r.raw, r.header)
	}
	// Tokens keep working: the lock is on logins.
	newClient(t, ts, "test-token").must(200, "GET", "/api/v1/self", "")
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	c.must(200, "POST", "/api/v1/login", good)
}

func TestTOTPKnownVector(t *testing.T) {
	// RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T=59 s.
	got, err := TOTP("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", time.Unix(59, 0))
	if err != nil || got != "287082" {
		t.Fatalf("TOTP = %q, %v; want 287082", got, err)
	}
	if _, err := TOTP("not base32!", time.Unix(0, 0)); err == nil {
		t.Fatal("bad secret accepted")
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 59, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, ts := newTestServer(t, Options{RateLimit: 3, Now: clock})
	c := newClient(t, ts, "test-token")
	for i := 0; i < 3; i++ {
		c.must(200, "GET", "/api/v1/self", "")
	}
	r := c.must(429, "GET", "/api/v1/self", "")
	if r.detail() != "Too Many Request. The API Token used for the request reached the 3 API Calls per hour threshold" {
		t.Fatalf("429 = %s", r.raw)
	}
	if r.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	// Per account: a second token of the same user and its login are blocked too.
	tc := newClient(t, ts, "")
	tc.must(429, "POST", "/api/v1/login", `{"email":"`+SeedAdminEmail+`","password":"`+SeedAdminPassword+`"}`)
	// Another account is not.
	tc.must(200, "POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`"}`)
	// The limit resets on the hour.
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	u := c.must(200, "GET", "/api/v1/self/usage", "").obj()
	if u["requests"] != float64(1) || u["request_limit"] != float64(3) || u["seconds"] != float64(3600) {
		t.Fatalf("usage = %v", u)
	}
}

func TestPaging(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, "test-token")
	path := "/api/v1/sites/" + SeedSiteID + "/wlans"
	for i := 0; i < 7; i++ { // 3 seeded + 7 = 10
		c.must(200, "POST", path, fmt.Sprintf(`{"ssid":"Extra-%d"}`, i))
	}
	var seen []string
	for page := 1; page <= 4; page++ {
		r := c.must(200, "GET", fmt.Sprintf("%s?limit=3&page=%d", path, page), "")
		if r.header.Get("X-Page-Total") != "10" || r.header.Get("X-Page-Limit") != "3" || r.header.Get("X-Page-Page") != fmt.Sprint(page) {
			t.Fatalf("page %d headers: %v", page, r.header)
		}
		for _, w := range r.list() {
			seen = append(seen, w.(map[string]any)["ssid"].(string))
		}
	}
	if len(seen) != 10 || seen[9] != "Extra-6" {
		t.Fatalf("paged through %v", seen)
	}
	if r := c.must(200, "GET", path+"?limit=3&page=9", ""); string(bytes.TrimSpace(r.raw)) != "[]" {
		t.Fatalf("past the end: %s", r.raw)
	}
	c.must(200, "GET", path+"?page=9223372036854775807", "")
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "page=0", "page=-1"} {
		if r := c.must(400, "GET", path+"?"+q, ""); !strings.Contains(r.detail(), strings.Split(q, "=")[0]+":") {
			t.Errorf("%s: %s", q, r.raw)
		}
	}
}

func TestSpecFallback(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, "test-token")
	r := c.must(200, "GET", "/api/v1/orgs/"+SeedOrgID+"/webhooks", "")
	if r.header.Get("X-Mistbench-Sandbox") != "example of listOrgWebhooks" || r.header.Get("X-Page-Total") != fmt.Sprint(len(r.list())) || r.header.Get("X-Page-Page") != "1" {
		t.Fatalf("header = %v", r.header)
	}
	// Example lists page like the simulated ones.
	if r := c.must(200, "GET", "/api/v1/orgs/"+SeedOrgID+"/webhooks?limit=1&page=99", ""); len(r.list()) != 0 || r.header.Get("X-Page-Limit") != "1" {
		t.Fatalf("past the end of an example list: %s %v", r.raw, r.header)
	}
	c.must(400, "GET", "/api/v1/orgs/"+SeedOrgID+"/webhooks?limit=0", "")
	// A literal segment beats a {param}: derived WLANs are not a WLAN id.
	if r := c.must(501, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans/derived", ""); !strings.Contains(r.detail(), "listSiteWlansDerived") {
		t.Fatalf("derived: %s", r.raw)
	}
	// Text around a parameter in one segment.
	if r := c.do("DELETE", "/api/v1/sites/"+SeedSiteID+"/devices/"+SeedWLANID+"/image2", ""); r.status == 404 {
		t.Fatalf("image{image_number}: %s", r.raw)
	}
	c.must(404, "DELETE", "/api/v1/sites/"+SeedSiteID+"/devices/"+SeedWLANID+"/image", "")
	// Declared without a body.
	r = c.must(200, "DELETE", "/api/v1/orgs/"+SeedOrgID+"/webhooks/"+SeedWLANID, "")
	if len(r.raw) != 0 {
		t.Fatalf("body = %q", r.raw)
	}
	// No example: 501 naming the operation.
	tab, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	var noEx *specOp
	for _, o := range tab.ops {
		if o.Example == nil && !o.NoBody && o.Method == "GET" && !strings.Contains(o.Path, "/wlans") && !strings.HasPrefix(o.Path, "/api/v1/self") && !strings.HasPrefix(o.Path, "/api/v1/login") {
			noEx = o
			break
		}
	}
	if noEx == nil {
		t.Fatal("every GET has an example?")
	}
	path := strings.NewReplacer("{", "", "}", "").Replace(noEx.Path)
	r = c.must(501, "GET", path, "")
	if !strings.Contains(r.detail(), noEx.ID) {
		t.Fatalf("501 detail %q does not name %s", r.detail(), noEx.ID)
	}
	// Wrong method on a spec path, and bad JSON to a spec path.
	c.must(405, "PATCH", "/api/v1/orgs/"+SeedOrgID+"/webhooks", "")
	r = c.must(400, "POST", "/api/v1/orgs/"+SeedOrgID+"/webhooks", `{"name":`)
	if !strings.HasPrefix(r.detail(), "JSON parse error - ") {
		t.Fatalf("detail = %q", r.detail())
	}
	// Authentication applies here too.
	newClient(t, ts, "").must(401, "GET", "/api/v1/orgs/"+SeedOrgID+"/webhooks", "")
	ops, answerable, err := SpecStats()
	if err != nil || ops != 1011 || answerable < 800 {
		t.Fatalf("SpecStats = %d, %d, %v", ops, answerable, err)
	}
}

func TestConcurrentCreates(t *testing.T) {
	_, ts := newTestServer(t, Options{RateLimit: -1, DataDir: t.TempDir()})
	const clients, each = 20, 15
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < each; j++ {
				body := fmt.Sprintf(`{"ssid":"load-%d-%d"}`, i, j)
				req, _ := http.NewRequest("POST", ts.URL+"/api/v1/sites/"+SeedSite2ID+"/wlans", strings.NewReader(body))
				req.Header.Set("Authorization", "Token test-token")
				resp, err := ts.Client().Do(req)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c := newClient(t, ts, "test-token")
	r := c.must(200, "GET", "/api/v1/sites/"+SeedSite2ID+"/wlans?limit=1000", "")
	if got := len(r.list()); got != 2+clients*each {
		t.Fatalf("WLANs = %d, want %d", got, 2+clients*each)
	}
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	s1, ts := newTestServer(t, Options{DataDir: dir})
	c := newClient(t, ts, "test-token")
	c.must(200, "PUT", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, `{"ssid":"Kept"}`)
	created := c.must(200, "POST", "/api/v1/self/apitokens", `{"name":"kept"}`).obj()
	ts.Close()
	s1.Close()

	raw, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), created["key"].(string)) || strings.Contains(string(raw), SeedAdminPassword) {
		t.Fatal("a token key or password landed in the state file")
	}
	if st, _ := os.Stat(filepath.Join(dir, StateFile)); st.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v", st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != StateFile && e.Name() != ".lock" {
			t.Fatalf("data dir holds %s (a temporary file left?)", e.Name())
		}
	}

	s2, ts2 := newTestServer(t, Options{DataDir: dir})
	c2 := newClient(t, ts2, "test-token")
	if got := c2.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, "").obj(); got["ssid"] != "Kept" || got["vlan_id"] != float64(30) {
		t.Fatalf("after restart = %v", got)
	}
	c2.token = created["key"].(string)
	c2.must(200, "GET", "/api/v1/self", "")
	ts2.Close()
	s2.Close()

	// A hand-edited state that would break the handlers is refused.
	os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"version":1,"org":{"id":"o"},"wlans":[{"org_id":"o"}]}`), 0o600)
	if _, err = New(Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "wlans[0]: missing or repeated id") {
		t.Fatalf("WLAN without id: %v", err)
	}
	// A damaged state file is a clear error naming it.
	os.WriteFile(filepath.Join(dir, StateFile), []byte("{\n\"version\": 1,,\n"), 0o600)
	_, err = New(Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), StateFile) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("damaged state: %v", err)
	}
}

func TestDataDirLocked(t *testing.T) {
	dir := t.TempDir()
	a, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{DataDir: dir}); !errors.Is(err, ErrDataInUse) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("a second sandbox on the same data: %v", err)
	}
	a.Close()
	b, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	b.Close()
	// Start releases it on stop, and on a failed start.
	ctx, cancel := context.WithCancel(context.Background())
	rn, err := Start(ctx, Config{Addr: "127.0.0.1:0", Options: Options{DataDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(ctx, Config{Addr: "127.0.0.1:0", Options: Options{DataDir: dir}}); !errors.Is(err, ErrDataInUse) {
		t.Fatalf("second Start: %v", err)
	}
	cancel()
	rn.Wait()
	if _, err := Start(context.Background(), Config{Addr: "256.0.0.1:0", Options: Options{DataDir: dir}}); err == nil {
		t.Fatal("listening on a bad address worked")
	}
	c, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatalf("after a failed Start: %v", err)
	}
	c.Close()
}

func TestStartTLS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rn, err := Start(ctx, Config{Addr: "127.0.0.1:0", Options: Options{Token: "tls-token"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rn.URL, "https://127.0.0.1:") {
		t.Fatalf("URL = %s", rn.URL)
	}
	pem, err := os.ReadFile(rn.CertPath)
	if err != nil || !bytes.Equal(pem, rn.Cert.PEM) {
		t.Fatalf("PEM copy: %v", err)
	}
	// Trusting the pool is enough; the default pool is not.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig(rn.Cert)}}
	req, _ := http.NewRequest("GET", rn.URL+"/api/v1/self", nil)
	req.Header.Set("Authorization", "Token tls-token")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, err := http.Get(rn.URL + "/api/v1/self"); err == nil {
		t.Fatal("an untrusted client connected")
	}
	// Cancelling the context stops it and removes the PEM copy.
	cancel()
	if err := rn.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rn.CertPath); !os.IsNotExist(err) {
		t.Fatalf("PEM copy left behind: %v", err)
	}
}

func TestCertReused(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	a, err := LoadOrCreateCert(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateCert(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.PEM, b.PEM) {
		t.Fatal("certificate not reused from the data dir")
	}
	c, err := LoadOrCreateCert(dir, now.Add(2*365*24*time.Hour))
	if err != nil || bytes.Equal(a.PEM, c.PEM) {
		t.Fatal("an expiring certificate was kept")
	}
	if st, _ := os.Stat(filepath.Join(dir, keyFile)); st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v", st.Mode())
	}
}

func TestSessionsBounded(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	s, ts := newTestServer(t, Options{Now: func() time.Time { return now }})
	s.sessMu.Lock()
	for i := 0; i < maxSessions; i++ {
		exp := now.Add(time.Duration(i) * time.Second)
		if i%2 == 0 {
			exp = now.Add(-time.Second) // expired
		}
		s.sessions[fmt.Sprint("old", i)] = &session{userID: SeedAdminID, csrf: "x", expires: exp}
	}
	s.sessMu.Unlock()
	c := newClient(t, ts, "")
	c.must(200, "POST", "/api/v1/login", `{"email":"`+SeedAdminEmail+`","password":"`+SeedAdminPassword+`"}`)
	c.must(200, "GET", "/api/v1/self", "")
	s.sessMu.Lock()
	n := len(s.sessions)
	_, kept := s.sessions["old9999"]
	s.sessMu.Unlock()
	if n != maxSessions/2+1 || !kept {
		t.Fatalf("%d sessions after pruning (want the %d live ones and the new one), newest kept %v", n, maxSessions/2, kept)
	}
}

func TestOrgTokens(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	later := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	const limit = 20
	_, ts := newTestServer(t, Options{RateLimit: limit, Now: clock})
	admin := newClient(t, ts, "test-token")
	path := "/api/v1/orgs/" + SeedOrgID + "/apitokens"
	for _, tc := range []struct{ body, want string }{
		{`{"name":"x"}`, "privileges: This field is required."},
		{`{"privileges":[]}`, "privileges: must be a non-empty list"},
		{`{"privileges":[{"scope":"msp","role":"admin"}]}`, `privileges[0].scope: "msp" is not org or site`},
		{`{"privileges":[{"scope":"org","role":"boss"}]}`, `privileges[0].role: "boss" is not one of`},
		{`{"privileges":[{"scope":"site","role":"read"}]}`, "privileges[0].site_id: required"},
		{`{"privileges":[{"scope":"site","role":"read","site_id":"nope"}]}`, "privileges[0].site_id: no site nope"},
	} {
		if r := admin.must(400, "POST", path, tc.body); !strings.Contains(r.detail(), tc.want) {
			t.Errorf("%s: %q, want %q", tc.body, r.detail(), tc.want)
		}
	}
	created := admin.must(200, "POST", path, `{"name":"monitoring","privileges":[{"scope":"site","role":"read","site_id":"`+SeedSiteID+`"}]}`).obj()
	key, _ := created["key"].(string)
	id, _ := created["id"].(string)
	if len(key) != 64 || created["created_by"] != SeedAdminEmail {
		t.Fatalf("created = %v", created)
	}

	// The org token reads its site, and nothing more.
	ot := newClient(t, ts, key)
	ot.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "")
	ot.must(403, "PUT", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, `{"ssid":"x"}`)
	ot.must(403, "GET", "/api/v1/sites/"+SeedSite2ID+"/wlans", "")
	if r := ot.must(403, "GET", "/api/v1/self/apitokens", ""); r.detail() != detailOrgTokenSelf {
		t.Errorf("org token on user tokens: %s", r.raw)
	}
	// Its rate limit is its own: the admin at the limit does not block it,
	// and its own calls are counted apart.
	later(time.Hour)
	for i := 0; i < limit; i++ {
		admin.must(200, "GET", "/api/v1/self/usage", "")
	}
	admin.must(429, "GET", "/api/v1/self", "")
	for i := 0; i < limit; i++ {
		ot.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "")
	}
	if r := ot.must(429, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", ""); !strings.Contains(r.detail(), "20 API Calls") {
		t.Errorf("org token limit: %s", r.raw)
	}
	later(time.Hour)

	list := admin.must(200, "GET", path, "").list()
	if len(list) != 1 || list[0].(map[string]any)["key"] == key || list[0].(map[string]any)["last_used"] == nil {
		t.Fatalf("org tokens = %v", list)
	}
	admin.must(200, "PUT", path+"/"+id, `{"privileges":[{"scope":"org","role":"write"}]}`)
	ot.must(200, "PUT", "/api/v1/sites/"+SeedSite2ID+"/wlans/18f4a6c3-2e9d-4b75-a0c1-f7e3d5b8a962", `{"ssid":"By-Token"}`)
	if got := admin.must(200, "GET", path+"/"+id, "").obj(); got["name"] != "monitoring" {
		t.Errorf("PUT of privileges changed the name: %v", got)
	}
	admin.must(200, "DELETE", path+"/"+id, "")
	ot.must(401, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "")
	admin.must(404, "DELETE", path+"/"+id, "")

	// Only org admins manage org tokens.
	jordan := newClient(t, ts, "")
	code, _ := TOTP(SeedTwoFactorSecret, clock())
	jordan.must(200, "POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`","two_factor":"`+code+`"}`)
	jordan.must(403, "GET", path, "")
	admin.must(404, "GET", "/api/v1/orgs/00000000-0000-4000-8000-000000000000/apitokens", "")
}

func TestSites(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, "test-token")
	path := "/api/v1/orgs/" + SeedOrgID + "/sites"
	for _, tc := range []struct{ body, want string }{
		{`{"address":"x"}`, "name: This field is required."},
		{`{"name":"  "}`, "name: must not be blank"},
		{`{"name":"Lab","country_code":"usa"}`, "country_code: usa is not a two-letter"},
		{`{"name":"Lab","timezone":5}`, "timezone: must be a string"},
	} {
		if r := c.must(400, "POST", path, tc.body); !strings.Contains(r.detail(), tc.want) {
			t.Errorf("%s: %q, want %q", tc.body, r.detail(), tc.want)
		}
	}
	site := c.must(200, "POST", path, `{"name":"Bend Pop-up","country_code":"US","timezone":"America/Los_Angeles","id":"ignored"}`).obj()
	id := site["id"].(string)
	if id == "ignored" || site["org_id"] != SeedOrgID {
		t.Fatalf("created = %v", site)
	}
	if n := len(c.must(200, "GET", path, "").list()); n != 3 {
		t.Fatalf("%d sites after create", n)
	}
	c.must(200, "POST", "/api/v1/sites/"+id+"/wlans", `{"ssid":"Popup-Guest"}`)
	upd := c.must(200, "PUT", "/api/v1/sites/"+id, `{"notes":"summer only"}`).obj()
	if upd["notes"] != "summer only" || upd["name"] != "Bend Pop-up" {
		t.Fatalf("PUT = %v", upd)
	}
	c.must(400, "PUT", "/api/v1/sites/"+id, `{"name":null}`)
	c.must(404, "PUT", "/api/v1/sites/nope", `{"name":"x"}`)

	// Jordan writes Portland's site settings but creates and deletes no site.
	j := newClient(t, ts, "")
	j.csrf = true
	code, _ := TOTP(SeedTwoFactorSecret, time.Now())
	j.must(200, "POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`","two_factor":"`+code+`"}`)
	j.must(200, "PUT", "/api/v1/sites/"+SeedSiteID, `{"notes":"roasting on Tuesdays"}`)
	j.must(403, "PUT", "/api/v1/sites/"+SeedSite2ID, `{"notes":"x"}`)
	j.must(403, "POST", path, `{"name":"x"}`)
	j.must(403, "DELETE", "/api/v1/sites/"+SeedSiteID, "")

	c.must(200, "DELETE", "/api/v1/sites/"+id, "")
	c.must(404, "GET", "/api/v1/sites/"+id, "")
	c.must(404, "GET", "/api/v1/sites/"+id+"/wlans", "")
	if n := len(c.must(200, "GET", "/api/v1/sites/"+SeedSiteID+"/wlans", "").list()); n != 3 {
		t.Fatalf("another site's WLANs went too: %d left", n)
	}
	c.must(404, "DELETE", "/api/v1/sites/"+id, "")
}

package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseJSONObject(f *testing.F) {
	for _, s := range []string{`{"ssid":"x"}`, `{`, `[]`, `{"a":1} {}`, "\n\n  {\"a\": }", `"\ud800"`, ``, `{"vlan_id": 1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseJSONObject(b)
		if err == nil && m == nil {
			t.Fatal("nil object without an error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "JSON parse error - ") {
			t.Fatalf("error %q lacks Mist's prefix", err)
		}
		if err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}

// FuzzHandler throws arbitrary requests at the sandbox: it must answer
// every one with a known status and, for errors, Mist's JSON shape.
func FuzzHandler(f *testing.F) {
	s, err := New(Options{Token: "fuzz", RateLimit: -1, MaxBody: 4096})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("PUT", "/api/v1/sites/"+SeedSiteID+"/wlans/"+SeedWLANID, `{"ssid":"x","vlan_id":"{{v}}"}`, true)
	f.Add("POST", "/api/v1/sites/"+SeedSiteID+"/wlans", `{"ssid":7}`, true)
	f.Add("POST", "/api/v1/orgs/"+SeedOrgID+"/wlans", `{"ssid":"a","enabled":null}`, true)
	f.Add("GET", "/api/v1/sites/"+SeedSiteID+"/wlans?limit=2&page=99999999999999999999", ``, true)
	f.Add("POST", "/api/v1/login", `{"email":"`+SeedTwoFactorEmail+`","password":"`+SeedTwoFactorPassword+`","two_factor":1}`, false)
	f.Add("POST", "/api/v1/self/apitokens", `{"name":["x"]}`, true)
	f.Add("POST", "/api/v1/orgs/"+SeedOrgID+"/apitokens", `{"privileges":[{"scope":"site","role":"read","site_id":"`+SeedSiteID+`"}],"src_ips":[1]}`, true)
	f.Add("DELETE", "/api/v1/orgs/{org_id}/webhooks/x", ``, true)
	f.Add("POST", "/api/v1/orgs/"+SeedOrgID+"/sites", `{"name":"Lab","country_code":"us"}`, true)
	f.Add("PUT", "/api/v1/sites/"+SeedSite2ID, `{"name":"x","latlng":{"lat":1}}`, true)
	f.Add("GET", "/api/v1/const/ap_channels", ``, false)
	f.Fuzz(func(t *testing.T, method, target, body string, auth bool) {
		if !validMethod(method) || !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t\r\n#") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		if auth {
			req.Header.Set("Authorization", "Token fuzz")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 301, 307, 308, 400, 401, 403, 404, 405, 413, 429, 501:
		default:
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && method != "HEAD" {
			var m map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m["detail"] == nil {
				t.Fatalf("%s %s: %d body %q is not Mist's error shape", method, target, rec.Code, rec.Body)
			}
			if d, _ := m["detail"].(string); !utf8.ValidString(d) {
				t.Fatalf("detail is not UTF-8: %q", d)
			}
		}
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func FuzzSpecMatch(f *testing.F) {
	f.Add("/api/v1/sites/x/wlans/derived")
	f.Add("/api/v1//orgs/")
	f.Add("")
	tab, err := loadSpec()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		for m, op := range tab.match(path) {
			if op.Method != m {
				t.Fatalf("%s keyed as %s", op.Method, m)
			}
		}
	})
}

// FuzzLoadState feeds arbitrary state files: loading either fails with an
// error or gives a sandbox whose handlers serve without panicking.
func FuzzLoadState(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, slow on big ones.
	small := seed()
	small.Sites, small.WLANs, small.Users = small.Sites[:1], small.WLANs[:1], small.Users[:1]
	seedState, _ := json.Marshal(small)
	f.Add(seedState)
	f.Add([]byte(`{"version":1,"org":{"id":"o","name":3},"sites":[{"id":"s","org_id":"o"}],"wlans":[{"id":"w","org_id":"o","site_id":"s","ssid":5}],"users":[{"id":"u"}],"tokens":[{"id":"t","key_hash":"h","org_id":"o","privileges":[{"scope":"site"}]}]}`))
	f.Add([]byte(`{"version":1,"org":{}}`))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, state []byte) {
		dir, err := os.MkdirTemp(root, "")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(filepath.Join(dir, StateFile), state, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := New(Options{Token: "fuzz", DataDir: dir, RateLimit: -1})
		if err != nil {
			return
		}
		defer s.Close()
		for _, rq := range []struct{ method, path, body string }{
			{"GET", "/api/v1/self", ""},
			{"GET", "/api/v1/orgs/o/sites", ""},
			{"GET", "/api/v1/sites/s/wlans", ""},
			{"PUT", "/api/v1/sites/s/wlans/w", `{"ssid":"x"}`},
			{"PUT", "/api/v1/sites/s", `{"name":"x"}`},
			{"GET", "/api/v1/orgs/o/apitokens", ""},
			{"DELETE", "/api/v1/sites/s", ""},
		} {
			req := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
			req.Header.Set("Authorization", "Token fuzz")
			s.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}

package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkHandler measures the sandbox's own work per request (no
// network): a few operations against a static JSON handler as the peer.
func BenchmarkHandler(b *testing.B) {
	s, err := New(Options{Token: "bench", RateLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"id":"` + SeedWLANID + `","ssid":"Bluefin-Guest","enabled":true,"vlan_id":30}` + "\n")
	peer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(payload)
	})
	wlan := "/api/v1/sites/" + SeedSiteID + "/wlans/" + SeedWLANID
	cases := []struct {
		name, method, path, body string
		h                        http.Handler
	}{
		{"peer-static", "GET", wlan, "", peer},
		{"get-wlan", "GET", wlan, "", s},
		{"put-wlan", "PUT", wlan, `{"ssid":"NewName"}`, s},
		{"list-wlans", "GET", "/api/v1/sites/" + SeedSiteID + "/wlans", "", s},
		{"self", "GET", "/api/v1/self", "", s},
		{"spec-example", "GET", "/api/v1/orgs/" + SeedOrgID + "/webhooks", "", s},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				req.Header.Set("Authorization", "Token bench")
				rec := httptest.NewRecorder()
				tc.h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkSpecLoad is the one-time cost of the fallback table, paid on
// the first request the sandbox does not simulate (never at start-up).
func BenchmarkSpecLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeSpec(specTableGz); err != nil {
			b.Fatal(err)
		}
	}
}

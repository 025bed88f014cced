package collections

import (
	"strings"
	"testing"
)

func TestStarterLoadsCleanAndTeaches(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteStarter(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteStarter(dir); err == nil {
		t.Error("WriteStarter over an existing collection succeeded")
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 {
		t.Fatal(c.Problems)
	}
	if len(c.Environments) != len(MistClouds)+1 {
		t.Errorf("%d environments", len(c.Environments))
	}
	for _, e := range c.Environments {
		if v := e.Lookup("apitoken"); v == nil || !v.Secret {
			t.Errorf("%s: apitoken is not a secret", e.Name)
		}
	}
	if e := c.Environment("EMEA 01"); e == nil || e.Lookup("host").Value != "api.eu.mist.com" {
		t.Errorf("EMEA 01 host wrong")
	}
	seen := map[string]bool{}
	c.Walk(func(path []*Folder, req *Request) {
		p := RequestPath(path, req)
		seen[p] = true
		if len(req.Description) < 30 {
			t.Errorf("%s: description too short to teach anything", p)
		}
		for _, name := range PathVarNames(req.URL) {
			found := false
			for _, pv := range req.PathVars {
				found = found || pv.Key == name
			}
			if !found {
				t.Errorf("%s: :%s has no value row", p, name)
			}
		}
		if req.Body.Kind == BodyJSON {
			if v, _ := (&Resolved{Headers: toHeaders(req.Headers)}).HeaderValue("Content-Type"); v != "application/json" {
				t.Errorf("%s: JSON body without JSON content type", p)
			}
		}
	})
	for _, want := range []string{"Auth/Who am I", "Auth/List API tokens", "Auth/Create API token", "Auth/Delete API token",
		"Auth/Log in", "Auth/Two-factor", "Auth/Log out", "Auth/API usage", "Sites/List org sites", "Sites/Get site",
		"WLANs/List site WLANs", "WLANs/Get WLAN", "WLANs/Create WLAN", "WLANs/Rename SSID", "WLANs/Delete WLAN",
		"Org WLANs/List org WLANs", "Org WLANs/Create org WLAN"} {
		if !seen[want] {
			t.Errorf("starter lacks %s", want)
		}
	}
	// The seed walk's request resolves to the URL of the brief.
	req, path, _ := c.Find("WLANs/Get WLAN")
	r, err := c.Resolve(req, path, Scope{Env: c.Environment("Global 01"), Overrides: map[string]string{"site_id": "s", "wlan_id": "w"}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://api.mist.com/api/v1/sites/s/wlans/w" {
		t.Errorf("URL %s", r.URL)
	}
	if v, _ := r.HeaderValue("Authorization"); !strings.HasPrefix(v, "Token ") {
		t.Errorf("Authorization %q", v)
	}
	if strings.Join(r.Unresolved, ",") != "apitoken" {
		t.Errorf("unresolved %v", r.Unresolved)
	}
}

func toHeaders(ps []Param) []Header {
	var out []Header
	for _, p := range ps {
		out = append(out, Header{p.Key, p.Value})
	}
	return out
}

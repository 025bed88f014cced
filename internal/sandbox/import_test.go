package sandbox_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/openapi"
	"github.com/mistbench/mistbench/internal/sandbox"
	"github.com/mistbench/mistbench/internal/send"
)

// TestWholeImportedMistCollection imports the Mist OpenAPI description
// with mistbench's importer and sends every one of its requests to the
// sandbox: each must get a Mist-shaped answer (the simulation, the spec's
// example, or a 4xx/501 that says why), never a 5xx or a broken answer.
func TestWholeImportedMistCollection(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	spec := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "mist", "mist.openapi.yaml")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("the shared Mist description is not at %s", spec)
	}
	c, _, err := openapi.Import(spec)
	if err != nil {
		t.Fatal(err)
	}
	b := newBench(t, sandbox.Options{RateLimit: -1}, send.Options{})
	env := &collections.Environment{Name: "Sandbox", Variables: []collections.Variable{
		{Key: "baseUrl", Value: b.rn.URL},
		{Key: "apitoken", Secret: true},
	}}
	c.ID = "imported"
	b.sec.SetSecret(c.ID, "Sandbox", "apitoken", b.rn.Token())
	ids := map[string]string{"org_id": sandbox.SeedOrgID, "site_id": sandbox.SeedSiteID, "wlan_id": sandbox.SeedWLANID}
	const anyID = "00000000-0000-4000-8000-0000000000aa"

	counts := map[int]int{}
	n := 0
	c.Walk(func(folders []*collections.Folder, req *collections.Request) {
		n++
		over := map[string]string{}
		for _, p := range req.PathVars {
			if v, ok := ids[p.Key]; ok {
				over[p.Key] = v
			} else {
				over[p.Key] = anyID
			}
		}
		// Variables named in query values or bodies resolve to something.
		res, err := c.Resolve(req, folders, collections.Scope{Env: env, Secrets: b.sec, Overrides: over})
		if err != nil {
			t.Errorf("%s: resolve: %v", collections.RequestPath(folders, req), err)
			return
		}
		resp, err := b.eng.Do(context.Background(), res)
		if err != nil {
			t.Errorf("%s %s: %v", res.Method, res.URL, err)
			return
		}
		defer resp.Close()
		counts[resp.StatusCode]++
		switch {
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
		case resp.StatusCode == 400, resp.StatusCode == 404, resp.StatusCode == 429, resp.StatusCode == 501:
			if !strings.Contains(string(resp.Head), `"detail"`) {
				t.Errorf("%s %s: %s without Mist's detail: %q", res.Method, res.URL, resp.Status(), resp.Head)
			}
		default:
			t.Errorf("%s %s: %s: %s", res.Method, res.URL, resp.Status(), resp.Head)
		}
	})
	if n < 1000 {
		t.Fatalf("only %d requests imported", n)
	}
	var keys []int
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		t.Logf("status %d: %d requests", k, counts[k])
	}
	if counts[200] < 800 {
		t.Errorf("only %d of %d requests answered 200", counts[200], n)
	}
}

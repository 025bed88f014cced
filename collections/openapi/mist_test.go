package openapi

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mistbench/mistbench/collections"
)

// mistSpec is the shared Mist description, beside the repository clone.
func mistSpec(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "mist", "mist.openapi.yaml")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the shared Mist description is not at %s", p)
	}
	return p
}

// countOperations counts the operations in the file independently of the
// importer: every HTTP method key under every path.
func countOperations(t testing.TB, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, item := range doc.Paths {
		for k := range item {
			switch strings.ToLower(k) {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				n++
			}
		}
	}
	return n
}

func TestMistImportsCompletely(t *testing.T) {
	spec := mistSpec(t)
	want := countOperations(t, spec)
	if want < 1000 {
		t.Fatalf("counted only %d operations in %s", want, spec)
	}
	c, rep, err := Import(spec)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	seen := map[string]bool{}
	c.Walk(func(path []*collections.Folder, r *collections.Request) {
		got++
		key := r.Method + " " + r.URL
		if seen[key] {
			t.Errorf("two requests for %s", key)
		}
		seen[key] = true
	})
	if got != want {
		t.Errorf("imported %d requests, the file has %d operations", got, want)
	}
	t.Logf("%s", rep.Summary())
	if c.Auth.Type != collections.AuthMistToken || c.Auth.Token != "{{apitoken}}" {
		t.Errorf("collection auth = %+v", c.Auth)
	}
	if len(c.Environments) != 12 || c.Environments[0].Lookup("baseUrl").Value != "https://api.mist.com" {
		t.Errorf("environments: %d", len(c.Environments))
	}
	req, path, err := c.Find("Sites/Sites Wlans/listSiteWlans")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Resolve(req, path, collections.Scope{Env: c.Environments[0], Overrides: map[string]string{"site_id": "s1", "apitoken": "K"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.URL, "https://api.mist.com/api/v1/sites/s1/wlans") {
		t.Errorf("URL = %s", res.URL)
	}
	if v, _ := res.HeaderValue("Authorization"); v != "Token K" {
		t.Errorf("Authorization = %q", v)
	}
}

// BenchmarkMistImport measures importing the Mist description; bench/import
// compares it with openapi-to-postmanv2.
func BenchmarkMistImport(b *testing.B) {
	spec := mistSpec(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := Import(spec); err != nil {
			b.Fatal(err)
		}
	}
}

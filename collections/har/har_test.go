package har

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestGolden(t *testing.T) {
	c, rep, err := Import("testdata/browser.har")
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.MarshalIndent(c, "", "  ")
	got := "# report: " + rep.Summary() + "\n#   " + strings.Join(rep.Notes, "\n#   ") + "\n" + string(j) + "\n"
	golden := filepath.Join("testdata", "browser.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("differs from %s; got:\n%s", golden, got)
	}
}

func TestWire(t *testing.T) {
	c, rep, err := Import("testdata/browser.har")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kept["request"] != 3 || rep.Dropped["entry"] != 1 {
		t.Errorf("report: %s", rep.Summary())
	}
	req, path, err := c.Find("api.mist.com/" + strings.ReplaceAll("GET /api/v1/sites/s1/wlans", "/", `\/`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Resolve(req, path, collections.Scope{Overrides: map[string]string{"apitoken": "K"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://api.mist.com/api/v1/sites/s1/wlans?limit=100&q=a%20b" {
		t.Errorf("URL = %s", res.URL)
	}
	if v, _ := res.HeaderValue("Authorization"); v != "Token K" {
		t.Errorf("auth = %q", v)
	}
	if req.Examples[0].Body != `[{"ssid":"TestWlan"}]` {
		t.Errorf("example body = %q", req.Examples[0].Body)
	}
	up, path, err := c.Find("127.0.0.1:8080/" + strings.ReplaceAll("POST /upload/:raw", "/", `\/`))
	if err != nil {
		t.Fatal(err)
	}
	res, err = c.Resolve(up, path, collections.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "http://127.0.0.1:8080/upload/%3Araw" || len(res.Unresolved) != 0 {
		t.Errorf("literal :raw segment: %s %v", res.URL, res.Unresolved)
	}
	if _, ok := res.HeaderValue("Content-Type"); ok {
		t.Error("a stale multipart boundary was kept")
	}
}

func TestErrors(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/bad_type.har":   "bad_type.har:2:",
		"testdata/bad_syntax.har": "bad_syntax.har:2:",
	} {
		_, _, err := Import(file)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", file, err, want)
		}
	}
	if _, _, err := Parse([]byte(`{}`), "x.har"); err == nil || !strings.Contains(err.Error(), "not a HAR") {
		t.Errorf("empty object: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.har")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Parse(data, "fuzz.har")
		if err != nil {
			return
		}
		c.Walk(func(path []*collections.Folder, r *collections.Request) {
			if _, err := c.Resolve(r, path, collections.Scope{}); err != nil && r.Body.Kind != collections.BodyFile {
				t.Fatalf("imported request does not resolve: %v", err)
			}
		})
	})
}

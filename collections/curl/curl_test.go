package curl

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden parses every testdata/*.txt command and compares the request,
// the wire request it resolves to and the warnings with the .golden file.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			req, warns, err := Parse(string(src))
			out := map[string]any{"warnings": warns}
			if err != nil {
				out["error"] = err.Error()
			} else {
				out["request"] = req
				c := &collections.Collection{Dir: "/coll"}
				res, err := c.Resolve(req, nil, collections.Scope{Overrides: map[string]string{"host": "h.test", "apitoken": "T0K", "SITE_ID": "s1"}})
				if err != nil {
					t.Fatal(err)
				}
				out["wire"] = map[string]any{"method": res.Method, "url": res.URL, "headers": res.Headers, "body": string(res.Body.Bytes), "parts": res.Body.Parts, "file": res.Body.File}
			}
			got, _ := json.MarshalIndent(out, "", "  ")
			golden := strings.TrimSuffix(f, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if strings.TrimSpace(string(want)) != strings.TrimSpace(string(got)) {
				t.Errorf("%s differs from the golden file:\n%s", f, got)
			}
		})
	}
}

func TestWireExact(t *testing.T) {
	cases := []struct {
		cmd, method, url, body string
		headers                []string
	}{
		{`curl http://127.0.0.1/a`, "GET", "http://127.0.0.1/a", "", nil},
		{`curl -d 'a=1' -d 'b=2' http://127.0.0.1/a`, "POST", "http://127.0.0.1/a", "a=1&b=2", []string{"Content-Type: application/x-www-form-urlencoded"}},
		{`curl -d '{"x": 1}' http://127.0.0.1/a`, "POST", "http://127.0.0.1/a", `{"x": 1}`, []string{"Content-Type: application/x-www-form-urlencoded"}},
		{"curl --json '{\"x\":1}' http://127.0.0.1/a", "POST", "http://127.0.0.1/a", `{"x":1}`, []string{"Content-Type: application/json", "Accept: application/json"}},
		{`curl -G -d 'q=a b' http://127.0.0.1/s`, "GET", "http://127.0.0.1/s?q=a%20b", "", nil},
		{`curl -H 'X;' -H 'Y: z' http://127.0.0.1/`, "GET", "http://127.0.0.1/", "", []string{"X: ", "Y: z"}},
		{"curl \\\n  -X DELETE \\\n  'http://127.0.0.1/p?x=%2F'", "DELETE", "http://127.0.0.1/p?x=%2F", "", nil},
		{`curl -H 'Authorization: Token abc' http://127.0.0.1/`, "GET", "http://127.0.0.1/", "", []string{"Authorization: Token abc"}},
		{`curl -u a:b http://127.0.0.1/`, "GET", "http://127.0.0.1/", "", []string{"Authorization: Basic YTpi"}},
		{`curl --data-urlencode 'm=a b&c' http://127.0.0.1/`, "POST", "http://127.0.0.1/", "m=a%20b%26c", []string{"Content-Type: application/x-www-form-urlencoded"}},
		{`curl -d 'a=%zz' http://127.0.0.1/`, "POST", "http://127.0.0.1/", "a=%zz", []string{"Content-Type: application/x-www-form-urlencoded"}},
		{`curl -d 'a=b c' http://127.0.0.1/`, "POST", "http://127.0.0.1/", "a=b c", []string{"Content-Type: application/x-www-form-urlencoded"}},
		// A query not as our encoder writes it is sent as written.
		{`curl 'http://127.0.0.1/p?flag&&y=a=b'`, "GET", "http://127.0.0.1/p?flag&&y=a=b", "", nil},
		{`curl 'http://127.0.0.1/p?q=a+b&r=%2f'`, "GET", "http://127.0.0.1/p?q=a+b&r=%2f", "", nil},
		{`curl 'http://127.0.0.1/p?q=a b'`, "GET", "http://127.0.0.1/p?q=a%20b", "", nil},
		// '\'' is how a quote is written inside single quotes.
		{`curl -H 'X: a'\''b' -H X\ Y:\ z http://127.0.0.1/`, "GET", "http://127.0.0.1/", "", []string{"X: a'b", "X Y: z"}},
	}
	for _, tc := range cases {
		req, _, err := Parse(tc.cmd)
		if err != nil {
			t.Errorf("%s: %v", tc.cmd, err)
			continue
		}
		res, err := (&collections.Collection{}).Resolve(req, nil, collections.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		var hs []string
		for _, h := range res.Headers {
			hs = append(hs, h.Name+": "+h.Value)
		}
		if res.Method != tc.method || res.URL != tc.url || string(res.Body.Bytes) != tc.body || strings.Join(hs, "\n") != strings.Join(tc.headers, "\n") {
			t.Errorf("%s:\n got %s %s %q %q\nwant %s %s %q %q", tc.cmd, res.Method, res.URL, res.Body.Bytes, hs, tc.method, tc.url, tc.body, tc.headers)
		}
	}
}

func TestErrors(t *testing.T) {
	for cmd, want := range map[string]string{
		"":                       "empty",
		"wget http://x":          "not a curl command",
		"curl":                   "no URL",
		"curl -X":                "needs a value",
		"curl 'http://x":         "line 1, column 6",
		"curl $(cat x) http://x": "line 1",
		"curl --max-time x u":    "--max-time",
		"curl -F novalue u":      "no '='",
	} {
		_, _, err := Parse(cmd)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", cmd, err, want)
		}
	}
	if _, _, err := Parse("wget x"); !errors.Is(err, ErrNotCurl) {
		t.Errorf("wget: %v is not ErrNotCurl", err)
	}
}

func TestUnsupportedReported(t *testing.T) {
	_, warns, err := Parse(`curl --proxy http://p -x q --cert c -Z http://127.0.0.1/`)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(warns, "\n")
	for _, w := range []string{"--proxy", "--cert", "--parallel"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q do not name %s", warns, w)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
	f.Add(`curl -F 'a=@"x\"y";type=t;filename=z' -u : -H ':' -XPOST -- -x`)
	f.Fuzz(func(t *testing.T, s string) {
		req, _, err := Parse(s)
		if err != nil {
			return
		}
		if _, err := (&collections.Collection{}).Resolve(req, nil, collections.Scope{}); err != nil && req.Body.Kind != collections.BodyFile {
			t.Fatalf("parsed request does not resolve: %v", err)
		}
	})
}

func TestIsCommand(t *testing.T) {
	for s, want := range map[string]bool{
		"curl https://x":           true,
		"  $ curl -X POST u":       true,
		"curl\\\n  https://x":      true,
		"https://api.mist.com/x":   false,
		"curling is a sport":       false,
		"{{baseUrl}}/api/v1/sites": false,
	} {
		if got := IsCommand(s); got != want {
			t.Errorf("IsCommand(%q) = %v", s, got)
		}
	}
	if r, _, err := Parse("$ curl http://127.0.0.1/a"); err != nil || r.URL != "http://127.0.0.1/a" {
		t.Errorf("prompt: %v %v", r, err)
	}
}

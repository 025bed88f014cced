package collections

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Each case breaks one file of a good collection by hand. The error must
// name the file and line and say what is wrong; the rest must still load;
// a save must leave every file as it was.
func TestBrokenFiles(t *testing.T) {
	cases := []struct {
		name     string
		file     string // relative; "" with dir set creates a directory
		content  string
		dir      bool
		wantFile string
		wantLine int
		wantMsg  string
	}{
		{"bad yaml", "Bad.yaml", "name: Bad\nmethod: GET\nurl: [unclosed\n", false, "Bad.yaml", 3, "did not find expected"},
		{"wrong type", "Typed.yaml", "name: Typed\nmethod:\n  - GET\nurl: http://x\n", false, "Typed.yaml", 3, "cannot unmarshal a list into string"},
		{"unknown auth type", "Auth.yaml", "name: Auth\nmethod: GET\nurl: http://x\nauth:\n  type: kerberos\n", false, "Auth.yaml", 5, `unknown auth type "kerberos"`},
		{"duplicate name", "Zeta first copy.yaml", "name: Zeta first\nmethod: GET\nurl: http://x\n", false, "Zeta first copy.yaml", 1, `name "Zeta first" is also used by Zeta first.yaml`},
		{"folder.yaml is a directory", "WLANs _ Sites/Deeper/folder.yaml", "", true, "WLANs _ Sites/Deeper/folder.yaml", 0, "is a directory"},
		{"unknown field", "Typo.yaml", "name: Typo\nmethod: GET\nurl: http://x\nheders:\n  - name: A\n", false, "Typo.yaml", 4, "unknown field heders"},
		{"bad timeout", "Slow.yaml", "name: Slow\nmethod: GET\nurl: http://x\nsettings:\n  timeout: forever\n", false, "Slow.yaml", 5, `timeout "forever" is not a duration`},
		{"empty file", "Empty.yaml", "", false, "Empty.yaml", 1, "the file is empty"},
		{"bad method", "Method.yaml", "name: Method\nmethod: GE T\nurl: http://x\n", false, "Method.yaml", 2, `method "GE T" is not an HTTP token`},
		{"capture both", "Cap.yaml", "name: Cap\nmethod: GET\nurl: http://x\ncapture:\n  - var: a\n    jq: .a\n    header: X-A\n", false, "Cap.yaml", 5, "exactly one of jq and header"},
		{"unknown body kind", "Body.yaml", "name: Body\nmethod: POST\nurl: http://x\nbody:\n  kind: graphql\n", false, "Body.yaml", 5, `unknown body kind "graphql"`},
		{"environment duplicate variable", "environments/Dup.yaml", "name: Dup\nvariables:\n  - name: host\n    value: a\n  - name: host\n    value: b\n", false, "environments/Dup.yaml", 5, `variable "host" is defined twice`},
		{"binary garbage", "Garbage.yaml", "\x00\x01\x02\xff\xfe", false, "Garbage.yaml", 0, ""},
		{"environments is a file", "environments", "oops", false, "environments", 0, "not a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := everything(dir).Save(SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, filepath.FromSlash(tc.file))
			if tc.file == "environments" {
				os.RemoveAll(p)
			}
			if tc.dir {
				if err := os.MkdirAll(p, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			c, err := Load(dir)
			if err != nil {
				t.Fatalf("the whole collection failed: %v", err)
			}
			if len(c.Problems) != 1 {
				t.Fatalf("want 1 problem, got %v", c.Problems)
			}
			pr := c.Problems[0]
			if pr.File != filepath.Join(dir, filepath.FromSlash(tc.wantFile)) {
				t.Errorf("problem names %s, want %s", pr.File, tc.wantFile)
			}
			if tc.wantLine > 0 && pr.Line != tc.wantLine {
				t.Errorf("line %d, want %d (%v)", pr.Line, tc.wantLine, pr)
			}
			if !strings.Contains(pr.Msg, tc.wantMsg) {
				t.Errorf("message %q does not say %q", pr.Msg, tc.wantMsg)
			}
			if !strings.Contains(pr.Error(), filepath.Base(tc.wantFile)) {
				t.Errorf("error text %q does not name the file", pr.Error())
			}
			// The rest still loads.
			n := 0
			c.Walk(func([]*Folder, *Request) { n++ })
			if n < 7 {
				t.Errorf("only %d requests loaded", n)
			}
			// Saving (even after an edit elsewhere) leaves the broken file alone.
			req, _, err := c.Find("Login")
			if err != nil {
				t.Fatal(err)
			}
			req.Description = "edited"
			if err := c.Save(SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			after := snapshot(t, dir)
			for name, content := range before {
				if name == "Login.yaml" {
					continue
				}
				if after[name] != content {
					t.Errorf("%s changed by a save", name)
				}
			}
			if after["Login.yaml"] == before["Login.yaml"] {
				t.Errorf("the edit was not saved")
			}
			if !reflect.DeepEqual(keys(before), keys(after)) {
				t.Errorf("files appeared or vanished: %v -> %v", keys(before), keys(after))
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func TestBrokenCollectionFileKeepsRequests(t *testing.T) {
	dir := t.TempDir()
	if err := everything(dir).Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "collection.yaml"), []byte("name: [\n"), 0o644)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 1 || !strings.HasSuffix(c.Problems[0].File, "collection.yaml") {
		t.Fatalf("problems %v", c.Problems)
	}
	if _, _, err := c.Find("WLANs \\/ Sites/Get WLAN"); err != nil {
		t.Error(err)
	}
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "collection.yaml"))
	if string(b) != "name: [\n" {
		t.Errorf("broken collection.yaml rewritten: %q", b)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing dir: %v", err)
	}
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "no collection.yaml") || !strings.Contains(err.Error(), "mistbench new") {
		t.Errorf("no collection.yaml: %v", err)
	}
}

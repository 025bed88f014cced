package collections

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func boolp(b bool) *bool { return &b }

// everything builds a collection that uses every feature of the format.
func everything(dir string) *Collection {
	return &Collection{
		Name: "Every feature", ID: "0c8a9bd4-0b6e-4a57-9d36-8f1a1c2b3d4e", Dir: dir,
		Description: "A collection\nwith every feature.\n",
		Variables: []Variable{
			{Key: "host", Value: "api.mist.com"},
			{Key: "password", Secret: true, Env: "MIST_PASSWORD", Description: "login password"},
		},
		Headers:  []Param{{Key: "Accept", Value: "application/json"}},
		Auth:     Auth{Type: AuthMistToken, Token: "{{apitoken}}"},
		Settings: CollectionSettings{InsecureSkipVerify: true},
		Items: []Item{
			&Request{Name: "Zeta first", Method: "GET", URL: "https://{{host}}/api/v1/self"},
			&Folder{
				Name: "WLANs / Sites", Description: "nested", Auth: Auth{Type: AuthBearer, Token: "{{tok}}"},
				Headers:   []Param{{Key: "X-Folder", Value: "1"}},
				Variables: []Variable{{Key: "site_id", Value: "s1"}},
				Items: []Item{
					&Request{Name: "Get WLAN", Method: "GET", URL: "https://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id",
						PathVars: []Param{{Key: "site_id", Value: "{{site_id}}"}, {Key: "wlan_id", Value: "a/b c", Description: "the WLAN"}},
						Query:    []Param{{Key: "limit", Value: "100"}, {Key: "limit", Value: "5", Disabled: true}, {Key: "q", Value: ""}},
						Headers:  []Param{{Key: "X-A", Value: "1"}, {Key: "X-A", Value: "2"}, {Key: "X-Empty", Value: ""}, {Key: "X-Off", Value: "x", Disabled: true}},
						Captures: []Capture{{Var: "ssid", JQ: ".ssid"}, {Var: "req", Header: "X-Request-Id"}},
						Expect:   Expect{Status: []int{200, 201}, JQ: []string{`.ssid == "NewName"`}},
						Settings: RequestSettings{Timeout: 2500 * time.Millisecond, FollowRedirects: boolp(false), MaxRedirects: 3, AllPages: true},
					},
					&Request{Name: "Rename SSID", Method: "PUT", URL: "https://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id",
						Body: Body{Kind: BodyJSON, Text: "{\n  \"ssid\": \"NewName\",\n  \"n\": 1.0000000000000001\n}\n"}},
					&Folder{Name: "Deeper", Items: []Item{
						&Request{Name: "Form", Method: "POST", URL: "http://x/form", Body: Body{Kind: BodyForm, Form: []Param{{Key: "a b", Value: "c&d"}, {Key: "off", Value: "1", Disabled: true}}}},
					}},
				},
			},
			&Request{Name: "Upload", Method: "POST", URL: "http://x/up", Auth: Auth{Type: AuthNone},
				Body: Body{Kind: BodyMultipart, Parts: []Part{{Name: "json", Value: `{"a":1}`, ContentType: "application/json"}, {Name: "file", File: "files/my map.png"}}}},
			&Request{Name: "Raw", Method: "PURGE", URL: "http://x/raw", Body: Body{Kind: BodyRaw, Language: "xml", Text: "<a>\ttab  \n</a>  "},
				Auth: Auth{Type: AuthAPIKey, Key: "X-Key", Value: "{{key}}", In: "query"}},
			&Request{Name: "Binary", Method: "POST", URL: "http://x/bin", Body: Body{Kind: BodyFile, File: "blob.bin"},
				Auth:     Auth{Type: AuthBasic, Username: "me", Password: "{{password}}"},
				Examples: []Example{{Name: "ok", Status: 200, Headers: []Param{{Key: "Content-Type", Value: "text/plain"}}, Body: "fine"}},
				Scripts:  []Script{{Listen: "test", Exec: "pm.test('x', () => {})"}}},
			&Request{Name: "Login", Method: "POST", URL: "https://{{host}}/api/v1/login",
				Auth: Auth{Type: AuthMistLogin, Email: "me@example.com", Password: "{{password}}", TwoFactor: "{{otp}}"}},
			&Request{Name: "odd/name: *?", Method: "GET", URL: "http://x/odd", Description: "ünïcødé ✓"},
		},
		Environments: []*Environment{
			{Name: "Global 01", Variables: []Variable{{Key: "host", Value: "api.mist.com"}, {Key: "apitoken", Secret: true, Env: "MIST_APITOKEN"}}},
			{Name: "EMEA 01", Description: "Europe", Variables: []Variable{{Key: "host", Value: "api.eu.mist.com"}, {Key: "apitoken", Secret: true}}},
		},
	}
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func stripDisk(c *Collection) {
	c.disk = nil
	c.Dir = ""
	var walk func(items []Item)
	walk = func(items []Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *Request:
				it.fileName = ""
			case *Folder:
				it.dirName = ""
				walk(it.Items)
			}
		}
	}
	walk(c.Items)
	for _, e := range c.Environments {
		e.fileName = ""
	}
	sort.Slice(c.Environments, func(i, j int) bool { return c.Environments[i].Name < c.Environments[j].Name })
}

func TestRoundTripEveryFeature(t *testing.T) {
	dir := t.TempDir()
	c := everything(dir)
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) > 0 {
		t.Fatalf("problems: %v", got.Problems)
	}
	// Same model back.
	want := everything("")
	stripDisk(want)
	stripDisk(got)
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("model changed in the round trip:\nwant %#v\n got %#v", want, got)
	}
	// Loading then saving changes no byte and touches no file.
	got2, _ := Load(dir)
	mtimes := map[string]time.Time{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if st, err := os.Stat(p); err == nil {
			mtimes[p] = st.ModTime()
		}
		return nil
	})
	old := time.Now().Add(-time.Hour)
	for p := range mtimes {
		os.Chtimes(p, old, old)
	}
	if err := got2.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, dir)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("load+save changed files")
	}
	for p := range mtimes {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !st.ModTime().Equal(old) && !st.IsDir() {
			t.Errorf("%s was rewritten by a save that changed nothing", p)
		}
	}
}

func TestGoldenFormat(t *testing.T) {
	dir := t.TempDir()
	if err := everything(dir).Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	snap := snapshot(t, dir)
	var b strings.Builder
	var keys []string
	for k := range snap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString("=== " + filepath.ToSlash(k) + "\n" + snap[k])
	}
	golden := filepath.Join("testdata", "every-feature.golden")
	if *update {
		os.WriteFile(golden, []byte(b.String()), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(want) != b.String() {
		t.Errorf("format changed; diff %s against the output of -update", golden)
	}
}

func TestSaveRenameMoveDelete(t *testing.T) {
	dir := t.TempDir()
	c := everything(dir)
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(dir)
	// Rename a request, delete another, move one into a folder.
	req, _, err := c.Find("Zeta first")
	if err != nil {
		t.Fatal(err)
	}
	req.Name = "Who am I"
	raw, _, _ := c.Find("Raw")
	var kept []Item
	for _, it := range c.Items {
		if it != Item(raw) {
			kept = append(kept, it)
		}
	}
	c.Items = kept
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "Zeta first.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old file of a renamed request is still there")
	}
	if _, err := os.Stat(filepath.Join(dir, "Raw.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a deleted request's file is still there")
	}
	c2, _ := Load(dir)
	if _, _, err := c2.Find("Who am I"); err != nil {
		t.Error(err)
	}
	if c2.Items[0].ItemName() != "Who am I" {
		t.Errorf("order lost: first item %q", c2.Items[0].ItemName())
	}
}

func TestSecretsNeverLandInCollection(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	dir := t.TempDir()
	c := everything(dir)
	store, err := DefaultSecretStore()
	if err != nil {
		t.Fatal(err)
	}
	const token = "s3cr3t-T0KEN-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	env := c.Environment("Global 01")
	env.Lookup("apitoken").Value = token // typed in, in memory
	if err := store.SetSecret(c.ID, env.Name, "apitoken", token); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, content := range snapshot(t, dir) {
		if strings.Contains(content, token) {
			t.Errorf("%s holds the token", name)
		}
	}
	st, err := os.Stat(store.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("secret store mode %o, want 600", st.Mode().Perm())
	}
	// And it resolves from the store.
	c2, _ := Load(dir)
	req, path, _ := c2.Find("Zeta first")
	store2, _ := DefaultSecretStore()
	r, err := c2.Resolve(req, path, Scope{Env: c2.Environment("Global 01"), Secrets: store2, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := r.HeaderValue("Authorization"); v != "Token "+token {
		t.Errorf("Authorization = %q", v)
	}
	if len(r.SecretValues) != 1 || r.SecretValues[0] != token {
		t.Errorf("SecretValues = %q", r.SecretValues)
	}
}

func TestLiteralCredentialRefused(t *testing.T) {
	dir := t.TempDir()
	c := everything(dir)
	c.Items = append(c.Items, &Request{Name: "Leaky", Method: "GET", URL: "http://x",
		Headers: []Param{{Key: "Authorization", Value: "Token abcdef0123456789"}}})
	err := c.Save(SaveOptions{})
	var lit *LiteralSecretError
	if !errors.As(err, &lit) {
		t.Fatalf("saved a literal token: err = %v", err)
	}
	if !strings.Contains(err.Error(), "request Leaky: header Authorization") || !strings.Contains(err.Error(), "secret") {
		t.Errorf("message does not say where and how: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused save wrote files")
	}
	if err := c.Save(SaveOptions{AllowLiteralSecrets: true}); err != nil {
		t.Errorf("explicit allow: %v", err)
	}
}

func TestAtomicWriteLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	if err := everything(dir).Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for name := range snapshot(t, dir) {
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file left: %s", name)
		}
	}
	if !bytes.Contains([]byte(snapshot(t, dir)["collection.yaml"]), []byte("order:")) {
		t.Errorf("collection.yaml has no order")
	}
}

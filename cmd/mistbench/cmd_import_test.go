package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/postman"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

const pmFixtures = "../../collections/postman/testdata/"

// noFileHolds fails when any file under dir contains s.
func noFileHolds(t *testing.T, dir, s string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", p, s)
			}
		}
		return nil
	})
}

func TestImportPostmanSecretsGoToTheStore(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	dir := filepath.Join(t.TempDir(), "mist")
	code, out, errs := runIn(t, "", "import", "postman", pmFixtures+"community.postman_collection.json",
		"--env", pmFixtures+"object.postman_environment.json", "-o", dir)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	if !strings.Contains(out, "imported 2 request(s)") || !strings.Contains(errs, "postman import: kept") || !strings.Contains(errs, "dropped: collection: disabled variable old") {
		t.Errorf("report:\n%s\n%s", out, errs)
	}
	noFileHolds(t, dir, "s3cr3t-token-value")
	noFileHolds(t, dir, "t0k")
	c, err := collections.Load(dir)
	if err != nil || len(c.Problems) > 0 {
		t.Fatalf("load: %v %v", err, c.Problems)
	}
	store, err := collections.DefaultSecretStore()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := store.Secret(c.ID, "", "apitoken"); !ok || v != "s3cr3t-token-value" {
		t.Errorf("collection secret in store: %q %v", v, ok)
	}
	if v, ok := store.Secret(c.ID, "Mist EU", "apitoken"); !ok || v != "t0k" {
		t.Errorf("environment secret in store: %q %v", v, ok)
	}
	// The imported request resolves with the stored token.
	req, path, err := c.Find("whoami")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Resolve(req, path, collections.Scope{Env: c.Environment("Mist EU"), Secrets: store})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://api.eu.mist.com/api/v1/self" {
		t.Errorf("URL %s", res.URL)
	}
	if v, _ := res.HeaderValue("Authorization"); v != "Token t0k" {
		t.Errorf("Authorization %q", v)
	}

	// An import never writes over a collection; --merge adds a folder.
	if code, _, errs := runIn(t, "", "import", "postman", pmFixtures+"juniper.postman_collection.json", "-o", dir); code != 2 || !strings.Contains(errs, "--merge") {
		t.Errorf("import over a collection: %d %s", code, errs)
	}
	if code, _, errs := runIn(t, "", "import", "postman", pmFixtures+"juniper.postman_collection.json", "-o", dir, "--merge"); code != 0 {
		t.Fatalf("merge: %d %s", code, errs)
	}
	c2, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c2.Find("whoami"); err != nil {
		t.Errorf("merge lost a request: %v", err)
	}
	if _, _, err := c2.Find("Mist API/Sites/Wlans/listSiteWlans"); err != nil {
		t.Errorf("merged folder: %v", err)
	}
}

// Generated collections (openapi-to-postmanv2, API portals) write
// placeholders such as <token> where a credential goes: nothing secret,
// so the import keeps them and saves, and a later save does too.
func TestImportKeepsCredentialPlaceholders(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	src := filepath.Join(t.TempDir(), "ph.postman_collection.json")
	doc := `{"info": {"name": "ph", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	 "item": [{"name": "r", "request": {"method": "GET", "url": "https://x.example/a",
	   "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "<token>", "type": "string"}]},
	   "header": [{"key": "X-Api-Key", "value": "<API Key>"}, {"key": "Authorization", "value": "Bearer <token>"}]}}]}`
	if err := os.WriteFile(src, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ph")
	if code, _, errs := runIn(t, "", "import", "postman", src, "-o", dir); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	c, err := collections.Load(dir)
	if err != nil || len(c.Problems) > 0 {
		t.Fatalf("load: %v %v", err, c.Problems)
	}
	var r *collections.Request
	c.Walk(func(_ []*collections.Folder, x *collections.Request) { r = x })
	if r == nil || r.Auth.Token != "<token>" || len(r.Headers) != 2 || r.Headers[0].Value != "<API Key>" {
		t.Fatalf("request: %+v", r)
	}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatalf("save: %v", err)
	}
}

func TestImportRefusesNonEmptyDir(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runIn(t, "", "import", "har", "../../collections/har/testdata/browser.har", "-o", dir)
	if code != 2 || !strings.Contains(errs, "not empty") {
		t.Errorf("%d %s", code, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("user file touched")
	}
}

func TestImportOpenAPIAndHAR(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "pets")
	code, out, errs := runIn(t, "", "import", "openapi", "../../collections/openapi/testdata/petstore30.yaml", "-o", dir)
	if code != 0 || !strings.Contains(out, "imported 6 request(s)") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	code, out, _ = runIn(t, "", "ls", dir)
	if code != 0 || strings.Count(out, "\n") != 6 || !strings.Contains(out, "Animals/pets/Get a pet") {
		t.Errorf("ls: %d\n%s", code, out)
	}
	code, out, errs = runIn(t, "", "import", "openapi", "../../collections/openapi/testdata/bad_yaml.yaml", "-o", filepath.Join(t.TempDir(), "x"))
	if code == 0 || !strings.Contains(errs, "bad_yaml.yaml") {
		t.Errorf("bad spec: %d %s %s", code, out, errs)
	}
	hdir := filepath.Join(t.TempDir(), "har")
	if code, _, errs := runIn(t, "", "import", "har", "../../collections/har/testdata/browser.har", "-o", hdir); code != 0 {
		t.Fatalf("har: %d %s", code, errs)
	}
	if code, out, _ := runIn(t, "", "import", "har", "../../collections/har/testdata/browser.har", "--dry-run"); code != 0 || !strings.Contains(out, "would import 3") {
		t.Errorf("dry run: %d %s", code, out)
	}
}

func TestImportCurl(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	// Without -o: the request in the collection format, literal secrets replaced.
	code, out, errs := runIn(t, "", "import", "curl", `curl -H 'Authorization: Token abc123' 'https://api.mist.com/api/v1/self?x=1' --proxy p`)
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	if strings.Contains(out, "abc123") || !strings.Contains(out, "{{apitoken}}") || !strings.Contains(errs, "--proxy") {
		t.Errorf("out:\n%s\nerr:\n%s", out, errs)
	}
	// From stdin into a new collection, then a second one added to it.
	dir := filepath.Join(t.TempDir(), "c")
	code, _, errs = runIn(t, "curl -X PUT \\\n  http://127.0.0.1:9/api/v1/sites/s1/wlans/w1 \\\n  --data-raw '{\"ssid\":\"x\"}' -H 'Content-Type: application/json'\n", "import", "curl", "-o", dir, "--name", "Rename")
	if code != 0 {
		t.Fatalf("stdin: %d %s", code, errs)
	}
	code, _, errs = runIn(t, "", "import", "curl", "curl -u ann:pw http://127.0.0.1:9/x", "-o", dir)
	if code != 0 {
		t.Fatalf("second: %d %s", code, errs)
	}
	noFileHolds(t, dir, "pw")
	// $MIST_TOKEN becomes a secret variable read from the environment.
	code, _, errs = runIn(t, "", "import", "curl", `curl -H "Authorization: Token $MIST_TOKEN" http://127.0.0.1:9/api/v1/self`, "-o", dir, "--name", "Self")
	if code != 0 {
		t.Fatalf("env var: %d %s", code, errs)
	}
	ec, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	self, path, err := ec.Find("Self")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ec.Resolve(self, path, collections.Scope{Getenv: func(k string) string {
		if k == "MIST_TOKEN" {
			return "from-env"
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := res.HeaderValue("Authorization"); v != "Token from-env" {
		t.Errorf("Authorization = %q", v)
	}
	code, out, _ = runIn(t, "", "ls", dir)
	if code != 0 || !strings.Contains(out, "Rename") || !strings.Contains(out, "GET x") {
		t.Errorf("ls: %s", out)
	}
	// A recorded login keeps its shape, not its password.
	code, _, errs = runIn(t, "", "import", "curl", `curl https://api.mist.com/api/v1/login -H 'Content-Type: application/json' -d '{"email": "a@b.c", "password": "Hunter2-\u00e9-x", "two_factor": "123"}'`, "-o", dir, "--name", "Login")
	if code != 0 {
		t.Fatalf("login: %d %s", code, errs)
	}
	noFileHolds(t, dir, "Hunter2")
	lc, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	login, _, err := lc.Find("Login")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(login.Body.Text, `"password": "{{password`) && !strings.Contains(errs, "could not replace") {
		t.Errorf("login body: %s\n%s", login.Body.Text, errs)
	}
	if code, _, errs := runIn(t, "", "import", "curl", "wget http://x"); code != 2 || !strings.Contains(errs, "not a curl command") {
		t.Errorf("not curl: %d %s", code, errs)
	}
}

func TestExportPostmanRoundTrip(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "mist")
	if code, _, errs := runIn(t, "", "new", dir); code != 0 {
		t.Fatal(errs)
	}
	file := filepath.Join(t.TempDir(), "mist.postman_collection.json")
	envDir := filepath.Join(t.TempDir(), "envs")
	code, out, errs := runIn(t, "", "export", "postman", dir, "-o", file, "--env-dir", envDir)
	if code != 0 || !strings.Contains(out, "exported 20 request(s)") {
		t.Fatalf("export: %d %s %s", code, out, errs)
	}
	if code, _, errs := runIn(t, "", "export", "postman", dir, "-o", file); code != 2 || !strings.Contains(errs, "--force") {
		t.Errorf("overwrite without --force: %d %s", code, errs)
	}
	if code, _, _ := runIn(t, "", "export", "postman", dir); code != 2 {
		t.Errorf("no -o: %d", code)
	}
	orig, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	back, rep, err := postman.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Lossless() {
		t.Errorf("dropped: %v", rep.Notes)
	}
	// Compare the trees (Dir and load state aside).
	orig.Dir, back.Dir = "", ""
	a, _ := json.Marshal(orig.Items)
	b, _ := json.Marshal(back.Items)
	if string(a) != string(b) {
		t.Errorf("items differ after export and import")
	}
	if !reflect.DeepEqual(orig.Variables, back.Variables) || !reflect.DeepEqual(orig.Auth, back.Auth) || len(orig.Environments) != len(back.Environments) {
		t.Errorf("collection level differs:\n%+v\n%+v", orig.Variables, back.Variables)
	}
	envs, _ := filepath.Glob(filepath.Join(envDir, "*.postman_environment.json"))
	if len(envs) != len(orig.Environments) || len(envs) == 0 {
		t.Errorf("env files: %v", envs)
	}

	// COLL may be the Postman file itself, and ENV a Postman environment file.
	code, out, errs = runIn(t, "", "ls", file)
	if code != 0 || strings.Count(out, "\n") != 20 {
		t.Errorf("ls on a Postman file: %d %s %s", code, out, errs)
	}
	env := filepath.Join(t.TempDir(), "local.postman_environment.json")
	if err := os.WriteFile(env, []byte(`[{"key":"host","value":"127.0.0.1:9"},{"key":"apitoken","value":"envtok"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := openCollection(file)
	if err != nil {
		t.Fatal(err)
	}
	e, err := openEnvironment(c, env)
	if err != nil {
		t.Fatal(err)
	}
	if v := e.Lookup("apitoken"); v == nil || !v.Secret || v.Value != "envtok" {
		t.Errorf("env file secret: %+v", v)
	}
	if _, err := openEnvironment(c, "No such env"); err == nil || !strings.Contains(err.Error(), "not in collection") {
		t.Errorf("unknown env: %v", err)
	}
}

func TestImportHelpHasExamples(t *testing.T) {
	for _, f := range []string{"postman", "openapi", "curl", "har"} {
		code, out, _ := runIn(t, "", "import", f, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("import %s --help: %d\n%s", f, code, out)
		}
	}
	if code, out, _ := runIn(t, "", "export", "postman", "--help"); code != 0 || !strings.Contains(out, "newman run") {
		t.Errorf("export postman --help: %d %s", code, out)
	}
	if code, _, errs := runIn(t, "", "import", "yaml", "x"); code != 2 || !strings.Contains(errs, "unknown format") {
		t.Errorf("unknown format: %d %s", code, errs)
	}
}
func TestReplaceJSONMember(t *testing.T) {
	for _, tc := range []struct{ in, key, val, want string }{
		{`{"email": "a", "password": "p\u00e9"}`, "password", "pé", `{"email": "a", "password": "{{password}}"}`},
		{`{"a":{"password" :"x","b":["password","x"]},"password":"x"}`, "password", "x", `{"a":{"password" :"{{password}}","b":["password","x"]},"password":"{{password}}"}`},
		{`["password","x"]`, "password", "x", `["password","x"]`},
	} {
		got, _ := replaceJSONMember(tc.in, tc.key, tc.val, "{{password}}")
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestPostmanThroughDisk: each Postman fixture imported to a directory,
// loaded and exported reads back as the same collection as the file read
// directly: the on-disk format loses nothing of an import.
func TestPostmanThroughDisk(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	files, _ := filepath.Glob(pmFixtures + "*.postman_collection.json")
	if len(files) < 3 {
		t.Fatalf("fixtures: %v", files)
	}
	for _, f := range files {
		direct, _, err := postman.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "c")
		if code, _, errs := runIn(t, "", "import", "postman", f, "-o", dir); code != 0 {
			t.Fatalf("%s: %s", f, errs)
		}
		out := filepath.Join(t.TempDir(), "out.json")
		if code, _, errs := runIn(t, "", "export", "postman", dir, "-o", out); code != 0 {
			t.Fatalf("%s: export: %s", f, errs)
		}
		back, _, err := postman.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.MarshalIndent(direct.Items, "", " ")
		b, _ := json.MarshalIndent(back.Items, "", " ")
		if string(a) != string(b) {
			t.Errorf("%s: items differ after a trip through disk:\n%s", f, firstDiff(string(a), string(b)))
		}
		av, _ := json.Marshal([]any{direct.Variables, direct.Auth, direct.Description, direct.Settings})
		bv, _ := json.Marshal([]any{back.Variables, back.Auth, back.Description, back.Settings})
		if string(av) != string(bv) {
			t.Errorf("%s: collection level differs:\n%s\n%s", f, av, bv)
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo, hi := max(0, i-6), min(len(al), i+4)
			return "direct:\n" + strings.Join(al[lo:hi], "\n") + "\nthrough disk:\n" + strings.Join(bl[lo:min(len(bl), i+4)], "\n")
		}
	}
	return "lengths differ"
}

// FuzzReplaceJSONMember: no panic on any text, and a valid JSON text stays
// valid JSON after a replacement.
func FuzzReplaceJSONMember(f *testing.F) {
	f.Add(`{"email": "a", "password": "p\u00e9"}`, "password", "pé")
	f.Add(`{"a":{"password" :"x","b":["password","x"]},"password":"x"}`, "password", "x")
	f.Add(`[{"token":"t"}, "token", {"token": ["t"]}]`, "token", "t")
	f.Fuzz(func(t *testing.T, text, key, value string) {
		out, ok := replaceJSONMember(text, key, value, "{{secret}}")
		if ok && json.Valid([]byte(text)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON became invalid:\n%s\n%s", text, out)
		}
		if !ok && out != text {
			t.Fatal("text changed without a replacement")
		}
	})
}

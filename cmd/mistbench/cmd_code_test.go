package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/postman"
)

// newStarter writes the Mist starter collection and returns its directory.
func newStarter(t *testing.T) string {
	t.Helper()
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	t.Setenv("MIST_APITOKEN", "")
	dir := filepath.Join(t.TempDir(), "mist")
	if code, _, errs := runCmd(t, "new", dir); code != 0 {
		t.Fatalf("new: %d %s", code, errs)
	}
	return dir
}

func TestCodeEveryLanguage(t *testing.T) {
	dir := newStarter(t)
	for lang, want := range map[string][]string{
		"curl":   {`: "${MIST_APITOKEN:?`, `--request PUT https://api.mist.com/api/v1/sites/S%201/wlans/W1`, `'Authorization: Token '"$MIST_APITOKEN"`, `"ssid": "NewName"`},
		"python": {`os.environ["MIST_APITOKEN"]`, `url = "https://api.mist.com/api/v1/sites/S%201/wlans/W1"`, `requests.put(`, `"ssid": "NewName"`},
		"go":     {`os.Getenv("MIST_APITOKEN")`, `http.MethodPut, "https://api.mist.com/api/v1/sites/S%201/wlans/W1"`, `"Token "+mistApitoken`, `"ssid": "NewName"`},
	} {
		code, out, errs := runCmd(t, "code", "-l", lang, dir, "WLANs/Rename SSID", "-e", "Global 01", "--var", "site_id=S 1", "--var", "wlan_id=W1")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, errs)
		}
		first := strings.SplitN(out, "\n", 2)[0]
		if !strings.Contains(first, "MIST_APITOKEN") {
			t.Errorf("%s: the first line does not name MIST_APITOKEN: %q", lang, first)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", lang, w, out)
			}
		}
	}
}

func TestCodeInlineSecrets(t *testing.T) {
	dir := newStarter(t)
	c, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	store, err := collections.DefaultSecretStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetSecret(c.ID, "EMEA 01", "apitoken", "stored-token-value"); err != nil {
		t.Fatal(err)
	}
	args := []string{"code", "-l", "python", dir, "Auth/Who am I", "-e", "EMEA 01"}

	// Without the flag the value never appears.
	code, out, errs := runCmd(t, args...)
	if code != 0 || strings.Contains(out, "stored-token-value") {
		t.Fatalf("exit %d, %s\n%s", code, errs, out)
	}
	// With it, the store's value is written.
	code, out, errs = runCmd(t, append(args, "--inline-secrets")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"Token stored-token-value"`) || strings.Contains(out, "os.environ") {
		t.Errorf("inline secrets:\n%s", out)
	}
	// The environment variable named by the variable wins over the store.
	t.Setenv("MIST_APITOKEN", "env-token-value")
	if code, out, _ = runCmd(t, append(args, "--inline-secrets")...); code != 0 || !strings.Contains(out, "Token env-token-value") {
		t.Errorf("inline from the environment: exit %d\n%s", code, out)
	}
	// A secret with no value anywhere stays an environment read, with a warning.
	t.Setenv("MIST_APITOKEN", "")
	code, out, errs = runCmd(t, "code", "-l", "go", dir, "Auth/Who am I", "-e", "Global 01", "--inline-secrets")
	if code != 0 || !strings.Contains(out, `os.Getenv("MIST_APITOKEN")`) || !strings.Contains(errs, "apitoken has no value") {
		t.Errorf("no value: exit %d, stderr %q\n%s", code, errs, out)
	}
}

func TestCodeOptions(t *testing.T) {
	dir := newStarter(t)
	code, out, errs := runCmd(t, "code", "-l", "python", "--json", "--timeout", "2500ms", dir, "Auth/Who am I", "-e", "Global 01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{"timeout=2.5", "print(json.dumps(response.json(), indent=2))"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// Unresolved variables are kept and reported.
	code, out, errs = runCmd(t, "code", "-l", "curl", dir, "WLANs/Get WLAN")
	if code != 0 || !strings.Contains(errs, "host is not set") || !strings.Contains(out, "Unresolved") {
		t.Errorf("unresolved: exit %d, stderr %q\n%s", code, errs, out)
	}
	if code, _, errs = runCmd(t, "code", "--strict", "-l", "curl", dir, "WLANs/Get WLAN"); code == 0 || !strings.Contains(errs, "unresolved") {
		t.Errorf("--strict: exit %d, stderr %q", code, errs)
	}
}

func TestCodeUsageErrors(t *testing.T) {
	dir := newStarter(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"code", "-l", "cobol", dir, "Auth/Who am I"}, exitUsage, "curl, python, go"},
		{[]string{"code", "-l", "go", dir, "No/Such request"}, exitUsage, "not found"},
		{[]string{"code", "-l", "go", dir, "Auth/Who am I", "-e", "Mars 01"}, exitUsage, "Mars 01"},
		{[]string{"code", "-l", "go", dir}, exitUsage, "takes 2 argument"},
		{[]string{"code", "-l", "go", filepath.Join(dir, "nope"), "Auth/Who am I"}, exitFailed, "nope"},
		{[]string{"code", "--var", "novalue", dir, "Auth/Who am I"}, exitUsage, "want name=value"},
	} {
		code, _, errs := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", tc.args, code, tc.code, errs, tc.want)
		}
	}
	code, out, _ := runCmd(t, "code", "--help")
	if code != 0 || !strings.Contains(out, "mistbench code -l curl") || !strings.Contains(out, "--inline-secrets") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestCodeFromPostmanFile(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	c := &collections.Collection{Name: "pm", Variables: []collections.Variable{{Key: "host", Value: "api.eu.mist.com"}},
		Items: []collections.Item{&collections.Folder{Name: "Sites", Items: []collections.Item{
			&collections.Request{Name: "Get site", URL: "https://{{host}}/api/v1/sites/:site_id",
				PathVars: []collections.Param{{Key: "site_id", Value: "a b/c"}},
				Headers:  []collections.Param{{Key: "X-Dup", Value: "1"}, {Key: "X-Dup", Value: "2"}}},
		}}}}
	data, err := postman.Export(c)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "coll.postman_collection.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "code", "-l", "python", file, "Sites/Get site")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{`url = "https://api.eu.mist.com/api/v1/sites/a%20b%2Fc"`, `("X-Dup", "2")`} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/postman"
)

// TestCodeAllToStdout: every request in every language, each under a
// "==> file <==" line, in the collection's order, each the snippet that
// "mistbench code" prints for that request alone.
func TestCodeAllToStdout(t *testing.T) {
	dir := newStarter(t)
	c, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "code", "-l", "all", "--all", dir, "-e", "Global 01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, again, _ := runCmd(t, "code", "-l", "all", "--all", dir, "-e", "Global 01"); code != 0 || again != out {
		t.Error("two runs printed different output")
	}
	var want strings.Builder
	n := 0
	c.Walk(func(path []*collections.Folder, r *collections.Request) {
		reqPath := collections.RequestPath(path, r)
		for _, lang := range []struct{ name, ext string }{{"curl", ".sh"}, {"python", ".py"}, {"go", ".go"}} {
			code, one, errs := runCmd(t, "code", "-l", lang.name, dir, reqPath, "-e", "Global 01")
			if code != 0 {
				t.Fatalf("%s %s: exit %d: %s", lang.name, reqPath, code, errs)
			}
			if n > 0 {
				want.WriteString("\n")
			}
			var names []string
			for _, f := range path {
				names = append(names, collections.FileStem(f.Name))
			}
			want.WriteString("==> " + strings.Join(append(names, collections.FileStem(r.Name)), "/") + lang.ext + " <==\n" + one)
			n++
		}
	})
	if n != 60 {
		t.Fatalf("%d snippets expected", n)
	}
	if out != want.String() {
		t.Errorf("code --all differs from the snippets one by one:\n%s", out)
	}
	if !strings.Contains(errs, "is not set: the snippets keep it as written") || strings.Count(errs, "site_id is not set") > 1 {
		t.Errorf("warnings: once per variable, got:\n%s", errs)
	}
}

// TestCodeFolderToFiles: -o writes a file per request and language,
// mirrors the folders below the one named, leaves other files alone and
// overwrites its own on the next run.
func TestCodeFolderToFiles(t *testing.T) {
	dir := newStarter(t)
	out := filepath.Join(t.TempDir(), "scripts")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "README"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(out, "Get WLAN.py"), []byte("old"), 0o644)
	code, stdout, errs := runCmd(t, "code", "-l", "python,go", dir, "WLANs", "-e", "Global 01", "-o", out)
	if code != 0 || stdout != "" || !strings.Contains(errs, "wrote 10 files under") {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errs)
	}
	for _, name := range []string{"Get WLAN", "Rename SSID"} {
		for _, lang := range []struct{ name, ext string }{{"python", ".py"}, {"go", ".go"}} {
			got, err := os.ReadFile(filepath.Join(out, name+lang.ext))
			if err != nil {
				t.Fatal(err)
			}
			_, one, _ := runCmd(t, "code", "-l", lang.name, dir, "WLANs/"+name, "-e", "Global 01")
			if string(got) != one {
				t.Errorf("%s%s differs from code -l %s", name, lang.ext, lang.name)
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, "README")); string(b) != "mine" {
		t.Error("a file of the user's was changed")
	}
	if _, err := os.Stat(filepath.Join(out, "Get WLAN.sh")); err == nil {
		t.Error("a language not asked for was written")
	}
	// The whole collection: folders become directories.
	code, _, errs = runCmd(t, "code", "--all", dir, "-e", "Global 01", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "Auth", "Who am I.sh")); err != nil {
		t.Error(err)
	}
}

// Names that make the same file name get " (2)"; a request that cannot be
// written is reported and the others still are (exit 1).
func TestCodeAllNamesAndFailures(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	c := &collections.Collection{Name: "pm", Items: []collections.Item{
		&collections.Request{Name: "a/b", URL: "http://127.0.0.1/1"},
		&collections.Request{Name: "A_b", URL: "http://127.0.0.1/2"},
		&collections.Request{Name: "bad", URL: "http://127.0.0.1/3", Headers: []collections.Param{{Key: "Bad Name", Value: "x"}}},
		&collections.Folder{Name: "f", Items: []collections.Item{&collections.Request{Name: "unset", URL: "http://{{host}}/4"}}},
	}}
	data, err := postman.Export(c)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "c.postman_collection.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "code", "--all", file)
	if code != exitFailed || !strings.Contains(errs, "bad: codegen: header") || !strings.Contains(errs, "1 of 4 requests could not be written") {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
	for _, w := range []string{"==> a_b.sh <==", "==> A_b (2).sh <==", "==> f/unset.sh <==", "http://127.0.0.1/2"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if code, _, errs = runCmd(t, "code", "--all", "--strict", file); code != exitFailed || !strings.Contains(errs, "f/unset: unresolved variables: host") {
		t.Errorf("--strict: exit %d, stderr %s", code, errs)
	}
}

func TestCodeAllInlineSecrets(t *testing.T) {
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
	code, out, errs := runCmd(t, "code", "-l", "python", "--inline-secrets", dir, "WLANs", "-e", "EMEA 01")
	if code != 0 || strings.Count(out, `"Token stored-token-value"`) != 5 || strings.Contains(out, "os.environ") {
		t.Errorf("exit %d, %s\n%s", code, errs, out)
	}
}

func TestCodeAllUsage(t *testing.T) {
	dir := newStarter(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"code", dir}, exitUsage, "or --all"},
		{[]string{"code", "--all", dir, "No such folder"}, exitUsage, "not found"},
		{[]string{"code", "-l", "curl,cobol", "--all", dir}, exitUsage, "several comma-separated, or all"},
	} {
		code, _, errs := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", tc.args, code, tc.code, errs, tc.want)
		}
	}
	code, out, _ := runCmd(t, "code", "--help")
	if code != 0 || !strings.Contains(out, "--all") || !strings.Contains(out, "==> Folder/Request name.py <==") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

// sets500 writes the Mist starter's 20 requests n times over (a folder
// "Set 01"... each), as a directory and as a Postman v2.1 file, with file
// times old enough for the parse cache to trust.
func sets500(tb testing.TB, n int) (dir, pmFile string) {
	c := collections.MistStarter()
	c.Items = nil
	for i := 1; i <= n; i++ {
		c.Items = append(c.Items, &collections.Folder{Name: fmt.Sprintf("Set %02d", i), Items: collections.MistStarter().Items})
	}
	c.Environments = collections.MistEnvironments()
	base := tb.(interface{ TempDir() string }).TempDir()
	c.Dir = filepath.Join(base, "coll")
	if err := c.Save(collections.SaveOptions{}); err != nil {
		tb.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	filepath.Walk(c.Dir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	data, err := postman.Export(c)
	if err != nil {
		tb.Fatal(err)
	}
	pmFile = filepath.Join(base, "coll.postman_collection.json")
	if err := os.WriteFile(pmFile, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return c.Dir, pmFile
}

// BenchmarkCodeAll is "mistbench code -l all --all" in-process on 500
// requests (1,500 snippets): load, resolve, generate, write.
func BenchmarkCodeAll(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	dir, pm := sets500(b, 25)
	for _, tc := range []struct{ name, coll, env string }{{"dir", dir, "-e=Global 01"}, {"postman", pm, "--var=host=api.mist.com"}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				var errb bytes.Buffer
				if code := run(context.Background(), []string{"code", "-l", "all", "--all", tc.coll, tc.env}, streams{In: strings.NewReader(""), Out: io.Discard, Err: &errb}); code != 0 {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
		})
	}
}

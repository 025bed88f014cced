package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs one mistbench command line in-process.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestNewThenLs(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "mist")
	code, out, errs := runCmd(t, "new", dir)
	if code != 0 {
		t.Fatalf("new: %d %s", code, errs)
	}
	if !strings.Contains(out, "20 requests") {
		t.Errorf("new said %q", out)
	}
	code, out, errs = runCmd(t, "ls", dir)
	if code != 0 {
		t.Fatalf("ls: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 20 {
		t.Errorf("ls printed %d lines", len(lines))
	}
	want := "WLANs/Get WLAN"
	found := false
	for _, l := range lines {
		f := strings.Fields(l)
		if strings.HasPrefix(l, want+" ") && f[len(f)-2] == "GET" && f[len(f)-1] == "https://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id" {
			found = true
		}
	}
	if !found {
		t.Errorf("ls lacks %q:\n%s", want, out)
	}
	// new refuses to write over a collection.
	if code, _, errs := runCmd(t, "new", dir); code == 0 || !strings.Contains(errs, "already holds a collection") {
		t.Errorf("new over a collection: %d %s", code, errs)
	}
}

func TestLsReportsBrokenFilesAndStillLists(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := t.TempDir()
	if code, _, errs := runCmd(t, "new", dir); code != 0 {
		t.Fatal(errs)
	}
	bad := filepath.Join(dir, "WLANs", "Get WLAN.yaml")
	if err := os.WriteFile(bad, []byte("name: Get WLAN\nmethod: GET\nurl: x\nauth:\n  type: magic\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "ls", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errs, "Get WLAN.yaml:5: unknown auth type \"magic\"") {
		t.Errorf("stderr %q", errs)
	}
	if !strings.Contains(out, "WLANs/Rename SSID") {
		t.Errorf("the rest was not listed:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, errs := runCmd(t, "ls"); code != 2 || !strings.Contains(errs, "takes 1 argument") {
		t.Errorf("ls without COLL: %d %q", code, errs)
	}
	if code, _, _ := runCmd(t, "ls", "--bogus", "x"); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
	if code, _, errs := runCmd(t, "ls", filepath.Join(t.TempDir(), "nope")); code == 0 || !strings.Contains(errs, "nope") {
		t.Errorf("missing collection: %d %q", code, errs)
	}
}

func TestHelpExplainsEveryCommand(t *testing.T) {
	root := newRootCmd(streams{})
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if c.Short == "" || c.Example == "" {
			t.Errorf("%s: no short help or example", c.Name())
		}
	}
	code, out, _ := runCmd(t, "--help")
	if code != 0 || !strings.Contains(out, "demo") {
		t.Errorf("--help: %d\n%s", code, out)
	}
}

func TestCompletionOfRequestPaths(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := t.TempDir()
	if code, _, errs := runCmd(t, "new", dir); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCmd(t, "__complete", "run", dir, "")
	if code != 0 || !strings.Contains(out, "WLANs\n") || strings.Contains(out, "Get WLAN") {
		t.Errorf("completion of run's FOLDER: %d %s\n%s", code, errs, out)
	}
	code, out, errs = runCmd(t, "__complete", "send", dir, "WLANs/Re")
	if code != 0 {
		t.Fatal(errs)
	}
	if !strings.Contains(out, "WLANs/Rename SSID") || strings.Contains(out, "Auth/") {
		t.Errorf("completion of WLANs/Re:\n%s", out)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errs := runCmd(t, "completion", shell)
		if code != 0 || !strings.Contains(out, "mistbench") {
			t.Errorf("completion %s: %d %s", shell, code, errs)
		}
	}
}

func TestLsNeverPrintsControlSequences(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "collection.yaml"), []byte("name: x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("name: \"a \\e]52;c;aGk=\\a b\"\nmethod: GET\nurl: \"http://x/\\e[31m\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("name: \"\\e]0;title\\a\"\nmethod: [\n"), 0o644)
	_, out, errs := runCmd(t, "ls", dir)
	if strings.ContainsRune(out+errs, 0x1b) || strings.ContainsRune(out+errs, 0x07) {
		t.Errorf("control characters reached the terminal:\n%q\n%q", out, errs)
	}
	if !strings.Contains(out, "http://x/") {
		t.Errorf("the request was not listed: %q", out)
	}
}

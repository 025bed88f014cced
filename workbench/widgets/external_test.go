package widgets

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// script writes an executable shell script into dir.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// runApp runs a real tview app on a simulated screen and returns a function
// that runs f on its event goroutine and waits for it.
func runApp(t *testing.T) (*tview.Application, func(f func())) {
	t.Helper()
	screen := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(screen).SetRoot(tview.NewBox(), true)
	done := make(chan error, 1)
	go func() { done <- app.Run() }()
	t.Cleanup(func() {
		app.Stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return app, func(f func()) {
		ran := make(chan struct{})
		app.QueueUpdate(func() { f(); close(ran) })
		<-ran
	}
}

// suspendRecorder is a Suspender that counts suspensions.
type suspendRecorder struct {
	n  int
	ok bool
}

func (s *suspendRecorder) Suspend(f func()) bool {
	if !s.ok {
		return false
	}
	s.n++
	f()
	return true
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEditTextWithRealApp(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	// The editor rewrites the file, as a person would, and records the name.
	editor := script(t, dir, "ed.sh", `echo "$1" > "$(dirname "$0")/name"; sed -e 's/TestWlan/Renamed/' "$1" > "$1.new" && mv "$1.new" "$1"`+"\n")
	x := External{Getenv: env(map[string]string{"EDITOR": editor}), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, TmpDir: dir}
	app, onUI := runApp(t)
	var got string
	var err error
	// As from a key handler: on the event goroutine, with the real app.
	onUI(func() { got, err = x.EditText(app, `{"ssid":"TestWlan"}`, ".json") })
	if err != nil || got != `{"ssid":"Renamed"}`+"\n" && got != `{"ssid":"Renamed"}` {
		t.Fatalf("edited = %q, %v", got, err)
	}
	name, _ := os.ReadFile(filepath.Join(dir, "name"))
	if !strings.HasSuffix(strings.TrimSpace(string(name)), ".json") {
		t.Errorf("temp file %q lacks the extension", name)
	}
	if _, err := os.Stat(strings.TrimSpace(string(name))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp file left behind: %v", err)
	}
}

func TestEditTextCases(t *testing.T) {
	dir := t.TempDir()
	appendLine := script(t, dir, "append.sh", `for f; do :; done; printf 'added\n' >> "$f"`+"\n")
	fail := script(t, dir, "fail.sh", "exit 3\n")
	quiet := External{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, TmpDir: dir}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"visual wins", map[string]string{"VISUAL": appendLine, "EDITOR": fail}, "body\nadded\n", ""},
		{"editor with flags", map[string]string{"EDITOR": appendLine + " --wait"}, "body\nadded\n", ""},
		{"failing editor keeps text", map[string]string{"EDITOR": fail}, "body\n", "exit status 3"},
		{"missing editor", map[string]string{"EDITOR": filepath.Join(dir, "nope")}, "body\n", "exit status 127"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := quiet
			x.Getenv = env(tc.env)
			s := &suspendRecorder{ok: true}
			got, err := x.EditText(s, "body\n", ".txt")
			if got != tc.want || s.n != 1 {
				t.Errorf("got %q after %d suspensions", got, s.n)
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
			var exitErr *exec.ExitError
			if tc.wantErr != "" && !errors.As(err, &exitErr) {
				t.Errorf("error %v does not wrap the exit error", err)
			}
		})
	}
	// An app that cannot suspend runs nothing.
	x := quiet
	x.Getenv = env(map[string]string{"EDITOR": appendLine})
	if got, err := x.EditText(&suspendRecorder{}, "body\n", ""); !errors.Is(err, ErrNotSuspended) || got != "body\n" {
		t.Errorf("not suspended: %q %v", got, err)
	}
	if (External{Getenv: env(nil)}).Editor() != "vi" || (External{Getenv: env(nil)}).Pager() != "less" {
		t.Error("defaults")
	}
}

func TestPager(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "seen")
	pager := script(t, dir, "pager.sh", `cat "$1" > "`+out+`"`+"\n")
	x := External{Getenv: env(map[string]string{"PAGER": pager}), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, TmpDir: dir}
	s := &suspendRecorder{ok: true}
	if err := x.PageText(s, "a body\x1b[2J", ".txt"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "a body\x1b[2J" {
		t.Errorf("pager saw %q", b)
	}
	body := filepath.Join(dir, "body.json")
	os.WriteFile(body, []byte(`{"big":true}`), 0o600)
	if err := x.PageFile(s, body); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != `{"big":true}` || s.n != 2 {
		t.Errorf("pager saw %q after %d suspensions", b, s.n)
	}
}

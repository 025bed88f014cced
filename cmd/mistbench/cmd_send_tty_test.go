package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// TestSendOnARealTerminal runs the binary in a private tmux server that
// accepts OSC 52 (set-clipboard on): a body carrying ESC ]52 must neither
// set tmux's clipboard buffer nor clear the screen, and must show in its
// inert, visible form.
func TestSendOnARealTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is needed for this test (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mistbench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/json" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "{\"note\": \"\u009b7mREV\"}")
			return
		}
		// (A control character in a header never arrives: net/http refuses
		// the answer. Headers printed by -i are sanitised all the same.)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "top\nA\x1b]52;c;SEVMTE8=\x07B\x1b[2JC\n")
	}))
	defer srv.Close()
	coll := filepath.Join(dir, "c")
	c := &collections.Collection{Name: "tty", ID: "33333333-2222-4333-8444-555555555555", Dir: coll, Items: []collections.Item{
		&collections.Request{Name: "plain", URL: srv.URL + "/plain"},
		&collections.Request{Name: "json", URL: srv.URL + "/json"},
	}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	sock, conf := filepath.Join(dir, "tmux.sock"), filepath.Join(dir, "tmux.conf")
	os.WriteFile(conf, []byte("set -g set-clipboard on\nset -g history-limit 100\n"), 0o600)
	script := "MISTBENCH_HOME=" + filepath.Join(dir, "home") + " " + bin + " send " + coll + " plain -i; " +
		"MISTBENCH_HOME=" + filepath.Join(dir, "home") + " " + bin + " send " + coll + " json; " +
		"tmux -S " + sock + " wait-for -S sent; exec cat"
	tmux := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	if out, err := tmux("-f", conf, "new-session", "-d", "-s", "tty", "-x", "160", "-y", "30", script); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	defer tmux("kill-server")
	if out, err := tmux("wait-for", "sent"); err != nil { // returns once both sends are done
		t.Fatalf("tmux wait-for: %v %s", err, out)
	}
	screen, err := tmux("capture-pane", "-p", "-t", "tty")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"top", "A^[]52;c;SEVMTE8=^GB^[[2JC", "<U+009B>7mREV"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the terminal does not show %q:\n%s", want, screen)
		}
	}
	if buf, err := tmux("show-buffer"); err == nil {
		t.Errorf("a response wrote the clipboard: %q", buf)
	}
}

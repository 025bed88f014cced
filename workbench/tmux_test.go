package workbench

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a real terminal: a private tmux
// server (its own socket, so the user's tmux is never touched).
type tmuxSession struct {
	t    *testing.T
	sock string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

func (s *tmuxSession) capture() string {
	return s.tmux("capture-pane", "-p", "-t", "e2e")
}

// waitFor polls the pane until it shows every text, up to a deadline.
func (s *tmuxSession) waitFor(texts ...string) string {
	s.t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(30 * time.Second)
	for {
		screen := s.capture()
		ok := true
		for _, text := range texts {
			ok = ok && strings.Contains(screen, text)
		}
		if ok {
			return screen
		}
		select {
		case <-tick.C:
		case <-timeout:
			s.t.Fatalf("the terminal never showed %q:\n%s", texts, screen)
		}
	}
}

// startDemoInTmux builds mistbench and runs "mistbench demo" in a private
// tmux server (120x36) with its own MISTBENCH_HOME, which it returns. It
// skips without tmux, except in CI, which must have it.
func startDemoInTmux(t *testing.T) (*tmuxSession, string) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is needed for the end-to-end test (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mistbench")
	build := exec.Command("go", "build", "-o", bin, "github.com/mistbench/mistbench/cmd/mistbench")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &tmuxSession{t: t, sock: filepath.Join(dir, "tmux.sock")}
	home := filepath.Join(dir, "home")
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36",
		"env", "MISTBENCH_HOME="+home, "TERM=tmux-256color", bin, "demo")
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s, home
}

// The seed walk in a real terminal: mistbench demo, send Who am I, list
// the WLANs, open Rename SSID, edit its body, send it, and read the
// Python code for it.
func TestDemoInTmux(t *testing.T) {
	s, home := startDemoInTmux(t)
	// Let programs set tmux's buffer with OSC 52, as over SSH.
	s.tmux("set-option", "-g", "set-clipboard", "on")

	s.waitFor("env Sandbox (127.0.0.1:", "Auth/Who am I", "Ctrl+R send")
	s.keys("C-r")
	s.waitFor("200 OK", "captured org_id, site_id")

	// To WLANs/List site WLANs and send it: it captures wlan_id.
	s.keys("M-1")
	for range 12 {
		s.keys("Down")
	}
	s.keys("Enter")
	s.waitFor("WLANs/List site WLANs")
	s.keys("M-Enter") // the other send keys, as a real terminal sends them
	s.waitFor("captured wlan_id")

	// Rename SSID: edit the body in place and send it.
	s.keys("M-1", "Down", "Down", "Down", "Enter")
	s.waitFor("WLANs/Rename SSID", "PUT https://{{host}}")
	s.keys("]", "]", "]", "]")
	s.waitFor("kind json")
	s.keys("Enter", "Down", "End")
	s.keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
	s.keys("-l", `Lab-Renamed"`)
	s.keys("Escape")
	// Wait for Esc to land before the next key: ESC followed at once by
	// another key reads as Alt+key in any terminal.
	s.waitFor("✓ valid JSON", `"ssid": "Lab-Renamed"`, "WLANs/Rename SSID ●", "Enter edits")
	s.keys("F5")
	s.waitFor("Rename SSID → 200 OK")

	// The Python code of the request as edited, the token as an env read.
	s.keys("C-g")
	s.waitFor("Python (requests)", "import requests", "Lab-Renamed", `os.environ["MIST_APITOKEN"]`)
	s.keys("End")
	s.waitFor("requests.put(")
	// y copies it with OSC 52: tmux's buffer receives the snippet.
	s.keys("y")
	s.waitFor("copied the code")
	buf := s.tmux("show-buffer")
	for _, want := range []string{"import requests", "requests.put(", "Lab-Renamed", `os.environ["MIST_APITOKEN"]`} {
		if !strings.Contains(buf, want) {
			t.Fatalf("the copied code lacks %q:\n%s", want, buf)
		}
	}

	// Get WLAN again: leaving the edited request asks; Save keeps the edit.
	s.keys("M-1", "Up", "Up", "Enter")
	s.waitFor("has unsaved changes", "Save", "Discard")
	s.keys("Enter")
	s.waitFor("WLANs/Get WLAN")
	s.keys("C-r")
	s.waitFor("Get WLAN → 200 OK")
	s.keys("M-3", "End") // the body's keys are sorted: ssid is near the end
	screen := s.waitFor(`"ssid": "Lab-Renamed"`)
	if strings.Contains(screen, "\x1b") {
		t.Fatalf("escape bytes in the pane:\n%q", screen)
	}
	if _, err := os.Stat(filepath.Join(home, "demo")); err != nil {
		t.Fatalf("the demo kept nothing under MISTBENCH_HOME: %v", err)
	}
}

package workbench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
)

// harness runs the real event loop on a simulated screen. Keys go in with
// app.QueueEvent; sync waits for a sentinel key queued after them, so
// every key before it was handled and drawn. Nothing sleeps.
type harness struct {
	t        *testing.T
	w        *Workbench
	sim      tcell.SimulationScreen
	sentinel chan struct{}
	done     chan error
	copied   chan string
}

// deadline bounds every wait; a healthy test never comes near it.
const deadline = 20 * time.Second

func start(t *testing.T, cfg Config, width, height int) *harness {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	cfg.Screen = sim
	h := &harness{t: t, sim: sim, sentinel: make(chan struct{}, 1), done: make(chan error, 1), copied: make(chan string, 4)}
	if cfg.Clipboard == nil {
		cfg.Clipboard = func(s string) error { h.copied <- s; return nil }
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetSize(width, height)
	h.w = w
	w.onSentinel = func() { h.sentinel <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-h.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(deadline):
			t.Error("the workbench did not stop")
		}
	})
	h.sync()
	return h
}

// press queues keys by name: "Ctrl+R", "Enter", "Esc", "Down", "Tab",
// "F5", "Alt+Enter", "Backtab", "Backspace", or a single character.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.w.app.QueueEvent(keyEvent(h.t, k))
	}
}

// typ queues the characters of s.
func (h *harness) typ(s string) {
	for _, r := range s {
		if r == '\n' {
			h.w.app.QueueEvent(tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone))
			continue
		}
		h.w.app.QueueEvent(tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone))
	}
}

func keyEvent(t *testing.T, name string) *tcell.EventKey {
	t.Helper()
	if len([]rune(name)) == 1 {
		return tcell.NewEventKey(tcell.KeyRune, []rune(name)[0], tcell.ModNone)
	}
	mod := tcell.ModNone
	base := name
	for {
		if b, ok := strings.CutPrefix(base, "Ctrl+"); ok {
			if len(b) == 1 && b[0] >= 'A' && b[0] <= 'Z' {
				return tcell.NewEventKey(tcell.KeyCtrlA+tcell.Key(b[0]-'A'), 0, tcell.ModCtrl)
			}
			mod |= tcell.ModCtrl
			base = b
			continue
		}
		if b, ok := strings.CutPrefix(base, "Alt+"); ok {
			if len([]rune(b)) == 1 {
				return tcell.NewEventKey(tcell.KeyRune, []rune(b)[0], tcell.ModAlt)
			}
			mod |= tcell.ModAlt
			base = b
			continue
		}
		break
	}
	names := map[string]tcell.Key{"Enter": tcell.KeyEnter, "Esc": tcell.KeyEscape, "Tab": tcell.KeyTab, "Backtab": tcell.KeyBacktab,
		"Up": tcell.KeyUp, "Down": tcell.KeyDown, "Left": tcell.KeyLeft, "Right": tcell.KeyRight, "Backspace": tcell.KeyBackspace2,
		"F1": tcell.KeyF1, "F5": tcell.KeyF5, "Home": tcell.KeyHome, "End": tcell.KeyEnd, "Delete": tcell.KeyDelete}
	k, ok := names[base]
	if !ok {
		for key, n := range tcell.KeyNames {
			if n == base {
				k, ok = key, true
			}
		}
	}
	if !ok {
		t.Fatalf("test: unknown key %q", name)
	}
	return tcell.NewEventKey(k, 0, mod)
}

// sync returns once every key queued so far was handled and drawn.
func (h *harness) sync() {
	h.t.Helper()
	h.w.app.QueueEvent(tcell.NewEventKey(sentinelKey, 0, tcell.ModNone))
	select {
	case <-h.sentinel:
	case <-time.After(deadline):
		h.t.Fatalf("the workbench did not handle its keys within %s; screen:\n%s", deadline, h.screen())
	}
}

// idle waits for background work (a send) to finish, then syncs.
func (h *harness) idle() {
	h.t.Helper()
	h.sync() // the keys that start the work are handled first
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := h.w.WaitIdle(ctx); err != nil {
		h.t.Fatalf("%v; screen:\n%s", err, h.screen())
	}
	h.sync()
}

// screen returns the simulated screen's text, trailing spaces trimmed.
// It reads on the UI goroutine: the simulated screen's cells are not
// locked against a concurrent draw.
func (h *harness) screen() string {
	var s string
	h.onUI(func() { s = screenText(h.sim) })
	return s
}

func screenText(sim tcell.SimulationScreen) string {
	cells, width, height := sim.GetContents()
	var b strings.Builder
	for y := 0; y < height; y++ {
		var line strings.Builder
		for x := 0; x < width; x++ {
			c := cells[y*width+x]
			if len(c.Runes) == 0 {
				continue // the second half of a wide character
			}
			line.WriteString(string(c.Runes))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// want fails unless the screen shows every one of texts.
func (h *harness) want(texts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, text := range texts {
		if !strings.Contains(s, text) {
			h.t.Fatalf("screen lacks %q:\n%s", text, s)
		}
	}
}

// wantNot fails if the screen shows any of texts.
func (h *harness) wantNot(texts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, text := range texts {
		if strings.Contains(s, text) {
			h.t.Fatalf("screen shows %q:\n%s", text, s)
		}
	}
}

// onUI runs f on the UI goroutine and waits, to read state without races.
func (h *harness) onUI(f func()) {
	done := make(chan struct{})
	h.w.app.QueueUpdate(func() { f(); close(done) })
	select {
	case <-done:
	case <-time.After(deadline):
		h.t.Fatal("the UI goroutine did not run the update")
	}
}

// testCollection is a small Mist-like collection saved in a temporary
// directory, with an environment "Local" whose host is host.
func testCollection(t testing.TB, host string) *collections.Collection {
	t.Helper()
	site := collections.Param{Key: "site_id", Value: "{{site_id}}"}
	wlan := collections.Param{Key: "wlan_id", Value: "{{wlan_id}}"}
	c := &collections.Collection{
		Name: "Lab",
		Auth: collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Items: []collections.Item{
			&collections.Folder{Name: "WLANs", Items: []collections.Item{
				&collections.Request{Name: "List WLANs", Method: "GET", URL: "http://{{host}}/api/v1/sites/:site_id/wlans", PathVars: []collections.Param{site}},
				&collections.Request{Name: "Get WLAN", Method: "GET", URL: "http://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id", PathVars: []collections.Param{site, wlan}},
				&collections.Request{Name: "Rename SSID", Method: "PUT", URL: "http://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id", PathVars: []collections.Param{site, wlan},
					Body: collections.Body{Kind: collections.BodyJSON, Text: "{\"ssid\": \"NewName\"}\n"}},
			}},
			&collections.Request{Name: "Who am I", Method: "GET", URL: "http://{{host}}/api/v1/self",
				Captures: []collections.Capture{{Var: "site_id", JQ: ".site_id"}}},
		},
		Environments: []*collections.Environment{
			{Name: "Local", Variables: []collections.Variable{
				{Key: "host", Value: host},
				{Key: "site_id", Value: "s1"},
				{Key: "wlan_id", Value: "w1"},
				{Key: "apitoken", Secret: true},
			}},
			{Name: "Other", Variables: []collections.Variable{{Key: "host", Value: "127.0.0.1:9"}}},
		},
		Dir: t.TempDir(),
	}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	loaded, err := collections.Load(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

// memSecrets is an in-memory SecretStore.
type memSecrets map[string]string

func (m memSecrets) Secret(coll, env, key string) (string, bool) {
	v, ok := m[coll+"/"+env+"/"+key]
	return v, ok
}

func (m memSecrets) SetSecret(coll, env, key, value string) error {
	m[coll+"/"+env+"/"+key] = value
	return nil
}

func (m memSecrets) String() string { return fmt.Sprint(map[string]string(m)) }

// grepDir names the files under dir that contain s ("" when none).
func grepDir(t *testing.T, dir, s string) string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), s) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(found, " ")
}

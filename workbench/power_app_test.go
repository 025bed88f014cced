package workbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
)

// until syncs with the event loop until cond (read on the UI goroutine)
// holds: background work (a search, a jq run) posts its result through
// the same loop, so each sync gives it the chance to land. No sleeping.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	end := time.Now().Add(deadline)
	for {
		h.sync()
		ok := false
		h.onUI(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(end) {
			h.t.Fatalf("never: %s; screen:\n%s", what, h.screen())
		}
	}
}

// paste sends text as a bracketed paste.
func (h *harness) paste(text string) {
	h.w.app.QueueEvent(tcell.NewEventPaste(true))
	h.typ(text)
	h.w.app.QueueEvent(tcell.NewEventPaste(false))
}

// click presses and releases the left button at x, y.
func (h *harness) click(x, y int) {
	h.w.app.QueueEvent(tcell.NewEventMouse(x, y, tcell.Button1, tcell.ModNone))
	h.w.app.QueueEvent(tcell.NewEventMouse(x, y, tcell.ButtonNone, tcell.ModNone))
}

// wheel scrolls down n notches at x, y.
func (h *harness) wheel(x, y, n int) {
	for range n {
		h.w.app.QueueEvent(tcell.NewEventMouse(x, y, tcell.WheelDown, tcell.ModNone))
	}
}

// findText returns the screen position of text (-1, -1 if absent).
func (h *harness) findText(text string) (int, int) {
	for y, line := range strings.Split(h.screen(), "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return len([]rune(line[:i])), y
		}
	}
	return -1, -1
}

// bodyServer serves the power tests' bodies on 127.0.0.1: /list is a
// JSON array of n WLANs, /big one of several megabytes that echoes the
// token, /echo echoes the request.
func bodyServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list":
			w.Header().Set("Content-Type", "application/json")
			w.Write(wlanList(300, ""))
		case "/big":
			w.Header().Set("Content-Type", "application/json")
			w.Write(wlanList(80000, r.Header.Get("Authorization")))
		default:
			w.Header().Set("Content-Type", "application/json")
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, `{"method":%q,"path":%q,"body":%q}`, r.Method, r.URL.Path, b)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// wlanList is a JSON array of n WLANs; every 1000th carries note.
func wlanList(n int, note string) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		n := ""
		if note != "" && i%1000 == 999 {
			n = note
		}
		fmt.Fprintf(&b, `{"id":"w%05d","ssid":"Lab-%d","vlan_id":%d,"note":%q}`, i, i, i%4094, n)
	}
	b.WriteString("]")
	return b.Bytes()
}

// powerCollection has requests to the body server, with a secret token.
func powerCollection(t *testing.T, host string) (*collections.Collection, memSecrets) {
	t.Helper()
	c := &collections.Collection{
		Name: "Power",
		Auth: collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Items: []collections.Item{
			&collections.Folder{Name: "Bodies", Items: []collections.Item{
				&collections.Request{Name: "List", Method: "GET", URL: "http://{{host}}/list"},
				&collections.Request{Name: "Big", Method: "GET", URL: "http://{{host}}/big"},
				&collections.Request{Name: "Echo", Method: "POST", URL: "http://{{host}}/echo", Description: "Echoes what it gets.",
					Body: collections.Body{Kind: collections.BodyJSON, Text: "{\"a\": 1}\n"}},
			}},
		},
		Variables: []collections.Variable{{Key: "site_id", Value: "from-collection"}},
		Environments: []*collections.Environment{
			{Name: "Local", Variables: []collections.Variable{{Key: "host", Value: host}, {Key: "site_id", Value: "s1"}, {Key: "apitoken", Secret: true}}},
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
	secrets := memSecrets{}
	secrets.SetSecret(loaded.ID, "Local", "apitoken", testToken)
	return loaded, secrets
}

func startPower(t *testing.T, cfg Config) *harness {
	t.Helper()
	srv := bodyServer(t)
	c, secrets := powerCollection(t, strings.TrimPrefix(srv.URL, "http://"))
	cfg.Collection, cfg.Env, cfg.Secrets = c, "Local", secrets
	h := start(t, cfg, 110, 32)
	h.onUI(func() { h.w.power.body.view.Debounce = 0 })
	return h
}

// openAndSend opens Bodies/NAME (through the palette) and sends it.
func (h *harness) openAndSend(name string) {
	h.t.Helper()
	h.press("Ctrl+P")
	h.typ("Bodies/" + name + "\n")
	h.sync()
	h.want("Bodies/" + name)
	h.press("Ctrl+R")
	h.idle()
}

func TestPowerBodySearchJQCopySave(t *testing.T) {
	t.Parallel()
	h := startPower(t, Config{})
	h.openAndSend("List")
	h.want("200 OK", `"ssid": "Lab-0"`)
	v := h.w.power.body.view

	// Search: / with next and previous.
	h.press("Alt+3", "/")
	h.typ("Lab-250\n")
	h.until("the search finds Lab-250", func() bool { _, n, _, done := v.Search(); return done && n > 0 })
	h.want(`"ssid": "Lab-250"`)
	h.press("n")
	h.until("n wraps to the only match", func() bool { _, _, cur, _ := v.Search(); return cur == 0 })
	h.want(`"ssid": "Lab-250"`)

	// jq, live: each keystroke narrows the body.
	h.press("|")
	h.typ(".[3]")
	h.until("jq .[3] ran", func() bool { f, running, _ := v.Filtering(); return f == ".[3]" && !running })
	h.want(`"ssid": "Lab-3"`)
	h.wantNot(`"Lab-0"`)
	h.typ(".ssid\n")
	h.until("jq .[3].ssid ran", func() bool { f, running, _ := v.Filtering(); return f == ".[3].ssid" && !running })
	h.want(`"Lab-3"`)
	h.press("y")
	h.until("copied", func() bool { return len(h.copied) > 0 })
	if got := <-h.copied; strings.TrimSpace(got) != `"Lab-3"` {
		t.Fatalf("y copied %q, want the jq result", got)
	}
	h.want(`copied the jq result`)

	// An error shows inline; Esc in the filter line clears it.
	h.press("|", "Ctrl+U")
	h.typ(".[")
	h.until("jq error", func() bool { _, running, err := v.Filtering(); return !running && err != "" })
	_, _, jqErr := v.Filtering()
	if x, _ := h.findText(firstWords(jqErr)); x < 0 {
		t.Fatalf("the jq error %q is not on screen:\n%s", jqErr, h.screen())
	}
	h.press("Esc")
	h.until("the filter cleared", func() bool { f, _, _ := v.Filtering(); return f == "" })
	h.press("g")
	h.sync()
	h.want(`"ssid": "Lab-0"`)

	// y without a filter copies the whole body.
	h.press("y")
	h.until("copied", func() bool { return len(h.copied) > 0 })
	var list []map[string]any
	if err := json.Unmarshal([]byte(<-h.copied), &list); err != nil || len(list) != 300 {
		t.Fatalf("copied body: %d items, %v", len(list), err)
	}

	// w saves the body as received.
	out := filepath.Join(t.TempDir(), "saved.json")
	h.press("w", "Ctrl+U")
	h.typ(out + "\n")
	h.until("saved", func() bool { _, err := os.Stat(out); return err == nil })
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, wlanList(300, "")) {
		t.Fatalf("saved body differs (%d bytes, %v)", len(got), err)
	}
}

func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(len(f), 3)], " ")
}

// A body over the engine's memory limit is shown from disk, with the
// token it echoes redacted, and still searches, filters and scrolls.
func TestPowerLargeBodyFromDiskRedacted(t *testing.T) {
	t.Parallel()
	// Registered first, so it runs after the workbench stopped: the body
	// files go with it.
	var files []string
	t.Cleanup(func() {
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				t.Errorf("%s is left behind", f)
			}
		}
	})
	h := startPower(t, Config{})
	h.openAndSend("Big")
	h.want("200 OK")
	p := h.w.power.body
	h.until("the whole body is indexed from the redacted copy", func() bool {
		_, done := p.view.Indexed()
		return p.file != nil && p.temp != "" && done && !p.view.Formatting()
	})
	var size int64
	h.onUI(func() { size = h.w.resp.resp.Size })
	if size < 4<<20 {
		t.Fatalf("body of %d bytes: not over the memory limit", size)
	}
	h.press("Alt+3", "G")
	h.until("at the bottom", func() bool { lines, _ := p.view.Indexed(); return p.view.Top() > lines-40 })
	h.want(`"id": "w79999"`)
	h.wantNot(testToken)
	// The token's place shows the mask.
	h.press("/")
	h.typ("••••••\n")
	h.until("search done", func() bool { _, _, _, done := p.view.Search(); return done })
	_, n, _, _ := p.view.Search()
	if n != 80 {
		t.Fatalf("%d masked tokens, want 80", n)
	}
	h.want("Token ••••••")
	h.wantNot(testToken)
	h.press("|")
	h.typ("length\n")
	h.until("jq length", func() bool { f, running, _ := p.view.Filtering(); return f == "length" && !running })
	h.want("80000")
	h.onUI(func() { files = []string{p.temp, h.w.resp.resp.BodyPath} })
	if files[1] == "" {
		t.Fatal("the body was not spooled to a file")
	}
	data, err := os.ReadFile(p.temp)
	if err != nil || bytes.Contains(data, []byte(testToken)) {
		t.Fatalf("the redacted copy holds the token (%v)", err)
	}
}

func TestPowerTreeFilter(t *testing.T) {
	t.Parallel()
	c := bigCollection(1000)
	c.Dir = t.TempDir()
	h := start(t, Config{Collection: c, Env: "Local"}, 110, 32)
	h.press("/")
	h.typ("0421")
	h.sync()
	h.want("/0421", "Operation 0421", "of 1000")
	h.wantNot("Operation 0000", "Tag 000")
	if it := h.w.tree.selected(); it == nil || it.ItemName() != "Operation 0421" {
		t.Fatalf("selected %v, want the best match", it)
	}
	// A rebuild of the tree by the core (rename, move) keeps the filter.
	h.onUI(func() { h.w.tree.rebuild() })
	h.press("Down")
	h.sync()
	h.want("/0421", "of 1000")
	h.wantNot("Operation 0000", "Tag 000")
	// URLs and methods match too: DEL over thing URLs.
	h.press("Ctrl+U")
	h.typ("things999")
	h.sync()
	h.want("Operation 0999")
	h.press("Enter")
	h.sync()
	h.want("Tag 049/Operation 0999", "DELETE https://{{host}}/api/v1/sites/:site_id/things999/:thing_id")
	// Esc in the filter line gives the whole tree back, the request kept.
	h.press("Alt+1", "/", "Esc")
	h.sync()
	h.want(" Collection ", "Operation 0999 ◂", "▾ Tag 049", "▸ Tag 048")
	h.wantNot("Collection: ")
	// j/k/g/G in the tree.
	h.press("g")
	h.sync()
	h.until("top", func() bool { return h.w.tree.selected() == c.Items[0] })
	h.press("j")
	h.until("j moves down", func() bool { it := h.w.tree.selected(); return it != nil && it != c.Items[0] })
	h.press("G", "k")
	h.until("G then k", func() bool { it := h.w.tree.selected(); return it != nil && it.ItemName() == "Operation 0998" })
}

func TestPowerPalette(t *testing.T) {
	t.Parallel()
	h := startPower(t, Config{})
	h.press("Ctrl+P")
	h.sync()
	h.want("Command palette", "send — send the request", "Ctrl+R, F5, Alt+Enter")
	h.typ("echo")
	h.sync()
	h.press("Enter")
	h.sync()
	h.want("Bodies/Echo", "POST http://{{host}}/echo")
	h.wantNot("Command palette")
	// Actions by name; the environment list then moves with j/k.
	h.press("Ctrl+P")
	h.typ("switch-env")
	h.press("Enter")
	h.sync()
	h.want("Environment", "(no environment)")
	h.press("k", "Enter")
	h.sync()
	h.want("env no environment")
	h.press("Ctrl+P")
	h.typ("switch-env")
	h.press("Enter", "g", "j", "Enter")
	h.sync()
	h.want("env Local")
	// A pane's action focuses its pane first.
	h.press("Ctrl+P")
	h.typ("tree: filter")
	h.press("Enter")
	h.typ("big")
	h.sync()
	h.want("Collection: 1 of 3", "GET  Big")
}

func TestPowerHistory(t *testing.T) {
	t.Parallel()
	store, err := history.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// An entry of a request no longer in the collection.
	if err := store.Append(&history.Entry{Time: time.Now().Add(-time.Hour), Request: "Gone/Old thing", Method: "PATCH",
		URL: "http://127.0.0.1:9/old", Status: 418, StatusText: "I'm a teapot", Env: "Prod",
		RequestHeaders:  []history.Header{{Name: "Authorization", Value: history.Redacted}},
		ResponseHeaders: []history.Header{{Name: "Content-Type", Value: "application/json"}},
		ResponseBody:    history.Body{Text: `{"old":true}`}}); err != nil {
		t.Fatal(err)
	}
	h := startPower(t, Config{History: store})
	h.openAndSend("List")
	h.openAndSend("Echo")
	h.want(`"method": "POST"`)
	h.press("Alt+1", "Ctrl+H")
	h.idle()
	h.want("History: 3 sent", "Bodies/Echo", "Bodies/List", "Gone/Old thing", "Local", "Prod", "418")
	screen := h.screen()
	if strings.Index(screen, "Bodies/Echo") > strings.Index(screen, "Bodies/List") {
		t.Fatalf("not newest first:\n%s", screen)
	}
	h.wantNot(testToken)
	// j moves; Enter re-opens List with its response.
	h.press("j", "Enter")
	h.sync()
	h.want("Bodies/List", "GET http://{{host}}/list", "from the history", `"ssid": "Lab-0"`)
	h.wantNot("History: 3 sent", `"method": "POST"`)
	// Backspace is what a terminal sends for Ctrl+H.
	h.press("Alt+1", "Backspace")
	h.idle()
	h.press("G", "Enter")
	h.sync()
	h.want("Old thing", "PATCH http://127.0.0.1:9/old", "418 I'm a teapot", `"old": true`)
	h.wantNot(testToken, history.Redacted)
	data, err := os.ReadFile(store.Path())
	if err != nil || bytes.Contains(data, []byte(testToken)) {
		t.Fatalf("the history file holds the token (%v)", err)
	}
}

func TestPowerVariables(t *testing.T) {
	t.Parallel()
	// Nothing in scope: a message, not an empty table (tview's Table
	// spins on a key when no row can be selected).
	empty := start(t, Config{Collection: &collections.Collection{Name: "Empty", Dir: t.TempDir()}}, 80, 24)
	empty.press("F6")
	empty.sync()
	empty.want("no variables in scope")
	empty.press("Down", "End")
	empty.sync() // still handling keys
	h := startPower(t, Config{})
	h.press("Enter") // Bodies/List
	h.press("F6")
	h.sync()
	h.want("Variables (Local)", "host", "127.0.0.1:", "environment Local", "apitoken", "••••••••", "secret store",
		"site_id", "s1", "from-collection", "collection")
	h.wantNot(testToken)
	h.press("Esc")
	h.sync()
	h.wantNot("Variables (Local)")
}

// script writes an executable shell script and returns its path.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tool.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPowerEditorAndPager(t *testing.T) {
	t.Parallel()
	seen := filepath.Join(t.TempDir(), "paged")
	env := map[string]string{
		"EDITOR": script(t, `printf '{"ssid": "FromEditor"}\n' > "$1"`),
		"PAGER":  script(t, `cp "$1" `+seen),
	}
	h := startPower(t, Config{})
	h.onUI(func() { h.w.power.ext.Getenv = func(k string) string { return env[k] } })
	h.press("Down", "Down", "Down", "Enter") // Bodies/Echo
	h.sync()
	h.want("Bodies/Echo")
	h.press("e")
	h.sync()
	h.want(`{"ssid": "FromEditor"}`, "Bodies/Echo ●", "body edited")
	var body string
	h.onUI(func() { body = h.w.s.Draft.Body.Text })
	if body != "{\"ssid\": \"FromEditor\"}\n" {
		t.Fatalf("draft body %q", body)
	}
	// The description, in the same editor.
	env["EDITOR"] = script(t, `printf 'Edited outside.\n' > "$1"`)
	h.press("D")
	h.sync()
	h.want("Edited outside.")
	h.press("Ctrl+R")
	h.idle()
	h.want(`FromEditor`)
	h.press("Alt+3", "p")
	h.sync()
	got, err := os.ReadFile(seen)
	if err != nil || !strings.Contains(string(got), `"path":"/echo"`) {
		t.Fatalf("the pager got %q (%v)", got, err)
	}
}

func TestPowerCurlPaste(t *testing.T) {
	t.Parallel()
	h := startPower(t, Config{})
	h.press("Enter") // Bodies/List
	h.press("Ctrl+L")
	h.paste("curl -X POST 'http://{{host}}/echo?x=1' -H 'X-Trace: 7' --data-raw '{\"b\":2}'")
	h.sync()
	h.want("curl command pasted", "POST http://{{host}}/echo")
	var d *collections.Request
	h.onUI(func() { d = h.w.s.Draft.Clone() })
	if d.Name != "List" || d.Method != "POST" || d.Body.Text != `{"b":2}` {
		t.Fatalf("draft after paste: %+v", d)
	}
	found := false
	for _, hd := range d.Headers {
		found = found || hd.Key == "X-Trace" && hd.Value == "7"
	}
	if !found {
		t.Fatalf("headers %+v", d.Headers)
	}
	// Anything else pastes as text.
	h.press("Ctrl+L", "Ctrl+U")
	h.paste("http://{{host}}/list")
	h.press("Enter")
	h.sync()
	h.want("POST http://{{host}}/list")
}

func TestPowerKeyConfig(t *testing.T) {
	t.Parallel()
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(cfgPath, []byte("theme: dark\nkeys:\n  palette: ctrl+k\n  history: [f9]\n  send: ctrl+nope\n  tree.filter: f\n"), 0o600)
	km, errs := LoadKeymap(cfgPath)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), cfgPath+":5") || !strings.Contains(errs[0].Error(), "ctrl+nope") {
		t.Fatalf("errors %v", errs)
	}
	h := startPower(t, Config{Keys: km, KeyErrors: errs})
	h.want("config.yaml:5", "ctrl+nope")
	// The default send key stays; the new keys work.
	h.press("f")
	h.typ("big")
	h.press("Enter")
	h.sync()
	h.want("Bodies/Big")
	h.press("Ctrl+K")
	h.sync()
	h.want("Command palette")
	h.press("Esc", "?", "G") // the global keys end the help
	h.sync()
	h.want("Ctrl+K", "F9")
	h.wantNot("Ctrl+P")
}

func TestPowerMouse(t *testing.T) {
	t.Parallel()
	h := startPower(t, Config{})
	h.openAndSend("List")
	pane := func() Pane { var p Pane; h.onUI(func() { p = h.w.currentPane() }); return p }
	// A click in the body focuses it; the wheel scrolls it.
	x, y := h.findText(`"ssid": "Lab-0"`)
	h.click(x, y)
	h.wheel(x, y, 4)
	h.sync()
	if p := pane(); p != PaneResponse {
		t.Fatalf("after a body click, pane %s", p)
	}
	h.until("scrolled", func() bool { return h.w.power.body.view.Top() >= 12 })
	// A click on a tab's name shows the tab, in the response and the editor.
	x, y = h.findText("Timing  Code")
	h.click(x+1, y)
	h.sync()
	h.want("DNS lookup", "Total")
	x, y = h.findText("Body  Headers")
	h.click(x+1, y)
	h.sync()
	h.want(`"ssid": "Lab-`)
	x, y = h.findText("Auth  Body  Checks")
	h.click(x+7, y)
	h.sync()
	h.want("kind none")
	x, y = h.findText("Params")
	h.click(x, y)
	h.sync()
	// A click in the editor focuses it.
	x, y = h.findText("Params")
	h.click(x+2, y+1)
	h.sync()
	if p := pane(); p != PaneEditor {
		t.Fatalf("after an editor click, pane %s", p)
	}
	// A click on a tree row selects and opens it; on the tree's empty
	// rows it focuses the tree.
	x, y = h.findText("GET  Big")
	h.click(x, y)
	h.sync()
	h.want("═ Bodies/Big ═")
	h.until("Big selected", func() bool { it := h.w.tree.selected(); return it != nil && it.ItemName() == "Big" })
	h.click(x, y+6)
	h.sync()
	if p := pane(); p != PaneTree {
		t.Fatalf("after a tree click, pane %s", p)
	}
}

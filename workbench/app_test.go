package workbench

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
)

const testToken = "tok-secret-1234"

// mistServer imitates the few Mist routes the journeys use.
type mistServer struct {
	*httptest.Server
	mu      sync.Mutex
	ssid    string
	block   bool          // hold list requests until the client gives up
	arrived chan struct{} // a held request arrived
}

func newMistServer(t *testing.T) *mistServer {
	m := &mistServer{ssid: "Lab-Guest", arrived: make(chan struct{}, 1)}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *mistServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Token "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"detail":"Authentication credentials were not provided."}`)
		return
	}
	w.Header().Set("X-Echo", r.Header.Get("Authorization"))
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case r.URL.Path == "/api/v1/sites/s1/wlans":
		if m.block {
			m.mu.Unlock()
			m.arrived <- struct{}{}
			<-r.Context().Done()
			m.mu.Lock()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `[{"id":"w1","ssid":%q}]`, m.ssid)
	case r.URL.Path == "/api/v1/sites/s1/wlans/w1":
		if r.Method == http.MethodPut {
			var body struct {
				SSID string `json:"ssid"`
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, `{"detail":"JSON parse error"}`, http.StatusBadRequest)
				return
			}
			m.ssid = body.SSID
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"w1","ssid":%q,"enabled":true}`, m.ssid)
	case r.URL.Path == "/api/v1/self":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"email":"me@example.com","site_id":"s9"}`)
	case r.URL.Path == "/bin":
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff})
	case r.URL.Path == "/evil":
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "before\x1b]52;c;ZXZpbA==\x07\x1b[2J[red]tagged[-] after\u009b31m")
	default:
		http.NotFound(w, r)
	}
}

func (m *mistServer) host() string { return strings.TrimPrefix(m.URL, "http://") }

func startLab(t *testing.T) (*harness, *mistServer, memSecrets) {
	t.Helper()
	srv := newMistServer(t)
	c := testCollection(t, srv.host())
	secrets := memSecrets{}
	secrets.SetSecret(c.ID, "Local", "apitoken", testToken)
	h := start(t, Config{Collection: c, Env: "Local", Secrets: secrets}, 100, 30)
	return h, srv, secrets
}

// openGetWLAN selects WLANs/Get WLAN in the tree and opens it.
func (h *harness) openGetWLAN() {
	h.press("Down", "Enter")
	h.sync()
	h.want("GET http://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id")
}

func TestOpenAndSendWithEveryKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"Ctrl+R", "F5", "Alt+Enter"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			h, _, _ := startLab(t)
			h.want("▾ WLANs", "GET  List WLANs", "PUT  Rename SSID", "env Local")
			h.openGetWLAN()
			h.want("WLANs/Get WLAN")
			h.press(key)
			h.idle()
			h.want("200 OK", `"ssid": "Lab-Guest"`)
			// The token the request used never shows, even echoed back.
			h.press("Alt+3", "]")
			h.sync()
			h.want("X-Echo", "Token ••••••")
			h.wantNot(testToken)
		})
	}
}

func TestCancelInFlight(t *testing.T) {
	t.Parallel()
	h, srv, _ := startLab(t)
	srv.mu.Lock()
	srv.block = true
	srv.mu.Unlock()
	h.press("Enter") // List WLANs
	h.press("Ctrl+R")
	select {
	case <-srv.arrived:
	case <-time.After(deadline):
		t.Fatalf("the request never reached the server:\n%s", h.screen())
	}
	h.sync()
	h.want("sending…", "Esc cancels")
	// The UI answers keys while the request is in flight.
	h.press("?")
	h.sync()
	h.want("send the request")
	h.press("Esc", "Esc")
	h.idle()
	h.want("cancelled after", "request cancelled")
	h.wantNot("sending…")
}

func TestEditURLMakesPathRows(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("Ctrl+L")
	h.typ("/ports/:port_id")
	h.press("Enter", "]")
	h.sync()
	h.want("Path 3", "port_id", "● unsaved", "unresolved: :port_id")
	var path []collections.Param
	h.onUI(func() { path = h.w.s.Draft.PathVars })
	if len(path) != 3 || path[2].Key != "port_id" {
		t.Fatalf("path variables: %+v", path)
	}
	// The code tab follows unsaved edits.
	h.press("Ctrl+G")
	h.sync()
	h.want("/ports/")
}

func TestEditBodySendAndSave(t *testing.T) {
	t.Parallel()
	h, srv, _ := startLab(t)
	h.press("Down", "Down", "Enter") // Rename SSID
	h.sync()
	h.want("PUT http://{{host}}")
	h.press("]", "]", "]", "]") // Body
	h.sync()
	h.want("kind json", "✓ valid JSON")
	h.press("Enter", "Ctrl+Home", "Ctrl+K")
	h.typ(`{"ssid": "Renamed-SSID"`)
	h.sync()
	h.want("✗ invalid JSON")
	h.typ("}")
	h.press("Esc")
	h.sync()
	h.want("✓ valid JSON")
	h.press("f")
	h.sync()
	h.want(`"ssid": "Renamed-SSID"`)
	h.press("Ctrl+R")
	h.idle()
	h.want("200 OK", `"ssid": "Renamed-SSID"`)
	srv.mu.Lock()
	got := srv.ssid
	srv.mu.Unlock()
	if got != "Renamed-SSID" {
		t.Fatalf("server ssid %q", got)
	}
	h.press("Ctrl+S")
	h.sync()
	h.want("saved to")
	h.wantNot("● unsaved")
	var dir string
	h.onUI(func() { dir = h.w.s.Coll.Dir })
	c, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	req, _, err := c.Find("WLANs/Rename SSID")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(req.Body.Text, `"ssid": "Renamed-SSID"`) {
		t.Fatalf("saved body %q", req.Body.Text)
	}
}

func TestRenameInTreeAndSave(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.press("Down", "r")
	h.sync()
	h.want("Rename", "Name: Get WLAN")
	h.press("Ctrl+U")
	h.typ("Fetch WLAN\n")
	h.sync()
	h.want("GET  Fetch WLAN", "● unsaved")
	h.press("Ctrl+S")
	h.sync()
	h.wantNot("● unsaved")
	var dir string
	h.onUI(func() { dir = h.w.s.Coll.Dir })
	c, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Find("WLANs/Fetch WLAN"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Find("WLANs/Get WLAN"); err == nil {
		t.Fatal("the old name is still on disk")
	}
}

func TestEnvSwitch(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("Ctrl+E")
	h.sync()
	h.want("Environment", "(no environment)", "Local", "Other  127.0.0.1:9")
	h.press("Down", "Enter")
	h.sync()
	h.want("env Other (127.0.0.1:9)", "unresolved: apitoken")
	h.press("Ctrl+R")
	h.sync()
	h.want("cannot send: unresolved apitoken, site_id, wlan_id (set them")
}

func TestCodeExport(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("Ctrl+G")
	h.sync()
	h.want("Python (requests)", "import requests", "MIST_APITOKEN", "secrets as env reads")
	h.wantNot(testToken)
	h.press("y")
	h.sync()
	code := <-h.copied
	if !strings.Contains(code, "requests.get(") || strings.Contains(code, testToken) {
		t.Fatalf("copied code:\n%s", code)
	}
	h.press("s")
	h.sync()
	h.want("secrets inline", testToken)
	h.press("s", "l")
	h.sync()
	h.want("Go (net/http)", "package main")
	h.wantNot(testToken)
}

func TestResponseCannotDriveTheTerminal(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.press("Enter", "Ctrl+L", "Ctrl+U")
	h.typ("http://{{host}}/evil\n")
	h.press("Ctrl+R")
	h.idle()
	h.want("200 OK", "before␛]52;c;ZXZpbA==␇␛[2J[red]tagged[-] after") // the body view shows control bytes as symbols
}

func TestDeleteAsksAndUndoes(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.press("Down", "d")
	h.sync()
	h.want(`Delete "Get WLAN"`)
	h.press("Right", "Enter") // Cancel
	h.sync()
	h.want("Get WLAN")
	h.press("Delete", "Enter") // the Delete key asks too
	h.sync()
	h.wantNot("GET  Get WLAN")
	h.want("deleted")
	h.press("u")
	h.sync()
	h.want("GET  Get WLAN", "restored")
}

func TestNewDuplicateMove(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.press("n")
	h.typ("Ping\n")
	h.sync()
	h.want("WLANs/Ping", "GET  Ping")
	h.press("Alt+1", "c")
	h.sync()
	h.want("GET  Ping copy")
	h.press("m")
	h.sync()
	h.want("Move Ping copy to", "/ (top level)")
	h.press("Enter")
	h.sync()
	var top []string
	h.onUI(func() {
		for _, it := range h.w.s.Coll.Items {
			top = append(top, it.ItemName())
		}
	})
	if strings.Join(top, ",") != "WLANs,Who am I,Ping copy" {
		t.Fatalf("top level after move: %v", top)
	}
	h.press("K")
	h.sync()
	h.onUI(func() {
		top = top[:0]
		for _, it := range h.w.s.Coll.Items {
			top = append(top, it.ItemName())
		}
	})
	if strings.Join(top, ",") != "WLANs,Ping copy,Who am I" {
		t.Fatalf("top level after move up: %v", top)
	}
}

func TestQuitAsksWhenUnsaved(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("Ctrl+T", "Ctrl+U")
	h.typ("PROPFIND\n")
	h.sync()
	h.want("PROPFIND http://", "● unsaved")
	h.press("Ctrl+Q")
	h.sync()
	h.want("Save them before quitting?")
	h.press("Right", "Right", "Enter") // Cancel
	h.sync()
	h.wantNot("Save them before quitting?")
	h.press("Ctrl+Q", "Right", "Enter") // Quit without saving
	select {
	case err := <-h.done:
		h.done <- err // for the cleanup
	case <-time.After(deadline):
		t.Fatal("the workbench did not quit")
	}
}

func TestHelpComesFromTheKeymap(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.press("?")
	h.sync()
	for _, b := range h.w.keys.Bindings(PaneTree) {
		h.want(b.Help)
	}
	h.want("Ctrl+R", "F5", "Alt+Enter")
	h.press("Esc")
	h.sync()
	h.wantNot("Keys (Esc closes)")
	h.want("Enter open", "n new")
}

func TestCapturesAndChecks(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.press("Down", "Down", "Down", "Enter") // Who am I
	h.sync()
	h.want("Who am I")
	h.press("Ctrl+R")
	h.idle()
	h.want("captured site_id")
	var v string
	h.onUI(func() { v = h.w.s.Env.Lookup("site_id").Value })
	if v != "s9" {
		t.Fatalf("site_id = %q", v)
	}
}

func TestSmallScreenAndResize(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.sim.SetSize(80, 24)
	h.sync()
	h.want("Collection", "Response", "Ctrl+R send")
	h.sim.SetSize(140, 40)
	h.sync()
	h.want("Collection", "Response", "Ctrl+R send")
}

func TestHeadersCompletionChecksAndResolvedURL(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("v")
	h.sync()
	h.want("→ http://127.0.0.1:", "/api/v1/sites/s1/wlans/w1")
	// Headers: the name completes, then Content-Type values complete.
	h.press("]", "]", "a")
	h.typ("Content-T")
	h.sync()
	h.want("Content-Type")
	h.press("Down", "Enter") // take the completion
	h.press("Tab")
	h.typ("application/js")
	h.sync()
	h.want("application/json")
	h.press("Down", "Enter", "Enter")
	h.sync()
	h.want("Headers 1", "Content-Type", "application/json")
	// Checks: a status check and a capture, edited as rows.
	h.press("]", "]", "]", "a")
	h.typ("status")
	h.press("Tab")
	h.typ("200, 201\n")
	h.press("a")
	h.typ("capture ssid")
	h.press("Tab")
	h.typ(".ssid\n")
	h.sync()
	h.want("Checks 2", "capture ssid", ".ssid")
	var req *collections.Request
	h.onUI(func() { req = h.w.s.Draft.Clone() })
	if len(req.Headers) != 1 || req.Headers[0].Value != "application/json" {
		t.Fatalf("headers %+v", req.Headers)
	}
	if len(req.Expect.Status) != 2 || len(req.Captures) != 1 || req.Captures[0].JQ != ".ssid" {
		t.Fatalf("checks %+v captures %+v rows %+v", req.Expect, req.Captures, checksRows(req))
	}
	h.press("Ctrl+R")
	h.idle()
	h.want("Get WLAN → 200 OK; ✓ 1 check passed; captured ssid")
	// The body kind picker turns the body into a form table.
	h.press("Alt+2", "[", "k")
	h.sync()
	h.want("Body kind", "multipart")
	h.press("Down", "Down", "Down", "Enter")
	h.sync()
	h.want("kind form", "no form fields")
}

func TestKeymapDocsListEveryBinding(t *testing.T) {
	t.Parallel()
	k := NewKeymap(DefaultBindings)
	md := k.Markdown()
	for _, b := range DefaultBindings {
		if !strings.Contains(md, "| "+string(b.Action)+" | "+b.Help+" |") {
			t.Errorf("docs lack %s %s", b.Key, b.Action)
		}
	}
}

func TestMissingSecretSaysWhereItComesFrom(t *testing.T) {
	t.Parallel()
	srv := newMistServer(t)
	c := testCollection(t, srv.host())
	h := start(t, Config{Collection: c, Env: "Local", Secrets: memSecrets{}}, 140, 30)
	h.openGetWLAN()
	h.press("Ctrl+R")
	h.sync()
	h.want("cannot send: secret apitoken has no value (type it into the Auth tab)")
}

func TestDescriptionShowsBeforeTheFirstResponse(t *testing.T) {
	t.Parallel()
	srv := newMistServer(t)
	c := testCollection(t, srv.host())
	req, _, _ := c.Find("WLANs/Get WLAN")
	req.Description = "Reads one WLAN. Needs site_id and wlan_id; List WLANs fills wlan_id."
	h := start(t, Config{Collection: c, Env: "Local", Secrets: memSecrets{}}, 100, 30)
	h.openGetWLAN()
	h.want("About this request", "Reads one WLAN. Needs site_id and wlan_id;")
}

func TestSendsGoToHistoryRedacted(t *testing.T) {
	t.Parallel()
	srv := newMistServer(t)
	c := testCollection(t, srv.host())
	secrets := memSecrets{}
	secrets.SetSecret(c.ID, "Local", "apitoken", testToken)
	hist, err := history.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Config{Collection: c, Env: "Local", Secrets: secrets, History: hist}, 100, 30)
	h.openGetWLAN()
	h.press("Ctrl+R")
	h.idle()
	h.want("Get WLAN → 200 OK")
	entries, err := hist.List(5)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Request != "WLANs/Get WLAN" || entries[0].Status != 200 || entries[0].Env != "Local" {
		t.Fatalf("history %+v", entries)
	}
	data, err := os.ReadFile(hist.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), testToken) {
		t.Fatal("the token reached the history file")
	}
}

func TestTabLeavesTheURLField(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("Ctrl+L")
	h.typ("?limit=5")
	h.press("Tab")
	h.sync()
	h.want("GET http://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id?limit=5", "● unsaved")
	h.wantNot("URL http://")
}

func TestRowsAuthTypesBinaryAndLiteralSave(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	// Two header rows: disable one, delete the other.
	h.press("]", "]", "a")
	h.typ("X-One")
	h.press("Tab")
	h.typ("1\n")
	h.press("a")
	h.typ("X-Two")
	h.press("Tab")
	h.typ("2\n")
	h.press("Up", " ", "Down", "x")
	h.sync()
	var hs []collections.Param
	h.onUI(func() { hs = append(hs, h.w.s.Draft.Headers...) })
	if len(hs) != 1 || hs[0].Key != "X-One" || !hs[0].Disabled {
		t.Fatalf("headers %+v", hs)
	}
	// A literal credential header is masked on screen and refused by save.
	h.press("a")
	h.typ("Authorization")
	h.press("Tab")
	h.typ("Token abcdef123456\n")
	h.sync()
	h.want("Authorization", "••••••••")
	h.wantNot("abcdef123456")
	h.press("Ctrl+S")
	h.sync()
	h.want("not saved: a credential is written literally", "Save them into the files anyway")
	h.press("Enter") // Cancel
	h.sync()
	h.wantNot("Save them into the files anyway")
	h.want("● unsaved")
	// Every auth type shows its fields; secrets are masked fields.
	steps := []struct {
		downs int
		want  []string
	}{{4, []string{"Username", "Password"}}, {1, []string{"Key", "Value", "In"}}, {1, []string{"Email", "Password", "Two-factor"}}}
	for _, st := range steps {
		h.press("]", "Enter", "Enter")
		for range st.downs {
			h.press("Down")
		}
		h.press("Enter", "Esc")
		h.sync()
		h.want(st.want...)
		h.press("[")
	}
	var auth collections.AuthType
	h.onUI(func() { auth = h.w.s.Draft.Auth.Type })
	if auth != collections.AuthMistLogin {
		t.Fatalf("auth type %q", auth)
	}
	// Back to inherit, then a binary body shows as size, type and hex.
	h.press("]", "Enter", "Enter", "Up", "Up", "Up", "Up", "Up", "Up", "Enter", "Esc")
	h.sync()
	h.want("Uses", "mist-token from the collection")
	h.press("Ctrl+L", "Ctrl+U")
	h.typ("http://{{host}}/bin\n")
	h.press("Ctrl+R")
	h.idle()
	h.want("binary body, 8 B", "application/octet-stream", "89 50 4e 47 00 01 02 ff")
	// Leaving asks; Discard drops the edits.
	h.press("Alt+1", "Up", "Enter")
	h.sync()
	h.want("has unsaved changes")
	h.press("Right", "Right", "Enter") // Discard
	h.sync()
	h.want("WLANs/List WLANs")
	var url string
	h.onUI(func() {
		r, _, _ := h.w.s.Coll.Find("WLANs/Get WLAN")
		url = r.URL
	})
	if strings.Contains(url, "/bin") {
		t.Fatalf("discarded edits kept: %s", url)
	}
}

func TestKeptEditsAreMarkedInTheTree(t *testing.T) {
	t.Parallel()
	h, _, _ := startLab(t)
	h.openGetWLAN()
	h.press("Ctrl+L")
	h.typ("/x\n")
	h.sync()
	h.want("Get WLAN ◂ ●")
	h.press("Alt+1", "Up", "Enter")
	h.sync()
	h.press("Right", "Enter") // Keep unsaved
	h.sync()
	h.want("List WLANs ◂", "Get WLAN ●", "● unsaved")
	h.press("Ctrl+S")
	h.sync()
	h.wantNot("●")
}

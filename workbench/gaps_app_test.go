package workbench

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
)

// Re-opening from the history with unsaved edits open: the dialog asks
// first, and whatever the answer (but Cancel), the request opens with its
// old response, secrets redacted.
func TestHistoryReopenAfterUnsavedDialog(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		choice string
		rights int
	}{{"Save", 0}, {"Keep unsaved", 1}, {"Discard", 2}, {"Cancel", 3}} {
		t.Run(c.choice, func(t *testing.T) {
			t.Parallel()
			store, err := history.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			h := startPower(t, Config{History: store})
			h.openAndSend("List")
			h.openAndSend("Echo")
			h.want(`"method": "POST"`)
			// An unsaved edit of Echo.
			h.press("Ctrl+L", "End")
			h.typ("/x\n")
			h.sync()
			h.want("Bodies/Echo ●")
			h.press("Alt+1", "Ctrl+H")
			h.idle()
			h.want("History: 2 sent")
			h.press("j", "Enter") // Bodies/List, the older one
			h.sync()
			h.want("has unsaved changes")
			for range c.rights {
				h.press("Right")
			}
			h.press("Enter")
			h.sync()
			h.wantNot("has unsaved changes")
			if c.choice == "Cancel" {
				h.want("Bodies/Echo ●", `"method": "POST"`)
				h.wantNot(`"ssid": "Lab-0"`)
				return
			}
			h.want("Bodies/List", "GET http://{{host}}/list", "from the history", "200 OK", `"ssid": "Lab-0"`)
			h.wantNot(`"method": "POST"`, testToken)
			var echoURL string
			var dirty bool
			h.onUI(func() {
				r, _, _ := h.w.s.Coll.Find("Bodies/Echo")
				echoURL, dirty = r.URL, h.w.s.Dirty()
			})
			switch c.choice {
			case "Save":
				if echoURL != "http://{{host}}/echo/x" || dirty {
					t.Fatalf("saved: Echo URL %q, dirty %v", echoURL, dirty)
				}
			case "Keep unsaved":
				if echoURL != "http://{{host}}/echo/x" || !dirty {
					t.Fatalf("kept: Echo URL %q, dirty %v", echoURL, dirty)
				}
				h.want("Echo ●")
			case "Discard":
				if echoURL != "http://{{host}}/echo" || dirty {
					t.Fatalf("discarded: Echo URL %q, dirty %v", echoURL, dirty)
				}
			}
			// The response is the one kept in the history, not a stale view.
			if s := h.screen(); !strings.Contains(s, "from the history: GET Bodies/List") {
				t.Fatalf("status line:\n%s", s)
			}
		})
	}
}

// A history entry that holds a secret the request uses now (recorded
// before the secret was one, say) shows it masked.
func TestHistoryReopenHidesCurrentSecrets(t *testing.T) {
	t.Parallel()
	store, err := history.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := startPower(t, Config{History: store})
	if err := store.Append(&history.Entry{Time: time.Now(), Request: "Bodies/List", CollectionDir: h.w.s.Coll.Dir, Method: "GET",
		URL: "http://127.0.0.1:9/list", Status: 200, StatusText: "OK",
		ResponseHeaders: []history.Header{{Name: "Content-Type", Value: "application/json"}},
		ResponseBody:    history.Body{Text: `{"echo":"Token ` + testToken + `"}`}}); err != nil {
		t.Fatal(err)
	}
	h.press("Ctrl+H")
	h.idle()
	h.press("Enter")
	h.sync()
	h.want("Bodies/List", "from the history", `"echo": "Token ••••••"`)
	h.wantNot(testToken)
}

// authEcho serves on 127.0.0.1 and answers with the credentials it got,
// so a test sees what was sent and that the screen masks it.
type authEcho struct {
	*httptest.Server
	mu    sync.Mutex
	seen  http.Header
	query string
}

func newAuthEcho(t *testing.T) *authEcho {
	a := &authEcho{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen, a.query = r.Header.Clone(), r.URL.RawQuery
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"auth": r.Header.Get("Authorization"), "key": r.Header.Get("X-Api-Key"), "cookie": r.Header.Get("Cookie")})
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *authEcho) header(name string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen.Get(name)
}

// A curl command pasted with a literal credential: the request refers to
// a secret variable, the value is in the secret store for the environment,
// the screen never shows it, sending uses it, and saving succeeds.
func TestCurlPasteKeepsCredentialsSecret(t *testing.T) {
	t.Parallel()
	srv := newAuthEcho(t)
	h := startPower(t, Config{})
	secrets := h.w.s.Secrets.(memSecrets)
	dir, id := h.w.s.Coll.Dir, h.w.s.Coll.ID
	draft := func() *collections.Request {
		var d *collections.Request
		h.onUI(func() { d = h.w.s.Draft.Clone() })
		return d
	}
	h.press("Enter") // Bodies/List

	// The token the environment already holds: referred to, not stored again.
	h.press("Ctrl+L")
	h.paste("curl -H 'Authorization: Token " + testToken + "' " + srv.URL + "/api/v1/self")
	h.sync()
	h.want("curl command pasted: the token is the one {{apitoken}} holds")
	h.wantNot(testToken)
	if a := draft().Auth; a.Type != collections.AuthMistToken || a.Token != "{{apitoken}}" {
		t.Fatalf("auth %+v", a)
	}

	// Another token: a name of its own, the stored one left alone.
	const newTok = "NEWtok-98765-zyx"
	h.press("Ctrl+L")
	h.paste("curl -H 'Authorization: Token " + newTok + "' " + srv.URL + "/api/v1/self")
	h.sync()
	h.want("curl command pasted: the token went to your secret store as {{apitoken_2}} (env Local")
	var status string
	h.onUI(func() { status = h.w.statusMsg })
	if want := "curl command pasted: the token went to your secret store as {{apitoken_2}} (env Local, {{apitoken}} holds another); GET " + srv.URL + "/api/v1/self"; status != want {
		t.Fatalf("status %q, want %q", status, want)
	}
	h.wantNot(newTok)
	d := draft()
	if d.Name != "List" || d.Auth.Type != collections.AuthMistToken || d.Auth.Token != "{{apitoken_2}}" || len(d.Headers) != 0 {
		t.Fatalf("draft after paste: %+v", d)
	}
	if secrets[id+"/Local/apitoken_2"] != newTok || secrets[id+"/Local/apitoken"] != testToken {
		t.Fatalf("secret store %v", secrets)
	}
	// The auth tab shows the reference and that the secret is set.
	h.press("]", "]", "]")
	h.sync()
	h.want("{{apitoken_2}}", "secret apitoken_2 is set")
	h.wantNot(newTok)
	// Sent with the real value, echoed back masked.
	h.press("Ctrl+R")
	h.idle()
	h.want("200 OK", `"auth": "Token ••••••"`)
	h.wantNot(newTok)
	if got := srv.header("Authorization"); got != "Token "+newTok {
		t.Fatalf("sent Authorization %q", got)
	}
	// Saved without a question; no file holds the token.
	h.press("Ctrl+S")
	h.sync()
	h.want("saved to")
	h.wantNot("written literally", "● unsaved")
	if f := grepDir(t, dir, newTok); f != "" {
		t.Fatalf("the token was saved in %s", f)
	}
	if grepDir(t, dir, "apitoken_2") == "" {
		t.Fatal("the secret variable apitoken_2 is not defined in the collection files")
	}
	// F6 lists it, masked.
	h.press("F6")
	h.sync()
	h.want("apitoken_2", "••••••••")
	h.wantNot(newTok)
	h.press("Esc")

	// -u user:pass, an API key header and a cookie in one command.
	h.press("Ctrl+L")
	h.paste("curl -u admin:hunter2-pw -H 'X-Api-Key: key-5551234' -b 'sid=abc987654' " + srv.URL + "/api/v1/self")
	h.sync()
	h.want("curl command pasted: the X-Api-Key header went to your secret store as {{x_api_key}}")
	h.wantNot("hunter2-pw", "key-5551234", "abc987654")
	d = draft()
	if d.Auth.Type != collections.AuthBasic || d.Auth.Username != "admin" || d.Auth.Password != "{{password}}" {
		t.Fatalf("auth %+v", d.Auth)
	}
	want := map[string]string{"X-Api-Key": "{{x_api_key}}", "Cookie": "{{cookie}}"}
	for _, hd := range d.Headers {
		if v, ok := want[hd.Key]; ok && hd.Value == v {
			delete(want, hd.Key)
		}
	}
	if len(want) > 0 {
		t.Fatalf("headers %+v", d.Headers)
	}
	h.press("Ctrl+R")
	h.idle()
	h.want("200 OK")
	h.wantNot("hunter2-pw", "key-5551234", "abc987654")
	if got := srv.header("Authorization"); got != "Basic "+base64.StdEncoding.EncodeToString([]byte("admin:hunter2-pw")) {
		t.Fatalf("sent Authorization %q", got)
	}
	if srv.header("X-Api-Key") != "key-5551234" || srv.header("Cookie") != "sid=abc987654" {
		t.Fatalf("sent %v", srv.seen)
	}
	h.press("Ctrl+S")
	h.sync()
	h.want("saved to")
	for _, lit := range []string{"hunter2-pw", "key-5551234", "abc987654"} {
		if f := grepDir(t, dir, lit); f != "" {
			t.Fatalf("%s was saved in %s", lit, f)
		}
	}

	// An API key alone becomes the request's auth.
	h.press("Ctrl+L")
	h.paste("curl -H 'X-Api-Key: key-5551234' " + srv.URL + "/api/v1/self")
	h.sync()
	h.want("curl command pasted: the API key X-Api-Key is the one {{x_api_key}} holds")
	if a := draft().Auth; a.Type != collections.AuthAPIKey || a.Key != "X-Api-Key" || a.Value != "{{x_api_key}}" || a.In != "header" {
		t.Fatalf("auth %+v", a)
	}
	h.press("Ctrl+R")
	h.idle()
	if srv.header("X-Api-Key") != "key-5551234" {
		t.Fatalf("sent %v", srv.seen)
	}
}

// Without a secret store the value stays in memory for the session: it
// is sent, never saved.
func TestCurlPasteWithoutSecretStore(t *testing.T) {
	t.Parallel()
	srv := newAuthEcho(t)
	c, _ := powerCollection(t, "127.0.0.1:9")
	h := start(t, Config{Collection: c, Env: "Local"}, 160, 32)
	h.press("Enter", "Ctrl+L")
	h.paste("curl -H 'Authorization: Bearer bear-112233' " + srv.URL + "/x")
	h.sync()
	h.want("the token is kept as {{token}} for this session only (no secret store)")
	h.press("Ctrl+R")
	h.idle()
	if got := srv.header("Authorization"); got != "Bearer bear-112233" {
		t.Fatalf("sent Authorization %q", got)
	}
	h.press("Ctrl+S")
	h.sync()
	h.want("saved to")
	if f := grepDir(t, c.Dir, "bear-112233"); f != "" {
		t.Fatalf("saved in %s", f)
	}
}

// treeRows returns the tree pane's inner rows as shown (the filter line
// included), without the border.
func (h *harness) treeRows() []string {
	h.t.Helper()
	var width int
	h.onUI(func() { width = treeWidth(110) })
	lines := strings.Split(h.screen(), "\n")
	var out []string
	for _, l := range lines[2 : len(lines)-4] { // header, top border; bottom border, status, footer
		r := []rune(l)
		if len(r) < width {
			r = append(r, []rune(strings.Repeat(" ", width-len(r)))...)
		}
		out = append(out, strings.TrimRight(string(r[1:width-1]), " "))
	}
	return out
}

// wantFolderAbove fails unless the row of the selected request has the row
// of its folder above it on screen, with no other folder row between.
func (h *harness) wantFolderAbove(step string) {
	h.t.Helper()
	var name, folder string
	isFolder := false
	h.onUI(func() {
		_, isFolder = h.w.tree.selected().(*collections.Folder)
		if r, ok := h.w.tree.selected().(*collections.Request); ok {
			name = r.Name
			if p, _ := h.w.s.Coll.PathOf(r); len(p) > 0 {
				folder = p[len(p)-1].Name
			}
		}
	})
	if isFolder {
		return // the cursor is on a folder row: in view by itself
	}
	if name == "" {
		h.t.Fatalf("%s: no request selected", step)
	}
	rows := h.treeRows()
	at := -1
	for i, r := range rows {
		if strings.Contains(r, " "+name) {
			at = i
		}
	}
	if at < 0 {
		h.t.Fatalf("%s: %s is not on screen:\n%s", step, name, strings.Join(rows, "\n"))
	}
	for i := at - 1; i >= 0; i-- {
		if strings.Contains(rows[i], "▾ ") {
			if !strings.Contains(rows[i], "▾ "+folder) {
				h.t.Fatalf("%s: %s shows under %q, its folder is %s:\n%s", step, name, rows[i], folder, strings.Join(rows, "\n"))
			}
			return
		}
	}
	h.t.Fatalf("%s: the folder of %s (%s) is not on screen:\n%s", step, name, folder, strings.Join(rows, "\n"))
}

// The filtered tree scrolls over the matches of many folders: the folder
// of the selected request stays on screen, pinned at the top when its row
// scrolled away; the cursor never hides under it.
func TestTreeFilterKeepsTheFolderInView(t *testing.T) {
	t.Parallel()
	c := bigCollection(1000)
	c.Dir = t.TempDir()
	h := start(t, Config{Collection: c, Env: "Local"}, 110, 32)
	h.press("/")
	h.typ("things4")
	h.sync()
	h.want("/things4")
	h.wantFolderAbove("the best match")
	for i := range 70 {
		h.press("Down")
		h.sync()
		h.wantFolderAbove(fmt.Sprintf("Down ×%d", i+1))
	}
	for i := range 3 {
		h.press("PgDn")
		h.sync()
		h.wantFolderAbove(fmt.Sprintf("PgDn ×%d", i+1))
	}
	for i := range 40 {
		h.press("Up")
		h.sync()
		h.wantFolderAbove(fmt.Sprintf("Up ×%d", i+1))
	}
	// The pinned row is the folder's, highlighted apart; a click on it goes
	// to the folder.
	rows := h.treeRows()
	if !strings.HasPrefix(rows[1], "▾ Tag ") {
		t.Fatalf("no folder pinned at the top:\n%s", strings.Join(rows, "\n"))
	}
	pinned := strings.TrimPrefix(rows[1], "▾ ")
	h.click(3, 3)
	h.sync()
	h.until("the pinned folder selected", func() bool {
		it := h.w.tree.selected()
		return it != nil && it.ItemName() == pinned
	})
	// The whole tree, scrolled, pins folders too.
	h.press("Esc", "Alt+1", "Ctrl+P")
	h.typ("Operation 0019\n")
	h.sync()
	h.press("Alt+1")
	h.sync()
	h.wantFolderAbove("Operation 0019 in the whole tree")
}

func (a *authEcho) rawQuery() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.query
}

// A query typed into the URL field shows in the Params table, and edits
// there show in the URL, as in Postman; what is sent is what was typed.
func TestURLQueryMirrorsParams(t *testing.T) {
	t.Parallel()
	srv := newAuthEcho(t)
	h := startPower(t, Config{})
	query := func() ([]collections.Param, string) {
		var q []collections.Param
		var u string
		h.onUI(func() { q, u = append(q, h.w.s.Draft.Query...), h.w.s.Draft.URL })
		return q, u
	}
	h.press("Enter", "Ctrl+L", "Ctrl+U") // Bodies/List
	h.typ(srv.URL + "/q?site={{site_id}}&limit=5&page=2\n")
	h.sync()
	h.want("GET "+srv.URL+"/q?site={{site_id}}&limit=5&page=2", "Params 2", "limit", "page")
	q, u := query()
	// {{site_id}} stays in the URL: the URL sends its value as it is, the
	// table would encode it.
	if u != srv.URL+"/q?site={{site_id}}" || len(q) != 2 || q[0] != (collections.Param{Key: "limit", Value: "5"}) || q[1] != (collections.Param{Key: "page", Value: "2"}) {
		t.Fatalf("url %q, query %+v", u, q)
	}
	h.press("Ctrl+R")
	h.idle()
	if got := srv.rawQuery(); got != "site=s1&limit=5&page=2" {
		t.Fatalf("sent query %q", got)
	}
	// In the table: disable page, add a=x y; the URL line follows.
	h.press("Down", " ", "a")
	h.typ("a")
	h.press("Tab")
	h.typ("x y\n")
	h.sync()
	h.want("GET " + srv.URL + "/q?site={{site_id}}&limit=5&a=x%20y")
	h.wantNot("page=2")
	h.press("Ctrl+R")
	h.idle()
	if got := srv.rawQuery(); got != "site=s1&limit=5&a=x%20y" {
		t.Fatalf("sent query %q", got)
	}
	// Back in the URL field, the whole URL; a pair typed there becomes a
	// row, the disabled row keeps its place.
	h.press("Ctrl+L", "End")
	h.typ("&z=1\n")
	h.sync()
	h.want("GET " + srv.URL + "/q?site={{site_id}}&limit=5&a=x%20y&z=1")
	q, u = query()
	if u != srv.URL+"/q?site={{site_id}}" || len(q) != 4 || q[0].Key != "limit" || q[1].Key != "page" || !q[1].Disabled || q[2] != (collections.Param{Key: "a", Value: "x y"}) || q[3].Key != "z" {
		t.Fatalf("url %q, query %+v", u, q)
	}
	// A row with a {{variable}} added in the table stays a row (the table
	// encodes its value) when the URL is edited after it.
	h.press("a")
	h.typ("s")
	h.press("Tab")
	h.typ("{{site_id}}\n")
	h.press("Ctrl+L", "End")
	h.typ("&w=9\n")
	h.sync()
	var full string
	h.onUI(func() { full = h.w.s.FullURL() })
	if full != srv.URL+"/q?site={{site_id}}&limit=5&a=x%20y&z=1&s={{site_id}}&w=9" {
		t.Fatalf("full URL %q", full)
	}
	q, u = query()
	if u != srv.URL+"/q?site={{site_id}}" || len(q) != 6 || q[4] != (collections.Param{Key: "s", Value: "{{site_id}}"}) || q[5].Key != "w" {
		t.Fatalf("url %q, query %+v", u, q)
	}
	// Deleting the query in the URL deletes its rows (the disabled one stays).
	h.press("Ctrl+L", "End")
	for range len("?site={{site_id}}&limit=5&a=x%20y&z=1&s={{site_id}}&w=9") {
		h.press("Backspace")
	}
	h.press("Enter")
	h.sync()
	q, u = query()
	if u != srv.URL+"/q" || len(q) != 1 || q[0].Key != "page" {
		t.Fatalf("url %q, query %+v", u, q)
	}
	h.press("Ctrl+R")
	h.idle()
	if got := srv.rawQuery(); got != "" {
		t.Fatalf("sent query %q", got)
	}
}

// SetFullURL moves into the table only what the table sends byte for
// byte, at the end of the query; the URL field shows the same text back.
func TestSetFullURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, url string
		rows      []collections.Param
	}{
		{"http://h/x?limit=5&page=2", "http://h/x", []collections.Param{{Key: "limit", Value: "5"}, {Key: "page", Value: "2"}}},
		{"http://h/x?flag&limit=5", "http://h/x?flag", []collections.Param{{Key: "limit", Value: "5"}}},
		{"http://h/x?limit=5&flag", "http://h/x?limit=5&flag", nil},
		{"http://h/x?q=a+b", "http://h/x?q=a+b", nil},
		{"http://h/x?q=a%2Cb&e=", "http://h/x", []collections.Param{{Key: "q", Value: "a,b"}, {Key: "e"}}},
		{"http://h/x?q=a,b", "http://h/x?q=a,b", nil},
		{"http://h/x?", "http://h/x?", nil},
		{"http://h/x?id={{id}}&n=1", "http://h/x?id={{id}}", []collections.Param{{Key: "n", Value: "1"}}},
		{"http://{{host}}/s/:site_id?limit=5", "http://{{host}}/s/:site_id", []collections.Param{{Key: "limit", Value: "5"}}},
	} {
		s := &Session{Draft: &collections.Request{}}
		s.SetFullURL(c.text, nil)
		if s.Draft.URL != c.url || fmt.Sprint(s.Draft.Query) != fmt.Sprint(c.rows) {
			t.Errorf("%s: url %q rows %+v, want %q %+v", c.text, s.Draft.URL, s.Draft.Query, c.url, c.rows)
		}
		if got := s.FullURL(); got != c.text {
			t.Errorf("%s: shown back as %q", c.text, got)
		}
		// What is sent does not change.
		coll := &collections.Collection{Variables: []collections.Variable{{Key: "host", Value: "h"}, {Key: "id", Value: "a,b c"}}}
		before, err1 := coll.Resolve(&collections.Request{URL: c.text, PathVars: s.Draft.PathVars}, nil, collections.Scope{})
		after, err2 := coll.Resolve(s.Draft, nil, collections.Scope{})
		if err1 != nil || err2 != nil || before.URL != after.URL {
			t.Errorf("%s: sent %q before, %q after (%v %v)", c.text, before.URL, after.URL, err1, err2)
		}
	}
}

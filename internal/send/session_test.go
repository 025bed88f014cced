package send

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

// mistLogin is a small stand-in for Mist's session API: login with
// optional two-factor, cookies with a per-cloud suffix, and CSRF checks
// on unsafe methods.
type mistLogin struct {
	*httptest.Server
	suffix    string
	twoFactor bool

	mu      sync.Mutex
	logins  int
	seen    []string // "METHOD path csrf-ok"
	session string   // the live session id
	csrf    string
	pending bool // two-factor pending
}

func newMistLogin(t *testing.T, suffix string, twoFactor bool) *mistLogin {
	m := &mistLogin{suffix: suffix, twoFactor: twoFactor}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *mistLogin) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var in map[string]string
	json.Unmarshal(body, &in)
	sess, _ := r.Cookie("sessionid" + m.suffix)
	csrfOK := m.csrf != "" && r.Header.Get("X-CSRFToken") == m.csrf
	m.seen = append(m.seen, r.Method+" "+r.URL.Path+map[bool]string{true: " csrf", false: ""}[csrfOK])
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v1/login":
		if in["email"] != "me@example.com" || in["password"] != "pw" {
			w.WriteHeader(401)
			io.WriteString(w, `{"detail":"Invalid credentials"}`)
			return
		}
		m.logins++
		m.session, m.csrf = "sess-"+string(rune('a'+m.logins)), "csrf-"+string(rune('a'+m.logins))
		http.SetCookie(w, &http.Cookie{Name: "sessionid" + m.suffix, Value: m.session, Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "csrftoken" + m.suffix, Value: m.csrf, Path: "/", MaxAge: 3600})
		if m.twoFactor && in["two_factor"] == "" {
			m.pending = true
			io.WriteString(w, `{"two_factor_required":true,"two_factor_passed":false}`)
			return
		}
		io.WriteString(w, `{}`)
	case "/api/v1/login/two_factor":
		if !csrfOK || in["two_factor"] != "123456" {
			w.WriteHeader(400)
			io.WriteString(w, `{"detail":"bad code"}`)
			return
		}
		m.pending = false
		io.WriteString(w, `{}`)
	case "/api/v1/logout":
		m.session = ""
		io.WriteString(w, `{}`)
	default:
		if sess == nil || sess.Value != m.session || m.session == "" || m.pending {
			w.WriteHeader(401)
			io.WriteString(w, `{"detail":"Authentication credentials were not provided."}`)
			return
		}
		if r.Method != "GET" && !csrfOK {
			w.WriteHeader(403)
			io.WriteString(w, `{"detail":"CSRF Failed"}`)
			return
		}
		io.WriteString(w, `{"email":"me@example.com"}`)
	}
}

func (m *mistLogin) log() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.seen...)
}

func loginRequest(url, method, code string) *collections.Resolved {
	return &collections.Resolved{Method: method, URL: url, Login: &collections.MistLogin{Email: "me@example.com", Password: "pw", TwoFactor: code},
		Body: collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"name":"x"}`)}}
}

func TestMistLoginSessionAndCSRF(t *testing.T) {
	m := newMistLogin(t, ".eu", false)
	path := SessionPath(t.TempDir(), "coll/1", "EMEA 01")
	sess, err := OpenSession(path)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Session: sess})
	resp := mustDo(t, e, loginRequest(m.URL+"/api/v1/self", "GET", ""))
	if resp.StatusCode != 200 {
		t.Fatalf("GET after login: %s %s", resp.Status(), resp.Head)
	}
	resp = mustDo(t, e, loginRequest(m.URL+"/api/v1/sites/s/wlans", "POST", ""))
	if resp.StatusCode != 200 {
		t.Fatalf("POST in session: %s %s", resp.Status(), resp.Head)
	}
	want := []string{"POST /api/v1/login", "GET /api/v1/self", "POST /api/v1/sites/s/wlans csrf"}
	if got := m.log(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("server saw %q, want %q", got, want)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v %v", st, err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "csrftoken.eu") {
		t.Fatalf("session file lacks the cookie: %s", data)
	}

	// A new process reuses the session: no second login.
	sess2, err := OpenSession(path)
	if err != nil {
		t.Fatal(err)
	}
	e2 := New(Options{Session: sess2})
	resp = mustDo(t, e2, loginRequest(m.URL+"/api/v1/sites/s/wlans", "PUT", ""))
	if resp.StatusCode != 200 || len(m.log()) != 4 {
		t.Fatalf("reused session: %s, server saw %q", resp.Status(), m.log())
	}

	// An expired session logs in again once.
	m.mu.Lock()
	m.session = "expired-elsewhere"
	m.mu.Unlock()
	resp = mustDo(t, e2, loginRequest(m.URL+"/api/v1/self", "GET", ""))
	if resp.StatusCode != 200 {
		t.Fatalf("after expiry: %s", resp.Status())
	}

	if err := e2.Logout(context.Background(), m.URL, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("logout left the session file: %v", err)
	}
	if got := m.log(); got[len(got)-1] != "POST /api/v1/logout csrf" {
		t.Fatalf("logout: %q", got)
	}
}

func TestMistLoginTwoFactor(t *testing.T) {
	m := newMistLogin(t, "", true)
	// No code and no prompt: a clear error.
	_, err := New(Options{}).Do(context.Background(), loginRequest(m.URL+"/api/v1/self", "GET", ""))
	if err == nil || !strings.Contains(err.Error(), "two-factor") {
		t.Fatalf("err = %v", err)
	}
	// A prompt supplies the code.
	asked := 0
	e := New(Options{TwoFactor: func(context.Context) (string, error) { asked++; return "123456\n", nil }})
	resp := mustDo(t, e, loginRequest(m.URL+"/api/v1/self", "GET", ""))
	if resp.StatusCode != 200 || asked != 1 {
		t.Fatalf("prompted: %s asked %d", resp.Status(), asked)
	}
	if got := m.log(); !contains(got, "POST /api/v1/login/two_factor csrf") {
		t.Fatalf("server saw %q", got)
	}
	// A code in the auth goes with the login.
	m2 := newMistLogin(t, "", true)
	resp = mustDo(t, New(Options{}), loginRequest(m2.URL+"/api/v1/self", "GET", "123456"))
	if resp.StatusCode != 200 || len(m2.log()) != 2 {
		t.Fatalf("code in auth: %s %q", resp.Status(), m2.log())
	}
}

func TestMistLoginBadPassword(t *testing.T) {
	m := newMistLogin(t, "", false)
	r := loginRequest(m.URL+"/api/v1/self", "GET", "")
	r.Login.Password = "wrong"
	_, err := New(Options{}).Do(context.Background(), r)
	var le *LoginError
	if !errors.As(err, &le) || le.Status != 401 || le.Detail != "Invalid credentials" {
		t.Fatalf("err = %v", err)
	}
}

func TestSessionFileDamaged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := OpenSession(path); err != nil {
		t.Fatalf("a damaged session must cost a login, not an error: %v", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

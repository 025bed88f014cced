package send

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// Session is a cookie jar for one collection and environment, saved to a
// file (mode 0600: session cookies are credentials) after every change,
// so a Mist login lasts across commands. It implements http.CookieJar.
type Session struct {
	path string // "" keeps it in memory only

	mu      sync.Mutex
	jar     *cookiejar.Jar
	cookies map[string]storedCookie // by URL host + cookie domain/path/name
}

type storedCookie struct {
	URL    string       `json:"url"`
	Cookie *http.Cookie `json:"cookie"`
}

func newMemoryJar() *Session {
	jar, _ := cookiejar.New(nil) // never fails with nil options
	return &Session{jar: jar, cookies: map[string]storedCookie{}}
}

// SessionPath is where the session of a collection and environment lives
// under the user directory.
func SessionPath(userDir, collectionID, env string) string {
	name := safeName(collectionID)
	if env != "" {
		name += "--" + safeName(env)
	}
	return filepath.Join(userDir, "sessions", name+".json")
}

func safeName(s string) string {
	if s == "" {
		return "_"
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String()
}

// OpenSession loads the session saved at path (none yet is no error).
func OpenSession(path string) (*Session, error) {
	s := newMemoryJar()
	s.path = path
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", path, err)
	}
	var stored []storedCookie
	if err := json.Unmarshal(data, &stored); err != nil {
		// A damaged session only costs a new login.
		return s, nil
	}
	now := time.Now()
	for _, sc := range stored {
		u, err := url.Parse(sc.URL)
		if err != nil || sc.Cookie == nil || !sc.Cookie.Expires.IsZero() && sc.Cookie.Expires.Before(now) {
			continue
		}
		s.jar.SetCookies(u, []*http.Cookie{sc.Cookie})
		s.cookies[cookieKey(u, sc.Cookie)] = sc
	}
	return s, nil
}

func cookieKey(u *url.URL, c *http.Cookie) string {
	return u.Host + "|" + c.Domain + "|" + c.Path + "|" + c.Name
}

// SetCookies implements http.CookieJar and saves the session.
func (s *Session) SetCookies(u *url.URL, cookies []*http.Cookie) {
	s.mu.Lock()
	s.jar.SetCookies(u, cookies)
	now := time.Now()
	for _, c := range cookies {
		c := *c
		k := cookieKey(u, &c)
		switch {
		case c.MaxAge < 0 || !c.Expires.IsZero() && c.Expires.Before(now):
			delete(s.cookies, k)
			continue
		case c.MaxAge > 0:
			c.Expires, c.MaxAge = now.Add(time.Duration(c.MaxAge)*time.Second), 0
		}
		c.Raw, c.Unparsed = "", nil
		s.cookies[k] = storedCookie{URL: (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}).String(), Cookie: &c}
	}
	s.mu.Unlock()
	s.save() // best effort: a failed save costs a login next time, not this request
}

// Cookies implements http.CookieJar.
func (s *Session) Cookies(u *url.URL) []*http.Cookie {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jar.Cookies(u)
}

// Save writes the session file (mode 0600), atomically.
func (s *Session) Save() error { return s.save() }

func (s *Session) save() error {
	if s.path == "" {
		return nil
	}
	s.mu.Lock()
	list := make([]storedCookie, 0, len(s.cookies))
	for _, c := range s.cookies {
		list = append(list, c)
	}
	s.mu.Unlock()
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return writeFileAtomic(s.path, data, 0o600)
}

// Clear forgets every cookie and removes the session file.
func (s *Session) Clear() error {
	s.mu.Lock()
	s.jar, _ = cookiejar.New(nil)
	s.cookies = map[string]storedCookie{}
	s.mu.Unlock()
	if s.path == "" {
		return nil
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// isCSRFCookie matches csrftoken and its per-cloud forms (csrftoken.eu, ...).
func isCSRFCookie(name string) bool {
	return name == "csrftoken" || strings.HasPrefix(name, "csrftoken.")
}

func isSessionCookie(name string) bool {
	return name == "sessionid" || strings.HasPrefix(name, "sessionid.")
}

// csrfToken is the value X-CSRFToken must carry for u, "" without one.
func csrfToken(jar http.CookieJar, u *url.URL) string {
	if jar == nil {
		return ""
	}
	for _, c := range jar.Cookies(u) {
		if isCSRFCookie(c.Name) {
			return c.Value
		}
	}
	return ""
}

func hasSession(jar http.CookieJar, u *url.URL) bool {
	for _, c := range jar.Cookies(u) {
		if isSessionCookie(c.Name) {
			return true
		}
	}
	return false
}

// LoginError is a failed Mist login.
type LoginError struct {
	Status int
	Detail string
}

func (e *LoginError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("mist login: %d: %s", e.Status, e.Detail)
	}
	return fmt.Sprintf("mist login: status %d", e.Status)
}

// login runs POST /api/v1/login (and /api/v1/login/two_factor when the
// answer asks for a code) on the host of u, filling the jar.
func (e *Engine) login(ctx context.Context, r *collections.Resolved, u *url.URL) error {
	if r.Login.Email == "" || r.Login.Password == "" {
		return errors.New("mist login: the auth needs an email and a password")
	}
	body := map[string]string{"email": r.Login.Email, "password": r.Login.Password}
	if r.Login.TwoFactor != "" {
		body["two_factor"] = r.Login.TwoFactor
	}
	ans, err := e.postJSON(ctx, r, apiURL(u, "/api/v1/login"), body)
	if err != nil {
		return err
	}
	var state struct {
		Required bool `json:"two_factor_required"`
		Passed   bool `json:"two_factor_passed"`
	}
	json.Unmarshal(ans, &state) // a body without these fields needs no code
	if !state.Required || state.Passed {
		return nil
	}
	code := r.Login.TwoFactor
	if code == "" && e.opts.TwoFactor != nil {
		if code, err = e.opts.TwoFactor(ctx); err != nil {
			return fmt.Errorf("mist login: two-factor code: %w", err)
		}
	}
	if code == "" {
		return errors.New("mist login: the account asks for a two-factor code; give one in the auth's two_factor field")
	}
	_, err = e.postJSON(ctx, r, apiURL(u, "/api/v1/login/two_factor"), map[string]string{"two_factor": strings.TrimSpace(code)})
	return err
}

// apiURL is path on the host of u. (url.JoinPath on a URL without a path
// gives a relative path, which the cookie jar matches against nothing.)
func apiURL(u *url.URL, path string) *url.URL {
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: path}
}

// postJSON posts a small JSON body in the session and returns the answer.
func (e *Engine) postJSON(ctx context.Context, r *collections.Resolved, u *url.URL, body any) ([]byte, error) {
	data, _ := json.Marshal(body)
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = e.opts.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", e.opts.UserAgent)
	if tok := csrfToken(e.jar, u); tok != "" {
		req.Header.Set("X-CSRFToken", tok)
	}
	client := &http.Client{Transport: e.transport(r.InsecureSkipVerify), Jar: e.jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mist login: POST %s: %w", u, unwrapURLError(err))
	}
	defer resp.Body.Close()
	ans, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("mist login: POST %s: %w", u, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &LoginError{Status: resp.StatusCode, Detail: detailOf(ans)}
	}
	return ans, nil
}

// detailOf is the "detail" of a Mist error body, else the body's start.
func detailOf(body []byte) string {
	var d struct {
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &d) == nil && d.Detail != "" {
		return d.Detail
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Logout ends the Mist session on the host of baseURL (POST
// /api/v1/logout) and forgets the session's cookies whatever the answer.
func (e *Engine) Logout(ctx context.Context, baseURL string, insecure bool) error {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("logout: bad URL %q", baseURL)
	}
	base := &url.URL{Scheme: u.Scheme, Host: u.Host}
	var postErr error
	if hasSession(e.jar, base) {
		_, postErr = e.postJSON(ctx, &collections.Resolved{InsecureSkipVerify: insecure}, apiURL(u, "/api/v1/logout"), map[string]string{})
	}
	if s, ok := e.jar.(*Session); ok {
		if err := s.Clear(); err != nil {
			return err
		}
	}
	if postErr != nil {
		return fmt.Errorf("logout (cookies cleared anyway): %w", postErr)
	}
	return nil
}

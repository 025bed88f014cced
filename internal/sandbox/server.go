package sandbox

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a sandbox server.
type Options struct {
	// Token is the API token of the seeded admin; "" picks a random one.
	Token string
	// RateLimit is the number of calls per account per clock hour (Mist:
	// 5000); 0 means 5000, a negative value turns the limit off.
	RateLimit int
	// DataDir keeps the state in DataDir/sandbox.json, written atomically
	// after every change, so it survives restarts; "" keeps it in memory.
	DataDir string
	// MaxBody bounds request bodies (0: 1 MiB).
	MaxBody int64
	// Now is the clock (nil: time.Now); tests move it to cross the hour.
	Now func() time.Time
	// CookieSuffix is the per-cloud suffix of the session cookies, as on
	// Mist's other clouds (".eu" gives sessionid.eu and csrftoken.eu); ""
	// is Global 01's plain names.
	CookieSuffix string
	// Log receives one line per request (method, path, status, duration;
	// never headers or bodies). nil logs nothing.
	Log io.Writer
}

// DefaultRateLimit is Mist's limit of calls per hour and account.
const DefaultRateLimit = 5000

// DefaultMaxBody is the default bound of a request body.
const DefaultMaxBody = 1 << 20

// Server is the sandbox: an http.Handler safe for concurrent use.
type Server struct {
	opts  Options
	token string
	st    *state
	mux   *http.ServeMux
	now   func() time.Time

	limMu    sync.Mutex
	counters map[string]*counter // account (user id) -> calls this hour

	sessMu   sync.Mutex
	sessions map[string]*session    // sessionid -> session
	fails    map[string]*loginFails // user id -> failed logins
}

// lockedWriter serialises the request log and the http.Server's error log.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type counter struct {
	window time.Time // the hour counted
	n      int
}

// session is a login session; two-factor users start pending.
type session struct {
	userID  string
	csrf    string
	pending bool // two-factor step still to do
	expires time.Time
}

// caller is who sent a request.
type caller struct {
	user    *user
	token   *apiToken // nil for the admin token and for sessions
	session *session
	sid     string
	pending bool // a session whose two-factor step is still to do
}

// New builds a sandbox with its seeded (or persisted) state.
func New(opts Options) (*Server, error) {
	if opts.RateLimit == 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.Log != nil {
		opts.Log = &lockedWriter{w: opts.Log}
	}
	tok := opts.Token
	if tok == "" {
		tok = randomKey(64)
	}
	if sfx := opts.CookieSuffix; sfx != "" && (!strings.HasPrefix(sfx, ".") || strings.ContainsAny(sfx, " \t\r\n;,=\"")) {
		return nil, fmt.Errorf("sandbox cookie suffix %q: want a dot and a cloud name, like .eu", sfx)
	}
	if strings.ContainsAny(tok, " \t\r\n") {
		return nil, fmt.Errorf("sandbox token: must not contain white space")
	}
	st, err := loadState(opts.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, token: tok, st: st, now: now, counters: map[string]*counter{}, sessions: map[string]*session{}, fails: map[string]*loginFails{}}
	s.routes()
	return s, nil
}

func (s *Server) sessionCookie() string { return "sessionid" + s.opts.CookieSuffix }
func (s *Server) csrfCookie() string    { return "csrftoken" + s.opts.CookieSuffix }

// Close releases the data directory for another sandbox. The server must
// not serve after it.
func (s *Server) Close() {
	if s.st.release != nil {
		s.st.release()
		s.st.release = nil
	}
}

// Token returns the API token the sandbox accepts for the seeded admin.
func (s *Server) Token() string { return s.token }

// RateLimit returns the calls allowed per account and hour (<0: none).
func (s *Server) RateLimit() int { return s.opts.RateLimit }

func (s *Server) routes() {
	m := http.NewServeMux()
	// Public: the login flow.
	m.HandleFunc("POST /api/v1/login", s.handleLogin)

	a := func(pattern string, h func(http.ResponseWriter, *http.Request, *caller)) {
		m.HandleFunc(pattern, s.authed(h))
	}
	a("POST /api/v1/login/two_factor", s.handleTwoFactor)
	a("POST /api/v1/logout", s.handleLogout)
	a("GET /api/v1/self", s.handleSelf)
	a("GET /api/v1/self/usage", s.handleUsage)
	a("GET /api/v1/self/apitokens", s.handleListTokens)
	a("POST /api/v1/self/apitokens", s.handleCreateToken)
	a("GET /api/v1/self/apitokens/{apitoken_id}", s.handleGetToken)
	a("PUT /api/v1/self/apitokens/{apitoken_id}", s.handleUpdateToken)
	a("DELETE /api/v1/self/apitokens/{apitoken_id}", s.handleDeleteToken)
	a("GET /api/v1/orgs/{org_id}/apitokens", s.handleListOrgTokens)
	a("POST /api/v1/orgs/{org_id}/apitokens", s.handleCreateOrgToken)
	a("GET /api/v1/orgs/{org_id}/apitokens/{apitoken_id}", s.handleGetOrgToken)
	a("PUT /api/v1/orgs/{org_id}/apitokens/{apitoken_id}", s.handleUpdateOrgToken)
	a("DELETE /api/v1/orgs/{org_id}/apitokens/{apitoken_id}", s.handleDeleteOrgToken)
	a("GET /api/v1/orgs/{org_id}", s.handleGetOrg)
	a("GET /api/v1/orgs/{org_id}/sites", s.handleListSites)
	a("POST /api/v1/orgs/{org_id}/sites", s.handleCreateSite)
	a("GET /api/v1/sites/{site_id}", s.handleGetSite)
	a("PUT /api/v1/sites/{site_id}", s.handleUpdateSite)
	a("DELETE /api/v1/sites/{site_id}", s.handleDeleteSite)
	a("GET /api/v1/sites/{site_id}/wlans", s.handleListWLANs(siteScope))
	a("POST /api/v1/sites/{site_id}/wlans", s.handleCreateWLAN(siteScope))
	a("GET /api/v1/sites/{site_id}/wlans/{wlan_id}", s.handleGetWLAN(siteScope))
	a("PUT /api/v1/sites/{site_id}/wlans/{wlan_id}", s.handleUpdateWLAN(siteScope))
	a("DELETE /api/v1/sites/{site_id}/wlans/{wlan_id}", s.handleDeleteWLAN(siteScope))
	a("GET /api/v1/orgs/{org_id}/wlans", s.handleListWLANs(orgScope))
	a("POST /api/v1/orgs/{org_id}/wlans", s.handleCreateWLAN(orgScope))
	a("GET /api/v1/orgs/{org_id}/wlans/{wlan_id}", s.handleGetWLAN(orgScope))
	a("PUT /api/v1/orgs/{org_id}/wlans/{wlan_id}", s.handleUpdateWLAN(orgScope))
	a("DELETE /api/v1/orgs/{org_id}/wlans/{wlan_id}", s.handleDeleteWLAN(orgScope))
	// A literal sibling of {wlan_id} in the spec: leave it to the fallback.
	a("GET /api/v1/sites/{site_id}/wlans/derived", s.handleSpec)
	a("/", s.handleSpec)
	s.mux = m
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(rec, r.Body, s.opts.MaxBody)
	}
	s.mux.ServeHTTP(rec, r)
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "%s %-6s %s %d %s\n", start.Format("15:04:05"), r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Microsecond))
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// authed authenticates (API token, else session cookie with CSRF on
// changes), counts the call against the account's hourly limit, then runs h.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, *caller)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, status, detail := s.authenticate(r)
		if c == nil {
			writeDetail(w, status, detail)
			return
		}
		if c.pending && !pendingAllowed(r) {
			writeDetail(w, http.StatusUnauthorized, "Two-factor authentication required: POST /api/v1/login/two_factor first.")
			return
		}
		if ok, retry := s.count(c.user.ID); !ok {
			w.Header().Set("Retry-After", fmt.Sprint(retry))
			writeDetail(w, http.StatusTooManyRequests, rateLimitDetail(s.opts.RateLimit))
			return
		}
		h(w, r, c)
	}
}

// pendingAllowed lists what a session may do before its two-factor step.
func pendingAllowed(r *http.Request) bool {
	switch r.URL.Path {
	case "/api/v1/login/two_factor", "/api/v1/logout", "/api/v1/self":
		return true
	}
	return false
}

func (s *Server) authenticate(r *http.Request) (*caller, int, string) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, key, ok := strings.Cut(strings.TrimSpace(h), " ")
		if strings.EqualFold(scheme, "Basic") {
			return nil, http.StatusUnauthorized, "Basic authentication (email:password) is no longer accepted: use an API token (Authorization: Token <key>) or log in with POST /api/v1/login."
		}
		if !ok || !strings.EqualFold(scheme, "Token") {
			return nil, http.StatusUnauthorized, detailNoCredentials
		}
		key = strings.TrimSpace(key)
		if constantEqual(key, s.token) {
			s.st.mu.RLock()
			defer s.st.mu.RUnlock()
			if u := s.st.userByID(SeedAdminID); u != nil {
				return &caller{user: u}, 0, ""
			}
			return nil, http.StatusUnauthorized, detailInvalidToken
		}
		h := hashSecret("", key)
		s.st.mu.Lock() // last_used changes
		defer s.st.mu.Unlock()
		for _, t := range s.st.tokens {
			if constantEqual(h, t.KeyHash) {
				u := s.st.userByID(t.UserID)
				if t.OrgID != "" {
					u = s.st.orgTokenUser(t)
				}
				if u == nil {
					break
				}
				now := s.now().Unix()
				t.LastUsed = &now
				return &caller{user: u, token: t}, 0, ""
			}
		}
		return nil, http.StatusUnauthorized, detailInvalidToken
	}
	ck, err := r.Cookie(s.sessionCookie())
	if err != nil {
		return nil, http.StatusUnauthorized, detailNoCredentials
	}
	s.sessMu.Lock()
	sess := s.sessions[ck.Value]
	if sess != nil && s.now().After(sess.expires) {
		delete(s.sessions, ck.Value)
		sess = nil
	}
	var pending bool
	if sess != nil {
		pending = sess.pending
	}
	s.sessMu.Unlock()
	if sess == nil {
		return nil, http.StatusUnauthorized, detailNoCredentials
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
		csrf, err := r.Cookie(s.csrfCookie())
		hdr := r.Header.Get("X-CSRFToken")
		if err != nil || hdr == "" || !constantEqual(hdr, sess.csrf) || !constantEqual(csrf.Value, sess.csrf) {
			return nil, http.StatusForbidden, detailCSRF
		}
	}
	s.st.mu.RLock()
	u := s.st.userByID(sess.userID)
	s.st.mu.RUnlock()
	if u == nil {
		return nil, http.StatusUnauthorized, detailNoCredentials
	}
	return &caller{user: u, session: sess, sid: ck.Value, pending: pending}, 0, ""
}

// count charges one call to the account; when over the limit it returns
// false and the seconds until the limit resets on the hour.
func (s *Server) count(account string) (bool, int) {
	if s.opts.RateLimit < 0 {
		return true, 0
	}
	now := s.now()
	window := now.Truncate(time.Hour)
	s.limMu.Lock()
	defer s.limMu.Unlock()
	c := s.counters[account]
	if c == nil || !c.window.Equal(window) {
		c = &counter{window: window}
		s.counters[account] = c
	}
	if c.n >= s.opts.RateLimit {
		return false, ceilSeconds(window.Add(time.Hour).Sub(now))
	}
	c.n++
	return true, 0
}

// usage reports the account's calls this hour and the seconds left in it.
func (s *Server) usage(account string) (int, int) {
	now := s.now()
	window := now.Truncate(time.Hour)
	s.limMu.Lock()
	defer s.limMu.Unlock()
	n := 0
	if c := s.counters[account]; c != nil && c.window.Equal(window) {
		n = c.n
	}
	return n, int(window.Add(time.Hour).Sub(now).Seconds())
}

// ceilSeconds rounds up, so Retry-After never says to come back early.
func ceilSeconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

func constantEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomKey returns n random characters in Mist's API key alphabet.
func randomKey(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		// 248 = 4*62: rejecting the top bytes keeps the choice uniform.
		for b[i] >= 248 {
			var one [1]byte
			_, _ = rand.Read(one[:])
			b[i] = one[0]
		}
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b)
}

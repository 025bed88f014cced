package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Mist: three failed logins trigger a login rate limit of their own. The
// sandbox then refuses that account's logins for loginLockout.
const (
	loginFailLimit = 3
	loginLockout   = time.Minute
)

// loginFails counts an account's failed logins.
type loginFails struct {
	n     int
	until time.Time // logins refused until then
}

// loginLocked reports whether the account may not log in now, and for
// how many seconds more.
func (s *Server) loginLocked(userID string) (bool, int) {
	s.sessMu.Lock()
	defer s.sessMu.Unlock()
	f := s.fails[userID]
	if f == nil || !s.now().Before(f.until) {
		return false, 0
	}
	return true, ceilSeconds(f.until.Sub(s.now()))
}

func (s *Server) loginFailed(userID string) {
	s.sessMu.Lock()
	defer s.sessMu.Unlock()
	f := s.fails[userID]
	if f == nil {
		f = &loginFails{}
		s.fails[userID] = f
	}
	f.n++
	if f.n >= loginFailLimit {
		f.n = 0
		f.until = s.now().Add(loginLockout)
	}
}

// sessionMaxAge matches the seeded org's session_expiry (1440 minutes).
const sessionMaxAge = 1440 * 60

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	m, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	email, _ := m["email"].(string)
	password, _ := m["password"].(string)
	if email == "" || password == "" {
		writeDetail(w, http.StatusBadRequest, "email and password are required")
		return
	}
	s.st.mu.RLock()
	var u *user
	for _, x := range s.st.users {
		if strings.EqualFold(x.Email, strings.TrimSpace(email)) {
			u = x
		}
	}
	s.st.mu.RUnlock()
	if u == nil {
		writeDetail(w, http.StatusBadRequest, "Invalid email or password.")
		return
	}
	if locked, retry := s.loginLocked(u.ID); locked {
		w.Header().Set("Retry-After", itoa(retry))
		writeDetail(w, http.StatusTooManyRequests, fmt.Sprintf("Too many failed login attempts. Try again in %d seconds.", retry))
		return
	}
	if !u.checkPassword(password) {
		s.loginFailed(u.ID)
		writeDetail(w, http.StatusBadRequest, "Invalid email or password.")
		return
	}
	// The limit is per account: it blocks web login too.
	if ok, retry := s.count(u.ID); !ok {
		w.Header().Set("Retry-After", itoa(retry))
		writeDetail(w, http.StatusTooManyRequests, rateLimitDetail(s.opts.RateLimit))
		return
	}
	pending := false
	if u.TOTPSecret != "" {
		code, _ := m["two_factor"].(string)
		if code == "" {
			pending = true
		} else if !checkTOTP(u.TOTPSecret, code, s.now()) {
			s.loginFailed(u.ID)
			writeDetail(w, http.StatusBadRequest, "two_factor code is incorrect")
			return
		}
	}
	sid, csrf := randomKey(32), randomKey(32)
	s.sessMu.Lock()
	delete(s.fails, u.ID)
	if len(s.sessions) >= maxSessions {
		s.pruneSessions()
	}
	s.sessions[sid] = &session{userID: u.ID, csrf: csrf, pending: pending, expires: s.now().Add(sessionMaxAge * time.Second)}
	s.sessMu.Unlock()
	secure := r.TLS != nil
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: sid, Path: "/", MaxAge: sessionMaxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: s.csrfCookie(), Value: csrf, Path: "/", MaxAge: sessionMaxAge, Secure: secure, SameSite: http.SameSiteLaxMode})
	if pending {
		writeJSON(w, http.StatusOK, obj{"email": u.Email, "two_factor_required": true, "two_factor_passed": false})
		return
	}
	writeJSON(w, http.StatusOK, obj{})
}

// maxSessions bounds the sessions kept, so scripted logins cannot grow
// the sandbox without end.
const maxSessions = 10000

// pruneSessions drops expired sessions, and if that is not enough, the
// ones closest to expiring (s.sessMu held).
func (s *Server) pruneSessions() {
	now := s.now()
	for id, ss := range s.sessions {
		if now.After(ss.expires) {
			delete(s.sessions, id)
		}
	}
	for len(s.sessions) >= maxSessions {
		var oldest string
		for id, ss := range s.sessions {
			if oldest == "" || ss.expires.Before(s.sessions[oldest].expires) {
				oldest = id
			}
		}
		delete(s.sessions, oldest)
	}
}

func (s *Server) handleTwoFactor(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.session == nil {
		writeDetail(w, http.StatusBadRequest, "two_factor code is incorrect or the user hasn't login yet")
		return
	}
	if c.user.TOTPSecret == "" {
		writeDetail(w, http.StatusBadRequest, "The user doesn't have 2FA enabled")
		return
	}
	m, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	code, _ := m["two_factor"].(string)
	if !checkTOTP(c.user.TOTPSecret, code, s.now()) {
		writeDetail(w, http.StatusBadRequest, "two_factor code is incorrect or the user hasn't login yet")
		return
	}
	s.sessMu.Lock()
	c.session.pending = false
	s.sessMu.Unlock()
	writeJSON(w, http.StatusOK, obj{})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.session != nil {
		s.sessMu.Lock()
		delete(s.sessions, c.sid)
		s.sessMu.Unlock()
		secure := r.TLS != nil
		http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: s.csrfCookie(), Value: "", Path: "/", MaxAge: -1, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
	writeJSON(w, http.StatusOK, obj{})
}

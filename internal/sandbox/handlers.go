package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Stored objects are never changed in place: a change stores a new map, so
// a reader may encode what it got after releasing the lock.

// can reports whether u may read (write=false) or change the org, or the
// site when siteID is not "".
func can(u *user, orgID, siteID string, write bool) bool {
	for _, p := range u.Privileges {
		if p.OrgID != orgID {
			continue
		}
		if p.Scope == "site" && (siteID == "" || p.SiteID != siteID) {
			continue
		}
		if p.Scope != "org" && p.Scope != "site" {
			continue
		}
		if !write || p.Role == "admin" || p.Role == "write" {
			return true
		}
	}
	return false
}

// canSeeOrg reports whether u has any privilege in the org.
func canSeeOrg(u *user, orgID string) bool {
	for _, p := range u.Privileges {
		if p.OrgID == orgID {
			return true
		}
	}
	return false
}

// ---- self, usage, tokens ----

func (s *Server) handleSelf(w http.ResponseWriter, r *http.Request, c *caller) {
	out := obj{
		"admin_id":               c.user.ID,
		"email":                  c.user.Email,
		"first_name":             c.user.FirstName,
		"last_name":              c.user.LastName,
		"password_modified_time": seedTime,
		"privileges":             c.user.Privileges,
		"two_factor_verified":    c.user.TOTPSecret != "" && c.session != nil && !c.pending,
	}
	if c.pending {
		out["privileges"] = []privilege{}
		out["two_factor_required"] = true
		out["two_factor_passed"] = false
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request, c *caller) {
	n, secs := s.usage(c.user.ID)
	writeJSON(w, http.StatusOK, obj{"requests": n, "request_limit": s.opts.RateLimit, "seconds": secs})
}

// tokenView is how a token is listed: the key only as a hint.
func tokenView(t *apiToken) obj {
	return obj{"id": t.ID, "name": t.Name, "key": t.KeyHint, "created_time": t.CreatedTime, "last_used": t.LastUsed}
}

// User and org API tokens share one list and are handled alike: they
// differ only in which tokens a caller may reach (owns) and in how one is
// shown (view). The helpers below are that shared handling.

// userTokens selects the tokens of the user with this ID.
func userTokens(userID string) func(*apiToken) bool {
	return func(t *apiToken) bool { return t.UserID == userID }
}

// findToken finds the token named in the path among those owns selects;
// others are 404 (s.mu held).
func (s *Server) findToken(r *http.Request, owns func(*apiToken) bool) (*apiToken, int) {
	id := r.PathValue("apitoken_id")
	for i, t := range s.st.tokens {
		if t.ID == id && owns(t) {
			return t, i
		}
	}
	return nil, -1
}

// listTokens answers a page of the tokens owns selects.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, owns func(*apiToken) bool, view func(*apiToken) obj) {
	s.st.mu.RLock()
	var items []obj
	for _, t := range s.st.tokens {
		if owns(t) {
			items = append(items, view(t))
		}
	}
	s.st.mu.RUnlock()
	writePage(w, r, items)
}

// addToken gives t, filled in but for its key, a new key, stores it and
// answers with its view and the key, which is shown this once.
func (s *Server) addToken(w http.ResponseWriter, t *apiToken, view func(*apiToken) obj) {
	key := randomKey(64)
	t.KeyHash, t.KeyHint = hashSecret("", key), key[:4]+"..."+key[len(key)-4:]
	t.CreatedTime = s.now().Unix()
	s.st.mu.Lock()
	s.st.tokens = append(s.st.tokens, t)
	v := view(t)
	s.st.mu.Unlock()
	if !s.persist(w) {
		return
	}
	v["key"] = key // shown this once
	writeJSON(w, http.StatusOK, v)
}

// getToken answers with the token named in the path.
func (s *Server) getToken(w http.ResponseWriter, r *http.Request, owns func(*apiToken) bool, view func(*apiToken) obj) {
	s.st.mu.RLock()
	var v obj
	if t, _ := s.findToken(r, owns); t != nil {
		v = view(t)
	}
	s.st.mu.RUnlock()
	if v == nil {
		writeNotFound(w, "apitoken", r.PathValue("apitoken_id"))
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// updateToken lets edit change a copy of the token named in the path; if
// edit reports a change the copy replaces the token (stored tokens are
// never changed in place). It saves and answers with the token's view.
func (s *Server) updateToken(w http.ResponseWriter, r *http.Request, owns func(*apiToken) bool, edit func(*apiToken) bool, view func(*apiToken) obj) {
	s.st.mu.Lock()
	t, i := s.findToken(r, owns)
	var v obj
	if t != nil {
		nt := *t
		if edit(&nt) {
			s.st.tokens[i] = &nt
			t = &nt
		}
		v = view(t)
	}
	s.st.mu.Unlock()
	if v == nil {
		writeNotFound(w, "apitoken", r.PathValue("apitoken_id"))
		return
	}
	if !s.persist(w) {
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// deleteToken removes the token named in the path.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request, owns func(*apiToken) bool) {
	s.st.mu.Lock()
	t, i := s.findToken(r, owns)
	if t != nil {
		s.st.tokens = append(s.st.tokens[:i:i], s.st.tokens[i+1:]...)
	}
	s.st.mu.Unlock()
	if t == nil {
		writeNotFound(w, "apitoken", r.PathValue("apitoken_id"))
		return
	}
	if !s.persist(w) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleListTokens(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.isOrgToken() {
		writeDetail(w, http.StatusForbidden, detailOrgTokenSelf)
		return
	}
	s.listTokens(w, r, userTokens(c.user.ID), tokenView)
}

func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.isOrgToken() {
		writeDetail(w, http.StatusForbidden, detailOrgTokenSelf)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	name := ""
	if len(strings.TrimSpace(string(body))) > 0 {
		m, err := parseJSONObject(body)
		if err != nil {
			writeDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		if v, ok := m["name"]; ok {
			if name, ok = v.(string); !ok {
				writeDetail(w, http.StatusBadRequest, "name: must be a string")
				return
			}
		}
	}
	s.addToken(w, &apiToken{ID: uuid.NewString(), UserID: c.user.ID, Name: name}, tokenView)
}

func (s *Server) handleGetToken(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.isOrgToken() {
		writeDetail(w, http.StatusForbidden, detailOrgTokenSelf)
		return
	}
	s.getToken(w, r, userTokens(c.user.ID), tokenView)
}

func (s *Server) handleUpdateToken(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.isOrgToken() {
		writeDetail(w, http.StatusForbidden, detailOrgTokenSelf)
		return
	}
	m, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	name, ok := m["name"].(string)
	if _, present := m["name"]; present && !ok {
		writeDetail(w, http.StatusBadRequest, "name: must be a string")
		return
	}
	s.updateToken(w, r, userTokens(c.user.ID), func(t *apiToken) bool {
		if !present(m, "name") {
			return false
		}
		t.Name = name
		return true
	}, tokenView)
}

func present(m obj, k string) bool { _, ok := m[k]; return ok }

func (s *Server) handleDeleteToken(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.isOrgToken() {
		writeDetail(w, http.StatusForbidden, detailOrgTokenSelf)
		return
	}
	s.deleteToken(w, r, userTokens(c.user.ID))
}

// persist saves the state after a change; on failure it answers 500 and
// returns false.
func (s *Server) persist(w http.ResponseWriter) bool {
	if err := s.st.persist(); err != nil {
		writeDetail(w, http.StatusInternalServerError, "sandbox could not save its state: "+err.Error())
		return false
	}
	return true
}

// ---- org and sites ----

// pathOrg returns the org_id of the path. Handlers that act on the org
// first check it is the sandbox's org; otherwise it answers 404 and
// returns false.
func (s *Server) pathOrg(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("org_id")
	s.st.mu.RLock()
	known := s.st.org["id"] == id
	s.st.mu.RUnlock()
	if !known {
		writeNotFound(w, "org", id)
		return "", false
	}
	return id, true
}

func (s *Server) handleGetOrg(w http.ResponseWriter, r *http.Request, c *caller) {
	id := r.PathValue("org_id")
	s.st.mu.RLock()
	org := s.st.org
	s.st.mu.RUnlock()
	if org["id"] != id {
		writeNotFound(w, "org", id)
		return
	}
	if !canSeeOrg(c.user, id) {
		writeDetail(w, http.StatusForbidden, detailForbidden)
		return
	}
	writeJSON(w, http.StatusOK, org)
}

func (s *Server) handleListSites(w http.ResponseWriter, r *http.Request, c *caller) {
	id := r.PathValue("org_id")
	s.st.mu.RLock()
	orgID := s.st.org["id"]
	var items []obj
	for _, site := range s.st.sites {
		sid, _ := site["id"].(string)
		if site["org_id"] == id && can(c.user, id, sid, false) {
			items = append(items, site)
		}
	}
	s.st.mu.RUnlock()
	if orgID != id {
		writeNotFound(w, "org", id)
		return
	}
	if !canSeeOrg(c.user, id) {
		writeDetail(w, http.StatusForbidden, detailForbidden)
		return
	}
	writePage(w, r, items)
}

func (s *Server) handleGetSite(w http.ResponseWriter, r *http.Request, c *caller) {
	id := r.PathValue("site_id")
	s.st.mu.RLock()
	site := s.st.site(id)
	s.st.mu.RUnlock()
	if site == nil {
		writeNotFound(w, "site", id)
		return
	}
	orgID, _ := site["org_id"].(string)
	if !can(c.user, orgID, id, false) {
		writeDetail(w, http.StatusForbidden, detailForbidden)
		return
	}
	writeJSON(w, http.StatusOK, site)
}

// ---- WLANs ----

type wlanScope int

const (
	siteScope wlanScope = iota // /sites/{site_id}/wlans
	orgScope                   // /orgs/{org_id}/wlans
)

// parent checks the site or org of the path (s.st.mu held). It returns the
// org and site ids, or writes the error and returns ok=false.
func (s *Server) parent(w http.ResponseWriter, r *http.Request, c *caller, sc wlanScope, write bool) (orgID, siteID string, ok bool) {
	if sc == siteScope {
		siteID = r.PathValue("site_id")
		site := s.st.site(siteID)
		if site == nil {
			writeNotFound(w, "site", siteID)
			return "", "", false
		}
		orgID, _ = site["org_id"].(string)
	} else {
		orgID = r.PathValue("org_id")
		if s.st.org["id"] != orgID {
			writeNotFound(w, "org", orgID)
			return "", "", false
		}
	}
	if !can(c.user, orgID, siteID, write) {
		writeDetail(w, http.StatusForbidden, detailForbidden)
		return "", "", false
	}
	return orgID, siteID, true
}

// wlanIn returns the WLAN of the path if it belongs to the scope's parent.
func (s *Server) wlanIn(r *http.Request, sc wlanScope, orgID, siteID string) obj {
	wl := s.st.wlans[r.PathValue("wlan_id")]
	if wl == nil {
		return nil
	}
	if sc == siteScope && wl["site_id"] != siteID {
		return nil
	}
	if sc == orgScope && (wl["org_id"] != orgID || wl["site_id"] != nil) {
		return nil
	}
	return wl
}

func (s *Server) handleListWLANs(sc wlanScope) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		pg, err := parsePaging(r)
		if err != nil {
			writeDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		s.st.mu.RLock()
		orgID, siteID, ok := s.parent(w, r, c, sc, false)
		var items []obj
		total := 0
		if ok {
			key := "org:" + orgID
			if sc == siteScope {
				key = "site:" + siteID
			}
			lo, hi := pg.bounds(len(s.st.wlanIndex[key]))
			total, items = s.st.wlanPage(key, lo, hi)
		}
		s.st.mu.RUnlock()
		if ok {
			pg.write(w, total, items)
		}
	}
}

func (s *Server) handleGetWLAN(sc wlanScope) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		s.st.mu.RLock()
		orgID, siteID, ok := s.parent(w, r, c, sc, false)
		var wl obj
		if ok {
			wl = s.wlanIn(r, sc, orgID, siteID)
		}
		s.st.mu.RUnlock()
		switch {
		case !ok:
		case wl == nil:
			writeNotFound(w, "wlan", r.PathValue("wlan_id"))
		default:
			writeJSON(w, http.StatusOK, wl)
		}
	}
}

// readOnlyWLAN are the fields a client cannot set; Mist ignores them.
var readOnlyWLAN = map[string]bool{"id": true, "org_id": true, "site_id": true, "created_time": true, "modified_time": true, "for_site": true}

func (s *Server) handleCreateWLAN(sc wlanScope) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		s.st.mu.RLock()
		_, _, ok := s.parent(w, r, c, sc, true)
		s.st.mu.RUnlock()
		if !ok {
			return
		}
		m, ok := readJSONObject(w, r)
		if !ok {
			return
		}
		now := s.now().Unix()
		wl := obj{
			"enabled":      true,
			"hide_ssid":    false,
			"auth":         obj{"type": "open"},
			"vlan_enabled": false,
			"bands":        []any{"24", "5", "6"},
			"interface":    "all",
			"roam_mode":    "NONE",
		}
		for k, v := range m {
			if !readOnlyWLAN[k] {
				wl[k] = v
			}
		}
		if err := validateWLAN(wl); err != nil {
			writeDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		wl["id"] = uuid.NewString()
		wl["created_time"] = now
		wl["modified_time"] = now
		s.st.mu.Lock()
		orgID, siteID, ok := s.parent(w, r, c, sc, true) // it may have gone meanwhile
		if ok {
			wl["org_id"] = orgID
			if sc == siteScope {
				wl["site_id"] = siteID
			}
			s.st.addWLAN(wl)
		}
		s.st.mu.Unlock()
		if !ok || !s.persist(w) {
			return
		}
		writeJSON(w, http.StatusOK, wl)
	}
}

func (s *Server) handleUpdateWLAN(sc wlanScope) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		body, err := readBody(r)
		if err != nil {
			writeBodyError(w, err)
			return
		}
		s.st.mu.Lock()
		orgID, siteID, ok := s.parent(w, r, c, sc, true)
		var wl obj
		if ok {
			wl = s.wlanIn(r, sc, orgID, siteID)
			if wl == nil {
				ok = false
				writeNotFound(w, "wlan", r.PathValue("wlan_id"))
			}
		}
		var merged obj
		if ok {
			// The merge happens under the lock: concurrent PUTs of
			// different fields both land.
			m, err := parseJSONObject(body)
			if err != nil {
				ok = false
				writeDetail(w, http.StatusBadRequest, err.Error())
			} else {
				merged = maps.Clone(wl)
				for k, v := range m {
					if !readOnlyWLAN[k] {
						merged[k] = v
					}
				}
				if err := validateWLAN(merged); err != nil {
					ok = false
					writeDetail(w, http.StatusBadRequest, err.Error())
				} else {
					merged["modified_time"] = s.now().Unix()
					s.st.wlans[merged["id"].(string)] = merged
				}
			}
		}
		s.st.mu.Unlock()
		if !ok || !s.persist(w) {
			return
		}
		writeJSON(w, http.StatusOK, merged)
	}
}

func (s *Server) handleDeleteWLAN(sc wlanScope) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		s.st.mu.Lock()
		orgID, siteID, ok := s.parent(w, r, c, sc, true)
		if ok {
			if wl := s.wlanIn(r, sc, orgID, siteID); wl == nil {
				ok = false
				writeNotFound(w, "wlan", r.PathValue("wlan_id"))
			} else {
				s.st.removeWLAN(r.PathValue("wlan_id"))
			}
		}
		s.st.mu.Unlock()
		if !ok || !s.persist(w) {
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}

// validateWLAN checks the fields the spec constrains.
func validateWLAN(wl obj) error {
	ssid, present := wl["ssid"]
	if !present || ssid == nil {
		return required("ssid")
	}
	str, ok := ssid.(string)
	if !ok {
		return fmt.Errorf("ssid: must be a string, got %s", jsonKind(ssid))
	}
	if strings.TrimSpace(str) == "" {
		return fmt.Errorf("ssid: must not be blank")
	}
	if len(str) > 32 {
		// 802.11 caps an SSID at 32 octets.
		return fmt.Errorf("ssid: %q is %d bytes; an SSID holds at most 32", str, len(str))
	}
	if v, ok := wl["vlan_id"]; ok && v != nil {
		if err := validateVLAN(v); err != nil {
			return err
		}
	}
	for _, k := range []string{"enabled", "hide_ssid", "vlan_enabled"} {
		if v, ok := wl[k]; ok {
			if _, isBool := v.(bool); !isBool {
				return fmt.Errorf("%s: must be true or false, got %s", k, jsonKind(v))
			}
		}
	}
	return nil
}

// validateVLAN follows wlan_vlan_id_with_variable: an integer 1-4094, or a
// string (a number in that range or a {{site_variable}}).
func validateVLAN(v any) error {
	const want = "a VLAN ID from 1 to 4094 or a {{site_variable}}"
	switch t := v.(type) {
	case json.Number:
		n, err := strconv.ParseInt(t.String(), 10, 64)
		if err != nil || n < 1 || n > 4094 {
			return fmt.Errorf("vlan_id: %s is not %s", t, want)
		}
	case float64: // state read back from disk
		if t != float64(int64(t)) || t < 1 || t > 4094 {
			return fmt.Errorf("vlan_id: %v is not %s", t, want)
		}
	case int:
		if t < 1 || t > 4094 {
			return fmt.Errorf("vlan_id: %d is not %s", t, want)
		}
	case string:
		s := strings.TrimSpace(t)
		if strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}") && len(s) > 4 {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 4094 {
			return fmt.Errorf("vlan_id: %q is not %s", t, want)
		}
	default:
		return fmt.Errorf("vlan_id: %s is not %s", jsonKind(v), want)
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// ---- paging ----

// paging is a list request's ?limit= (default 100, at most 1000) and
// ?page= (from 1), Mist's paging.
type paging struct{ limit, page int }

func parsePaging(r *http.Request) (paging, error) {
	q := r.URL.Query()
	pg := paging{limit: 100, page: 1}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return pg, fmt.Errorf("limit: %q is not a whole number from 1 to 1000", v)
		}
		pg.limit = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pg, fmt.Errorf("page: %q is not a whole number from 1", v)
		}
		pg.page = n
	}
	return pg, nil
}

// bounds gives the slice of a list of total items the page covers.
func (pg paging) bounds(total int) (lo, hi int) {
	lo = total
	if pg.page-1 <= total/pg.limit { // compared this way round, absurd pages cannot overflow
		lo = min((pg.page-1)*pg.limit, total)
	}
	return lo, min(lo+pg.limit, total)
}

// write answers with the page's items and the X-Page-* headers.
func (pg paging) write(w http.ResponseWriter, total int, items []obj) {
	h := w.Header()
	h.Set("X-Page-Total", strconv.Itoa(total))
	h.Set("X-Page-Limit", strconv.Itoa(pg.limit))
	h.Set("X-Page-Page", strconv.Itoa(pg.page))
	if items == nil {
		items = []obj{}
	}
	writeJSON(w, http.StatusOK, items)
}

// writePage pages a list held whole.
func writePage(w http.ResponseWriter, r *http.Request, items []obj) {
	pg, err := parsePaging(r)
	if err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	lo, hi := pg.bounds(len(items))
	pg.write(w, len(items), items[lo:hi])
}

package sandbox

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Sites: create in an org, PUT that changes the fields sent, delete (with
// the site's WLANs).

var readOnlySite = map[string]bool{"id": true, "org_id": true, "created_time": true, "modified_time": true}

// validateSite checks the fields the sandbox relies on.
func validateSite(site obj) error {
	name, ok := site["name"].(string)
	if _, present := site["name"]; !present || site["name"] == nil {
		return required("name")
	}
	if !ok {
		return fmt.Errorf("name: must be a string, got %s", jsonKind(site["name"]))
	}
	if strings.TrimSpace(name) == "" {
		return errors.New("name: must not be blank")
	}
	if v, ok := site["country_code"]; ok && v != nil {
		cc, isStr := v.(string)
		if !isStr || len(cc) != 2 || strings.ToUpper(cc) != cc || strings.ContainsFunc(cc, func(r rune) bool { return r < 'A' || r > 'Z' }) {
			return fmt.Errorf("country_code: %v is not a two-letter country code such as US", v)
		}
	}
	for _, k := range []string{"timezone", "address", "notes"} {
		if v, ok := site[k]; ok && v != nil {
			if _, isStr := v.(string); !isStr {
				return fmt.Errorf("%s: must be a string, got %s", k, jsonKind(v))
			}
		}
	}
	return nil
}

func (s *Server) handleCreateSite(w http.ResponseWriter, r *http.Request, c *caller) {
	orgID, ok := s.pathOrg(w, r)
	if !ok {
		return
	}
	if !can(c.user, orgID, "", true) || !orgWide(c.user, orgID) {
		writeDetail(w, http.StatusForbidden, detailForbidden)
		return
	}
	m, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	site := obj{"timezone": "America/Los_Angeles", "country_code": "US", "notes": "", "sitegroup_ids": []any{}}
	for k, v := range m {
		if !readOnlySite[k] {
			site[k] = v
		}
	}
	if err := validateSite(site); err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	now := s.now().Unix()
	site["id"], site["org_id"], site["created_time"], site["modified_time"] = uuid.NewString(), orgID, now, now
	s.st.mu.Lock()
	s.st.sites = append(s.st.sites, site)
	s.st.mu.Unlock()
	if !s.persist(w) {
		return
	}
	writeJSON(w, http.StatusOK, site)
}

// orgWide reports whether u holds an org-scope write privilege: creating
// and deleting sites is not for site-scoped admins.
func orgWide(u *user, orgID string) bool {
	for _, p := range u.Privileges {
		if p.Scope == "org" && p.OrgID == orgID && (p.Role == "admin" || p.Role == "write") {
			return true
		}
	}
	return false
}

func (s *Server) handleUpdateSite(w http.ResponseWriter, r *http.Request, c *caller) {
	id := r.PathValue("site_id")
	body, err := readBody(r)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	s.st.mu.Lock()
	status, detail := 0, ""
	var merged obj
	idx := -1
	for i, x := range s.st.sites {
		if x["id"] == id {
			idx = i
		}
	}
	switch {
	case idx < 0:
		status = http.StatusNotFound
	case !can(c.user, fmt.Sprint(s.st.sites[idx]["org_id"]), id, true):
		status, detail = http.StatusForbidden, detailForbidden
	default:
		m, err := parseJSONObject(body)
		if err != nil {
			status, detail = http.StatusBadRequest, err.Error()
			break
		}
		merged = maps.Clone(s.st.sites[idx])
		for k, v := range m {
			if !readOnlySite[k] {
				merged[k] = v
			}
		}
		if err := validateSite(merged); err != nil {
			status, detail = http.StatusBadRequest, err.Error()
			break
		}
		merged["modified_time"] = s.now().Unix()
		sites := slices.Clone(s.st.sites)
		sites[idx] = merged
		s.st.sites = sites
	}
	s.st.mu.Unlock()
	switch status {
	case http.StatusNotFound:
		writeNotFound(w, "site", id)
		return
	case 0:
	default:
		writeDetail(w, status, detail)
		return
	}
	if !s.persist(w) {
		return
	}
	writeJSON(w, http.StatusOK, merged)
}

func (s *Server) handleDeleteSite(w http.ResponseWriter, r *http.Request, c *caller) {
	id := r.PathValue("site_id")
	s.st.mu.Lock()
	site := s.st.site(id)
	ok := site != nil && orgWide(c.user, fmt.Sprint(site["org_id"]))
	if ok {
		var sites []obj
		for _, x := range s.st.sites {
			if x["id"] != id {
				sites = append(sites, x)
			}
		}
		s.st.sites = sites
		// Its WLANs go with it, in one pass over the order.
		gone := map[string]bool{}
		for _, wid := range s.st.wlanIndex["site:"+id] {
			gone[wid] = true
			delete(s.st.wlans, wid)
		}
		delete(s.st.wlanIndex, "site:"+id)
		var order []string
		for _, wid := range s.st.wlanOrder {
			if !gone[wid] {
				order = append(order, wid)
			}
		}
		s.st.wlanOrder = order
	}
	s.st.mu.Unlock()
	switch {
	case site == nil:
		writeNotFound(w, "site", id)
	case !ok:
		writeDetail(w, http.StatusForbidden, detailForbidden)
	case s.persist(w):
		w.WriteHeader(http.StatusOK)
	}
}

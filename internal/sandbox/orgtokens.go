package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Org API tokens: /api/v1/orgs/:org_id/apitokens. They carry their own
// privileges (not a user's) and their own rate limit: the account they
// are counted against is the token itself.

const detailOrgTokenSelf = "An org API token has no user: user API tokens are managed with a user's token or login session."

func (c *caller) isOrgToken() bool { return c.token != nil && c.token.OrgID != "" }

var roles = []string{"admin", "write", "read", "helpdesk", "installer"}

// orgTokenUser is the account an org token acts as (s.mu held).
func (s *state) orgTokenUser(t *apiToken) *user {
	orgName, _ := s.org["name"].(string)
	u := &user{ID: "orgtoken:" + t.ID, FirstName: t.Name}
	for _, p := range t.Privileges {
		p.OrgID, p.OrgName = t.OrgID, orgName
		if p.Scope == "site" {
			if site := s.site(p.SiteID); site != nil {
				p.Name, _ = site["name"].(string)
			}
		} else {
			p.Name = orgName
		}
		u.Privileges = append(u.Privileges, p)
	}
	return u
}

func orgTokenView(t *apiToken) obj {
	v := tokenView(t)
	v["org_id"] = t.OrgID
	v["created_by"] = t.CreatedBy
	v["privileges"] = t.Privileges
	if t.SrcIPs != nil {
		v["src_ips"] = t.SrcIPs
	}
	return v
}

// orgAdmin checks the path's org exists and the caller administers it.
func (s *Server) orgAdmin(w http.ResponseWriter, r *http.Request, c *caller) (string, bool) {
	id, ok := s.pathOrg(w, r)
	if !ok {
		return "", false
	}
	for _, p := range c.user.Privileges {
		if p.Scope == "org" && p.OrgID == id && p.Role == "admin" {
			return id, true
		}
	}
	writeDetail(w, http.StatusForbidden, detailForbidden)
	return "", false
}

// orgTokens selects the tokens of the org with this ID.
func orgTokens(orgID string) func(*apiToken) bool {
	return func(t *apiToken) bool { return t.OrgID == orgID }
}

func (s *Server) handleListOrgTokens(w http.ResponseWriter, r *http.Request, c *caller) {
	orgID, ok := s.orgAdmin(w, r, c)
	if !ok {
		return
	}
	s.listTokens(w, r, orgTokens(orgID), orgTokenView)
}

// parseOrgToken reads {name, privileges, src_ips} (s.mu not held).
func (s *Server) parseOrgToken(m obj, create bool) (name string, privs []privilege, ips []string, err error) {
	if v, ok := m["name"]; ok {
		if name, ok = v.(string); !ok {
			return "", nil, nil, fmt.Errorf("name: must be a string")
		}
	}
	raw, present := m["privileges"]
	if !present {
		if create {
			return "", nil, nil, required("privileges")
		}
	} else {
		list, ok := raw.([]any)
		if !ok || len(list) == 0 {
			return "", nil, nil, fmt.Errorf("privileges: must be a non-empty list of {scope, role, site_id}")
		}
		for i, x := range list {
			p, ok := x.(map[string]any)
			if !ok {
				return "", nil, nil, fmt.Errorf("privileges[%d]: must be an object", i)
			}
			scope, _ := p["scope"].(string)
			role, _ := p["role"].(string)
			siteID, _ := p["site_id"].(string)
			switch {
			case scope != "org" && scope != "site":
				return "", nil, nil, fmt.Errorf("privileges[%d].scope: %q is not org or site", i, p["scope"])
			case !slices.Contains(roles, role):
				return "", nil, nil, fmt.Errorf("privileges[%d].role: %q is not one of %s", i, p["role"], strings.Join(roles, ", "))
			case scope == "site" && siteID == "":
				return "", nil, nil, fmt.Errorf("privileges[%d].site_id: required for scope site", i)
			}
			if scope == "site" {
				s.st.mu.RLock()
				known := s.st.site(siteID) != nil
				s.st.mu.RUnlock()
				if !known {
					return "", nil, nil, fmt.Errorf("privileges[%d].site_id: no site %s in this org", i, siteID)
				}
			} else {
				siteID = ""
			}
			privs = append(privs, privilege{Scope: scope, Role: role, SiteID: siteID})
		}
	}
	if v, ok := m["src_ips"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return "", nil, nil, fmt.Errorf("src_ips: must be a list of addresses")
		}
		for i, x := range list {
			ip, ok := x.(string)
			if !ok {
				return "", nil, nil, fmt.Errorf("src_ips[%d]: must be a string", i)
			}
			ips = append(ips, ip)
		}
	}
	return name, privs, ips, nil
}

func (s *Server) handleCreateOrgToken(w http.ResponseWriter, r *http.Request, c *caller) {
	orgID, ok := s.orgAdmin(w, r, c)
	if !ok {
		return
	}
	m, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	name, privs, ips, err := s.parseOrgToken(m, true)
	if err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.addToken(w, &apiToken{ID: uuid.NewString(), Name: name, OrgID: orgID, Privileges: privs, SrcIPs: ips, CreatedBy: c.user.Email}, orgTokenView)
}

func (s *Server) handleGetOrgToken(w http.ResponseWriter, r *http.Request, c *caller) {
	orgID, ok := s.orgAdmin(w, r, c)
	if !ok {
		return
	}
	s.getToken(w, r, orgTokens(orgID), orgTokenView)
}

func (s *Server) handleUpdateOrgToken(w http.ResponseWriter, r *http.Request, c *caller) {
	orgID, ok := s.orgAdmin(w, r, c)
	if !ok {
		return
	}
	m, ok := readJSONObject(w, r)
	if !ok {
		return
	}
	name, privs, ips, err := s.parseOrgToken(m, false)
	if err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.updateToken(w, r, orgTokens(orgID), func(t *apiToken) bool {
		if present(m, "name") {
			t.Name = name
		}
		if privs != nil {
			t.Privileges = privs
		}
		if present(m, "src_ips") {
			t.SrcIPs = ips
		}
		return true
	}, orgTokenView)
}

func (s *Server) handleDeleteOrgToken(w http.ResponseWriter, r *http.Request, c *caller) {
	orgID, ok := s.orgAdmin(w, r, c)
	if !ok {
		return
	}
	s.deleteToken(w, r, orgTokens(orgID))
}

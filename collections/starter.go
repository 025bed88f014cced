package collections

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MistCloud is one Mist cloud: its name, REST API host and the suffix of
// its session cookies.
type MistCloud struct {
	Name, Host, CookieSuffix string
}

// MistClouds are the Mist clouds, as Juniper documents them.
var MistClouds = []MistCloud{
	{"Global 01", "api.mist.com", ""},
	{"Global 02", "api.gc1.mist.com", ".gc1"},
	{"Global 03", "api.ac2.mist.com", ".ac2"},
	{"Global 04", "api.gc2.mist.com", ".gc2"},
	{"Global 05", "api.gc4.mist.com", ".gc4"},
	{"EMEA 01", "api.eu.mist.com", ".eu"},
	{"EMEA 02", "api.gc3.mist.com", ".gc3"},
	{"EMEA 03", "api.ac6.mist.com", ".ac6"},
	{"EMEA 04", "api.gc6.mist.com", ".gc6"},
	{"APAC 01", "api.ac5.mist.com", ".ac5"},
	{"APAC 02", "api.gc5.mist.com", ".gc5"},
	{"APAC 03", "api.gc7.mist.com", ".gc7"},
	{"US GovCloud", "api.us.mist-federal.com", ".us"},
}

// MistEnvironments returns one environment per Mist cloud plus "Custom",
// each setting host, with apitoken as a secret read from MIST_APITOKEN or
// the user's secret store.
func MistEnvironments() []*Environment {
	var envs []*Environment
	add := func(name, host, desc string) {
		envs = append(envs, &Environment{Name: name, Description: desc, Variables: []Variable{
			{Key: "host", Value: host},
			{Key: "apitoken", Secret: true, Env: "MIST_APITOKEN", Description: "your Mist API token (Account > API Token in the portal)"},
		}})
	}
	for _, c := range MistClouds {
		add(c.Name, c.Host, "Mist cloud "+c.Name+": portal "+strings.Replace(c.Host, "api.", "manage.", 1))
	}
	add("Custom", "", "any other Mist host: set host to it (e.g. a lab or proxy)")
	return envs
}

// MistStarter is the Mist starter collection: the walk a new user takes
// (who am I, sites, WLANs, rename an SSID) and its neighbours, each request
// with a description that teaches what it does and which ids it needs.
// Dir is left empty: set it, then Save.
func MistStarter() *Collection {
	jsonHeader := []Param{{Key: "Content-Type", Value: "application/json"}}
	site := Param{Key: "site_id", Value: "{{site_id}}", Description: "a site id: run Sites/List org sites (or Auth/Who am I) to fill it"}
	org := Param{Key: "org_id", Value: "{{org_id}}", Description: "your org id: run Auth/Who am I to fill it"}
	wlan := Param{Key: "wlan_id", Value: "{{wlan_id}}", Description: "a WLAN id: run WLANs/List site WLANs to fill it"}
	get := func(name, url, desc string, pv ...Param) *Request {
		return &Request{Name: name, Method: "GET", URL: "https://{{host}}" + url, Description: desc, PathVars: pv, Expect: Expect{Status: []int{200}}}
	}
	withBody := func(method, name, url, desc, body string, pv ...Param) *Request {
		return &Request{Name: name, Method: method, URL: "https://{{host}}" + url, Description: desc, PathVars: pv,
			Headers: jsonHeader, Body: Body{Kind: BodyJSON, Text: body}, Expect: Expect{Status: []int{200}}}
	}

	whoami := get("Who am I", "/api/v1/self",
		"Start here. Returns your user and privileges[]: each names a scope (org, site, msp...), a role and the org_id / site_id it applies to.\nThis request captures the first org_id and site_id into the environment, so the other requests work without copying ids.")
	whoami.Captures = []Capture{
		{Var: "org_id", JQ: `first(.privileges[] | select(.org_id != null and .org_id != "") | .org_id)`},
		{Var: "site_id", JQ: `first(.privileges[] | select(.scope == "site") | .site_id)`},
	}
	createToken := withBody("POST", "Create API token", "/api/v1/self/apitokens",
		"Creates a user API token with your privileges. The key is shown only in this response: it is captured into the secret apitoken (your secret store, never this collection).\nUnused user tokens expire after 90 days.",
		"{\n  \"name\": \"mistbench\"\n}\n")
	createToken.Captures = []Capture{{Var: "apitoken", JQ: ".key"}, {Var: "apitoken_id", JQ: ".id"}}
	deleteToken := &Request{Name: "Delete API token", Method: "DELETE", URL: "https://{{host}}/api/v1/self/apitokens/:apitoken_id",
		Description: "Deletes a user API token. Set delete_apitoken_id to the id of the token to delete (List API tokens shows them; Create API token fills apitoken_id with the newest).\nIt has its own variable so that running the whole folder never deletes the token it is using.",
		PathVars:    []Param{{Key: "apitoken_id", Value: "{{delete_apitoken_id}}", Description: "the token's id (not its key)"}}, Expect: Expect{Status: []int{200}}}

	login := withBody("POST", "Log in", "/api/v1/login",
		"Starts a browser-style session with email and password instead of a token. The answer sets the sessionid and csrftoken cookies; every later POST/PUT/DELETE of the session must send X-CSRFToken.\nIf the account has two-factor authentication, the answer says two_factor_required: send Two-factor next.\nTo use a session for every request, set the collection's auth to mist-login instead.",
		"{\n  \"email\": \"{{email}}\",\n  \"password\": \"{{password}}\"\n}\n")
	login.Auth = Auth{Type: AuthNone}
	twoFactor := withBody("POST", "Two-factor", "/api/v1/login/two_factor",
		"Completes a login that answered two_factor_required, with the 6-digit code of your authenticator app.",
		"{\n  \"two_factor\": \"{{two_factor}}\"\n}\n")
	twoFactor.Auth = Auth{Type: AuthNone}
	logout := &Request{Name: "Log out", Method: "POST", URL: "https://{{host}}/api/v1/logout", Auth: Auth{Type: AuthNone},
		Description: "Ends the login session and clears its cookies.", Expect: Expect{Status: []int{200}}}

	listSites := get("List org sites", "/api/v1/orgs/:org_id/sites",
		"Lists the sites of your org. Needs org_id (Who am I fills it). Captures the first site's id as site_id.\nLists page with ?limit= and ?page=; the X-Page-Total header says how many there are.", org)
	listSites.Query = []Param{{Key: "limit", Value: "100"}, {Key: "page", Value: "1", Disabled: true}}
	listSites.Captures = []Capture{{Var: "site_id", JQ: ".[0].id"}}

	listWLANs := get("List site WLANs", "/api/v1/sites/:site_id/wlans",
		"Lists the WLANs (SSIDs) of a site. Needs site_id. Captures the first WLAN's id as wlan_id for Get WLAN and Rename SSID.", site)
	listWLANs.Captures = []Capture{{Var: "wlan_id", JQ: ".[0].id"}}
	getWLAN := get("Get WLAN", "/api/v1/sites/:site_id/wlans/:wlan_id",
		"Reads one WLAN: ssid, enabled, auth, vlan settings, bands. Needs site_id and wlan_id (List site WLANs fills wlan_id).", site, wlan)
	createWLAN := withBody("POST", "Create WLAN", "/api/v1/sites/:site_id/wlans",
		"Creates a WLAN on a site. ssid is required; enabled defaults to true, bands to 2.4, 5 and 6 GHz. The new id is captured as wlan_id.",
		"{\n  \"ssid\": \"Lab-Guest\",\n  \"enabled\": true,\n  \"auth\": {\n    \"type\": \"open\"\n  },\n  \"vlan_enabled\": true,\n  \"vlan_id\": 42\n}\n", site)
	createWLAN.Captures = []Capture{{Var: "wlan_id", JQ: ".id"}}
	rename := withBody("PUT", "Rename SSID", "/api/v1/sites/:site_id/wlans/:wlan_id",
		"Renames a WLAN. Mist's PUT changes only the fields you send and keeps the others, so this body renames the SSID and leaves the rest as it was.",
		"{\n  \"ssid\": \"NewName\"\n}\n", site, wlan)
	rename.Expect.JQ = []string{`.ssid == "NewName"`}
	deleteWLAN := &Request{Name: "Delete WLAN", Method: "DELETE", URL: "https://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id",
		Description: "Deletes a WLAN from a site. There is no undo.", PathVars: []Param{site, wlan}, Expect: Expect{Status: []int{200}}}

	orgWLANParam := Param{Key: "wlan_id", Value: "{{org_wlan_id}}", Description: "an org WLAN id: List org WLANs fills it"}
	listOrgWLANs := get("List org WLANs", "/api/v1/orgs/:org_id/wlans",
		"Lists the WLANs defined at org level, in WLAN templates, which sites then inherit. Captures the first as org_wlan_id.", org)
	listOrgWLANs.Captures = []Capture{{Var: "org_wlan_id", JQ: ".[0].id"}}
	getOrgWLAN := get("Get org WLAN", "/api/v1/orgs/:org_id/wlans/:wlan_id", "Reads one org-level WLAN: its ssid, auth and the template_id it belongs to.", org, orgWLANParam)
	createOrgWLAN := withBody("POST", "Create org WLAN", "/api/v1/orgs/:org_id/wlans",
		"Creates an org-level WLAN. In a real org it belongs to a WLAN template (template_id): sites get it through the template.",
		"{\n  \"ssid\": \"Lab-IoT\",\n  \"auth\": {\n    \"type\": \"open\"\n  },\n  \"hide_ssid\": true\n}\n", org)
	createOrgWLAN.Captures = []Capture{{Var: "org_wlan_id", JQ: ".id"}}
	updateOrgWLAN := withBody("PUT", "Update org WLAN", "/api/v1/orgs/:org_id/wlans/:wlan_id",
		"Changes the fields sent of an org-level WLAN.", "{\n  \"enabled\": false\n}\n", org, orgWLANParam)
	deleteOrgWLAN := &Request{Name: "Delete org WLAN", Method: "DELETE", URL: "https://{{host}}/api/v1/orgs/:org_id/wlans/:wlan_id",
		Description: "Deletes an org-level WLAN: every site that gets it through its template loses it.", PathVars: []Param{org, orgWLANParam}, Expect: Expect{Status: []int{200}}}

	return &Collection{
		Name: "Mist starter",
		Description: "The Juniper Mist API, first steps: find out who you are, list your sites and WLANs, rename an SSID.\n" +
			"Pick your cloud's environment (Ctrl+E), set your API token (it is kept in your secret store, never in these files), then send Auth/Who am I.\n" +
			"Mist allows 5,000 API calls per hour per account.",
		Variables: []Variable{
			{Key: "org_id", Description: "filled by Auth/Who am I"},
			{Key: "site_id", Description: "filled by Auth/Who am I or Sites/List org sites"},
			{Key: "wlan_id", Description: "filled by WLANs/List site WLANs or Create WLAN"},
			{Key: "org_wlan_id", Description: "filled by Org WLANs/List org WLANs"},
			{Key: "apitoken_id", Description: "filled by Auth/Create API token"},
			{Key: "email", Description: "your Mist login, for Auth/Log in"},
			{Key: "password", Secret: true, Env: "MIST_PASSWORD", Description: "your Mist password, for Auth/Log in"},
			{Key: "two_factor", Description: "the code of your authenticator app, for Auth/Two-factor"},
		},
		Auth: Auth{Type: AuthMistToken, Token: "{{apitoken}}"},
		Items: []Item{
			&Folder{Name: "Auth", Description: "Who you are, API tokens and login sessions.", Items: []Item{
				whoami,
				get("List API tokens", "/api/v1/self/apitokens", "Lists your user API tokens (their ids and names; keys are never shown again)."),
				createToken, deleteToken, login, twoFactor, logout,
				get("API usage", "/api/v1/self/usage", "How many API calls you made this hour against the limit of 5,000 (requests, request_limit, seconds)."),
			}},
			&Folder{Name: "Sites", Description: "The sites of your org.", Items: []Item{
				listSites,
				get("Get site", "/api/v1/sites/:site_id", "Reads one site: name, address, timezone, country code.", site),
			}},
			&Folder{Name: "WLANs", Description: "Site WLANs (SSIDs): the running example. List, read, create, rename, delete.", Items: []Item{
				listWLANs, getWLAN, createWLAN, rename, deleteWLAN,
			}},
			&Folder{Name: "Org WLANs", Description: "WLANs defined at org level, in WLAN templates.", Items: []Item{
				listOrgWLANs, getOrgWLAN, createOrgWLAN, updateOrgWLAN, deleteOrgWLAN,
			}},
		},
		Environments: MistEnvironments(),
	}
}

// WriteStarter writes the Mist starter collection into dir, which must not
// hold a collection already. It returns the collection as saved.
func WriteStarter(dir string) (*Collection, error) {
	if _, err := os.Stat(filepath.Join(dir, CollectionFile)); err == nil {
		return nil, fmt.Errorf("%s already holds a collection; choose an empty directory", dir)
	}
	c := MistStarter()
	c.Dir = dir
	if err := c.Save(SaveOptions{}); err != nil {
		return nil, err
	}
	return c, nil
}

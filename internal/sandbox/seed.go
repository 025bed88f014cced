package sandbox

// The seeded org, fixed so docs and tests can name its ids.
const (
	SeedOrgID      = "9c2a6f0e-3b1d-4e57-8a64-2f1e0b7c5d31"
	SeedOrgName    = "Bluefin Coffee Roasters"
	SeedSiteID     = "4f8e2a1c-6d3b-4c9a-b2e7-81d5f0a3c6e2" // Portland Roastery
	SeedSite2ID    = "b71d3e95-2a4c-4f06-9e8b-5c3a7d1f2e40" // Seattle Pike Street
	SeedWLANID     = "6f4bf402-45f9-4a56-8c8b-7f83d3bc98e9" // Bluefin-Guest at Portland
	SeedOrgWLANID  = "e2c95b7a-0f3d-4b18-a6c4-93d1e8f27a05" // Bluefin-Corp, org level
	SeedTemplateID = "0a6d4c3e-9b2f-4e81-b7a5-c4e1f3d92b68"

	// The admin the API token belongs to; also logs in with a password.
	SeedAdminID       = "d3a1b7c9-5e2f-4a86-9c0d-1b4e7f3a2c58"
	SeedAdminEmail    = "alex.rivera@bluefin.example"
	SeedAdminPassword = "sandbox-password"

	// A second admin whose login needs a two-factor code (TOTP, RFC 6238,
	// from SeedTwoFactorSecret: add it to an authenticator app or compute
	// it with TOTP()).
	SeedTwoFactorUserID   = "7e5c2d9a-1f4b-4c37-8a6e-d2b9f0c13e74"
	SeedTwoFactorEmail    = "jordan.lee@bluefin.example"
	SeedTwoFactorPassword = "sandbox-2fa-password"
	SeedTwoFactorSecret   = "JBSWY3DPEHPK3PXPMISTBENCHSANDBOX"
)

// seedTime is the fixed creation time of seeded objects (2026-03-02).
const seedTime = 1772409600

func seedWLAN(id, siteID, ssid string, vlan any, authType string, hidden bool, bands []any) obj {
	w := obj{
		"id":            id,
		"org_id":        SeedOrgID,
		"ssid":          ssid,
		"enabled":       true,
		"hide_ssid":     hidden,
		"auth":          obj{"type": authType},
		"vlan_enabled":  vlan != nil,
		"bands":         bands,
		"interface":     "all",
		"roam_mode":     "NONE",
		"band_steer":    false,
		"isolation":     false,
		"created_time":  int64(seedTime),
		"modified_time": int64(seedTime),
	}
	if vlan != nil {
		w["vlan_id"] = vlan
	}
	if authType == "psk" {
		// Seeded demo passphrases, not anyone's secret.
		w["auth"] = obj{"type": "psk", "psk": "roast-" + ssid[len("Bluefin-"):] + "-2026", "pairwise": []any{"wpa2-ccmp"}}
	}
	if authType == "eap" {
		w["auth"] = obj{"type": "eap", "pairwise": []any{"wpa2-ccmp", "wpa3"}}
	}
	if siteID != "" {
		w["site_id"] = siteID
	} else {
		w["template_id"] = SeedTemplateID
	}
	return w
}

func seedSite(id, name, address, tz string, lat, lng float64) obj {
	return obj{
		"id":            id,
		"org_id":        SeedOrgID,
		"name":          name,
		"address":       address,
		"country_code":  "US",
		"timezone":      tz,
		"latlng":        obj{"lat": lat, "lng": lng},
		"notes":         "",
		"sitegroup_ids": []any{},
		"created_time":  int64(seedTime),
		"modified_time": int64(seedTime),
	}
}

// seed builds the initial state.
func seed() *persisted {
	all := []any{"24", "5", "6"}
	dual := []any{"24", "5"}
	orgPriv := func(role string) []privilege {
		// Mist lists the org; the site entries make /self enough to find
		// every id the seed walk needs.
		return []privilege{
			{Scope: "org", Role: role, OrgID: SeedOrgID, OrgName: SeedOrgName, Name: SeedOrgName},
			{Scope: "site", Role: role, OrgID: SeedOrgID, OrgName: SeedOrgName, SiteID: SeedSiteID, Name: "Portland Roastery"},
			{Scope: "site", Role: role, OrgID: SeedOrgID, OrgName: SeedOrgName, SiteID: SeedSite2ID, Name: "Seattle Pike Street Cafe"},
		}
	}
	return &persisted{
		Version: 1,
		Org: obj{
			"id":             SeedOrgID,
			"name":           SeedOrgName,
			"allow_mist":     true,
			"session_expiry": 1440,
			"orggroup_ids":   []any{},
			"created_time":   int64(seedTime),
			"modified_time":  int64(seedTime),
		},
		Sites: []obj{
			seedSite(SeedSiteID, "Portland Roastery", "1420 SE Water Ave, Portland, OR 97214", "America/Los_Angeles", 45.5127, -122.6655),
			seedSite(SeedSite2ID, "Seattle Pike Street Cafe", "1912 Pike Pl, Seattle, WA 98101", "America/Los_Angeles", 47.6101, -122.3421),
		},
		WLANs: []obj{
			seedWLAN(SeedWLANID, SeedSiteID, "Bluefin-Guest", 30, "open", false, all),
			seedWLAN("a3e8f1c2-7b4d-4e9a-8f60-2d5c1b9e7a34", SeedSiteID, "Bluefin-Staff", 10, "psk", false, all),
			seedWLAN("c5b2d7e4-9a1f-4c68-b3d0-6e8f2a4c1b97", SeedSiteID, "Bluefin-POS", 20, "psk", true, dual),
			seedWLAN("18f4a6c3-2e9d-4b75-a0c1-f7e3d5b8a962", SeedSite2ID, "Bluefin-Guest", 30, "open", false, all),
			seedWLAN("5d9c3b1e-8f2a-4d64-9e7b-0a1c4f6d2e85", SeedSite2ID, "Bluefin-Staff", 10, "psk", false, all),
			seedWLAN(SeedOrgWLANID, "", "Bluefin-Corp", "{{corp_vlan}}", "eap", false, all),
		},
		Users: []*user{
			{
				ID: SeedAdminID, Email: SeedAdminEmail, FirstName: "Alex", LastName: "Rivera",
				PasswordSalt: "s1", PasswordHash: hashSecret("s1", SeedAdminPassword),
				Privileges: orgPriv("admin"),
			},
			{
				ID: SeedTwoFactorUserID, Email: SeedTwoFactorEmail, FirstName: "Jordan", LastName: "Lee",
				PasswordSalt: "s2", PasswordHash: hashSecret("s2", SeedTwoFactorPassword),
				TOTPSecret: SeedTwoFactorSecret,
				Privileges: []privilege{
					{Scope: "site", Role: "write", OrgID: SeedOrgID, OrgName: SeedOrgName, SiteID: SeedSiteID, Name: "Portland Roastery"},
					{Scope: "site", Role: "read", OrgID: SeedOrgID, OrgName: SeedOrgName, SiteID: SeedSite2ID, Name: "Seattle Pike Street Cafe"},
				},
			},
		},
	}
}

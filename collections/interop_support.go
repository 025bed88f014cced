package collections

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Helpers shared by the importers (postman, openapi, curl, har). They live
// here so every importer recognises credentials the same way.

// AuthFromHeader recognises an Authorization header value as one of our
// auth types: "Token x" (any case, Mist's scheme) is AuthMistToken,
// "Bearer x" AuthBearer and a well-formed "Basic ..." AuthBasic. The value
// may hold {{variables}}. ok is false when the value is none of these, and
// the header should then be kept as written.
func AuthFromHeader(value string) (Auth, bool) {
	scheme, cred, found := strings.Cut(strings.TrimSpace(value), " ")
	cred = strings.TrimSpace(cred)
	if !found || cred == "" || strings.ContainsAny(cred, " \t") && !strings.Contains(cred, "{{") {
		return Auth{}, false
	}
	switch strings.ToLower(scheme) {
	case "token":
		return Auth{Type: AuthMistToken, Token: cred}, true
	case "bearer":
		return Auth{Type: AuthBearer, Token: cred}, true
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return Auth{}, false
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		// Only when re-encoding gives the same header back.
		if !ok || base64.StdEncoding.EncodeToString(raw) != cred || strings.Contains(string(raw), "{{") {
			return Auth{}, false
		}
		return Auth{Type: AuthBasic, Username: user, Password: pass}, true
	}
	return Auth{}, false
}

// LooksSecret reports whether a variable name looks like a credential
// (apitoken, password, client_secret, api_key...), so importers store its
// value in the secret store rather than in the collection. Names of ids
// (apitoken_id) are not credentials.
func LooksSecret(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "-id") || strings.HasSuffix(n, "id") && strings.Contains(n, "token") {
		return false
	}
	n = strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(n)
	for _, w := range []string{"token", "password", "passwd", "passphrase", "secret", "apikey", "credential", "privatekey", "pwd", "cookie", "sessionid", "csrf"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "auth" || n == "authorization" || n == "key" || n == "pass" || n == "psk"
}

// UniqueNames renames items whose names repeat within a folder
// (case-insensitively, as the store requires) by appending " (2)", " (3)"...;
// importers call it because other formats allow duplicates. It returns how
// many items were renamed.
func UniqueNames(items []Item) int {
	n := 0
	seen := map[string]bool{}
	for _, it := range items {
		if f, ok := it.(*Folder); ok {
			n += UniqueNames(f.Items)
		}
	}
	for _, it := range items {
		name := it.ItemName()
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			continue
		}
		for i := 2; ; i++ {
			cand := fmt.Sprintf("%s (%d)", name, i)
			if !seen[strings.ToLower(cand)] {
				seen[strings.ToLower(cand)] = true
				switch it := it.(type) {
				case *Folder:
					it.Name = cand
				case *Request:
					it.Name = cand
				}
				n++
				break
			}
		}
	}
	return n
}

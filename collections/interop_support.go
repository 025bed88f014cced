package collections

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode"
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
	// What describes a credential is not one: passphraseLabel,
	// authButtonPassphrase, token_url, password_policy, token_type,
	// secret_expires_in.
	for _, w := range uiTextWords {
		if strings.Contains(n, w) {
			return false
		}
	}
	for _, w := range aboutSecretSuffixes {
		if strings.HasSuffix(n, w) && len(n) > len(w) {
			return false
		}
	}
	for _, w := range []string{"token", "password", "passwd", "passphrase", "secret", "apikey", "credential", "privatekey", "pwd", "cookie", "sessionid", "csrf"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "auth" || n == "authorization" || n == "key" || n == "pass" || n == "psk"
}

// SecretField reports whether a body or form field holds a credential to
// move out of the collection: its name looks like one and its value is a
// credential written out. Under the generic names (auth, key, pass) a
// short plain word is a setting ("auth": "none", "key": "psk"), not one.
func SecretField(name, value string) bool {
	if !LooksSecret(name) || !LiteralCredential(value) {
		return false
	}
	switch strings.ToLower(name) {
	case "auth", "key", "pass":
		if len(value) < 8 && strings.IndexFunc(value, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			return false
		}
	}
	return true
}

// uiTextWords in a name make it the text of a form, not a value.
var uiTextWords = []string{"label", "button", "title", "placeholder", "message", "hint", "prompt", "description"}

var aboutSecretSuffixes = []string{
	"text", "error", "cancel", "submit", "url", "uri", "endpoint", "type", "policy", "expires", "expiry", "expiresin", "expiration",
	"ttl", "lifetime", "length", "minlength", "maxlength", "enabled", "required", "format", "mode", "count",
}

// VariableName makes a variable name of a header, key or field name, for
// a credential moved into a secret variable: X-Api-Key becomes x_api_key.
func VariableName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0:
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" {
		return "secret"
	}
	return out
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

// SplitQuery decodes a query string into parameters (literal values),
// only when encoding them back gives the same bytes: otherwise the query
// stays in the URL, sent as written (as curl and browsers send it).
// A query holding what no URL may hold (spaces, non-ASCII) is split
// whatever it gives back: it cannot be sent as written.
func SplitQuery(q string) ([]Param, bool) {
	exact := validURLChars(q)
	var out []Param
	for _, pair := range strings.Split(q, "&") {
		if pair == "" && !exact {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if exact && (!ok || k == "") {
			return nil, false
		}
		dk, err1 := unescapeQueryKeepVars(k)
		dv, err2 := unescapeQueryKeepVars(v)
		if err1 != nil || err2 != nil || exact && (EscapeQueryKeepVars(dk) != k || EscapeQueryKeepVars(dv) != v) {
			return nil, false
		}
		out = append(out, Param{Key: dk, Value: dv})
	}
	return out, true
}

// validURLChars reports whether s holds only characters a URL may hold.
func validURLChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`|`, c) >= 0 {
			return false
		}
	}
	return true
}

// MapOutsideVariables applies f to the text between {{variables}}, which
// stay as written; text after an unclosed "{{" is mapped too.
func MapOutsideVariables(s string, f func(string) string) string {
	var b strings.Builder
	for s != "" {
		i := strings.Index(s, "{{")
		j := -1
		if i >= 0 {
			j = strings.Index(s[i:], "}}")
		}
		if i < 0 || j < 0 {
			b.WriteString(f(s))
			break
		}
		b.WriteString(f(s[:i]))
		b.WriteString(s[i : i+j+2])
		s = s[i+j+2:]
	}
	return b.String()
}

// EscapeQueryKeepVars encodes as the sender does, leaving {{variables}} whole.
func EscapeQueryKeepVars(s string) string { return MapOutsideVariables(s, EscapeQuery) }

// unescapeQueryKeepVars decodes %XX and + but leaves {{variables}} alone.
func unescapeQueryKeepVars(s string) (string, error) {
	var first error
	out := MapOutsideVariables(s, func(t string) string {
		d, err := url.QueryUnescape(t)
		if err != nil && first == nil {
			first = err
		}
		return d
	})
	if first != nil {
		return "", first
	}
	return out, nil
}

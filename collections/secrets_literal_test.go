package collections

import "testing"

func TestLiteralCredential(t *testing.T) {
	for v, want := range map[string]bool{
		"abc123":             true,
		"Token abc123":       true,
		"Bearer eyJhbGciOi":  true,
		"Basic dXNlcjpwYXNz": true,
		"":                   false,
		"   ":                false,
		"Token":              false,
		"bearer ":            false,
		"{{apitoken}}":       false,
		"Token {{apitoken}}": false,
		"<token>":            false,
		"<API Key>":          false,
		"Bearer <token>":     false,
		"Token <your token>": false,
		"<a><b>":             true,
		"p<ss>word":          true,
		"Bearer <tok> extra": true,
	} {
		if got := LiteralCredential(v); got != want {
			t.Errorf("LiteralCredential(%q) = %v, want %v", v, got, want)
		}
	}
	for name, want := range map[string]bool{"Authorization": true, " x-api-key ": true, "COOKIE": true, "Accept": false, "X-Request-Id": false} {
		if got := CredentialHeader(name); got != want {
			t.Errorf("CredentialHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

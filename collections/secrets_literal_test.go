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

func TestLooksSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"apitoken": true, "password": true, "client_secret": true, "api-key": true, "psk": true,
		"passphrase": true, "MIST_APITOKEN": true, "auth": true, "refresh_token": true, "sessionid": true,
		"apitoken_id": false, "org_id": false, "tokenId": false, "name": false, "ssid": false,
		"passphraseLabel": false, "passphrase_title": false, "authButtonPassphrase": false, "passphraseButton": false, "token_url": false, "password_policy": false,
		"token_type": false, "secret_expires_in": false, "auth_type": false, "pskEnabled": false,
	} {
		if got := LooksSecret(name); got != want {
			t.Errorf("LooksSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSecretField(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        bool
	}{
		{"auth", "none", false}, {"auth", "psk", false}, {"key", "open", false},
		{"auth", "Bearer eyJ0eXAi", true}, {"key", "a1b2c3", true}, {"key", "abcdefghij", true},
		{"password", "abc", true}, {"psk", "foo12345", true}, {"passphraseLabel", "Passphrase", false},
		{"password", "<password>", false}, {"password", "{{pw}}", false},
	} {
		if got := SecretField(c.name, c.value); got != c.want {
			t.Errorf("SecretField(%q, %q) = %v, want %v", c.name, c.value, got, c.want)
		}
	}
}

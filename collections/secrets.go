package collections

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// SecretStore keeps secret variable values outside every collection, in
// one file under the user's directory (mode 0600), keyed by collection ID,
// environment name ("" for collection level) and variable name.
type SecretStore struct {
	path string
	mu   sync.Mutex
	data map[string]map[string]map[string]string
}

type secretFile struct {
	Version int                                     `json:"version"`
	Secrets map[string]map[string]map[string]string `json:"secrets"`
}

// SecretsFileName is the store's file name under UserDir.
const SecretsFileName = "secrets.json"

// DefaultSecretStore opens the store under UserDir.
func DefaultSecretStore() (*SecretStore, error) {
	dir, err := UserDir()
	if err != nil {
		return nil, err
	}
	return OpenSecretStore(filepath.Join(dir, SecretsFileName))
}

// OpenSecretStore opens (or prepares to create) the store at path.
func OpenSecretStore(path string) (*SecretStore, error) {
	s := &SecretStore{path: path}
	if err := s.reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path is the store's file.
func (s *SecretStore) Path() string { return s.path }

func (s *SecretStore) reload() error {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.data = map[string]map[string]map[string]string{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret store %s: %w", s.path, err)
	}
	var f secretFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("secret store %s: %w (fix or remove the file; it holds only your secrets)", s.path, err)
	}
	if f.Secrets == nil {
		f.Secrets = map[string]map[string]map[string]string{}
	}
	s.data = f.Secrets
	return nil
}

// Secret implements SecretSource.
func (s *SecretStore) Secret(collID, env, key string) (string, bool) {
	if s == nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data[collID][env][key]
	return v, ok
}

// SetSecret stores a value and writes the store at once (re-reading it
// first, so two mistbench processes do not drop each other's secrets).
func (s *SecretStore) SetSecret(collID, env, key, value string) error {
	return s.update(func(d map[string]map[string]map[string]string) {
		if d[collID] == nil {
			d[collID] = map[string]map[string]string{}
		}
		if d[collID][env] == nil {
			d[collID][env] = map[string]string{}
		}
		d[collID][env][key] = value
	})
}

// DeleteSecret removes a value.
func (s *SecretStore) DeleteSecret(collID, env, key string) error {
	return s.update(func(d map[string]map[string]map[string]string) {
		delete(d[collID][env], key)
	})
}

func (s *SecretStore) update(fn func(map[string]map[string]map[string]string)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reload(); err != nil {
		return err
	}
	fn(s.data)
	data, err := json.MarshalIndent(secretFile{Version: 1, Secrets: s.data}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("secret store: %w", err)
	}
	if err := WriteFileAtomic(s.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("secret store: %w", err)
	}
	return nil
}

// credentialHeaders carry credentials by definition.
var credentialHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "x-csrftoken": true,
	"x-api-key": true, "x-auth-token": true, "api-key": true, "apikey": true, "x-access-token": true,
}

// CredentialHeader reports whether a header carries a credential by
// definition (Authorization, Cookie, X-Api-Key...), whatever its value.
// The save check, the importers, the workbench and the history all ask
// this one list.
func CredentialHeader(name string) bool {
	return credentialHeaders[strings.ToLower(strings.TrimSpace(name))]
}

// LiteralCredential reports whether v, the value of a credential field,
// holds the credential written out: not empty, no {{variable}}, not a
// scheme alone ("Bearer"), and not a placeholder generators write in its
// place ("<token>", "<API Key>"), which is no secret to protect.
func LiteralCredential(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || strings.Contains(v, "{{") {
		return false
	}
	if scheme, rest, ok := strings.Cut(v, " "); ok && isScheme(scheme) {
		v = strings.TrimSpace(rest) // "Bearer <token>"
	} else if isScheme(v) {
		return false
	}
	return !(strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") && !strings.ContainsAny(v[1:len(v)-1], "<>"))
}

func isScheme(s string) bool {
	return strings.EqualFold(s, "token") || strings.EqualFold(s, "bearer") || strings.EqualFold(s, "basic")
}

// LiteralSecrets lists the places where the collection holds a credential
// written literally instead of a {{variable}}: auth fields, credential
// headers, and non-secret variables whose names look like credentials.
func (c *Collection) LiteralSecrets() []string {
	var out []string
	checkAuth := func(where string, a Auth) {
		switch a.Type {
		case AuthMistToken, AuthBearer:
			if LiteralCredential(a.Token) {
				out = append(out, where+": auth token is written literally")
			}
		case AuthBasic, AuthMistLogin:
			if LiteralCredential(a.Password) {
				out = append(out, where+": auth password is written literally")
			}
		case AuthAPIKey:
			if LiteralCredential(a.Value) {
				out = append(out, where+": API key value is written literally")
			}
		}
	}
	checkHeaders := func(where string, hs []Param) {
		for _, h := range hs {
			if CredentialHeader(h.Key) && LiteralCredential(h.Value) {
				out = append(out, fmt.Sprintf("%s: header %s holds a literal credential", where, h.Key))
			}
		}
	}
	checkVars := func(where string, vs []Variable) {
		for _, v := range vs {
			if !v.Secret && LooksSecret(v.Key) && LiteralCredential(v.Value) {
				out = append(out, fmt.Sprintf("%s: variable %s looks like a credential but is not secret", where, v.Key))
			}
		}
	}
	checkAuth("collection", c.Auth)
	checkHeaders("collection", c.Headers)
	checkVars("collection", c.Variables)
	var walk func(prefix string, items []Item)
	walk = func(prefix string, items []Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *Folder:
				where := "folder " + prefix + it.Name
				checkAuth(where, it.Auth)
				checkHeaders(where, it.Headers)
				checkVars(where, it.Variables)
				walk(prefix+it.Name+"/", it.Items)
			case *Request:
				where := "request " + prefix + it.Name
				checkAuth(where, it.Auth)
				checkHeaders(where, it.Headers)
			}
		}
	}
	walk("", c.Items)
	for _, e := range c.Environments {
		checkVars("environment "+e.Name, e.Variables)
	}
	return out
}

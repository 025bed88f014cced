package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// obj is a JSON object as Mist stores it: PUT merges fields into it.
type obj = map[string]any

// user is an account of the sandbox.
type user struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	// PasswordHash is hex(sha256(salt + password)); the sandbox keeps no
	// password in the clear, not even its seeded ones.
	PasswordSalt string `json:"password_salt"`
	PasswordHash string `json:"password_hash"`
	// TOTPSecret (base32) turns on two-factor login.
	TOTPSecret string      `json:"totp_secret,omitempty"`
	Privileges []privilege `json:"privileges"`
}

// privilege is one entry of /self's privileges.
type privilege struct {
	Scope   string `json:"scope"`
	Role    string `json:"role"`
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name,omitempty"`
	SiteID  string `json:"site_id,omitempty"`
	Name    string `json:"name,omitempty"`
}

// apiToken is a user API token, or an org API token when OrgID is set. Only the key's hash is kept: the key is
// shown once, in the create response.
type apiToken struct {
	ID          string `json:"id"`
	UserID      string `json:"user_id"`
	Name        string `json:"name"`
	KeyHash     string `json:"key_hash"`
	KeyHint     string `json:"key_hint"` // "1qkb...QQCL", what Mist lists
	CreatedTime int64  `json:"created_time"`
	LastUsed    *int64 `json:"last_used"`

	// Org tokens (UserID ""): their org, own privileges and creator.
	OrgID      string      `json:"org_id,omitempty"`
	Privileges []privilege `json:"privileges,omitempty"`
	CreatedBy  string      `json:"created_by,omitempty"`
	SrcIPs     []string    `json:"src_ips,omitempty"`
}

// persisted is the on-disk form of the state (sandbox.json in the data dir).
type persisted struct {
	Version int         `json:"version"`
	Org     obj         `json:"org"`
	Sites   []obj       `json:"sites"`
	WLANs   []obj       `json:"wlans"`
	Users   []*user     `json:"users"`
	Tokens  []*apiToken `json:"tokens"`
}

// state is the sandbox's data. Every field is guarded by mu.
type state struct {
	mu sync.RWMutex

	org       obj
	sites     []obj // in creation order
	wlans     map[string]obj
	wlanOrder []string            // ids in creation order
	wlanIndex map[string][]string // parentKey -> ids in creation order
	users     []*user
	tokens    []*apiToken

	file    string // "" keeps the state in memory only
	release func() // unlocks the data directory (nil: none)

	// Group commit of the data file: a change bumps wanted and waits until
	// a write that started after it (written >= its number) is done; one
	// write covers every change made before its snapshot.
	pmu     sync.Mutex
	pcond   *sync.Cond
	wanted  uint64
	written uint64
	writing bool
}

func newState(p *persisted) *state {
	s := &state{org: p.Org, sites: p.Sites, users: p.Users, tokens: p.Tokens, wlans: map[string]obj{}, wlanIndex: map[string][]string{}}
	s.pcond = sync.NewCond(&s.pmu)
	for _, w := range p.WLANs {
		s.addWLAN(w)
	}
	return s
}

func (s *state) snapshot() *persisted {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Objects are replaced, never changed, except a token's last_used: copy
	// the tokens so encoding outside the lock races with nothing.
	p := &persisted{Version: 1, Org: s.org, Sites: slices.Clone(s.sites), Users: slices.Clone(s.users)}
	for _, t := range s.tokens {
		c := *t
		p.Tokens = append(p.Tokens, &c)
	}
	for _, id := range s.wlanOrder {
		p.WLANs = append(p.WLANs, s.wlans[id])
	}
	return p
}

// StateFile is the name of the state in the data directory.
const StateFile = "sandbox.json"

// loadState reads dir/sandbox.json, or seeds a new state when it does not
// exist yet.
func loadState(dir string) (*state, error) {
	if dir == "" {
		return newState(seed()), nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox data directory: %w", err)
	}
	release, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := loadLocked(dir)
	if err != nil {
		release()
		return nil, err
	}
	s.release = release
	return s, nil
}

// ErrDataInUse says another sandbox holds the data directory.
var ErrDataInUse = errors.New("data directory in use")

func loadLocked(dir string) (*state, error) {
	file := filepath.Join(dir, StateFile)
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		s := newState(seed())
		s.file = file
		return s, s.persist()
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	var p persisted
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("sandbox state %s: %w (move it away to start from the seed)", file, jsonParseError(b, err))
	}
	if p.Version != 1 || p.Org == nil {
		return nil, fmt.Errorf("sandbox state %s: not a version 1 sandbox state (move it away to start from the seed)", file)
	}
	if err := checkPersisted(&p); err != nil {
		return nil, fmt.Errorf("sandbox state %s: %w (fix it, or move it away to start from the seed)", file, err)
	}
	s := newState(&p)
	s.file = file
	return s, nil
}

// checkPersisted checks what the handlers rely on in a state file that
// may have been edited by hand.
func checkPersisted(p *persisted) error {
	if id, ok := p.Org["id"].(string); !ok || id == "" {
		return errors.New("org: no id")
	}
	seen := map[string]bool{}
	for i, x := range p.Sites {
		id, ok := x["id"].(string)
		if !ok || id == "" || seen[id] {
			return fmt.Errorf("sites[%d]: missing or repeated id", i)
		}
		seen[id] = true
		if _, ok := x["org_id"].(string); !ok {
			return fmt.Errorf("sites[%d]: no org_id", i)
		}
	}
	for i, x := range p.WLANs {
		id, ok := x["id"].(string)
		if !ok || id == "" || seen[id] {
			return fmt.Errorf("wlans[%d]: missing or repeated id", i)
		}
		seen[id] = true
		if _, ok := x["org_id"].(string); !ok {
			return fmt.Errorf("wlans[%d]: no org_id", i)
		}
		if v, ok := x["site_id"]; ok && v != nil {
			if _, isStr := v.(string); !isStr {
				return fmt.Errorf("wlans[%d]: site_id is not a string", i)
			}
		}
	}
	for i, u := range p.Users {
		if u == nil || u.ID == "" {
			return fmt.Errorf("users[%d]: no id", i)
		}
	}
	for i, t := range p.Tokens {
		if t == nil || t.ID == "" || t.KeyHash == "" {
			return fmt.Errorf("tokens[%d]: no id or key_hash", i)
		}
	}
	return nil
}

// persist makes every change made so far durable: the state goes to its
// file atomically (temporary file in the same directory, fsync, rename,
// fsync of the directory). Concurrent callers share writes.
func (s *state) persist() error {
	if s.file == "" {
		return nil
	}
	s.pmu.Lock()
	defer s.pmu.Unlock()
	s.wanted++
	mine := s.wanted
	for s.written < mine {
		if s.writing {
			s.pcond.Wait()
			continue
		}
		s.writing = true
		target := s.wanted
		s.pmu.Unlock()
		err := s.writeFile()
		s.pmu.Lock()
		s.writing = false
		if err == nil {
			s.written = max(s.written, target)
		}
		s.pcond.Broadcast()
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *state) writeFile() error {
	b, err := json.MarshalIndent(s.snapshot(), "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	return writeFileAtomic(s.file, append(b, '\n'), 0o600)
}

func writeFileAtomic(file string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(file)
	f, err := os.CreateTemp(dir, "."+filepath.Base(file)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

func hashSecret(salt, secret string) string {
	h := sha256.Sum256([]byte(salt + secret))
	return hex.EncodeToString(h[:])
}

func (u *user) checkPassword(pw string) bool {
	got := hashSecret(u.PasswordSalt, pw)
	return subtle.ConstantTimeCompare([]byte(got), []byte(u.PasswordHash)) == 1
}

// Lookups below expect s.mu held.

func (s *state) userByID(id string) *user {
	for _, u := range s.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (s *state) site(id string) obj {
	for _, x := range s.sites {
		if x["id"] == id {
			return x
		}
	}
	return nil
}

// parentKey names the list a WLAN belongs to: its site's, or its org's
// when it has no site.
func parentKey(w obj) string {
	if site, ok := w["site_id"].(string); ok {
		return "site:" + site
	}
	org, _ := w["org_id"].(string)
	return "org:" + org
}

// addWLAN stores a new WLAN (s.mu held).
func (s *state) addWLAN(w obj) {
	id, _ := w["id"].(string)
	s.wlans[id] = w
	s.wlanOrder = append(s.wlanOrder, id)
	k := parentKey(w)
	s.wlanIndex[k] = append(s.wlanIndex[k], id)
}

// wlanPage returns how many WLANs the list key holds and those from lo to
// hi, in creation order, without walking the others (s.mu held).
func (s *state) wlanPage(key string, lo, hi int) (int, []obj) {
	ids := s.wlanIndex[key]
	lo, hi = min(lo, len(ids)), min(hi, len(ids))
	out := make([]obj, 0, hi-lo)
	for _, id := range ids[lo:hi] {
		out = append(out, s.wlans[id])
	}
	return len(ids), out
}

func (s *state) removeWLAN(id string) {
	w := s.wlans[id]
	if w == nil {
		return
	}
	delete(s.wlans, id)
	s.wlanOrder = removeID(s.wlanOrder, id)
	k := parentKey(w)
	s.wlanIndex[k] = removeID(s.wlanIndex[k], id)
}

// removeID drops id from ids into a new slice: a snapshot holding the old
// one is not disturbed.
func removeID(ids []string, id string) []string {
	out := make([]string, 0, len(ids))
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

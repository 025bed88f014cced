package workbench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

// SecretStore holds secret values outside the collection. It is what the
// auth editor writes entered credentials to.
type SecretStore interface {
	collections.SecretSource
	SetSecret(collID, env, key, value string) error
}

// Session is the workbench's UI-free state: the collection, the selected
// environment, and the request open in the editor with its unsaved edits.
// Everything here is testable without a screen.
type Session struct {
	Coll    *collections.Collection
	Env     *collections.Environment
	Secrets SecretStore

	// Orig is the request as in the tree; Draft is the copy being edited.
	Orig  *collections.Request
	Path  []*collections.Folder
	Draft *collections.Request
	saved *collections.Request // Draft as last opened or saved

	// Selected is the tree item under the cursor (nil: none).
	Selected collections.Item

	// unsaved marks requests whose edits are in the tree but not on disk.
	unsaved map[*collections.Request]bool

	// treeDirty says the tree changed (rename, move, delete...) since the
	// last save.
	treeDirty bool
}

// NewSession starts a session on c with the environment named env.
func NewSession(c *collections.Collection, env string, secrets SecretStore) (*Session, error) {
	if c == nil {
		return nil, fmt.Errorf("workbench: no collection")
	}
	s := &Session{Coll: c, Secrets: secrets}
	if env != "" {
		if err := s.SetEnv(env); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// SetEnv selects the environment named name ("" for none).
func (s *Session) SetEnv(name string) error {
	if name == "" {
		s.Env = nil
		return nil
	}
	e := s.Coll.Environment(name)
	if e == nil {
		var names []string
		for _, e := range s.Coll.Environments {
			names = append(names, e.Name)
		}
		return fmt.Errorf("environment %q: not in collection %q (it has: %s)", name, s.Coll.Name, strings.Join(names, ", "))
	}
	s.Env = e
	return nil
}

// EnvName returns the selected environment's name or "".
func (s *Session) EnvName() string {
	if s.Env == nil {
		return ""
	}
	return s.Env.Name
}

// Open makes req the request in the editor. Unsaved edits of the previous
// one are kept in the tree (not on disk) so nothing is lost by switching.
func (s *Session) Open(req *collections.Request) {
	if s.DraftDirty() {
		s.treeDirty = true
		if s.unsaved == nil {
			s.unsaved = map[*collections.Request]bool{}
		}
		s.unsaved[s.Orig] = true
	}
	s.Apply()
	path, _ := s.Coll.PathOf(req)
	s.Orig, s.Path = req, path
	s.Draft = req.Clone()
	s.saved = req.Clone()
}

// Apply copies the draft's edits into the tree's request.
func (s *Session) Apply() {
	if s.Orig == nil || s.Draft == nil {
		return
	}
	if !reflect.DeepEqual(s.Orig, s.Draft) {
		*s.Orig = *s.Draft.Clone()
	}
}

// DraftDirty says the open request differs from what was last saved.
func (s *Session) DraftDirty() bool {
	return s.Draft != nil && !reflect.DeepEqual(s.Draft, s.saved)
}

// Dirty says there is anything unsaved: the open request, another
// request's edits kept in the tree, or a change to the tree itself.
func (s *Session) Dirty() bool { return s.treeDirty || s.DraftDirty() }

// Unsaved says whether req has edits not yet on disk.
func (s *Session) Unsaved(req *collections.Request) bool {
	if req == s.Orig && s.DraftDirty() {
		return true
	}
	return s.unsaved[req]
}

// TreeChanged marks the tree as changed (by rename, move, delete, edits of
// a request that is no longer open).
func (s *Session) TreeChanged() { s.treeDirty = true }

// Save applies the draft and saves the collection atomically.
func (s *Session) Save() error { return s.SaveWith(collections.SaveOptions{}) }

// SaveWith is Save with options (AllowLiteralSecrets only when the user
// asked for it in so many words).
func (s *Session) SaveWith(opts collections.SaveOptions) error {
	s.Apply()
	if err := s.Coll.Save(opts); err != nil {
		return fmt.Errorf("saving %s: %w", s.Coll.Name, err)
	}
	s.treeDirty = false
	s.unsaved = nil
	if s.Draft != nil {
		s.saved = s.Draft.Clone()
	}
	return nil
}

// Resolve resolves the draft in the selected environment.
func (s *Session) Resolve(mode collections.SecretMode) (*collections.Resolved, error) {
	if s.Draft == nil {
		return nil, fmt.Errorf("no request is open")
	}
	var src collections.SecretSource
	if s.Secrets != nil {
		src = s.Secrets
	}
	return s.Coll.Resolve(s.Draft, s.Path, collections.Scope{Env: s.Env, Secrets: src, Mode: mode})
}

// SetURL changes the draft's URL and keeps the path variable table in step
// with the :names in it: new names get rows, rows of names no longer in the
// URL go unless they hold a value.
func (s *Session) SetURL(u string) {
	if s.Draft == nil {
		return
	}
	s.Draft.URL = u
	s.Draft.PathVars = SyncPathVars(s.Draft.PathVars, collections.PathVarNames(u))
}

// SyncPathVars returns rows for names, in URL order, keeping the values of
// rows that exist and any row that holds a value.
func SyncPathVars(rows []collections.Param, names []string) []collections.Param {
	have := map[string]collections.Param{}
	for _, r := range rows {
		if _, dup := have[r.Key]; !dup {
			have[r.Key] = r
		}
	}
	var out []collections.Param
	used := map[string]bool{}
	for _, n := range names {
		if used[n] {
			continue
		}
		used[n] = true
		if r, ok := have[n]; ok {
			out = append(out, r)
		} else {
			out = append(out, collections.Param{Key: n})
		}
	}
	for _, r := range rows {
		if !used[r.Key] && r.Value != "" {
			out = append(out, r)
			used[r.Key] = true
		}
	}
	return out
}

// FormatJSON pretty-prints JSON text with two-space indents, or says where
// it is invalid.
func FormatJSON(text string) (string, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return "", jsonError(text, err)
	}
	return buf.String(), nil
}

// ValidateJSON returns nil for valid JSON (or a body with {{variables}}
// that is valid once they are replaced by a number).
func ValidateJSON(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if json.Valid([]byte(text)) {
		return nil
	}
	// {{var}} stands for a value: accept it where a value goes.
	probe := varPattern.ReplaceAllString(text, "0")
	if json.Valid([]byte(probe)) {
		return nil
	}
	var v any
	return jsonError(text, json.Unmarshal([]byte(text), &v))
}

func jsonError(text string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + strings.Count(text[:min(int(se.Offset), len(text))], "\n")
		return fmt.Errorf("invalid JSON at line %d: %w", line, err)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

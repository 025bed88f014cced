package workbench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
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

// FullURL is the URL as the URL field shows it: the draft's URL with the
// enabled rows of the Params table appended as their query, encoded as the
// sender encodes them ({{variables}} as written), as Postman shows it.
func (s *Session) FullURL() string {
	if s.Draft == nil {
		return ""
	}
	return fullURL(s.Draft.URL, s.Draft.Query)
}

func fullURL(u string, rows []collections.Param) string {
	var parts []string
	for _, p := range rows {
		if !p.Disabled && (p.Key != "" || p.Value != "") {
			parts = append(parts, queryPair(p))
		}
	}
	if len(parts) == 0 {
		return u
	}
	sep := "?"
	if base, q, ok := strings.Cut(u, "?"); ok {
		sep = "&"
		if q == "" {
			u, sep = base, "?"
		}
	}
	return u + sep + strings.Join(parts, "&")
}

func queryPair(p collections.Param) string {
	return collections.EscapeQueryKeepVars(p.Key) + "=" + collections.EscapeQueryKeepVars(p.Value)
}

// SetFullURL takes the text of the URL field: its query goes into the
// Params table (rows disabled there stay), so the table mirrors the URL.
// before are the table's rows when the field was filled: each keystroke
// starts again from them, so a half-typed URL loses nothing.
// What is sent does not change: a pair moves into the table only when the
// table sends exactly its bytes (no {{variable}}, which the URL sends as
// its value is and the table encodes, unless the row was already there),
// and only a run of such pairs at the end moves, so the order holds; the
// rest stays in the URL, sent as written.
func (s *Session) SetFullURL(text string, before []collections.Param) {
	d := s.Draft
	if d == nil {
		return
	}
	base, q, hasQuery := strings.Cut(text, "?")
	var pairs []string
	if hasQuery && q != "" {
		pairs = strings.Split(q, "&")
	}
	// The enabled rows as shown: a pair equal to one stays a row.
	existing := map[string][]collections.Param{}
	for _, p := range before {
		if !p.Disabled && (p.Key != "" || p.Value != "") {
			existing[queryPair(p)] = append(existing[queryPair(p)], p)
		}
	}
	var rows []collections.Param
	cut := len(pairs)
	for i := len(pairs) - 1; i >= 0; i-- {
		if ps := existing[pairs[i]]; len(ps) > 0 {
			rows = append(rows, ps[len(ps)-1])
			existing[pairs[i]] = ps[:len(ps)-1]
		} else if p, ok := movablePair(pairs[i]); ok {
			rows = append(rows, p)
		} else {
			break
		}
		cut = i
	}
	for a, b := 0, len(rows)-1; a < b; a, b = a+1, b-1 {
		rows[a], rows[b] = rows[b], rows[a]
	}
	u := base
	if cut > 0 {
		u += "?" + strings.Join(pairs[:cut], "&")
	} else if hasQuery && len(pairs) == 0 {
		u += "?"
	}
	// Disabled (and empty) rows are not in the URL: they keep their place.
	for i, p := range before {
		if p.Disabled || p.Key == "" && p.Value == "" {
			at := min(i, len(rows))
			rows = append(rows[:at], append([]collections.Param{p}, rows[at:]...)...)
		}
	}
	d.Query = rows
	s.SetURL(u)
}

// movablePair reads key=value when the Params table would send exactly
// these bytes for it.
func movablePair(pair string) (collections.Param, bool) {
	if strings.Contains(pair, "{{") || strings.Contains(pair, "}}") {
		return collections.Param{}, false
	}
	k, v, ok := strings.Cut(pair, "=")
	if !ok || k == "" {
		return collections.Param{}, false
	}
	dk, err1 := url.QueryUnescape(k)
	dv, err2 := url.QueryUnescape(v)
	if err1 != nil || err2 != nil || collections.EscapeQuery(dk) != k || collections.EscapeQuery(dv) != v {
		return collections.Param{}, false
	}
	return collections.Param{Key: dk, Value: dv}, true
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

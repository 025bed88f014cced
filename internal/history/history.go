// Package history keeps the user's sent requests and a summary of their
// answers, one JSON object per line in a file under the user directory
// (never inside a collection). Credentials are redacted before a line is
// written: credential headers, cookies, and every secret value the request
// used or captured.
//
// Appending is one write of one line to a file opened for appending; a
// line torn by a crash is skipped when reading and never glued to the
// next one.
package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// FileName is the history file under the directory given to Open.
const FileName = "history.jsonl"

// Defaults.
const (
	DefaultBodyLimit = 64 << 10 // body bytes kept per request and response
	DefaultMaxBytes  = 32 << 20 // the file is rotated past this size
)

// Header is one header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Entry is one sent request and what came back.
type Entry struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`

	Collection    string `json:"collection,omitempty"`     // its name
	CollectionDir string `json:"collection_dir,omitempty"` // where it was loaded from
	Request       string `json:"request,omitempty"`        // path in the tree: "WLANs/Get WLAN"
	Env           string `json:"env,omitempty"`

	Method         string   `json:"method"`
	URL            string   `json:"url"`
	RequestHeaders []Header `json:"request_headers,omitempty"`
	RequestBody    Body     `json:"request_body,omitzero"`

	Status          int      `json:"status,omitempty"`
	StatusText      string   `json:"status_text,omitempty"`
	Proto           string   `json:"proto,omitempty"`
	ResponseHeaders []Header `json:"response_headers,omitempty"`
	ResponseBody    Body     `json:"response_body,omitzero"`
	Size            int64    `json:"size"`
	Duration        Duration `json:"duration"`
	Error           string   `json:"error,omitempty"`
	Warnings        []string `json:"warnings,omitempty"`
}

// Body is a body as kept: text, or base64 when it is not UTF-8.
type Body struct {
	Text      string `json:"text,omitempty"`
	Base64    bool   `json:"base64,omitempty"`
	Size      int64  `json:"size,omitempty"`      // the whole body's size
	Truncated bool   `json:"truncated,omitempty"` // Text holds only the start
	Note      string `json:"note,omitempty"`      // "multipart: 2 parts" and the like
}

// Bytes returns the kept body bytes.
func (b Body) Bytes() []byte {
	if b.Base64 {
		out, err := base64Decode(b.Text)
		if err != nil {
			return nil
		}
		return out
	}
	return []byte(b.Text)
}

// Duration is a time.Duration written as milliseconds (readable by jq).
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(d) / float64(time.Millisecond))
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// Store is the history file. Methods are safe for concurrent use.
type Store struct {
	path     string
	maxBytes int64
	mu       sync.Mutex
	dirMade  bool
}

// Open opens the history kept in dir (created on first append).
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("history: no directory")
	}
	return &Store{path: filepath.Join(dir, FileName), maxBytes: DefaultMaxBytes}, nil
}

// Path is the history file.
func (s *Store) Path() string { return s.path }

// Append writes e as one line, giving it an ID and a time when it has
// none. Redact the entry first (Record does).
func (s *Store) Append(e *Entry) error {
	if e.ID == "" {
		id, err := uuid.NewV7() // time-ordered: newer IDs sort later
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		e.ID = id.String()
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	line = append(line, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	f, size, err := s.openForAppend()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	if size > s.maxBytes {
		// Keep one older generation; List reads both.
		f.Close()
		if err := os.Rename(s.path, s.oldPath()); err != nil {
			return fmt.Errorf("history: rotating: %w", err)
		}
		if f, size, err = s.openForAppend(); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		defer f.Close()
	}
	// A line torn by a crash must not swallow this one.
	if size > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return f.Close()
}

// openForAppend opens the file read-write (so the last byte can be
// checked) with O_APPEND (so every write lands at the end), creating it
// and its directory on first use, and returns its size.
func (s *Store) openForAppend() (*os.File, int64, error) {
	if !s.dirMade {
		if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
			return nil, 0, err
		}
		s.dirMade = true
	}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if errors.Is(err, os.ErrNotExist) { // the directory went away meanwhile
		if err = os.MkdirAll(filepath.Dir(s.path), 0o700); err == nil {
			f, err = os.OpenFile(s.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
		}
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (s *Store) oldPath() string { return strings.TrimSuffix(s.path, ".jsonl") + ".1.jsonl" }

// maxLine bounds one line read back (a body limit far above the default
// still fits).
const maxLine = 64 << 20

// scan calls fn for every readable entry, oldest first. Lines that do not
// parse (a torn last line, a hand edit) are skipped.
func (s *Store) scan(fn func(*Entry)) error {
	for _, p := range []string{s.oldPath(), s.path} {
		f, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		err = scanFile(f, fn)
		f.Close()
		if err != nil {
			return fmt.Errorf("history %s: %w", p, err)
		}
	}
	return nil
}

func scanFile(r io.Reader, fn func(*Entry)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A long line: gather it whole, up to maxLine.
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull && len(long) < maxLine {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(bytes.TrimSpace(line)) > 0 {
			var e Entry
			if json.Unmarshal(line, &e) == nil && e.ID != "" {
				fn(&e)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
	}
}

// List returns up to limit entries, newest first (limit <= 0: all).
func (s *Store) List(limit int) ([]*Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*Entry
	err := s.scan(func(e *Entry) {
		all = append(all, e)
		if limit > 0 && len(all) > 2*limit {
			all = append(all[:0], all[len(all)-limit:]...)
		}
	})
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(all) > limit {
		all = all[len(all)-limit:]
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all, nil
}

// NotFoundError reports an ID that no entry has.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return fmt.Sprintf("history: no entry %q", e.ID) }

// Get returns the entry with that ID, or with an ID starting with it when
// exactly one does.
func (s *Store) Get(id string) (*Entry, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, &NotFoundError{ID: id}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var exact *Entry
	var prefixed []*Entry
	err := s.scan(func(e *Entry) {
		switch {
		case e.ID == id:
			exact = e
		case strings.HasPrefix(e.ID, id):
			prefixed = append(prefixed, e)
		}
	})
	switch {
	case err != nil:
		return nil, err
	case exact != nil:
		return exact, nil
	case len(prefixed) == 1:
		return prefixed[0], nil
	case len(prefixed) > 1:
		return nil, fmt.Errorf("history: %d entries start with %q; give more of the ID", len(prefixed), id)
	}
	return nil, &NotFoundError{ID: id}
}

// Clear removes the whole history (both generations).
func (s *Store) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range []string{s.path, s.oldPath()} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("history: %w", err)
		}
	}
	return nil
}

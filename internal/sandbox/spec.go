package sandbox

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
)

//go:embed spec_table.json.gz
var specTableGz []byte

// specOp is one operation of the Mist OpenAPI description (the shape
// internal/specgen writes).
type specOp struct {
	ID      string          `json:"o"`
	Method  string          `json:"m"`
	Path    string          `json:"p"`
	Status  int             `json:"s"`
	Example json.RawMessage `json:"e,omitempty"`
	NoBody  bool            `json:"n,omitempty"`

	segs []string
}

// specTable matches request paths against the spec's path templates.
type specTable struct {
	ops []*specOp
}

var (
	specOnce sync.Once
	specTab  *specTable
	specErr  error
)

// loadSpec decodes the embedded table on first use, so start-up of the
// binary does not pay for it.
func loadSpec() (*specTable, error) {
	specOnce.Do(func() { specTab, specErr = decodeSpec(specTableGz) })
	return specTab, specErr
}

func decodeSpec(gz []byte) (*specTable, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("sandbox spec table: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("sandbox spec table: %w", err)
	}
	var ops []*specOp
	if err := json.Unmarshal(raw, &ops); err != nil {
		return nil, fmt.Errorf("sandbox spec table: %w", err)
	}
	for _, o := range ops {
		o.segs = strings.Split(strings.Trim(o.Path, "/"), "/")
	}
	return &specTable{ops: ops}, nil
}

// match finds the operations whose template matches path. It returns the
// most literal template's operations (a literal segment beats one mixing
// text and a {param}, which beats a bare {param}), keyed by method.
func (t *specTable) match(path string) map[string]*specOp {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best := -1
	var out map[string]*specOp
	var bestPath string
	for _, o := range t.ops {
		if len(o.segs) != len(segs) {
			continue
		}
		score := 0
		ok := true
		for i, s := range o.segs {
			sc, m := matchSegment(s, segs[i])
			if !m {
				ok = false
				break
			}
			score += sc
		}
		if !ok {
			continue
		}
		switch {
		case score > best:
			best, bestPath = score, o.Path
			out = map[string]*specOp{o.Method: o}
		case score == best && o.Path == bestPath:
			out[o.Method] = o
		}
	}
	return out
}

// matchSegment matches one path segment against a template segment such
// as "wlans", "{wlan_id}" or "image{image_number}" (text around one
// parameter), scoring 2, 0 and 1.
func matchSegment(tmpl, seg string) (int, bool) {
	open := strings.IndexByte(tmpl, '{')
	if open < 0 {
		return 2, tmpl == seg
	}
	end := strings.LastIndexByte(tmpl, '}')
	if end < open {
		return 2, tmpl == seg
	}
	prefix, suffix := tmpl[:open], tmpl[end+1:]
	if len(seg) <= len(prefix)+len(suffix) || !strings.HasPrefix(seg, prefix) || !strings.HasSuffix(seg, suffix) {
		return 0, false
	}
	if prefix == "" && suffix == "" {
		return 0, true
	}
	return 1, true
}

// SpecStats reports how many operations the embedded table holds and how
// many of them the fallback can answer (with an example or a declared
// empty body).
func SpecStats() (ops, answerable int, err error) {
	t, err := loadSpec()
	if err != nil {
		return 0, 0, err
	}
	for _, o := range t.ops {
		if o.Example != nil || o.NoBody {
			answerable++
		}
	}
	return len(t.ops), answerable, nil
}

package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// A large description is parsed in pieces, several at a time. The Mist
// description (3 MB of YAML) spends most of its import in the YAML parser
// and in the library's decoding of the node tree, all on one core, and
// that tree (tens of MB) is what sets the import's peak memory. Split
// into its top-level entries, path items and component entries, each
// piece is parsed and decoded by kin-openapi's own decoder on whichever
// core is free, and only the pieces in flight have a node tree.
//
// The split reads indentation only, so it is careful: any document it is
// not sure of (flow style, anchors, aliases, merge keys, directives,
// several documents, tabs, references to other files) and any piece that
// does not parse to exactly the keys the split saw go the ordinary way,
// which also gives the library's own error for a broken file. Tests check
// that both ways give the same document.

// chunkedMinSize is the size under which a description is parsed whole:
// small files gain nothing. A variable so tests can exercise the split.
var chunkedMinSize = 256 << 10

// chunkTarget is the size of the pieces handed to a parser: large enough
// that the wrapping and merging cost nothing, small enough to balance.
var chunkTarget = 48 << 10

// errNotChunkable sends a document the ordinary way.
var errNotChunkable = errors.New("not chunkable")

// externalRef finds a $ref to another file or a URL: the loader resolves
// those relative to the root document it registered, so such documents go
// the ordinary way.
var externalRef = regexp.MustCompile(`\$ref['"]?\s*:\s*['"]?[^'"#\s]`)

// loadChunked parses data in pieces and resolves its references. It
// returns errNotChunkable (wrapped) when the document should be read whole.
func loadChunked(loader *openapi3.Loader, data []byte) (*openapi3.T, error) {
	if len(data) < chunkedMinSize || externalRef.Match(data) {
		return nil, errNotChunkable
	}
	// The library's YAML parser refuses invalid UTF-8, and the library then
	// tries the text as JSON, which reads keys without regard to case:
	// leave such a file to it.
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not UTF-8", errNotChunkable)
	}
	var produce func(emit func(piece) bool) error
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		// A raw U+0085 is read differently by the library's YAML and JSON
		// paths (see its marsh.go): leave that choice to it.
		if bytes.Contains(data, []byte("\u0085")) {
			return nil, fmt.Errorf("%w: U+0085", errNotChunkable)
		}
		produce = func(emit func(piece) bool) error { return jsonPieces(data, emit) }
	} else {
		pieces, err := splitDocument(data)
		if err != nil {
			return nil, err
		}
		produce = func(emit func(piece) bool) error {
			for _, p := range pieces {
				if !emit(p) {
					break
				}
			}
			return nil
		}
	}
	type result struct {
		part *openapi3.T
		err  error
	}
	var (
		mu      sync.Mutex
		results []result
		failed  atomic.Bool
		wg      sync.WaitGroup
	)
	type job struct {
		seq int
		p   piece
	}
	jobs := make(chan job, 2*runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				if failed.Load() {
					continue // it will be read whole: drain
				}
				part, err := decodePieceSafely(j.p)
				if err != nil {
					failed.Store(true)
				}
				mu.Lock()
				results[j.seq] = result{part, err}
				mu.Unlock()
			}
		})
	}
	seq := 0
	err := produce(func(p piece) bool {
		mu.Lock()
		results = append(results, result{})
		mu.Unlock()
		jobs <- job{seq, p}
		seq++
		return !failed.Load()
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	doc := &openapi3.T{}
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		if r.part == nil {
			return nil, errNotChunkable // skipped after another piece failed
		}
		if err := mergeStruct(reflect.ValueOf(doc).Elem(), reflect.ValueOf(r.part).Elem()); err != nil {
			return nil, err
		}
	}
	if err := loader.ResolveRefsIn(doc, nil); err != nil {
		return nil, err
	}
	return doc, nil
}

// piece is the text of some consecutive entries of one mapping, for one
// parser, with the keys of the mappings above them (none at the top).
type piece struct {
	text      []byte     // a slice of the document, not a copy
	node      *yaml.Node // or the entries' mapping, built from JSON
	ancestors []string
	entries   int
}

// line is one line of the document: data[start:end], end of line included.
type line struct {
	start, end int32
	indent     int32 // leading spaces
	blank      bool  // empty or only a comment
}

// splitDocument cuts a block-style YAML document into pieces.
func splitDocument(data []byte) ([]piece, error) {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return nil, fmt.Errorf("%w: byte order mark", errNotChunkable)
	}
	if len(data) > math.MaxInt32 {
		return nil, fmt.Errorf("%w: too large", errNotChunkable)
	}
	lines := make([]line, 0, bytes.Count(data, []byte{'\n'})+1)
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos + 1
		}
		body := bytes.TrimRight(data[pos:end], "\r\n")
		trimmed := bytes.TrimLeft(body, " ")
		l := line{start: int32(pos), end: int32(end), indent: int32(len(body) - len(trimmed))}
		l.blank = len(trimmed) == 0 || trimmed[0] == '#'
		if !l.blank && trimmed[0] == '\t' {
			return nil, fmt.Errorf("%w: tab indentation", errNotChunkable)
		}
		if l.indent == 0 && !l.blank && (trimmed[0] == '%' || bytes.HasPrefix(trimmed, []byte("---")) || bytes.HasPrefix(trimmed, []byte("..."))) {
			return nil, fmt.Errorf("%w: directive or document marker", errNotChunkable)
		}
		lines = append(lines, l)
		pos = end
	}
	top, ok := entries(data, lines, 0)
	if !ok || len(top) == 0 {
		return nil, fmt.Errorf("%w: not a block mapping", errNotChunkable)
	}
	if !uniqueKeys(data, lines, top) {
		return nil, fmt.Errorf("%w: a key is written twice", errNotChunkable)
	}
	s := splitter{data: data, lines: lines}
	for _, e := range top {
		s.add(e, nil)
	}
	s.flush()
	return s.pieces, nil
}

// entry is a mapping entry: its key line and the lines of its value.
type entry struct {
	start, end int // its lines, blank lines before the key line included
	keyLine    int
	key        string // a key alone on its line, else ""
}

// entries cuts lines into the entries of a block mapping whose keys are at
// column indent. Blank and comment lines go with the entry before them;
// "- " lines at the key's column are a sequence that is the value of the
// key before ("tags:\n- name: a"). ok is false when a line does not fit.
func entries(data []byte, lines []line, indent int32) (out []entry, ok bool) {
	for i, l := range lines {
		if l.blank {
			continue
		}
		if l.indent < indent {
			return nil, false
		}
		if l.indent > indent {
			if len(out) == 0 {
				return nil, false
			}
			continue
		}
		rest := data[l.start+indent : l.end]
		if rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ' || rest[1] == '\n' || rest[1] == '\r') {
			if len(out) == 0 {
				return nil, false
			}
			continue
		}
		key, simple := simpleKey(rest)
		if rest[0] == '?' || rest[0] == '[' || rest[0] == '{' || rest[0] == '&' || rest[0] == '*' || rest[0] == '!' || rest[0] == '|' || rest[0] == '>' {
			return nil, false
		}
		if len(out) > 0 {
			out[len(out)-1].end = i
		}
		if !simple {
			key = "" // a key with a value on its line: not split further
		}
		out = append(out, entry{start: i, keyLine: i, end: len(lines), key: key})
	}
	if len(out) > 0 {
		out[0].start = 0 // leading blank lines go with the first entry
	}
	return out, true
}

// uniqueKeys reports whether no two entries start with the same key text
// (quotes aside): the whole parse refuses a repeated key, and pieces
// holding one each would not see it.
func uniqueKeys(data []byte, lines []line, es []entry) bool {
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		l := lines[e.keyLine]
		k := keyText(data[l.start:l.end])
		if seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// keyText is the text of the key a line starts with: up to ": " or a
// final ":", without quotes.
func keyText(text []byte) string {
	t := bytes.TrimSpace(text)
	if i := bytes.Index(t, []byte(": ")); i >= 0 {
		t = t[:i]
	} else {
		t = bytes.TrimSuffix(t, []byte(":"))
	}
	return string(bytes.Trim(t, `"'`))
}

// simpleKeyRE is a key alone on its line (its value on the lines below),
// plain or quoted, maybe followed by a comment.
var simpleKeyRE = regexp.MustCompile(`^([A-Za-z0-9_./{}-]+|"[^"\\]*"|'[^']*'):(?:[ ]+#.*|[ ]*)\r?\n?$`)

func simpleKey(rest []byte) (string, bool) {
	m := simpleKeyRE.FindSubmatch(rest)
	if m == nil {
		return "", false
	}
	k := string(m[1])
	if k[0] == '"' || k[0] == '\'' {
		k = k[1 : len(k)-1]
	}
	return k, true
}

// splitter groups entries into pieces of about chunkTarget bytes.
type splitter struct {
	data   []byte
	lines  []line
	pieces []piece
	cur    piece // being filled: text grows over consecutive entries
	start  int32 // where cur.text starts in data
}

func (s *splitter) flush() {
	if s.cur.entries > 0 {
		s.pieces = append(s.pieces, s.cur)
	}
	s.cur = piece{}
}

// add places entry e, under the mappings whose keys are ancestors, into
// the pieces, splitting its value into its own entries when it is large
// and a mapping the document's keys allow.
func (s *splitter) add(e entry, ancestors []string) {
	lines := s.lines
	text := s.data[lines[e.start].start:lines[e.end-1].end]
	if len(text) > chunkTarget && splittable(e.key, ancestors) {
		body := lines[e.keyLine+1 : e.end]
		if indent, ok := childIndent(body); ok {
			if kids, ok := entries(s.data, body, indent); ok && len(kids) > 1 && uniqueKeys(s.data, body, kids) {
				s.flush()
				under := append(slices.Clip(ancestors), e.key)
				for _, k := range kids {
					k.start += e.keyLine + 1
					k.keyLine += e.keyLine + 1
					k.end += e.keyLine + 1
					s.add(k, under)
				}
				s.flush()
				return
			}
		}
	}
	if s.cur.entries > 0 && (!slices.Equal(s.cur.ancestors, ancestors) || len(s.cur.text) > chunkTarget) {
		s.flush()
	}
	if s.cur.entries == 0 {
		s.cur = piece{text: text, ancestors: ancestors}
		s.start = lines[e.start].start
	} else {
		// The entry follows the last one in the document.
		s.cur.text = s.data[s.start:lines[e.end-1].end]
	}
	s.cur.entries++
}

// splittable says which mappings are cut into their entries: paths (into
// path items), webhooks, components and each kind of component.
func splittable(key string, ancestors []string) bool {
	switch len(ancestors) {
	case 0:
		return key == "paths" || key == "components" || key == "webhooks"
	case 1:
		return key != "" && ancestors[0] == "components"
	}
	return false
}

// childIndent is the column of the first line of a value that is not
// blank.
func childIndent(body []line) (int32, bool) {
	for _, l := range body {
		if !l.blank {
			return l.indent, l.indent > 0
		}
	}
	return 0, false
}

// decodePieceSafely turns a panic of the library (which runs on another
// goroutine here, out of the importer's recover) into reading the
// document whole.
func decodePieceSafely(p piece) (doc *openapi3.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%w: %v", errNotChunkable, r)
		}
	}()
	return decodePiece(p)
}

// decodePiece parses one piece into a partial document with the library's
// decoder, after the same scalar preparation the library's loader does.
func decodePiece(p piece) (*openapi3.T, error) {
	n := p.node
	if n == nil {
		n = &yaml.Node{}
		if err := yaml.Unmarshal(p.text, n); err != nil {
			return nil, fmt.Errorf("%w: %w", errNotChunkable, err)
		}
	}
	// The piece must hold exactly the entries the split saw: anything else
	// means the split misread the text.
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode || len(n.Content) != 2*p.entries {
		return nil, fmt.Errorf("%w: piece holds other keys than split", errNotChunkable)
	}
	if err := prepare(n); err != nil {
		return nil, err
	}
	// Put the entries back under their keys: paths, components, schemas...
	for i := len(p.ancestors) - 1; i >= 0; i-- {
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.ancestors[i]}
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{key, n}}
	}
	doc := &openapi3.T{}
	if err := n.Decode(doc); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotChunkable, err)
	}
	return doc, nil
}

// prepare does to a piece's nodes what kin-openapi's loader does to a
// whole document's before decoding (openapi3/native_yaml.go,
// prepareScalars): local tags and timestamps read as strings, infinities
// and NaN refused, mapping keys read as their text, null keys refused.
// Anchors, aliases and merge keys are not handled here: such documents go
// the ordinary way.
func prepare(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return fmt.Errorf("%w: anchors and aliases", errNotChunkable)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if len(n.Tag) > 1 && n.Tag[0] == '!' && n.Tag[1] != '!' {
			n.Tag = "!!str"
		}
		if n.Tag == "!!timestamp" {
			n.Tag = "!!str"
		}
		if n.Tag == "!!float" {
			switch string(bytes.ToLower(bytes.TrimLeft([]byte(n.Value), "+-"))) {
			case ".inf", ".nan":
				return fmt.Errorf("%w: not finite", errNotChunkable)
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0 && (k.Tag == "" || k.Tag == "!!str")) {
				return fmt.Errorf("%w: merge key", errNotChunkable)
			}
			if k.Kind != yaml.ScalarNode || k.Tag == "!!str" {
				continue
			}
			if k.Tag == "!!null" {
				return fmt.Errorf("%w: null key", errNotChunkable)
			}
			k.Tag = "!!str"
		}
	}
	for _, c := range n.Content {
		if err := prepare(c); err != nil {
			return err
		}
	}
	return nil
}

var (
	pathsType      = reflect.TypeFor[*openapi3.Paths]()
	componentsType = reflect.TypeFor[*openapi3.Components]()
	originType     = reflect.TypeFor[*openapi3.Origin]()
)

// mergeStruct adds the fields of the partial document src to dst: maps
// are joined, paths and components merged, and any other field may be set
// by one piece only. A key two pieces both hold is a duplicate the whole
// parse refuses: the document is then read whole for that error.
func mergeStruct(dst, src reflect.Value) error {
	for i := range src.NumField() {
		f := src.Type().Field(i)
		if !f.IsExported() || f.Type == originType {
			continue
		}
		sv, dv := src.Field(i), dst.Field(i)
		if sv.IsZero() {
			continue
		}
		switch {
		case f.Type == pathsType:
			if dv.IsNil() {
				dv.Set(reflect.ValueOf(openapi3.NewPaths()))
			}
			if err := mergePaths(dv.Interface().(*openapi3.Paths), sv.Interface().(*openapi3.Paths)); err != nil {
				return err
			}
		case f.Type == componentsType:
			if dv.IsNil() {
				dv.Set(reflect.New(f.Type.Elem()))
			}
			if err := mergeStruct(dv.Elem(), sv.Elem()); err != nil {
				return err
			}
		case f.Type.Kind() == reflect.Map:
			if dv.IsNil() {
				dv.Set(reflect.MakeMapWithSize(f.Type, sv.Len()))
			}
			for it := sv.MapRange(); it.Next(); {
				if dv.MapIndex(it.Key()).IsValid() {
					return fmt.Errorf("%w: duplicate key %v", errNotChunkable, it.Key())
				}
				dv.SetMapIndex(it.Key(), it.Value())
			}
		default:
			if !dv.IsZero() {
				return fmt.Errorf("%w: %s set twice", errNotChunkable, f.Name)
			}
			dv.Set(sv)
		}
	}
	return nil
}

func mergePaths(dst, src *openapi3.Paths) error {
	for k, v := range src.Map() {
		if dst.Value(k) != nil {
			return fmt.Errorf("%w: duplicate path %s", errNotChunkable, k)
		}
		dst.Set(k, v)
	}
	for k, v := range src.Extensions {
		if _, dup := dst.Extensions[k]; dup {
			return fmt.Errorf("%w: duplicate key %s", errNotChunkable, k)
		}
		if dst.Extensions == nil {
			dst.Extensions = map[string]any{}
		}
		dst.Extensions[k] = v
	}
	return nil
}

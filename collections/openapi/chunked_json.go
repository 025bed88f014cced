package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	yaml "go.yaml.in/yaml/v4"
)

// jsonPieces reads a JSON description with encoding/json's tokenizer and
// emits its top-level members, path items and component entries as pieces
// of YAML nodes, built as the library's YAML parser would build them from
// the same JSON text (JSON is YAML), so the same decoder reads them. A
// piece is handed over as soon as it is built, so decoding runs beside
// reading, and only the pieces in flight exist as nodes.
func jsonPieces(data []byte, emit func(piece) bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("%w: not a JSON object", errNotChunkable)
	}
	j := jsonSplitter{dec: dec, emit: emit, tags: map[string]string{}}
	if err := j.members(nil, map[string]bool{}); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: more after the document", errNotChunkable)
	}
	j.flush()
	return nil
}

// maxJSONKey: YAML limits an implicit key to 1024 characters, so the
// library's YAML parser refuses a JSON file with a longer one and reads
// it as JSON (with other rules): leave such a file to it.
const maxJSONKey = 1000

type jsonSplitter struct {
	dec      *json.Decoder
	emit     func(piece) bool
	cur      *yaml.Node // the mapping being filled
	curUnder []string
	curSize  int64
	stopped  bool
	tags     map[string]string // see plainNode
}

func (j *jsonSplitter) flush() {
	if j.cur != nil && len(j.cur.Content) > 0 && !j.stopped {
		j.stopped = !j.emit(piece{node: j.cur, ancestors: j.curUnder, entries: len(j.cur.Content) / 2})
	}
	j.cur, j.curSize = nil, 0
}

// members reads the members of the object whose '{' was just read, up to
// and with its '}', splitting the ones splittable names.
func (j *jsonSplitter) members(under []string, seen map[string]bool) error {
	for j.dec.More() {
		if j.stopped {
			return errNotChunkable
		}
		key, err := nextKey(j.dec, seen)
		if err != nil {
			return err
		}
		start := j.dec.InputOffset()
		tok, err := nextToken(j.dec)
		if err != nil {
			return err
		}
		if tok == json.Delim('{') && splittable(key, under) {
			// The key with an empty mapping first, so that it is there
			// even when it has no members ("paths": {}).
			j.flush()
			j.cur, j.curUnder = mapNode(), under
			j.cur.Content = append(j.cur.Content, strNode(key), mapNode())
			j.flush()
			if err := j.members(append(under[:len(under):len(under)], key), map[string]bool{}); err != nil {
				return err
			}
			j.flush()
			continue
		}
		value, err := jsonNode(j.dec, tok, j.tags)
		if err != nil {
			return err
		}
		if j.cur != nil && (!slices.Equal(j.curUnder, under) || j.curSize > int64(chunkTarget)) {
			j.flush()
		}
		if j.cur == nil {
			j.cur, j.curUnder = mapNode(), under
		}
		j.cur.Content = append(j.cur.Content, strNode(key), value)
		j.curSize += j.dec.InputOffset() - start
	}
	_, err := nextToken(j.dec) // }
	return err
}

// nextToken reads a token; an error sends the file the ordinary way.
func nextToken(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotChunkable, err)
	}
	return tok, nil
}

// nextKey reads an object's key. A key seen before in the object, or one
// longer than YAML allows, sends the file the ordinary way: the library
// would read it differently.
func nextKey(dec *json.Decoder, seen map[string]bool) (string, error) {
	tok, err := nextToken(dec)
	if err != nil {
		return "", err
	}
	key, _ := tok.(string)
	if len(key) > maxJSONKey {
		return "", fmt.Errorf("%w: long key", errNotChunkable)
	}
	if seen[key] {
		return "", fmt.Errorf("%w: repeated key %q", errNotChunkable, key)
	}
	seen[key] = true
	return key, nil
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: s}
}

// plainNode is an unquoted scalar: a JSON number, true, false or null,
// tagged by go-yaml's own resolver as the parser tags the same text
// (-0 is a float, an integer past 64 bits a float, 1e400 a string...).
// tags remembers each text's tag: a description repeats few numbers.
func plainNode(text string, tags map[string]string) *yaml.Node {
	tag, ok := tags[text]
	if !ok {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err == nil && len(doc.Content) == 1 {
			tag = doc.Content[0].Tag
		}
		tags[text] = tag
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: text}
}

// nextNode reads a value and builds its node.
func nextNode(dec *json.Decoder, tags map[string]string) (*yaml.Node, error) {
	tok, err := nextToken(dec)
	if err != nil {
		return nil, err
	}
	return jsonNode(dec, tok, tags)
}

// jsonNode builds the node of the value that starts with tok, as YAML
// reads JSON: strings are quoted (always strings); numbers, true, false
// and null are plain.
func jsonNode(dec *json.Decoder, tok json.Token, tags map[string]string) (*yaml.Node, error) {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := mapNode()
			seen := map[string]bool{}
			for dec.More() {
				key, err := nextKey(dec, seen)
				if err != nil {
					return nil, err
				}
				val, err := nextNode(dec, tags)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, strNode(key), val)
			}
			_, err := nextToken(dec)
			return n, err
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				val, err := nextNode(dec, tags)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, val)
			}
			_, err := nextToken(dec)
			return n, err
		}
	case string:
		return strNode(v), nil
	case json.Number:
		return plainNode(string(v), tags), nil
	case bool:
		return plainNode(fmt.Sprint(v), tags), nil
	case nil:
		return plainNode("null", tags), nil
	}
	return nil, fmt.Errorf("%w: unexpected %v", errNotChunkable, tok)
}

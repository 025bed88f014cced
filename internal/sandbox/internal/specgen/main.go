// Command specgen turns the Mist OpenAPI description into the compact,
// gzipped operation table the sandbox embeds for its fallback answers:
// for every operation its id, method, path template, success status and
// the spec's own example body (when it has one). Run by go generate; the
// 3 MB YAML itself is not committed.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Op is one row of the table; the sandbox reads the same JSON shape.
type Op struct {
	ID      string          `json:"o"`
	Method  string          `json:"m"`
	Path    string          `json:"p"`
	Status  int             `json:"s"`
	Example json.RawMessage `json:"e,omitempty"`
	// NoBody marks a success response the spec declares without content.
	NoBody bool `json:"n,omitempty"`
}

func main() {
	in := flag.String("in", "", "the OpenAPI YAML")
	out := flag.String("out", "", "the gzipped JSON table to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if in == "" || out == "" {
		return errors.New("usage: specgen -in mist.openapi.yaml -out table.json.gz")
	}
	src, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("reading the spec: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return fmt.Errorf("parsing %s: %w", in, err)
	}
	ops, err := table(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ops); err != nil {
		return fmt.Errorf("encoding the table: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing the table: %w", err)
	}
	withEx := 0
	for _, o := range ops {
		if o.Example != nil || o.NoBody {
			withEx++
		}
	}
	fmt.Fprintf(os.Stderr, "specgen: %d operations, %d answerable, %d bytes gzipped\n", len(ops), withEx, buf.Len())
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options"}

func table(doc map[string]any) ([]Op, error) {
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		return nil, errors.New("no paths")
	}
	var ops []Op
	for p, item := range paths {
		pi, _ := item.(map[string]any)
		for _, m := range methods {
			o, ok := pi[m].(map[string]any)
			if !ok {
				continue
			}
			op := Op{Method: strings.ToUpper(m), Path: p}
			op.ID, _ = o["operationId"].(string)
			if op.ID == "" {
				op.ID = op.Method + " " + p
			}
			status, resp := success(o)
			op.Status = status
			if resp != nil {
				r := deref(doc, resp)
				content, _ := r["content"].(map[string]any)
				if len(content) == 0 {
					op.NoBody = true
				} else if ex := example(doc, content); ex != nil {
					b, err := json.Marshal(ex)
					if err != nil {
						return nil, fmt.Errorf("%s %s: example: %w", op.Method, p, err)
					}
					op.Example = b
				}
			}
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops, nil
}

// success picks the lowest 2xx response.
func success(o map[string]any) (int, map[string]any) {
	rs, _ := o["responses"].(map[string]any)
	best, bestCode := map[string]any(nil), 0
	for k, v := range rs {
		c, err := strconv.Atoi(k)
		if err != nil || c < 200 || c > 299 {
			continue
		}
		if bestCode == 0 || c < bestCode {
			bestCode = c
			best, _ = v.(map[string]any)
		}
	}
	if bestCode == 0 {
		return 200, nil
	}
	return bestCode, best
}

// example finds the spec's example for a response content: a named example
// (preferring "Example" and "OK"), an inline example, or the schema's.
func example(doc map[string]any, content map[string]any) any {
	var mt map[string]any
	for _, k := range []string{"application/json", "application/vnd.api+json"} {
		if m, ok := content[k].(map[string]any); ok {
			mt = m
			break
		}
	}
	if mt == nil {
		return nil
	}
	if exs, ok := mt["examples"].(map[string]any); ok && len(exs) > 0 {
		names := make([]string, 0, len(exs))
		for n := range exs {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			return rank(names[i]) < rank(names[j]) || rank(names[i]) == rank(names[j]) && names[i] < names[j]
		})
		for _, n := range names {
			e := deref(doc, asMap(exs[n]))
			if v, ok := e["value"]; ok {
				return normalize(v)
			}
		}
	}
	if v, ok := mt["example"]; ok {
		return normalize(v)
	}
	if s := deref(doc, asMap(mt["schema"])); s != nil {
		if v, ok := s["example"]; ok {
			return normalize(v)
		}
	}
	return nil
}

func rank(name string) int {
	switch name {
	case "Example":
		return 0
	case "OK":
		return 1
	}
	return 2
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// deref follows local $refs ("#/components/...").
func deref(doc, m map[string]any) map[string]any {
	for i := 0; i < 32 && m != nil; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var cur any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
			cur = asMap(cur)[part]
		}
		m = asMap(cur)
	}
	return m
}

// normalize turns YAML maps with non-string keys into JSON-encodable ones.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = normalize(x)
		}
		return m
	case []any:
		for i := range t {
			t[i] = normalize(t[i])
		}
		return t
	}
	return v
}

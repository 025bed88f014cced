package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

// withSplitSizes makes every description chunkable and cuts pieces as
// small as they go, for the length of a test.
func withSplitSizes(t testing.TB, minSize, target int) {
	oldMin, oldTarget := chunkedMinSize, chunkTarget
	chunkedMinSize, chunkTarget = minSize, target
	t.Cleanup(func() { chunkedMinSize, chunkTarget = oldMin, oldTarget })
}

// bothWays loads data in pieces and whole. chunked is false when the
// split sent the document the ordinary way.
func bothWays(t testing.TB, data []byte) (chunked bool, piecesJSON, wholeJSON []byte, wholeErr error) {
	t.Helper()
	doc, err := loadChunked(newLoader(nil), data)
	if err != nil && !errors.Is(err, errNotChunkable) {
		// A reference the loader cannot resolve: the whole load must fail too.
		if _, werr := newLoader(nil).LoadFromData(data); werr == nil {
			t.Fatalf("pieces failed (%v), whole loaded", err)
		}
		return false, nil, nil, nil
	}
	whole, werr := newLoader(nil).LoadFromData(data)
	if err != nil {
		return false, nil, nil, werr
	}
	if werr != nil {
		t.Fatalf("pieces loaded, whole failed: %v", werr)
	}
	a, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(whole)
	if err != nil {
		t.Fatal(err)
	}
	return true, a, b, nil
}

// The Mist description is read in pieces, and gives the same document as
// the library reading it whole.
func TestChunkedMistMatchesWhole(t *testing.T) {
	data, err := os.ReadFile(mistSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []int{chunkTarget, 4 << 10} {
		withSplitSizes(t, chunkedMinSize, target)
		pieces, err := splitDocument(data)
		if err != nil {
			t.Fatal(err)
		}
		chunked, a, b, _ := bothWays(t, data)
		if !chunked {
			t.Fatalf("piece size %d: the Mist description was read whole", target)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("piece size %d (%d pieces): documents differ", target, len(pieces))
		}
		t.Logf("piece size %d: %d pieces, same document", target, len(pieces))
	}
}

// Every fixture, cut at every entry the split allows, gives the library's
// document or is read whole.
func TestChunkedFixturesMatchWhole(t *testing.T) {
	withSplitSizes(t, 0, 1)
	files, _ := filepath.Glob("testdata/*")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil || !(strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".yml") || strings.HasSuffix(f, ".json")) {
			continue
		}
		chunked, a, b, _ := bothWays(t, data)
		if chunked {
			n++
			if !bytes.Equal(a, b) {
				t.Errorf("%s: documents differ\npieces: %s\nwhole:  %s", f, a, b)
			}
		}
	}
	if n < 2 {
		t.Fatalf("only %d fixtures were read in pieces", n)
	}
}

// Documents whose text could mislead a split by indentation.
func TestChunkedAwkwardDocuments(t *testing.T) {
	withSplitSizes(t, 0, 1)
	const head = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n"
	op := "    get:\n      responses:\n        '200':\n          description: ok\n"
	cases := []struct {
		name, doc string
		chunked   bool // read in pieces (else whole)
	}{
		{"plain", head + "paths:\n  /a:\n" + op + "  /b:\n" + op, true},
		{"CRLF", strings.ReplaceAll(head+"paths:\n  /a:\n"+op+"  /b:\n"+op, "\n", "\r\n"), true},
		{"no final newline", head + "paths:\n  /a:\n" + op + "  /b:\n" + strings.TrimSuffix(op, "\n"), true},
		{"comments at column 0", head + "# c\npaths:\n# c\n  /a:\n" + op + "# c\n  /b:\n" + op, true},
		{"sequence at the key's column", "tags:\n- name: x\n- name: y\n" + head + "paths:\n  /a:\n" + op, true},
		{"quoted keys", head + "paths:\n  \"/a\":\n" + op + "  '/b':\n" + op, true},
		{"quoted text over lines at column 0", head + "  description: 'one\n\ntwo: x\n\nthree'\npaths:\n  /a:\n" + op, false},
		{"double-quoted over lines", head + "paths:\n  /a:\n    description: \"x\n  /b: y\"\n" + op, false},
		{"flow over lines", head + "paths: {\"/a\": {},\n\"/b\": {}}\n", false},
		{"anchor and alias", head + "paths:\n  /a: &p\n" + op + "  /b: *p\n", false},
		{"merge key", head + "paths:\n  /a: &p\n" + op + "  /b:\n    <<: *p\n", false},
		{"repeated top-level key", head + "paths:\n  /a:\n" + op + "paths:\n  /b:\n" + op, false},
		// The library reads a repeated path (the last wins); the split keeps
		// such a mapping in one piece, so it reads it the same.
		{"repeated path", head + "paths:\n  /a:\n" + op + "  /a:\n" + op, true},
		{"repeated path, quoted once", head + "paths:\n  /a:\n" + op + "  \"/a\":\n" + op, true},
		{"document marker", "---\n" + head + "paths:\n  /a:\n" + op, false},
		{"two documents", head + "paths:\n  /a:\n" + op + "---\nx: 1\n", false},
		{"timestamp and local tag", head + "paths:\n  /a:\n    x-when: 2020-06-11T16:32:50Z\n    x-md: !md hello\n" + op, true},
		{"numeric keys", head + "paths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n        .5:\n          description: x\n", true},
		{"infinity", head + "paths:\n  /a:\n    x-n: .inf\n" + op, false},
		{"null key", head + "paths:\n  /a:\n    ~: 1\n" + op, false},
		{"less indented line", head + "paths:\n  /a:\n" + op + " /b:\n" + op, false},
		{"tab", head + "paths:\n  /a:\n\t" + op, false},
		{"components", head + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/R'\ncomponents:\n  responses:\n    R:\n      description: r\n  schemas:\n    S:\n      type: object\n    T:\n      $ref: '#/components/schemas/S'\n", true},
		{"reference to another file", head + "paths:\n  /a:\n    $ref: 'other.yaml#/a'\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chunked, a, b, werr := bothWays(t, []byte(tc.doc))
			if chunked != tc.chunked {
				t.Fatalf("read in pieces: %v, want %v (whole: %v)", chunked, tc.chunked, werr)
			}
			if chunked && !bytes.Equal(a, b) {
				t.Fatalf("documents differ\npieces: %s\nwhole:  %s", a, b)
			}
		})
	}
}

// FuzzChunked: whatever the bytes, reading in pieces either declines or
// gives exactly the library's document, and never panics.
func FuzzChunked(f *testing.F) {
	withSplitSizes(f, 0, 1)
	const head = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n"
	f.Add([]byte(head + "paths:\n  /a:\n    get:\n      summary: x\n  /b:\n    get: {}\n"))
	f.Add([]byte(head + "paths:\n  /a: 'x\n  /b: y'\n"))
	f.Add([]byte(head + "components:\n  schemas:\n    A:\n      type: string\n    B:\n      $ref: '#/components/schemas/A'\n"))
	f.Add([]byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"x-n": [1, -0, 1e3, true, null, "s"]}}, "/b": {}}}`))
	f.Add([]byte(`{"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "string"}, "B": {"$ref": "#/components/schemas/A"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer func() {
			// The library itself may panic on some input; the importer
			// recovers those. Only the split must not panic.
			if r := recover(); r != nil {
				if _, err := splitDocument(data); err == nil {
					if p := func() (p any) {
						defer func() { p = recover() }()
						newLoader(nil).LoadFromData(data)
						return nil
					}(); p == nil {
						panic(r)
					}
				}
			}
		}()
		chunked, a, b, _ := bothWays(t, data)
		if chunked && !bytes.Equal(a, b) {
			t.Fatalf("documents differ\npieces: %s\nwhole:  %s", a, b)
		}
	})
}

func BenchmarkMistLoad(b *testing.B) {
	data, err := os.ReadFile(mistSpec(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := newLoader(nil).LoadFromData(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pieces", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := loadChunked(newLoader(nil), data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// mistJSON is the Mist description as JSON (the shape many APIs publish).
func mistJSON(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(mistSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A JSON description is read in pieces too, with the same result.
func TestChunkedJSONMatchesWhole(t *testing.T) {
	data := mistJSON(t)
	for _, target := range []int{chunkTarget, 1} {
		withSplitSizes(t, chunkedMinSize, target)
		chunked, a, b, _ := bothWays(t, data)
		if !chunked {
			t.Fatalf("piece size %d: the Mist description as JSON was read whole", target)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("piece size %d: documents differ", target)
		}
	}
	withSplitSizes(t, 0, 1)
	const head = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, `
	for name, doc := range map[string]string{
		"numbers":          head + `"paths": {"/a": {"x-n": [1, -0, -0.0, 1e400, 1.5, 1e3, 1E-2, 12345678901234567890123, 0.1e+5], "x-b": [true, false, null], "get": {"responses": {"200": {"description": "ok"}}}}}}`,
		"date-like string": head + `"paths": {"/a": {"x-d": "2020-06-11T16:32:50Z", "x-s": "yes", "x-e": "", "get": {}}}}`,
		"escapes":          head + `"paths": {"/a\u00e9\n": {"description": "tab\there \"q\" \\ \u2028"}}}`,
		"components":       head + `"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}}, "components": {"responses": {"R": {"description": "r"}}, "schemas": {"S": {"type": "object"}, "T": {"$ref": "#/components/schemas/S"}}}}`,
	} {
		chunked, a, b, werr := bothWays(t, []byte(doc))
		if !chunked || !bytes.Equal(a, b) {
			t.Errorf("%s: read in pieces %v (whole: %v)\npieces: %s\nwhole:  %s", name, chunked, werr, a, b)
		}
	}
	for name, doc := range map[string]string{
		"repeated key":     head + `"paths": {"/a": {"get": {}, "get": {}}}}`,
		"repeated top key": head + `"paths": {}, "paths": {"/a": {}}}`,
		"two values":       head + `"paths": {}} {}`,
		"truncated":        head + `"paths": {"/a": {`,
		"U+0085":           head + "\"paths\": {\"/a\": {\"description\": \"a\u0085b\"}}}",
	} {
		if chunked, a, b, _ := bothWays(t, []byte(doc)); chunked && !bytes.Equal(a, b) {
			t.Errorf("%s: documents differ", name)
		}
	}
}

func BenchmarkMistLoadJSON(b *testing.B) {
	data := mistJSON(b)
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			if _, err := newLoader(nil).LoadFromData(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pieces", func(b *testing.B) {
		for b.Loop() {
			if _, err := loadChunked(newLoader(nil), data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

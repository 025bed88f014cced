package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The committed table must be what go generate makes from the spec, so a
// new spec without a regenerated table is caught.
func TestTableIsUpToDate(t *testing.T) {
	spec := filepath.FromSlash("../../../../../shared/mist/mist.openapi.yaml")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("the Mist OpenAPI description is not beside the repository: %v", err)
	}
	out := filepath.Join(t.TempDir(), "table.json.gz")
	if err := run(spec, out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../../spec_table.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("spec_table.json.gz is stale: run go generate ./internal/sandbox")
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("paths: [\n"), 0o644)
	if err := run(bad, filepath.Join(dir, "out.gz")); err == nil || !bytes.Contains([]byte(err.Error()), []byte("bad.yaml")) {
		t.Fatalf("bad YAML: %v", err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("openapi: 3.1.0\n"), 0o644)
	if err := run(empty, filepath.Join(dir, "out.gz")); err == nil {
		t.Fatal("a spec without paths was accepted")
	}
}

// FuzzTable: any YAML document gives a table or an error, never a panic
// (refs that loop, non-string keys, odd shapes).
func FuzzTable(f *testing.F) {
	f.Add([]byte("paths:\n  /a/{id}:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          $ref: '#/components/responses/R'\ncomponents:\n  responses:\n    R:\n      content:\n        application/json:\n          examples:\n            Example:\n              $ref: '#/components/examples/E'\n  examples:\n    E:\n      value: {1: [x, {y: 2}]}\n"))
	f.Add([]byte("paths:\n  /l:\n    post:\n      responses:\n        '201':\n          $ref: '#/x'\nx:\n  $ref: '#/x'\n"))
	f.Add([]byte("paths:\n  /n:\n    delete:\n      responses:\n        '204': {description: gone}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if yaml.Unmarshal(data, &doc) != nil {
			return
		}
		ops, err := table(doc)
		if err == nil {
			for _, o := range ops {
				if o.Method == "" || o.ID == "" {
					t.Fatalf("op without method or id: %+v", o)
				}
			}
		}
	})
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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

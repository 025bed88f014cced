package main

import (
	"testing"
	"time"
)

// A short run keeps the load test itself working: it fails on any error
// or lost write, as the full run does (here with state on disk).
func TestShortRun(t *testing.T) {
	if err := run(4, 300*time.Millisecond, 1, true, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

package workbench

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// BenchmarkOpenFromDisk is what a user waits for on "mistbench DIR" with a
// 1,000-request collection: loading it from disk, then the first frame.
// The files are an hour old, as a collection's usually are, so the second
// and later opens come from the parse cache, as they do for a user.
func BenchmarkOpenFromDisk(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	dir := b.TempDir()
	c := bigCollection(1000)
	c.Dir = dir
	if err := c.Save(collections.SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	for b.Loop() {
		c, err := collections.Load(dir)
		if err != nil || len(c.Problems) > 0 {
			b.Fatal(err, c.Problems)
		}
		drawFirstFrame(b, c, "")
	}
}

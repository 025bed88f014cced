package widgets

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeJSONLines writes a JSON array of objects, one per line, of at least
// size bytes, to a file in dir, and returns the path and the line count.
func writeJSONLines(t testing.TB, dir string, size int) (string, int) {
	t.Helper()
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteString("[\n")
	n := 0
	for b.Len() < size {
		fmt.Fprintf(&b, `{"id":"%08d-45f9-4a6e-9c33-2a5b7c0d4c11","ssid":"wlan-%d","enabled":true,"vlan_id":%d},`+"\n", n, n, n%4094)
		n++
	}
	b.WriteString(`{"id":"last","ssid":"needle-at-the-end"}` + "\n]\n")
	path := filepath.Join(dir, "body.json")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, n + 3
}

func TestBodyViewLargeFile(t *testing.T) {
	path, lines := writeJSONLines(t, t.TempDir(), 3<<20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	v, l := newBody(t)
	var progress []int64
	v.OnProgress = func(scanned, size int64, done bool) { progress = append(progress, scanned) }
	s := newScreen(t, 80, 12)
	v.SetBody(f, fi.Size(), "application/json")
	// The first screen is there before the index is complete.
	l.runUntil(t, "first index chunk", func() bool { n, _ := v.Indexed(); return n > 0 })
	got := render(s, v)
	if !strings.Contains(got, `"ssid":"wlan-0"`) || !strings.Contains(got, "json (large, as received)") {
		t.Fatalf("first frame:\n%s", got)
	}
	// Search starts while indexing may still run: the jump waits for the index.
	typeText(v, "/needle")
	press(v, 13) // Enter
	l.runUntil(t, "search and index", func() bool {
		_, _, cur, done := v.Search()
		_, idx := v.Indexed()
		return done && idx && cur == 0 && v.search.pending < 0
	})
	if n, _ := v.Indexed(); n != lines {
		t.Errorf("indexed %d lines, want %d", n, lines)
	}
	if len(progress) < 2 || progress[len(progress)-1] != fi.Size() {
		t.Errorf("progress %v", progress)
	}
	got = render(s, v)
	if !strings.Contains(got, "needle-at-the-end") {
		t.Errorf("match not on screen:\n%s", got)
	}
	typeText(v, "g")
	typeText(v, "G")
	got = render(s, v)
	if !strings.Contains(got, "]") || !strings.Contains(got, fmt.Sprintf("line %d/%d", v.Top()+1, lines)) {
		t.Errorf("bottom:\n%s", got)
	}
}

// TestBodyViewLargeJQ filters a body above the highlight limit.
func TestBodyViewLargeJQ(t *testing.T) {
	path, lines := writeJSONLines(t, t.TempDir(), 2<<20)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, l := newBody(t)
	s := newScreen(t, 80, 8)
	v.SetBody(bytes.NewReader(data), int64(len(data)), "application/json")
	typeText(v, "|length")
	l.runUntil(t, "jq length", func() bool { _, running, _ := v.Filtering(); return !running })
	if got := render(s, v); !strings.Contains(got, fmt.Sprint(lines-2)) {
		t.Errorf("length result:\n%s", got)
	}
}

// writeMinified writes a minified JSON array of about size bytes.
func writeMinified(t testing.TB, dir string, size int) string {
	t.Helper()
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteString("[")
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, `{"id":"%08d","ssid":"wlan-%d","tags":["a","b"],"vlan":%d},`, n, n, n%4094)
	}
	b.WriteString(`{"id":"last","ssid":"needle-at-the-end"}]`)
	path := filepath.Join(dir, "min.json")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBodyViewLargeMinifiedIsPrettyPrinted(t *testing.T) {
	dir := t.TempDir()
	path := writeMinified(t, dir, 3<<20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	v, l := newBody(t)
	tmp := t.TempDir()
	v.TmpDir = tmp
	s := newScreen(t, 80, 12)
	v.SetBody(f, fi.Size(), "application/json")
	if !v.Formatting() {
		t.Fatal("minified body not being formatted")
	}
	// The body as received shows at once.
	l.runUntil(t, "first index chunk", func() bool { n, _ := v.Indexed(); return n > 0 })
	if got := render(s, v); !strings.Contains(got, `[{"id":"00000000"`) {
		t.Fatalf("raw first frame:\n%s", got)
	}
	l.runUntil(t, "pretty copy indexed", func() bool { _, done := v.Indexed(); return !v.Formatting() && done })
	got := render(s, v)
	golden(t, "body_minified_pretty", got)
	typeText(v, "/needle")
	press(v, 13)
	l.runUntil(t, "search", func() bool { _, _, cur, done := v.Search(); return done && cur == 0 && v.search.pending < 0 })
	if got := render(s, v); !strings.Contains(got, `"ssid": "needle-at-the-end"`) {
		t.Errorf("search in the pretty copy:\n%s", got)
	}
	// The temporary copy goes with the body.
	if ents, _ := os.ReadDir(tmp); len(ents) != 1 {
		t.Errorf("temp dir holds %d files, want the one copy", len(ents))
	}
	v.SetText([]byte("{}"), "application/json")
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temp copy left behind: %v", ents)
	}
}

// TestBodyViewBottomFollowsIndex: G before the index is complete ends at
// the real end, not at the end known when G was pressed.
func TestBodyViewBottomFollowsIndex(t *testing.T) {
	path, lines := writeJSONLines(t, t.TempDir(), 3<<20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	v, l := newBody(t)
	s := newScreen(t, 80, 11)
	v.SetBody(f, fi.Size(), "application/json")
	l.runUntil(t, "first chunk", func() bool { n, _ := v.Indexed(); return n > 0 })
	render(s, v)
	if _, done := v.Indexed(); done {
		t.Skip("indexed in one go; nothing to follow") // 3 MB takes several chunks
	}
	typeText(v, "G")
	l.runUntil(t, "index", func() bool { _, done := v.Indexed(); return done })
	if v.Top() != lines-10 {
		t.Errorf("top = %d, want %d", v.Top(), lines-10)
	}
}

// TestBodyViewSwapKeepsPlace: when the pretty copy replaces the body as
// received, the top stays the top, the end the end, and a middle place
// maps by its share of the bytes.
func TestBodyViewSwapKeepsPlace(t *testing.T) {
	var raw bytes.Buffer
	raw.WriteString("[")
	for i := 0; raw.Len() < 100<<10; i++ {
		fmt.Fprintf(&raw, `{"n":%d,"s":"x"},`, i)
	}
	raw.WriteString(`{"n":-1}]`)
	var pretty bytes.Buffer
	if err := reindent(t.Context(), &pretty, bytes.NewReader(raw.Bytes()), 1<<30, nil); err != nil {
		t.Fatal(err)
	}
	s := newScreen(t, 60, 11)
	for _, tc := range []struct {
		name string
		keys string
		want func(top, lines int) bool
	}{
		{"top", "", func(top, _ int) bool { return top == 0 }},
		{"bottom", "G", func(top, lines int) bool { return top == lines-10 }},
		{"middle", "jjjjjjjjjjjj", func(top, lines int) bool { return top > lines*40/100 && top < lines*50/100 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newBody(t)
			v.HighlightLimit = 1 << 10 // treat 100 KB as large
			v.TmpDir = t.TempDir()
			v.SetText(raw.Bytes(), "application/json")
			v.formatting = false // no background copy: the test swaps by hand
			render(s, v)
			if n, _ := v.Indexed(); n != 26 {
				t.Fatalf("raw body has %d display lines, want 26", n)
			}
			typeText(v, tc.keys)
			v.swapBody(&doc{r: bytes.NewReader(pretty.Bytes()), size: int64(pretty.Len()), lexer: "json"})
			render(s, v)
			n, _ := v.Indexed()
			if !tc.want(v.Top(), n) {
				t.Errorf("top %d of %d", v.Top(), n)
			}
		})
	}
}

package widgets

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
)

// runJQBytes runs runJQ and reads its result whole (removing its file).
func runJQBytes(ctx, bodyCtx context.Context, pb *parsedBody, raw io.ReaderAt, size int64, text string) ([]byte, error) {
	res, err := runJQ(ctx, bodyCtx, pb, raw, size, text, "")
	if err != nil {
		return nil, err
	}
	defer res.discard()
	return res.bytes()
}

// finishOutput is the text the view gets for what runOne wrote to out.
func finishOutput(out *jqOut) []byte {
	res, err := out.finish()
	if err != nil {
		panic(err)
	}
	defer res.discard()
	b, err := res.bytes()
	if err != nil {
		panic(err)
	}
	return b
}

// A jq result over spillAt is written to a file in TmpDir and shown from
// it: it scrolls, searches, copies and saves like a body on disk. The file
// goes when the filter changes or clears, when the body changes, and on
// Close; a small result stays in memory.
func TestBodyViewJQResultOnDisk(t *testing.T) {
	path, _ := writeJSONLines(t, t.TempDir(), 3<<20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	v, l := newBody(t)
	tmp := t.TempDir()
	v.TmpDir = tmp
	var copied []string
	v.OnCopy = func(s string) { copied = append(copied, s) }
	s := newScreen(t, 80, 12)
	files := func() []string {
		ents, _ := os.ReadDir(tmp)
		var names []string
		for _, e := range ents {
			names = append(names, filepath.Join(tmp, e.Name()))
		}
		return names
	}
	filter := func(text string) {
		t.Helper()
		typeText(v, "|")
		press(v, tcell.KeyCtrlU)
		typeText(v, text)
		press(v, tcell.KeyEnter)
		l.runUntil(t, "jq "+text, func() bool { f, running, _ := v.Filtering(); return f == text && !running })
		if _, _, err := v.Filtering(); err != "" {
			t.Fatalf("jq %s: %s", text, err)
		}
	}
	v.SetBody(f, fi.Size(), "application/json")

	filter(".")
	file, data, ok := v.JQResult()
	if !ok || file == "" || data != nil || filepath.Dir(file) != tmp {
		t.Fatalf("JQResult() = %q, %d bytes, %v: want a file in %s", file, len(data), ok, tmp)
	}
	if got := files(); len(got) != 1 || got[0] != file {
		t.Fatalf("temp dir holds %v, want %s", got, file)
	}
	l.runUntil(t, "result indexed", func() bool { _, done := v.Indexed(); return done })
	if got := render(s, v); !strings.Contains(got, "jq result") || !strings.Contains(got, `"id": "00000000-45f9`) {
		t.Fatalf("result screen:\n%s", got)
	}
	typeText(v, "/needle")
	press(v, tcell.KeyEnter)
	l.runUntil(t, "search the result", func() bool { _, n, cur, done := v.Search(); return done && n == 1 && cur == 0 && v.search.pending < 0 })
	if got := render(s, v); !strings.Contains(got, `"ssid": "needle-at-the-end"`) {
		t.Errorf("match not on screen:\n%s", got)
	}
	result, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	typeText(v, "y")
	l.runUntil(t, "copy", func() bool { return len(copied) == 1 })
	if copied[0] != string(result) {
		t.Errorf("copied %d bytes, the result holds %d", len(copied[0]), len(result))
	}
	saved := filepath.Join(t.TempDir(), "result.json")
	typeText(v, "w")
	press(v, tcell.KeyCtrlU)
	typeText(v, saved)
	press(v, tcell.KeyEnter)
	l.runUntil(t, "save", func() bool { return strings.HasPrefix(v.message, "saved") || v.msgErr })
	if got, err := os.ReadFile(saved); err != nil || string(got) != string(result) {
		t.Errorf("saved %d bytes (%v), the result holds %d", len(got), err, len(result))
	}

	// Another filter: the old file goes; a small result is in memory.
	filter(".[1].ssid")
	if _, data, ok := v.JQResult(); !ok || string(data) != "\"wlan-1\"\n" {
		t.Errorf("small result %q", data)
	}
	if got := files(); len(got) != 0 {
		t.Errorf("after a small result the temp dir holds %v", got)
	}
	// Clearing the filter removes it.
	filter("map(.id)")
	if len(files()) != 1 {
		t.Fatalf("map(.id) not on disk: %v", files())
	}
	typeText(v, "|")
	press(v, tcell.KeyEscape)
	if f, _, _ := v.Filtering(); f != "" || len(files()) != 0 {
		t.Errorf("cleared filter %q left %v", f, files())
	}
	// So does another body, and Close.
	filter(".")
	v.SetText([]byte(`{"a":1}`), "application/json")
	if got := files(); len(got) != 0 {
		t.Errorf("another body left %v", got)
	}
	v.SetBody(f, fi.Size(), "application/json")
	filter(".")
	v.Close()
	if got := files(); len(got) != 0 {
		t.Errorf("Close left %v", got)
	}
}

// Keys scroll and redraw while a large jq result is being written; the
// run is held between two chunks to be sure it is.
func TestBodyViewKeysWhileJQWrites(t *testing.T) {
	path, _ := writeJSONLines(t, t.TempDir(), 3<<20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	v, l := newBody(t)
	v.TmpDir = t.TempDir()
	s := newScreen(t, 80, 12)
	v.SetBody(f, fi.Size(), "application/json")
	l.runUntil(t, "body indexed", func() bool { _, done := v.Indexed(); return done })

	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hook := func() {
		once.Do(func() {
			close(held)
			<-release
		})
	}
	spillHook.Store(&hook)
	defer spillHook.Store(nil)
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	defer free() // a failed test does not leave the run held

	typeText(v, "|.")
	press(v, tcell.KeyEnter)
	select {
	case <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("the result was never written")
	}
	// The run is between two chunks of its result: keys still work.
	typeText(v, "jjj")
	if got := render(s, v); v.Top() != 3 || !strings.Contains(got, "jq running") {
		t.Errorf("top %d while jq writes:\n%s", v.Top(), got)
	}
	typeText(v, "G")
	if got := render(s, v); !strings.Contains(got, "needle-at-the-end") {
		t.Errorf("G while jq writes:\n%s", got)
	}
	free()
	l.runUntil(t, "jq .", func() bool { _, running, _ := v.Filtering(); return !running })
	if file, _, ok := v.JQResult(); !ok || file == "" {
		t.Errorf("JQResult() = %q, %v after the run", file, ok)
	}
}

// A copy or a save still reading a result on disk finishes it after the
// filter changed: discard removes the file at once but closes it only
// when the last reader lets go.
func TestJQResultOutlivesDiscardWhileHeld(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "jq-*")
	if err != nil {
		t.Fatal(err)
	}
	const text = "[1, 2, 3]\n"
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	r := &jqResult{file: f, size: int64(len(text))}
	release := r.hold()
	r.discard()
	if _, err := os.Stat(f.Name()); !os.IsNotExist(err) {
		t.Errorf("the file is still there after discard: %v", err)
	}
	b := make([]byte, len(text))
	if _, err := r.readerAt().ReadAt(b, 0); err != nil || string(b) != text {
		t.Fatalf("read while held after discard: %q, %v", b, err)
	}
	release()
	if _, err := r.readerAt().ReadAt(b, 0); err == nil {
		t.Error("the file is still open after the last release")
	}
	r.discard() // twice: nothing more happens
	(*jqResult)(nil).hold()()
}

// On a large body, a program that decodes every value waits for Enter:
// typing "sort_by(.ssid)" passes through "sort", which would otherwise
// decode the whole body as a prefix.
func TestBodyViewAsksBeforeWholeDecode(t *testing.T) {
	path, _ := writeJSONLines(t, t.TempDir(), 256<<10)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	v, l := newBody(t)
	v.TmpDir = t.TempDir()
	v.WholeDecodeAsk = 128 << 10
	v.SetBody(f, fi.Size(), "application/json")

	typeText(v, "|")
	typeText(v, "sort")
	text, running, msg := v.Filtering()
	if text != "sort" || running || !strings.Contains(msg, "Enter runs it") {
		t.Fatalf("typed sort: %q running=%v %q", text, running, msg)
	}
	if _, _, ok := v.JQResult(); ok {
		t.Fatal("a result before Enter")
	}
	if v.parsed != nil && v.parsed.values != nil {
		t.Fatal("the body was decoded before Enter")
	}
	press(v, tcell.KeyEnter)
	l.runUntil(t, "sort after Enter", func() bool { f, running, _ := v.Filtering(); return f == "sort" && !running })
	if _, _, msg := v.Filtering(); msg != "" {
		t.Fatalf("sort after Enter: %s", msg)
	}
	if _, _, ok := v.JQResult(); !ok {
		t.Fatal("no result after Enter")
	}
	// A program that reads only part of each value runs as it is typed.
	typeText(v, "|")
	press(v, tcell.KeyCtrlU)
	typeText(v, ".[1].ssid")
	l.runUntil(t, ".[1].ssid", func() bool { f, running, _ := v.Filtering(); return f == ".[1].ssid" && !running })
	if _, data, ok := v.JQResult(); !ok || string(data) != "\"wlan-1\"\n" {
		t.Fatalf(".[1].ssid gave %q", data)
	}
	press(v, tcell.KeyEscape)
	// Another body asks again; a small one never does.
	v.SetBody(f, fi.Size(), "application/json")
	typeText(v, "|")
	typeText(v, "tostring")
	if _, _, msg := v.Filtering(); !strings.Contains(msg, "Enter runs it") {
		t.Fatalf("another body did not ask: %q", msg)
	}
	press(v, tcell.KeyEscape)
	v.SetText([]byte(`[3, 1, 2]`), "application/json")
	typeText(v, "|")
	typeText(v, "sort")
	l.runUntil(t, "sort on a small body", func() bool { f, running, _ := v.Filtering(); return f == "sort" && !running })
	if _, data, ok := v.JQResult(); !ok || !strings.Contains(string(data), "1,\n  2,\n  3") {
		t.Fatalf("sort on a small body gave %q", data)
	}
}

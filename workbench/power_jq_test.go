package workbench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A large jq result is written to a temporary file and shown from it
// like a large body: it scrolls, searches, copies, saves and pages; the
// file goes when the filter is cleared, when another body comes, and when
// the workbench ends. Keys keep working while it is written.
func TestPowerLargeJQResultOnDisk(t *testing.T) {
	t.Parallel()
	// Registered first, so it runs after the workbench stopped.
	var files []string
	t.Cleanup(func() {
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				t.Errorf("%s is left behind", f)
			}
		}
	})
	seen := filepath.Join(t.TempDir(), "paged")
	env := map[string]string{"PAGER": script(t, `cp "$1" `+seen)}
	h := startPower(t, Config{})
	h.onUI(func() { h.w.power.ext.Getenv = func(k string) string { return env[k] } })
	h.openAndSend("Big")
	h.want("200 OK")
	p := h.w.power.body
	v := p.view
	h.until("the body is shown from disk", func() bool { _, done := v.Indexed(); return p.file != nil && done })

	// jqFile is the jq result's file ("" in memory, or without a result).
	jqFile := func() (path string) {
		h.onUI(func() { path, _, _ = v.JQResult() })
		return path
	}
	filter := func(text string) {
		h.t.Helper()
		h.press("Alt+3", "|", "Ctrl+U")
		h.typ(text)
		// Keys keep their frames while the result is written.
		h.press("Enter", "j", "k", "G", "g")
		h.until("jq "+text, func() bool { f, running, err := v.Filtering(); return f == text && !running && err == "" })
	}

	// ".": the body pretty-printed, several MB, on disk.
	filter(".")
	first := jqFile()
	if first == "" {
		t.Fatal("the result of . is not on disk")
	}
	files = append(files, first)
	h.until("the result is indexed", func() bool { _, done := v.Indexed(); return done })
	h.want("jq result", `"id": "w00000"`)
	h.wantNot(testToken)
	h.press("/")
	h.typ(`"w79999"` + "\n")
	h.until("search in the result", func() bool { _, n, cur, done := v.Search(); return done && n == 1 && cur == 0 })
	h.want(`"id": "w79999"`)
	h.press("y")
	h.until("copied", func() bool { return len(h.copied) > 0 })
	var list []map[string]any
	if err := json.Unmarshal([]byte(<-h.copied), &list); err != nil || len(list) != 80000 || list[79999]["id"] != "w79999" {
		t.Fatalf("copied result: %d items, %v", len(list), err)
	}
	h.want("copied the jq result")
	out := filepath.Join(t.TempDir(), "result.json")
	h.press("w", "Ctrl+U")
	h.typ(out + "\n")
	h.until("saved", func() bool { _, err := os.Stat(out); return err == nil })
	saved, err := os.ReadFile(out)
	result, rerr := os.ReadFile(first)
	if err != nil || rerr != nil || string(saved) != string(result) || !strings.HasPrefix(string(saved), "[\n  {\n") {
		t.Fatalf("w saved %d bytes (%v), the result is %d (%v)", len(saved), err, len(result), rerr)
	}
	h.press("p")
	h.sync()
	if paged, err := os.ReadFile(seen); err != nil || string(paged) != string(result) {
		t.Fatalf("the pager got %d bytes (%v), want the result's %d", len(paged), err, len(result))
	}

	// A new filter replaces the file; a small result stays in memory.
	filter("map(.ssid)")
	second := jqFile()
	if second == "" || second == first {
		t.Fatalf("map(.ssid): file %q after %q", second, first)
	}
	files = append(files, second)
	if _, err := os.Stat(first); err == nil {
		t.Fatalf("the previous result %s is left behind", first)
	}
	filter(".[7].ssid")
	h.want(`"Lab-7"`)
	if f := jqFile(); f != "" {
		t.Fatalf("a small result is on disk: %s", f)
	}
	if _, err := os.Stat(second); err == nil {
		t.Fatalf("the previous result %s is left behind", second)
	}

	// Esc in the filter line clears the filter and the file.
	filter(".")
	third := jqFile()
	files = append(files, third)
	h.press("Alt+3", "|", "Esc")
	h.until("the filter cleared", func() bool { f, _, _ := v.Filtering(); return f == "" })
	if _, err := os.Stat(third); err == nil {
		t.Fatalf("clearing the filter left %s", third)
	}

	// Another body removes it too.
	filter(".")
	fourth := jqFile()
	files = append(files, fourth)
	h.openAndSend("List")
	h.want(`"ssid": "Lab-0"`)
	if _, err := os.Stat(fourth); err == nil {
		t.Fatalf("another body left %s", fourth)
	}

	// And the end of the workbench (checked by the cleanup above).
	h.openAndSend("Big")
	h.until("the big body again", func() bool { _, done := v.Indexed(); return p.file != nil && done })
	filter(".")
	files = append(files, jqFile())
}

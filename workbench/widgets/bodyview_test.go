package widgets

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

const wlanJSON = `{"id":"6f4bf402-45f9-4a6e-9c33-2a5b7c0d4c11","ssid":"TestWlan","enabled":true,"vlan_id":10,"auth":{"type":"psk","psk":null},"tags":["lab","wlan"]}`

func newBody(t *testing.T) (*BodyView, *uiLoop) {
	t.Helper()
	l := newLoop()
	v := NewBodyView(l.post)
	v.Debounce = 0
	t.Cleanup(v.Close)
	return v, l
}

func TestBodyViewPrettyJSON(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 60, 16)
	v.SetText([]byte(wlanJSON), "application/json; charset=utf-8")
	got := render(s, v)
	golden(t, "body_pretty_json", got)
	// Keys are coloured as names, strings as strings.
	x, y, ok := findText(s, `"ssid"`)
	if !ok {
		t.Fatal("ssid key not on screen")
	}
	_, st := cellAt(s, x+1, y)
	if fg, _, _ := st.Decompose(); fg != tcell.ColorDodgerBlue {
		t.Errorf("key colour = %v, want DodgerBlue", fg)
	}
	x, y, _ = findText(s, `"TestWlan"`)
	_, st = cellAt(s, x+1, y)
	if fg, _, _ := st.Decompose(); fg != tcell.ColorGreen {
		t.Errorf("string colour = %v, want Green", fg)
	}
}

func TestBodyViewNoControlSequences(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 60, 6)
	body := "title \x1b]0;pwned\x07 csi \x9b31m bell\a del\x7f bidi\u202e end\r\nnext\ttab"
	v.SetText([]byte(body), "text/plain")
	got := render(s, v)
	cells, _, _ := s.GetContents()
	for i, c := range cells {
		for _, r := range c.Runes {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x202e {
				t.Fatalf("cell %d holds control rune %U", i, r)
			}
		}
	}
	golden(t, "body_controls", got)
}

func TestBodyViewScrollKeysAndWheel(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 40, 11) // 10 rows of text and a status line
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	v.SetText([]byte(b.String()), "text/plain")
	render(s, v)
	steps := []struct {
		do   func()
		want int
	}{
		{func() { typeText(v, "j") }, 1},
		{func() { typeText(v, "jjj") }, 4},
		{func() { typeText(v, "k") }, 3},
		{func() { press(v, tcell.KeyPgDn) }, 12},
		{func() { typeText(v, "G") }, 90},
		{func() { press(v, tcell.KeyDown) }, 90},
		{func() { typeText(v, "g") }, 0},
		{func() { press(v, tcell.KeyUp) }, 0},
		{func() { mouse(v, tview.MouseScrollDown, 5, 5) }, 3},
		{func() { mouse(v, tview.MouseScrollUp, 5, 5) }, 0},
		{func() { press(v, tcell.KeyEnd) }, 90},
	}
	for i, st := range steps {
		st.do()
		render(s, v)
		if v.Top() != st.want {
			t.Fatalf("step %d: top = %d, want %d", i, v.Top(), st.want)
		}
	}
	if _, _, ok := findText(s, "line 100"); !ok {
		t.Errorf("last line not shown at the bottom:\n%s", screenText(s))
	}
	if f := mouse(v, tview.MouseLeftClick, 3, 3); f != v {
		t.Errorf("click focused %v, want the view", f)
	}
	if f := mouse(v, tview.MouseLeftClick, 50, 3); f != nil {
		t.Errorf("click outside focused %v", f)
	}
}

func TestBodyViewSearch(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 60, 16)
	v.SetText([]byte(wlanJSON), "application/json")
	render(s, v)
	typeText(v, "/wlan")
	golden(t, "body_search_prompt", render(s, v))
	press(v, tcell.KeyEnter)
	q, n, cur, done := v.Search()
	// Smart case: "wlan" also matches "TestWlan".
	if q != "wlan" || n != 2 || cur != 0 || !done {
		t.Fatalf("search = %q %d matches cur %d done %v", q, n, cur, done)
	}
	got := render(s, v)
	golden(t, "body_search", got)
	x, y, _ := findText(s, "TestWlan")
	if _, st := cellAt(s, x+4, y); st != curMatchStyle {
		t.Errorf("current match not highlighted")
	}
	typeText(v, "n")
	if _, _, cur, _ := v.Search(); cur != 1 {
		t.Errorf("after n cur = %d", cur)
	}
	render(s, v)
	x, y, _ = findText(s, `"wlan"`)
	if _, st := cellAt(s, x+1, y); st != curMatchStyle {
		t.Errorf("second match not current")
	}
	typeText(v, "n")
	if _, _, cur, _ := v.Search(); cur != 0 {
		t.Errorf("n did not wrap: cur = %d", cur)
	}
	typeText(v, "N")
	if _, _, cur, _ := v.Search(); cur != 1 {
		t.Errorf("N did not wrap back: cur = %d", cur)
	}
	// An upper-case letter makes the search case-sensitive.
	typeText(v, "/")
	press(v, tcell.KeyCtrlU)
	typeText(v, "Wlan")
	press(v, tcell.KeyEnter)
	if _, n, _, _ := v.Search(); n != 1 {
		t.Errorf("case-sensitive search found %d, want 1", n)
	}
	typeText(v, "/")
	press(v, tcell.KeyCtrlU)
	typeText(v, "nothere")
	press(v, tcell.KeyEnter)
	typeText(v, "n")
	if !strings.Contains(render(s, v), "no match") {
		t.Errorf("no 'no match' on status:\n%s", screenText(s))
	}
}

func TestBodyViewJQFilter(t *testing.T) {
	v, l := newBody(t)
	s := newScreen(t, 60, 10)
	v.SetText([]byte(wlanJSON), "application/json")
	var copied []string
	v.OnCopy = func(text string) { copied = append(copied, text) }
	typeText(v, "|.ss")
	// Each keystroke starts a run; wait for the last one.
	l.runUntil(t, "filter .ss", func() bool { _, running, _ := v.Filtering(); return !running })
	if _, _, err := v.Filtering(); err != "" {
		t.Fatalf(".ss: %s", err)
	}
	typeText(v, "id")
	l.runUntil(t, "filter .ssid", func() bool { _, running, _ := v.Filtering(); return !running })
	got := render(s, v)
	golden(t, "body_jq_ssid", got)
	// A broken program shows its error and keeps the last result.
	typeText(v, "[")
	l.runUntil(t, "filter error", func() bool { _, running, _ := v.Filtering(); return !running })
	got = render(s, v)
	if _, _, err := v.Filtering(); !strings.Contains(err, "jq:") {
		t.Errorf("error = %q", err)
	}
	if !strings.Contains(got, `"TestWlan"`) || !strings.Contains(got, "jq: ") {
		t.Errorf("error screen:\n%s", got)
	}
	press(v, tcell.KeyBackspace2)
	l.runUntil(t, "filter .ssid again", func() bool { _, running, _ := v.Filtering(); return !running })
	press(v, tcell.KeyEnter) // keep the filter, close the line
	typeText(v, "y")
	if len(copied) != 1 || copied[0] != "\"TestWlan\"\n" {
		t.Errorf("copied %q", copied)
	}
	golden(t, "body_jq_kept", render(s, v))
	// Beyond CopyLimit the view says so instead of copying.
	v.CopyLimit = 5
	typeText(v, "y")
	if len(copied) != 1 || !strings.Contains(render(s, v), "too large to copy") {
		t.Errorf("copy over the limit: %q\n%s", copied, screenText(s))
	}
	v.CopyLimit = DefaultCopyLimit
	// Esc in the filter line removes the filter.
	typeText(v, "|")
	press(v, tcell.KeyEscape)
	typeText(v, "y")
	if len(copied) != 2 || !strings.Contains(copied[1], `"vlan_id": 10`) {
		t.Errorf("copy after clearing = %q", copied)
	}
}

func TestBodyViewJQNotJSON(t *testing.T) {
	v, l := newBody(t)
	s := newScreen(t, 60, 6)
	v.SetText([]byte("plain words"), "text/plain")
	typeText(v, "|.")
	l.runUntil(t, "filter", func() bool { _, running, _ := v.Filtering(); return !running })
	if got := render(s, v); !strings.Contains(got, "body is not JSON") {
		t.Errorf("screen:\n%s", got)
	}
}

func TestBodyViewSave(t *testing.T) {
	v, l := newBody(t)
	s := newScreen(t, 60, 6)
	v.SetText([]byte(wlanJSON), "application/json")
	path := filepath.Join(t.TempDir(), "wlan.json")
	typeText(v, "w")
	press(v, tcell.KeyCtrlU)
	typeText(v, path)
	press(v, tcell.KeyEnter)
	l.runUntil(t, "save", func() bool { return strings.HasPrefix(v.message, "saved") || v.msgErr })
	got, err := os.ReadFile(path)
	if err != nil || string(got) != wlanJSON {
		t.Fatalf("saved %q, %v", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if !strings.Contains(render(s, v), "saved") {
		t.Errorf("no saved message")
	}
	// A save into a missing directory fails with a message, not a panic.
	typeText(v, "w")
	press(v, tcell.KeyCtrlU)
	typeText(v, filepath.Join(t.TempDir(), "no", "such", "dir", "f"))
	press(v, tcell.KeyEnter)
	l.runUntil(t, "failed save", func() bool { return v.msgErr })
	if !strings.Contains(render(s, v), "save body") {
		t.Errorf("no error message:\n%s", screenText(s))
	}
}

func TestBodyViewBinary(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 80, 10)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0xff, 0x00, 0x1b}, 100)...)
	var copied bool
	v.OnCopy = func(string) { copied = true }
	v.SetText(png, "")
	golden(t, "body_binary", render(s, v))
	typeText(v, "y")
	if copied {
		t.Error("binary body copied as text")
	}
}

func TestBodyViewLongLineScrollsSideways(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 40, 6)
	line := strings.Repeat("abcdefghij", 1000) + "END"
	v.SetText([]byte(line), "text/plain")
	render(s, v)
	if n, done := v.Indexed(); n != 3 || !done {
		t.Fatalf("10003-byte line split into %d display lines (done %v), want 3", n, done)
	}
	typeText(v, "/end")
	press(v, tcell.KeyEnter)
	got := render(s, v)
	if !strings.Contains(got, "END") {
		t.Errorf("match not brought into view:\n%s", got)
	}
}

func TestBodyViewEmpty(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 30, 3)
	v.SetText(nil, "application/json")
	typeText(v, "jGgn/x")
	press(v, tcell.KeyEnter)
	if got := render(s, v); !strings.Contains(got, "(empty body)") {
		t.Errorf("screen:\n%s", got)
	}
	// Tiny sizes must not panic.
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {5, 1}, {1, 5}} {
		s.SetSize(sz[0], sz[1])
		render(s, v)
	}
}

func TestBodyViewKeys(t *testing.T) {
	v, _ := newBody(t)
	if len(v.keys) != len(DefaultBodyKeys) {
		t.Fatalf("default keys: %d of %d parsed", len(v.keys), len(DefaultBodyKeys))
	}
	var copied int
	v.OnCopy = func(string) { copied++ }
	v.SetText([]byte(wlanJSON), "application/json")
	s := newScreen(t, 40, 6)
	render(s, v)
	// A core that uses y elsewhere rebinds copy to ctrl+y and drops l.
	keys := []BodyKey{{"ctrl+y", BodyCopy, "copy"}, {"j", BodyDown, "down"}}
	if err := v.SetKeys(keys); err != nil {
		t.Fatal(err)
	}
	typeText(v, "yl")
	if copied != 0 || v.left != 0 {
		t.Errorf("old keys still bound: copied %d, left %d", copied, v.left)
	}
	press(v, tcell.KeyCtrlY)
	typeText(v, "j")
	if copied != 1 || v.Top() != 1 {
		t.Errorf("new keys: copied %d, top %d", copied, v.Top())
	}
	if err := v.SetKeys([]BodyKey{{"hyper+x", BodyCopy, ""}}); err == nil || len(v.keys) != 2 {
		t.Errorf("bad table accepted: %v, %d keys", err, len(v.keys))
	}
	// Do lets the core dispatch from its own table.
	v.Do(BodyTop)
	v.Do(BodySearch)
	if !v.Prompting() || v.Top() != 0 {
		t.Errorf("Do: prompting %v top %d", v.Prompting(), v.Top())
	}
}

func TestBodyViewBadInput(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 40, 4)
	v.SetBody(nil, 10, "text/plain")
	if !strings.Contains(render(s, v), "(empty body)") {
		t.Error("nil reader")
	}
	v.SetBody(strings.NewReader("abc"), -5, "")
	if !strings.Contains(render(s, v), "(empty body)") {
		t.Error("negative size")
	}
	// A reader shorter than the size it was given: the error is shown.
	v.SetBody(strings.NewReader("abc"), 100, "text/plain")
	if got := render(s, v); !strings.Contains(got, "read body") {
		t.Errorf("short reader:\n%s", got)
	}
}

// TestBodyViewIncrementalSearch: a small body is searched as the query is
// typed; Esc goes back to the place and the search before.
func TestBodyViewIncrementalSearch(t *testing.T) {
	v, _ := newBody(t)
	s := newScreen(t, 40, 11)
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	v.SetText([]byte(b.String()), "text/plain")
	render(s, v)
	typeText(v, "/line 5")
	if _, n, cur, _ := v.Search(); n != 11 || cur != 0 || v.Top() != 0 {
		t.Errorf("/line 5: %d matches, cur %d, top %d", n, cur, v.Top())
	}
	typeText(v, "0")
	render(s, v)
	if q, n, _, _ := v.Search(); q != "line 50" || n != 1 || v.Top() < 40 || v.Top() > 49 {
		t.Errorf("/line 50: %q %d matches, top %d", q, n, v.Top())
	}
	press(v, tcell.KeyEscape)
	if q, _, _, _ := v.Search(); q != "" || v.Top() != 0 {
		t.Errorf("after Esc: query %q, top %d", q, v.Top())
	}
	typeText(v, "/line 50")
	press(v, tcell.KeyEnter)
	typeText(v, "/line 7")
	press(v, tcell.KeyEscape)
	if q, n, cur, _ := v.Search(); q != "line 50" || n != 1 || cur != 0 {
		t.Errorf("Esc did not restore the previous search: %q %d %d", q, n, cur)
	}
}

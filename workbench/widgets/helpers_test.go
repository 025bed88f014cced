package widgets

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

var update = flag.Bool("update", false, "rewrite golden screen files")

// uiLoop stands in for the tview event loop: background work posts closures
// and the test goroutine runs them, so widget state is only touched by the
// test goroutine, as in the app.
type uiLoop struct{ ch chan func() }

func newLoop() *uiLoop { return &uiLoop{ch: make(chan func(), 4096)} }

func (l *uiLoop) post(f func()) { l.ch <- f }

// runUntil runs posted closures until cond holds. The deadline only turns
// a hang into a failure; nothing waits on time to synchronise.
func (l *uiLoop) runUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case f := <-l.ch:
			f()
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// drain runs closures already posted, without waiting.
func (l *uiLoop) drain() {
	for {
		select {
		case f := <-l.ch:
			f()
		default:
			return
		}
	}
}

func newScreen(t testing.TB, w, h int) tcell.SimulationScreen {
	t.Helper()
	s := tcell.NewSimulationScreen("UTF-8")
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	s.SetSize(w, h)
	t.Cleanup(s.Fini)
	return s
}

// render draws p over the whole screen and returns the screen text.
func render(s tcell.SimulationScreen, p tview.Primitive) string {
	w, h := s.Size()
	s.Clear()
	p.SetRect(0, 0, w, h)
	p.Draw(s)
	s.Show()
	return screenText(s)
}

// screenText is the screen as lines of text, trailing blanks trimmed.
func screenText(s tcell.SimulationScreen) string {
	cells, w, h := s.GetContents()
	var b strings.Builder
	for y := 0; y < h; y++ {
		var line strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				line.WriteByte(' ')
				continue
			}
			line.WriteString(string(c.Runes))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// cellAt returns the rune and style drawn at x, y.
func cellAt(s tcell.SimulationScreen, x, y int) (rune, tcell.Style) {
	cells, w, _ := s.GetContents()
	c := cells[y*w+x]
	if len(c.Runes) == 0 {
		return ' ', c.Style
	}
	return c.Runes[0], c.Style
}

// findText returns the position of the first occurrence of text on screen.
func findText(s tcell.SimulationScreen, text string) (int, int, bool) {
	for y, line := range strings.Split(screenText(s), "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return len([]rune(line[:i])), y, true
		}
	}
	return 0, 0, false
}

// golden compares got with testdata/name.golden; -update rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("screen differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// press sends keys to p's input handler.
func press(p tview.Primitive, keys ...tcell.Key) {
	for _, k := range keys {
		p.InputHandler()(tcell.NewEventKey(k, 0, tcell.ModNone), func(tview.Primitive) {})
	}
}

// typeText sends each rune of text as a key press.
func typeText(p tview.Primitive, text string) {
	for _, r := range text {
		p.InputHandler()(tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone), func(tview.Primitive) {})
	}
}

// mouse sends a mouse action at x, y to p.
func mouse(p tview.Primitive, action tview.MouseAction, x, y int) tview.Primitive {
	var focused tview.Primitive
	p.MouseHandler()(action, tcell.NewEventMouse(x, y, tcell.ButtonNone, tcell.ModNone), func(f tview.Primitive) { focused = f })
	return focused
}

// cpuPerOp reports the process CPU time per op since start.
func cpuPerOp(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuNow()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

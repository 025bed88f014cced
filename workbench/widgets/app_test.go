package widgets

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// appHarness runs a real tview app on a simulated screen. Keys go in
// through the screen's event queue; a sentinel key caught by the one
// app-level input capture tells the test that every key before it was
// handled (and drawn), so nothing waits on time.
type appHarness struct {
	t      *testing.T
	app    *tview.Application
	screen tcell.SimulationScreen
	synced chan string // screen text at each sentinel
}

const sentinel = tcell.KeyF64

func newAppHarness(t *testing.T, w, h int, root tview.Primitive) *appHarness {
	t.Helper()
	screen := tcell.NewSimulationScreen("UTF-8")
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	screen.SetSize(w, h)
	a := &appHarness{t: t, app: tview.NewApplication(), screen: screen, synced: make(chan string, 1)}
	a.app.SetScreen(screen).SetRoot(root, true).EnableMouse(true)
	a.app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == sentinel {
			// Draw first so the text reflects every key before the sentinel.
			a.app.ForceDraw()
			a.synced <- screenText(screen)
			return nil
		}
		return ev
	})
	done := make(chan error, 1)
	go func() { done <- a.app.Run() }()
	// Run initialises the screen, which resets its size: set it after.
	a.app.QueueUpdateDraw(func() { screen.SetSize(w, h) })
	t.Cleanup(func() {
		a.app.Stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return a
}

// onUI runs f on the event goroutine and returns its result.
func (a *appHarness) onUI(f func() any) any {
	ch := make(chan any, 1)
	a.app.QueueUpdate(func() { ch <- f() })
	return <-ch
}

// keys injects keys and then waits for the sentinel; it returns the screen.
func (a *appHarness) keys(keys ...*tcell.EventKey) string {
	for _, k := range keys {
		a.screen.InjectKey(k.Key(), k.Rune(), k.Modifiers())
	}
	a.screen.InjectKey(sentinel, 0, tcell.ModNone)
	return <-a.synced
}

func runes(s string) []*tcell.EventKey {
	var out []*tcell.EventKey
	for _, r := range s {
		out = append(out, tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone))
	}
	return out
}

// TestBodyViewInApp wires a BodyView as the core would (post is
// QueueUpdateDraw) and drives it with keys while a 3 MB body indexes.
func TestBodyViewInApp(t *testing.T) {
	path, _ := writeJSONLines(t, t.TempDir(), 3<<20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()

	indexed := make(chan struct{})
	started := make(chan struct{})
	var first sync.Once
	var once sync.Once
	filtered := make(chan string, 16)
	copied := make(chan string, 1)
	var v *BodyView
	var app *tview.Application
	post := func(fn func()) { app.QueueUpdateDraw(fn) }
	v = NewBodyView(post)
	v.Debounce = 0
	v.OnProgress = func(_, _ int64, done bool) {
		first.Do(func() { close(started) })
		if done {
			once.Do(func() { close(indexed) })
		}
	}
	a := newAppHarness(t, 80, 12, v)
	app = a.app
	defer v.Close()
	// SetBody on the UI goroutine, as the core does when a response lands.
	app.QueueUpdateDraw(func() { v.SetBody(f, fi.Size(), "application/json") })
	// Keys are handled while the index builds.
	<-started
	scr := a.keys(runes("jjj")...)
	if !strings.Contains(scr, `"ssid":"wlan-2"`) {
		t.Errorf("after jjj:\n%s", scr)
	}
	// The mouse wheel, through tview's own mouse dispatch.
	a.screen.InjectMouse(10, 5, tcell.WheelDown, tcell.ModNone)
	a.screen.InjectMouse(10, 5, tcell.ButtonNone, tcell.ModNone)
	scr = a.keys()
	if top := a.onUI(func() any { return v.Top() }); top != 6 || !strings.Contains(scr, `"ssid":"wlan-5"`) {
		t.Errorf("after the wheel top = %v, want 6:\n%s", top, scr)
	}
	<-indexed
	scr = a.keys(runes("G")...)
	if !strings.Contains(scr, "needle-at-the-end") {
		t.Errorf("after G:\n%s", scr)
	}
	// jq on a large body: the result arrives through QueueUpdateDraw.
	app.QueueUpdate(func() {
		v.OnFilterDone = func() {
			if text, running, _ := v.Filtering(); !running {
				filtered <- text
			}
		}
		v.OnCopy = func(s string) { copied <- s }
	})
	a.keys(runes("|.[-1].ssid")...)
	// Runs for the partial programs may finish first; wait for the last.
	for text := <-filtered; text != ".[-1].ssid"; text = <-filtered {
	}
	scr = a.keys(append([]*tcell.EventKey{tcell.NewEventKey(tcell.KeyEnter, 0, 0)}, runes("y")...)...)
	if got := <-copied; got != "\"needle-at-the-end\"\n" {
		t.Errorf("copied %q", got)
	}
	if !strings.Contains(scr, `"needle-at-the-end"`) || !strings.Contains(scr, "jq: .[-1].ssid") {
		t.Errorf("jq result:\n%s", scr)
	}
}

// TestFuzzyListInApp: the palette in a running app, typed into and clicked.
func TestFuzzyListInApp(t *testing.T) {
	l := NewFuzzyList("> ").SetItems(paletteItems())
	chosen := make(chan any, 4)
	l.OnSelect = func(it FuzzyItem) { chosen <- it.Value }
	a := newAppHarness(t, 70, 10, l)
	scr := a.keys(append(runes("getwlan"), tcell.NewEventKey(tcell.KeyEnter, 0, 0))...)
	if got := <-chosen; got != 2 {
		t.Errorf("Enter chose %v, want Get WLAN", got)
	}
	if !strings.Contains(scr, "> getwlan") {
		t.Errorf("screen:\n%s", scr)
	}
	// Clear the query, then click the fourth row twice: select, then choose.
	a.keys(tcell.NewEventKey(tcell.KeyCtrlU, 0, tcell.ModCtrl))
	for i := 0; i < 2; i++ {
		a.screen.InjectMouse(5, 4, tcell.Button1, tcell.ModNone)
		a.screen.InjectMouse(5, 4, tcell.ButtonNone, tcell.ModNone)
		a.keys()
	}
	if got := <-chosen; got != 1 {
		t.Errorf("click chose %v, want List WLANs", got)
	}
}

package workbench

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

var update = flag.Bool("update", false, "rewrite the golden screen files in testdata")

// golden compares text with testdata/name.golden (-update rewrites it).
func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != text {
		t.Fatalf("screen differs from %s (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, text, want)
	}
}

// drawn draws p alone on a width x height simulated screen.
func drawn(t *testing.T, p tview.Primitive, width, height int) string {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(width, height)
	p.SetRect(0, 0, width, height)
	p.Draw(sim)
	sim.Show()
	return screenText(sim)
}

// keys feeds keys to a widget's own input handler.
func keys(t *testing.T, w *Workbench, p tview.Primitive, names ...string) {
	t.Helper()
	for _, n := range names {
		p.InputHandler()(keyEvent(t, n), func(f tview.Primitive) { w.app.SetFocus(f) })
	}
}

func newQuiet(t *testing.T) *Workbench {
	t.Helper()
	w, err := New(Config{Collection: testCollection(t, "127.0.0.1:8080"), Env: "Local"})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestGoldenTree(t *testing.T) {
	w := newQuiet(t)
	golden(t, "tree", drawn(t, w.tree.root, 32, 9))
	// Up to the folder, close it, and down to the top-level request.
	keys(t, w, w.tree.view, "Up", "Enter", "Down")
	golden(t, "tree-closed", drawn(t, w.tree.root, 32, 9))
	if it := w.tree.selected(); it == nil || it.ItemName() != "Who am I" {
		t.Fatalf("selected %v", it)
	}
}

func TestGoldenEditor(t *testing.T) {
	w := newQuiet(t)
	req, _, err := w.s.Coll.Find("WLANs/Rename SSID")
	if err != nil {
		t.Fatal(err)
	}
	w.openRequest(req)
	w.refreshChrome()
	golden(t, "editor-params", drawn(t, w.editor.root, 80, 8))
	w.editor.showTab(tabPath)
	golden(t, "editor-path", drawn(t, w.editor.root, 80, 8))
	w.editor.showTab(tabBody)
	golden(t, "editor-body", drawn(t, w.editor.root, 80, 8))
	w.editor.showTab(tabAuth)
	golden(t, "editor-auth", drawn(t, w.editor.root, 80, 8))
}

func TestGoldenResponse(t *testing.T) {
	w := newQuiet(t)
	resp := &send.Response{
		Proto: "HTTP/1.1", StatusCode: 404, StatusText: "Not Found",
		Headers: []collections.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Evil", Value: "a\x1b[2Jb\nInjected: yes"}},
		Head:    []byte(`{"detail":"no such [red]wlan[-]","id":null}`),
		Size:    42,
		Timing:  send.Timing{Connect: 2 * time.Millisecond, Wait: 140 * time.Millisecond, Total: 142 * time.Millisecond},
	}
	same := func(s string) string { return s }
	w.resp.show(resp, renderResponseBody(resp, same), same)
	golden(t, "response-body", drawn(t, w.resp.root, 70, 8))
	w.resp.showTab(tabHeadersView)
	golden(t, "response-headers", drawn(t, w.resp.root, 70, 6))
	w.resp.showTab(tabTiming)
	golden(t, "response-timing", drawn(t, w.resp.root, 70, 10))
}

// The code tab shows exactly what codegen writes for the draft (the
// snippets themselves have their own golden files in codegen).
func TestCodePaneShowsCodegenOutput(t *testing.T) {
	w := newQuiet(t)
	req, _, err := w.s.Coll.Find("WLANs/Rename SSID")
	if err != nil {
		t.Fatal(err)
	}
	w.openRequest(req)
	w.resp.showTab(tabCode)
	for i := range codegen.Targets {
		res, err := w.s.Resolve(collections.SecretsPlaceholder)
		if err != nil {
			t.Fatal(err)
		}
		want, err := codegen.Generate(codegen.Targets[w.resp.codeTarget].Name, res,
			codegen.Options{SecretEnv: codegen.SecretEnvNames(w.s.Coll, w.s.Path, w.s.Env)})
		if err != nil {
			t.Fatal(err)
		}
		if w.resp.codeText != want {
			t.Fatalf("target %d: code tab holds\n%s\nwant\n%s", i, w.resp.codeText, want)
		}
		screen := drawn(t, w.resp.root, 100, 40)
		for _, line := range strings.Split(want, "\n")[:3] {
			if !strings.Contains(screen, strings.ReplaceAll(line, "\t", "    ")) {
				t.Fatalf("screen lacks %q:\n%s", line, screen)
			}
		}
		w.resp.do(ActCodeLang)
	}
}

func TestGoldenFooters(t *testing.T) {
	k := NewKeymap(DefaultBindings)
	var text string
	for _, p := range []Pane{PaneTree, PaneEditor, PaneResponse} {
		text += string(p) + ": " + k.Footer(p) + "\n"
	}
	golden(t, "footers", text)
}

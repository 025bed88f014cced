package widgets_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/workbench/widgets"
)

// The core wires a BodyView into its response pane like this; post hands
// background results to the event loop.
func ExampleNewBodyView() {
	app := tview.NewApplication()
	v := widgets.NewBodyView(func(f func()) { app.QueueUpdateDraw(f) })
	defer v.Close()
	v.OnCopy = func(text string) { /* the core's OSC 52 copy */ }
	// When a response lands (on the UI goroutine): a small body from memory,
	// a large one from the file the send engine wrote.
	v.SetText([]byte(`{"ssid":"TestWlan"}`), "application/json")
	for _, k := range widgets.DefaultBodyKeys[:3] {
		fmt.Printf("%-5s %s\n", k.Key, k.Help) // for the help overlay
	}
	// Output:
	// j     scroll down
	// down  scroll down
	// k     scroll up
}

// The command palette: actions and requests in one list.
func ExampleNewFuzzyList() {
	l := widgets.NewFuzzyList("> ").SetItems([]widgets.FuzzyItem{
		{Name: "Send request", Detail: "ctrl+r", Value: "send"},
		{Method: "GET", Name: "WLANs/Get WLAN", Detail: "/api/v1/sites/:site_id/wlans/:wlan_id", Value: 42},
	})
	l.OnSelect = func(it widgets.FuzzyItem) { fmt.Println("chosen:", it.Value) }
	l.SetQuery("get wlan")
	for _, it := range l.Visible() {
		fmt.Println(it.Method, it.Name)
	}
	// Output:
	// GET WLANs/Get WLAN
}

// The tree filter uses the matcher directly.
func ExampleFuzzyFilter() {
	texts := []string{"GET List sites /sites", "GET Get WLAN /wlans/:id", "DELETE Delete WLAN /wlans/:id"}
	for _, m := range widgets.FuzzyFilter("dwlan", texts) {
		fmt.Println(texts[m.Index], m.Matched)
	}
	// Output:
	// DELETE Delete WLAN /wlans/:id [7 14 15 16 17]
}

func ExampleParseKey() {
	key, r, mod, err := widgets.ParseKey("Ctrl+R")
	fmt.Println(widgets.FormatKey(key, r, mod), err)
	key, r, mod, _ = widgets.ParseKey("shift+g")
	fmt.Println(widgets.FormatKey(key, r, mod))
	_, _, _, err = widgets.ParseKey("hyper+x")
	fmt.Println(err)
	// Output:
	// ctrl+r <nil>
	// G
	// key "hyper+x": unknown modifier "hyper"
}

func ExampleLoadKeyConfig() {
	dir, _ := os.MkdirTemp("", "keys")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("keys:\n  send: [ctrl+r, f5]\n  palette: ctrl+pp\n"), 0o600)
	known := func(action string) bool { return action == "send" || action == "palette" }
	bindings, errs := widgets.LoadKeyConfig(path, known)
	fmt.Println(bindings["send"])
	for _, err := range errs {
		fmt.Println(filepath.Base(err.(*widgets.KeyConfigError).File), err.(*widgets.KeyConfigError).Line, err.(*widgets.KeyConfigError).Binding)
	}
	// Output:
	// [ctrl+r f5]
	// config.yaml 3 ctrl+pp
}

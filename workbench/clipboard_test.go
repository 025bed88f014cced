package workbench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// y in the code tab copies through OSC 52 (the screen's clipboard) and
// through the system clipboard tool when one and a display exist.
func TestCopyUsesOSC52AndTheClipboardTool(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "copied")
	tool := "#!/bin/sh\ncat > " + out + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xclip"), []byte(tool), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("DISPLAY", ":99")
	t.Setenv("WAYLAND_DISPLAY", "")

	srv := newMistServer(t)
	c := testCollection(t, srv.host())
	h := start(t, Config{Collection: c, Env: "Local", Secrets: memSecrets{}, Clipboard: nil}, 100, 30)
	// start() installs a test clipboard when none is given: use the real one.
	h.onUI(func() { h.w.clip = h.w.systemClipboard })
	h.openGetWLAN()
	h.press("Ctrl+G", "y")
	h.idle()
	h.want("copied the code")
	var osc string
	h.onUI(func() { osc = string(h.sim.GetClipboardData()) })
	if !strings.Contains(osc, "import requests") {
		t.Fatalf("OSC 52 got %q", osc)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != osc {
		t.Fatalf("the tool got %q, OSC 52 %q", data, osc)
	}
}

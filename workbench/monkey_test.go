package workbench

import (
	"math/rand/v2"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

// Thousands of random keys (every binding, letters, arrows, Enter, Esc,
// Tab) never panic the workbench and never wedge its event loop.
func TestMonkeyKeys(t *testing.T) {
	t.Parallel()
	srv := newMistServer(t)
	c := testCollection(t, srv.host())
	secrets := memSecrets{}
	secrets.SetSecret(c.ID, "Local", "apitoken", testToken)
	h := start(t, Config{Collection: c, Env: "Local", Secrets: secrets, Clipboard: func(string) error { return nil }}, 90, 26)

	var keys []string
	for _, b := range DefaultBindings {
		// Not quitting, not handing the terminal to $EDITOR or $PAGER, and
		// not writing files into the package directory.
		switch b.Action {
		case ActQuit, "edit-in-editor", "edit-description", "pager", "body-save",
			"palette": // the palette runs any of these by name
			continue
		}
		{
			keys = append(keys, b.Key)
		}
	}
	keys = append(keys, "Up", "Down", "Left", "Right", "Enter", "Enter", "Esc", "Tab", "Backspace", "Home", "End",
		"a", "b", "{", "}", ":", "/", "[", "]", "\"", "1", "x", "y", "?", "Ctrl+U", "Ctrl+K")
	rnd := rand.New(rand.NewPCG(6, 8))
	for round := 0; round < 24; round++ {
		for i := 0; i < 50; i++ {
			k := keys[rnd.IntN(len(keys))]
			if k == " " {
				k = "Right"
			}
			h.press(k)
		}
		h.idle()
	}
	h.want("Collection") // still drawing
}

// An empty collection works: a request can be made in it.
func TestEmptyCollection(t *testing.T) {
	t.Parallel()
	c := &collections.Collection{Name: "Empty", Dir: t.TempDir()}
	h := start(t, Config{Collection: c}, 80, 24)
	h.want("Open a request from the tree", "no environment")
	h.press("Enter", "r", "d", "m", "c", "K", "u", "Ctrl+R")
	h.sync()
	h.press("n")
	h.typ("First\n")
	h.press("Ctrl+R")
	h.sync()
	h.want("═ First ═", "cannot send: unresolved host")
}

package workbench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The power layer in a real terminal: mistbench demo, send Who am I,
// narrow its body with a live jq filter, send another request, then
// re-open Who am I from the history (Ctrl+H, which the terminal sends as
// Backspace) with its response.
func TestPowerJourneyInTmux(t *testing.T) {
	s, home := startDemoInTmux(t)

	s.waitFor("env Sandbox (127.0.0.1:", "Auth/Who am I", "Ctrl+P palette", "Ctrl+R send")
	s.keys("C-r")
	s.waitFor("Who am I → 200 OK", `"first_name"`)

	// The jq line narrows the body as it is typed.
	s.keys("M-3", "|")
	s.waitFor("jq ")
	s.keys("-l", `{me: .email, n: (.privileges | length)}`)
	s.waitFor(`"me": "`, `"n": `)
	s.keys("Enter")
	screen := s.waitFor(`"me": "`)
	if strings.Contains(screen, `"first_name"`) {
		t.Fatalf("the filter did not narrow the body:\n%s", screen)
	}

	// Another request, through the palette.
	s.keys("C-p")
	s.waitFor("Command palette")
	s.keys("-l", "List site WLANs")
	s.keys("Enter")
	s.waitFor("WLANs/List site WLANs")
	s.keys("C-r")
	s.waitFor("List site WLANs → 200 OK")

	// History: newest first; the second row is Who am I.
	s.keys("M-1", "C-h")
	screen = s.waitFor("History: 2 sent", "WLANs/List site WLANs", "Auth/Who am I", "Sandbox")
	if strings.Index(screen, "WLANs/List site WLANs") > strings.Index(screen, "Auth/Who am I") {
		t.Fatalf("history not newest first:\n%s", screen)
	}
	s.keys("j", "Enter")
	s.waitFor("from the history: GET Auth/Who am I → 200 OK", `"first_name"`, "═ Auth/Who am I ═")

	data, err := os.ReadFile(filepath.Join(home, "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"Authorization","value":"\u003credacted\u003e"`) || strings.Count(string(data), "\n") != 2 {
		t.Fatalf("history file:\n%s", data)
	}
}

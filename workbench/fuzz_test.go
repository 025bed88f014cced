package workbench

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// unsafeForTerminal reports a byte sequence that must never reach tview:
// an escape, another C0 control (but newline), C1, or bad UTF-8.
func unsafeForTerminal(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return "control character " + string(rune('0'+r%10))
		}
	}
	return ""
}

func FuzzRenderBody(f *testing.F) {
	f.Add("application/json", []byte(`{"a":"\u001b[2J","b":[1,2,{"c":null}]}`))
	f.Add("text/html", []byte("<b>[red]x</b>\x1b]0;title\x07"))
	f.Add("application/xml", []byte("<?xml version=\"1.0\"?><a>\x9b</a>"))
	f.Add("application/yaml", []byte("a: [b]\n\tc: \xff"))
	f.Add("", []byte("\x00\x01\x02"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		out := RenderBody(ct, body)
		if why := unsafeForTerminal(out); why != "" {
			t.Fatalf("%s in %q", why, out)
		}
		// What tview draws of it holds no control bytes either.
		sim := tcell.NewSimulationScreen("UTF-8")
		if err := sim.Init(); err != nil {
			t.Fatal(err)
		}
		defer sim.Fini()
		sim.SetSize(60, 10)
		tv := tview.NewTextView().SetDynamicColors(true).SetText(out)
		tv.SetRect(0, 0, 60, 10)
		tv.Draw(sim)
		sim.Show()
		if why := unsafeForTerminal(strings.ReplaceAll(screenText(sim), "\n", " ")); why != "" {
			t.Fatalf("screen: %s", why)
		}
	})
}

func FuzzHighlightURL(f *testing.F) {
	f.Add("https://{{host}}/a/:id?x={{y}}", ":id")
	f.Add("{{", "")
	f.Add("/:\x1b[31m/{{a\x07}}", "a\x07")
	f.Fuzz(func(t *testing.T, url, bad string) {
		out := HighlightURL(url, []string{bad})
		if why := unsafeForTerminal(out); why != "" {
			t.Fatalf("%s in %q", why, out)
		}
	})
}

func FuzzParseKey(f *testing.F) {
	for _, b := range DefaultBindings {
		f.Add(b.Key)
	}
	f.Add("Ctrl+Alt+Shift+")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			return
		}
		// A parsed key parses again to itself.
		if again, err := ParseKey(k); err != nil && k != " " || err == nil && again != k {
			t.Fatalf("ParseKey(%q) = %q, then %q, %v", s, k, again, err)
		}
	})
}

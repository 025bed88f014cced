package widgets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
)

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		in   string
		key  tcell.Key
		r    rune
		mod  tcell.ModMask
		text string // FormatKey of the result
	}{
		{"ctrl+r", tcell.KeyCtrlR, 0, tcell.ModCtrl, "ctrl+r"},
		{"Ctrl+R", tcell.KeyCtrlR, 0, tcell.ModCtrl, "ctrl+r"},
		{"ctrl+shift+p", tcell.KeyCtrlP, 0, tcell.ModCtrl, "ctrl+p"},
		{"f5", tcell.KeyF5, 0, 0, "f5"},
		{"F12", tcell.KeyF12, 0, 0, "f12"},
		{"alt+enter", tcell.KeyEnter, 0, tcell.ModAlt, "alt+enter"},
		{"meta+Return", tcell.KeyEnter, 0, tcell.ModAlt, "alt+enter"},
		{"shift+tab", tcell.KeyBacktab, 0, 0, "shift+tab"},
		{"esc", tcell.KeyEscape, 0, 0, "esc"},
		{"g", tcell.KeyRune, 'g', 0, "g"},
		{"G", tcell.KeyRune, 'G', 0, "G"},
		{"shift+g", tcell.KeyRune, 'G', 0, "G"},
		{"?", tcell.KeyRune, '?', 0, "?"},
		{"+", tcell.KeyRune, '+', 0, "plus"},
		{"alt++", tcell.KeyRune, '+', tcell.ModAlt, "alt+plus"},
		{"space", tcell.KeyRune, ' ', 0, "space"},
		{"ctrl+space", tcell.KeyCtrlSpace, 0, tcell.ModCtrl, "ctrl+space"},
		{"alt+x", tcell.KeyRune, 'x', tcell.ModAlt, "alt+x"},
		{"pagedown", tcell.KeyPgDn, 0, 0, "pgdn"},
		{" ctrl + e ", tcell.KeyCtrlE, 0, tcell.ModCtrl, "ctrl+e"},
		{"é", tcell.KeyRune, 'é', 0, "é"},
		{"shift+up", tcell.KeyUp, 0, tcell.ModShift, "shift+up"},
	} {
		k, r, m, err := ParseKey(tc.in)
		if err != nil || k != tc.key || r != tc.r || m != tc.mod {
			t.Errorf("ParseKey(%q) = %v %q %v %v, want %v %q %v", tc.in, k, r, m, err, tc.key, tc.r, tc.mod)
			continue
		}
		if got := FormatKey(k, r, m); got != tc.text {
			t.Errorf("FormatKey(ParseKey(%q)) = %q, want %q", tc.in, got, tc.text)
		}
		if b := (Binding{k, r, m}); !b.Matches(b.Event()) {
			t.Errorf("%q does not match its own event", tc.in)
		}
		// The canonical text parses back to the same key.
		k2, r2, m2, err := ParseKey(tc.text)
		if err != nil || k2 != k || r2 != r || m2 != m {
			t.Errorf("round trip of %q: %v %q %v %v", tc.text, k2, r2, m2, err)
		}
	}
	for _, bad := range []string{"", "ctrl+", "hyper+x", "ctrl+1", "f0", "f65", "banana", "ctrl+é", "\x1b", "ctrl+alt"} {
		if _, _, _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

func TestBindingMatches(t *testing.T) {
	b := func(s string) Binding {
		t.Helper()
		x, err := ParseBinding(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, tc := range []struct {
		binding string
		ev      *tcell.EventKey
		want    bool
	}{
		{"ctrl+r", tcell.NewEventKey(tcell.KeyCtrlR, 0, tcell.ModCtrl), true},
		{"ctrl+r", tcell.NewEventKey(tcell.KeyCtrlR, 'r', tcell.ModNone), true},
		{"ctrl+r", tcell.NewEventKey(tcell.KeyRune, 'r', tcell.ModNone), false},
		{"r", tcell.NewEventKey(tcell.KeyRune, 'r', tcell.ModNone), true},
		{"r", tcell.NewEventKey(tcell.KeyRune, 'r', tcell.ModAlt), false},
		{"G", tcell.NewEventKey(tcell.KeyRune, 'G', tcell.ModShift), true},
		{"alt+enter", tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModAlt), true},
		{"alt+enter", tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone), false},
		{"enter", tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone), true},
		{"backspace", tcell.NewEventKey(tcell.KeyBackspace, 0, tcell.ModNone), true},
		{"ctrl+h", tcell.NewEventKey(tcell.KeyBackspace, 0, tcell.ModNone), false},
		{"f5", tcell.NewEventKey(tcell.KeyF5, 0, tcell.ModNone), true},
		{"f5", nil, false},
	} {
		if got := b(tc.binding).Matches(tc.ev); got != tc.want {
			t.Errorf("%s matches %v = %v, want %v", tc.binding, tc.ev, got, tc.want)
		}
	}
}

func TestLoadKeyConfig(t *testing.T) {
	known := func(a string) bool { return a == "send" || a == "palette" || a == "history" || a == "quit" }
	path := filepath.Join(t.TempDir(), "config.yaml")
	cfg := `theme: dark
keys:
  send: [ctrl+r, f5]
  palette: ctrl+k
  history: [ctrl+y, hyper+q]
  quit: f5
  teleport: ctrl+t
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	got, errs := LoadKeyConfig(path, known)
	if len(got) != 2 || len(got["send"]) != 2 || got["send"][1].String() != "f5" || got["palette"][0].String() != "ctrl+k" {
		t.Errorf("bindings %v", got)
	}
	var msgs []string
	for _, err := range errs {
		var kce *KeyConfigError
		if !errors.As(err, &kce) || kce.File != path {
			t.Errorf("error %v does not name the file", err)
		}
		msgs = append(msgs, strings.TrimPrefix(err.Error(), path))
	}
	want := []string{
		`:5: action "history": key "hyper+q": unknown modifier "hyper" (keeping the default)`,
		`:6: action "quit": key "f5" is already bound to "send" in this file (keeping the default)`,
		`:7: action "teleport": no such action (keeping the default)`,
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}

	// No file, no keys section: nothing to change.
	if got, errs := LoadKeyConfig(filepath.Join(t.TempDir(), "none.yaml"), known); got != nil || errs != nil {
		t.Errorf("missing file: %v %v", got, errs)
	}
	for _, tc := range []struct{ data, wantErr string }{
		{"theme: dark\n", ""},
		{"keys:\n", ""},
		{"keys: [a, b]\n", "config.yaml:1: keys: expected a mapping"},
		{"keys:\n  send: {a: b}\n", `config.yaml:2: action "send": expected a key or a list of keys`},
		{"keys:\n  send: []\n", `no keys given`},
		{"keys: {send: ctrl+r\n", "not valid YAML"},
		{"- a\n", "expected a mapping"},
	} {
		_, errs := ParseKeyConfig("config.yaml", []byte(tc.data), known)
		if tc.wantErr == "" {
			if errs != nil {
				t.Errorf("%q: %v", tc.data, errs)
			}
			continue
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.wantErr) {
			t.Errorf("%q: errors %v, want %q", tc.data, errs, tc.wantErr)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"ctrl+r", "alt++", "f64", "shift+tab", "é", "ctrl+ +"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBinding(s)
		if err != nil {
			return
		}
		b2, err := ParseBinding(b.String())
		if err != nil || b2 != b {
			t.Fatalf("%q -> %q -> %v %v", s, b.String(), b2, err)
		}
		if !b.Matches(b.Event()) {
			t.Fatalf("%q does not match its own event", s)
		}
	})
}

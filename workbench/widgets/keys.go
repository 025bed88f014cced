package widgets

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"go.yaml.in/yaml/v3"
)

// keyNames maps the names a user writes to tcell keys. The first name of
// each key (in keyOrder) is the one FormatKey writes.
var keyNames = map[string]tcell.Key{
	"enter": tcell.KeyEnter, "return": tcell.KeyEnter,
	"esc": tcell.KeyEscape, "escape": tcell.KeyEscape,
	"tab": tcell.KeyTab, "backtab": tcell.KeyBacktab,
	"backspace": tcell.KeyBackspace, "bs": tcell.KeyBackspace,
	"delete": tcell.KeyDelete, "del": tcell.KeyDelete,
	"insert": tcell.KeyInsert, "ins": tcell.KeyInsert,
	"up": tcell.KeyUp, "down": tcell.KeyDown, "left": tcell.KeyLeft, "right": tcell.KeyRight,
	"home": tcell.KeyHome, "end": tcell.KeyEnd,
	"pgup": tcell.KeyPgUp, "pageup": tcell.KeyPgUp,
	"pgdn": tcell.KeyPgDn, "pagedown": tcell.KeyPgDn, "pgdown": tcell.KeyPgDn,
}

// keyFormat is the canonical name of each named key.
var keyFormat = map[tcell.Key]string{
	tcell.KeyEnter: "enter", tcell.KeyEscape: "esc", tcell.KeyTab: "tab", tcell.KeyBacktab: "shift+tab",
	tcell.KeyBackspace: "backspace", tcell.KeyDelete: "delete", tcell.KeyInsert: "insert",
	tcell.KeyUp: "up", tcell.KeyDown: "down", tcell.KeyLeft: "left", tcell.KeyRight: "right",
	tcell.KeyHome: "home", tcell.KeyEnd: "end", tcell.KeyPgUp: "pgup", tcell.KeyPgDn: "pgdn",
	tcell.KeyCtrlSpace: "ctrl+space",
}

// ParseKey parses a key as people write it: "ctrl+r", "f5", "alt+enter",
// "shift+tab", "g", "G", "space", "?". Modifiers are ctrl, alt (also meta,
// option) and shift, in any order and case. For a printable key the rune
// is returned with tcell.KeyRune; for a named key the rune is 0.
func ParseKey(s string) (tcell.Key, rune, tcell.ModMask, error) {
	b, err := ParseBinding(s)
	return b.Key, b.Rune, b.Mod, err
}

// Binding is one key with its modifiers.
type Binding struct {
	Key  tcell.Key
	Rune rune // for tcell.KeyRune
	Mod  tcell.ModMask
}

// ParseBinding is ParseKey returning a Binding.
func ParseBinding(s string) (Binding, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Binding{}, errors.New("empty key")
	}
	var parts []string
	if s == "+" {
		parts = []string{"+"}
	} else if strings.HasSuffix(s, "++") {
		parts = append(strings.Split(strings.TrimSuffix(s, "++"), "+"), "+")
	} else {
		parts = strings.Split(s, "+")
	}
	var mod tcell.ModMask
	for _, p := range parts[:len(parts)-1] {
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "ctrl", "control":
			mod |= tcell.ModCtrl
		case "alt", "meta", "option", "opt":
			mod |= tcell.ModAlt
		case "shift":
			mod |= tcell.ModShift
		default:
			return Binding{}, fmt.Errorf("key %q: unknown modifier %q", orig, p)
		}
	}
	name := strings.TrimSpace(parts[len(parts)-1])
	lower := strings.ToLower(name)
	if name == "" {
		return Binding{}, fmt.Errorf("key %q: no key after the modifiers", orig)
	}
	if k, ok := keyNames[lower]; ok {
		if k == tcell.KeyTab && mod&tcell.ModShift != 0 {
			k, mod = tcell.KeyBacktab, mod&^tcell.ModShift
		}
		return Binding{Key: k, Mod: mod}, nil
	}
	if len(lower) >= 2 && lower[0] == 'f' {
		if n, err := strconv.Atoi(lower[1:]); err == nil {
			if n < 1 || n > 64 {
				return Binding{}, fmt.Errorf("key %q: no function key F%d", orig, n)
			}
			return Binding{Key: tcell.KeyF1 + tcell.Key(n-1), Mod: mod}, nil
		}
	}
	var r rune
	switch {
	case lower == "space":
		r = ' '
	case lower == "plus":
		r = '+'
	case utf8.RuneCountInString(name) == 1:
		r, _ = utf8.DecodeRuneInString(name)
	default:
		return Binding{}, fmt.Errorf("key %q: unknown key %q", orig, name)
	}
	if r < ' ' || r == 0x7f {
		return Binding{}, fmt.Errorf("key %q: control character", orig)
	}
	if mod&tcell.ModCtrl != 0 {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			// Terminals send Ctrl+letter as one control code; shift is lost.
			up := r &^ 0x20
			return Binding{Key: tcell.KeyCtrlA + tcell.Key(up-'A'), Mod: mod &^ tcell.ModShift}, nil
		case r == ' ':
			return Binding{Key: tcell.KeyCtrlSpace, Mod: mod}, nil
		}
		return Binding{}, fmt.Errorf("key %q: terminals cannot send ctrl with %q", orig, r)
	}
	if mod&tcell.ModShift != 0 {
		// A shifted character arrives as itself: shift+g is G.
		r = []rune(strings.ToUpper(string(r)))[0]
		mod &^= tcell.ModShift
	}
	return Binding{Key: tcell.KeyRune, Rune: r, Mod: mod}, nil
}

// FormatKey writes a key the way ParseKey reads it (and the help shows it).
func FormatKey(key tcell.Key, r rune, mod tcell.ModMask) string {
	return Binding{Key: key, Rune: r, Mod: mod}.String()
}

// String is the canonical text of b, e.g. "ctrl+r", "alt+enter", "G".
func (b Binding) String() string {
	var name string
	mod := b.Mod
	switch {
	case b.Key == tcell.KeyRune:
		switch b.Rune {
		case ' ':
			name = "space"
		case '+':
			name = "plus"
		default:
			name = string(b.Rune)
		}
	case b.Key >= tcell.KeyCtrlA && b.Key <= tcell.KeyCtrlZ && keyFormat[b.Key] == "":
		name = string(rune('a' + b.Key - tcell.KeyCtrlA))
		mod |= tcell.ModCtrl
	case b.Key >= tcell.KeyF1 && b.Key <= tcell.KeyF64:
		name = fmt.Sprintf("f%d", b.Key-tcell.KeyF1+1)
	case b.Key == tcell.KeyCtrlSpace:
		name = "space"
		mod |= tcell.ModCtrl
	case keyFormat[b.Key] != "":
		name = keyFormat[b.Key]
	default:
		name = fmt.Sprintf("key%d", b.Key)
	}
	var sb strings.Builder
	if mod&tcell.ModCtrl != 0 {
		sb.WriteString("ctrl+")
	}
	if mod&tcell.ModAlt != 0 {
		sb.WriteString("alt+")
	}
	if mod&tcell.ModShift != 0 {
		sb.WriteString("shift+")
	}
	sb.WriteString(name)
	return sb.String()
}

// Event returns the key event this binding stands for, so a keymap that
// names keys by their events (the core's KeyName) can take bindings read
// from the user's config.
func (b Binding) Event() *tcell.EventKey {
	return tcell.NewEventKey(b.Key, b.Rune, b.Mod)
}

// Matches reports whether ev is this key. Ctrl+letter matches whether or
// not the event carries ModCtrl (tcell's legacy decoding sets it, synthetic
// events may not); Tab, Enter, Backspace and Esc share codes with Ctrl+I,
// M, H and [, so for those the modifiers must agree.
func (b Binding) Matches(ev *tcell.EventKey) bool {
	if ev == nil || ev.Key() != b.Key {
		return false
	}
	evMod := ev.Modifiers()
	if b.Key == tcell.KeyRune {
		return ev.Rune() == b.Rune && evMod&^tcell.ModShift == b.Mod&^tcell.ModShift
	}
	if b.Key >= tcell.KeyCtrlA && b.Key <= tcell.KeyCtrlZ {
		switch b.Key {
		case tcell.KeyTab, tcell.KeyEnter, tcell.KeyBackspace:
		default:
			return evMod&^tcell.ModCtrl == b.Mod&^tcell.ModCtrl
		}
	}
	return evMod == b.Mod
}

// KeyConfigError is one bad entry of a key configuration file. The action
// it names keeps its default bindings.
type KeyConfigError struct {
	File    string
	Line    int
	Action  string
	Binding string
	Err     error
}

func (e *KeyConfigError) Error() string {
	switch {
	case e.Action != "": // Err names the binding when one is at fault
		return fmt.Sprintf("%s:%d: action %q: %v (keeping the default)", e.File, e.Line, e.Action, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *KeyConfigError) Unwrap() error { return e.Err }

// LoadKeyConfig reads the "keys" section of the YAML config file at path:
//
//	keys:
//	  send: [ctrl+r, f5]
//	  palette: ctrl+p
//
// known says which action names exist. It returns the bindings of every
// action whose keys all parsed, and one *KeyConfigError per bad action,
// each naming the file, line and binding; those actions keep their
// defaults. A missing file is no error.
func LoadKeyConfig(path string, known func(action string) bool) (map[string][]Binding, []error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("key config: %w", err)}
	}
	return ParseKeyConfig(path, data, known)
}

// ParseKeyConfig is LoadKeyConfig on data read from the file name.
func ParseKeyConfig(name string, data []byte, known func(action string) bool) (map[string][]Binding, []error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, []error{&KeyConfigError{File: name, Err: fmt.Errorf("not valid YAML: %w", err)}}
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, []error{&KeyConfigError{File: name, Line: top.Line, Err: errors.New("expected a mapping with a keys: section")}}
	}
	var keys *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "keys" {
			keys = top.Content[i+1]
		}
	}
	if keys == nil || keys.Kind == yaml.ScalarNode && keys.Tag == "!!null" {
		return nil, nil
	}
	if keys.Kind != yaml.MappingNode {
		return nil, []error{&KeyConfigError{File: name, Line: keys.Line, Err: errors.New("keys: expected a mapping of action: key")}}
	}
	out := map[string][]Binding{}
	var errs []error
	owner := map[Binding]string{}
	for i := 0; i+1 < len(keys.Content); i += 2 {
		k, v := keys.Content[i], keys.Content[i+1]
		action := k.Value
		bad := func(line int, binding string, err error) {
			errs = append(errs, &KeyConfigError{File: name, Line: line, Action: action, Binding: binding, Err: err})
		}
		if known != nil && !known(action) {
			bad(k.Line, "", errors.New("no such action"))
			continue
		}
		var items []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			items = []*yaml.Node{v}
		case yaml.SequenceNode:
			items = v.Content
		default:
			bad(v.Line, "", errors.New("expected a key or a list of keys"))
			continue
		}
		var bs []Binding
		ok := len(items) > 0
		if !ok {
			bad(v.Line, "", errors.New("no keys given"))
		}
		for _, it := range items {
			if it.Kind != yaml.ScalarNode {
				bad(it.Line, "", errors.New("expected a key"))
				ok = false
				break
			}
			b, err := ParseBinding(it.Value)
			if err == nil {
				if other, dup := owner[b]; dup && other != action {
					err = fmt.Errorf("key %q is already bound to %q in this file", it.Value, other)
				}
			}
			if err != nil {
				bad(it.Line, it.Value, err)
				ok = false
				break
			}
			bs = append(bs, b)
		}
		if ok {
			for _, b := range bs {
				owner[b] = action
			}
			out[action] = bs
		}
	}
	sort.SliceStable(errs, func(a, b int) bool {
		var ea, eb *KeyConfigError
		errors.As(errs[a], &ea)
		errors.As(errs[b], &eb)
		return ea.Line < eb.Line
	})
	return out, errs
}

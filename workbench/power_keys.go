package workbench

import (
	"fmt"
	"strings"

	"github.com/mistbench/mistbench/workbench/widgets"
)

// LoadKeymap is DefaultBindings with the keys: section of the user's
// config file (path) applied:
//
//	keys:
//	  send: [ctrl+r, f5]
//	  palette: ctrl+k
//	  tree.rename: F2
//
// An action binds in every pane that has it; "pane.action" binds in one.
// Each bad entry comes back as an error naming file, line and binding,
// and that action keeps its default keys. A missing file is no error.
func LoadKeymap(path string) (*Keymap, []error) {
	km := NewKeymap(DefaultBindings)
	known := func(name string) bool { return len(km.targets(name)) > 0 }
	cfg, errs := widgets.LoadKeyConfig(path, known)
	for name, bs := range cfg {
		keys := make([]string, 0, len(bs))
		for _, b := range bs {
			keys = append(keys, coreKeyName(b))
		}
		for _, t := range km.targets(name) {
			if err := km.Rebind(t.pane, t.act, keys...); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", path, name, err))
			}
		}
	}
	return km, errs
}

type keyTarget struct {
	pane Pane
	act  Action
}

// targets are the panes and action a config name stands for.
func (k *Keymap) targets(name string) []keyTarget {
	pane, act, scoped := strings.Cut(name, ".")
	if !scoped {
		act, pane = name, ""
	}
	var out []keyTarget
	seen := map[keyTarget]bool{}
	for _, b := range k.bindings {
		t := keyTarget{b.Pane, b.Action}
		if string(b.Action) == act && (pane == "" || string(b.Pane) == pane) && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// coreKeyName is the key table's name for a parsed binding. Ctrl+H
// arrives as Backspace from terminals; the table names it Ctrl+H and the
// capture maps it back.
func coreKeyName(b widgets.Binding) string {
	name := KeyName(b.Event())
	if name == "Ctrl+Backspace" {
		return "Ctrl+H"
	}
	return name
}

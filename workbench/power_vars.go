package workbench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/workbench/widgets"
)

// varRows lists every variable in scope of the open request, the one in
// use first for each name (environment, then folders inside out, then the
// collection), the ones it hides marked, and the names the request uses
// that nothing defines. Secret values never leave here: VarsView masks
// them, and the source says where the value lives.
func (w *Workbench) varRows() []widgets.VarRow {
	s := w.s
	type layer struct {
		source string
		vars   []collections.Variable
		env    string
	}
	var layers []layer
	if s.Env != nil {
		layers = append(layers, layer{widgets.SourceEnvironment + " " + s.Env.Name, s.Env.Variables, s.Env.Name})
	}
	for i := len(s.Path) - 1; i >= 0; i-- {
		layers = append(layers, layer{widgets.SourceFolder + " " + s.Path[i].Name, s.Path[i].Variables, ""})
	}
	layers = append(layers, layer{widgets.SourceCollection, s.Coll.Variables, ""})

	byName := map[string][]widgets.VarRow{}
	var names []string
	for _, l := range layers {
		for _, v := range l.vars {
			if _, ok := byName[v.Key]; !ok {
				names = append(names, v.Key)
			}
			row := widgets.VarRow{Name: v.Key, Value: v.Value, Source: l.source, Secret: v.Secret, Shadow: len(byName[v.Key]) > 0}
			if v.Secret {
				row.Value = ""
				switch {
				case v.Env != "" && getenv(v.Env) != "":
					row.Source += ", secret from $" + v.Env
				case s.secretSet(&v, l.env):
					row.Source += ", secret store"
				default:
					row.Source += ", secret not set"
					if v.Env != "" {
						row.Source += " (set $" + v.Env + ")"
					}
				}
			}
			byName[v.Key] = append(byName[v.Key], row)
		}
	}
	sort.Strings(names)
	var out []widgets.VarRow
	for _, n := range names {
		out = append(out, byName[n]...)
	}
	if s.Draft != nil {
		if r, err := s.Resolve(collections.SecretsPlaceholder); err == nil {
			for _, n := range r.Unresolved {
				if _, ok := byName[n]; !ok && !strings.HasPrefix(n, ":") {
					out = append(out, widgets.VarRow{Name: n, Unset: true, Source: "used by the request, defined nowhere"})
				}
			}
		}
	}
	return out
}

// varsView shows the variables and where each value comes from.
func (w *Workbench) varsView() {
	rows := w.varRows()
	if len(rows) == 0 {
		// tview's Table spins on a key when no row can be selected.
		w.setStatus("no variables in scope (Ctrl+E picks an environment)")
		return
	}
	v := widgets.NewVarsView().SetVars(rows)
	env := w.s.EnvName()
	if env == "" {
		env = "no environment"
	}
	v.SetBorder(true).SetTitle(fmt.Sprintf(" Variables (%s): %d, secrets masked (Esc closes) ", Safe(env), len(rows)))
	v.SetDoneFunc(func(key tcell.Key) {
		if key == tcell.KeyEscape || key == tcell.KeyEnter {
			w.closeModal()
		}
	})
	width, height := 100, 20
	if w.scr != nil {
		sw, sh := w.scr.Size()
		width, height = min(width, sw-2), min(height, sh-2)
	}
	w.showModal("variables", v, width, height)
}

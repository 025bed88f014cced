package widgets

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// The sources a variable's value can come from, most specific first.
const (
	SourceOverride    = "override"    // --var on the command line, or set in the session
	SourceEnvironment = "environment" // the selected environment
	SourceFolder      = "folder"
	SourceCollection  = "collection"
	SourceDynamic     = "dynamic" // {{$uuid}}, {{$timestamp}}, captures
)

// VarRow is one variable as the variables view shows it.
type VarRow struct {
	Name   string
	Value  string
	Source string // one of the Source constants, or the core's own word
	Secret bool   // the value is never drawn
	Unset  bool   // referenced but defined nowhere
	Shadow bool   // defined here but hidden by a more specific source
}

// secretMask replaces a secret value; fixed length so the length leaks no
// hint.
const secretMask = "••••••••"

// sourceColor tells the sources apart at a glance.
func sourceColor(source string) tcell.Color {
	switch source {
	case SourceOverride:
		return tcell.ColorMediumPurple
	case SourceEnvironment:
		return tcell.ColorGreen
	case SourceFolder:
		return tcell.ColorDodgerBlue
	case SourceCollection:
		return tcell.ColorDarkCyan
	case SourceDynamic:
		return tcell.ColorYellow
	}
	return tcell.ColorGray
}

// VarsView is a table of variables: name, value (secrets masked) and where
// the value comes from. It is a tview.Table, so j/k, g/G and the mouse
// work as in any table.
type VarsView struct {
	*tview.Table
	rows []VarRow
}

// NewVarsView returns an empty variables view.
func NewVarsView() *VarsView {
	v := &VarsView{Table: tview.NewTable()}
	v.SetSelectable(true, false).SetFixed(1, 0)
	v.SetVars(nil)
	return v
}

// SetVars shows rows in the order given.
func (v *VarsView) SetVars(rows []VarRow) *VarsView {
	v.rows = append([]VarRow(nil), rows...)
	v.Clear()
	for c, t := range []string{"NAME", "VALUE", "SOURCE"} {
		v.SetCell(0, c, tview.NewTableCell(t).SetSelectable(false).SetTextColor(tcell.ColorGray).SetAttributes(tcell.AttrBold))
	}
	if len(rows) == 0 {
		v.SetCell(1, 0, tview.NewTableCell("no variables").SetSelectable(false).SetTextColor(tcell.ColorGray))
		return v
	}
	for i, r := range v.rows {
		row := i + 1
		name := cell(r.Name)
		value := cell(r.Value).SetExpansion(1)
		source := cell(r.Source).SetTextColor(sourceColor(r.Source))
		switch {
		case r.Secret:
			value = tview.NewTableCell(secretMask).SetTextColor(tcell.ColorGray).SetExpansion(1)
		case r.Unset:
			value = tview.NewTableCell("(not set)").SetTextColor(tcell.ColorRed).SetExpansion(1)
			name.SetTextColor(tcell.ColorRed)
		}
		if r.Shadow {
			name.SetAttributes(tcell.AttrStrikeThrough).SetTextColor(tcell.ColorGray)
			value.SetTextColor(tcell.ColorGray)
		}
		v.SetCell(row, 0, name)
		v.SetCell(row, 1, value)
		v.SetCell(row, 2, source)
	}
	v.Select(1, 0)
	return v
}

// Selected returns the highlighted variable.
func (v *VarsView) Selected() (VarRow, bool) {
	row, _ := v.GetSelection()
	if row < 1 || row > len(v.rows) {
		return VarRow{}, false
	}
	return v.rows[row-1], true
}

package workbench

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
)

// kvTable edits a list of key/value rows (query, path variables, headers,
// form fields, parts, checks) through get and set, so the rows always live
// in the draft request.
type kvTable struct {
	w     *Workbench
	table *tview.Table
	get   func() []collections.Param
	set   func([]collections.Param)
	// fixedKeys: rows come from elsewhere (path variables from the URL);
	// only values change.
	fixedKeys bool
	keyHint   string
	// complete offers key and value completions (nil: none).
	completeKey   func(prefix string) []string
	completeValue func(key, prefix string) []string
	empty         string
}

func newKVTable(w *Workbench, empty string, get func() []collections.Param, set func([]collections.Param)) *kvTable {
	k := &kvTable{w: w, get: get, set: set, empty: empty, keyHint: "Key"}
	k.table = tview.NewTable().SetSelectable(true, false).SetFixed(0, 0)
	k.table.SetSelectedFunc(func(row, _ int) { k.edit(row) })
	return k
}

// reload shows the rows.
func (k *kvTable) reload() {
	sel, _ := k.table.GetSelection()
	k.table.Clear()
	rows := k.get()
	if len(rows) == 0 {
		// The hint stays selectable: tview's table loops forever looking for
		// a selectable cell when it has none and a movement key comes.
		k.table.SetCell(0, 0, tview.NewTableCell("[::d]"+tview.Escape(k.empty)+"[::-]").SetExpansion(1))
		return
	}
	for i, p := range rows {
		mark := "[green]✓[-]"
		style := ""
		if p.Disabled {
			mark, style = "[gray]·[-]", "[gray::d]"
		}
		k.table.SetCell(i, 0, tview.NewTableCell(mark))
		k.table.SetCell(i, 1, tview.NewTableCell(style+Safe(p.Key)).SetMaxWidth(28))
		k.table.SetCell(i, 2, tview.NewTableCell(style+maskedValue(p.Key, p.Value)).SetExpansion(1))
	}
	if sel >= len(rows) {
		sel = len(rows) - 1
	}
	k.table.Select(max(sel, 0), 0)
}

// maskedValue hides a credential written literally (a header such as
// Authorization with no {{variable}}) until the row is edited.
func maskedValue(key, value string) string {
	if value != "" && !strings.Contains(value, "{{") && (collections.LooksSecret(key) || collections.CredentialHeader(key)) {
		return "[yellow]••••••••[-]"
	}
	return HighlightURL(value, nil)
}

func (k *kvTable) current() int {
	row, _ := k.table.GetSelection()
	if row < 0 || row >= len(k.get()) {
		return -1
	}
	return row
}

func (k *kvTable) do(act Action) bool {
	switch act {
	case ActAddRow:
		if k.fixedKeys {
			k.w.setStatus("path variables come from the URL: type :name in it (Ctrl+L)")
			return true
		}
		k.edit(-1)
	case ActEditRow:
		if i := k.current(); i >= 0 {
			k.edit(i)
		} else if !k.fixedKeys {
			k.edit(-1)
		}
	case ActDeleteRow:
		i := k.current()
		if i < 0 || k.fixedKeys {
			return true
		}
		rows := append([]collections.Param(nil), k.get()...)
		rows = append(rows[:i], rows[i+1:]...)
		k.set(rows)
		k.changed()
	case ActToggleRow:
		i := k.current()
		if i < 0 {
			return true
		}
		rows := append([]collections.Param(nil), k.get()...)
		rows[i].Disabled = !rows[i].Disabled
		k.set(rows)
		k.changed()
	default:
		return false
	}
	return true
}

func (k *kvTable) changed() {
	k.reload()
	k.w.draftChanged()
}

// edit edits row i (-1 adds a row) in a small dialog.
func (k *kvTable) edit(i int) {
	rows := k.get()
	if k.fixedKeys && (i < 0 || i >= len(rows)) {
		k.w.setStatus("path variables come from the URL: type :name in it (Ctrl+L)")
		return
	}
	var p collections.Param
	if i >= 0 && i < len(rows) {
		p = rows[i]
	}
	keyIn := tview.NewInputField().SetLabel(padLabel(k.keyHint)).SetText(p.Key)
	valIn := tview.NewInputField().SetLabel(padLabel("Value")).SetText(p.Value)
	if k.fixedKeys {
		keyIn.SetDisabled(true)
	}
	if k.completeKey != nil {
		keyIn.SetAutocompleteFunc(k.completeKey)
	}
	if k.completeValue != nil {
		valIn.SetAutocompleteFunc(func(prefix string) []string { return k.completeValue(keyIn.GetText(), prefix) })
	}
	finish := func(ok bool) {
		k.w.closeModal()
		if !ok {
			return
		}
		np := p
		np.Key, np.Value = strings.TrimSpace(keyIn.GetText()), valIn.GetText()
		if np.Key == "" && np.Value == "" {
			return
		}
		rows := append([]collections.Param(nil), k.get()...)
		if i >= 0 && i < len(rows) {
			rows[i] = np
		} else {
			rows = append(rows, np)
			i = len(rows) - 1
		}
		k.set(rows)
		k.reload()
		k.table.Select(i, 0)
		k.w.draftChanged()
	}
	box := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(keyIn, 1, 0, !k.fixedKeys).
		AddItem(valIn, 1, 0, k.fixedKeys).
		AddItem(tview.NewTextView().SetText("Enter saves · Tab next field · Esc cancels").SetTextColor(tcell.ColorGray), 1, 0, false)
	title := " Add "
	if i >= 0 {
		title = " Edit "
	}
	box.SetBorder(true).SetTitle(title)
	keyIn.SetDoneFunc(func(key tcell.Key) {
		switch key {
		case tcell.KeyEscape:
			finish(false)
		default:
			k.w.app.SetFocus(valIn)
		}
	})
	valIn.SetDoneFunc(func(key tcell.Key) {
		switch key {
		case tcell.KeyEscape:
			finish(false)
		case tcell.KeyEnter:
			finish(true)
		default:
			if !k.fixedKeys {
				k.w.app.SetFocus(keyIn)
			}
		}
	})
	k.w.showModal("edit-row", box, 70, 5)
	if k.fixedKeys {
		k.w.app.SetFocus(valIn)
	} else {
		k.w.app.SetFocus(keyIn)
	}
}

func padLabel(s string) string { return s + strings.Repeat(" ", max(0, 7-len(s))) }

// Completions for the header table.
var (
	commonHeaders = []string{
		"Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
		"Content-Type", "Cookie", "If-Match", "If-None-Match", "Origin", "Referer",
		"User-Agent", "X-CSRFToken", "X-Requested-With", "X-API-Key",
	}
	contentTypes = []string{
		"application/json", "application/vnd.api+json", "application/x-www-form-urlencoded",
		"multipart/form-data", "application/xml", "application/octet-stream",
		"text/plain", "text/csv", "text/html", "application/yaml",
	}
)

func completeFrom(list []string, prefix string) []string {
	if prefix == "" {
		return nil
	}
	var out []string
	for _, s := range list {
		if strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix)) && s != prefix {
			out = append(out, s)
		}
	}
	return out
}

func completeHeaderValue(key, prefix string) []string {
	switch strings.ToLower(key) {
	case "content-type", "accept":
		return completeFrom(contentTypes, prefix)
	}
	return nil
}

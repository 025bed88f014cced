package workbench

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// Dialogs sit on a page above the main layout; while one is open it takes
// every key.

const modalPage = "modal"

// showModal shows p centred, width x height cells at most.
func (w *Workbench) showModal(name string, p tview.Primitive, width, height int) {
	if w.modal != "" {
		w.closeModal()
	}
	w.modalBack = w.app.GetFocus()
	grid := tview.NewGrid().
		SetColumns(0, width, 0).
		SetRows(0, height, 0).
		AddItem(p, 1, 1, 1, 1, 0, 0, true)
	w.modal = name
	w.pages.AddPage(modalPage, grid, true, true)
	w.app.SetFocus(p)
}

// closeModal removes the dialog and gives focus back.
func (w *Workbench) closeModal() {
	if w.modal == "" {
		return
	}
	w.modal = ""
	w.pages.RemovePage(modalPage)
	if w.modalBack != nil {
		w.app.SetFocus(w.modalBack)
	}
}

// confirm asks a question with buttons; done gets the chosen label ("" for
// Esc). The dialog is closed before done runs.
func (w *Workbench) confirm(title, text string, buttons []string, done func(label string)) {
	m := tview.NewModal().SetText(Safe(text)).AddButtons(buttons)
	m.SetTitle(" " + title + " ")
	m.SetDoneFunc(func(_ int, label string) {
		w.closeModal()
		if done != nil {
			done(label)
		}
	})
	w.modal = "confirm"
	w.modalBack = w.app.GetFocus()
	w.pages.AddPage(modalPage, m, true, true)
	w.app.SetFocus(m)
}

// prompt asks for one line of text; done runs with ok false on Esc.
func (w *Workbench) prompt(title, label, initial string, complete func(string) []string, done func(text string, ok bool)) {
	in := tview.NewInputField().SetLabel(label + " ").SetText(initial)
	if complete != nil {
		in.SetAutocompleteFunc(complete)
	}
	in.SetDoneFunc(func(key tcell.Key) {
		text := in.GetText()
		w.closeModal()
		done(text, key == tcell.KeyEnter)
	})
	box := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(in, 1, 0, true)
	box.SetBorder(true).SetTitle(" " + title + " ")
	w.showModal("prompt", box, 60, 3)
	w.app.SetFocus(in)
}

// pick shows a list; done gets the index chosen, or -1 on Esc.
func (w *Workbench) pick(title string, items []string, current int, done func(i int)) {
	l := tview.NewList().ShowSecondaryText(false).SetHighlightFullLine(true)
	for _, it := range items {
		l.AddItem(Safe(it), "", 0, nil)
	}
	if current >= 0 && current < len(items) {
		l.SetCurrentItem(current)
	}
	l.SetSelectedFunc(func(i int, _, _ string, _ rune) {
		w.closeModal()
		done(i)
	})
	l.SetDoneFunc(func() {
		w.closeModal()
		done(-1)
	})
	l.SetBorder(true).SetTitle(" " + title + " ")
	h := min(len(items)+2, 18)
	w.showModal("pick", l, 50, h)
}

// help shows every binding of the focused pane, from the key table.
func (w *Workbench) help(pane Pane) {
	tv := tview.NewTextView().SetText(w.keys.HelpText(pane)).SetWrap(false)
	tv.SetBorder(true).SetTitle(" Keys (Esc closes) ")
	tv.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == tcell.KeyEscape || ev.Key() == tcell.KeyEnter || ev.Key() == tcell.KeyF1 || ev.Rune() == '?' || ev.Rune() == 'q' {
			w.closeModal()
			return nil
		}
		return ev
	})
	w.showModal("help", tv, 64, 22)
}

// envPicker switches the environment.
func (w *Workbench) envPicker() {
	items := []string{"(no environment)"}
	current := 0
	for i, e := range w.s.Coll.Environments {
		label := e.Name
		if v := e.Lookup("host"); v != nil && v.Value != "" && !v.Secret {
			label += "  " + v.Value
		}
		items = append(items, label)
		if e == w.s.Env {
			current = i + 1
		}
	}
	w.pick("Environment", items, current, func(i int) {
		if i < 0 {
			return
		}
		name := ""
		if i > 0 {
			name = w.s.Coll.Environments[i-1].Name
		}
		if err := w.s.SetEnv(name); err != nil {
			w.setError(err)
			return
		}
		w.setStatus("environment: " + items[i])
		w.draftChanged()
	})
}

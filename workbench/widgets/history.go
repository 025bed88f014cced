package widgets

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// HistoryEntry is one sent request as the history list shows it. The core
// fills it from internal/history; URL must already have secrets redacted.
type HistoryEntry struct {
	When     time.Time
	Method   string
	Name     string // the request's tree path, "" for an unsaved one
	URL      string // resolved and redacted
	Status   int    // HTTP status; 0 when no response came (see Error)
	Error    string // why no response came
	Duration time.Duration
	Env      string
	Value    any // the caller's payload (an id to re-open), handed back on select
}

// StatusColor is the colour of an HTTP status by class (0: no response).
func StatusColor(status int) tcell.Color {
	switch {
	case status >= 500 || status == 0:
		return tcell.ColorRed
	case status >= 400:
		return tcell.ColorYellow
	case status >= 300:
		return tcell.ColorDarkCyan
	case status >= 200:
		return tcell.ColorGreen
	}
	return tcell.ColorGray
}

// HistoryList is the history (Ctrl+H): newest first, with time, status,
// method, request, duration and environment. It is a tview.Table, so j/k,
// g/G, PgUp/PgDn and mouse clicks work as in any table.
type HistoryList struct {
	*tview.Table

	// OnSelect is called with the entry to re-open (Enter, or a click on
	// the selected row).
	OnSelect func(HistoryEntry)
	// Now is the clock used to print today's times short; tests set it.
	Now func() time.Time
	// Loc is the time zone times are shown in (time.Local by default).
	Loc *time.Location

	entries []HistoryEntry
}

// NewHistoryList returns an empty history list.
func NewHistoryList() *HistoryList {
	h := &HistoryList{Table: tview.NewTable(), Now: time.Now, Loc: time.Local}
	h.SetSelectable(true, false).SetFixed(1, 0)
	h.SetSelectedFunc(func(row, _ int) {
		if e, ok := h.Selected(); ok && h.OnSelect != nil && row > 0 {
			h.OnSelect(e)
		}
	})
	h.SetEntries(nil)
	return h
}

// SetEntries shows entries, newest first (the slice is not modified).
func (h *HistoryList) SetEntries(entries []HistoryEntry) *HistoryList {
	h.entries = append([]HistoryEntry(nil), entries...)
	sort.SliceStable(h.entries, func(a, b int) bool { return h.entries[a].When.After(h.entries[b].When) })
	h.Clear()
	header := []string{"TIME", "STATUS", "METHOD", "REQUEST", "TOOK", "ENV"}
	for c, t := range header {
		h.SetCell(0, c, tview.NewTableCell(t).SetSelectable(false).SetTextColor(tcell.ColorGray).SetAttributes(tcell.AttrBold))
	}
	if len(h.entries) == 0 {
		h.SetCell(1, 0, tview.NewTableCell("no requests sent yet").SetSelectable(false).SetTextColor(tcell.ColorGray))
		return h
	}
	ny, nm, nd := h.Now().In(h.Loc).Date()
	for i, e := range h.entries {
		row := i + 1
		t := e.When.In(h.Loc)
		when := t.Format("Jan 02 15:04")
		if y, m, d := t.Date(); y == ny && m == nm && d == nd {
			when = t.Format("15:04:05")
		}
		status := strconv.Itoa(e.Status)
		if e.Status == 0 {
			status = "ERR"
		}
		what := e.Name
		if what == "" {
			what = e.URL
		}
		if e.Status == 0 && e.Error != "" {
			what += "  " + e.Error
		}
		h.SetCell(row, 0, cell(when).SetTextColor(tcell.ColorGray))
		h.SetCell(row, 1, cell(status).SetTextColor(StatusColor(e.Status)))
		h.SetCell(row, 2, cell(e.Method).SetTextColor(MethodColor(e.Method)))
		h.SetCell(row, 3, cell(what).SetExpansion(1).SetMaxWidth(40))
		h.SetCell(row, 4, cell(formatDuration(e.Duration)).SetAlign(tview.AlignRight))
		h.SetCell(row, 5, cell(e.Env).SetTextColor(tcell.ColorDarkCyan))
	}
	h.Select(1, 0)
	h.ScrollToBeginning()
	return h
}

// Selected returns the highlighted entry.
func (h *HistoryList) Selected() (HistoryEntry, bool) {
	row, _ := h.GetSelection()
	if row < 1 || row > len(h.entries) {
		return HistoryEntry{}, false
	}
	return h.entries[row-1], true
}

// MouseHandler adds to the table's: a click on the selected row opens it.
func (h *HistoryList) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	inner := h.Table.MouseHandler()
	return func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if action == tview.MouseLeftClick && h.InRect(event.Position()) {
			before, _ := h.GetSelection()
			row, _ := h.CellAt(event.Position())
			if row == before && row > 0 {
				if e, ok := h.Selected(); ok && h.OnSelect != nil {
					h.OnSelect(e)
				}
				return true, nil
			}
		}
		return inner(action, event, setFocus)
	}
}

// cell is a table cell for untrusted text: sanitised and with tview's
// [style] tags escaped.
func cell(text string) *tview.TableCell {
	return tview.NewTableCell(tview.Escape(Sanitize(text)))
}

// formatDuration prints a duration the way the response line does.
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

package widgets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

func paletteItems() []FuzzyItem {
	return []FuzzyItem{
		{Name: "Send request", Detail: "ctrl+r", Value: "send"},
		{Name: "Switch environment", Detail: "ctrl+e", Value: "env"},
		{Name: "Show history", Detail: "ctrl+h", Value: "history"},
		{Method: "GET", Name: "WLANs/List WLANs", Detail: "/api/v1/sites/:site_id/wlans", Value: 1},
		{Method: "GET", Name: "WLANs/Get WLAN", Detail: "/api/v1/sites/:site_id/wlans/:wlan_id", Value: 2},
		{Method: "PUT", Name: "WLANs/Rename SSID", Detail: "/api/v1/sites/:site_id/wlans/:wlan_id", Value: 3},
		{Method: "DELETE", Name: "WLANs/Delete WLAN", Detail: "/api/v1/sites/:site_id/wlans/:wlan_id", Value: 4},
		{Method: "POST", Name: "Auth/Login", Detail: "/api/v1/login", Value: 5},
	}
}

func TestFuzzyFilter(t *testing.T) {
	texts := []string{"GET Get WLAN /wlans/:id", "DELETE Delete WLAN /wlans/:id", "POST Login /login", "GET List sites /sites"}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"", []int{0, 1, 2, 3}},
		{"login", []int{2}},
		{"wlan get", []int{0}},    // words in any order
		{"dlwlan", []int{1}},      // fuzzy
		{"zzz", []int{}},          // nothing
		{"WLAN", []int{0, 1}},     // case-insensitive, order kept on ties
		{"  sites  ", []int{3}},   // spaces trimmed
		{"\x1b[2J", []int{}},      // control text is just text
		{"é€𝄞", []int{}},          // multi-byte
		{"get wlan id", []int{0}}, // three words
	} {
		got := FuzzyFilter(tc.q, texts)
		var idx []int
		for _, m := range got {
			idx = append(idx, m.Index)
			for _, p := range m.Matched {
				if p < 0 || p >= len(texts[m.Index]) {
					t.Fatalf("%q: matched offset %d out of range", tc.q, p)
				}
			}
		}
		if fmt.Sprint(idx) != fmt.Sprint(tc.want) && !(len(idx) == 0 && len(tc.want) == 0) {
			t.Errorf("FuzzyFilter(%q) = %v, want %v", tc.q, idx, tc.want)
		}
	}
}

func TestFuzzyListPalette(t *testing.T) {
	s := newScreen(t, 70, 8)
	l := NewFuzzyList("> ").SetItems(paletteItems())
	var chosen []any
	cancelled := 0
	l.OnSelect = func(it FuzzyItem) { chosen = append(chosen, it.Value) }
	l.OnCancel = func() { cancelled++ }
	l.Focus(nil)
	golden(t, "fuzzy_all", render(s, l))
	typeText(l, "getwlan")
	golden(t, "fuzzy_getwlan", render(s, l))
	if it, _ := l.Selected(); it.Value != 2 {
		t.Fatalf("best match = %v, want Get WLAN", it.Name)
	}
	// Matched characters are marked.
	x, y, _ := findText(s, "Get WLAN")
	if _, st := cellAt(s, x, y); func() bool { _, _, a := st.Decompose(); return a&tcell.AttrBold == 0 }() {
		t.Errorf("matched G not bold")
	}
	press(l, tcell.KeyDown)
	press(l, tcell.KeyEnter)
	if len(chosen) != 1 || chosen[0] == 2 {
		t.Errorf("chosen %v after Down, Enter", chosen)
	}
	press(l, tcell.KeyBackspace2, tcell.KeyBackspace2, tcell.KeyBackspace2, tcell.KeyBackspace2)
	if l.Query() != "get" {
		t.Errorf("query %q", l.Query())
	}
	press(l, tcell.KeyEscape)
	if cancelled != 1 {
		t.Errorf("Esc did not cancel")
	}
	// Mouse: a click selects, a second click chooses.
	l.SetQuery("")
	render(s, l)
	mouse(l, tview.MouseLeftClick, 5, 4) // fourth row: List WLANs
	if it, _ := l.Selected(); it.Value != 1 {
		t.Fatalf("click selected %v", it.Name)
	}
	mouse(l, tview.MouseLeftClick, 5, 4)
	if len(chosen) != 2 || chosen[1] != 1 {
		t.Errorf("second click chose %v", chosen)
	}
	mouse(l, tview.MouseScrollDown, 5, 4)
	if it, _ := l.Selected(); it.Value != 2 {
		t.Errorf("wheel moved to %v", it.Name)
	}
	// Paging past the ends stays in range; nothing matches: Enter is a no-op.
	press(l, tcell.KeyPgDn, tcell.KeyPgDn, tcell.KeyPgUp, tcell.KeyPgUp)
	typeText(l, "zzzz")
	press(l, tcell.KeyEnter, tcell.KeyDown)
	if l.Len() != 0 || len(chosen) != 2 {
		t.Errorf("no-match state: %d shown, chosen %v", l.Len(), chosen)
	}
	golden(t, "fuzzy_none", render(s, l))
}

// manyItems is a collection the size of the Mist API (about 1,000 requests).
func manyItems(n int) []FuzzyItem {
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	nouns := []string{"Sites", "WLANs", "Devices", "Maps", "Alarms", "Webhooks", "Templates", "Clients", "Insights", "Orgs"}
	items := make([]FuzzyItem, n)
	for i := range items {
		noun := nouns[i%len(nouns)]
		items[i] = FuzzyItem{
			Method: methods[i%len(methods)],
			Name:   fmt.Sprintf("%s/%s %s %d", noun, []string{"List", "Create", "Update", "Delete"}[i%4], noun, i),
			Detail: fmt.Sprintf("/api/v1/orgs/:org_id/%s/:id/stats/%d", noun, i),
		}
	}
	return items
}

// BenchmarkFuzzyListKeystroke: one keystroke of the query over 1,000 items,
// filtering and drawing the frame (goal: well under 16 ms).
func BenchmarkFuzzyListKeystroke(b *testing.B) {
	s := newScreen(b, 120, 40)
	l := NewFuzzyList("> ").SetItems(manyItems(1000))
	query := "wlan update stats"
	i := 0
	cpu := cpuNow()
	defer func() { cpuPerOp(b, cpu) }()
	for b.Loop() {
		l.SetQuery(query[:i%len(query)+1])
		render(s, l)
		i++
	}
}

// BenchmarkFuzzyFilter1000: the filter alone (as the tree filter uses it),
// one keystroke over 1,000 items.
func BenchmarkFuzzyFilter1000(b *testing.B) {
	items := manyItems(1000)
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.searchText()
	}
	query := "wlan update stats"
	i := 0
	cpu := cpuNow()
	defer func() { cpuPerOp(b, cpu) }()
	for b.Loop() {
		FuzzyFilter(query[:i%len(query)+1], texts)
		i++
	}
}

// TestFuzzyListScrollsToSelection: paging through 1,000 items keeps the
// selected row on screen.
func TestFuzzyListScrollsToSelection(t *testing.T) {
	s := newScreen(t, 80, 12)
	l := NewFuzzyList("> ").SetItems(manyItems(1000))
	render(s, l)
	for i := 0; i < 30; i++ {
		press(l, tcell.KeyPgDn)
	}
	press(l, tcell.KeyUp)
	got := render(s, l)
	it, _ := l.Selected()
	x, y, ok := findText(s, it.Name)
	if !ok {
		t.Fatalf("selected %q not on screen:\n%s", it.Name, got)
	}
	if _, st := cellAt(s, x, y); func() bool { _, bg, _ := st.Decompose(); return bg != tcell.ColorDarkSlateGray }() {
		t.Errorf("selected row not highlighted")
	}
	if it.Name != manyItems(1000)[30*10-1].Name {
		t.Errorf("selected %q after 30 pages and Up", it.Name)
	}
	if !strings.Contains(got, "1000/1000") {
		t.Errorf("count missing:\n%s", got)
	}
}

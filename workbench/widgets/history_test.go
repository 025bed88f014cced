package widgets

import (
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

func TestHistoryList(t *testing.T) {
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	entries := []HistoryEntry{
		{When: now.Add(-48 * time.Hour), Method: "GET", Name: "WLANs/List WLANs", Status: 200, Duration: 142 * time.Millisecond, Env: "Global 01", Value: "a"},
		{When: now.Add(-time.Minute), Method: "PUT", Name: "WLANs/Rename SSID", Status: 404, Duration: 1500 * time.Millisecond, Env: "sandbox", Value: "c"},
		{When: now.Add(-time.Hour), Method: "POST", URL: "http://127.0.0.1:8080/api/v1/login?[red]x\x1b[2J", Status: 0, Error: "connection refused", Env: "sandbox", Value: "b"},
		{When: now.Add(-2 * time.Hour), Method: "DELETE", Name: "WLANs/Delete WLAN", Status: 503, Duration: 20 * time.Millisecond, Env: "Global 01", Value: "d"},
	}
	h := NewHistoryList()
	h.Now, h.Loc = func() time.Time { return now }, time.UTC
	h.SetEntries(entries)
	var opened []any
	h.OnSelect = func(e HistoryEntry) { opened = append(opened, e.Value) }
	s := newScreen(t, 90, 7)
	got := render(s, h)
	golden(t, "history", got)
	if entries[0].Value != "a" {
		t.Error("SetEntries reordered the caller's slice")
	}
	// Status colours by class.
	for status, want := range map[string]tcell.Color{"ERR": tcell.ColorRed, "503": tcell.ColorRed, "200": tcell.ColorGreen} {
		x, y, ok := findText(s, status)
		if !ok {
			t.Fatalf("%s not on screen", status)
		}
		if _, st := cellAt(s, x, y); func() tcell.Color { fg, _, _ := st.Decompose(); return fg }() != want {
			t.Errorf("%s not %v", status, want)
		}
	}
	if strings.Contains(got, "[red]") == false || strings.ContainsRune(got, 0x1b) {
		t.Errorf("URL not shown literally and safely:\n%s", got)
	}
	if StatusColor(404) != tcell.ColorYellow || StatusColor(302) != tcell.ColorDarkCyan {
		t.Error("4xx and 3xx colours")
	}
	press(h, tcell.KeyEnter)
	typeText(h, "jj")
	press(h, tcell.KeyEnter)
	typeText(h, "G")
	press(h, tcell.KeyEnter)
	typeText(h, "g")
	press(h, tcell.KeyEnter)
	if got := strings.Join(anyStrings(opened), ""); got != "cdac" {
		t.Errorf("opened %q, want cdac", got)
	}
	// A click selects a row; a click on the selected row opens it.
	render(s, h)
	mouse(h, tview.MouseLeftClick, 30, 2)
	if e, _ := h.Selected(); e.Value != "b" {
		t.Errorf("click selected %v", e.Value)
	}
	mouse(h, tview.MouseLeftClick, 30, 2)
	if len(opened) != 5 || opened[4] != "b" {
		t.Errorf("second click opened %v", opened)
	}
	// The header row opens nothing.
	mouse(h, tview.MouseLeftClick, 30, 0)
	if len(opened) != 5 {
		t.Errorf("header click opened %v", opened)
	}
	h.SetEntries(nil)
	if !strings.Contains(render(s, h), "no requests sent yet") {
		t.Error("empty history not said")
	}
	press(h, tcell.KeyEnter)
	if len(opened) != 5 {
		t.Error("Enter on empty history opened something")
	}
}

func anyStrings(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i], _ = x.(string)
	}
	return out
}

func TestVarsView(t *testing.T) {
	const token = "s3cr3t-token-value"
	v := NewVarsView().SetVars([]VarRow{
		{Name: "host", Value: "api.mist.com", Source: SourceEnvironment},
		{Name: "apitoken", Value: token, Source: SourceEnvironment, Secret: true},
		{Name: "site_id", Value: "6f4bf402", Source: SourceOverride},
		{Name: "site_id", Value: "old", Source: SourceCollection, Shadow: true},
		{Name: "wlan_id", Source: "", Unset: true},
		{Name: "$uuid", Value: "(new each send)", Source: SourceDynamic},
		{Name: "evil[red]", Value: "\x1b]0;x\x07", Source: SourceFolder},
	})
	s := newScreen(t, 60, 9)
	got := render(s, v)
	golden(t, "vars", got)
	if strings.Contains(got, token) || strings.Contains(got, "s3cr") {
		t.Fatal("secret value on screen")
	}
	typeText(v, "j")
	if r, _ := v.Selected(); r.Name != "apitoken" {
		t.Errorf("j selected %q", r.Name)
	}
	if NewVarsView().GetCell(1, 0).Text != "no variables" {
		t.Error("empty view not said")
	}
}

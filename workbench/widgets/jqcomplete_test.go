package widgets

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
)

func TestJQCompletions(t *testing.T) {
	v, _ := newBody(t)
	v.SetText([]byte(`{"id":"x","ssid":"TestWlan","auth":{"type":"psk","psk":null},"my-key":1,"list":[{"name":"a","vlan":1}]}`), "application/json")
	v.StartFilter()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{".", []string{".auth", ".id", ".list", `."my-key"`, ".ssid"}},
		{".s", []string{".ssid"}},
		{".auth.", []string{".auth.psk", ".auth.type"}},
		{".auth.t", []string{".auth.type"}},
		{".list[0].", []string{".list[0].name", ".list[0].vlan"}},
		{".list[] | .n", []string{".list[] | .name"}},
		{".list | .[0].v", []string{".list | .[0].vlan"}},
		{".ssid", nil},          // complete already
		{".ssid.", nil},         // a string has no keys
		{".nope.", nil},         // null has no keys
		{"map(.", nil},          // not a plain path: not run
		{"range(1e9) | .", nil}, // never run on the UI goroutine
		{".a-", nil},
		{"", nil},
	} {
		if got := v.jqCompletions(tc.text); !reflect.DeepEqual(got, tc.want) && (len(got) != 0 || len(tc.want) != 0) {
			t.Errorf("jqCompletions(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	// Not in the search prompt, not for bodies above HighlightLimit.
	v.closePrompt()
	v.StartSearch()
	if got := v.jqCompletions("."); got != nil {
		t.Errorf("search prompt completed %q", got)
	}
}

// TestJQCompletionDropDown: the drop-down shows over the body, Enter takes
// an entry and the filter runs on it.
func TestJQCompletionDropDown(t *testing.T) {
	v, l := newBody(t)
	s := newScreen(t, 50, 12)
	v.SetText([]byte(wlanJSON), "application/json")
	typeText(v, "|.auth.")
	got := render(s, v)
	if !strings.Contains(got, ".auth.psk") || !strings.Contains(got, ".auth.type") {
		t.Fatalf("no drop-down:\n%s", got)
	}
	press(v, tcell.KeyDown, tcell.KeyEnter) // the second entry
	l.runUntil(t, "filter", func() bool { text, running, _ := v.Filtering(); return text == ".auth.type" && !running })
	press(v, tcell.KeyEnter) // no list now: closes the line
	got = render(s, v)
	if !strings.Contains(got, `"psk"`) || v.Prompting() {
		t.Errorf("after choosing .auth.type:\n%s", got)
	}
}

package workbench

import (
	"errors"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
)

func TestSyncPathVars(t *testing.T) {
	rows := []collections.Param{{Key: "site_id", Value: "s1"}, {Key: "old", Value: ""}, {Key: "kept", Value: "v"}}
	got := SyncPathVars(rows, []string{"org_id", "site_id", "org_id"})
	want := []collections.Param{{Key: "org_id"}, {Key: "site_id", Value: "s1"}, {Key: "kept", Value: "v"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %+v want %+v", i, got[i], want[i])
		}
	}
}

func TestSessionDirtyAndApply(t *testing.T) {
	c := testCollection(t, "127.0.0.1:9")
	s, err := NewSession(c, "Local", nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _, err := c.Find("WLANs/Get WLAN")
	if err != nil {
		t.Fatal(err)
	}
	s.Open(req)
	if s.Dirty() {
		t.Fatal("dirty right after opening")
	}
	s.SetURL(req.URL + "/ports/:port_id")
	if !s.DraftDirty() || req.URL == s.Draft.URL {
		t.Fatal("an edit must stay in the draft and mark it dirty")
	}
	if n := len(s.Draft.PathVars); n != 3 {
		t.Fatalf("path rows %d", n)
	}
	other, _, _ := c.Find("WLANs/List WLANs")
	s.Open(other) // the edit moves into the tree, unsaved
	if !strings.HasSuffix(req.URL, "/:port_id") || !s.Dirty() {
		t.Fatalf("switching lost the edit: %q dirty=%v", req.URL, s.Dirty())
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if s.Dirty() {
		t.Fatal("dirty after saving")
	}
	back, err := collections.Load(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := back.Find("WLANs/Get WLAN")
	if err != nil || !strings.HasSuffix(r.URL, "/:port_id") {
		t.Fatalf("saved URL %v %v", r, err)
	}
	if err := s.SetEnv("Nope"); err == nil || !strings.Contains(err.Error(), "Local, Other") {
		t.Fatalf("unknown env: %v", err)
	}
}

func TestStoreSecret(t *testing.T) {
	c := testCollection(t, "127.0.0.1:9")
	store := memSecrets{}
	s, _ := NewSession(c, "Local", store)
	ref, err := s.StoreSecret("apitoken", "abc123")
	if err != nil || ref != "{{apitoken}}" {
		t.Fatalf("%q %v", ref, err)
	}
	if store[c.ID+"/Local/apitoken"] != "abc123" {
		t.Fatalf("store %v", store)
	}
	// A new secret lands in the environment as a secret definition.
	if _, err := s.StoreSecret("client_secret", "zzz"); err != nil {
		t.Fatal(err)
	}
	v := c.Environment("Local").Lookup("client_secret")
	if v == nil || !v.Secret {
		t.Fatalf("definition %+v", v)
	}
	c.Dir = t.TempDir()
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if f := grepDir(t, c.Dir, "zzz"); f != "" {
		t.Fatalf("secret value saved in %s", f)
	}
}

func TestFormatAndValidateJSON(t *testing.T) {
	out, err := FormatJSON(`{"a":[1,2],"b":{"c":null}}`)
	if err != nil || out != "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": null\n  }\n}" {
		t.Fatalf("%q %v", out, err)
	}
	if _, err := FormatJSON("{\n\"a\": }"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("error %v", err)
	}
	for _, ok := range []string{"", `{"id": {{id}}}`, `{"n": "{{name}}"}`, `[1]`} {
		if err := ValidateJSON(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{`{`, `{"a" 1}`, `xx{}`} {
		if ValidateJSON(bad) == nil {
			t.Errorf("%q passed", bad)
		}
	}
}

func TestKeyNames(t *testing.T) {
	cases := []struct {
		ev   *tcell.EventKey
		want string
	}{
		{tcell.NewEventKey(tcell.KeyCtrlR, 0, tcell.ModCtrl), "Ctrl+R"},
		{tcell.NewEventKey(tcell.KeyF5, 0, tcell.ModNone), "F5"},
		{tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModAlt), "Alt+Enter"},
		{tcell.NewEventKey(tcell.KeyEscape, 0, tcell.ModNone), "Esc"},
		{tcell.NewEventKey(tcell.KeyTab, 0, tcell.ModNone), "Tab"},
		{tcell.NewEventKey(tcell.KeyBacktab, 0, tcell.ModShift), "Backtab"},
		{tcell.NewEventKey(tcell.KeyRune, '?', tcell.ModNone), "?"},
		{tcell.NewEventKey(tcell.KeyRune, '1', tcell.ModAlt), "Alt+1"},
		{tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone), "Enter"},
		// What tcell makes of ESC CR and ESC ^R from a terminal.
		{tcell.NewEventKey(tcell.KeyRune, 'm', tcell.ModCtrl|tcell.ModAlt), "Alt+Enter"},
		{tcell.NewEventKey(tcell.KeyRune, 'r', tcell.ModCtrl|tcell.ModAlt), "Alt+Ctrl+R"},
	}
	for _, c := range cases {
		if got := KeyName(c.ev); got != c.want {
			t.Errorf("%s: got %q want %q", c.ev.Name(), got, c.want)
		}
	}
	for in, want := range map[string]string{"ctrl+r": "Ctrl+R", "F5": "F5", "alt+enter": "Alt+Enter", "space": " ", "x": "x", "esc": "Esc"} {
		if got, err := ParseKey(in); err != nil || got != want {
			t.Errorf("ParseKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "Hyper+x", "Ctrl+Nope"} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) passed", bad)
		}
	}
}

func TestRebind(t *testing.T) {
	k := NewKeymap(DefaultBindings)
	if err := k.Rebind(PaneGlobal, ActSend, "ctrl+x", "F9"); err != nil {
		t.Fatal(err)
	}
	if a, ok := k.Lookup(PaneTree, "Ctrl+X"); !ok || a != ActSend {
		t.Fatalf("Ctrl+X: %v %v", a, ok)
	}
	if _, ok := k.Lookup(PaneTree, "Ctrl+R"); ok {
		t.Fatal("the old key still sends")
	}
	if !strings.Contains(k.Footer(PaneTree), "Ctrl+X send") || !strings.Contains(k.HelpText(PaneTree), "F9") {
		t.Fatalf("footer/help not regenerated: %s", k.Footer(PaneTree))
	}
	if err := k.Rebind(PaneGlobal, ActSave, "Ctrl+Nope"); err == nil {
		t.Fatal("a bad key was accepted")
	}
	if a, _ := k.Lookup(PaneTree, "Ctrl+S"); a != ActSave {
		t.Fatal("a failed rebind changed the keymap")
	}
	if err := k.Rebind(PaneTree, "fly", "x"); err == nil {
		t.Fatal("an unknown action was accepted")
	}
}

func TestSafeText(t *testing.T) {
	in := "a\x1b]52;c;eA==\x07b\x1b[31mc\u009bd[red]e\tf\u202eg\xff"
	got := Safe(in)
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\xff", "\t"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q survives in %q", bad, got)
		}
	}
	if !strings.Contains(got, "[red[]") {
		t.Errorf("tview tag not escaped: %q", got)
	}
	url := HighlightURL("https://{{host}}/sites/:site_id/x/:wlan_id?q={{q}}", []string{"q", ":wlan_id"})
	if !strings.Contains(url, "[aqua::b]{{host}}") || !strings.Contains(url, "[orange::b]{{q}}") ||
		!strings.Contains(url, "[green::b]:site_id") || !strings.Contains(url, "[orange::b]:wlan_id") {
		t.Fatalf("url highlighting: %s", url)
	}
	// Tags written in a body stay text; a highlighted body is still safe.
	h := RenderBody("application/json", []byte(`{"x":"[yellow]\u001b"}`))
	if !strings.Contains(h, `[yellow[]`) {
		t.Fatalf("highlighted body: %s", h)
	}
}

func TestRenderBodyLanguages(t *testing.T) {
	cases := map[string][]byte{
		"application/xml":          []byte(`<a x="1">t</a>`),
		"text/html; charset=utf-8": []byte(`<p class="x">hi</p>`),
		"application/yaml":         []byte("a: 1\nb: [x, y]\n"),
		"application/vnd.api+json": []byte(`{"a":1}`),
	}
	for ct, body := range cases {
		out := RenderBody(ct, body)
		if !strings.Contains(out, "[#") {
			t.Errorf("%s: not highlighted: %q", ct, out)
		}
	}
	// Above the threshold a body is shown plain, and still safe.
	big := []byte(`{"a":"` + strings.Repeat("x\x1b", highlightLimit) + `"}`)
	out := RenderBody("application/json", big)
	if strings.Contains(out, "[#") || strings.Contains(out, "\x1b") {
		t.Fatal("a large body was highlighted or kept its escapes")
	}
}

func TestLiteralCredentialSavesOnlyWhenAsked(t *testing.T) {
	c := testCollection(t, "127.0.0.1:9")
	s, _ := NewSession(c, "Local", nil)
	req, _, _ := c.Find("WLANs/Get WLAN")
	s.Open(req)
	s.Draft.Headers = append(s.Draft.Headers, collections.Param{Key: "Authorization", Value: "Token lit-123456"})
	err := s.Save()
	var lit *collections.LiteralSecretError
	if !errors.As(err, &lit) || !s.Dirty() {
		t.Fatalf("saved a literal credential: %v", err)
	}
	if f := grepDir(t, c.Dir, "lit-123456"); f != "" {
		t.Fatalf("on disk in %s", f)
	}
	if err := s.SaveWith(collections.SaveOptions{AllowLiteralSecrets: true}); err != nil {
		t.Fatal(err)
	}
	if f := grepDir(t, c.Dir, "lit-123456"); f == "" || s.Dirty() {
		t.Fatal("asked for, it was still not saved")
	}
}

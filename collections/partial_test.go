package collections

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadForReadsOnlyWhatOneRequestNeeds(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteStarter(dir); err != nil {
		t.Fatal(err)
	}
	full, _ := Load(dir)
	before := snapshot(t, dir)

	c, err := LoadFor(dir, "WLANs/Get WLAN")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Partial() {
		t.Fatal("the request's files were where their names say, yet everything was loaded")
	}
	n := 0
	c.Walk(func([]*Folder, *Request) { n++ })
	if n != 1 || len(c.Environments) != len(full.Environments) {
		t.Fatalf("%d requests, %d environments", n, len(c.Environments))
	}
	// It resolves exactly as the whole collection does.
	sc := Scope{Env: c.Environment("EMEA 01"), Overrides: map[string]string{"site_id": "s", "wlan_id": "w"}, Getenv: func(string) string { return "" }}
	req, path, err := c.Find("WLANs/Get WLAN")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := c.Resolve(req, path, sc)
	sc.Env = full.Environment("EMEA 01")
	freq, fpath, _ := full.Find("WLANs/Get WLAN")
	want, _ := full.Resolve(freq, fpath, sc)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("partial resolves to %+v, whole to %+v", got, want)
	}

	// Captured values save into the loaded files; nothing else moves.
	c.Variables[0].Value = "captured-org"
	c.Environment("EMEA 01").Variables = append(c.Environment("EMEA 01").Variables, Variable{Key: "site_id", Value: "captured-site"})
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, dir)
	for name, content := range before {
		changed := after[name] != content
		expected := name == "collection.yaml" || name == filepath.Join("environments", "EMEA 01.yaml")
		if changed != expected {
			t.Errorf("%s changed=%v, want %v", name, changed, expected)
		}
	}
	if len(after) != len(before) {
		t.Errorf("files appeared or vanished")
	}
	again, _ := Load(dir)
	var order []string
	again.Walk(func(p []*Folder, r *Request) { order = append(order, RequestPath(p, r)) })
	var wantOrder []string
	full.Walk(func(p []*Folder, r *Request) { wantOrder = append(wantOrder, RequestPath(p, r)) })
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("order changed:\n%v\n%v", order, wantOrder)
	}

	// A partial collection cannot grow: that could overwrite a file it did not read.
	c.Items = append(c.Items, &Request{Name: "New", Method: "GET", URL: "http://x"})
	if err := c.Save(SaveOptions{}); err == nil || !strings.Contains(err.Error(), "only part of the collection") {
		t.Errorf("partial save of a new request: %v", err)
	}
}

func TestLoadForFallsBackToLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteStarter(dir); err != nil {
		t.Fatal(err)
	}
	// A request whose file name no longer matches its name.
	p := filepath.Join(dir, "WLANs", "Get WLAN.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "name: Get WLAN", "name: Read WLAN", 1)), 0o644)
	for _, reqPath := range []string{"WLANs/Read WLAN", "wlans/get wlan", "Nope/Nothing", "WLANs/Get WLAN"} {
		c, err := LoadFor(dir, reqPath)
		if err != nil {
			t.Fatal(err)
		}
		if c.Partial() {
			t.Errorf("%s: partial load although the file does not hold that name", reqPath)
		}
	}
	c, _ := LoadFor(dir, "WLANs/Read WLAN")
	if _, _, err := c.Find("WLANs/Read WLAN"); err != nil {
		t.Error(err)
	}
}

// BenchmarkLoadFor1000 against BenchmarkLoad1000: one request of 1,000.
func BenchmarkLoadFor1000(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	dir := b.TempDir()
	if err := bigCollection(dir, 1000).Save(SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := LoadFor(dir, "Tag 007/Operation 0377")
		if err != nil || !c.Partial() {
			b.Fatal(err)
		}
	}
}

package collections

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func editFixture(t *testing.T) (*Collection, *Request, *Folder) {
	t.Helper()
	follow := false
	get := &Request{Name: "Get WLAN", Method: "GET", URL: "https://{{host}}/wlans/:id",
		PathVars: []Param{{Key: "id", Value: "1"}}, Headers: []Param{{Key: "Accept", Value: "application/json"}},
		Settings: RequestSettings{FollowRedirects: &follow}, Captures: []Capture{{Var: "x", JQ: ".x"}},
		Expect: Expect{Status: []int{200}, JQ: []string{".ok"}}, Examples: []Example{{Name: "e", Headers: []Param{{Key: "A", Value: "b"}}}}}
	f := &Folder{Name: "WLANs", Items: []Item{get}}
	c := &Collection{Name: "Edit", Dir: t.TempDir(), Items: []Item{f, &Request{Name: "Top", URL: "http://x/"}}}
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return c, get, f
}

func TestCloneIsDeepAndKeepsTheFile(t *testing.T) {
	c, get, _ := editFixture(t)
	cl := get.Clone()
	if !reflect.DeepEqual(cl, get) {
		t.Fatal("a clone differs")
	}
	cl.PathVars[0].Value = "2"
	cl.Headers[0].Value = "text/plain"
	*cl.Settings.FollowRedirects = true
	cl.Examples[0].Headers[0].Value = "c"
	cl.Expect.Status[0] = 500
	if get.PathVars[0].Value != "1" || get.Headers[0].Value != "application/json" || *get.Settings.FollowRedirects ||
		get.Examples[0].Headers[0].Value != "b" || get.Expect.Status[0] != 200 {
		t.Fatal("editing a clone changed the original")
	}
	// Assigning an edited clone back saves into the same file.
	before := files(t, c.Dir)
	*get = *cl
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	after := files(t, c.Dir)
	if len(after) != len(before) {
		t.Fatalf("files %v -> %v", fileNames(before), fileNames(after))
	}
	changed := 0
	for name, data := range before {
		if _, ok := after[name]; !ok {
			t.Fatalf("%s went away", name)
		}
		if after[name] != data {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("%d files changed, want the request's own", changed)
	}
}

func TestDuplicateSavesToNewFiles(t *testing.T) {
	c, get, f := editFixture(t)
	dup := get.Duplicate()
	dup.Name = "Get WLAN copy"
	c.InsertItem(f, 1, dup)
	fdup := f.Duplicate()
	fdup.Name = "WLANs copy"
	c.InsertItem(nil, 99, fdup)
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"WLANs/Get WLAN", "WLANs/Get WLAN copy", "WLANs copy/Get WLAN", "WLANs copy/Get WLAN copy", "Top"} {
		if _, _, err := back.Find(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestLocateRemoveInsert(t *testing.T) {
	c, get, f := editFixture(t)
	if p, i, ok := c.Locate(get); !ok || p != f || i != 0 {
		t.Fatalf("locate: %v %d %v", p, i, ok)
	}
	if path, ok := c.PathOf(get); !ok || len(path) != 1 || path[0] != f {
		t.Fatalf("path: %v %v", path, ok)
	}
	if !f.Contains(get) || !f.Contains(f) {
		t.Fatal("contains")
	}
	p, i, ok := c.RemoveItem(get)
	if !ok || len(f.Items) != 0 {
		t.Fatal("remove")
	}
	if _, _, ok := c.RemoveItem(get); ok {
		t.Fatal("removed twice")
	}
	c.InsertItem(p, i, get)
	c.InsertItem(nil, -5, &Request{Name: "First"})
	if c.Items[0].ItemName() != "First" || f.Items[0] != Item(get) {
		t.Fatal("insert")
	}
	// Moving a request to the top level and saving moves its file.
	c.RemoveItem(get)
	c.InsertItem(nil, len(c.Items), get)
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := back.Find("Get WLAN"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := back.Find("WLANs/Get WLAN"); err == nil {
		t.Fatal("the old file is still there")
	}
}

// files lists the files under dir with their contents.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fileNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

package collections

import (
	"fmt"
	"testing"
)

// bigCollection has n requests in folders of 50, like an imported API.
func bigCollection(dir string, n int) *Collection {
	c := &Collection{Name: "Big", Dir: dir, Auth: Auth{Type: AuthMistToken, Token: "{{apitoken}}"}}
	var f *Folder
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			f = &Folder{Name: fmt.Sprintf("Tag %03d", i/50), Description: "a tag"}
			c.Items = append(c.Items, f)
		}
		f.Items = append(f.Items, &Request{
			Name: fmt.Sprintf("Operation %04d", i), Method: "PUT",
			URL:         "https://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id",
			Description: "Updates a thing.\nWith a second line of description.",
			PathVars:    []Param{{Key: "site_id", Value: "{{site_id}}"}, {Key: "wlan_id", Value: "{{wlan_id}}"}},
			Query:       []Param{{Key: "limit", Value: "100", Disabled: true}},
			Headers:     []Param{{Key: "Content-Type", Value: "application/json"}},
			Body:        Body{Kind: BodyJSON, Text: "{\n  \"ssid\": \"NewName\",\n  \"enabled\": true\n}\n"},
		})
	}
	return c
}

// BenchmarkLoad1000: loading a 1,000-request collection from disk.
func BenchmarkLoad1000(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	dir := b.TempDir()
	if err := bigCollection(dir, 1000).Save(SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := Load(dir)
		if err != nil || len(c.Problems) > 0 {
			b.Fatal(err, c.Problems)
		}
	}
}

// BenchmarkSaveUnchanged1000: a save that changes nothing writes nothing.
func BenchmarkSaveUnchanged1000(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	dir := b.TempDir()
	if err := bigCollection(dir, 1000).Save(SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	c, _ := Load(dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Save(SaveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolve: one request with inherited auth, path variables and a body.
func BenchmarkResolve(b *testing.B) {
	c := bigCollection("", 1)
	f := c.Items[0].(*Folder)
	req := f.Items[0].(*Request)
	env := &Environment{Name: "E", Variables: []Variable{{Key: "host", Value: "api.mist.com"}, {Key: "site_id", Value: "s"}, {Key: "wlan_id", Value: "w"}, {Key: "apitoken", Value: "t"}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := c.Resolve(req, []*Folder{f}, Scope{Env: env}); err != nil {
			b.Fatal(err)
		}
	}
}

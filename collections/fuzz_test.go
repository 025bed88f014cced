package collections

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzLoadRequest feeds any bytes to the loader as a request file and as
// collection.yaml: no panic, and whatever loads cleanly survives a
// save/load round trip unchanged.
func FuzzLoadRequest(f *testing.F) {
	f.Add([]byte("name: A\nmethod: GET\nurl: http://x/:id\npath:\n  - name: id\n    value: '{{v}}'\n"))
	f.Add([]byte("name: B\nmethod: POST\nurl: u\nbody:\n  kind: json\n  text: |\n    {\"a\": 1}\n"))
	f.Add([]byte("name: C\nmethod: X\nurl: u\nauth:\n  type: apikey\n  key: k\n  value: '{{v}}'\n  in: query\nsettings:\n  timeout: 1s\n"))
	f.Add([]byte("name: D\nmethod: GET\nurl: u\nbody:\n  kind: multipart\n  parts:\n    - name: f\n      file: a b\n"))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte("name: [\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, CollectionFile), []byte("name: Fuzz\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "R.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range c.Problems {
			if p.Error() == "" {
				t.Fatal("empty problem")
			}
		}
		if len(c.Items) != 1 {
			t.Fatalf("%d items", len(c.Items))
		}
		req, ok := c.Items[0].(*Request)
		if !ok {
			return
		}
		// Round trip through a fresh directory.
		dir2 := t.TempDir()
		c.Dir = dir2
		c.disk = nil
		req.fileName = ""
		if err := c.Save(SaveOptions{AllowLiteralSecrets: true}); err != nil {
			t.Fatal(err)
		}
		c2, err := Load(dir2)
		if err != nil {
			t.Fatal(err)
		}
		if len(c2.Problems) > 0 {
			t.Fatalf("saved file does not load: %v\n%q", c2.Problems[0], MarshalRequest(req))
		}
		req2 := c2.Items[0].(*Request)
		req.fileName, req2.fileName = "", ""
		if !reflect.DeepEqual(req, req2) {
			t.Fatalf("round trip changed the request:\n%#v\n%#v", req, req2)
		}
		// And resolving it never panics.
		c2.Resolve(req2, nil, Scope{})
	})
}

// FuzzCollectionFile: any collection.yaml loads or is reported.
func FuzzCollectionFile(f *testing.F) {
	f.Add([]byte("name: A\nvariables:\n  - name: x\n    value: y\norder: [a]\n"))
	f.Add([]byte("name: A\nauth:\n  type: nope\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, CollectionFile), data, 0o644)
		c, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Save(SaveOptions{AllowLiteralSecrets: true}); err != nil {
			t.Fatal(err)
		}
	})
}

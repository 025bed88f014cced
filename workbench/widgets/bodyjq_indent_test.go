package widgets

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
)

// indentTo writes what json.Indent writes, for what gojq.Marshal gives.
func TestIndentTo(t *testing.T) {
	for _, s := range []string{`1`, `"a"`, `null`, `[]`, `{}`, `[[]]`, `{"a":{}}`, `[1,[2,{"b":[]}],"x\"y,:{"]`,
		`{"a":"\\","b":[1,2],"c":{"d":null}}`, `"\u2028 é \u0000"`, `[{"":""}]`} {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		b, err := gojq.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		got := newJQOut("")
		if cut := indentTo(got, b); cut || got.buf.String() != want.String() {
			t.Errorf("indentTo(%s) = %q (cut %v), want %q", b, got.buf.String(), cut, want.String())
		}
	}
	out := newJQOut("")
	out.limit = 10
	if !indentTo(out, []byte(`[1,2,3,4,5,6,7,8,9,10,11,12]`)) || out.stop() != errOutputFull {
		t.Errorf("indentTo over the limit: %q", out.buf.String())
	}
}

func FuzzIndentTo(f *testing.F) {
	f.Add(`{"a":[1,{"b":"c\"d"}],"e":{}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		b, err := gojq.Marshal(v)
		if err != nil {
			return
		}
		var want bytes.Buffer
		if json.Indent(&want, b, "", "  ") != nil {
			return
		}
		got := newJQOut("")
		indentTo(got, b)
		if got.buf.String() != want.String() {
			t.Fatalf("indentTo(%s) = %q, want %q", b, got.buf.String(), want.String())
		}
	})
}

// TestIndentToSpills: a large value goes to a temporary file a chunk at
// a time, the buffer stays near spillAt, and the file holds what
// json.Indent gives; a cut stops it a chunk past the limit.
func TestIndentToSpills(t *testing.T) {
	b := []byte("[" + strings.Repeat(`{"a":"xxxxxxxxxxxxxxxx","b":[1,2,3]},`, 100000) + "1]")
	var want bytes.Buffer
	if err := json.Indent(&want, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')
	dir := t.TempDir()
	out := newJQOut(dir)
	if indentTo(out, b) {
		t.Fatalf("cut: %v", out.stop())
	}
	out.buf.WriteByte('\n')
	if out.buf.Cap() > 2*spillAt+64<<10 {
		t.Errorf("buffer cap %d, spill at %d", out.buf.Cap(), spillAt)
	}
	res, err := out.finish()
	if err != nil {
		t.Fatal(err)
	}
	if res.path() == "" || filepath.Dir(res.path()) != dir {
		t.Fatalf("a %d-byte result is not in a file of %s: %q", res.size, dir, res.path())
	}
	got, err := res.bytes()
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("file holds %d bytes (%v), want %d", len(got), err, want.Len())
	}
	res.discard()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("discard left %v", ents)
	}

	const limit = 3 << 20
	out = newJQOut(dir)
	out.limit = limit
	if !indentTo(out, b) || out.stop() != errOutputFull {
		t.Fatalf("not cut: %v", out.stop())
	}
	res, err = out.finish()
	if err != nil {
		t.Fatal(err)
	}
	defer res.discard()
	if res.size < limit || res.size > limit+2*spillAt {
		t.Errorf("cut result of %d bytes for a limit of %d", res.size, limit)
	}
	got, _ = res.bytes()
	if !bytes.HasSuffix(got, []byte("… (result cut at 3.0 MB)\n")) {
		t.Errorf("no cut note: %q", got[max(len(got)-60, 0):])
	}
}

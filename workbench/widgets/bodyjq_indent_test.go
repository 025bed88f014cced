package widgets

import (
	"bytes"
	"encoding/json"
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
		var want, got bytes.Buffer
		if err := json.Indent(&want, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		if cut := indentTo(&got, b, 1<<20); cut || got.String() != want.String() {
			t.Errorf("indentTo(%s) = %q (cut %v), want %q", b, got.String(), cut, want.String())
		}
	}
	var out bytes.Buffer
	if !indentTo(&out, []byte(`[1,2,3,4,5,6,7,8,9,10,11,12]`), 10) || out.Len() > 20 {
		t.Errorf("indentTo over the limit: %q", out.String())
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
		var want, got bytes.Buffer
		if json.Indent(&want, b, "", "  ") != nil {
			return
		}
		indentTo(&got, b, 1<<30)
		if got.String() != want.String() {
			t.Fatalf("indentTo(%s) = %q, want %q", b, got.String(), want.String())
		}
	})
}

// TestIndentToCap: a result cut at the limit does not leave a buffer of
// twice the limit.
func TestIndentToCap(t *testing.T) {
	b := []byte("[" + strings.Repeat(`{"a":"xxxxxxxxxxxxxxxx","b":[1,2,3]},`, 100000) + "1]")
	var out bytes.Buffer
	const limit = 1 << 20
	if !indentTo(&out, b, limit) {
		t.Fatal("not cut")
	}
	if out.Cap() > limit+128<<10 {
		t.Errorf("cap %d for a limit of %d", out.Cap(), limit)
	}
}

package widgets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestReindentMatchesJSONIndent(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `1`, `"s"`, `null`,
		`{"a":1}`, `{"a":[1,2,{"b":null}],"c":{},"d":[]}`,
		`[{"s":"with \"quotes\" and \\ and { [ , : inside"},true,false,-1.5e3]`,
		"{\n  \"already\" : [ 1 , 2 ]\n}\n",
		`{"ctl":"\u001b[2J","uni":"é€𝄞"}`,
	} {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(in), "", "  "); err != nil {
			t.Fatal(err)
		}
		// json.Indent keeps whitespace around the value; compare compacted.
		var compact bytes.Buffer
		json.Compact(&compact, []byte(in))
		want.Reset()
		json.Indent(&want, compact.Bytes(), "", "  ")
		want.WriteByte('\n')
		var got bytes.Buffer
		if err := reindent(context.Background(), &got, strings.NewReader(in), 1<<20, nil); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got.String() != want.String() {
			t.Errorf("%s:\n got %q\nwant %q", in, got.String(), want.String())
		}
	}
	for _, bad := range []string{``, `   `, `{"a":1}}`, `{"a":"unterminated`, `[1,2`, `,`, `1,2`, `[,1]`} {
		var got bytes.Buffer
		if err := reindent(context.Background(), &got, strings.NewReader(bad), 1<<20, nil); !errors.Is(err, errNotJSON) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func FuzzReindent(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}]}`, `[]`, `"\\\""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got bytes.Buffer
		err := reindent(context.Background(), &got, strings.NewReader(in), 1<<20, nil)
		if !json.Valid([]byte(in)) {
			return // any outcome but a panic is fine
		}
		if err != nil {
			t.Fatalf("valid JSON %q: %v", in, err)
		}
		var compact, want bytes.Buffer
		json.Compact(&compact, []byte(in))
		json.Indent(&want, compact.Bytes(), "", "  ")
		want.WriteByte('\n')
		if got.String() != want.String() {
			t.Fatalf("%q:\n got %q\nwant %q", in, got.String(), want.String())
		}
	})
}

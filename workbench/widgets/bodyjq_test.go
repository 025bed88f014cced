package widgets

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
)

func TestStreamable(t *testing.T) {
	for q, want := range map[string]bool{
		".[]":                        true,
		".[] | .a | .b":              true,
		".[].ssid":                   true,
		`.[] | select(.ssid == "x")`: true,
		"def f: .id; .[] | f":        true,
		".[] as $x | .":              false,
		".[], 1":                     false,
		"length":                     false,
		".[0]":                       false,
		"map(.id)":                   false,
		"[.[] | .id]":                false,
		".a[]":                       false,
	} {
		p, err := gojq.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		if got := streamable(p); got != want {
			t.Errorf("streamable(%s) = %v, want %v", q, got, want)
		}
	}
}

// TestRunJQStreamingMatchesWhole runs streamable programs both ways.
func TestRunJQStreamingMatchesWhole(t *testing.T) {
	bodies := []string{
		`[{"id":1,"ssid":"a","tags":["x"]},{"id":2,"ssid":"b","tags":[]},{"id":3,"ssid":"a"}]`,
		`[]`,
		`[1,"two",null,[3]]`,
		"[{\"id\":1}]\n[{\"id\":2}]\n", // NDJSON: falls back to the whole
		`{"id":1,"ssid":"a"}`,          // an object: falls back
	}
	progs := []string{".[]", `.[] | select(.ssid == "a") | .id`, ".[].id?", ".[] | tostring", "def f: {x: .}; .[] | f"}
	for _, body := range bodies {
		for _, prog := range progs {
			q, _ := gojq.Parse(prog)
			code, err := gojq.Compile(q)
			if err != nil {
				t.Fatal(err)
			}
			r := strings.NewReader(body)
			got, gerr := runJQ(context.Background(), context.Background(), &parsedBody{}, r, int64(len(body)), prog)
			// The reference: decode whole, run once per document.
			var want bytes.Buffer
			var werr error
			values, err := (&parsedBody{}).decode(context.Background(), r, int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range values {
				if werr = runOne(context.Background(), code, v, &want); werr != nil {
					break
				}
			}
			if (gerr != nil) != (werr != nil) {
				t.Errorf("%s on %s: err %v, reference %v", prog, body, gerr, werr)
				continue
			}
			if gerr == nil && string(got) != string(finishOutput(&want)) {
				t.Errorf("%s on %s:\n got %q\nwant %q", prog, body, got, want.String())
			}
		}
	}
}

package widgets

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
)

func TestStreamPlan(t *testing.T) {
	for q, want := range map[string]string{
		".[]":                        "[] .[]",
		".[] | .a | .b":              "[] .[] | .a | .b",
		".[].ssid":                   "[] .[].ssid",
		`.[] | select(.ssid == "x")`: `[] .[] | select(.ssid == "x")`,
		"def f: .id; .[] | f":        "[] def f: .id; .[] | f",
		".results[]":                 "[results] .[]",
		".results[].name":            "[results] .[].name",
		".a.b[] | f":                 "[a b] .[] | f",
		".[] as $x | .":              "no",
		".[], 1":                     "no",
		"length":                     "no",
		".[0]":                       "no",
		"map(.id)":                   "no",
		"[.[] | .id]":                "no",
		".a[0][]":                    "no",
		".a?[]":                      "no",
		".[]?":                       "[] .[]?",
		".a":                         "no",
		`."a b"[]`:                   "no",
	} {
		p, err := gojq.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		path, ok := streamPlan(p)
		got := "no"
		if ok {
			got = fmt.Sprintf("%v %s", path, p)
		}
		if got != want {
			t.Errorf("streamPlan(%s) = %s, want %s", q, got, want)
		}
	}
}

// TestRunJQStreamingMatchesWhole runs streamable programs both ways.
func TestRunJQStreamingMatchesWhole(t *testing.T) {
	bodies := []string{
		`[{"id":1,"ssid":"a","tags":["x"]},{"id":2,"ssid":"b","tags":[]},{"id":3,"ssid":"a"}]`,
		`{"total":3,"results":[{"id":1,"ssid":"a"},{"id":2,"ssid":"b"}],"next":{"x":[1,2]}}`,
		`{"results":[{"id":1}],"results":[{"id":2}]}`, // a repeated key: the last wins
		`{"results":{"a":{"id":1}}}`,                  // not an array
		`{"other":[1]}`,                               // no such key
		`{"results":[{"id":1}]} trailing`,             // not JSON after the array
		`[]`,
		`[1,"two",null,[3]]`,
		"[{\"id\":1}]\n[{\"id\":2}]\n", // NDJSON: falls back to the whole
		`{"id":1,"ssid":"a"}`,          // an object: falls back
	}
	progs := []string{".[]", `.[] | select(.ssid == "a") | .id`, ".[].id?", ".[] | tostring", "def f: {x: .}; .[] | f",
		".results[]", ".results[] | .id", ".results[].ssid", ".next.x[] | . * 2"}
	for _, body := range bodies {
		for _, prog := range progs {
			q, _ := gojq.Parse(prog)
			code, err := gojq.Compile(q)
			if err != nil {
				t.Fatal(err)
			}
			r := strings.NewReader(body)
			got, gerr := runJQBytes(context.Background(), context.Background(), &parsedBody{}, r, int64(len(body)), prog)
			// The reference: decode whole, run once per document.
			want := newJQOut("")
			var werr error
			values, werr := decodeJSON(context.Background(), r, int64(len(body)))
			for _, v := range values {
				if werr != nil {
					break
				}
				if werr = runOne(context.Background(), code, v, want); werr != nil {
					break
				}
			}
			if (gerr != nil) != (werr != nil) {
				t.Errorf("%s on %s: err %v, reference %v", prog, body, gerr, werr)
				continue
			}
			if gerr == nil && string(got) != string(finishOutput(want)) {
				t.Errorf("%s on %s:\n got %q\nwant %q", prog, body, got, want.buf.String())
			}
		}
	}
}

// FuzzJQStreaming: on any body, a streamed program gives what the whole
// body gives, or both fail.
func FuzzJQStreaming(f *testing.F) {
	f.Add(`[{"id":1},{"id":2}]`)
	f.Add(`{"results":[{"id":1}],"total":1}`)
	f.Add(`{"results":[1],"results":[2]}`)
	f.Add(`[1] [2]`)
	f.Fuzz(func(t *testing.T, body string) {
		for _, prog := range []string{".[]", ".results[] | .id?", ".[] | tostring"} {
			q, _ := gojq.Parse(prog)
			code, _ := gojq.Compile(q)
			r := strings.NewReader(body)
			got, gerr := runJQBytes(context.Background(), context.Background(), &parsedBody{}, r, int64(len(body)), prog)
			want := newJQOut("")
			values, werr := decodeJSON(context.Background(), r, int64(len(body)))
			for _, v := range values {
				if werr != nil {
					break
				}
				werr = runOne(context.Background(), code, v, want)
			}
			if (gerr != nil) != (werr != nil) {
				t.Fatalf("%s on %q: err %v, whole %v", prog, body, gerr, werr)
			}
			if gerr == nil && string(got) != string(finishOutput(want)) {
				t.Fatalf("%s on %q:\n got %q\nwant %q", prog, body, got, want.buf.String())
			}
		}
	})
}

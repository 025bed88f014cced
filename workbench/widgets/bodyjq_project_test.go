package widgets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/itchyny/gojq"
)

// projPrograms are realistic and awkward jq programs: each must give on
// the projected decode exactly what it gives on the whole body.
var projPrograms = []string{
	".", ".[12345].ssid", ".[0]", ".[1]", ".[-1]", ".[-2].id", ".[2:5]", ".[1:]", ".[-2:]", ".[:2]", ".[:-1]",
	".[2:5] | length", ".[1:] | .[0].id", "first", "last", "first.id", "last | .id",
	"map(.ssid)", "map(.id) | add", ".[] | select(.enabled) | .name", "[.[] | select(.enabled)] | length",
	"length", "keys", "keys_unsorted", "type", ".[] | type", "map(type)", ".a | length", ".a | keys",
	".results[0].id", ".results | length", ".results[] | .id", ".results[-1]", `.results | map(.id)`,
	"{a: .x, b: .y}", "{a, b}", `{"a b"}`, `{$__loc__}`, "{a: .x} | .a", "{a: .x} | length", "[.a, .b]", "[.[] | .x] | add",
	"[.[] | .x] | length", "[.[] | .x][1]", ".a // .b", ".a.b // .c", ".x and .y", ".x or .a",
	"to_entries", "with_entries(.value |= tostring)", "..", "paths", "[paths]", ". as $x | $x.a", ". as [$a, $b] | $b",
	".a as $x | .b | [$x, .]", "reduce .[] as $i (0; .+1)", "foreach .[] as $i (0; .+1)", "def f: .a; f", "def length: .a; length",
	`getpath(["a"])`, "tojson", "tostring", `"\(.a)"`, `"x\(.a.b)y"`, `@base64 "\(.id)"`, "@json", "try .a catch .", "try error(.a) catch .",
	".a.b?", "try (.[0]) catch .", "if .a then .b else .c end", "if .a then .b end", "if .x then .a elif .y then .b else 1 end",
	".a?", ".[\"a\"]", `.["a"].b`, `has("a")`, "has(0)", `has("id") and has("ssid")`, `.[] | has("ssid")`,
	".a | length", "input", "$__loc__", "env.HOME | type", "$ENV | type", ".[.i]", ".a[.i]", ".[.k]", `.["\(.k)"]`,
	".[0.5]", ".[1e1]", ".[null]", ".[\"x\"]?", ".[]?", ".[]", ".[][]", ".[] | .[]?", "map(.auth.type)", "map(select(.vlan_id > 1))",
	"sort_by(.ssid) | .[0]", "sort_by(.ssid) | .[0].id", "sort_by(.ssid) | length", "group_by(.enabled) | length",
	"group_by(.enabled) | .[0][0].id", "min_by(.vlan_id)", "max_by(.vlan_id) | .id", "unique_by(.enabled) | map(.id)",
	"any", "all", "any(.enabled)", "all(.[]; .enabled)", "any(.[]; .id == 2)", "isempty(.[])", "first(.[])", "last(.[])",
	"limit(2; .[])", "limit(1; .[] | .id)", "nth(1)", "range(2)", "range(.n)", "[range(length)]", "empty", "error", "error(.a)",
	"not", ".[] | not", "map(not)", "arrays", "objects", ".[] | objects | .id", ".[] | numbers", "values", "nulls", "scalars",
	"-.a", "-.x", ".x + 1", ".a + .b", ".a == .b", ". == .", ".a = 1", ".a |= . + 1", "del(.a)", "to_entries | map(.key)",
	"[.[] | .id] | sort", "add", "add(.[])", "map(.bands | length)", "map(.auth | has(\"type\"))", "map(keys)",
	"label $f | .[] | if .id == 2 then ., break $f else . end", "[.[] | {id}]", "[.[] | {id, x: .auth.type}]",
	".[0] as $x | .[1] | . + $x", "path(.a)", "[.[] | length]", "map(length)", "length as $n | .[0]", "splits(\"a\")",
	"ascii_downcase?", "tostream", "[tostream] | length", "getpath([\"a\", \"b\"])", "[..] | length", "recurse | numbers",
	".a[1:]", ".a[-1:]", ".a[:-1]", "(.a, .b) | .x", "(.a | .x), .b", ".a[]", ".a[] | .b", ".a[]?.b", "[.a[]?]",
	"1, 2", "null", "\"s\"", "[]", "{}", "1 as $x | .[$x]", "first(.[] | select(.id == 2))", "abs", "length, keys",
	"to_entries[] | .value", "try .[] catch 0", ".[] | try .x catch 1", "map(.x?)", "keys[0] as $k | .[$k]", "in({})",
	"@text", "@csv", "map(tostring)", "implode?", "utf8bytelength", "select(length > 2)", "select(.a) | keys",
	"select(type == \"array\") | .[1]", "if type == \"object\" then .a else .[0] end",
}

// projBodies: nested objects, arrays, duplicate keys, NDJSON, scalars,
// odd strings and numbers, bad JSON.
var projBodies = []string{
	`[{"id":1,"ssid":"a","enabled":true,"vlan_id":3,"auth":{"type":"psk"},"bands":["24","5"]},{"id":2,"ssid":"b","enabled":false,"vlan_id":0},{"id":3,"ssid":"c","enabled":true,"vlan_id":-0}]`,
	`{"total":3,"results":[{"id":1,"ssid":"a"},{"id":2,"ssid":"b"}],"next":{"x":[1,2]}}`,
	`{"a":{"b":1,"x":[1,2]},"b":[3,4],"c":null,"x":1,"y":2,"i":1,"k":"a","n":3}`,
	`{"a":1,"a":2,"b":{"c":1,"c":{"d":2}},"x":true}`,
	`{"a":[1,{"b":2}],"x":false,"y":"s"}`,
	`[[1,2],[3,[4,5]],{"a":1},"s",null,true,1.5]`,
	"[{\"id\":1}]\n[{\"id\":2},{\"id\":3}]\n",
	"{\"a\":1}\n{\"a\":{\"x\":2}}\n{\"b\":3}\n",
	`1`, `"str"`, `null`, `true`, `-0`, `1.0`, `1e2`, `100000000000000000000`, `0.1`, `-5`,
	``, `   `, `[]`, `{}`, `[[]]`, `[{}]`, `{"":1}`,
	`{"a":"\u00e9\ud83d\ude00\ud800x\"\\\/\b\f\n\r\t","k\u0061":1,"é":2}`,
	"{\"a\":\"\xff\xfe bad utf8\",\"b\":\"\xed\xa0\x80\"}",
	`[1,2,3,4,5,6,7,8,9,10]`,
	`{"a":[{"b":{"x":1}},{"b":[1]}],"b":{"x":{"y":1}}}`,
	`[{"x":{"p":1,"q":2}},{"x":[1,2,3]}]`,
	`{"a":{"b":{"c":{"d":{"e":[1,2,{"f":"g"}]}}}}}`,
	`1 2 3`, `"a""b"`, `truefalse`, `[1]2{}`, `01`, `1-2`,
	`[1,2`, `{"a":}`, `nul`, `{"a" 1}`, `[1,]`, `{"a":1,}`, `"\x"`, "\"a\x01\"", `[1] x`, `-`, `1.`, `1e`, `.5`, `+1`, `"\u12"`,
	`{"a":1} {"a":2} garbage`,
}

// bigArray is an array of n objects, more than one batch.
func bigArray(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"ssid":"s-%d","enabled":%v,"auth":{"type":"psk"},"bands":["24"]}`, i, i%7, i%3 == 0)
	}
	b.WriteString("]")
	return b.String()
}

func TestProjectionBatches(t *testing.T) {
	big := bigArray(3000)
	bodies := []string{big, big + " ", big + " [1]", big + " x", big[:len(big)-1], "{\"a\":" + big + "}", `[1, {"id": 1}, "s"]`,
		`{"total":3000,"results":` + big + `,"next":null}`, `{"results":` + big + `,"results":[{"id":1}]}`,
		`{"x":{"results":` + big + `}}`, `{"results":` + big + `} [1]`, `{"results":` + big + `,"a":}`}
	progs := append([]string{"map(.id)", "[.[] | .id] | length", "map(select(.id > 2500)) | length", ".[] | .id", ".[].ssid",
		"map(if .id == 2000 then error(\"x\") else . end)", "map(if .id == 2000 then error(\"x\") else . end) | length",
		".[] | if .id == 2000 then error(.) else .id end", "map(.a) | .x", "map(.auth) | .[2999]", "[.[]] | length",
		"[.[] | .auth.type] | unique", "map(.id) | add", "[.[] | select(.enabled)] | length", "map(.ssid) | .[-1]",
		".[] | halt", "map(halt)", ".[] | .id?", "[.[] | keys] | .[5]", "map(.bands) | map(length) | add",
		".results[] | .id", ".results[].ssid",
		// Repeated small objects and arrays are shared by the decoder: an
		// update of one must not show in another.
		`.[0].auth.type = "x" | .[1].auth`, `[.[].auth] | .[0].type = "y" | .[0:2]`, `map(.bands += ["6"]) | .[0:2]`,
		`.[0].bands[0] = "9" | .[0:3] | map(.bands)`, `.[0].auth |= . + {"k": 1} | .[:2] | map(.auth)`, `del(.[0].auth.type) | .[1]`,
		`to_entries | .[0].value.auth.type = 1 | .[1].value.auth`, `reduce .[] as $e ({}; .[$e.ssid] = $e.auth) | .["s-1"]`, ".results[] | select(.enabled) | .auth", ".x.results[] | .id", ".results[]"}, projPrograms[:40]...)
	for bi, body := range bodies {
		for i, prog := range progs {
			if (i+bi)%raceStride == 0 {
				sameRun(t, prog, body)
			}
		}
	}
}

// refRun is the reference: the whole body decoded by encoding/json, the
// program run on each value.
func refRun(ctx context.Context, prog, body string) (string, error) {
	q, err := gojq.Parse(prog)
	if err != nil {
		return "", fmt.Errorf("jq: %w", err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return "", fmt.Errorf("jq: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var values []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("body is not JSON: %w", err)
		}
		values = append(values, v)
	}
	out := newJQOut("")
	for _, v := range values {
		if err := runOne(ctx, code, v, out); err != nil {
			return out.buf.String(), err
		}
	}
	return out.buf.String(), nil
}

// projRun decodes the body for the program's need and runs it.
func projRun(ctx context.Context, prog, body string) (string, error) {
	q, err := gojq.Parse(prog)
	if err != nil {
		return "", fmt.Errorf("jq: %w", err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return "", fmt.Errorf("jq: %w", err)
	}
	values, err := projectedDecode(ctx, strings.NewReader(body), int64(len(body)), programNeed(q))
	if errors.Is(err, errProjFallback) {
		return "", fmt.Errorf("projected decode refused a body encoding/json takes")
	}
	if err != nil {
		return "", err
	}
	out := newJQOut("")
	for _, v := range values {
		if err := runOne(ctx, code, v, out); err != nil {
			return out.buf.String(), err
		}
	}
	return out.buf.String(), nil
}

func sameRun(t *testing.T, prog, body string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	want, werr := refRun(ctx, prog, body)
	got, gerr := projRun(ctx, prog, body)
	if ctx.Err() != nil {
		return // a program that does not end
	}
	if fmt.Sprint(gerr) != fmt.Sprint(werr) || got != want {
		t.Errorf("%s on %q (need %s):\n got %q, %v\nwant %q, %v", short(body), prog, needString(prog), got, gerr, want, werr)
	}
	// The whole path of the view: batches, projection or the whole body.
	out, err := runJQBytes(ctx, ctx, &parsedBody{}, strings.NewReader(body), int64(len(body)), prog)
	if ctx.Err() != nil {
		return
	}
	if werr != nil {
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Errorf("runJQ %s on %q: err %v, want %v", prog, short(body), err, werr)
		}
		return
	}
	wb := newJQOut("")
	wb.buf.WriteString(want)
	if wantOut := finishOutput(wb); err != nil || string(out) != string(wantOut) {
		t.Errorf("runJQ %s on %q:\n got %q, %v\nwant %q", prog, short(body), out, err, wantOut)
	}
}

func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func needString(prog string) string {
	q, err := gojq.Parse(prog)
	if err != nil {
		return "-"
	}
	return programNeed(q).String()
}

// sameDecode: asked for all, the projecting decoder gives encoding/json's
// values, or its error.
func sameDecode(t *testing.T, body string) {
	t.Helper()
	ctx := context.Background()
	want, werr := decodeJSON(ctx, strings.NewReader(body), int64(len(body)))
	got, gerr := projectedDecode(ctx, strings.NewReader(body), int64(len(body)), needAll)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
		t.Errorf("decode %q:\n got %#v, %v\nwant %#v, %v", short(body), got, gerr, want, werr)
	}
}

func TestProjectionMatchesWhole(t *testing.T) {
	for bi, body := range projBodies {
		sameDecode(t, body)
		for i, prog := range projPrograms {
			if (i+bi)%raceStride == 0 {
				sameRun(t, prog, body)
			}
		}
	}
}

// TestProjectionNeeds: the analysis sees what these programs look at.
func TestProjectionNeeds(t *testing.T) {
	for prog, want := range map[string]string{
		".":                                 "all",
		".[12345].ssid":                     "[12345:{ssid:all}]",
		"map(.ssid)":                        "[*:{ssid:all}]",
		"length":                            "shallow",
		"[.[] | select(.enabled)] | length": "[*:{enabled:type}]",
		"sort_by(.ssid) | .[0]":             "[*:all]",
		"sort_by(.ssid) | .[0].id":          "[*:{id:all ssid:all}]",
		".[-1]":                             "[-1:all]",
		"def f: .a; f":                      "all",
		". as $x | $x.a":                    "all",
		"{a: .x, b: .y}":                    "{x:all y:all}",
		`has("a")`:                          "{a:-}",
		"1":                                 "-",
		"to_entries | length":               "shallow",
		"to_entries | map(.value.id)":       "shallow [*:{id:all}]",
		"to_entries | map(.key)":            "shallow",
	} {
		if got := needString(prog); got != want {
			t.Errorf("need(%s) = %s, want %s", prog, got, want)
		}
	}
}

// FuzzProjection: any program on any body gives on the projected decode
// what it gives on the whole body, or both fail; nothing panics.
func FuzzProjection(f *testing.F) {
	for i, b := range projBodies {
		f.Add(projPrograms[i*7%len(projPrograms)], b)
	}
	f.Add(".[1].a", `[{"a":1},{"a":{"b":2},"c":3}]`)
	f.Add(".a[-1]", `{"a":[1,2,3]}`)
	f.Fuzz(func(t *testing.T, prog, body string) {
		q, err := gojq.Parse(prog)
		if err != nil {
			return
		}
		if _, err := gojq.Compile(q); err != nil {
			return
		}
		if strings.Contains(prog, "now") || strings.Contains(prog, "input") || strings.Contains(prog, "debug") || strings.Contains(prog, "stderr") {
			return
		}
		sameDecode(t, body)
		sameRun(t, prog, body)
	})
}

// TestDecodeShares: a short object that repeats is decoded once.
func TestDecodeShares(t *testing.T) {
	body := `[{"auth":{"type":"psk"},"id":1},{"auth":{"type":"psk"},"id":2}]`
	vals, err := projectedDecode(context.Background(), strings.NewReader(body), int64(len(body)), needAll)
	if err != nil {
		t.Fatal(err)
	}
	arr := vals[0].([]any)
	a0, a1 := arr[0].(map[string]any)["auth"], arr[1].(map[string]any)["auth"]
	if reflect.ValueOf(a0).Pointer() != reflect.ValueOf(a1).Pointer() {
		t.Error("the repeated auth object was decoded twice")
	}
	if reflect.ValueOf(arr[0]).Pointer() == reflect.ValueOf(arr[1]).Pointer() {
		t.Error("different objects share")
	}
}

package widgets

import (
	"context"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
)

// keyedPrograms order or pick elements by a key (runKeyed).
var keyedPrograms = []string{
	"sort_by(.ssid)", "sort_by(.ssid) | .[0]", "sort_by(.ssid) | .[-1].id", "sort_by(.ssid) | length", "sort_by(.ssid) | .",
	"sort_by(.ssid) | map(.id)", "sort_by(.ssid; .id)", "sort_by(.id, .ssid) | .[1:3]", "sort_by(.ssid) | .[2:4] | map(.id)",
	"sort_by(-.id) | first", "sort_by(.enabled) | .[] | .id", "sort_by(.x) | .[0]", "sort_by(.ssid) | .a",
	"sort_by(.ssid) | tostring | length", "sort_by(.ssid) | .[0] | keys", "sort_by(.ssid) | map(type)",
	"group_by(.enabled)", "group_by(.ssid) | length", "group_by(.ssid) | .[0]", "group_by(.ssid) | map(length)",
	"group_by(.ssid) | .[1][0].id", "group_by(.ssid) | map(.[0].id)", "group_by(.ssid) | .[-1] | length", "group_by(.ssid) | map(type)",
	"unique_by(.ssid)", "unique_by(.ssid) | map(.id)", "unique_by(.enabled) | length", "unique_by(.bands)",
	"min_by(.ssid)", "max_by(.ssid)", "min_by(.enabled) | .id", "max_by(.id) | .ssid", "min_by(.x)", "max_by(.ssid) | keys",
	"sort_by(error(\"boom\"))", "sort_by(if .id == 2500 then error(.) else .id end) | .[0]", "group_by(.ssid[0:1]) | length",
	"sort_by(.ssid) | .[0] | .x.y", "sort_by(.auth.type) | .[-2:]", "min_by(empty)", "sort_by(empty) | .[0].id",
	"to_entries", "to_entries | length", "to_entries | .[1]", "to_entries | map(.key)", "to_entries | map(.value.id) | add",
	"to_entries[0]", "to_entries | .[0].value.ssid", "to_entries | map(select(.value.enabled)) | length", "to_entries | from_entries",
	"to_entries | .[-1].key", "to_entries | map(type)", "to_entries | .", "to_entries | .[0] | keys", "to_entries | .a",
	"sort_by(.ssid, .id) | .[0:3]", "sort_by(.ssid) | .[0] as $x | $x.id", "group_by(.ssid) | .[0] | .[1:]",
}

var keyedBodies = []string{
	bigArray(3000), bigArray(5), `[]`, `[1, "a", null, {"ssid": "b"}, [2], true]`, `[{"ssid":"b","id":1},{"ssid":"a","id":2},{"ssid":"b","id":3},{"ssid":"a","id":0}]`,
	`{"ssid": "x"}`, "[{\"id\":1}]\n[{\"id\":2},{\"id\":3}]\n", `[{"id":1}] x`, `[{"id":1},`, `"s"`, `[{"ssid":"a","ssid":"b","id":1},{"ssid":"a","id":2}]`,
	`[{"ssid":1.0,"id":1},{"ssid":1,"id":2},{"ssid":1e0,"id":3}]`, `[[3,1],[2],[1,2,3]]`,
}

// TestKeyedMatchesWhole: sort_by, group_by, unique_by, min_by and max_by
// by a key, and to_entries, give what gojq gives on the whole body,
// errors included.
func TestKeyedMatchesWhole(t *testing.T) {
	for _, body := range keyedBodies {
		for _, prog := range keyedPrograms {
			sameRun(t, prog, body)
		}
	}
}

func TestKeyedPlan(t *testing.T) {
	for prog, want := range map[string]string{
		"sort_by(.a)":           "sort_by",
		"sort_by(.a) | .[0]":    "sort_by",
		"group_by(.a) | length": "group_by",
		"min_by(.a)":            "min_by",
		"sort_by(.a)[0]":        "",
		"def f: .; sort_by(f)":  "",
		"sort":                  "",
		". as $x | sort_by(.a)": "",
	} {
		q, err := gojq.Parse(prog)
		if err != nil {
			t.Fatal(err)
		}
		name, _, _, _ := keyedPlan(q)
		if name != want {
			t.Errorf("keyedPlan(%s) = %q, want %q", prog, name, want)
		}
	}
}

// TestKeyedRuns: on one array the plan runs (no whole decode), and it
// does not when the key is the whole element.
func TestKeyedRuns(t *testing.T) {
	body := bigArray(3000)
	for prog, want := range map[string]bool{"sort_by(.ssid) | .[0]": true, "group_by(.ssid)": true, "sort_by(.)": false, "min_by(.auth)": true, "max_by(tostring)": false, "to_entries | length": true, "to_entries": true} {
		q, _ := gojq.Parse(prog)
		out := newJQOut("")
		ok, err := runInBatches(context.Background(), strings.NewReader(body), int64(len(body)), prog, q, out)
		if ok != want || err != nil {
			t.Errorf("%s: ran %v, %v; want %v", prog, ok, err, want)
		}
		out.discard()
	}
}

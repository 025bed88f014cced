package postman

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

// scanInputs are the fixtures, an export of the Mist starter, and shapes
// at the edges of what the fast decoder reads.
func scanInputs(t testing.TB) [][]byte {
	files, _ := filepath.Glob("testdata/*.json")
	var inputs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	exp, err := Export(collections.MistStarter())
	if err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, exp)
	for _, item := range []string{
		`{"name": "s", "request": "http://127.0.0.1/s?a=%20b"}`,
		`{"name": "n", "request": null}`,
		`{"name": "N", "Request" :  null}`,
		`{"name": "U", "req\u0075est": null}`,
		`{"name": "e\u00e9\ud83d\ude00\ud800x\t\"\\\/\b\f\n\r", "request": {}}`,
		`{"name": "é \u00e9", "request": {}}`,
		"{\"name\": \"bad \xff utf8\", \"request\": {}}",
		`{"name": "dup", "name": "twice", "request": {}}`,
		`{"name": "fold", "NAME": "twice", "request": {}}`,
		`{"name": "k\u212a", "request": {"url": {"raw": "x", "query": []}, "header": []}}`,
		`{"name": "u", "request": {"url": "http://127.0.0.1/u", "header": "A: 1\nB: 2"}}`,
		`{"name": "x", "request": {"url": 7}}`,
		`{"name": "h", "request": {"url": {"raw": "http://127.0.0.1/h", "query": null, "variable": [null]}, "header": [{"key": "A", "value": 1}, {"key": "B", "value": null}, null]}}`,
		`{"name": "e", "item": [], "request": {"url": "http://x"}}`,
		`{"name": "i", "item": null, "request": null}`,
		`{"name": "d", "description": {"content": "described"}, "request": {"url": null, "header": null, "description": "\"request\": null"}}`,
		`{"name": "b", "request": {"body": {"mode": "raw", "raw": null, "options": {"raw": {"language": "json"}}, "disabled": false}}}`,
		`{"name": "b2", "request": {"body": {"mode": "formdata", "formdata": [{"key": "f", "type": "file", "src": ["a", "b"]}], "urlencoded": [{"key": "a", "value": "1", "disabled": true}]}}}`,
		`{"name": "b3", "request": {"body": null, "method": null}}`,
		`{"name": "x1", "request": {}, "_mistbench": {"expectStatus": [200, 201], "expectJQ": [".a", null], "captures": [{"var": "v", "jq": ".id"}, null], "timeout": "3s", "allPages": true}}`,
		`{"name": "x2", "request": {}, "_mistbench": {"expectStatus": [-1, 2.0, 1e2]}}`,
		`{"name": "x3", "request": {}, "_mistbench": {"expectStatus": [0, 01]}}`,
		`{"name": "x4", "request": {}, "_mistbench": {"expectStatus": [ 200 , 99999999999 ]}}`,
		`{"name": "x5", "request": {}, "_mistbench": {"expectStatus": null, "captures": null, "expectJQ": null}}`,
		`{"name": "x6", "request": {}, "_mistbench": {"expectStatus": [], "captures": [], "expectJQ": []}}`,
		`{"name": "x7", "request": {}, "_mistbench": null}`,
		`{"name": "r", "request": {}, "response": [ ], "event": []}`,
		`{"name": "r2", "request": {}, "response": [{"name": "ok", "code": 200, "body": "{}"}]}`,
		`{"name": "t", "request": {"method": true}}`,
		`{"name": "skip", "other": {"a": [1, -2.5e+3, true, false, null, "\u0041", {"é\u0041": 0}], "b": {}}, "request": {}}`,
		`{"name": "v", "variable": [{"key": "a", "value": 1, "type": "secret", "disabled": null}], "request": {}}`,
		`{"name": "bad", "other": [1 2], "request": {}}`,
		`{"name": "bad2", "other": 01, "request": {}}`,
		`{"name": "bad3", "other": "\x", "request": {}}`,
		`{"name": "bad4", "other": tru, "request": {}}`,
	} {
		inputs = append(inputs, []byte(`{"info": {"name": "shapes", "schema": "`+Schema21+`"}, "item": [`+item+`], "variable": []}`))
	}
	inputs = append(inputs,
		[]byte(`{"info": null, "item": null}`),
		[]byte(`{"info": {}, "item": []} x`),
		[]byte("{\"info\": {}, \"item\": []} \x00"),
		[]byte(`{"info": {}, "item": []}  `),
		[]byte(`{"info": {}, "item": [], "_mistbench": {"environments": [{"name": "e", "values": [{"key": "k", "value": "v"}]}], "headers": [{"key": "h", "value": "v"}], "insecure": true}}`),
		[]byte(`[]`),
		[]byte(`null`),
		[]byte(``),
	)
	return inputs
}

// checkFast holds fastUnmarshal to json.Unmarshal: the same result
// whenever it reads the input, and never a result where json.Unmarshal
// fails.
func checkFast(t *testing.T, data []byte) bool {
	var want fastCollection
	werr := json.Unmarshal(data, &want)
	var got fastCollection
	if fastUnmarshal(data, &got) != nil {
		return false
	}
	if werr != nil {
		t.Fatalf("fastUnmarshal read what json.Unmarshal refuses (%v):\n%s", werr, data)
	}
	sortOthers(&want)
	sortOthers(&got)
	if !reflect.DeepEqual(got, want) {
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		t.Fatalf("fastUnmarshal and json.Unmarshal differ on\n%s\njson: %s\nfast: %s", data, a, b)
	}
	return true
}

// sortOthers puts the settings pmBehavior keeps in a map's order in one.
func sortOthers(fc *fastCollection) {
	sortB := func(b *pmBehavior) {
		if b != nil {
			slices.Sort(b.others)
		}
	}
	var items func([]*fastItem)
	items = func(its []*fastItem) {
		for _, it := range its {
			if it != nil {
				sortB(it.Behavior)
				if it.Item != nil {
					items(*it.Item)
				}
			}
		}
	}
	sortB(fc.Behavior)
	items(fc.Item)
}

func TestFastDecodeIsUnmarshal(t *testing.T) {
	read := 0
	for _, data := range scanInputs(t) {
		if checkFast(t, data) {
			read++
		}
	}
	if read < 20 {
		t.Errorf("fastUnmarshal read only %d inputs", read)
	}
	// What Postman and mistbench write goes the fast way.
	exp, _ := Export(collections.MistStarter())
	for name, data := range map[string][]byte{"an export": exp} {
		var fc fastCollection
		if err := fastUnmarshal(data, &fc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	data, _ := os.ReadFile("testdata/community.postman_collection.json")
	var pc pmCollection
	if !decodeFast(data, &pc) {
		t.Error("community collection: not read the fast way")
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, data := range scanInputs(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data)
	})
}

package sandbox

import "testing"

// Mist answers bad JSON with Python's json module's words and positions;
// the expectations are what python3's json.loads says of each input.
func TestJSONErrorsInPythonsWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"ssid": "a",}`, "Expecting property name enclosed in double quotes: line 1 column 14 (char 13)"},
		{"{\n  \"ssid\": NewName\n}", "Expecting value: line 2 column 11 (char 12)"},
		{`{"a" 1}`, "Expecting ':' delimiter: line 1 column 6 (char 5)"},
		{`{"a":1 "b":2}`, "Expecting ',' delimiter: line 1 column 8 (char 7)"},
		{`[1 2]`, "Expecting ',' delimiter: line 1 column 4 (char 3)"},
		{"{\"a\":\"x\ny\"}", "Invalid control character at: line 1 column 8 (char 7)"},
		{`{"a":"\q"}`, `Invalid \escape: line 1 column 7 (char 6)`},
		{`{"a":1} {}`, "Extra data: line 1 column 9 (char 8)"},
		{``, "Expecting value: line 1 column 1 (char 0)"},
		{`{"a":`, "Expecting value: line 1 column 6 (char 5)"},
		{`{"a":01}`, "Expecting ',' delimiter: line 1 column 7 (char 6)"},
	} {
		_, err := parseJSONObject([]byte(tc.in))
		if err == nil || err.Error() != "JSON parse error - "+tc.want {
			t.Errorf("%q: got %v\n want JSON parse error - %s", tc.in, err, tc.want)
		}
	}
}

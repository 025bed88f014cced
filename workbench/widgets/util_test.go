package widgets

import "testing"

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain":               "plain",
		"a\x1b[31mb":          "a␛[31mb",
		"bell\a":              "bell␇",
		"tab\there":           "tab here",
		"nl\r\n":              "nl␍␊",
		"del\x7f":             "del␡",
		"c1\u009b":            "c1\ufffd",
		"bad\xff utf8":        "bad\ufffd utf8",
		"rtl\u202eevil\u2066": "rtl\ufffdevil\ufffd",
		"é€𝄞":                 "é€𝄞",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KB", 1536: "1.5 KB", 50 << 20: "50.0 MB", 3 << 30: "3.0 GB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestIsBinaryAndLexer(t *testing.T) {
	for _, tc := range []struct {
		ct     string
		head   string
		binary bool
		lexer  string
	}{
		{"application/json", `{"a":1}`, false, "json"},
		{"application/vnd.api+json; charset=utf-8", `{}`, false, "json"},
		{"", ` [1]`, false, "json"},
		{"text/plain", `hello`, false, ""},
		{"application/xml", `<a/>`, false, "xml"},
		{"text/html", `<p>`, false, "html"},
		{"application/x-yaml", `a: 1`, false, "yaml"},
		{"image/png", "\x89PNG", true, ""},
		{"text/plain", "nul\x00inside", true, ""},
		{"", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", true, ""},
		{"text/plain", "utf8 cut at the end \xe2\x82", false, ""},
		{"bogus;;;", `{"a":1}`, false, "json"},
	} {
		if got := isBinary(tc.ct, []byte(tc.head)); got != tc.binary {
			t.Errorf("isBinary(%q, %q) = %v", tc.ct, tc.head, got)
		}
		if tc.binary {
			continue
		}
		if got := lexerFor(tc.ct, []byte(tc.head)); got != tc.lexer {
			t.Errorf("lexerFor(%q, %q) = %q, want %q", tc.ct, tc.head, got, tc.lexer)
		}
	}
}

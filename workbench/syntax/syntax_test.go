package syntax

import (
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
)

func tokens(t *testing.T, lang, text string) []chroma.Token {
	t.Helper()
	l := Lexer(lang)
	if l == nil {
		t.Fatalf("no lexer for %q", lang)
	}
	it, err := chroma.Coalesce(l).Tokenise(nil, text)
	if err != nil {
		t.Fatal(err)
	}
	toks := it.Tokens()
	var b strings.Builder
	for _, tok := range toks {
		b.WriteString(tok.Value)
	}
	if b.String() != text {
		t.Fatalf("%s: tokens do not rebuild the text: %q", lang, b.String())
	}
	return toks
}

func has(toks []chroma.Token, typ chroma.TokenType, value string) bool {
	for _, tok := range toks {
		if tok.Type.InCategory(typ) && strings.Contains(tok.Value, value) {
			return true
		}
	}
	return false
}

func TestLexers(t *testing.T) {
	cases := []struct {
		lang, text string
		typ        chroma.TokenType
		want       string
	}{
		{"json", `{"ssid": "NewName", "vlan_id": 42}`, chroma.LiteralNumber, "42"},
		{"yaml", "name: Get WLAN\nmethod: GET\n", chroma.Literal, "GET"},
		{"xml", `<a href="x">t</a>`, chroma.NameTag, "a"},
		{"html", "<html><script>var x = 1;</script><style>a{color:red}</style></html>", chroma.Keyword, "var"},
		{"python", "import requests\nr = requests.get('x')\n", chroma.Keyword, "import"},
		{"go", "package main\n\nfunc main() { s := `raw` }\n", chroma.KeywordDeclaration, "func"},
		{"curl", "curl -X PUT 'https://x' \\\n  -H 'A: b'\n", chroma.LiteralString, "https://x"},
	}
	for _, tc := range cases {
		toks := tokens(t, tc.lang, tc.text)
		if !has(toks, tc.typ, tc.want) {
			t.Errorf("%s: no %v token %q in %v", tc.lang, tc.typ, tc.want, toks)
		}
	}
	if Lexer("cobol-85") != nil || Lexer("") != nil {
		t.Error("unknown names should give nil")
	}
	if Style().Get(chroma.Keyword).Colour.String() == "" {
		t.Error("style has no keyword colour")
	}
}

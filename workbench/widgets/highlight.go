package widgets

import (
	"mime"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/gdamore/tcell/v2"
)

// lexerFor picks a chroma lexer name for a content type, or "" for plain.
func lexerFor(contentType string, head []byte) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch {
	case strings.HasSuffix(mt, "json") || strings.HasSuffix(mt, "+json"):
		return "json"
	case strings.HasSuffix(mt, "xml"):
		return "xml"
	case mt == "text/html":
		return "html"
	case strings.Contains(mt, "yaml"):
		return "yaml"
	}
	if looksJSON(head) {
		return "json"
	}
	return ""
}

// looksJSON reports whether b starts like a JSON object or array.
func looksJSON(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// tokenStyle maps a chroma token to a terminal style. A small fixed palette
// reads well on dark and light backgrounds alike.
func tokenStyle(base tcell.Style, t chroma.TokenType) tcell.Style {
	switch {
	case t == chroma.NameTag:
		return base.Foreground(tcell.ColorDodgerBlue)
	case t == chroma.NameAttribute:
		return base.Foreground(tcell.ColorDarkCyan)
	case t.InCategory(chroma.LiteralString):
		return base.Foreground(tcell.ColorGreen)
	case t.InCategory(chroma.LiteralNumber):
		return base.Foreground(tcell.ColorDarkOrange)
	case t.InCategory(chroma.Keyword):
		return base.Foreground(tcell.ColorMediumPurple)
	case t.InCategory(chroma.Comment):
		return base.Foreground(tcell.ColorGray)
	}
	return base
}

// highlightLine returns one style per byte of line. Lines are lexed one at
// a time (only the visible ones), which is exact for pretty-printed JSON,
// whose tokens never span lines, and close enough for XML and YAML.
func highlightLine(lexerName string, line []byte, base tcell.Style) []tcell.Style {
	styles := make([]tcell.Style, len(line))
	for i := range styles {
		styles[i] = base
	}
	if lexerName == "json" {
		highlightJSONLine(line, styles, base)
		return styles
	}
	l := lexers.Get(lexerName)
	if l == nil {
		return styles
	}
	it, err := chroma.Coalesce(l).Tokenise(nil, string(line))
	if err != nil {
		return styles
	}
	pos := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		st := tokenStyle(base, tok.Type)
		for k := 0; k < len(tok.Value) && pos < len(styles); k++ {
			styles[pos] = st
			pos++
		}
	}
	return styles
}

// highlightJSONLine colours one line of JSON. chroma's JSON lexer needs the
// whole document to tell keys from string values, so lines lexed alone
// come out wrong; this small scanner needs only the line.
func highlightJSONLine(line []byte, styles []tcell.Style, base tcell.Style) {
	key := tokenStyle(base, chroma.NameTag)
	str := tokenStyle(base, chroma.LiteralString)
	num := tokenStyle(base, chroma.LiteralNumber)
	kw := tokenStyle(base, chroma.Keyword)
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(line) && line[j] != '"' {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(line))
			st := str
			k := j
			for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
				k++
			}
			if k < len(line) && line[k] == ':' {
				st = key
			}
			fill(styles, i, j, st)
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(line) && strings.IndexByte("0123456789.eE+-", line[j]) >= 0 {
				j++
			}
			fill(styles, i, j, num)
			i = j
		case c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(line) && line[j] >= 'a' && line[j] <= 'z' {
				j++
			}
			fill(styles, i, j, kw)
			i = j
		default:
			i++
		}
	}
}

func fill(styles []tcell.Style, from, to int, st tcell.Style) {
	for i := from; i < to && i < len(styles); i++ {
		styles[i] = st
	}
}

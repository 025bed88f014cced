package widgets

import (
	"mime"
	"strings"

	"github.com/alecthomas/chroma/v2"

	"github.com/gdamore/tcell/v2"
	"github.com/mistbench/mistbench/workbench/syntax"
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

// hlClass is the colour class of one byte of a highlighted line. Lines
// keep one byte per byte of text (a style is 70 bytes), so caching the
// rows seen stays cheap.
type hlClass uint8

const (
	hlPlain hlClass = iota
	hlKey
	hlAttr
	hlString
	hlNumber
	hlKeyword
	hlComment
)

// tokenClass maps a chroma token to a colour class.
func tokenClass(t chroma.TokenType) hlClass {
	switch {
	case t == chroma.NameTag:
		return hlKey
	case t == chroma.NameAttribute:
		return hlAttr
	case t.InCategory(chroma.LiteralString):
		return hlString
	case t.InCategory(chroma.LiteralNumber):
		return hlNumber
	case t.InCategory(chroma.Keyword):
		return hlKeyword
	case t.InCategory(chroma.Comment):
		return hlComment
	}
	return hlPlain
}

// classStyle is the style of a class. A small fixed palette reads well on
// dark and light backgrounds alike.
func classStyle(base tcell.Style, c hlClass) tcell.Style {
	switch c {
	case hlKey:
		return base.Foreground(tcell.ColorDodgerBlue)
	case hlAttr:
		return base.Foreground(tcell.ColorDarkCyan)
	case hlString:
		return base.Foreground(tcell.ColorGreen)
	case hlNumber:
		return base.Foreground(tcell.ColorDarkOrange)
	case hlKeyword:
		return base.Foreground(tcell.ColorMediumPurple)
	case hlComment:
		return base.Foreground(tcell.ColorGray)
	}
	return base
}

// highlightLine returns the class of each byte of line. Lines are lexed
// one at a time (only the visible ones), which is exact for pretty-printed
// JSON, whose tokens never span lines, and close enough for XML and YAML.
func highlightLine(lexerName string, line []byte) []hlClass {
	classes := make([]hlClass, len(line))
	if lexerName == "json" {
		highlightJSONLine(line, classes)
		return classes
	}
	l := syntax.Lexer(lexerName)
	if l == nil {
		return classes
	}
	it, err := chroma.Coalesce(l).Tokenise(nil, string(line))
	if err != nil {
		return classes
	}
	pos := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		c := tokenClass(tok.Type)
		for k := 0; k < len(tok.Value) && pos < len(classes); k++ {
			classes[pos] = c
			pos++
		}
	}
	return classes
}

// highlightJSONLine colours one line of JSON. chroma's JSON lexer needs the
// whole document to tell keys from string values, so lines lexed alone
// come out wrong; this small scanner needs only the line.
func highlightJSONLine(line []byte, classes []hlClass) {
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
			cl := hlString
			k := j
			for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
				k++
			}
			if k < len(line) && line[k] == ':' {
				cl = hlKey
			}
			fill(classes, i, j, cl)
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(line) && strings.IndexByte("0123456789.eE+-", line[j]) >= 0 {
				j++
			}
			fill(classes, i, j, hlNumber)
			i = j
		case c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(line) && line[j] >= 'a' && line[j] <= 'z' {
				j++
			}
			fill(classes, i, j, hlKeyword)
			i = j
		default:
			i++
		}
	}
}

func fill(classes []hlClass, from, to int, c hlClass) {
	for i := from; i < to && i < len(classes); i++ {
		classes[i] = c
	}
}

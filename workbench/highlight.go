package workbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/internal/termsafe"
	"github.com/mistbench/mistbench/workbench/syntax"
)

// highlightLimit is the largest body that is pretty-printed and
// highlighted; bigger ones are shown plain. Chroma's lexers are regexp
// driven (about 1 µs a byte), so this bounds the wait for the colours.
const highlightLimit = 64 << 10

// Sanitize makes untrusted text safe for the terminal (termsafe: every
// control character but newline and tab becomes inert visible text) and
// expands tabs, which tview does not.
func Sanitize(s string) string {
	s = termsafe.String(s)
	if strings.IndexByte(s, '\t') >= 0 {
		s = strings.ReplaceAll(s, "\t", "    ")
	}
	return s
}

// Safe is Sanitize followed by tview's tag escaping: any text from outside
// (bodies, headers, names) goes through it before reaching a tview widget
// that interprets tags.
func Safe(s string) string {
	s = Sanitize(s)
	if strings.IndexByte(s, '[') < 0 {
		return s // tview.Escape runs a regexp: skip it when there is no tag
	}
	return tview.Escape(s)
}

// BodyLanguage guesses the language of a body from its Content-Type and
// content: "json", "xml", "html", "yaml" or "".
func BodyLanguage(contentType string, body []byte) string {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "json"):
		return "json"
	case strings.Contains(ct, "html"):
		return "html"
	case strings.Contains(ct, "xml"):
		return "xml"
	case strings.Contains(ct, "yaml"):
		return "yaml"
	}
	t := bytes.TrimSpace(body)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
		return "json"
	}
	if bytes.HasPrefix(t, []byte("<?xml")) {
		return "xml"
	}
	return ""
}

// RenderBody returns the body as tview text: pretty-printed and
// highlighted when it is small enough, plain (and still safe) otherwise.
func RenderBody(contentType string, body []byte) string {
	lang := BodyLanguage(contentType, body)
	text := string(body)
	if len(body) > highlightLimit || lang == "" {
		return Safe(text)
	}
	if lang == "json" {
		var buf bytes.Buffer
		if json.Indent(&buf, body, "", "  ") == nil {
			text = buf.String()
		}
	}
	return Highlight(lang, text)
}

// Highlight colours text in language lang (a chroma lexer name) as tview
// text. Every token is sanitised and escaped first.
func Highlight(lang, text string) string {
	lexer := syntax.Lexer(lang)
	if lexer == nil {
		return Safe(text)
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, text)
	if err != nil {
		return Safe(text)
	}
	var b strings.Builder
	b.Grow(len(text) * 2)
	for tok := it(); tok != chroma.EOF; tok = it() {
		entry := syntax.Style().Get(tok.Type)
		val := Safe(tok.Value)
		if entry.Colour.IsSet() && tok.Type != chroma.Text && tok.Type != chroma.TextWhitespace {
			fmt.Fprintf(&b, "[%s]%s[-]", entry.Colour.String(), val)
		} else {
			b.WriteString(val)
		}
	}
	return b.String()
}

var varPattern = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// HighlightURL colours {{variables}} and :path variables of a raw URL as
// tview text: known ones in cyan, unresolved ones (listed as the resolver
// names them: "name" or ":name") in the warning colour.
func HighlightURL(raw string, unresolved []string) string {
	bad := map[string]bool{}
	for _, n := range unresolved {
		bad[n] = true
	}
	var b strings.Builder
	rest := raw
	for rest != "" {
		loc := varPattern.FindStringIndex(rest)
		chunk := rest
		if loc != nil {
			chunk = rest[:loc[0]]
		}
		b.WriteString(highlightPathVars(chunk, bad))
		if loc == nil {
			break
		}
		v := rest[loc[0]:loc[1]]
		name := strings.TrimSpace(v[2 : len(v)-2])
		col := "aqua"
		if bad[name] {
			col = "orange"
		}
		fmt.Fprintf(&b, "[%s::b]%s[-::-]", col, Safe(v))
		rest = rest[loc[1]:]
	}
	return b.String()
}

func highlightPathVars(s string, bad map[string]bool) string {
	path, query, hasQuery := strings.Cut(s, "?")
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if name, ok := pathVar(seg); ok {
			col := "green"
			if bad[":"+name] {
				col = "orange"
			}
			segs[i] = fmt.Sprintf("[%s::b]%s[-::-]", col, Safe(seg))
			continue
		}
		segs[i] = Safe(seg)
	}
	out := strings.Join(segs, "/")
	if hasQuery {
		out += Safe("?" + query)
	}
	return out
}

func pathVar(seg string) (string, bool) {
	if len(seg) < 2 || seg[0] != ':' {
		return "", false
	}
	for _, c := range seg[1:] {
		if !(c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", false
		}
	}
	return seg[1:], true
}

// methodColor is the colour of an HTTP method in the tree and editor.
func methodColor(m string) string {
	switch strings.ToUpper(m) {
	case "", "GET":
		return "green"
	case "POST":
		return "yellow"
	case "PUT":
		return "blue"
	case "PATCH":
		return "purple"
	case "DELETE":
		return "red"
	case "HEAD", "OPTIONS":
		return "teal"
	}
	return "white"
}

// statusColor is the colour of a status code by class.
func statusColor(code int) string {
	switch {
	case code >= 500:
		return "red"
	case code >= 400:
		return "orange"
	case code >= 300:
		return "aqua"
	case code >= 200:
		return "green"
	}
	return "white"
}

// humanSize formats a byte count.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

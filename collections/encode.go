package collections

import (
	"strings"
)

// Values typed into the query, path-variable and form tables are literal
// text: these encoders make the server decode exactly what was typed.
// Secret placeholders pass through untouched so generators can find them.

// EscapeQuery percent-encodes a query key or value: everything but the
// unreserved characters of RFC 3986 (space becomes %20, + becomes %2B).
func EscapeQuery(s string) string { return escape(s, false) }

// EscapePathSegment percent-encodes one path segment, so a value holding
// "/", "?", "#" or "%" stays one segment; "." and ".." are encoded too so
// they cannot move up the path.
func EscapePathSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return escape(s, false)
}

// EscapeForm encodes a form key or value as browsers do for
// application/x-www-form-urlencoded: space becomes +.
func EscapeForm(s string) string { return escape(s, true) }

func escape(s string, spaceAsPlus bool) string {
	needs := false
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for _, seg := range SplitPlaceholders(s) {
		if seg.Secret != "" {
			b.WriteString(SecretPlaceholder(seg.Secret))
			continue
		}
		t := seg.Text
		for i := 0; i < len(t); i++ {
			c := t[i]
			switch {
			case unreserved(c):
				b.WriteByte(c)
			case c == ' ' && spaceAsPlus:
				b.WriteByte('+')
			default:
				b.WriteByte('%')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
		}
	}
	return b.String()
}

func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

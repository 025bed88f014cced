package widgets

import "unicode/utf8"

// displayRune maps a rune from untrusted text (a response body, a header) to
// what may be drawn: control characters would otherwise reach the terminal
// and could move the cursor, change colours or set the title.
// C0 and DEL become the Unicode control pictures (␀..␟, ␡), C1 and
// invalid UTF-8 become U+FFFD, and bidi overrides (which reorder what the
// user sees) become U+FFFD as well.
func displayRune(r rune) rune {
	switch {
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return '\u2421'
	case r >= 0x80 && r <= 0x9f:
		return utf8.RuneError
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return utf8.RuneError
	}
	return r
}

// Sanitize returns s with every control character replaced by a visible
// placeholder (see displayRune) and tabs expanded to spaces, so s can be
// printed anywhere on screen. Exported for the core's header and status
// lines, which show server-supplied text too.
func Sanitize(s string) string {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == '\t' {
			out = append(out, ' ')
			continue
		}
		out = append(out, displayRune(r))
	}
	return string(out)
}

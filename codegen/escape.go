package codegen

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escaping helpers, one per quoting context. Each returns source text that
// the target language reads back as exactly the input bytes.

// ShellQuote quotes s as one POSIX shell word. Inside single quotes every
// byte but the quote itself is literal; a quote is written '\”. s must not
// hold a NUL byte: no shell argument can (see shellPrintfFormat).
func ShellQuote(s string) string {
	if s != "" && shellSafe(s) {
		return s
	}
	if !shellPrintable(s) {
		return shellANSIC(s)
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellPrintable reports whether s reads well between single quotes: valid
// UTF-8 with no control characters but newline and tab. Raw escape or
// carriage-return bytes would be unsafe to paste into a terminal.
func shellPrintable(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || c < 0x20 && c != '\n' && c != '\t' {
			ascii = false
			break
		}
	}
	if ascii {
		return true
	}
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// shellANSIC quotes s as bash's $'...' with escapes for what is not
// printable.
func shellANSIC(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString("$'")
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == utf8.RuneError && n == 1, r != ' ' && !unicode.IsPrint(r):
			for i := 0; i < n; i++ {
				b.WriteString(`\x`)
				b.WriteString(hex2(s[i]))
			}
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	b.WriteByte('\'')
	return b.String()
}

// shellSafe reports whether s needs no quoting at all.
func shellSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_./:@%+,=", c) >= 0) {
			return false
		}
	}
	// A leading = or a ~ could be read as an assignment or expanded.
	return s[0] != '='
}

// shellPrintfFormat writes s as a printf format (without the quotes) that
// prints s: the one way to produce a NUL byte, and a builtin, so it has no
// argument length limit.
func shellPrintfFormat(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			b.WriteString("%%")
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`'\''`)
		default:
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				b.WriteString(`\x`) // printf's escape: no raw control bytes in the snippet
				b.WriteString(hex2(c))
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// GoString writes s as a Go string literal: a raw `string` when that reads
// better (quotes, backslashes or line breaks and nothing a raw string cannot
// hold), otherwise an interpreted "string".
func GoString(s string) string {
	if goRawOK(s) {
		return "`" + s + "`"
	}
	if pyPlain(s) {
		return `"` + s + `"` // what strconv.Quote writes, without its work
	}
	return strconv.Quote(s)
}

func goRawOK(s string) bool {
	if !strings.ContainsAny(s, "\"\\\n") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '`', r == '\r', r == '\uFEFF':
			return false
		case r == '\n' || r == '\t':
		case !unicode.IsPrint(r):
			return false
		}
	}
	return true
}

// PyStr writes s, valid UTF-8, as a Python str literal.
func PyStr(s string) string {
	if pyPlain(s) {
		return `"` + s + `"`
	}
	q := byte('"')
	if strings.IndexByte(s, '"') >= 0 && strings.IndexByte(s, '\'') < 0 {
		q = '\''
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && r >= 0x20 && r != 0x7f:
			b.WriteRune(r)
		case r < 0x100 && !unicode.IsPrint(r):
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r == utf8.RuneError || !unicode.IsPrint(r):
			// Private-use, format and separator characters: visible escapes.
			if r < 0x10000 {
				b.WriteString(`\u`)
				b.WriteString(hex4(r))
			} else {
				h := strconv.FormatInt(int64(r), 16)
				b.WriteString(`\U`)
				b.WriteString(strings.Repeat("0", 8-len(h)))
				b.WriteString(h)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// PyBytes writes s, any bytes, as a Python bytes literal.
func PyBytes(s string) string {
	q := byte('"')
	if strings.IndexByte(s, '"') >= 0 && strings.IndexByte(s, '\'') < 0 {
		q = '\''
	}
	var b strings.Builder
	b.Grow(len(s) + 3)
	b.WriteByte('b')
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			b.WriteString(hex2(c))
		}
	}
	b.WriteByte(q)
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15]})
}

// isASCII reports whether s is 7-bit.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// pyPlain reports whether s is printable ASCII that needs no escape, in
// Python as in Go.
func pyPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

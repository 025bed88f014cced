// Package termsafe makes untrusted text safe to print on a terminal.
//
// Response bodies and headers come from servers the user does not control.
// Printed raw, a control sequence in them can rewrite the screen, set the
// window title or write the clipboard (OSC 52). Everything here keeps
// newlines and tabs, and turns every other control character (C0, DEL, C1),
// invalid UTF-8 and the bidirectional overrides that reorder what is shown
// into visible, inert text.
package termsafe

import (
	"io"
	"unicode/utf8"
)

// Replacement forms: caret notation for C0 and DEL (as cat -v), <U+XXXX>
// for C1 and bidi controls, U+FFFD for bytes that are not UTF-8.
const hexDigits = "0123456789ABCDEF"

// unsafeRune reports whether r must not reach a terminal as is.
func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f: // C1: CSI, OSC, DCS as single code points
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidi embeddings, overrides, isolates and marks
	}
	return false
}

func appendEscaped(dst []byte, r rune) []byte {
	switch {
	case r < 0x20:
		return append(dst, '^', byte(r)+'@')
	case r == 0x7f:
		return append(dst, '^', '?')
	}
	dst = append(dst, '<', 'U', '+')
	for shift := 12; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[(r>>uint(shift))&0xf])
	}
	return append(dst, '>')
}

// Safe reports whether b can be printed as is.
func Safe(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// Append appends the safe form of b to dst.
func Append(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				dst = appendEscaped(dst, rune(c))
			} else {
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = utf8.AppendRune(dst, utf8.RuneError)
		case unsafeRune(r):
			dst = appendEscaped(dst, r)
		default:
			dst = append(dst, b[i:i+n]...)
		}
		i += n
	}
	return dst
}

// Bytes returns the safe form of b (b itself when it is already safe).
func Bytes(b []byte) []byte {
	if Safe(b) {
		return b
	}
	return Append(make([]byte, 0, len(b)+16), b)
}

// String returns the safe form of s.
func String(s string) string {
	if Safe([]byte(s)) {
		return s
	}
	return string(Append(make([]byte, 0, len(s)+16), []byte(s)))
}

// Line is String for a single-line field (a header value, a status text):
// newlines and tabs are escaped too, so a value cannot forge another line.
func Line(s string) string {
	b := Append(nil, []byte(s))
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch c {
		case '\n':
			out = append(out, '^', 'J')
		case '\t':
			out = append(out, '^', 'I')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

// Writer sanitises everything written through it. A UTF-8 sequence cut
// between two writes is held back until it completes, so chunked streams
// are treated exactly like one whole write.
type Writer struct {
	w       io.Writer
	pending []byte // an incomplete UTF-8 sequence from the last write
	buf     []byte
}

// NewWriter returns a Writer that writes the safe form of its input to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write implements io.Writer. It reports len(p) on success: the bytes
// written to the underlying writer differ from p by design.
func (sw *Writer) Write(p []byte) (int, error) {
	data := p
	if len(sw.pending) > 0 {
		data = append(sw.pending, p...)
		sw.pending = nil
	}
	// Hold back a trailing incomplete sequence.
	cut := len(data)
	for k := 1; k <= utf8.UTFMax-1 && k <= len(data); k++ {
		c := data[len(data)-k]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(data[len(data)-k:]) {
				cut = len(data) - k
			}
			break
		}
	}
	if cut < len(data) {
		sw.pending = append([]byte(nil), data[cut:]...)
		data = data[:cut]
	}
	sw.buf = Append(sw.buf[:0], data)
	if _, err := sw.w.Write(sw.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held-back incomplete sequence (as U+FFFD): call it at the
// end of the stream.
func (sw *Writer) Flush() error {
	if len(sw.pending) == 0 {
		return nil
	}
	sw.buf = Append(sw.buf[:0], sw.pending)
	sw.pending = nil
	_, err := sw.w.Write(sw.buf)
	return err
}

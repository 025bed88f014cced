package widgets

import "bytes"

// indentTo appends the compact JSON b to out indented as json.Indent does
// (two spaces, "key": value, {} and [] kept empty), and stops once out
// holds more than limit bytes: a result of hundreds of MB is not built
// whole to show its first 64 MB. It reports whether it stopped early.
func indentTo(out *bytes.Buffer, b []byte, limit int) bool {
	return indentAt(out, b, limit, 0)
}

// indentAt is indentTo for a value depth levels down.
func indentAt(out *bytes.Buffer, b []byte, limit, depth int) bool {
	newline := func() {
		out.WriteByte('\n')
		for range depth {
			out.WriteString("  ")
		}
	}
	for i := 0; i < len(b); i++ {
		if out.Len() > limit {
			return true
		}
		if out.Available() < 2*depth+8 {
			growOut(out, 2*depth+8, limit)
		}
		c := b[i]
		switch c {
		case '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(b) {
				j = len(b) - 1
			}
			growOut(out, j+1-i, limit)
			out.Write(b[i : j+1])
			i = j
		case '{', '[':
			out.WriteByte(c)
			if i+1 < len(b) && (b[i+1] == '}' || b[i+1] == ']') {
				out.WriteByte(b[i+1])
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			out.WriteByte(c)
		case ',':
			out.WriteByte(c)
			newline()
		case ':':
			out.WriteString(": ")
		case ' ', '\t', '\n', '\r':
		default:
			out.WriteByte(c)
		}
	}
	return out.Len() > limit
}

// growOut makes room for n more bytes in out. Near limit it grows out to
// a little over limit rather than doubling it: a result cut at 64 MB
// would else hold a buffer of 128 MB.
func growOut(out *bytes.Buffer, n, limit int) {
	if out.Available() >= n {
		return
	}
	c := max(out.Len()+n, limit+64<<10)
	if 2*out.Cap() < c || out.Len()+n > c {
		return // doubling stays under the limit, or it would not do
	}
	nb := make([]byte, out.Len(), c)
	copy(nb, out.Bytes())
	*out = *bytes.NewBuffer(nb)
}

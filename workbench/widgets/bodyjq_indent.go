package widgets

// indentTo appends the compact JSON b to out indented as json.Indent does
// (two spaces, "key": value, {} and [] kept empty). The text goes to
// out's file a chunk at a time, so a value of hundreds of MB is never
// held indented; it stops at out's cut or a write error and reports
// whether it stopped.
func indentTo(out *jqOut, b []byte) bool {
	return indentAt(out, b, 0)
}

// indentAt is indentTo for a value depth levels down.
func indentAt(out *jqOut, b []byte, depth int) bool {
	buf := &out.buf
	newline := func() {
		buf.WriteByte('\n')
		for range depth {
			buf.WriteString("  ")
		}
	}
	for i := 0; i < len(b); i++ {
		if buf.Len() >= spillAt && out.stop() != nil {
			return true
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
			buf.Write(b[i : j+1])
			i = j
		case '{', '[':
			buf.WriteByte(c)
			if i+1 < len(b) && (b[i+1] == '}' || b[i+1] == ']') {
				buf.WriteByte(b[i+1])
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			buf.WriteByte(c)
		case ',':
			buf.WriteByte(c)
			newline()
		case ':':
			buf.WriteString(": ")
		case ' ', '\t', '\n', '\r':
		default:
			buf.WriteByte(c)
		}
	}
	return out.over()
}

package widgets

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// hexSummaryBytes is how much of a binary body the hex summary shows.
const hexSummaryBytes = 1024

// isBinary decides from the content type and the first bytes whether a body
// is not text. A NUL byte or much invalid UTF-8 means binary whatever the
// server claimed; a textual type with clean bytes means text.
func isBinary(contentType string, head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/") ||
		mt == "application/octet-stream" || mt == "application/zip" || mt == "application/gzip" || mt == "application/pdf" {
		return true
	}
	// Drop a rune cut off by the end of the sample before judging.
	b := head
	for k := 0; k < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); k++ {
		b = b[:len(b)-1]
	}
	if utf8.Valid(b) {
		return false
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	return bad*10 > len(head)
}

// detectType names a binary body's type: the server's if it gave one, else
// what the bytes look like.
func detectType(contentType string, head []byte) string {
	sniffed := http.DetectContentType(head)
	if contentType == "" {
		return sniffed
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt != "application/octet-stream" {
		return mt
	}
	return sniffed
}

// hexSummary renders a binary body as text: size, type, and a classic hex
// dump of its first bytes (offset, 16 bytes in hex, printable ASCII).
func hexSummary(size int64, typ string, head []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "binary body, %s (%d bytes), %s\n", FormatSize(size), size, Sanitize(typ))
	if int64(len(head)) < size {
		fmt.Fprintf(&b, "first %d bytes:\n", len(head))
	}
	b.WriteByte('\n')
	for off := 0; off < len(head); off += 16 {
		row := head[off:min(off+16, len(head))]
		fmt.Fprintf(&b, "%08x  ", off)
		for i := 0; i < 16; i++ {
			if i < len(row) {
				fmt.Fprintf(&b, "%02x ", row[i])
			} else {
				b.WriteString("   ")
			}
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(" |")
		for _, c := range row {
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteString("|\n")
	}
	return b.Bytes()
}

// FormatSize formats a byte count for people: 512 B, 1.2 KB, 50.0 MB.
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTP"[exp])
}

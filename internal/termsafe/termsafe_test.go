package termsafe

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain {\"a\":1}\n\tok", "plain {\"a\":1}\n\tok"},
		{"clip \x1b]52;c;aGVsbG8=\x07 end", "clip ^[]52;c;aGVsbG8=^G end"},
		{"csi \x1b[2J", "csi ^[[2J"},
		{"c1 \u009b2J", "c1 <U+009B>2J"},
		{"del \x7f", "del ^?"},
		{"cr \r over", "cr ^M over"},
		{"bidi \u202eevil", "bidi <U+202E>evil"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"ünïcødé ✓", "ünïcødé ✓"},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLine(t *testing.T) {
	if got := Line("a\nb\tc\x1b"); got != "a^Jb^Ic^[" {
		t.Fatalf("Line = %q", got)
	}
}

func TestWriterSplitRunes(t *testing.T) {
	in := []byte("é✓ \x1b]52;c;x\x07 \u009b ok \xff")
	want := String(string(in))
	// Every split point of the input must give the same output as one write.
	for cut := 0; cut <= len(in); cut++ {
		var out bytes.Buffer
		w := NewWriter(&out)
		if _, err := w.Write(in[:cut]); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(in[cut:]); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Fatalf("cut %d: got %q want %q", cut, out.String(), want)
		}
	}
}

func checkSafe(t *testing.T, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("output not UTF-8: %q", out)
	}
	for _, r := range string(out) {
		if r != '\n' && r != '\t' && unsafeRune(r) {
			t.Fatalf("unsafe rune %U in %q", r, out)
		}
	}
	if !Safe(out) {
		t.Fatalf("Safe(output) false: %q", out)
	}
}

func FuzzSanitise(f *testing.F) {
	for _, s := range []string{"", "ok\n", "\x1b]52;c;aGk=\x07", "\u009b31m", "\xe2\x82", "\u202e", "\x00\x7f"} {
		f.Add([]byte(s), 1)
	}
	f.Fuzz(func(t *testing.T, in []byte, cut int) {
		out := Append(nil, in)
		checkSafe(t, out)
		if Safe(in) && !bytes.Equal(out, in) {
			t.Fatalf("safe input changed: %q -> %q", in, out)
		}
		if cut < 0 {
			cut = -cut
		}
		if len(in) > 0 {
			cut %= len(in) + 1
		} else {
			cut = 0
		}
		var buf bytes.Buffer
		w := NewWriter(&buf)
		w.Write(in[:cut])
		w.Write(in[cut:])
		w.Flush()
		if !bytes.Equal(buf.Bytes(), out) {
			t.Fatalf("writer %q != append %q", buf.Bytes(), out)
		}
		if l := Line(string(in)); strings.ContainsAny(l, "\n\t") {
			t.Fatalf("Line kept a newline or tab: %q", l)
		}
	})
}

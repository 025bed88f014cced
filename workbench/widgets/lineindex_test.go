package widgets

import (
	"bytes"
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
)

func indexAll(t testing.TB, data []byte) indexProgress {
	t.Helper()
	var last indexProgress
	calls := 0
	buildIndex(context.Background(), bytes.NewReader(data), int64(len(data)), 1<<20, func(p indexProgress) {
		calls++
		if p.scanned < last.scanned || p.lines.len() < last.lines.len() {
			t.Fatalf("progress went backwards")
		}
		last = p
	})
	if !last.done || last.err != nil || last.scanned != int64(len(data)) {
		t.Fatalf("final progress %+v", last)
	}
	return last
}

func TestBuildIndexExact(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int64
	}{
		{"a", []int64{0}},
		{"a\n", []int64{0}},
		{"a\nb", []int64{0, 2}},
		{"a\r\nb\n\n", []int64{0, 3, 5}},
		{"\n\n\n", []int64{0, 1, 2}},
	} {
		idx := indexAll(t, []byte(tc.in)).lines
		if got := allLines(&idx); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: lines %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestBuildIndexProperties checks random texts that cross chunk boundaries,
// with long lines and multi-byte runes.
func TestBuildIndexProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"\n", "\r\n", "é", "€", "𝄞", "abc", " ", "{\"k\":1}"}
	for round := 0; round < 4; round++ {
		var b bytes.Buffer
		for b.Len() < 2*indexChunk+12345 {
			if rng.IntN(50) == 0 { // a long line
				for n := rng.IntN(3 * maxLineBytes); n > 0; n-- {
					b.WriteString(pieces[2+rng.IntN(4)])
				}
			}
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		data := b.Bytes()
		idx := indexAll(t, data).lines
		lines := allLines(&idx)
		if lines[0] != 0 {
			t.Fatal("first line does not start at 0")
		}
		starts := map[int64]bool{}
		for i, s := range lines {
			starts[s] = true
			if i > 0 && s <= lines[i-1] {
				t.Fatalf("line starts not increasing at %d", i)
			}
			end := int64(len(data))
			if i+1 < len(lines) {
				end = lines[i+1]
			}
			if n := len(trimEOL(data[s:end])); n > maxLineBytes {
				t.Fatalf("line %d is %d bytes", i, n)
			}
			// A start that does not follow a newline is a break in a long line.
			if s > 0 && data[s-1] != '\n' && s-lines[i-1] < maxLineBytes-3 {
				t.Fatalf("line %d starts at %d, %d bytes after the previous", i, s, s-lines[i-1])
			}
		}
		for p, c := range data {
			if c == '\n' && p+1 < len(data) && !starts[int64(p+1)] {
				t.Fatalf("no line starts after the newline at %d", p)
			}
		}
	}
}

func TestSearchDocAcrossChunks(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 3*indexChunk)
	// Place matches across both chunk boundaries, and overlapping ones.
	for _, off := range []int{0, indexChunk - 2, 2*indexChunk - 1, 3*indexChunk - 4} {
		copy(data[off:], "AbAb")
	}
	var res searchResult
	searchDoc(context.Background(), bytes.NewReader(data), int64(len(data)), []byte("abab"), true, 1<<30, func(r searchResult) { res = r })
	want := []int64{0, indexChunk - 2, 2*indexChunk - 1, 3*indexChunk - 4}
	if !res.done || !reflect.DeepEqual(res.matches, want) {
		t.Errorf("matches %v, want %v", res.matches, want)
	}
	searchDoc(context.Background(), bytes.NewReader([]byte("ababab")), 6, []byte("abab"), false, 1<<30, func(r searchResult) { res = r })
	if !reflect.DeepEqual(res.matches, []int64{0, 2}) {
		t.Errorf("overlapping matches %v", res.matches)
	}
}

func allLines(x *lineIndex) []int64 {
	out := make([]int64, x.len())
	for i := range out {
		out[i] = x.at(i)
	}
	return out
}

// TestLineIndexBlocks crosses block boundaries and checks that a snapshot
// does not see later additions.
func TestLineIndexBlocks(t *testing.T) {
	var x lineIndex
	n := 3<<blockBits + 5
	for i := 0; i < n; i++ {
		x.add(int64(i) * 4000)
		if i == 1<<blockBits {
			snap := x.snapshot()
			defer func() {
				if snap.len() != 1<<blockBits+1 || snap.at(snap.len()-1) != int64(1<<blockBits)*4000 {
					t.Errorf("snapshot changed: len %d", snap.len())
				}
			}()
		}
	}
	for _, i := range []int{0, 1, 1<<blockBits - 1, 1 << blockBits, 2<<blockBits + 7, n - 1} {
		if got := x.at(i); got != int64(i)*4000 {
			t.Errorf("at(%d) = %d", i, got)
		}
	}
}

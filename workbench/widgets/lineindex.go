package widgets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
)

// maxLineBytes splits very long lines (a minified 50 MB JSON body is one
// line) into display lines of at most this many bytes, so drawing a row never
// reads or measures more than this.
const maxLineBytes = 4096

// indexChunk is how much the indexer reads at a time; it bounds the
// indexer's memory whatever the body size.
const indexChunk = 1 << 20

// syncIndexLimit: bodies up to this size are indexed before SetBody returns,
// so small responses draw complete on the first frame.
const syncIndexLimit = 256 << 10

// blockBits sets the lines per block of a lineIndex (65,536). A block's
// offsets are relative to its base; 65,536 lines of at most maxLineBytes
// span 256 MB, so they fit in a uint32.
const blockBits = 16

// lineIndex holds line start offsets at 4 bytes a line, in fixed-size
// blocks that are allocated once and never copied: a 50 MB body of short
// lines (7 million) takes 30 MB, with no doubling on growth.
type lineIndex struct {
	bases  []int64
	blocks [][]uint32
	n      int
}

func (x *lineIndex) len() int { return x.n }

// at returns the start of line i (0 <= i < len).
func (x *lineIndex) at(i int) int64 {
	b := i >> blockBits
	return x.bases[b] + int64(x.blocks[b][i&(1<<blockBits-1)])
}

// add appends the start of the next line.
func (x *lineIndex) add(off int64) {
	b := x.n >> blockBits
	if b == len(x.blocks) {
		x.bases = append(x.bases, off)
		x.blocks = append(x.blocks, make([]uint32, 0, 1<<blockBits))
	}
	x.blocks[b] = append(x.blocks[b], uint32(off-x.bases[b]))
	x.n++
}

// snapshot returns a copy that later adds do not touch: the block arrays
// are shared, but add only writes past the lengths the copy holds.
func (x *lineIndex) snapshot() lineIndex {
	return lineIndex{bases: slices.Clone(x.bases), blocks: slices.Clone(x.blocks), n: x.n}
}

// indexOf builds a lineIndex from offsets, for tests.
func indexOf(offs ...int64) lineIndex {
	var x lineIndex
	for _, o := range offs {
		x.add(o)
	}
	return x
}

// doc is a read-only text held outside the widget (a file or a byte slice)
// with the start offset of each display line. It is owned by the UI
// goroutine; the indexer builds a private slice and publishes prefixes of it.
type doc struct {
	r       io.ReaderAt
	size    int64
	lines   lineIndex // start of each display line; the first is 0
	scanned int64     // bytes indexed so far
	done    bool
	err     error
	lexer   string // chroma lexer name, "" for plain text
}

// numLines is the count of lines known complete.
func (d *doc) numLines() int {
	if d.done {
		return d.lines.len()
	}
	if d.lines.len() == 0 {
		return 0
	}
	return d.lines.len() - 1 // the last one may still grow
}

// lineSpan returns the byte range of line i without its line terminator.
func (d *doc) lineSpan(i int) (start, end int64) {
	if i < 0 || i >= d.lines.len() {
		return 0, 0
	}
	start = d.lines.at(i)
	if i+1 < d.lines.len() {
		end = d.lines.at(i + 1)
	} else if d.done {
		end = d.size
	} else {
		end = d.scanned
	}
	return start, end
}

// lineOf returns the line holding byte offset off, or -1 if that part of the
// text is not indexed yet.
func (d *doc) lineOf(off int64) int {
	if d.lines.len() == 0 || off < 0 || (!d.done && off >= d.scanned) || off > d.size {
		return -1
	}
	return sort.Search(d.lines.len(), func(i int) bool { return d.lines.at(i) > off }) - 1
}

// readRange reads [start, end) into buf (grown as needed).
func (d *doc) readRange(buf []byte, start, end int64) ([]byte, error) {
	n := int(end - start)
	if n <= 0 {
		return buf[:0], nil
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	got, err := d.r.ReadAt(buf, start)
	if err != nil && !(errors.Is(err, io.EOF) && got == n) {
		return buf[:got], fmt.Errorf("read body at %d: %w", start, err)
	}
	return buf, nil
}

// trimEOL drops a trailing "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
	}
	return b
}

// indexProgress is one published state of an index being built.
type indexProgress struct {
	lines   lineIndex
	scanned int64
	done    bool
	err     error
}

// buildIndex scans r and reports line starts through progress: after the
// first chunk (so the first screen appears at once), then every reportEvery
// bytes, then at the end. The lines slice passed is a prefix that is never
// changed again, so the receiver may keep it without copying.
func buildIndex(ctx context.Context, r io.ReaderAt, size int64, reportEvery int64, progress func(indexProgress)) {
	var lines lineIndex
	lines.add(0)
	buf := make([]byte, indexChunk)
	var off, lineStart, lastReport int64
	first := true
	for off < size {
		if ctx.Err() != nil {
			return
		}
		n := int64(len(buf))
		if size-off < n {
			n = size - off
		}
		got, err := r.ReadAt(buf[:n], off)
		if int64(got) < n {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			progress(indexProgress{lines: lines.snapshot(), scanned: off, done: true, err: fmt.Errorf("index body at %d: %w", off, err)})
			return
		}
		chunk := buf[:n]
		for i := 0; i <= len(chunk); {
			j := bytes.IndexByte(chunk[i:], '\n')
			limit := off + int64(len(chunk)) // end of this run of line bytes
			if j >= 0 {
				limit = off + int64(i+j)
			}
			for limit-lineStart > maxLineBytes {
				p := lineStart + maxLineBytes
				// Break on a rune boundary where this chunk shows it.
				for k := 0; k < 3 && p > off && p-off < int64(len(chunk)) && chunk[p-off]&0xC0 == 0x80; k++ {
					p--
				}
				lines.add(p)
				lineStart = p
			}
			if j < 0 {
				break
			}
			if limit+1 < size {
				lines.add(limit + 1)
			}
			lineStart = limit + 1
			i += j + 1
		}
		off += n
		if first || off-lastReport >= reportEvery {
			first = false
			lastReport = off
			if off < size {
				progress(indexProgress{lines: lines.snapshot(), scanned: off})
			}
		}
	}
	progress(indexProgress{lines: lines.snapshot(), scanned: size, done: true})
}

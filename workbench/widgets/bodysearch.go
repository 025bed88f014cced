package widgets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// maxMatches bounds the memory a search over a huge body can take.
const maxMatches = 1 << 20

// searchFirst returns the index of the first match at or after off.
func searchFirst(matches []int64, off int64) int {
	return sort.Search(len(matches), func(i int) bool { return matches[i] >= off })
}

// lowerASCII folds ASCII letters in place; other bytes keep their offsets.
func lowerASCII(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// searchResult is one published state of a running search.
type searchResult struct {
	matches   []int64
	done      bool
	truncated bool
	err       error
}

// searchDoc finds every (possibly overlapping) occurrence of q in r,
// reading a chunk at a time, and reports progress like buildIndex.
func searchDoc(ctx context.Context, r io.ReaderAt, size int64, q []byte, fold bool, reportEvery int64, report func(searchResult)) {
	var matches []int64
	overlap := int64(len(q) - 1)
	buf := make([]byte, indexChunk+overlap)
	var lastReport int64
	for off := int64(0); off < size; off += indexChunk {
		if ctx.Err() != nil {
			return
		}
		n := min(int64(len(buf)), size-off)
		got, err := r.ReadAt(buf[:n], off)
		if int64(got) < n {
			report(searchResult{matches: matches, done: true, err: fmt.Errorf("search body at %d: %w", off, err)})
			return
		}
		b := buf[:n]
		if fold {
			lowerASCII(b)
		}
		for i := 0; ; {
			j := bytes.Index(b[i:], q)
			if j < 0 || int64(i+j) >= indexChunk { // past the chunk: the next one finds it
				break
			}
			matches = append(matches, off+int64(i+j))
			if len(matches) >= maxMatches {
				report(searchResult{matches: matches, done: true, truncated: true})
				return
			}
			i += j + 1
		}
		if off+indexChunk-lastReport >= reportEvery && off+indexChunk < size {
			lastReport = off + indexChunk
			report(searchResult{matches: matches[:len(matches):len(matches)]})
		}
	}
	report(searchResult{matches: matches, done: true})
}

// runSearch starts a search for q over the shown text; the first match at
// or below the top line is shown as soon as it is found.
func (v *BodyView) runSearch(q string) {
	if v.search.cancel != nil {
		v.search.cancel()
	}
	d := v.current()
	v.search = searchState{query: q, doc: d, cur: -1, pending: -1, gen: v.search.gen + 1}
	if q == "" {
		v.search.done = true
		return
	}
	v.search.fold = q == strings.ToLower(q) // smart case, as in vim and less
	if d.numLines() > 0 {
		v.search.from, _ = d.lineSpan(v.top)
	}
	pat := []byte(q)
	if v.search.fold {
		lowerASCII(pat)
	}
	gen := v.search.gen
	apply := func(res searchResult) {
		if v.search.gen != gen {
			return
		}
		v.applySearch(res)
	}
	if d.size <= syncIndexLimit {
		searchDoc(v.ctx, d.r, d.size, pat, v.search.fold, d.size, apply)
		return
	}
	ctx, cancel := context.WithCancel(v.ctx)
	v.search.cancel = cancel
	go searchDoc(ctx, d.r, d.size, pat, v.search.fold, 4*indexChunk, func(res searchResult) {
		v.post(func() {
			if ctx.Err() == nil {
				apply(res)
			}
		})
	})
}

// applySearch publishes search progress on the UI goroutine and makes the
// first jump once a match at or after the starting line is known.
func (v *BodyView) applySearch(res searchResult) {
	s := &v.search
	s.matches, s.done, s.truncated = res.matches, res.done, res.truncated
	if res.err != nil {
		v.message, v.msgErr = res.err.Error(), true
	}
	if s.cur >= 0 || len(s.matches) == 0 {
		return
	}
	i := searchFirst(s.matches, s.from)
	if i == len(s.matches) {
		if !s.done {
			return // a later chunk may hold one below the top line
		}
		i = 0
	}
	s.cur = i
	v.jumpTo(s.matches[i])
}

// NextMatch moves to the next (dir 1) or previous (dir -1) match, wrapping.
func (v *BodyView) NextMatch(dir int) {
	s := &v.search
	if s.query == "" {
		return
	}
	if s.doc != v.current() {
		v.runSearch(s.query) // the text changed under the search (jq)
		return
	}
	if len(s.matches) == 0 {
		if s.done {
			v.message, v.msgErr = "no match for "+s.query, true
		}
		return
	}
	s.cur += dir
	if s.cur >= len(s.matches) {
		s.cur = 0
		v.message = "search wrapped to the top"
	} else if s.cur < 0 {
		s.cur = len(s.matches) - 1
		v.message = "search wrapped to the bottom"
	}
	v.jumpTo(s.matches[s.cur])
}

// jumpTo scrolls so the byte at off is on screen, or remembers it until the
// index reaches it.
func (v *BodyView) jumpTo(off int64) {
	d := v.current()
	li := d.lineOf(off)
	if li < 0 || li >= d.numLines() {
		v.search.pending = off
		return
	}
	v.search.pending = -1
	rows := max(v.rows, 1)
	if li < v.top || li >= v.top+rows {
		v.scrollTo(li - rows/3)
	}
	// Bring the match into view sideways on long lines.
	start, _ := d.lineSpan(li)
	buf, err := d.readRange(v.readBuf, start, off)
	v.readBuf = buf
	if err != nil {
		return
	}
	col := textWidth(buf)
	_, _, w, _ := v.GetInnerRect()
	if col < v.left || col >= v.left+w-len(v.search.query) {
		v.left = max(col-w/3, 0)
	}
}

// textWidth is the column width of b as drawLine renders it.
func textWidth(b []byte) int {
	col := 0
	for _, r := range string(b) {
		if r == '\t' {
			col += 4 - col%4
			continue
		}
		col += runeWidth(displayRune(r))
	}
	return col
}

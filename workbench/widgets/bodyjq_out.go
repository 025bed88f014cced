package widgets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// maxFilterOutput cuts a jq result. A result is written to a temporary
// file as it is produced (spillAt bytes at a time), so the cut is about
// disk, not memory: ". " on a 50 MB body gives about 100 MB of text.
const maxFilterOutput = 1 << 30

// spillAt: a jq result smaller than this stays in memory; a larger one
// goes to a temporary file in chunks of this size, and only the chunk
// being written is held.
const spillAt = 1 << 20

// errOutputFull stops a run whose result reached its cut.
var errOutputFull = errors.New("jq result cut")

// jqOut receives a jq run's pretty-printed outputs: in memory up to
// spillAt bytes, then in a temporary file in dir ("" for os.TempDir()).
type jqOut struct {
	buf     bytes.Buffer // bytes not written to f yet
	dir     string
	limit   int64 // the cut
	f       *os.File
	written int64 // bytes in f
	err     error // a write error: the run stops with it
}

func newJQOut(dir string) *jqOut { return &jqOut{dir: dir, limit: maxFilterOutput} }

// size is the length of the result so far.
func (o *jqOut) size() int64 { return o.written + int64(o.buf.Len()) }

// over reports whether the run must stop: the cut is reached or a write
// failed.
func (o *jqOut) over() bool { return o.err != nil || o.size() > o.limit }

// stop spills a full buffer to the file and says why the run must stop:
// nil to go on, errOutputFull at the cut, or a write error.
func (o *jqOut) stop() error {
	if o.buf.Len() >= spillAt {
		o.spill()
	}
	switch {
	case o.err != nil:
		return o.err
	case o.size() > o.limit:
		return errOutputFull
	}
	return nil
}

// spillHook, if set, runs before each chunk is written (tests hold a
// run there).
var spillHook atomic.Pointer[func()]

// spill writes the buffer to the file, made on first use.
func (o *jqOut) spill() {
	if o.err != nil || o.buf.Len() == 0 {
		return
	}
	if h := spillHook.Load(); h != nil {
		(*h)()
	}
	if o.f == nil {
		f, err := os.CreateTemp(o.dir, "mistbench-jq-*.json")
		if err != nil {
			o.err = fmt.Errorf("jq result: %w", err)
			return
		}
		o.f = f
	}
	n, err := o.f.Write(o.buf.Bytes())
	o.written += int64(n)
	o.buf.Reset()
	if err != nil {
		o.err = fmt.Errorf("jq result: %w", err)
	}
}

// reset drops what was written (a run that starts over another way).
func (o *jqOut) reset() {
	o.discard()
	*o = jqOut{dir: o.dir, limit: o.limit}
}

// discard removes the file, if any.
func (o *jqOut) discard() {
	if o.f != nil {
		o.f.Close()
		os.Remove(o.f.Name())
		o.f = nil
	}
}

// finish ends the result (a note at the cut, "(no output)" for none) and
// hands it over; on an error the file is removed.
func (o *jqOut) finish() (*jqResult, error) {
	if o.err == nil && o.size() > o.limit {
		fmt.Fprintf(&o.buf, "… (result cut at %s)\n", FormatSize(o.limit))
	}
	if o.size() == 0 {
		o.buf.WriteString("(no output)\n")
	}
	if o.f == nil && o.err == nil {
		return &jqResult{data: o.buf.Bytes(), size: int64(o.buf.Len())}, nil
	}
	o.spill()
	if o.err != nil {
		o.discard()
		return nil, o.err
	}
	return &jqResult{file: o.f, size: o.written}, nil
}

// jqResult is a jq run's output: in memory when small, else a temporary
// file that whoever holds the result removes (discard).
type jqResult struct {
	data []byte
	file *os.File
	size int64

	mu        sync.Mutex
	readers   int  // copies and saves still reading the file
	discarded bool // closed when the last reader is done
}

// hold keeps the result's file open for a copy or a save that reads it
// in the background, even if the filter changes meanwhile; release when
// done. A nil result holds nothing.
func (r *jqResult) hold() (release func()) {
	if r == nil || r.file == nil {
		return func() {}
	}
	r.mu.Lock()
	r.readers++
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.readers--; r.readers == 0 && r.discarded {
			r.file.Close()
		}
	}
}

// readerAt reads the result; safe for concurrent use.
func (r *jqResult) readerAt() io.ReaderAt {
	if r.file != nil {
		return r.file
	}
	return bytes.NewReader(r.data)
}

// path is the result's file, "" when it is in memory.
func (r *jqResult) path() string {
	if r.file == nil {
		return ""
	}
	return r.file.Name()
}

// bytes reads the whole result (tests and small results).
func (r *jqResult) bytes() ([]byte, error) {
	if r.file == nil {
		return r.data, nil
	}
	b := make([]byte, r.size)
	if _, err := r.file.ReadAt(b, 0); err != nil && !(errors.Is(err, io.EOF) && int64(len(b)) == r.size) {
		return nil, err
	}
	return b, nil
}

// discard removes the result's file, and closes it unless a copy or a
// save still reads it (the last one closes it).
func (r *jqResult) discard() {
	if r == nil || r.file == nil {
		return
	}
	os.Remove(r.file.Name())
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.discarded {
		r.discarded = true
		if r.readers == 0 {
			r.file.Close()
		}
	}
}

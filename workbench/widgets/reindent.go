package widgets

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// errNotJSON: the reindenter met text that is not a JSON document.
var errNotJSON = errors.New("not a JSON document")

// reindent copies the JSON text from r to w pretty-printed with two-space
// indents, the same text json.Indent makes, but streaming: memory stays
// constant whatever the size. It checks only the nesting, not the full
// grammar; a body that fails is shown as received instead. progress, if
// set, hears of the bytes read every reportEvery bytes.
func reindent(ctx context.Context, w io.Writer, r io.Reader, reportEvery int64, progress func(read int64)) error {
	in := bufio.NewReaderSize(r, 64<<10)
	out := bufio.NewWriterSize(w, 64<<10)
	var (
		depth     int
		inStr     bool
		esc       bool
		open      bool // just after { or [: the newline waits, so {} stays {}
		read      int64
		lastRep   int64
		wroteSome bool
	)
	newline := func(d int) {
		out.WriteByte('\n')
		for i := 0; i < d; i++ {
			out.WriteString("  ")
		}
	}
	beforeValue := func() {
		if open {
			newline(depth)
			open = false
		}
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := in.Read(buf)
		for _, c := range buf[:n] {
			if inStr {
				out.WriteByte(c)
				switch {
				case esc:
					esc = false
				case c == '\\':
					esc = true
				case c == '"':
					inStr = false
				}
				continue
			}
			switch c {
			case ' ', '\t', '\n', '\r':
				continue
			case '"':
				beforeValue()
				out.WriteByte(c)
				inStr = true
			case '{', '[':
				beforeValue()
				if depth == 0 && wroteSome {
					out.WriteByte('\n') // the next document of a stream (NDJSON)
				}
				out.WriteByte(c)
				depth++
				open = true
			case '}', ']':
				depth--
				if depth < 0 {
					return errNotJSON
				}
				if open {
					open = false
				} else {
					newline(depth)
				}
				out.WriteByte(c)
			case ',':
				if depth == 0 || open {
					return errNotJSON
				}
				out.WriteByte(c)
				newline(depth)
			case ':':
				out.WriteString(": ")
			default:
				beforeValue()
				out.WriteByte(c)
			}
			wroteSome = true
		}
		read += int64(n)
		if progress != nil && read-lastRep >= reportEvery {
			lastRep = read
			progress(read)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reformat body: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if depth != 0 || inStr || !wroteSome {
		return errNotJSON
	}
	out.WriteByte('\n')
	if err := out.Flush(); err != nil {
		return fmt.Errorf("reformat body: %w", err)
	}
	return nil
}

// reindentToTemp pretty-prints size bytes of r into a new temporary file in
// dir and returns it open for reading; the caller closes and removes it.
func reindentToTemp(ctx context.Context, dir string, r io.ReaderAt, size int64, progress func(read int64)) (*os.File, int64, error) {
	f, err := os.CreateTemp(dir, "mistbench-body-*.json")
	if err != nil {
		return nil, 0, fmt.Errorf("reformat body: %w", err)
	}
	fail := func(err error) (*os.File, int64, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	if err := reindent(ctx, f, io.NewSectionReader(r, 0, size), 4*indexChunk, progress); err != nil {
		return fail(err)
	}
	fi, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("reformat body: %w", err))
	}
	return f, fi.Size(), nil
}

package widgets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/itchyny/gojq"
)

// setFilter makes text the jq filter: after Debounce, in the background,
// cancelling the run for the previous text. "" removes the filter.
func (v *BodyView) setFilter(text string) {
	f := &v.filter
	f.gen++
	if f.timer != nil {
		f.timer.Stop()
	}
	if f.cancel != nil {
		f.cancel()
	}
	f.text, f.err, f.asking = text, "", false
	if strings.TrimSpace(text) == "" {
		f.running = false
		v.dropParsed() // the decoded body can be hundreds of MB: let it go
		v.setFiltered(nil)
		return
	}
	if !usesWholeDecode(text) {
		// The body decoded whole for an earlier program is several
		// times the body's size: it goes as soon as a program does not
		// read it, rather than live beside what this one decodes.
		v.dropParsed()
	} else if v.WholeDecodeAsk > 0 && v.rawSize >= v.WholeDecodeAsk && !f.wholeOK {
		// Typing must not grow memory past a few times the body: a
		// prefix such as "sort" of "sort_by(.ssid)" would decode every
		// value. Such a program runs when Enter says so.
		f.running, f.asking = false, true
		f.err = fmt.Sprintf("this program needs all %s decoded (about 3x that in memory): Enter runs it", FormatSize(v.rawSize))
		return
	}
	pb := v.parsedBody()
	ctx, cancel := context.WithCancel(v.ctx)
	f.cancel, f.running = cancel, true
	gen, raw, size, dir := f.gen, v.raw, v.rawSize, v.TmpDir
	if v.jqTurn == nil {
		v.jqTurn = make(chan struct{}, 1)
	}
	turn := v.jqTurn
	f.timer = time.AfterFunc(v.Debounce, func() {
		// One run at a time: a superseded run (cancelled, maybe still in
		// a long gojq builtin) lets its values go before this one decodes.
		select {
		case turn <- struct{}{}:
		case <-ctx.Done():
			return
		}
		res, err := runJQ(ctx, pb.ctx, pb, raw, size, text, dir)
		<-turn
		// Until the view takes it, the result's file goes with the run:
		// a newer keystroke, another body or Close removes it.
		stop := func() bool { return false }
		if res != nil {
			stop = context.AfterFunc(ctx, res.discard)
		}
		if ctx.Err() != nil {
			return // a newer keystroke or body took over
		}
		v.post(func() {
			kept := stop() // false: the run was cancelled and its file removed
			if v.filter.gen != gen || err == nil && !kept {
				if kept {
					res.discard()
				}
				return
			}
			v.filter.running = false
			if err != nil {
				v.filter.err = err.Error() // the last good result stays on screen
			} else {
				v.setFiltered(res)
			}
			if v.OnFilterDone != nil {
				v.OnFilterDone()
			}
		})
	})
}

// setFiltered shows res as the jq result, or the body again for nil. The
// view owns res from here: the previous result (and its file) goes.
func (v *BodyView) setFiltered(res *jqResult) {
	v.top, v.left = 0, 0
	v.dropResult()
	if res == nil {
		v.filtered = nil
	} else {
		v.result = res
		v.filtered = &doc{r: res.readerAt(), size: res.size, lexer: "json"}
		v.startIndex(v.filtered)
	}
	if v.search.query != "" {
		v.runSearch(v.search.query)
	}
}

// holdShown keeps the jq result on screen (if any) readable until the
// returned release, for a copy or a save that outlives a filter change.
func (v *BodyView) holdShown() (release func()) {
	if v.filtered == nil {
		return func() {}
	}
	return v.result.hold()
}

// dropResult removes the jq result shown (its file, if on disk).
func (v *BodyView) dropResult() {
	v.result.discard()
	v.result = nil
}

// JQResult tells where the jq result on screen is: its file when it is
// on disk (path), else its text (data); ok is false without a result.
// The file stays until the filter or the body changes, or Close.
func (v *BodyView) JQResult() (path string, data []byte, ok bool) {
	if v.result == nil || v.filtered == nil {
		return "", nil, false
	}
	return v.result.path(), v.result.data, true
}

// parsedBody returns the body decoded for jq (decoding it on first use),
// shared by every run until the filter is cleared or the body changes.
func (v *BodyView) parsedBody() *parsedBody {
	if v.parsed == nil {
		ctx, cancel := context.WithCancel(v.ctx)
		v.parsed = &parsedBody{ctx: ctx, cancel: cancel}
	}
	return v.parsed
}

// dropParsed lets the decoded body go, stopping a decode still running.
func (v *BodyView) dropParsed() {
	if v.parsed != nil && v.parsed.cancel != nil {
		v.parsed.cancel()
	}
	v.parsed = nil
}

// usesWholeDecode reports whether the program text would read the body
// decoded whole (parsedBody) on a body that is one JSON array: not when
// it does not compile, runs in batches, or needs only parts.
func usesWholeDecode(text string) bool {
	q, err := gojq.Parse(text)
	if err != nil {
		return false
	}
	if _, err := gojq.Compile(q); err != nil {
		return false
	}
	if batchSafe(text) {
		if sq, _ := gojq.Parse(text); sq != nil {
			if _, ok := streamPlan(sq); ok {
				return false
			}
		}
		if _, ok := entriesPlan(q); ok {
			return false
		}
		if _, _, ok := collectPlan(q); ok || isIdentity(q) {
			return false
		}
		if _, f, _, ok := keyedPlan(q); ok {
			if kn := queryNeed(f, needAll); kn == nil || !kn.all {
				return false
			}
		}
	}
	n := programNeed(q)
	return n != nil && (n.all || n.each != nil && n.each.all)
}

// decode parses the body once (a JSON value, or several as in NDJSON).
// It runs under the body's context, not a keystroke's, so the parse
// survives the next keystroke and is reused.
func (p *parsedBody) decode(ctx context.Context, raw io.ReaderAt, size int64) ([]any, error) {
	p.once.Do(func() {
		// The projecting decoder, asked for all: encoding/json's values,
		// quicker, with shared keys and maps of the right size.
		p.values, p.err = projectedDecode(ctx, raw, size, needAll)
		if errors.Is(p.err, errProjFallback) {
			p.values, p.err = decodeJSON(ctx, raw, size)
		}
	})
	return p.values, p.err
}

// decodeJSON decodes the body's values with encoding/json.
func decodeJSON(ctx context.Context, raw io.ReaderAt, size int64) ([]any, error) {
	dec := json.NewDecoder(ctxReader{ctx, io.NewSectionReader(raw, 0, size)})
	dec.UseNumber()
	var values []any
	for {
		var val any
		err := dec.Decode(&val)
		if errors.Is(err, io.EOF) {
			return values, nil
		}
		if err != nil {
			return nil, fmt.Errorf("body is not JSON: %w", err)
		}
		values = append(values, val)
	}
}

// runJQ runs the jq program text over the body and returns its outputs,
// pretty-printed, one after another: in memory when small, else in a
// temporary file in dir that the caller removes (jqResult.discard).
func runJQ(ctx, bodyCtx context.Context, pb *parsedBody, raw io.ReaderAt, size int64, text, dir string) (*jqResult, error) {
	q, err := gojq.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("jq: %w", err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("jq: %w", err)
	}
	out := newJQOut(dir)
	if ok, err := runInBatches(ctx, raw, size, text, q, out); ok || err != nil {
		if err != nil {
			out.discard()
			return nil, err
		}
		return out.finish()
	}
	out.reset()
	values, err := decodeFor(ctx, bodyCtx, pb, raw, size, q)
	if err != nil {
		return nil, err
	}
	for _, in := range values {
		if err := runOne(ctx, code, in, out); err != nil {
			if errors.Is(err, errOutputFull) {
				break
			}
			out.discard()
			return nil, err
		}
	}
	return out.finish()
}

// streamPlan reports whether the program starts by iterating an array
// and pipes each element through the rest: ".[] | select(...)",
// ".results[].name", ".a.b[] | f". Such a program can run on a few
// elements at a time, without decoding the whole body (a 50 MB body
// decodes to several hundred MB of Go values). It returns the object keys
// that lead to the array (none for the top level) and rewrites q to start
// with .[] on that array.
func streamPlan(q *gojq.Query) (path []string, ok bool) {
	if q.Meta != nil || len(q.Imports) > 0 {
		return nil, false
	}
	for q.Op == gojq.OpPipe {
		if len(q.Patterns) > 0 { // ".[] as $x | f" reads the whole input in f
			return nil, false
		}
		q = q.Left
	}
	t := q.Term
	if q.Op != 0 || t == nil {
		return nil, false
	}
	switch t.Type {
	case gojq.TermTypeIdentity:
		return nil, len(t.SuffixList) > 0 && t.SuffixList[0].Iter && !t.SuffixList[0].Optional
	case gojq.TermTypeIndex:
		if !plainKey(t.Index) {
			return nil, false
		}
		path = []string{t.Index.Name}
		i := 0
		for ; i < len(t.SuffixList); i++ {
			sf := t.SuffixList[i]
			if sf.Iter || sf.Optional || !plainKey(sf.Index) {
				break
			}
			path = append(path, sf.Index.Name)
		}
		if i == len(t.SuffixList) || !t.SuffixList[i].Iter || t.SuffixList[i].Optional {
			return nil, false
		}
		*t = gojq.Term{Type: gojq.TermTypeIdentity, SuffixList: t.SuffixList[i:]}
		return path, true
	}
	return nil, false
}

// plainKey reports whether ix is a plain .name index.
func plainKey(ix *gojq.Index) bool {
	return ix != nil && ix.Name != "" && ix.Str == nil && ix.Start == nil && ix.End == nil && !ix.IsSlice
}

// streamBatch is how many array elements runBatches decodes before it
// runs the program on them: one run per element costs more than the
// decoding, and a batch of this size stays small.
const streamBatch = 1024

// runOne appends the outputs of code on one input to out, pretty-printed.
func runOne(ctx context.Context, code *gojq.Code, in any, out *jqOut) error {
	iter := code.RunWithContext(ctx, in)
	for {
		val, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := val.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("jq: %w", err)
		}
		b, err := gojq.Marshal(val)
		if err != nil {
			return fmt.Errorf("jq: %w", err)
		}
		if indentTo(out, b) {
			return out.stop()
		}
		out.buf.WriteByte('\n')
		if err := out.stop(); err != nil {
			return err
		}
	}
}

// Copy hands the shown text (the jq result, or the body) to OnCopy.
// A binary body is not copied: the terminal clipboard carries text.
func (v *BodyView) Copy() {
	if v.OnCopy == nil {
		return
	}
	if v.binary && v.filtered == nil {
		v.message, v.msgErr = "binary body: save it with w", true
		return
	}
	d := v.current()
	if d.size > v.CopyLimit {
		v.message, v.msgErr = fmt.Sprintf("%s is too large to copy: save it with w", FormatSize(d.size)), true
		return
	}
	if d.size <= syncIndexLimit {
		v.copyDone(d.readRange(nil, 0, d.size))
		return
	}
	v.message = "copying…"
	ctx := v.ctx
	release := v.holdShown()
	go func() {
		defer release()
		b, err := d.readRange(nil, 0, d.size)
		v.post(func() {
			if ctx.Err() == nil {
				v.copyDone(b, err)
			}
		})
	}()
}

func (v *BodyView) copyDone(b []byte, err error) {
	if err != nil {
		v.message, v.msgErr = err.Error(), true
		return
	}
	v.OnCopy(string(b))
	v.message, v.msgErr = "copied "+FormatSize(int64(len(b))), false
}

// saveAsync writes the body as received, or the jq result when a filter
// is on, to path in the background and reports on the status line.
func (v *BodyView) saveAsync(path string) {
	raw, size, ctx := v.raw, v.rawSize, v.ctx
	if d := v.filtered; d != nil {
		raw, size = d.r, d.size
	}
	v.message, v.msgErr = "saving…", false
	release := v.holdShown()
	go func() {
		defer release()
		err := SaveBody(raw, size, path)
		v.post(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				v.message, v.msgErr = err.Error(), true
				return
			}
			v.message, v.msgErr = fmt.Sprintf("saved %s to %s", FormatSize(size), path), false
		})
	}()
}

// SaveBody writes size bytes of r, as received, to path. It writes a
// temporary file beside path and renames it, so a failed save leaves no
// half file; the mode is 0600 since bodies can hold tokens.
func SaveBody(r io.ReaderAt, size int64, path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("save body: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := io.Copy(tmp, io.NewSectionReader(r, 0, size)); err != nil {
		tmp.Close()
		return fmt.Errorf("save body to %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save body to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save body: %w", err)
	}
	return nil
}

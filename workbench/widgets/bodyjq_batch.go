package widgets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/itchyny/gojq"
)

// collectPlan reports whether q gathers f over the elements of its input
// and pipes the array into rest: "map(f) | rest", "[.[] | f] | rest",
// "map(f)", "[.[] | f]" (rest nil). Such a program runs on a few
// elements at a time, keeping only f's outputs (runBatches).
func collectPlan(q *gojq.Query) (f, rest *gojq.Query, ok bool) {
	if q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 {
		return nil, nil, false
	}
	left := q
	if q.Op == gojq.OpPipe {
		if len(q.Patterns) > 0 {
			return nil, nil, false
		}
		left, rest = q.Left, q.Right
	}
	if left.Op != 0 || left.Term == nil || len(left.FuncDefs) > 0 || len(left.Patterns) > 0 {
		return nil, nil, false
	}
	t := left.Term
	if len(t.SuffixList) > 0 {
		return nil, nil, false
	}
	switch {
	case t.Type == gojq.TermTypeFunc && t.Func.Name == "map" && len(t.Func.Args) == 1:
		return t.Func.Args[0], rest, true
	case t.Type == gojq.TermTypeArray && t.Array.Query != nil:
		a := t.Array.Query
		if len(a.FuncDefs) > 0 || len(a.Patterns) > 0 {
			return nil, nil, false
		}
		if isIter(a) {
			return nil, rest, true
		}
		if a.Op == gojq.OpPipe && isIter(a.Left) {
			return a.Right, rest, true
		}
	}
	return nil, nil, false
}

// isIter reports whether q is exactly .[]
func isIter(q *gojq.Query) bool {
	t := q.Term
	return q.Op == 0 && len(q.FuncDefs) == 0 && t != nil && t.Type == gojq.TermTypeIdentity &&
		len(t.SuffixList) == 1 && t.SuffixList[0].Iter && !t.SuffixList[0].Optional
}

// iterThen is the program ".[] | f" (".[]" for nil f).
func iterThen(f *gojq.Query) *gojq.Query {
	it := &gojq.Query{Term: &gojq.Term{Type: gojq.TermTypeIdentity, SuffixList: []*gojq.Suffix{{Iter: true}}}}
	if f == nil {
		return it
	}
	return &gojq.Query{Op: gojq.OpPipe, Left: it, Right: f}
}

// eachNeed is what a program starting with .[] on an array needs of
// each element, given its need n of the array.
func eachNeed(n *need) *need {
	if n == nil || n.all || len(n.keys) > 0 || len(n.idx) > 0 || n.tailN > 0 {
		return needAll
	}
	return orType(n.each)
}

// batchSafe reports whether a program may run in batches: halt ends the
// whole program, input reads the next value, $__loc__ knows its place.
func batchSafe(text string) bool {
	for _, w := range []string{"halt", "input", "$__loc__"} {
		if strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// runCollect runs a program of collectPlan's shape in batches: it
// reports false, with no error, when the body is not one JSON array (the
// caller then runs it whole, which also gives the errors). Without rest,
// the array of f's outputs is printed an output at a time, never held.
func runCollect(ctx context.Context, raw io.ReaderAt, size int64, f, rest *gojq.Query, out *jqOut) (bool, error) {
	fcode, err := gojq.Compile(iterThen(f))
	if err != nil {
		return false, nil
	}
	if rest == nil {
		return printArray(ctx, raw, size, fcode, eachNeed(queryNeed(iterThen(f), &need{each: needAll})), out)
	}
	rcode, err := gojq.Compile(rest)
	if err != nil {
		return false, nil
	}
	accNeed := queryNeed(rest, needAll).elems()
	var acc []any
	elem := eachNeed(queryNeed(iterThen(f), &need{each: accNeed}))
	ok, err := runBatches(ctx, raw, size, nil, elem, fcode, func(v any) error {
		if accNeed == nil {
			v = nil // only counted
		}
		acc = append(acc, v)
		return nil
	})
	if !ok || err != nil {
		return ok, err
	}
	return true, runOnCollected(ctx, rcode, acc, out)
}

// runOnCollected runs the rest of a program on the array its batches
// collected (empty, not null, when there were none); a full output is no
// error.
func runOnCollected(ctx context.Context, rest *gojq.Code, acc []any, out *jqOut) error {
	if acc == nil {
		acc = []any{}
	}
	if err := runOne(ctx, rest, acc, out); !errors.Is(err, errOutputFull) {
		return err
	}
	return nil
}

// printValue appends v pretty-printed to out.
func printValue(v any, out *jqOut) error {
	b, err := gojq.Marshal(v)
	if err != nil {
		return fmt.Errorf("jq: %w", err)
	}
	if indentTo(out, b) {
		return out.stop()
	}
	out.buf.WriteByte('\n')
	return out.stop()
}

// runBatches decodes the elements of the array found under the object
// keys path (none: the body is the array) for need elem, a batch at a time, and hands each output of code (a program
// starting with .[]) on each batch to emit, as running code on the whole
// array would. It reports false, with no error, when the body has another
// shape (a key missing or repeated, not an array, NDJSON) or is not JSON; a jq error is reported once the rest of
// the body is known to be JSON.
func runBatches(ctx context.Context, raw io.ReaderAt, size int64, path []string, elem *need, code *gojq.Code, emit func(any) error) (bool, error) {
	return runBatchesAt(ctx, raw, size, path, elem, code, emit, nil)
}

// runBatchesAt is runBatches that also hands span, if not nil, where each
// element starts and ends in the body, in order, as it is decoded.
func runBatchesAt(ctx context.Context, raw io.ReaderAt, size int64, path []string, elem *need, code *gojq.Code, emit func(any) error, span func(start, end int64)) (bool, error) {
	d := newProjDecoder(ctxReader{ctx, io.NewSectionReader(raw, 0, size)})
	// Walk down to the array, skipping the values of other keys.
	for _, key := range path {
		if c, ok := d.skipSpace(); !ok || c != '{' {
			return false, nil
		}
		d.pos++
		if err := d.enter(); err != nil {
			return false, nil
		}
		if c, ok := d.skipSpace(); !ok || c == '}' {
			return false, nil
		}
		for {
			if c, ok := d.skipSpace(); !ok || c != '"' {
				return false, nil
			}
			k, err := d.key()
			if err != nil || d.colon() != nil {
				return false, ctx.Err()
			}
			if k == key {
				break
			}
			if _, err := d.value(nil); err != nil {
				return false, ctx.Err()
			}
			if more, err := d.next('}'); err != nil || !more {
				return false, ctx.Err() // no such key
			}
		}
	}
	if c, ok := d.skipSpace(); !ok || c != '[' {
		return false, nil
	}
	d.pos++
	if err := d.enter(); err != nil {
		return false, nil
	}
	var runErr error
	batch := make([]any, 0, streamBatch)
	flush := func() {
		if len(batch) == 0 || runErr != nil {
			return
		}
		iter := code.RunWithContext(ctx, batch)
		for {
			v, ok := iter.Next()
			if !ok {
				break
			}
			if err, ok := v.(error); ok {
				runErr = fmt.Errorf("jq: %w", err)
				break
			}
			if err := emit(v); err != nil {
				runErr = err
				break
			}
		}
		batch = make([]any, 0, streamBatch) // the outputs may hold the old one
	}
	c, ok := d.skipSpace()
	if !ok {
		return false, nil
	}
	if c == ']' {
		d.pos++
	} else {
		for {
			en := elem
			if runErr != nil {
				en = nil // the result is decided: only check the JSON
			}
			if _, ok := d.skipSpace(); !ok {
				return false, ctx.Err()
			}
			start := int64(d.base + d.pos)
			v, err := d.value(en)
			if err != nil {
				return false, ctx.Err()
			}
			if span != nil {
				span(start, int64(d.base+d.pos))
			}
			if runErr == nil {
				batch = append(batch, v)
				if len(batch) == streamBatch {
					flush()
				}
			}
			more, err := d.next(']')
			if err != nil {
				return false, ctx.Err()
			}
			if !more {
				break
			}
		}
	}
	// The rest of the enclosing objects: a repeated key would win in jq.
	for level := len(path) - 1; level >= 0; level-- {
		for {
			more, err := d.next('}')
			if err != nil {
				return false, ctx.Err()
			}
			if !more {
				break
			}
			if c, ok := d.skipSpace(); !ok || c != '"' {
				return false, nil
			}
			k, err := d.key()
			if err != nil || d.colon() != nil || k == path[level] {
				return false, ctx.Err()
			}
			if _, err := d.value(nil); err != nil {
				return false, ctx.Err()
			}
		}
	}
	if _, more := d.skipSpace(); more || d.rerr != nil {
		return false, ctx.Err() // NDJSON, or a read error: run on the whole
	}
	flush()
	if errors.Is(runErr, errOutputFull) {
		runErr = nil
	}
	return true, runErr
}

// runInBatches runs the program q (text) a few array elements at a time
// when its shape allows (".[] | f", ".a.b[] | f", "map(f) | rest",
// "[.[] | f] | rest") and the body fits; false, with no error, when it
// does not.
func runInBatches(ctx context.Context, raw io.ReaderAt, size int64, text string, q *gojq.Query, out *jqOut) (bool, error) {
	if !batchSafe(text) {
		return false, nil
	}
	if sq, _ := gojq.Parse(text); sq != nil {
		if path, ok := streamPlan(sq); ok {
			scode, err := gojq.Compile(sq)
			if err != nil {
				return false, fmt.Errorf("jq: %w", err)
			}
			return runBatches(ctx, raw, size, path, eachNeed(programNeed(sq)), scode, func(v any) error {
				return printValue(v, out)
			})
		}
	}
	if isIdentity(q) {
		return runIdentity(ctx, raw, size, out)
	}
	if f, rest, ok := collectPlan(q); ok {
		return runCollect(ctx, raw, size, f, rest, out)
	}
	if rest, ok := entriesPlan(q); ok {
		return runEntries(ctx, raw, size, rest, out)
	}
	if name, f, rest, ok := keyedPlan(q); ok {
		return runKeyed(ctx, raw, size, name, f, rest, out)
	}
	return false, nil
}

// isIdentity reports whether q is "." alone.
func isIdentity(q *gojq.Query) bool {
	t := q.Term
	return q.Meta == nil && len(q.Imports) == 0 && len(q.FuncDefs) == 0 && q.Op == 0 &&
		t != nil && t.Type == gojq.TermTypeIdentity && len(t.SuffixList) == 0
}

// runIdentity prints a body that is one JSON array as "." does, an
// element at a time: the first keystroke of ".[0].a" need not decode
// the whole body, and the result is never held whole.
func runIdentity(ctx context.Context, raw io.ReaderAt, size int64, out *jqOut) (bool, error) {
	code, err := gojq.Compile(iterThen(nil))
	if err != nil {
		return false, nil
	}
	return printArray(ctx, raw, size, code, needAll, out)
}

// printArray prints the array of the outputs of code (a program starting
// with .[]) on the body's elements, decoded for need elem, an output at
// a time: what printing the whole array prints. It reports false, with
// no error, when the body is not one JSON array.
func printArray(ctx context.Context, raw io.ReaderAt, size int64, code *gojq.Code, elem *need, out *jqOut) (bool, error) {
	n := 0
	ok, err := runBatches(ctx, raw, size, nil, elem, code, func(v any) error {
		b, err := gojq.Marshal(v)
		if err != nil {
			return fmt.Errorf("jq: %w", err)
		}
		if n == 0 {
			out.buf.WriteString("[\n  ")
		} else {
			out.buf.WriteString(",\n  ")
		}
		n++
		if indentAt(out, b, 1) {
			return out.stop()
		}
		return out.stop()
	})
	if !ok || err != nil {
		return ok, err
	}
	if out.over() {
		return true, nil
	}
	if n == 0 {
		out.buf.WriteString("[]\n")
	} else {
		out.buf.WriteString("\n]\n")
	}
	return true, nil
}

// entriesPlan reports whether q is "to_entries" or "to_entries | rest"
// (rest nil for none).
func entriesPlan(q *gojq.Query) (rest *gojq.Query, ok bool) {
	if q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 {
		return nil, false
	}
	left := q
	if q.Op == gojq.OpPipe {
		if len(q.Patterns) > 0 {
			return nil, false
		}
		left, rest = q.Left, q.Right
	}
	t := left.Term
	if left.Op != 0 || t == nil || len(left.FuncDefs) > 0 || len(left.Patterns) > 0 || len(t.SuffixList) > 0 ||
		t.Type != gojq.TermTypeFunc || t.Func.Name != "to_entries" || len(t.Func.Args) != 0 {
		return nil, false
	}
	return rest, true
}

// runEntries runs "to_entries | rest" on a body that is one JSON array a
// batch of elements at a time: the entries {key: i, value: .[i]} are
// made as far as rest looks at them (not at all when it only counts
// them), and without rest printed one at a time. It reports false, with
// no error, when the body is not one array (an object's entries are in
// key order: the whole path makes them).
func runEntries(ctx context.Context, raw io.ReaderAt, size int64, rest *gojq.Query, out *jqOut) (bool, error) {
	code, err := gojq.Compile(iterThen(nil))
	if err != nil {
		return false, nil
	}
	entry := func(i int, v any) any { return map[string]any{"key": i, "value": v} }
	if rest == nil {
		i := 0
		ok, err := runBatches(ctx, raw, size, nil, needAll, code, func(v any) error {
			b, err := gojq.Marshal(entry(i, v))
			if err != nil {
				return fmt.Errorf("jq: %w", err)
			}
			if i == 0 {
				out.buf.WriteString("[\n  ")
			} else {
				out.buf.WriteString(",\n  ")
			}
			i++
			indentAt(out, b, 1)
			return out.stop()
		})
		if !ok || err != nil || out.over() {
			return ok, err
		}
		if i == 0 {
			out.buf.WriteString("[]\n")
		} else {
			out.buf.WriteString("\n]\n")
		}
		return true, nil
	}
	rcode, err := gojq.Compile(rest)
	if err != nil {
		return false, nil
	}
	accNeed := queryNeed(rest, needAll).elems()
	elem := orType(accNeed.value("value"))
	var acc []any
	ok, err := runBatches(ctx, raw, size, nil, elem, code, func(v any) error {
		if accNeed == nil {
			acc = append(acc, nil) // only counted
		} else {
			acc = append(acc, entry(len(acc), v))
		}
		return nil
	})
	if !ok || err != nil {
		return ok, err
	}
	return true, runOnCollected(ctx, rcode, acc, out)
}

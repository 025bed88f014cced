package widgets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/itchyny/gojq"
)

// keyedPlan reports whether q orders or picks the elements of its input
// by a key and pipes the outcome into rest: "sort_by(f) | rest",
// "group_by(f)", "unique_by(f)", "min_by(f)", "max_by(f)" (rest nil when
// there is none, or "."). On a body that is one large array such a
// program needs f's outputs for every element but the elements
// themselves only where rest looks (runKeyed): the whole body decoded
// for it is several times the body's size.
func keyedPlan(q *gojq.Query) (name string, f, rest *gojq.Query, ok bool) {
	if q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 {
		return "", nil, nil, false
	}
	left := q
	if q.Op == gojq.OpPipe {
		if len(q.Patterns) > 0 {
			return "", nil, nil, false
		}
		left, rest = q.Left, q.Right
		if isIdentity(rest) {
			rest = nil
		}
	}
	if left.Op != 0 || left.Term == nil || len(left.FuncDefs) > 0 || len(left.Patterns) > 0 {
		return "", nil, nil, false
	}
	t := left.Term
	if len(t.SuffixList) > 0 || t.Type != gojq.TermTypeFunc || len(t.Func.Args) != 1 {
		return "", nil, nil, false
	}
	switch t.Func.Name {
	case "sort_by", "group_by", "unique_by", "min_by", "max_by":
		return t.Func.Name, t.Func.Args[0], rest, true
	}
	return "", nil, nil, false
}

// runKeyed runs a program of keyedPlan's shape on a body that is one
// JSON array, as gojq would (its builtins are _sort_by(map([f])) and
// the like: a stable sort by Compare of the [f] arrays): a first pass
// runs [f] on each element, a few at a time, and notes where each element
// lies in the body; the elements rest looks at are then decoded from
// there, as far as it looks. It reports false, with no error, when the
// body has another shape or the plan would not save memory (f looks at
// whole elements).
func runKeyed(ctx context.Context, raw io.ReaderAt, size int64, name string, f, rest *gojq.Query, out *jqOut) (bool, error) {
	keyNeed := queryNeed(f, needAll)
	if keyNeed != nil && keyNeed.all {
		return false, nil // the keys are the elements: decode them once, whole
	}
	kcode, err := gojq.Compile(iterThen(&gojq.Query{Term: &gojq.Term{Type: gojq.TermTypeArray, Array: &gojq.Array{Query: f}}}))
	if err != nil {
		return false, nil
	}
	var rcode *gojq.Code
	if rest != nil {
		if rcode, err = gojq.Compile(rest); err != nil {
			return false, nil
		}
	}
	var keys []any
	var starts, ends []int64
	ok, err := runBatchesAt(ctx, raw, size, nil, orType(keyNeed), kcode, func(v any) error {
		keys = append(keys, v)
		return nil
	}, func(start, end int64) {
		starts, ends = append(starts, start), append(ends, end)
	})
	if !ok || err != nil {
		return ok, err
	}
	if len(keys) != len(starts) {
		return false, nil // not one [f] an element: cannot happen
	}
	order := make([]int32, len(keys))
	for i := range order {
		order[i] = int32(i)
	}
	if name != "min_by" && name != "max_by" {
		slices.SortStableFunc(order, func(a, b int32) int { return gojq.Compare(keys[a], keys[b]) })
	}
	el := &elemReader{ctx: ctx, raw: raw, starts: starts, ends: ends}
	var res any // for rest, or printed
	var groups [][]int32
	switch name {
	case "min_by", "max_by":
		// minMaxBy of gojq: the first element whose key is least (most).
		if len(order) == 0 {
			if rest == nil {
				return true, ignoreFull(printValue(nil, out))
			}
			break
		}
		j, isMin := 0, name == "min_by"
		for i := 1; i < len(keys); i++ {
			if gojq.Compare(keys[j], keys[i]) > 0 == isMin {
				j = i
			}
		}
		n := needAll
		if rest != nil {
			n = queryNeed(rest, needAll)
		}
		if res, err = el.decode(int32(j), n); err != nil {
			return true, err
		}
		if rest == nil {
			return true, ignoreFull(printValue(res, out))
		}
	case "sort_by":
		groups = [][]int32{order}
	case "group_by", "unique_by":
		// A group runs while Compare with its first key is 0, as gojq's.
		for i, o := range order {
			if i == 0 || gojq.Compare(keys[groups[len(groups)-1][0]], keys[o]) != 0 {
				groups = append(groups, []int32{o})
			} else {
				groups[len(groups)-1] = append(groups[len(groups)-1], o)
			}
		}
		if name == "unique_by" {
			firsts := make([]int32, len(groups))
			for i, g := range groups {
				firsts[i] = g[0]
			}
			groups = [][]int32{firsts}
		}
	}
	keys = nil // what the elements are compared by is not needed any more
	if name != "min_by" && name != "max_by" {
		nested := name == "group_by"
		if rest == nil {
			return true, ignoreFull(printKeyed(el, groups, nested, out))
		}
		n := queryNeed(rest, needAll)
		if nested {
			gs := make([]any, len(groups))
			for g := range groups {
				gn := arrayElemNeed(n, g, len(groups))
				if gn == nil {
					continue
				}
				if gs[g], err = el.array(groups[g], gn); err != nil {
					return true, err
				}
			}
			res = gs
		} else if res, err = el.array(groups[0], n); err != nil {
			return true, err
		}
	}
	return true, ignoreFull(runOne(ctx, rcode, res, out))
}

// ignoreFull is err, but nil for a result cut at its limit.
func ignoreFull(err error) error {
	if errors.Is(err, errOutputFull) {
		return nil
	}
	return err
}

// arrayElemNeed is the need of element i of an array of n elements when
// the array's need is an, as the projecting decoder gives it.
func arrayElemNeed(an *need, i, n int) *need {
	switch {
	case an == nil:
		return nil
	case an.all || len(an.keys) > 0:
		return needAll
	}
	e := an.elem(i)
	if an.tailN > 0 && i >= n-an.tailN {
		e = union(e, an.tail)
	}
	return e
}

// elemReader decodes elements of the body's array from where they lie,
// sharing keys and short values between them as a whole decode does.
type elemReader struct {
	ctx    context.Context
	raw    io.ReaderAt
	starts []int64
	ends   []int64
	d      *projDecoder
}

// decode decodes element i for need n (nil: not looked at, null).
func (e *elemReader) decode(i int32, n *need) (any, error) {
	if n == nil {
		return nil, e.ctx.Err()
	}
	r := ctxReader{e.ctx, io.NewSectionReader(e.raw, e.starts[i], e.ends[i]-e.starts[i])}
	if e.d == nil {
		e.d = newProjDecoder(r)
	} else {
		e.d.reset(r)
	}
	v, err := e.d.value(n)
	if err != nil {
		if e.ctx.Err() != nil {
			return nil, e.ctx.Err()
		}
		return nil, fmt.Errorf("body changed while jq read it: %w", err)
	}
	return v, nil
}

// array is the array of the elements at positions, decoded for the
// array's need an.
func (e *elemReader) array(positions []int32, an *need) ([]any, error) {
	vals := make([]any, len(positions))
	for p, i := range positions {
		v, err := e.decode(i, arrayElemNeed(an, p, len(positions)))
		if err != nil {
			return nil, err
		}
		vals[p] = v
	}
	return vals, nil
}

// printKeyed prints the array of the elements of groups[0] (nested
// false) or the array of the groups' arrays, pretty-printed as jq does,
// an element at a time.
func printKeyed(el *elemReader, groups [][]int32, nested bool, out *jqOut) error {
	item := func(depth int, i int32) error {
		v, err := el.decode(i, needAll)
		if err != nil {
			return err
		}
		b, err := gojq.Marshal(v)
		if err != nil {
			return fmt.Errorf("jq: %w", err)
		}
		indentAt(out, b, depth)
		return out.stop()
	}
	list := func(depth int, n int, each func(int) error) error {
		if n == 0 {
			out.buf.WriteString("[]")
			return nil
		}
		ind := "\n" + indentString(depth+1)
		for k := range n {
			if k == 0 {
				out.buf.WriteString("[" + ind)
			} else {
				out.buf.WriteString("," + ind)
			}
			if err := each(k); err != nil {
				return err
			}
		}
		out.buf.WriteString("\n" + indentString(depth) + "]")
		return nil
	}
	var err error
	if nested {
		err = list(0, len(groups), func(g int) error {
			return list(1, len(groups[g]), func(k int) error { return item(2, groups[g][k]) })
		})
	} else {
		err = list(0, len(groups[0]), func(k int) error { return item(1, groups[0][k]) })
	}
	if err != nil {
		return err
	}
	out.buf.WriteByte('\n')
	return out.stop()
}

// indentString is depth levels of jq's two-space indent.
func indentString(depth int) string {
	b := make([]byte, 2*depth)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

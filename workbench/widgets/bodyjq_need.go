package widgets

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/itchyny/gojq"
)

// A need says which parts of a JSON value a jq program can observe, so
// that a large body is decoded only as far as the program looks
// (projectedDecode). nil needs nothing: the value is not looked at and a
// null stands in for it. A need that is not nil always needs the value's
// type (a scalar is always decoded whole); beyond that:
//
//   - all: the whole value;
//   - keys: of an object, those keys (present or not) with their need;
//     an object missing a key reads as null, as in jq. Keys also say the
//     program expects an object: an array there is decoded whole, since
//     the error jq gives for it shows the value;
//   - idx, tail: of an array, the elements at those positions (from the
//     start, or counting from the end), with their need; arr says the
//     program expects an array, so an object there is decoded whole;
//   - each: every element of an array, every value of an object;
//   - shallow: every key of an object (length, keys, has), values
//     standing in as null. Arrays always keep their length and positions.
//
// The analysis is conservative: what it does not know needs all.
type need struct {
	all     bool
	shallow bool
	arr     bool
	keys    map[string]*need
	idx     []idxNeed
	tailN   int   // the last tailN elements need tail
	tail    *need //
	each    *need

	merged map[string]*need // keys[k] ∪ each, cached by child
}

// idxNeed is the need of the elements lo ≤ i < hi of an array.
type idxNeed struct {
	lo, hi int
	n      *need
}

var (
	needAll  = &need{all: true}
	needType = &need{}
)

// union is a need for both a and b. It does not modify a or b.
func union(a, b *need) *need {
	switch {
	case a == nil || a == b:
		return b
	case b == nil:
		return a
	case a.all || b.all:
		return needAll
	}
	u := &need{shallow: a.shallow || b.shallow, arr: a.arr || b.arr, each: union(a.each, b.each)}
	if len(a.keys)+len(b.keys) > 0 {
		u.keys = make(map[string]*need, len(a.keys)+len(b.keys))
		for k, n := range a.keys {
			u.keys[k] = n
		}
		for k, n := range b.keys {
			if m, ok := u.keys[k]; ok {
				u.keys[k] = union(m, n)
			} else {
				u.keys[k] = n
			}
		}
	}
	if len(a.idx)+len(b.idx) > 0 {
		u.idx = append(append([]idxNeed(nil), a.idx...), b.idx...)
	}
	u.tailN, u.tail = max(a.tailN, b.tailN), union(a.tail, b.tail)
	if u.tail == nil && u.tailN > 0 {
		u.tail = needType
	}
	return u
}

// child is the need of an object's value under key k, and whether the
// key is kept at all.
func (n *need) child(k string) (*need, bool) {
	kn, named := n.keys[k]
	if !named {
		return n.each, n.each != nil || n.shallow
	}
	if n.each == nil || kn == n.each {
		return kn, true
	}
	if m, ok := n.merged[k]; ok {
		return m, true
	}
	m := union(kn, n.each)
	if n.merged == nil {
		n.merged = map[string]*need{}
	}
	n.merged[k] = m
	return m, true
}

// elem is the need of an array's element i (tail aside).
func (n *need) elem(i int) *need {
	e := n.each
	for _, r := range n.idx {
		if r.lo <= i && i < r.hi {
			e = union(e, r.n)
		}
	}
	return e
}

// elems is the union of every element's need: what an array built by
// [f] needs of f's outputs when positions are not tracked.
func (n *need) elems() *need {
	switch {
	case n == nil:
		return nil
	case n.all || len(n.keys) > 0: // an object is expected: jq shows the array
		return needAll
	}
	e := union(n.each, n.tail)
	for _, r := range n.idx {
		e = union(e, r.n)
	}
	return e
}

// value is the need of the value under key k of an object built by
// {k: f} when the object's need is n.
func (n *need) value(k string) *need {
	switch {
	case n == nil:
		return nil
	case n.all || n.arr || len(n.idx) > 0 || n.tailN > 0:
		return needAll
	}
	c, _ := n.child(k)
	return c
}

// programNeed is what the program q needs of each input: all when it
// prints it, less when it only looks at parts.
func programNeed(q *gojq.Query) *need {
	return queryNeed(q, needAll)
}

// queryNeed is what q needs of its input for its outputs to be seen as
// far as out says (nil: the outputs are only counted).
func queryNeed(q *gojq.Query, out *need) *need {
	if q == nil {
		return out // an absent query is the identity
	}
	if q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 {
		return needAll
	}
	if len(q.Patterns) > 0 && q.Op != gojq.OpPipe {
		return needAll
	}
	if q.Term != nil {
		return termNeed(q.Term, out)
	}
	switch q.Op {
	case gojq.OpPipe:
		if len(q.Patterns) > 0 { // L as $x | R: $x is seen whole, R runs on the input
			return union(queryNeed(q.Left, needAll), queryNeed(q.Right, out))
		}
		return queryNeed(q.Left, queryNeed(q.Right, out))
	case gojq.OpComma:
		return union(queryNeed(q.Left, out), queryNeed(q.Right, out))
	case gojq.OpAlt:
		return union(queryNeed(q.Left, union(out, needType)), queryNeed(q.Right, out))
	case gojq.OpAnd, gojq.OpOr:
		return union(queryNeed(q.Left, needType), queryNeed(q.Right, needType))
	case gojq.OpAdd, gojq.OpSub, gojq.OpMul, gojq.OpDiv, gojq.OpMod,
		gojq.OpEq, gojq.OpNe, gojq.OpGt, gojq.OpLt, gojq.OpGe, gojq.OpLe:
		return union(queryNeed(q.Left, needAll), queryNeed(q.Right, needAll))
	}
	return needAll // assignments, updates and anything new
}

// termNeed is what t, with its suffixes, needs of its input.
func termNeed(t *gojq.Term, out *need) *need {
	// Suffixes apply right to left to the term's value; the expressions in
	// their brackets run on the term's input.
	var side *need
	n := out
	for i := len(t.SuffixList) - 1; i >= 0; i-- {
		s := t.SuffixList[i]
		switch {
		case s.Index != nil:
			var sn *need
			n, sn = indexNeed(s.Index, n)
			side = union(side, sn)
		case s.Iter:
			n = &need{each: orType(n)}
		case s.Optional: // try: the same parts are seen
		default:
			return needAll
		}
	}
	var base *need
	switch t.Type {
	case gojq.TermTypeIdentity:
		base = n
	case gojq.TermTypeNull, gojq.TermTypeTrue, gojq.TermTypeFalse, gojq.TermTypeNumber, gojq.TermTypeBreak:
		base = nil
	case gojq.TermTypeIndex:
		var sn *need
		base, sn = indexNeed(t.Index, n)
		side = union(side, sn)
	case gojq.TermTypeFunc:
		base = funcNeed(t.Func, n)
	case gojq.TermTypeObject:
		base = objectNeed(t.Object, n)
	case gojq.TermTypeArray:
		if t.Array.Query != nil {
			base = queryNeed(t.Array.Query, n.elems())
		}
	case gojq.TermTypeUnary:
		base = termNeed(t.Unary.Term, needAll)
	case gojq.TermTypeString:
		base = stringNeed(t.Str)
	case gojq.TermTypeFormat:
		if t.Str == nil {
			return needAll // @base64 formats the input
		}
		base = stringNeed(t.Str)
	case gojq.TermTypeIf:
		base = ifNeed(t.If, n)
	case gojq.TermTypeTry:
		// The catch runs on the error, which shows only what was seen.
		base = queryNeed(t.Try.Body, n)
		if t.Try.Catch != nil && n != nil {
			base = union(base, needType)
		}
	case gojq.TermTypeReduce:
		base = union(queryNeed(t.Reduce.Query, needAll), queryNeed(t.Reduce.Start, needAll))
	case gojq.TermTypeForeach:
		base = union(queryNeed(t.Foreach.Query, needAll), queryNeed(t.Foreach.Start, needAll))
	case gojq.TermTypeLabel:
		base = queryNeed(t.Label.Body, n)
	case gojq.TermTypeQuery:
		base = queryNeed(t.Query, n)
	default: // .., and anything new
		return needAll
	}
	return union(base, side)
}

// indexNeed is what .[x] needs of the value it indexes, for out, and
// side: what x itself needs of the term's input.
func indexNeed(ix *gojq.Index, out *need) (n, side *need) {
	if ix.Name != "" {
		return &need{keys: map[string]*need{ix.Name: out}}, nil
	}
	if ix.Str != nil {
		if len(ix.Str.Queries) == 0 {
			return &need{keys: map[string]*need{ix.Str.Str: out}}, nil
		}
		return needAll, stringNeed(ix.Str)
	}
	if !ix.IsSlice {
		if k, ok := constString(ix.Start); ok {
			return &need{keys: map[string]*need{k: out}}, nil
		}
		i, ok := constInt(ix.Start)
		switch {
		case !ok:
			return needAll, queryNeed(ix.Start, needAll)
		case i >= 0:
			return &need{arr: true, idx: []idxNeed{{i, i + 1, orType(out)}}}, nil
		default:
			return &need{arr: true, tailN: -i, tail: orType(out)}, nil
		}
	}
	lo, hi, loOK, hiOK := 0, -1, true, true
	if ix.Start != nil {
		lo, loOK = constInt(ix.Start)
	}
	if ix.End != nil {
		hi, hiOK = constInt(ix.End)
	}
	if !loOK || !hiOK {
		return needAll, union(queryNeed(ix.Start, needAll), queryNeed(ix.End, needAll))
	}
	e := out.elems()
	switch {
	case out == nil:
		e = nil
	case lo >= 0 && ix.End != nil && hi >= 0:
		return &need{arr: true, idx: []idxNeed{{lo, max(lo, hi), e}}}, nil
	case lo < 0 && ix.End == nil:
		return &need{arr: true, tailN: -lo, tail: orType(e)}, nil
	}
	return &need{arr: true, each: orType(e)}, nil
}

// orType is n, or the type alone for nil: a value that is indexed must
// be there even when what the index gives is not looked at.
func orType(n *need) *need {
	if n == nil {
		return needType
	}
	return n
}

// constInt reports the integer a query is when it is a literal such as 3
// or -1 (not 1.5, not 1e3).
func constInt(q *gojq.Query) (int, bool) {
	if q == nil || q.Term == nil || len(q.FuncDefs) > 0 || q.Op != 0 {
		return 0, false
	}
	t, neg := q.Term, false
	if t.Type == gojq.TermTypeUnary && t.Unary.Op == gojq.OpSub && len(t.SuffixList) == 0 {
		t, neg = t.Unary.Term, true
	}
	if t.Type != gojq.TermTypeNumber || len(t.SuffixList) > 0 {
		return 0, false
	}
	for _, c := range t.Number {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(t.Number)
	if err != nil || i > 1<<40 {
		return 0, false
	}
	if neg {
		i = -i
	}
	return i, true
}

func stringNeed(s *gojq.String) *need {
	var n *need
	for _, q := range s.Queries {
		n = union(n, queryNeed(q, needAll))
	}
	return n
}

func ifNeed(e *gojq.If, out *need) *need {
	n := union(queryNeed(e.Cond, needType), queryNeed(e.Then, out))
	for _, ei := range e.Elif {
		n = union(n, union(queryNeed(ei.Cond, needType), queryNeed(ei.Then, out)))
	}
	if e.Else == nil {
		return union(n, out)
	}
	return union(n, queryNeed(e.Else, out))
}

func objectNeed(o *gojq.Object, out *need) *need {
	var n *need
	for _, kv := range o.KeyVals {
		var key string
		switch {
		case kv.KeyQuery != nil:
			return needAll
		case kv.KeyString != nil && len(kv.KeyString.Queries) > 0:
			return needAll
		case kv.KeyString != nil:
			key = kv.KeyString.Str
		default:
			key = kv.Key
		}
		vn := out.value(key)
		switch {
		case kv.Val != nil:
			n = union(n, queryNeed(kv.Val, vn))
		case len(key) > 0 && key[0] == '$': // {$x}
		default: // {a} is {a: .a}
			n = union(n, &need{keys: map[string]*need{key: vn}})
		}
	}
	return n
}

// funcNeed is what a builtin call needs of its input; user definitions
// make the whole query need all (queryNeed), so names here are builtins.
func funcNeed(f *gojq.Func, out *need) *need {
	if len(f.Name) > 0 && f.Name[0] == '$' {
		return nil // a variable: bound by something that needs all
	}
	a := f.Args
	switch f.Name + "/" + strconv.Itoa(len(a)) {
	case "empty/0", "env/0", "null/0", "true/0", "false/0":
		return nil
	case "not/0", "type/0":
		return needType
	case "length/0", "keys/0", "keys_unsorted/0":
		return &need{shallow: true}
	case "to_entries/0":
		// [keys[] as $k | {key: $k, value: .[$k]}]: every key, and of
		// each value what the entries' values need.
		return &need{shallow: true, each: out.elems().value("value")}
	case "has/1":
		if k, ok := constString(a[0]); ok {
			return &need{keys: map[string]*need{k: nil}}
		}
		if i, ok := constInt(a[0]); ok {
			_ = i // has(i) on an array needs its length, kept anyway
			return &need{arr: true}
		}
		return union(needAll, queryNeed(a[0], needAll))
	case "select/1":
		return union(orType(out), queryNeed(a[0], needType))
	case "arrays/0", "objects/0", "iterables/0", "booleans/0", "numbers/0",
		"strings/0", "nulls/0", "values/0", "scalars/0":
		return orType(out)
	case "map/1":
		return &need{each: orType(queryNeed(a[0], out.elems()))}
	case "first/0":
		return &need{arr: true, idx: []idxNeed{{0, 1, orType(out)}}}
	case "last/0":
		return &need{arr: true, tailN: 1, tail: orType(out)}
	case "first/1", "last/1":
		return queryNeed(a[0], out)
	case "limit/2", "skip/2":
		return union(queryNeed(a[0], needAll), queryNeed(a[1], out))
	case "isempty/1":
		return queryNeed(a[0], nil)
	case "any/1", "all/1":
		return &need{each: orType(queryNeed(a[0], needType))}
	case "any/2", "all/2":
		return queryNeed(a[0], queryNeed(a[1], needType))
	case "error/1", "add/1":
		return queryNeed(a[0], needAll)
	case "range/1", "range/2", "range/3":
		var n *need
		for _, q := range a {
			n = union(n, queryNeed(q, needAll))
		}
		return n
	case "sort_by/1", "unique_by/1":
		return &need{arr: true, each: orType(union(out.elems(), queryNeed(a[0], needAll)))}
	case "min_by/1", "max_by/1":
		return &need{arr: true, each: orType(union(out, queryNeed(a[0], needAll)))}
	case "group_by/1":
		return &need{arr: true, each: orType(union(out.elems().elems(), queryNeed(a[0], needAll)))}
	}
	return needAll
}

// constString reports the string a query is when it is a literal "a".
func constString(q *gojq.Query) (string, bool) {
	if q == nil || q.Term == nil || q.Op != 0 || len(q.FuncDefs) > 0 {
		return "", false
	}
	t := q.Term
	if t.Type != gojq.TermTypeString || len(t.SuffixList) > 0 || t.Str == nil || len(t.Str.Queries) > 0 {
		return "", false
	}
	return t.Str.Str, true
}

// String shows a need compactly (for tests): all, - (nothing), type,
// shallow, {k:need}, [i:need], [*:need] for each, [-n:need] for the tail.
func (n *need) String() string {
	switch {
	case n == nil:
		return "-"
	case n.all:
		return "all"
	}
	var parts []string
	if n.shallow {
		parts = append(parts, "shallow")
	}
	if len(n.keys) > 0 {
		ks := make([]string, 0, len(n.keys))
		for k := range n.keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for i, k := range ks {
			ks[i] = k + ":" + n.keys[k].String()
		}
		parts = append(parts, "{"+strings.Join(ks, " ")+"}")
	}
	var el []string
	for _, r := range n.idx {
		if r.hi == r.lo+1 {
			el = append(el, fmt.Sprintf("%d:%s", r.lo, r.n))
		} else {
			el = append(el, fmt.Sprintf("%d-%d:%s", r.lo, r.hi, r.n))
		}
	}
	if n.tailN > 0 {
		el = append(el, fmt.Sprintf("-%d:%s", n.tailN, n.tail))
	}
	if n.each != nil {
		el = append(el, "*:"+n.each.String())
	}
	if len(el) > 0 {
		parts = append(parts, "["+strings.Join(el, " ")+"]")
	} else if n.arr {
		parts = append(parts, "[]")
	}
	if len(parts) == 0 {
		return "type"
	}
	return strings.Join(parts, " ")
}

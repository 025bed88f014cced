package widgets

import (
	"encoding/json"
	"errors"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// projDecoder decodes a stream of JSON values (one, or several as in
// NDJSON) into the values encoding/json gives with UseNumber, but only
// as far as a need says: what is not needed is checked and skipped
// without being allocated. It accepts exactly what json.Decoder accepts;
// on bad JSON it stops with errBadJSON, and the caller asks
// encoding/json for its error.
type projDecoder struct {
	r        io.Reader
	buf      []byte
	pos, end int
	eof      bool
	rerr     error // a read error other than EOF
	depth    int
	keys     map[string]string // interned object keys
	shares   map[string]any    // short strings, numbers, objects and arrays, made once
	shareLen int               // the length of the texts in shares
	base     int               // the offset in the body of buf[0]
	marks    []int             // where the containers being decoded whole start
	kvs      []projKV          // objects being decoded, innermost last
	tmp      []byte
}

type projKV struct {
	k string
	v any
}

var errBadJSON = errors.New("bad JSON")

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

func newProjDecoder(r io.Reader) *projDecoder {
	return &projDecoder{r: r, buf: make([]byte, 64<<10), keys: map[string]string{}, shares: map[string]any{}}
}

// reset makes d read r from its start, keeping its buffer, its interned
// keys and its shared values.
func (d *projDecoder) reset(r io.Reader) {
	d.r = r
	d.pos, d.end, d.base, d.depth = 0, 0, 0, 0
	d.eof, d.rerr = false, nil
	d.marks, d.kvs = d.marks[:0], d.kvs[:0]
}

// decodeAll decodes every top-level value with need n.
func (d *projDecoder) decodeAll(n *need) ([]any, error) {
	var out []any
	for {
		if _, ok := d.skipSpace(); !ok {
			if d.rerr != nil {
				return nil, d.rerr
			}
			return out, nil
		}
		v, err := d.value(n)
		if err != nil {
			if d.rerr != nil {
				return nil, d.rerr
			}
			return nil, err
		}
		out = append(out, v)
	}
}

// fill reads more input, keeping buf[keep:end] (moved to the front); it
// returns the shift applied to positions, or false at the end.
func (d *projDecoder) fill(keep int) (int, bool) {
	if d.eof {
		return 0, false
	}
	// Keep also the text of the outermost container that may still be
	// shared (sharedValue), if it is short.
	for _, m := range d.marks {
		if i := m - d.base; i >= 0 && d.end-i <= maxSharedValue {
			keep = min(keep, i)
			break
		}
	}
	shift := keep
	if keep > 0 {
		copy(d.buf, d.buf[keep:d.end])
		d.end -= keep
		d.pos -= keep
		d.base += keep
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.eof = true
			if !errors.Is(err, io.EOF) {
				d.rerr = err
			}
			return shift, n > 0
		}
		if n > 0 {
			return shift, true
		}
	}
}

// peek returns the next byte without consuming it.
func (d *projDecoder) peek() (byte, bool) {
	if d.pos == d.end {
		if _, ok := d.fill(d.pos); !ok {
			return 0, false
		}
	}
	return d.buf[d.pos], true
}

func (d *projDecoder) skipSpace() (byte, bool) {
	for {
		for d.pos < d.end {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\n', '\r':
				d.pos++
			default:
				return c, true
			}
		}
		if _, ok := d.fill(d.pos); !ok {
			return 0, false
		}
	}
}

// value decodes the next value (spaces skipped) for need n; nil skips it.
func (d *projDecoder) value(n *need) (any, error) {
	c, ok := d.skipSpace()
	if !ok {
		return nil, errBadJSON
	}
	switch c {
	case '{':
		if n == nil {
			return nil, d.skipObject()
		}
		if n.all || n.arr || len(n.idx) > 0 || n.tailN > 0 {
			return d.sharedValue(d.object)
		}
		return d.object(n)
	case '[':
		if n == nil {
			return nil, d.skipArray()
		}
		if n.all || len(n.keys) > 0 {
			return d.sharedValue(d.array)
		}
		return d.array(n)
	case '"':
		if n == nil {
			_, _, err := d.str(false)
			return nil, err
		}
		_, raw, err := d.str(false)
		if err != nil {
			return nil, err
		}
		return d.shared(raw, false), nil
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	if c == '-' || '0' <= c && c <= '9' {
		start, end, err := d.number()
		if err != nil || n == nil {
			return nil, err
		}
		return d.shared(d.buf[start:end], true), nil
	}
	return nil, errBadJSON
}

func (d *projDecoder) literal(lit string) error {
	for i := 0; i < len(lit); i++ {
		c, ok := d.peek()
		if !ok || c != lit[i] {
			return errBadJSON
		}
		d.pos++
	}
	return nil
}

// number scans a number as encoding/json's scanner does: it ends at the
// first byte that cannot continue it ("01" is 0 then 1).
func (d *projDecoder) number() (start, end int, err error) {
	start = d.pos
	at := func(i int) (byte, bool) { // the byte at start+i, reading more as needed
		for start+i >= d.end {
			shift, ok := d.fill(start)
			start -= shift
			if !ok {
				return 0, false
			}
		}
		return d.buf[start+i], true
	}
	i := 0
	digits := func() int {
		n := 0
		for {
			c, ok := at(i)
			if !ok || c < '0' || c > '9' {
				return n
			}
			i++
			n++
		}
	}
	if c, _ := at(i); c == '-' {
		i++
	}
	c, ok := at(i)
	switch {
	case !ok:
		return 0, 0, errBadJSON
	case c == '0':
		i++
	case '1' <= c && c <= '9':
		digits()
	default:
		return 0, 0, errBadJSON
	}
	if c, ok := at(i); ok && c == '.' {
		i++
		if digits() == 0 {
			return 0, 0, errBadJSON
		}
	}
	if c, ok := at(i); ok && (c == 'e' || c == 'E') {
		i++
		if c, ok := at(i); ok && (c == '+' || c == '-') {
			i++
		}
		if digits() == 0 {
			return 0, 0, errBadJSON
		}
	}
	d.pos = start + i
	return start, start + i, nil
}

// str scans a string at pos (at its quote) and returns its value when
// keep, unquoted as encoding/json does.
func (d *projDecoder) str(keep bool) (string, []byte, error) {
	start := d.pos
	i := 1
	plain := true // no escapes, no bytes ≥ 0x80
	for {
		if start+i >= d.end {
			shift, ok := d.fill(start)
			start -= shift
			if !ok {
				return "", nil, errBadJSON
			}
			continue
		}
		c := d.buf[start+i]
		switch {
		case c == '"':
			raw := d.buf[start+1 : start+i]
			d.pos = start + i + 1
			if !keep {
				return "", raw, nil
			}
			if plain {
				return string(raw), raw, nil
			}
			return string(d.unquote(raw)), raw, nil
		case c < 0x20:
			return "", nil, errBadJSON
		case c == '\\':
			plain = false
			for start+i+1 >= d.end {
				shift, ok := d.fill(start)
				start -= shift
				if !ok {
					return "", nil, errBadJSON
				}
			}
			switch d.buf[start+i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for start+i+6 > d.end {
					shift, ok := d.fill(start)
					start -= shift
					if !ok {
						return "", nil, errBadJSON
					}
				}
				for _, h := range d.buf[start+i+2 : start+i+6] {
					if !isHex(h) {
						return "", nil, errBadJSON
					}
				}
				i += 6
			default:
				return "", nil, errBadJSON
			}
		default:
			if c >= 0x80 {
				plain = false
			}
			i++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) rune {
	switch {
	case c <= '9':
		return rune(c - '0')
	case c >= 'a':
		return rune(c - 'a' + 10)
	}
	return rune(c - 'A' + 10)
}

// getu4 decodes \uXXXX at the start of s, or -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		if !isHex(c) {
			return -1
		}
		r = r*16 + hexVal(c)
	}
	return r
}

// unquote is encoding/json's unquoting of the checked string s (without
// its quotes): escapes, bad UTF-8 and lone surrogates become U+FFFD.
func (d *projDecoder) unquote(s []byte) []byte {
	b := d.tmp[:0]
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch s[r+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						b = utf8.AppendRune(b, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // " \ /
				b = append(b, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b = utf8.AppendRune(b, rr) // RuneError for a bad byte
		}
	}
	d.tmp = b
	return b
}

// shared is the value of the string (raw, without quotes) or number
// token b. Short ones repeat ("psk", "24", a VLAN): they are boxed once
// and shared, as values are not changed in place.
func (d *projDecoder) shared(b []byte, number bool) any {
	if len(b) > maxShared {
		if number {
			return json.Number(string(b))
		}
		return d.strValue(b)
	}
	// A string and a number of the same text differ by their quote.
	var kb [maxShared + 1]byte
	k := kb[:0]
	if !number {
		k = append(k, '"')
	}
	k = append(k, b...)
	if v, ok := d.shares[string(k)]; ok {
		return v
	}
	var v any
	if number {
		v = json.Number(string(b))
	} else {
		v = d.strValue(b)
	}
	if len(d.shares) < 1<<16 {
		d.shares[string(k)] = v
	}
	return v
}

// maxShared is the longest token shared.
const maxShared = 16

// maxSharedValue is the longest object or array shared, and
// maxSharedText the length of all the texts kept to find them.
const (
	maxSharedValue = 128
	maxSharedText  = 4 << 20
)

// sharedValue decodes the object or array at pos whole, with decode. A
// short one that repeats (the same "auth" object in every element of a
// list) is made once and shared: jq never changes a value it is given,
// it copies it.
func (d *projDecoder) sharedValue(decode func(*need) (any, error)) (any, error) {
	start := d.base + d.pos
	d.marks = append(d.marks, start)
	v, err := decode(needAll)
	d.marks = d.marks[:len(d.marks)-1]
	if err != nil {
		return nil, err
	}
	i := start - d.base
	if i < 0 || d.pos-i > maxSharedValue {
		return v, nil
	}
	raw := d.buf[i:d.pos]
	if w, ok := d.shares[string(raw)]; ok {
		return w, nil
	}
	if d.shareLen+len(raw) <= maxSharedText {
		d.shareLen += len(raw)
		d.shares[string(raw)] = v
	}
	return v, nil
}

// strValue is the string of raw (a checked string without its quotes).
func (d *projDecoder) strValue(raw []byte) string {
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			return string(d.unquote(raw))
		}
	}
	return string(raw)
}

// key reads an object key (at its quote), interned.
func (d *projDecoder) key() (string, error) {
	_, raw, err := d.str(false)
	if err != nil {
		return "", err
	}
	kb := raw
	for _, c := range raw {
		if c == '\\' || c >= 0x80 {
			kb = d.unquote(raw)
			break
		}
	}
	if k, ok := d.keys[string(kb)]; ok {
		return k, nil
	}
	k := string(kb)
	if len(d.keys) < 1<<16 && len(k) <= 64 {
		d.keys[k] = k
	}
	return k, nil
}

// colon reads the : after a key.
func (d *projDecoder) colon() error {
	if c, ok := d.skipSpace(); !ok || c != ':' {
		return errBadJSON
	}
	d.pos++
	return nil
}

// next reads the , or the closing delimiter after a member: it reports
// whether another member follows.
func (d *projDecoder) next(close byte) (bool, error) {
	c, ok := d.skipSpace()
	switch {
	case !ok:
		return false, errBadJSON
	case c == ',':
		d.pos++
		return true, nil
	case c == close:
		d.pos++
		return false, nil
	}
	return false, errBadJSON
}

func (d *projDecoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return errBadJSON
	}
	return nil
}

// object decodes the object at pos for n (all, or keys, each, shallow).
func (d *projDecoder) object(n *need) (any, error) {
	d.pos++ // {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	base := len(d.kvs)
	defer func() { d.kvs = d.kvs[:base] }()
	c, ok := d.skipSpace()
	if !ok {
		return nil, errBadJSON
	}
	if c == '}' {
		d.pos++
		return map[string]any{}, nil
	}
	for {
		if c, ok := d.skipSpace(); !ok || c != '"' {
			return nil, errBadJSON
		}
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		if err := d.colon(); err != nil {
			return nil, err
		}
		cn, keep := needAll, true
		if !n.all {
			cn, keep = n.child(k)
		}
		if !keep {
			if _, err := d.value(nil); err != nil {
				return nil, err
			}
		} else {
			v, err := d.value(cn)
			if err != nil {
				return nil, err
			}
			d.kvs = append(d.kvs, projKV{k, v})
		}
		more, err := d.next('}')
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	kvs := d.kvs[base:]
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.k] = kv.v
	}
	clear(kvs) // let the values go with the map
	return m, nil
}

// array decodes the array at pos for n (all, or idx, tail, each).
func (d *projDecoder) array(n *need) (any, error) {
	d.pos++ // [
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	c, ok := d.skipSpace()
	if !ok {
		return nil, errBadJSON
	}
	vals := []any{}
	if c == ']' {
		d.pos++
		return vals, nil
	}
	plainEach := n.all || len(n.idx) == 0 && n.tailN == 0
	for i := 0; ; i++ {
		var en *need
		switch {
		case n.all:
			en = needAll
		case plainEach:
			en = n.each
		default:
			en = union(n.elem(i), n.tail)
		}
		v, err := d.value(en)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		// An element that left the tail window keeps only what its
		// position needs.
		if j := i - n.tailN; n.tailN > 0 && j >= 0 && vals[j] != nil && n.elem(j) == nil {
			vals[j] = nil
		}
		more, err := d.next(']')
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	return vals[:len(vals):len(vals)], nil
}

func (d *projDecoder) skipObject() error {
	d.pos++ // {
	if err := d.enter(); err != nil {
		return err
	}
	defer func() { d.depth-- }()
	c, ok := d.skipSpace()
	if !ok {
		return errBadJSON
	}
	if c == '}' {
		d.pos++
		return nil
	}
	for {
		if c, ok := d.skipSpace(); !ok || c != '"' {
			return errBadJSON
		}
		if _, _, err := d.str(false); err != nil {
			return err
		}
		if err := d.colon(); err != nil {
			return err
		}
		if _, err := d.value(nil); err != nil {
			return err
		}
		more, err := d.next('}')
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

func (d *projDecoder) skipArray() error {
	d.pos++ // [
	if err := d.enter(); err != nil {
		return err
	}
	defer func() { d.depth-- }()
	c, ok := d.skipSpace()
	if !ok {
		return errBadJSON
	}
	if c == ']' {
		d.pos++
		return nil
	}
	for {
		if _, err := d.value(nil); err != nil {
			return err
		}
		more, err := d.next(']')
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

package postman

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// scanFast decodes data into fc as json.Unmarshal would, in one pass
// without reflection: the shapes of fast.go, with the fields Postman and
// mistbench write read by hand and the rare ones (events, auth, responses,
// settings) handed to json.Unmarshal. It reads only what it reads exactly
// as encoding/json does; anything else (a key that matches a field only
// when case is ignored, a key twice, a type json.Unmarshal would refuse,
// invalid JSON anywhere) makes it return false, and the caller decodes
// the usual way, which then gives the answer or the error.
func scanFast(data []byte, fc *fastCollection) bool {
	s := &scanner{data: data, ok: true}
	s.collection(fc)
	if s.ok {
		s.peek()
		if s.pos < len(s.data) {
			s.fail() // more than one value: json.Unmarshal refuses it
		}
	}
	return s.ok
}

// scanOff turns scanFast off (tests compare it with json.Unmarshal).
var scanOff = false

const maxScanDepth = 10000 // as encoding/json

type scanner struct {
	data  []byte
	pos   int
	ok    bool
	depth int
}

func (s *scanner) fail() { s.ok = false }

// peek skips blanks and returns the next byte, 0 at the end.
func (s *scanner) peek() byte {
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return c
		}
	}
	return 0
}

// null consumes a null and reports whether there was one.
func (s *scanner) null() bool {
	if s.peek() != 'n' {
		return false
	}
	if s.pos+4 <= len(s.data) && string(s.data[s.pos:s.pos+4]) == "null" {
		s.pos += 4
		return true
	}
	s.fail()
	return false
}

// object reads an object, calling field with each key and the scanner at
// its value, which field consumes. known are the field names of the Go
// type: a key that is none of them is skipped, one that matches one when
// case is ignored (encoding/json would take it) fails.
func (s *scanner) object(known []string, field func(key string)) {
	if s.peek() != '{' {
		s.fail()
		return
	}
	s.pos++
	if s.depth++; s.depth > maxScanDepth {
		s.fail()
		return
	}
	if s.peek() == '}' {
		s.pos++
		s.depth--
		return
	}
	for s.ok {
		if s.peek() != '"' {
			s.fail()
			return
		}
		key, ok := s.key(known)
		if !ok || s.peek() != ':' {
			s.fail()
			return
		}
		s.pos++
		if key != "" {
			field(key)
		} else {
			s.skip()
		}
		if !s.ok {
			return
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return
		default:
			s.fail()
			return
		}
	}
}

// key reads an object key: one of known as it is spelled there, "" for
// a key to skip, false for one to leave to encoding/json.
func (s *scanner) key(known []string) (string, bool) {
	start := s.pos + 1
	end := s.stringEnd()
	if !s.ok {
		return "", false
	}
	if known == nil {
		return "", true // an object skipped whole
	}
	raw := s.data[start:end]
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '\\' || c >= utf8.RuneSelf {
			return "", false
		}
	}
	for _, k := range known {
		if string(raw) == k {
			return k, true
		}
	}
	for _, k := range known {
		if asciiEqualFold(raw, k) {
			return "", false
		}
	}
	return "", true
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// seen fails when a field comes twice (encoding/json would merge them).
func (s *scanner) seen(mask *uint32, bit uint) bool {
	if *mask&(1<<bit) != 0 {
		s.fail()
		return true
	}
	*mask |= 1 << bit
	return false
}

// stringEnd checks the string at s.pos (at its quote) and moves past it,
// returning the offset of its closing quote.
func (s *scanner) stringEnd() int {
	i := s.pos + 1
	for i < len(s.data) {
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return i
		case c < 0x20:
			s.fail()
			return 0
		case c == '\\':
			if i+1 >= len(s.data) {
				s.fail()
				return 0
			}
			switch s.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s.data) {
					s.fail()
					return 0
				}
				for _, h := range s.data[i+2 : i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						s.fail()
						return 0
					}
				}
				i += 6
			default:
				s.fail()
				return 0
			}
		default:
			i++
		}
	}
	s.fail()
	return 0
}

// str reads a string value into *dst; null leaves it.
func (s *scanner) str(dst *string) {
	switch s.peek() {
	case '"':
	case 'n':
		s.null()
		return
	default:
		s.fail()
		return
	}
	start := s.pos
	end := s.stringEnd()
	if !s.ok {
		return
	}
	raw := s.data[start+1 : end]
	ascii, plain := true, true
	for _, c := range raw {
		if c == '\\' {
			plain = false
		} else if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	switch {
	case plain && (ascii || utf8.Valid(raw)):
		*dst = string(raw)
	case ascii:
		*dst = unescapeSimple(raw)
	default:
		// Escapes and other than ASCII (invalid UTF-8 becomes U+FFFD):
		// as encoding/json has it.
		if json.Unmarshal(s.data[start:end+1], dst) != nil {
			s.fail()
		}
	}
}

// unescapeSimple decodes the escapes of an ASCII string stringEnd checked.
func unescapeSimple(raw []byte) string {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch raw[i] {
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
			r, _ := strconv.ParseUint(string(raw[i+1:i+5]), 16, 32)
			i += 4
			if utf16IsSurrogate(rune(r)) {
				// A pair makes one rune; a lone half is U+FFFD.
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, _ := strconv.ParseUint(string(raw[i+3:i+7]), 16, 32)
					if dec := utf16DecodeRune(rune(r), rune(r2)); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						i += 6
						continue
					}
				}
				b = utf8.AppendRune(b, utf8.RuneError)
				continue
			}
			b = utf8.AppendRune(b, rune(r))
		default: // " \ /
			b = append(b, raw[i])
		}
	}
	return string(b)
}

func utf16IsSurrogate(r rune) bool { return 0xd800 <= r && r < 0xe000 }

func utf16DecodeRune(r1, r2 rune) rune {
	if 0xd800 <= r1 && r1 < 0xdc00 && 0xdc00 <= r2 && r2 < 0xe000 {
		return (r1-0xd800)<<10 | (r2 - 0xdc00) + 0x10000
	}
	return utf8.RuneError
}

// boolean reads true or false into *dst; null leaves it.
func (s *scanner) boolean(dst *bool) {
	switch s.peek() {
	case 't':
		if s.pos+4 <= len(s.data) && string(s.data[s.pos:s.pos+4]) == "true" {
			s.pos += 4
			*dst = true
			return
		}
	case 'f':
		if s.pos+5 <= len(s.data) && string(s.data[s.pos:s.pos+5]) == "false" {
			s.pos += 5
			*dst = false
			return
		}
	case 'n':
		s.null()
		return
	}
	s.fail()
}

// raw reads any value as json.RawMessage does (null included).
func (s *scanner) raw(dst *json.RawMessage) {
	s.peek()
	start := s.pos
	s.skip()
	if s.ok {
		*dst = append(json.RawMessage(nil), s.data[start:s.pos]...)
	}
}

// other hands a value to json.Unmarshal, which decodes it into v as it
// would as part of the whole.
func (s *scanner) other(v any) {
	s.peek()
	start := s.pos
	s.skip()
	if s.ok && json.Unmarshal(s.data[start:s.pos], v) != nil {
		s.fail()
	}
}

// skip checks and passes over any value.
func (s *scanner) skip() {
	switch c := s.peek(); {
	case c == '{':
		s.object(nil, func(string) {})
	case c == '[':
		s.array(func() { s.skip() })
	case c == '"':
		s.stringEnd()
	case c == 't':
		var b bool
		s.boolean(&b)
	case c == 'f':
		var b bool
		s.boolean(&b)
	case c == 'n':
		s.null()
	case c == '-' || c >= '0' && c <= '9':
		s.number()
	default:
		s.fail()
	}
}

// number passes over a number in JSON's grammar.
func (s *scanner) number() {
	d, i := s.data, s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		s.fail()
		return
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			s.fail()
			return
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			s.fail()
			return
		}
	}
	s.pos = i
}

// array reads an array, calling elem with the scanner at each element,
// which elem consumes.
func (s *scanner) array(elem func()) {
	if s.peek() != '[' {
		s.fail()
		return
	}
	s.pos++
	if s.depth++; s.depth > maxScanDepth {
		s.fail()
		return
	}
	if s.peek() == ']' {
		s.pos++
		s.depth--
		return
	}
	for s.ok {
		elem()
		if !s.ok {
			return
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return
		default:
			s.fail()
			return
		}
	}
}

var collectionKeys = []string{"info", "item", "event", "variable", "auth", "protocolProfileBehavior", "_mistbench"}

func (s *scanner) collection(fc *fastCollection) {
	var m uint32
	s.object(collectionKeys, func(k string) {
		switch k {
		case "info":
			if !s.seen(&m, 0) {
				s.info(&fc.Info)
			}
		case "item":
			if !s.seen(&m, 1) {
				fc.Item = s.items()
			}
		case "event":
			if !s.seen(&m, 2) {
				s.other(&fc.Event)
			}
		case "variable":
			if !s.seen(&m, 3) {
				fc.Variable = s.variables()
			}
		case "auth":
			if !s.seen(&m, 4) {
				s.other(&fc.Auth)
			}
		case "protocolProfileBehavior":
			if !s.seen(&m, 5) {
				s.other(&fc.Behavior)
			}
		case "_mistbench":
			if !s.seen(&m, 6) {
				s.ext(&fc.Ext)
			}
		}
	})
}

var infoKeys = []string{"_postman_id", "name", "description", "schema"}

func (s *scanner) info(in *pmInfo) {
	if s.null() || !s.ok {
		return
	}
	var m uint32
	s.object(infoKeys, func(k string) {
		switch k {
		case "_postman_id":
			if !s.seen(&m, 0) {
				s.str(&in.PostmanID)
			}
		case "name":
			if !s.seen(&m, 1) {
				s.str(&in.Name)
			}
		case "description":
			if !s.seen(&m, 2) {
				s.raw(&in.Description)
			}
		case "schema":
			if !s.seen(&m, 3) {
				s.str(&in.Schema)
			}
		}
	})
}

// items reads a list of items: nil for null, empty (not nil) for [].
func (s *scanner) items() []*fastItem {
	if s.null() || !s.ok {
		return nil
	}
	out := []*fastItem{}
	s.array(func() {
		if s.null() || !s.ok {
			out = append(out, nil)
			return
		}
		it := &fastItem{}
		s.item(it)
		out = append(out, it)
	})
	return out
}

var itemKeys = []string{"name", "description", "variable", "item", "request", "response", "event", "auth", "protocolProfileBehavior", "_mistbench"}

func (s *scanner) item(it *fastItem) {
	var m uint32
	s.object(itemKeys, func(k string) {
		switch k {
		case "name":
			if !s.seen(&m, 0) {
				s.str(&it.Name)
			}
		case "description":
			if !s.seen(&m, 1) {
				s.raw(&it.Description)
			}
		case "variable":
			if !s.seen(&m, 2) {
				it.Variable = s.variables()
			}
		case "item":
			if !s.seen(&m, 3) {
				if s.null() || !s.ok {
					it.Item = nil
					return
				}
				sub := s.items()
				it.Item = &sub
			}
		case "request":
			if !s.seen(&m, 4) {
				if s.null() || !s.ok {
					it.Request = nil
					return
				}
				it.Request = &fastRequest{}
				s.request(it.Request)
			}
		case "response":
			if !s.seen(&m, 5) {
				if s.peek() == '[' && s.pos+1 < len(s.data) {
					// [] (what Postman writes for none) without json.Unmarshal
					save := s.pos
					s.pos++
					if s.peek() == ']' {
						s.pos++
						it.Response = []pmResponse{}
						return
					}
					s.pos = save
				}
				s.other(&it.Response)
			}
		case "event":
			if !s.seen(&m, 6) {
				s.other(&it.Event)
			}
		case "auth":
			if !s.seen(&m, 7) {
				s.other(&it.Auth)
			}
		case "protocolProfileBehavior":
			if !s.seen(&m, 8) {
				s.other(&it.Behavior)
			}
		case "_mistbench":
			if !s.seen(&m, 9) {
				s.ext(&it.Ext)
			}
		}
	})
}

var requestKeys = []string{"url", "auth", "method", "description", "header", "body"}

func (s *scanner) request(r *fastRequest) {
	var m uint32
	s.object(requestKeys, func(k string) {
		switch k {
		case "url":
			if !s.seen(&m, 0) {
				if s.null() || !s.ok {
					r.URL = nil
					return
				}
				r.URL = &pmURL{}
				s.url(r.URL)
			}
		case "auth":
			if !s.seen(&m, 1) {
				s.other(&r.Auth)
			}
		case "method":
			if !s.seen(&m, 2) {
				s.str(&r.Method)
			}
		case "description":
			if !s.seen(&m, 3) {
				s.raw(&r.Description)
			}
		case "header":
			if !s.seen(&m, 4) {
				r.Header = s.kvs()
			}
		case "body":
			if !s.seen(&m, 5) {
				if s.null() || !s.ok {
					r.Body = nil
					return
				}
				r.Body = &pmBody{}
				s.body(r.Body)
			}
		}
	})
}

var urlKeys = []string{"raw", "protocol", "host", "port", "path", "query", "hash", "variable"}

func (s *scanner) url(u *pmURL) {
	var m uint32
	s.object(urlKeys, func(k string) {
		switch k {
		case "raw":
			if !s.seen(&m, 0) {
				s.str(&u.Raw)
			}
		case "protocol":
			if !s.seen(&m, 1) {
				s.str(&u.Protocol)
			}
		case "host":
			if !s.seen(&m, 2) {
				s.raw(&u.Host)
			}
		case "port":
			if !s.seen(&m, 3) {
				s.str(&u.Port)
			}
		case "path":
			if !s.seen(&m, 4) {
				s.raw(&u.Path)
			}
		case "query":
			if !s.seen(&m, 5) {
				u.Query = s.kvs()
			}
		case "hash":
			if !s.seen(&m, 6) {
				s.str(&u.Hash)
			}
		case "variable":
			if !s.seen(&m, 7) {
				u.Variable = s.kvs()
			}
		}
	})
}

var kvKeys = []string{"key", "value", "disabled", "description", "type", "_mistbenchGenerated"}

// kvs reads a list of pmKV: nil for null, empty for [].
func (s *scanner) kvs() []pmKV {
	if s.null() || !s.ok {
		return nil
	}
	out := []pmKV{}
	s.array(func() {
		var kv pmKV
		if s.null() || !s.ok {
			out = append(out, kv)
			return
		}
		var m uint32
		s.object(kvKeys, func(k string) {
			switch k {
			case "key":
				if !s.seen(&m, 0) {
					s.str(&kv.Key)
				}
			case "value":
				if !s.seen(&m, 1) {
					s.raw(&kv.Value)
				}
			case "disabled":
				if !s.seen(&m, 2) {
					s.boolean(&kv.Disabled)
				}
			case "description":
				if !s.seen(&m, 3) {
					s.raw(&kv.Description)
				}
			case "type":
				if !s.seen(&m, 4) {
					s.str(&kv.Type)
				}
			case "_mistbenchGenerated":
				if !s.seen(&m, 5) {
					s.boolean(&kv.Generated)
				}
			}
		})
		out = append(out, kv)
	})
	return out
}

var variableKeys = []string{"key", "value", "type", "disabled", "description", "_mistbenchEnv"}

// variables reads a list of pmVariable: nil for null, empty for [].
func (s *scanner) variables() []pmVariable {
	if s.null() || !s.ok {
		return nil
	}
	out := []pmVariable{}
	s.array(func() {
		var v pmVariable
		if s.null() || !s.ok {
			out = append(out, v)
			return
		}
		var m uint32
		s.object(variableKeys, func(k string) {
			switch k {
			case "key":
				if !s.seen(&m, 0) {
					s.str(&v.Key)
				}
			case "value":
				if !s.seen(&m, 1) {
					s.raw(&v.Value)
				}
			case "type":
				if !s.seen(&m, 2) {
					s.str(&v.Type)
				}
			case "disabled":
				if !s.seen(&m, 3) {
					s.boolean(&v.Disabled)
				}
			case "description":
				if !s.seen(&m, 4) {
					s.raw(&v.Description)
				}
			case "_mistbenchEnv":
				if !s.seen(&m, 5) {
					s.str(&v.Env)
				}
			}
		})
		out = append(out, v)
	})
	return out
}

var bodyKeys = []string{"mode", "raw", "urlencoded", "formdata", "file", "graphql", "options", "disabled"}

func (s *scanner) body(b *pmBody) {
	var m uint32
	s.object(bodyKeys, func(k string) {
		switch k {
		case "mode":
			if !s.seen(&m, 0) {
				s.str(&b.Mode)
			}
		case "raw":
			if !s.seen(&m, 1) {
				if s.null() || !s.ok {
					b.Raw = nil
					return
				}
				b.Raw = new(string)
				s.str(b.Raw)
			}
		case "urlencoded":
			if !s.seen(&m, 2) {
				b.URLEncoded = s.kvs()
			}
		case "formdata":
			if !s.seen(&m, 3) {
				s.other(&b.FormData)
			}
		case "file":
			if !s.seen(&m, 4) {
				s.other(&b.File)
			}
		case "graphql":
			if !s.seen(&m, 5) {
				s.raw(&b.GraphQL)
			}
		case "options":
			if !s.seen(&m, 6) {
				s.other(&b.Options)
			}
		case "disabled":
			if !s.seen(&m, 7) {
				s.boolean(&b.Disabled)
			}
		}
	})
}

var extKeys = []string{"timeout", "allPages", "captures", "expectStatus", "expectJQ", "auth", "headers", "environments", "insecure", "scripts"}
var captureKeys = []string{"var", "jq", "header"}

func (s *scanner) ext(dst **extension) {
	if s.null() || !s.ok {
		*dst = nil
		return
	}
	x := &extension{}
	*dst = x
	var m uint32
	s.object(extKeys, func(k string) {
		switch k {
		case "timeout":
			if !s.seen(&m, 0) {
				s.str(&x.Timeout)
			}
		case "allPages":
			if !s.seen(&m, 1) {
				s.boolean(&x.AllPages)
			}
		case "captures":
			if !s.seen(&m, 2) {
				if s.null() || !s.ok {
					x.Captures = nil
					return
				}
				x.Captures = []extCapture{}
				s.array(func() {
					var c extCapture
					if s.null() || !s.ok {
						x.Captures = append(x.Captures, c)
						return
					}
					var cm uint32
					s.object(captureKeys, func(k string) {
						switch k {
						case "var":
							if !s.seen(&cm, 0) {
								s.str(&c.Var)
							}
						case "jq":
							if !s.seen(&cm, 1) {
								s.str(&c.JQ)
							}
						case "header":
							if !s.seen(&cm, 2) {
								s.str(&c.Header)
							}
						}
					})
					x.Captures = append(x.Captures, c)
				})
			}
		case "expectStatus":
			if !s.seen(&m, 3) {
				s.ints(&x.ExpectStatus)
			}
		case "expectJQ":
			if !s.seen(&m, 4) {
				if s.null() || !s.ok {
					x.ExpectJQ = nil
					return
				}
				x.ExpectJQ = []string{}
				s.array(func() {
					var v string
					s.str(&v)
					x.ExpectJQ = append(x.ExpectJQ, v)
				})
			}
		case "auth":
			if !s.seen(&m, 5) {
				s.other(&x.Auth)
			}
		case "headers":
			if !s.seen(&m, 6) {
				x.Headers = s.kvs()
			}
		case "environments":
			if !s.seen(&m, 7) {
				s.other(&x.Environments)
			}
		case "insecure":
			if !s.seen(&m, 8) {
				s.boolean(&x.Insecure)
			}
		case "scripts":
			if !s.seen(&m, 9) {
				s.other(&x.Scripts)
			}
		}
	})
}

// ints reads a list of small non-negative integers by hand and any other
// list through json.Unmarshal.
func (s *scanner) ints(dst *[]int) {
	if s.peek() != '[' {
		s.other(dst)
		return
	}
	start := s.pos
	out := []int{}
	i := start + 1
	d := s.data
	for {
		for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n') {
			i++
		}
		if i < len(d) && d[i] == ']' && len(out) == 0 {
			i++
			break
		}
		j := i
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' && i-j < 9 {
			n = n*10 + int(d[i]-'0')
			i++
		}
		if i == j || d[j] == '0' && i-j > 1 || i < len(d) && (d[i] >= '0' && d[i] <= '9' || d[i] == '.' || d[i] == 'e' || d[i] == 'E') {
			s.pos = start
			s.other(dst)
			return
		}
		out = append(out, n)
		for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n') {
			i++
		}
		if i < len(d) && d[i] == ',' {
			i++
			continue
		}
		if i < len(d) && d[i] == ']' {
			i++
			break
		}
		s.pos = start
		s.other(dst)
		return
	}
	s.pos = i
	*dst = out
}

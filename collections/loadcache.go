package collections

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// parseCache remembers the parsed form of a collection's files (requests,
// folder.yaml, environments), keyed by path, size and modification time,
// so opening a large collection does not parse again the YAML of files
// that did not change: parsing is 30 µs a file, a cached entry about 2.
// Git's index works the same way, and like git it distrusts an entry
// whose file changed within a moment of the cache being written ("racy"
// entries), since a second change in that moment could keep size and
// time alike.
//
// The file is a small binary format (see cacheCodec): it must give back
// exactly what parsing gives, nil and empty lists, nil and zero pointers
// (follow_redirects: false) and bytes that are not UTF-8 included, which
// neither gob nor JSON does. Opening it reads only the index (name, size,
// time); an entry is decoded when its file is looked up, by the goroutine
// reading that folder.
//
// The cache is only an optimisation: any error reading it means parsing,
// and it is written only for collections large enough to gain.
type parseCache struct {
	path    string
	written int64 // when the cache read was written (unix ns)
	data    string
	old     map[string]cacheEntry

	mu     sync.Mutex
	next   map[string]cachedFile
	misses int
}

// cacheEntry is an entry of the cache read: its key and where its parsed
// file is encoded in data.
type cacheEntry struct {
	size, modTime int64
	off, end      int
}

// cachedFile is one file's entry: its key and what parsing it gave, one
// of the three.
type cachedFile struct {
	Size    int64
	ModTime int64 // unix ns
	Parsed  parsedFile
}

type parsedFile struct {
	Request *requestFile
	Folder  *folderFile
	Env     *environmentFile
}

const (
	parseCacheMagic = "mistbench parse cache 2\n"
	// parseCacheMin: smaller collections parse in a few ms; no file for them.
	parseCacheMin = 50
	// racyWindow: entries of files changed this close to the cache's
	// writing are parsed again.
	racyWindow = 2 * time.Second
)

// openParseCache reads the index of the cache of the collection in dir;
// nil when there is no user directory to keep it in.
func openParseCache(dir string) *parseCache {
	user, err := UserDir()
	if err != nil {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(abs))
	pc := &parseCache{
		path: filepath.Join(user, "cache", "parse-"+hex.EncodeToString(sum[:12])+".bin"),
		next: map[string]cachedFile{},
	}
	data, err := os.ReadFile(pc.path)
	if err != nil {
		return pc
	}
	pc.readIndex(data, abs)
	return pc
}

// readIndex reads the header and the entries' keys; on any mismatch or
// damage the cache is treated as empty.
func (pc *parseCache) readIndex(b []byte, abs string) {
	if len(b) < len(parseCacheMagic)+4 || string(b[:len(parseCacheMagic)]) != parseCacheMagic {
		return
	}
	// A CRC-32C of the rest ends the file: damage is a miss, not a wrong answer.
	end := len(b) - 4
	if crc32.Checksum(b[:end], castagnoli()) != binary.LittleEndian.Uint32(b[end:]) {
		return
	}
	data := string(b[:end]) // the decoded strings share it
	d := &cacheDecoder{s: data}
	d.i = len(parseCacheMagic)
	if d.str() != abs {
		return
	}
	written := d.varint()
	n := d.uvarint()
	if d.bad || n > uint64(len(data)) {
		return
	}
	old := make(map[string]cacheEntry, n)
	for range n {
		rel := d.str()
		e := cacheEntry{size: d.varint(), modTime: d.varint()}
		l := d.uvarint()
		if d.bad || l > uint64(len(data)-d.i) {
			return
		}
		e.off, e.end = d.i, d.i+int(l)
		d.i = e.end
		old[rel] = e
	}
	if d.bad || d.i != len(data) {
		return
	}
	pc.data, pc.old, pc.written = data, old, written
}

// lookup returns the parsed file at rel if the cache holds it for this
// size and modification time.
func (pc *parseCache) lookup(rel string, st fs.FileInfo) (parsedFile, bool) {
	if pc == nil || pc.old == nil || st == nil {
		return parsedFile{}, false
	}
	e, ok := pc.old[rel]
	mod := st.ModTime().UnixNano()
	if !ok || e.size != st.Size() || e.modTime != mod || mod >= pc.written-int64(racyWindow) {
		return parsedFile{}, false
	}
	var p parsedFile
	d := &cacheDecoder{s: pc.data[:e.end], i: e.off}
	parsedCodec().dec(d, reflect.ValueOf(&p).Elem())
	if d.bad || d.i != e.end {
		return parsedFile{}, false
	}
	pc.mu.Lock()
	pc.next[rel] = cachedFile{Size: e.size, ModTime: e.modTime, Parsed: p}
	pc.mu.Unlock()
	return p, true
}

// store records a file parsed now.
func (pc *parseCache) store(rel string, st fs.FileInfo, p parsedFile) {
	if pc == nil || st == nil {
		return
	}
	pc.mu.Lock()
	pc.next[rel] = cachedFile{Size: st.Size(), ModTime: st.ModTime().UnixNano(), Parsed: p}
	pc.misses++
	pc.mu.Unlock()
}

// save writes the cache when this load parsed anything or dropped
// entries; errors are ignored (the next load parses).
func (pc *parseCache) save(dir string) {
	if pc == nil || len(pc.next) < parseCacheMin || pc.misses == 0 && len(pc.next) == len(pc.old) {
		return
	}
	// Entries of files changed just now would not be trusted when read
	// back: leave them out, and write nothing if that leaves nothing new.
	now := time.Now().UnixNano()
	fresh := 0
	for rel, e := range pc.next {
		if e.ModTime >= now-int64(racyWindow) {
			delete(pc.next, rel)
		} else if o, had := pc.old[rel]; !had || o.modTime != e.ModTime {
			fresh++
		}
	}
	if fresh == 0 && len(pc.next) == len(pc.old) || len(pc.next) < parseCacheMin {
		return
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	rels := make([]string, 0, len(pc.next))
	for rel := range pc.next {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	b := append(make([]byte, 0, 1<<16), parseCacheMagic...)
	b = appendString(b, abs)
	b = binary.AppendVarint(b, now)
	b = binary.AppendUvarint(b, uint64(len(rels)))
	var payload []byte
	for _, rel := range rels {
		e := pc.next[rel]
		payload = parsedCodec().enc(payload[:0], reflect.ValueOf(&e.Parsed).Elem())
		b = appendString(b, rel)
		b = binary.AppendVarint(b, e.Size)
		b = binary.AppendVarint(b, e.ModTime)
		b = binary.AppendUvarint(b, uint64(len(payload)))
		b = append(b, payload...)
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli()))
	if os.MkdirAll(filepath.Dir(pc.path), 0o700) != nil {
		return
	}
	if writeFileAtomic(pc.path, b, 0o600, false) == nil {
		os.Remove(strings.TrimSuffix(pc.path, ".bin") + ".json") // the JSON cache of earlier versions
	}
}

// ---- the cache's encoding ----
//
// Values are written field by field in declaration order, as the file
// structs declare them (so a field added to them is cached with no change
// here): a string as its length and bytes, a bool as a byte, an int as a
// varint, a pointer or a slice as 0 when nil, else 1 and the value (a
// slice: its length plus 1 and the elements).

// castagnoli and parsedCodec are made on first use, not at every start.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

type cacheCodec struct {
	enc func(b []byte, v reflect.Value) []byte
	dec func(d *cacheDecoder, v reflect.Value)
}

var parsedCodec = sync.OnceValue(func() *cacheCodec { return codecFor(reflect.TypeFor[parsedFile]()) })

func codecFor(t reflect.Type) *cacheCodec {
	switch t.Kind() {
	case reflect.String:
		return &cacheCodec{
			enc: func(b []byte, v reflect.Value) []byte { return appendString(b, v.String()) },
			dec: func(d *cacheDecoder, v reflect.Value) { v.SetString(d.str()) },
		}
	case reflect.Bool:
		return &cacheCodec{
			enc: func(b []byte, v reflect.Value) []byte {
				if v.Bool() {
					return append(b, 1)
				}
				return append(b, 0)
			},
			dec: func(d *cacheDecoder, v reflect.Value) { v.SetBool(d.byte() == 1) },
		}
	case reflect.Int, reflect.Int64:
		return &cacheCodec{
			enc: func(b []byte, v reflect.Value) []byte { return binary.AppendVarint(b, v.Int()) },
			dec: func(d *cacheDecoder, v reflect.Value) { v.SetInt(d.varint()) },
		}
	case reflect.Pointer:
		elem := codecFor(t.Elem())
		return &cacheCodec{
			enc: func(b []byte, v reflect.Value) []byte {
				if v.IsNil() {
					return append(b, 0)
				}
				return elem.enc(append(b, 1), v.Elem())
			},
			dec: func(d *cacheDecoder, v reflect.Value) {
				if d.byte() == 0 || d.bad {
					return
				}
				p := reflect.New(t.Elem())
				elem.dec(d, p.Elem())
				v.Set(p)
			},
		}
	case reflect.Slice:
		elem := codecFor(t.Elem())
		return &cacheCodec{
			enc: func(b []byte, v reflect.Value) []byte {
				if v.IsNil() {
					return append(b, 0)
				}
				b = binary.AppendUvarint(b, uint64(v.Len())+1)
				for i := range v.Len() {
					b = elem.enc(b, v.Index(i))
				}
				return b
			},
			dec: func(d *cacheDecoder, v reflect.Value) {
				n := d.uvarint()
				if n == 0 || d.bad {
					return
				}
				// Every element takes a byte at least: a longer count is damage.
				if n-1 > uint64(len(d.s)-d.i) {
					d.bad = true
					return
				}
				s := reflect.MakeSlice(t, int(n-1), int(n-1))
				for i := range int(n - 1) {
					elem.dec(d, s.Index(i))
				}
				v.Set(s)
			},
		}
	case reflect.Struct:
		fields := make([]*cacheCodec, t.NumField())
		for i := range fields {
			fields[i] = codecFor(t.Field(i).Type)
		}
		return &cacheCodec{
			enc: func(b []byte, v reflect.Value) []byte {
				for i, f := range fields {
					b = f.enc(b, v.Field(i))
				}
				return b
			},
			dec: func(d *cacheDecoder, v reflect.Value) {
				for i, f := range fields {
					if d.bad {
						return
					}
					f.dec(d, v.Field(i))
				}
			},
		}
	}
	panic(fmt.Sprintf("collections: the parse cache cannot encode %s", t))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// cacheDecoder reads s from i; bad is set, and zero values returned, once
// anything is out of bounds.
type cacheDecoder struct {
	s   string
	i   int
	bad bool
}

func (d *cacheDecoder) byte() byte {
	if d.i >= len(d.s) {
		d.bad = true
		return 0
	}
	d.i++
	return d.s[d.i-1]
}

func (d *cacheDecoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c := d.byte()
		if d.bad {
			return 0
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	d.bad = true
	return 0
}

func (d *cacheDecoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// str returns a string that shares the cache's memory (no copy).
func (d *cacheDecoder) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.i) {
		d.bad = true
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// envName is the name of a cached environment file, "" for other files.
func (p parsedFile) envName() string {
	if p.Env == nil {
		return ""
	}
	return p.Env.Name
}

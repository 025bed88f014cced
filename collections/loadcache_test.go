package collections

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// cacheable saves every feature plus enough requests for the parse cache,
// with file times old enough to be trusted.
func cacheable(t testing.TB) string {
	dir := t.(interface{ TempDir() string }).TempDir()
	c := everything(dir)
	c.Items = append(c.Items, bigCollection("", 2*parseCacheMin).Items...)
	c.Items = append(c.Items, &Request{Name: "Not UTF-8", Method: "POST", URL: "http://x", Body: Body{Kind: BodyRaw, Text: "\xff\xfe raw"}})
	if err := c.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	return dir
}

func TestParseCacheGivesWhatParsingGives(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := cacheable(t)
	first, err := Load(dir) // parses, writes the cache
	if err != nil {
		t.Fatal(err)
	}
	pc := openParseCache(dir)
	if len(pc.old) < 2*parseCacheMin {
		t.Fatalf("cache holds %d files", len(pc.old))
	}
	second, err := Load(dir) // from the cache
	if err != nil {
		t.Fatal(err)
	}
	stripDisk(first)
	stripDisk(second)
	if !reflect.DeepEqual(first, second) {
		t.Fatal("a collection loaded from the parse cache differs from the parsed one")
	}
	req, _, err := second.Find("WLANs \\/ Sites/Get WLAN")
	if err != nil {
		t.Fatal(err)
	}
	if req.Settings.FollowRedirects == nil || *req.Settings.FollowRedirects {
		t.Error("follow_redirects: false was lost in the cache")
	}
}

func TestParseCacheNoticesChanges(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := cacheable(t)
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
	// Same size, new content and time: parsed again.
	p := filepath.Join(dir, "Login.yaml")
	b, _ := os.ReadFile(p)
	b2 := []byte(string(b[:len(b)-len("'{{otp}}'\n")]) + "'{{OTP}}'\n")
	if len(b2) != len(b) {
		t.Fatal("test edit changed the size")
	}
	os.WriteFile(p, b2, 0o644)
	c, _ := Load(dir)
	req, _, _ := c.Find("Login")
	if req.Auth.TwoFactor != "{{OTP}}" {
		t.Errorf("an edited file came from the cache: %q", req.Auth.TwoFactor)
	}
	// A file changed to something broken is reported, not served from the cache.
	os.WriteFile(p, []byte("name: [\n"), 0o644)
	old := time.Now().Add(-30 * time.Minute)
	os.Chtimes(p, old, old)
	c, _ = Load(dir)
	if len(c.Problems) != 1 {
		t.Errorf("problems %v", c.Problems)
	}
}

func BenchmarkLoad1000Cached(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	dir := b.TempDir()
	if err := bigCollection(dir, 1000).Save(SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	Load(dir)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseCacheKeepsFoldersAndEnvironments(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := cacheable(t)
	first, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pc := openParseCache(dir)
	for _, rel := range []string{"WLANs _ Sites/folder.yaml", "environments/Global 01.yaml"} {
		if _, ok := pc.old[rel]; !ok {
			t.Errorf("the cache does not hold %s", rel)
		}
	}
	second, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// What Save compares against is the same, so saving writes nothing.
	if !reflect.DeepEqual(first.disk, second.disk) {
		t.Error("the disk state of a load from the cache differs from the parsed one")
	}
	if err := second.Save(SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	third, _ := Load(dir)
	stripDisk(first)
	stripDisk(third)
	if !reflect.DeepEqual(first, third) {
		t.Error("load, save, load changed the collection")
	}
}

// filled sets every field reachable from v: strings not UTF-8, pointers to
// zero values, lists empty (depth odd) or of one element.
func filled(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d\xff\x00", depth))
	case reflect.Bool:
		v.SetBool(depth%2 == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(-int64(depth) - 300)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		if depth%3 != 2 {
			filled(v.Elem(), depth+1)
		}
	case reflect.Slice:
		n := 1
		if depth%2 == 1 {
			n = 0
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			filled(v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			filled(v.Field(i), depth+i)
		}
	}
}

func TestParseCacheCodecRoundTrip(t *testing.T) {
	var zero, full parsedFile
	filled(reflect.ValueOf(&full).Elem(), 0)
	for _, p := range []parsedFile{zero, full, {Request: &requestFile{}}, {Folder: &folderFile{Order: []string{}}}} {
		b := parsedCodec().enc(nil, reflect.ValueOf(&p).Elem())
		var got parsedFile
		d := &cacheDecoder{s: string(b)}
		parsedCodec().dec(d, reflect.ValueOf(&got).Elem())
		if d.bad || d.i != len(b) || !reflect.DeepEqual(p, got) {
			t.Errorf("round trip of %+v gave %+v (bad %v)", p, got, d.bad)
		}
	}
}

// A damaged cache file is a miss, never a panic or a wrong answer.
func TestParseCacheDamaged(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := cacheable(t)
	want, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pc := openParseCache(dir)
	data, err := os.ReadFile(pc.path)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	st, _ := os.Stat(filepath.Join(dir, "Login.yaml"))
	for _, n := range []int{0, 10, len(parseCacheMagic) + 3, len(data) / 2, len(data) - 1} {
		pc := &parseCache{next: map[string]cachedFile{}}
		pc.readIndex(data[:n], abs)
		if pc.old != nil {
			t.Errorf("a cache cut at %d of %d bytes was read", n, len(data))
		}
	}
	for i := 0; i < len(data); i += 7 {
		bad := []byte(string(data))
		bad[i] ^= 0x5a
		pc := &parseCache{next: map[string]cachedFile{}}
		pc.readIndex(bad, abs)
		if pc.old != nil {
			t.Fatalf("a cache with byte %d changed was read", i)
		}
	}
	// The decoder itself stops at damage without panicking.
	for i := len(parseCacheMagic); i < len(data)-4; i += 3 {
		pc := &parseCache{next: map[string]cachedFile{}, data: string(data[:i]), written: time.Now().UnixNano(),
			old: map[string]cacheEntry{"Login.yaml": {size: st.Size(), modTime: st.ModTime().UnixNano(), off: len(parseCacheMagic), end: i}}}
		pc.lookup("Login.yaml", st)
	}
	if err := os.WriteFile(pc.path, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	stripDisk(want)
	stripDisk(got)
	if !reflect.DeepEqual(want, got) {
		t.Error("a damaged cache changed what loads")
	}
}

package collections

import (
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

package send

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// FuzzSessionFile: a session file of any content loads or is ignored,
// never panics.
func FuzzSessionFile(f *testing.F) {
	f.Add([]byte(`[{"url":"http://127.0.0.1/","cookie":{"Name":"csrftoken.eu","Value":"x","Path":"/"}}]`))
	f.Add([]byte(`[{"url":"::","cookie":null}]`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "s.json")
		os.WriteFile(p, data, 0o600)
		s, err := OpenSession(p)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("http://127.0.0.1/api/v1/self")
		csrfToken(s, u)
	})
}

// FuzzParseURL: any resolved URL gives a request or an error.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1/a%7Eb/c%2fd;x=1?q=1", "{{host}}/x", "https://[::1]:8/", "http://h/a b", "ftp://x/", "http://h?#", "http://h/%zz"} {
		f.Add(s)
	}
	e := New(Options{})
	f.Fuzz(func(t *testing.T, s string) {
		r := &collections.Resolved{Method: "GET", URL: s}
		u, err := parseURL(r)
		if err != nil {
			return
		}
		if _, err := e.buildRequest(t.Context(), r, u); err != nil {
			return
		}
		if u.Opaque != "" && !strings.HasPrefix(u.Opaque, "/") {
			t.Fatalf("opaque %q from %q", u.Opaque, s)
		}
	})
}

// FuzzSetQuery: rewriting the page of any URL keeps the other parameters.
func FuzzSetQuery(f *testing.F) {
	f.Add("http://h/sites?limit=3&x=%41&page=1")
	f.Add("http://h/?&&=&page")
	f.Fuzz(func(t *testing.T, s string) {
		out := setQuery(s, map[string]string{"page": "7", "limit": "3"})
		if !strings.Contains(out, "page=7") || !strings.Contains(out, "limit=3") {
			t.Fatalf("%q -> %q", s, out)
		}
	})
}

// FuzzRateLimit: any 429 body and Retry-After header parse.
func FuzzRateLimit(f *testing.F) {
	f.Add([]byte(`{"detail":"Too Many Request"}`), "3")
	f.Add([]byte(`[]`), "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add([]byte(`{"detail":1}`), "-1")
	f.Fuzz(func(t *testing.T, body []byte, ra string) {
		r := &Response{StatusCode: 429, Head: body, Size: int64(len(body)), Headers: []collections.Header{{Name: "Retry-After", Value: ra}}}
		rl := parseRateLimit(r)
		if rl.RetryAfter < 0 {
			t.Fatalf("negative Retry-After from %q", ra)
		}
		_ = rl.String()
		RetryPolicy{Max: 1}.delay(3, rl)
	})
}

// FuzzDo sends requests built from arbitrary parts to a 127.0.0.1 server:
// the engine never panics, and whatever it does send arrives byte for
// byte, body and repeated headers alike.
func FuzzDo(f *testing.F) {
	f.Add("PUT", "X-A", "1", "2", []byte(`{"a": 1}`))
	f.Add("GET", "bad name", "v", "", []byte(nil))
	f.Add("POST", "X-B", "a\r\nInjected: 1", "", []byte("\x00\xff"))
	f.Add("M E", "", "", "", []byte("x"))
	var mu sync.Mutex
	var got recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = recorded{Method: r.Method, Header: r.Header.Clone(), Body: body}
		mu.Unlock()
	}))
	defer srv.Close()
	e := New(Options{Timeout: 2 * time.Second})
	f.Fuzz(func(t *testing.T, method, name, v1, v2 string, body []byte) {
		r := &collections.Resolved{Method: method, URL: srv.URL + "/f",
			Headers: []collections.Header{{Name: name, Value: v1}, {Name: name, Value: v2}},
			Body:    collections.ResolvedBody{Kind: collections.BodyRaw, Bytes: body}}
		resp, err := e.Do(t.Context(), r)
		if err != nil {
			return
		}
		resp.Close()
		mu.Lock()
		defer mu.Unlock()
		if got.Method != method || !bytes.Equal(got.Body, body) && method != "HEAD" {
			t.Fatalf("sent %q %q, server got %q %q", method, body, got.Method, got.Body)
		}
		if k := http.CanonicalHeaderKey(name); k != "Host" && k != "User-Agent" && k != "Content-Length" && k != "Transfer-Encoding" && k != "Connection" && k != "Trailer" && k != "Content-Type" && name != "" {
			// Servers drop leading and trailing blanks of values.
			want := []string{strings.Trim(v1, " \t"), strings.Trim(v2, " \t")}
			if vs := got.Header.Values(k); len(vs) < 2 || vs[len(vs)-2] != want[0] || vs[len(vs)-1] != want[1] {
				t.Fatalf("header %q: sent %q, server got %q", name, want, vs)
			}
		}
	})
}

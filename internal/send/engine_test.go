package send

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

func TestExactRequest(t *testing.T) {
	srv := newRecorder(t, nil)
	// Odd spacing, key order, unicode and a big number: a re-serialised
	// body would change every one of them.
	body := "{ \"b\" :1,\n  \"a\": 12345678901234567890, \"s\": \"h\u00e9 \\u00e9\" }"
	req := &collections.Request{
		Name: "r", Method: "PUT",
		URL:      srv.URL + "/api/v1/sites/:site_id/wlans?x=a%2Fb&x=2",
		PathVars: []collections.Param{{Key: "site_id", Value: "a/b c"}},
		Query:    []collections.Param{{Key: "q", Value: "1 2+3"}},
		Headers: []collections.Param{
			{Key: "X-Multi", Value: "one"}, {Key: "Accept", Value: "*/*"}, {Key: "X-Multi", Value: "two"},
			{Key: "x-multi", Value: "three"},
		},
		Body: collections.Body{Kind: collections.BodyJSON, Text: body},
	}
	r := resolve(t, oneRequest(req), nil)
	resp := mustDo(t, New(Options{}), r)
	got := srv.last(t)
	if got.Method != "PUT" {
		t.Errorf("method %q", got.Method)
	}
	if want := "/api/v1/sites/a%2Fb%20c/wlans?x=a%2Fb&x=2&q=1%202%2B3"; got.RequestURI != want {
		t.Errorf("request URI %q, want %q", got.RequestURI, want)
	}
	if string(got.Body) != body {
		t.Errorf("body %q, want %q", got.Body, body)
	}
	if v := got.Header.Values("X-Multi"); strings.Join(v, ",") != "one,two,three" {
		t.Errorf("repeated header %q", v)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	if ua := got.Header.Get("User-Agent"); ua != DefaultUserAgent {
		t.Errorf("user agent %q", ua)
	}
	if _, ok := got.Header["Accept-Encoding"]; ok {
		t.Errorf("the engine added Accept-Encoding")
	}
	if got.Chunked || got.Length != int64(len(body)) {
		t.Errorf("chunked %v length %d", got.Chunked, got.Length)
	}
	if resp.StatusCode != 200 || resp.Status() != "200 OK" || string(resp.Head) != `{"ok":true}` || resp.Size != 11 {
		t.Errorf("response %s %q size %d", resp.Status(), resp.Head, resp.Size)
	}
	if !resp.IsJSON() {
		t.Error("IsJSON false for application/json")
	}
	var sent []string
	for _, h := range resp.SentHeaders {
		sent = append(sent, h.Name+": "+h.Value)
	}
	if want := "Host: " + strings.TrimPrefix(srv.URL, "http://") + "|User-Agent: " + DefaultUserAgent; !strings.HasPrefix(strings.Join(sent, "|"), want) ||
		!strings.Contains(strings.Join(sent, "|"), "X-Multi: one|X-Multi: two|X-Multi: three") {
		t.Errorf("sent headers %q", sent)
	}
}

func TestRawPathKeptAsWritten(t *testing.T) {
	srv := newRecorder(t, nil)
	// net/http would decode %7E to ~ and re-encode the path differently.
	r := &collections.Resolved{Method: "GET", URL: srv.URL + "/a%7Eb/c%2fd;x=1", FollowRedirects: true}
	mustDo(t, New(Options{}), r)
	if got := srv.last(t).RequestURI; got != "/a%7Eb/c%2fd;x=1" {
		t.Fatalf("request URI %q", got)
	}
}

func TestFormAndRawBodies(t *testing.T) {
	srv := newRecorder(t, nil)
	e := New(Options{})
	for _, tc := range []struct {
		body     collections.Body
		wantBody string
		wantCT   string
	}{
		{collections.Body{Kind: collections.BodyForm, Form: []collections.Param{{Key: "a b", Value: "x&y=z"}, {Key: "c", Value: "é"}}}, "a+b=x%26y%3Dz&c=%C3%A9", "application/x-www-form-urlencoded"},
		{collections.Body{Kind: collections.BodyRaw, Text: "<a>\r\n</a>", Language: "xml"}, "<a>\r\n</a>", "application/xml"},
	} {
		r := resolve(t, oneRequest(&collections.Request{Name: "r", Method: "POST", URL: srv.URL + "/f", Body: tc.body}), nil)
		mustDo(t, e, r)
		got := srv.last(t)
		if string(got.Body) != tc.wantBody || got.Header.Get("Content-Type") != tc.wantCT {
			t.Errorf("%s: body %q type %q", tc.body.Kind, got.Body, got.Header.Get("Content-Type"))
		}
	}
}

func TestMultipartStreamsFiles(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	if err := os.WriteFile(filepath.Join(dir, "map.png"), big, 0o600); err != nil {
		t.Fatal(err)
	}
	type part struct {
		name, file, ctype string
		data              []byte
	}
	var parts []part
	srv := newRecorder(t, nil)
	srv.reply = func(w http.ResponseWriter, r *http.Request) {}
	c := oneRequest(&collections.Request{Name: "up", Method: "POST", URL: srv.URL + "/up", Body: collections.Body{
		Kind: collections.BodyMultipart,
		Parts: []collections.Part{
			{Name: "json", Value: `{"name":"floor 1"}`, ContentType: "application/json"},
			{Name: "file", File: "map.png", ContentType: "image/png"},
			{Name: "skip", Value: "x", Disabled: true},
		},
	}})
	c.Dir = dir
	mustDo(t, New(Options{}), resolve(t, c, nil))
	got := srv.last(t)
	if got.Chunked || got.Length != int64(len(got.Body)) {
		t.Errorf("multipart sent chunked=%v length=%d (body %d)", got.Chunked, got.Length, len(got.Body))
	}
	mt, params, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q: %v", got.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data})
	}
	if len(parts) != 2 {
		t.Fatalf("got %d parts", len(parts))
	}
	if parts[0].name != "json" || string(parts[0].data) != `{"name":"floor 1"}` || parts[0].ctype != "application/json" {
		t.Errorf("text part %+v", parts[0])
	}
	if parts[1].name != "file" || parts[1].file != "map.png" || parts[1].ctype != "image/png" || !bytes.Equal(parts[1].data, big) {
		t.Errorf("file part %q %q %q %d bytes", parts[1].name, parts[1].file, parts[1].ctype, len(parts[1].data))
	}
}

func TestFileBody(t *testing.T) {
	dir := t.TempDir()
	data := []byte("\x00\x01binary\xff")
	os.WriteFile(filepath.Join(dir, "b.bin"), data, 0o600)
	srv := newRecorder(t, nil)
	c := oneRequest(&collections.Request{Name: "f", Method: "POST", URL: srv.URL, Body: collections.Body{Kind: collections.BodyFile, File: "b.bin"}})
	c.Dir = dir
	mustDo(t, New(Options{}), resolve(t, c, nil))
	if got := srv.last(t); !bytes.Equal(got.Body, data) || got.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("body %q type %q", got.Body, got.Header.Get("Content-Type"))
	}
	c.Items[0].(*collections.Request).Body.File = "missing.bin"
	if _, err := New(Options{}).Do(context.Background(), resolve(t, c, nil)); err == nil || !strings.Contains(err.Error(), "missing.bin") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestAuthTypes(t *testing.T) {
	srv := newRecorder(t, nil)
	env := &collections.Environment{Name: "e", Variables: []collections.Variable{
		{Key: "tok", Value: "s3cret", Secret: true}, {Key: "user", Value: "me@x"},
	}}
	cases := []struct {
		auth  collections.Auth
		check func(recorded) bool
	}{
		{collections.Auth{Type: collections.AuthMistToken, Token: "{{tok}}"}, func(r recorded) bool { return r.Header.Get("Authorization") == "Token s3cret" }},
		{collections.Auth{Type: collections.AuthBearer, Token: "{{tok}}"}, func(r recorded) bool { return r.Header.Get("Authorization") == "Bearer s3cret" }},
		{collections.Auth{Type: collections.AuthBasic, Username: "{{user}}", Password: "{{tok}}"}, func(r recorded) bool {
			u, p, ok := (&http.Request{Header: r.Header}).BasicAuth()
			return ok && u == "me@x" && p == "s3cret"
		}},
		{collections.Auth{Type: collections.AuthAPIKey, Key: "X-API-Key", Value: "{{tok}}"}, func(r recorded) bool { return r.Header.Get("X-API-Key") == "s3cret" }},
		{collections.Auth{Type: collections.AuthAPIKey, Key: "api_key", Value: "{{tok}}", In: "query"}, func(r recorded) bool { return r.RequestURI == "/a?api_key=s3cret" }},
		{collections.Auth{Type: collections.AuthNone}, func(r recorded) bool { return r.Header.Get("Authorization") == "" }},
	}
	e := New(Options{})
	for _, tc := range cases {
		c := oneRequest(&collections.Request{Name: "a", URL: srv.URL + "/a"})
		c.Auth = tc.auth // inherited from the collection
		r := resolve(t, c, env)
		mustDo(t, e, r)
		if got := srv.last(t); !tc.check(got) {
			t.Errorf("%s: server saw %s %v", tc.auth.Type, got.RequestURI, got.Header)
		}
	}
}

func TestRedirects(t *testing.T) {
	var srv *recorder
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil && n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			return
		}
		if r.URL.Path == "/keep" {
			http.Redirect(w, r, "/hop/0", http.StatusTemporaryRedirect) // 307: body sent again
			return
		}
		io.WriteString(w, "landed")
	})
	e := New(Options{})
	r := &collections.Resolved{Method: "GET", URL: srv.URL + "/hop/3", FollowRedirects: true, MaxRedirects: 10}
	resp := mustDo(t, e, r)
	if string(resp.Head) != "landed" || len(resp.Redirects) != 3 || !strings.HasSuffix(resp.URL, "/hop/0") {
		t.Fatalf("followed: %q %d redirects, url %s", resp.Head, len(resp.Redirects), resp.URL)
	}
	if resp.Redirects[0].Status != 302 || !strings.HasSuffix(resp.Redirects[0].To, "/hop/2") {
		t.Errorf("first redirect %+v", resp.Redirects[0])
	}
	if !hasWarning(resp, "followed 3 redirect") {
		t.Errorf("warnings %q", resp.Warnings)
	}

	r.MaxRedirects = 2
	resp = mustDo(t, e, r)
	if resp.StatusCode != 302 || !hasWarning(resp, "stopped after 2 redirects") {
		t.Errorf("capped: %d %q", resp.StatusCode, resp.Warnings)
	}

	r.FollowRedirects = false
	resp = mustDo(t, e, r)
	if resp.StatusCode != 302 || len(resp.Redirects) != 0 || resp.Header("Location") != "/hop/2" {
		t.Errorf("not followed: %d %d %q", resp.StatusCode, len(resp.Redirects), resp.Header("Location"))
	}

	post := &collections.Resolved{Method: "POST", URL: srv.URL + "/keep", FollowRedirects: true, MaxRedirects: 10,
		Body: collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"x": 1}`)}}
	mustDo(t, e, post)
	if got := srv.last(t); got.Method != "POST" || string(got.Body) != `{"x": 1}` {
		t.Errorf("307 re-send: %s %q", got.Method, got.Body)
	}
}

func hasWarning(r *Response, s string) bool {
	for _, w := range r.Warnings {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

func TestTimeoutWaitingForHeaders(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	r := &collections.Resolved{Method: "GET", URL: srv.URL, Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := New(Options{}).Do(context.Background(), r)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Stage != "waiting for the response" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("timeout took %s", d)
	}
}

// stallServer writes the first part of a body, then stalls until the
// request ends.
func stallServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(bytes.Repeat([]byte("x"), 1000))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTimeoutMidBody(t *testing.T) {
	srv := stallServer(t)
	// Long enough that a loaded machine still gets the headers in time.
	r := &collections.Resolved{Method: "GET", URL: srv.URL, Timeout: 400 * time.Millisecond}
	resp, err := New(Options{}).Do(context.Background(), r)
	defer resp.Close()
	var te *TimeoutError
	if !errors.As(err, &te) || te.Stage != "reading the body" {
		t.Fatalf("err = %v", err)
	}
	if resp == nil || resp.Size != 1000 || resp.StatusCode != 200 {
		t.Fatalf("partial response %+v", resp)
	}
}

// cancelWriter cancels the call's context on the first bytes of body.
type cancelWriter struct{ cancel context.CancelFunc }

func (c cancelWriter) Write(p []byte) (int, error) { c.cancel(); return len(p), nil }

func TestCancelMidBody(t *testing.T) {
	srv := stallServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &collections.Resolved{Method: "GET", URL: srv.URL, Timeout: time.Minute}
	start := time.Now()
	resp, err := New(Options{}).DoWith(ctx, r, CallOptions{Output: cancelWriter{cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("cancel took %s", d)
	}
	if resp == nil || resp.Size == 0 {
		t.Fatalf("no partial response: %+v", resp)
	}
}

func TestCancelBeforeAnswer(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := New(Options{}).Do(ctx, &collections.Resolved{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestSpoolLargeBody(t *testing.T) {
	data := bytes.Repeat([]byte("abcdefgh"), 100<<10/8*10) // 1000 KiB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer srv.Close()
	tmp := t.TempDir()
	e := New(Options{MemoryLimit: 64 << 10, HeadLimit: 4 << 10, TempDir: tmp})
	resp, err := e.Do(context.Background(), &collections.Resolved{Method: "GET", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if resp.BodyPath == "" || !resp.Truncated || len(resp.Head) != 4<<10 || resp.Size != int64(len(data)) {
		t.Fatalf("path %q truncated %v head %d size %d", resp.BodyPath, resp.Truncated, len(resp.Head), resp.Size)
	}
	rc, err := resp.Open()
	if err != nil {
		t.Fatal(err)
	}
	all, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(all, data) || !bytes.Equal(resp.Head, data[:4<<10]) {
		t.Fatal("spooled body differs")
	}
	path := resp.BodyPath
	if err := resp.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("temp file left: %v", err)
	}
}

// rawServer answers every connection with the bytes of answer, then
// closes it.
func rawServer(t *testing.T, answer string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				if _, err := http.ReadRequest(br); err != nil {
					return
				}
				io.WriteString(c, answer)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestServerClosesEarly(t *testing.T) {
	u := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
	resp, err := New(Options{}).Do(context.Background(), &collections.Resolved{Method: "GET", URL: u})
	defer resp.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
	if resp == nil || string(resp.Head) != "only ten b" {
		t.Fatalf("partial body %+v", resp)
	}
}

func TestInvalidChunked(t *testing.T) {
	u := rawServer(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
	_, err := New(Options{}).Do(context.Background(), &collections.Resolved{Method: "GET", URL: u})
	if err == nil || !strings.Contains(err.Error(), "chunk") {
		t.Fatalf("err = %v", err)
	}
}

func TestGzipDecoded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, strings.Repeat("hello ", 1000))
		zw.Close()
	}))
	defer srv.Close()
	r := &collections.Resolved{Method: "GET", URL: srv.URL, Headers: []collections.Header{{Name: "Accept-Encoding", Value: "gzip"}}}
	resp := mustDo(t, New(Options{}), r)
	if string(resp.Head) != strings.Repeat("hello ", 1000) || resp.WireSize == 0 || resp.WireSize >= resp.Size/10 {
		t.Fatalf("size %d wire %d head %.20q", resp.Size, resp.WireSize, resp.Head)
	}
}

func TestTLSSelfSigned(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	r := &collections.Resolved{Method: "GET", URL: srv.URL}

	_, err := New(Options{}).Do(context.Background(), r)
	var uae x509.UnknownAuthorityError
	if !errors.As(err, &uae) {
		t.Fatalf("self-signed accepted by default: %v", err)
	}

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	resp := mustDo(t, New(Options{RootCAs: pool}), r)
	if resp.Proto != "HTTP/2.0" || string(resp.Head) != "HTTP/2.0" || resp.TLS == nil || resp.TLS.ALPN != "h2" {
		t.Fatalf("trusted root: proto %s body %q tls %+v", resp.Proto, resp.Head, resp.TLS)
	}
	if resp.Timing.TLS <= 0 || resp.Timing.Connect <= 0 || resp.Timing.TTFB <= 0 {
		t.Errorf("timing %+v", resp.Timing)
	}
	if len(resp.Warnings) != 0 {
		t.Errorf("warnings %q", resp.Warnings)
	}

	r.InsecureSkipVerify = true
	resp = mustDo(t, New(Options{}), r)
	if resp.StatusCode != 200 || !hasWarning(resp, "verification is OFF") {
		t.Fatalf("insecure: %d %q", resp.StatusCode, resp.Warnings)
	}
}

func TestProxy(t *testing.T) {
	// A proxy on 127.0.0.1 answers for a host that does not exist: the
	// request must reach it in absolute form and go nowhere else.
	proxy := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "via proxy") })
	pu, _ := http.NewRequest("GET", proxy.URL, nil)
	e := New(Options{Proxy: http.ProxyURL(pu.URL)})
	resp := mustDo(t, e, &collections.Resolved{Method: "GET", URL: "http://mist.invalid/api/v1/self"})
	if string(resp.Head) != "via proxy" || proxy.last(t).RequestURI != "http://mist.invalid/api/v1/self" {
		t.Fatalf("%q %q", resp.Head, proxy.last(t).RequestURI)
	}
}

func TestUnresolvedURL(t *testing.T) {
	c := oneRequest(&collections.Request{Name: "r", URL: "{{host}}/api/v1/self"})
	r := resolve(t, c, nil)
	_, err := New(Options{}).Do(context.Background(), r)
	if err == nil || !strings.Contains(err.Error(), "unresolved variables: host") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnresolvedWarning(t *testing.T) {
	srv := newRecorder(t, nil)
	c := oneRequest(&collections.Request{Name: "r", URL: srv.URL + "/sites/:site_id?x={{nope}}"})
	resp := mustDo(t, New(Options{}), resolve(t, c, nil))
	if !hasWarning(resp, "unresolved variables: :site_id, nope") {
		t.Fatalf("warnings %q", resp.Warnings)
	}
}

func TestErrorsMaskSecrets(t *testing.T) {
	// A server that closes at once: the error names the URL, whose query
	// holds an API key.
	u := rawServer(t, "")
	r := &collections.Resolved{Method: "GET", URL: u + "/x?api_key=S%2FECRET&u=1", SecretValues: []string{"S/ECRET"}}
	_, err := New(Options{}).Do(context.Background(), r)
	if err == nil || strings.Contains(err.Error(), "ECRET") || !strings.Contains(err.Error(), "api_key=***") {
		t.Fatalf("err = %v", err)
	}
	if got := MaskSecrets(&collections.Resolved{}, "http://me:pw@h/"); strings.Contains(got, "pw") {
		t.Fatalf("password kept: %s", got)
	}
}

// The workbench's path: no output writer, the body spooling to disk when
// Esc cancels the context mid-body.
func TestCancelWhileSpooling(t *testing.T) {
	wrote := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000000")
		// 32 MB is more than loopback socket buffers hold: once written,
		// the client has read (and spooled) most of it.
		chunk := bytes.Repeat([]byte("y"), 1<<20)
		for i := 0; i < 32; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		close(wrote)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-wrote; cancel() }()
	tmp := t.TempDir()
	resp, err := New(Options{MemoryLimit: 64 << 10, TempDir: tmp}).Do(ctx, &collections.Resolved{Method: "GET", URL: srv.URL, Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if resp == nil || resp.BodyPath == "" {
		t.Fatalf("response %+v", resp)
	}
	resp.Close()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

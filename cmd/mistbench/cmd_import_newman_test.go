package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/sandbox"
)

// newmanPath finds newman: MISTBENCH_NEWMAN, then PATH, then the repo's
// .tools (where bench and .ci/run install npm tools).
func newmanPath(t *testing.T) string {
	if p := os.Getenv("MISTBENCH_NEWMAN"); p != "" {
		return p
	}
	if p, err := exec.LookPath("newman"); err == nil {
		return p
	}
	for _, p := range []string{"../../.tools/node_modules/.bin/newman", "../../.tools/newman/node_modules/.bin/newman"} {
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	t.Skip("newman not found (npm install newman; or set MISTBENCH_NEWMAN)")
	return ""
}

// sameQuery reports whether two request URIs have the same path, byte for
// byte, and the same decoded query parameters in the same order.
func sameQuery(a, b string) bool {
	pa, qa, _ := strings.Cut(a, "?")
	pb, qb, _ := strings.Cut(b, "?")
	if pa != pb {
		return false
	}
	da, db := strings.Split(qa, "&"), strings.Split(qb, "&")
	if len(da) != len(db) {
		return false
	}
	for i := range da {
		ka, va, _ := strings.Cut(da[i], "=")
		kb, vb, _ := strings.Cut(db[i], "=")
		if unq(ka) != unq(kb) || unq(va) != unq(vb) {
			return false
		}
	}
	return true
}

func unq(s string) string {
	d, err := url.QueryUnescape(s)
	if err != nil {
		return "\x00" + s // undecodable: compare as written
	}
	return d
}

// arrival is what one request brought to the server, in comparable form.
type arrival struct {
	Method, URI string
	Headers     []string // "name: value", sorted, clients' own headers left out
	Body        string   // multipart bodies as their parts, boundary-free
}

// clientHeaders are set by each client its own way, not by the collection.
var clientHeaders = map[string]bool{
	"user-agent": true, "accept-encoding": true, "connection": true, "cache-control": true,
	"postman-token": true, "host": true, "content-length": true,
}

type recorder struct {
	mu   sync.Mutex
	got  []arrival
	next http.Handler
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a := arrival{Method: r.Method, URI: r.RequestURI, Body: string(body)}
	for name, vals := range r.Header {
		ln := strings.ToLower(name)
		if clientHeaders[ln] {
			continue
		}
		for _, v := range vals {
			if ln == "content-type" {
				if mt, params, err := mime.ParseMediaType(v); err == nil && strings.HasPrefix(mt, "multipart/") {
					a.Body = partsOf(body, params["boundary"])
					v = mt
				}
			}
			a.Headers = append(a.Headers, ln+": "+v)
		}
	}
	sort.Strings(a.Headers)
	rc.mu.Lock()
	rc.got = append(rc.got, a)
	rc.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rc.next.ServeHTTP(w, r)
}

func (rc *recorder) take() []arrival {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.got
	rc.got = nil
	return out
}

func partsOf(body []byte, boundary string) string {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var b strings.Builder
	for {
		p, err := mr.NextPart()
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(&b, "[bad multipart: %v]", err)
			}
			break
		}
		data, _ := io.ReadAll(p)
		fmt.Fprintf(&b, "part name=%q filename=%q type=%q: %q\n", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data)
	}
	return b.String()
}

// interopCollection exercises what both clients must send alike: inherited
// headers, Mist token auth, :path variables, encoded query values, JSON,
// form, multipart with a file, raw XML, basic auth and an API key in the
// query.
func interopCollection(dir string) *collections.Collection {
	no := false
	return &collections.Collection{
		Name: "Interop", Dir: dir,
		Variables: []collections.Variable{{Key: "host", Value: "127.0.0.1:1"}, {Key: "apitoken", Secret: true}, {Key: "password", Secret: true}, {Key: "key", Value: "", Secret: true}},
		Headers:   []collections.Param{{Key: "Accept", Value: "application/json"}, {Key: "X-Coll", Value: "c"}},
		Auth:      collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Items: []collections.Item{
			&collections.Folder{
				Name: "WLANs", Variables: []collections.Variable{{Key: "site_id", Value: "s1"}},
				Headers: []collections.Param{{Key: "X-Folder", Value: "f"}, {Key: "X-Coll", Value: "overridden"}},
				Items: []collections.Item{
					&collections.Request{Name: "List", Method: "GET", URL: "http://{{host}}/api/v1/sites/:site_id/wlans",
						PathVars: []collections.Param{{Key: "site_id", Value: "{{site_id}}"}},
						Query:    []collections.Param{{Key: "limit", Value: "100"}, {Key: "q", Value: "a b+c/d?é"}, {Key: "off", Value: "1", Disabled: true}}},
					&collections.Request{Name: "Rename", Method: "PUT", URL: "http://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id",
						PathVars: []collections.Param{{Key: "site_id", Value: "{{site_id}}"}, {Key: "wlan_id", Value: "w-1"}},
						Body:     collections.Body{Kind: collections.BodyJSON, Text: "{\n  \"ssid\": \"New Name\",\n  \"note\": \"{{site_id}}\"\n}"}},
				},
			},
			&collections.Request{Name: "Form", Method: "POST", URL: "http://{{host}}/api/v1/form",
				Body: collections.Body{Kind: collections.BodyForm, Form: []collections.Param{{Key: "a", Value: "1-2_3.4~5"}, {Key: "b", Value: "x"}, {Key: "off", Value: "y", Disabled: true}}}},
			&collections.Request{Name: "Upload", Method: "POST", URL: "http://{{host}}/api/v1/sites/s1/maps/m1/image",
				Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{
					{Name: "json", Value: `{"x":1}`, ContentType: "application/json"},
					{Name: "file", File: "floor.png", ContentType: "image/png"},
				}}},
			&collections.Request{Name: "XML", Method: "POST", URL: "http://{{host}}/api/v1/xml", Headers: []collections.Param{{Key: "X-Req", Value: "r"}},
				Body: collections.Body{Kind: collections.BodyRaw, Text: "<a>1</a>", Language: "xml"}},
			&collections.Request{Name: "Basic", Method: "DELETE", URL: "http://{{host}}/api/v1/basic",
				Auth: collections.Auth{Type: collections.AuthBasic, Username: "ann", Password: "{{password}}"}},
			&collections.Request{Name: "Key in query", Method: "GET", URL: "http://{{host}}/api/v1/k",
				Auth:     collections.Auth{Type: collections.AuthAPIKey, Key: "api_key", Value: "{{key}}", In: "query"},
				Settings: collections.RequestSettings{FollowRedirects: &no}},
		},
	}
}

// TestNewmanSendsWhatRunSends exports a collection, runs it with newman
// and with mistbench run against the sandbox, and compares what arrived.
func TestNewmanSendsWhatRunSends(t *testing.T) {
	newman := newmanPath(t)
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	sb, err := sandbox.New(sandbox.Options{Token: "sandbox-token", RateLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: sb}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	dir := filepath.Join(t.TempDir(), "interop")
	c := interopCollection(dir)
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "floor.png"), []byte("\x89PNG\r\n\x1a\nfake"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "interop.postman_collection.json")
	if code, _, errs := runIn(t, "", "export", "postman", dir, "-o", file); code != 0 {
		t.Fatalf("export: %s", errs)
	}

	vars := []string{"host=" + host, "apitoken=sandbox-token", "password=pw", "key=K 1/é"}
	args := []string{"run", dir, "--no-history"}
	for _, v := range vars {
		args = append(args, "--var", v)
	}
	code, out, errs := runIn(t, "", args...)
	ours := rec.take()
	if len(ours) != 7 {
		t.Fatalf("mistbench run sent %d requests (exit %d):\n%s\n%s", len(ours), code, out, errs)
	}

	// The exported file itself as COLL sends the same (relative file
	// paths of a Postman file resolve from the working directory, as in
	// newman).
	t.Chdir(dir)
	fargs := append([]string{"run", file}, args[2:]...)
	code, out, errs = runIn(t, "", fargs...)
	fromFile := rec.take()
	if len(fromFile) != len(ours) {
		t.Fatalf("run on the Postman file sent %d requests (exit %d):\n%s\n%s", len(fromFile), code, out, errs)
	}
	for i, a := range fromFile {
		if !reflect.DeepEqual(a, ours[i]) {
			t.Errorf("request %d: run on the Postman file sent\n%+v\nrun on the directory sent\n%+v", i+1, a, ours[i])
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nargs := []string{"run", file, "--working-dir", dir, "--silent"}
	for _, v := range vars {
		nargs = append(nargs, "--env-var", v)
	}
	cmd := exec.CommandContext(ctx, newman, nargs...)
	cmd.Dir = dir
	var nout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &nout, &nout
	nerr := cmd.Run()
	theirs := rec.take()
	if len(theirs) != len(ours) {
		t.Fatalf("newman sent %d requests, mistbench %d (newman: %v)\n%s", len(theirs), len(ours), nerr, nout.String())
	}
	for i := range ours {
		a, b := ours[i], theirs[i]
		if a.URI != b.URI && sameQuery(a.URI, b.URI) {
			// newman leaves sub-delimiters such as "/" unencoded in values it
			// substitutes at run time; mistbench encodes them. The server
			// decodes the same values (checked by sameQuery).
			t.Logf("request %d: same query values, encoded differently:\n  mistbench %s\n  newman    %s", i+1, a.URI, b.URI)
			b.URI = a.URI
		}
		if a.Method != b.Method || a.URI != b.URI || a.Body != b.Body || strings.Join(a.Headers, "\n") != strings.Join(b.Headers, "\n") {
			t.Errorf("request %d differs:\nmistbench: %s %s\n  %s\n  body %q\nnewman:    %s %s\n  %s\n  body %q",
				i+1, a.Method, a.URI, strings.Join(a.Headers, "\n  "), a.Body, b.Method, b.URI, strings.Join(b.Headers, "\n  "), b.Body)
		}
	}
	if t.Failed() {
		t.Logf("newman output:\n%s", nout.String())
	}
}

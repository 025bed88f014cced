package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

// BenchmarkSendCommand is "mistbench send" in-process: what one
// invocation costs besides the process start-up (load the collection, the
// secret store and the session, send, print, append to the history).
func BenchmarkSendCommand(b *testing.B) {
	b.Setenv("MISTBENCH_HOME", b.TempDir())
	b.Setenv("BENCH_APITOKEN", "t")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"6f4bf402-45f9-4a0a-9c4c-000000000001","ssid":"TestWlan","enabled":true,"bands":["24","5","6"]}`)
	}))
	defer srv.Close()
	dir := filepath.Join(b.TempDir(), "c")
	c := &collections.Collection{Name: "b", ID: "00000000-0000-4000-8000-000000000001", Dir: dir,
		Variables: []collections.Variable{{Key: "apitoken", Secret: true, Env: "BENCH_APITOKEN"}},
		Auth:      collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Items:     []collections.Item{&collections.Request{Name: "wlan", URL: srv.URL + "/api/v1/sites/s/wlans/w"}}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	var out, errb bytes.Buffer
	for b.Loop() {
		out.Reset()
		if code := run(context.Background(), []string{"send", dir, "wlan"}, streams{In: strings.NewReader(""), Out: &out, Err: &errb}); code != 0 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}

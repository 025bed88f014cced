package send

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

// recorded is what a test server saw.
type recorded struct {
	Method     string
	RequestURI string
	Host       string
	Header     http.Header
	Body       []byte
	Proto      string
	Chunked    bool
	Length     int64
}

// recorder is a 127.0.0.1 server that records every request and answers
// with reply (200 {"ok":true} when nil).
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []recorded
	reply http.HandlerFunc
}

func newRecorder(t *testing.T, reply http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{reply: reply}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{
			Method: r.Method, RequestURI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(),
			Body: body, Proto: r.Proto, Chunked: len(r.TransferEncoding) > 0, Length: r.ContentLength,
		})
		rec.mu.Unlock()
		if rec.reply != nil {
			rec.reply(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) last(t *testing.T) recorded {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("the server saw no request")
	}
	return r.reqs[len(r.reqs)-1]
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// resolve resolves the only request of a one-request collection.
func resolve(t *testing.T, c *collections.Collection, env *collections.Environment) *collections.Resolved {
	t.Helper()
	var req *collections.Request
	var path []*collections.Folder
	c.Walk(func(p []*collections.Folder, r *collections.Request) {
		if req == nil {
			req, path = r, append([]*collections.Folder(nil), p...)
		}
	})
	res, err := c.Resolve(req, path, collections.Scope{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func oneRequest(req *collections.Request) *collections.Collection {
	return &collections.Collection{Name: "t", ID: "test-coll", Items: []collections.Item{req}}
}

func mustDo(t *testing.T, e *Engine, r *collections.Resolved) *Response {
	t.Helper()
	resp, err := e.Do(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Close() })
	return resp
}

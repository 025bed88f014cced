package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

func TestAppendListGet(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 5; i++ {
		e := &Entry{Method: "GET", URL: fmt.Sprintf("http://127.0.0.1/%d", i), Status: 200}
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	list, err := s.List(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].URL != "http://127.0.0.1/4" || list[2].URL != "http://127.0.0.1/2" {
		t.Fatalf("list %v", urls(list))
	}
	all, _ := s.List(0)
	if len(all) != 5 {
		t.Fatalf("all: %d", len(all))
	}
	got, err := s.Get(ids[1])
	if err != nil || got.URL != "http://127.0.0.1/1" {
		t.Fatalf("get: %v %v", got, err)
	}
	// The full ID is unique; a prefix shared by all is ambiguous.
	if _, err := s.Get(ids[1][:4]); err == nil || !strings.Contains(err.Error(), "give more") {
		t.Fatalf("ambiguous prefix: %v", err)
	}
	var nf *NotFoundError
	if _, err := s.Get("nope"); !errors.As(err, &nf) {
		t.Fatalf("missing: %v", err)
	}
	st, _ := os.Stat(s.Path())
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
}

func urls(es []*Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.URL)
	}
	return out
}

func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	s.Append(&Entry{Method: "GET", URL: "http://a/1"})
	// A crash mid-write leaves half a line.
	f, _ := os.OpenFile(s.Path(), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"id":"torn","method":"GET","url":"http://a/t`)
	f.Close()
	list, err := s.List(0)
	if err != nil || len(list) != 1 {
		t.Fatalf("with torn line: %v %v", urls(list), err)
	}
	s.Append(&Entry{Method: "GET", URL: "http://a/2"})
	list, err = s.List(0)
	if err != nil || len(list) != 2 || list[0].URL != "http://a/2" {
		t.Fatalf("after append: %v %v", urls(list), err)
	}
}

func TestRotation(t *testing.T) {
	s, _ := Open(t.TempDir())
	s.maxBytes = 300
	for i := 0; i < 10; i++ {
		if err := s.Append(&Entry{Method: "GET", URL: fmt.Sprintf("http://a/%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(s.oldPath()); err != nil {
		t.Fatalf("no rotated file: %v", err)
	}
	list, _ := s.List(2)
	if len(list) != 2 || list[0].URL != "http://a/9" {
		t.Fatalf("list %v", urls(list))
	}
}

func TestConcurrentAppends(t *testing.T) {
	s, _ := Open(t.TempDir())
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Append(&Entry{Method: "GET", URL: "http://a/" + strings.Repeat("x", 5000)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	list, _ := s.List(0)
	if len(list) != 20 {
		t.Fatalf("%d entries", len(list))
	}
}

func TestRecordRedacts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "SESSIONVALUE"})
		w.Header().Set("X-Echo", r.Header.Get("X-Custom"))
		io.WriteString(w, `{"key":"NEWAPIKEY","token_echo":"`+r.URL.Query().Get("k")+`"}`)
	}))
	defer srv.Close()
	r := &collections.Resolved{
		Method: "POST", URL: srv.URL + "/api?k=TOPSECRET%2F1",
		Headers: []collections.Header{
			{Name: "Authorization", Value: "Token LITERALTOKEN"},
			{Name: "Cookie", Value: "sessionid=abc"},
			{Name: "X-CSRFToken", Value: "csrfvalue"},
			{Name: "X-Custom", Value: "has TOPSECRET/1 inside"},
			{Name: "Accept", Value: "application/json"},
		},
		Body:         collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"password":"TOPSECRET/1"}`)},
		SecretValues: []string{"TOPSECRET/1"},
	}
	resp, err := send.New(send.Options{}).Do(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	e := Record(r, resp, nil, Meta{Request: "Auth/Create token", ExtraSecrets: []string{"NEWAPIKEY"}})
	s, _ := Open(t.TempDir())
	if err := s.Append(e); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(s.Path())
	for _, leak := range []string{"TOPSECRET", "LITERALTOKEN", "sessionid=abc", "csrfvalue", "SESSIONVALUE", "NEWAPIKEY"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("history holds %q:\n%s", leak, data)
		}
	}
	for _, kept := range []string{"application/json", `token_echo`, "Auth/Create token", `"status":200`} {
		if !bytes.Contains(data, []byte(kept)) {
			t.Errorf("history lacks %q:\n%s", kept, data)
		}
	}
}

func TestRecordRedactsLiteralJSONCredentials(t *testing.T) {
	r := &collections.Resolved{Method: "POST", URL: "http://127.0.0.1/api/v1/login",
		Body: collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"email":"me@x","password":"hunter22"}`)}}
	resp := &send.Response{StatusCode: 200, Head: []byte(`{"id":"t1","key":"ABCDEF123","auth":{"type":"psk","psk":"wifipass1"},"org_id":"o1"}`), Size: 80}
	data, _ := json.Marshal(Record(r, resp, nil, Meta{}))
	for _, leak := range []string{"hunter22", "ABCDEF123", "wifipass1"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("entry holds %q: %s", leak, data)
		}
	}
	for _, kept := range []string{"me@x", `\"org_id\":\"o1\"`, `\"type\":\"psk\"`} {
		if !bytes.Contains(data, []byte(kept)) {
			t.Errorf("entry lacks %q: %s", kept, data)
		}
	}
}

func TestRecordBodyLimitAndBinary(t *testing.T) {
	resp := &send.Response{StatusCode: 200, Head: []byte("é" + strings.Repeat("a", 100)), Size: 5000, Truncated: true}
	e := Record(&collections.Resolved{Method: "GET", URL: "http://x/"}, resp, nil, Meta{BodyLimit: 10})
	if !e.ResponseBody.Truncated || e.ResponseBody.Size != 5000 || e.ResponseBody.Text != "é"+strings.Repeat("a", 8) {
		t.Fatalf("limited body %+v", e.ResponseBody)
	}
	bin := []byte{0xff, 0x00, 0xfe}
	resp = &send.Response{StatusCode: 200, Head: bin, Size: 3}
	e = Record(&collections.Resolved{Method: "GET", URL: "http://x/"}, resp, nil, Meta{})
	if !e.ResponseBody.Base64 || !bytes.Equal(e.ResponseBody.Bytes(), bin) {
		t.Fatalf("binary body %+v", e.ResponseBody)
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"id":"a","method":"GET","url":"u","duration":1.5}` + "\n" + `{"id":"b"`))
	f.Add([]byte("\n\n{}\n[1]\nnull\n"))
	f.Add([]byte(`{"id":"x","response_body":{"text":"!!","base64":true}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		err := scanFile(bytes.NewReader(data), func(e *Entry) {
			n++
			if e.ID == "" {
				t.Fatal("entry without ID")
			}
			e.ResponseBody.Bytes()
		})
		if err != nil {
			t.Fatal(err)
		}
		if n > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d entries from %d lines", n, bytes.Count(data, []byte("\n"))+1)
		}
	})
}

func TestDraft(t *testing.T) {
	r := &collections.Resolved{Method: "PUT", URL: "http://127.0.0.1/api/v1/sites/s/wlans/w",
		Headers: []collections.Header{{Name: "Authorization", Value: "Token x"}, {Name: "Content-Type", Value: "application/json"}, {Name: "X-A", Value: "1"}},
		Body:    collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"ssid": "New"}`)}}
	d := Record(r, nil, nil, Meta{Request: "WLANs/Rename SSID"}).Draft()
	if d.Name != "Rename SSID" || d.Method != "PUT" || d.URL != r.URL || d.Body.Kind != collections.BodyJSON || d.Body.Text != `{"ssid": "New"}` {
		t.Fatalf("draft %+v", d)
	}
	if len(d.Headers) != 2 || d.Headers[0].Key != "Content-Type" || d.Headers[1].Key != "X-A" {
		t.Fatalf("headers %+v", d.Headers)
	}
}

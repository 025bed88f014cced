package send

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

type fakeSecrets map[string]string

func (f fakeSecrets) SetSecret(coll, env, key, value string) error {
	f[coll+"/"+env+"/"+key] = value
	return nil
}

func TestCapturesAndStore(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "rid-7")
		io.WriteString(w, `{"key":"NEWKEY","privileges":[{"scope":"org","org_id":"o-1","site_id":null},{"scope":"site","org_id":"o-1","site_id":"s-9"}],"n":12345678901234567890,"obj":{"a":1}}`)
	})
	resp := mustDo(t, New(Options{}), &collections.Resolved{Method: "GET", URL: srv.URL})
	rules := []collections.Capture{
		{Var: "apitoken", JQ: ".key"},
		{Var: "org_id", JQ: ".privileges[0].org_id"},
		{Var: "site_id", JQ: `[.privileges[] | select(.scope == "site")][0].site_id`},
		{Var: "n", JQ: ".n"},
		{Var: "obj", JQ: ".obj"},
		{Var: "rid", Header: "x-request-id"},
	}
	got, err := ApplyCaptures(context.Background(), resp, rules)
	if err != nil {
		t.Fatal(err)
	}
	want := "apitoken=NEWKEY org_id=o-1 site_id=s-9 n=12345678901234567890 obj={\"a\":1} rid=rid-7"
	var parts []string
	for _, c := range got {
		parts = append(parts, c.Var+"="+c.Value)
	}
	if strings.Join(parts, " ") != want {
		t.Fatalf("captured %q\nwant     %q", strings.Join(parts, " "), want)
	}

	c := &collections.Collection{ID: "c1", Variables: []collections.Variable{{Key: "apitoken", Secret: true}}}
	env := &collections.Environment{Name: "Global 01", Variables: []collections.Variable{{Key: "org_id", Value: "old"}}}
	sec := fakeSecrets{}
	res, err := StoreCaptures(c, env, nil, got, sec)
	if err != nil {
		t.Fatal(err)
	}
	if sec["c1//apitoken"] != "NEWKEY" || len(res.SecretValues) != 1 || res.SecretValues[0] != "NEWKEY" {
		t.Errorf("secret store %v result %+v", sec, res)
	}
	if env.Lookup("org_id").Value != "o-1" || env.Lookup("site_id").Value != "s-9" || !res.EnvChanged || res.CollectionChanged {
		t.Errorf("env %+v result %+v", env.Variables, res)
	}

	// Failing rules name the variable; the others still capture.
	_, err = ApplyCaptures(context.Background(), resp, []collections.Capture{
		{Var: "a", JQ: ".missing"}, {Var: "b", JQ: ".["}, {Var: "c", Header: "X-None"}, {Var: "d", JQ: "$ENV.HOME"},
	})
	for _, s := range []string{"capture a: jq \".missing\" found no value", "capture b: jq", "capture c: no X-None header", "capture d"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("error %v lacks %q", err, s)
		}
	}
}

func TestCheckExpect(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ssid":"NewName","vlan_id":3}`)
	})
	resp := mustDo(t, New(Options{}), &collections.Resolved{Method: "GET", URL: srv.URL})
	res := CheckExpect(context.Background(), resp, collections.Expect{
		Status: []int{200, 201},
		JQ:     []string{`.ssid == "NewName"`, `.ssid == "Old"`, `.vlan_id`, `.[`, `repeat(1)`},
	})
	want := []struct {
		pass   bool
		detail string
	}{{true, ""}, {true, ""}, {false, "was false"}, {false, "gave 3, not true"}, {false, "jq"}, {false, "gave 1, not true"}}
	if len(res) != len(want) {
		t.Fatalf("%d results: %+v", len(res), res)
	}
	for i, w := range want {
		if res[i].Passed != w.pass || !strings.Contains(res[i].Detail, w.detail) {
			t.Errorf("check %d %q: passed %v detail %q", i, res[i].Check, res[i].Passed, res[i].Detail)
		}
	}
	res = CheckExpect(context.Background(), resp, collections.Expect{Status: []int{404}})
	if res[0].Passed || res[0].Detail != "got 200 OK" {
		t.Errorf("status check %+v", res[0])
	}
}

func TestAllPagesHeaders(t *testing.T) {
	const total = 7
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		w.Header().Set("X-Page-Total", strconv.Itoa(total))
		w.Header().Set("X-Page-Limit", strconv.Itoa(limit))
		w.Header().Set("X-Page-Page", strconv.Itoa(page))
		var items []string
		for i := (page-1)*limit + 1; i <= min(page*limit, total); i++ {
			items = append(items, fmt.Sprintf(`{"id": %d}`, i))
		}
		io.WriteString(w, "["+strings.Join(items, ",")+"]")
	})
	r := &collections.Resolved{Method: "GET", URL: srv.URL + "/sites?limit=3", AllPages: true}
	resp := mustDo(t, New(Options{}), r)
	if want := `[{"id": 1},{"id": 2},{"id": 3},{"id": 4},{"id": 5},{"id": 6},{"id": 7}]`; string(resp.Head) != want || resp.Pages != 3 {
		t.Fatalf("merged %s pages %d", resp.Head, resp.Pages)
	}
	reqs := srv.all()
	if len(reqs) != 3 || reqs[2].RequestURI != "/sites?limit=3&page=3" {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestAllPagesNext(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("start") {
		case "":
			io.WriteString(w, `{"results":[{"a":1},{"a":2}],"next":"/search?start=2"}`)
		case "2":
			io.WriteString(w, `{"results":[{"a":3}],"next":null}`)
		}
	})
	resp := mustDo(t, New(Options{}), &collections.Resolved{Method: "GET", URL: srv.URL + "/search", AllPages: true})
	if string(resp.Head) != `[{"a":1},{"a":2},{"a":3}]` || resp.Pages != 2 {
		t.Fatalf("merged %s pages %d", resp.Head, resp.Pages)
	}
}

func TestRateLimit(t *testing.T) {
	var left atomic.Int32
	left.Store(2)
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if left.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"detail":"Too Many Request. The API Token used for the request reached the 5000 API Calls per hour threshold"}`)
			return
		}
		io.WriteString(w, `{"ok":1}`)
	})
	r := &collections.Resolved{Method: "POST", URL: srv.URL, Body: collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"a":1}`)}}
	resp := mustDo(t, New(Options{}), r)
	if resp.StatusCode != 429 || resp.RateLimit == nil || !resp.RateLimit.HasRetryAfter ||
		!strings.Contains(resp.RateLimit.String(), "5000 API Calls per hour") {
		t.Fatalf("429: %d %+v", resp.StatusCode, resp.RateLimit)
	}
	resp = mustDo(t, New(Options{Retry429: RetryPolicy{Max: 3, Base: time.Millisecond}}), r)
	if resp.StatusCode != 200 || resp.Retries != 1 || !hasWarning(resp, "retried 1 time") {
		t.Fatalf("retry: %d retries %d %q", resp.StatusCode, resp.Retries, resp.Warnings)
	}
	for _, rec := range srv.all() {
		if string(rec.Body) != `{"a":1}` {
			t.Fatalf("a retry sent %q", rec.Body)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	p := RetryPolicy{Base: time.Second, Cap: 10 * time.Second}
	if d := p.delay(0, &RateLimit{RetryAfter: 3 * time.Second, HasRetryAfter: true}); d != 3*time.Second {
		t.Errorf("Retry-After: %s", d)
	}
	if d := p.delay(1, nil); d < 2*time.Second || d > 2500*time.Millisecond {
		t.Errorf("backoff 1: %s", d)
	}
	if d := p.delay(10, nil); d != 10*time.Second {
		t.Errorf("cap: %s", d)
	}
}

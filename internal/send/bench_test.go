package send

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

const gigabyte = 1 << 30

// bigServer streams n bytes from a small repeated buffer.
func bigServer(b *testing.B, n int64) *httptest.Server {
	chunk := make([]byte, 256<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		for left := n; left > 0; {
			k := min(left, int64(len(chunk)))
			if _, err := w.Write(chunk[:k]); err != nil {
				return
			}
			left -= k
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// peakHeap samples the live heap while fn runs and returns its peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak
}

// BenchmarkLargeBody streams a 1 GB response into the spool file and
// checks the heap stays within a few MB (the memory limit plus buffers).
func BenchmarkLargeBody(b *testing.B) {
	for _, mode := range []string{"spool", "output"} {
		b.Run(mode, func(b *testing.B) {
			srv := bigServer(b, gigabyte)
			e := New(Options{TempDir: b.TempDir()})
			r := &collections.Resolved{Method: "GET", URL: srv.URL}
			b.SetBytes(gigabyte)
			b.ReportAllocs()
			var worst uint64
			for b.Loop() {
				var resp *Response
				var err error
				peak := peakHeap(func() {
					if mode == "spool" {
						resp, err = e.Do(context.Background(), r)
					} else {
						resp, err = e.DoWith(context.Background(), r, CallOptions{Output: io.Discard})
					}
				})
				if err != nil {
					b.Fatal(err)
				}
				if resp.Size != gigabyte {
					b.Fatalf("size %d", resp.Size)
				}
				resp.Close()
				worst = max(worst, peak)
			}
			b.ReportMetric(float64(worst)/(1<<20), "peak-heap-MiB")
			if worst > 32<<20 {
				b.Fatalf("peak heap %d MiB for a 1 GB body", worst>>20)
			}
		})
	}
}

// BenchmarkSmallRequest is one JSON request over a reused connection:
// the engine's own overhead per request.
func BenchmarkSmallRequest(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"6f4bf402-45f9-4a0a-9c4c-000000000001","ssid":"TestWlan","enabled":true}`)
	}))
	b.Cleanup(srv.Close)
	e := New(Options{})
	r := &collections.Resolved{Method: "GET", URL: srv.URL + "/api/v1/sites/s/wlans/w",
		Headers: []collections.Header{{Name: "Authorization", Value: "Token x"}}}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := e.Do(context.Background(), r)
		if err != nil {
			b.Fatal(err)
		}
		resp.Close()
	}
}

// BenchmarkSmallRequestNetHTTP is the same request through a bare
// http.Client: the peer the engine's overhead is measured against.
func BenchmarkSmallRequestNetHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"6f4bf402-45f9-4a0a-9c4c-000000000001","ssid":"TestWlan","enabled":true}`)
	}))
	b.Cleanup(srv.Close)
	c := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/sites/s/wlans/w", nil)
		req.Header.Set("Authorization", "Token x")
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
}

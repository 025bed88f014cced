package widgets

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/itchyny/gojq"
)

const bench50MB = 50 << 20

// openLarge opens a generated 50 MB JSON body file in b.TempDir.
func openLarge(b *testing.B) (*os.File, int64) {
	b.Helper()
	path, _ := writeJSONLines(b, b.TempDir(), bench50MB)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	fi, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return f, fi.Size()
}

// BenchmarkBodyViewFirstFrame50MB: SetBody on a 50 MB JSON file to the
// first drawn frame (goal: under 300 ms).
func BenchmarkBodyViewFirstFrame50MB(b *testing.B) {
	f, size := openLarge(b)
	s := newScreen(b, 120, 40)
	cpu := cpuNow()
	defer func() { cpuPerOp(b, cpu) }()
	for b.Loop() {
		l := newLoop()
		v := NewBodyView(l.post)
		v.SetBody(f, size, "application/json")
		l.runUntil(b, "first chunk", func() bool { n, _ := v.Indexed(); return n > 0 })
		render(s, v)
		b.StopTimer()
		v.Close()
		b.StartTimer()
	}
}

// BenchmarkBodyViewIndex50MB: the whole line index of a 50 MB body, with
// the heap growth it costs, for a body on disk and one in memory.
func BenchmarkBodyViewIndex50MB(b *testing.B) {
	f, size := openLarge(b)
	inMem, err := os.ReadFile(f.Name())
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		inHeap bool
	}{{"file", false}, {"memory", true}} {
		b.Run(tc.name, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				var body []byte
				if tc.inHeap {
					body = nil
				}
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapInuse
				if tc.inHeap {
					// Count the body itself: a fresh copy made after the baseline.
					body = bytes.Clone(inMem)
				}
				sample := func() {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > base && ms.HeapInuse-base > peak {
						peak = ms.HeapInuse - base
					}
				}
				l := newLoop()
				v := NewBodyView(l.post)
				v.OnProgress = func(int64, int64, bool) { sample() }
				if tc.inHeap {
					v.SetBody(bytes.NewReader(body), size, "application/json")
				} else {
					v.SetBody(f, size, "application/json")
				}
				l.runUntil(b, "index", func() bool { _, done := v.Indexed(); return done })
				sample()
				v.Close()
				runtime.KeepAlive(body)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peak)/float64(size), "peak-heap/body")
		})
	}
}

// BenchmarkBodyViewScroll50MB: one page down and a redraw, anywhere in a
// fully indexed 50 MB body.
func BenchmarkBodyViewScroll50MB(b *testing.B) {
	f, size := openLarge(b)
	s := newScreen(b, 120, 40)
	l := newLoop()
	v := NewBodyView(l.post)
	defer v.Close()
	v.SetBody(f, size, "application/json")
	l.runUntil(b, "index", func() bool { _, done := v.Indexed(); return done })
	render(s, v)
	cpu := cpuNow()
	defer func() { cpuPerOp(b, cpu) }()
	for b.Loop() {
		press(v, tcell.KeyPgDn)
		if n, _ := v.Indexed(); v.Top() >= n-v.rows {
			typeText(v, "g")
		}
		render(s, v)
	}
}

// BenchmarkBodyViewSearch50MB: a search through the whole 50 MB body.
func BenchmarkBodyViewSearch50MB(b *testing.B) {
	f, size := openLarge(b)
	l := newLoop()
	v := NewBodyView(l.post)
	defer v.Close()
	v.SetBody(f, size, "application/json")
	l.runUntil(b, "index", func() bool { _, done := v.Indexed(); return done })
	cpu := cpuNow()
	defer func() { cpuPerOp(b, cpu) }()
	for b.Loop() {
		v.runSearch("needle-at-the-end")
		l.runUntil(b, "search", func() bool { _, _, cur, done := v.Search(); return done && cur == 0 })
	}
}

// BenchmarkBodyViewMinified50MB: a 50 MB JSON body without line breaks:
// the first frame (the body as received) and the time until the
// pretty-printed copy is written and indexed, with the peak heap.
func BenchmarkBodyViewMinified50MB(b *testing.B) {
	path := writeMinified(b, b.TempDir(), bench50MB)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	s := newScreen(b, 120, 40)
	tmp := b.TempDir()
	b.Run("first-frame", func(b *testing.B) {
		for b.Loop() {
			l := newLoop()
			v := NewBodyView(l.post)
			v.TmpDir = tmp
			v.SetBody(f, fi.Size(), "application/json")
			l.runUntil(b, "first chunk", func() bool { n, _ := v.Indexed(); return n > 0 })
			render(s, v)
			b.StopTimer()
			v.Close()
			b.StartTimer()
		}
	})
	b.Run("formatted", func(b *testing.B) {
		var peak uint64
		for b.Loop() {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse
			l := newLoop()
			v := NewBodyView(l.post)
			v.TmpDir = tmp
			v.OnProgress = func(int64, int64, bool) {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > base && ms.HeapInuse-base > peak {
					peak = ms.HeapInuse - base
				}
			}
			v.SetBody(f, fi.Size(), "application/json")
			l.runUntil(b, "formatted", func() bool { _, done := v.Indexed(); return !v.Formatting() && done && v.tmp != nil })
			render(s, v)
			v.Close()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	})
}

// BenchmarkBodyViewJQ50MB: a jq filter over a 50 MB body (on disk), from the
// keystroke to the result, with the peak heap (the body decoded in memory).
func BenchmarkBodyViewJQ50MB(b *testing.B) {
	f, size := openLarge(b)
	for _, q := range []string{`.[] | select(.ssid == "wlan-7") | .id`, `length`} {
		b.Run(q, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapInuse
				l := newLoop()
				v := NewBodyView(l.post)
				v.Debounce = 0
				v.SetBody(f, size, "application/json")
				done := false
				v.OnFilterDone = func() { done = true }
				v.setFilter(q)
				stop := make(chan struct{})
				sampled := make(chan struct{})
				go func() { // sample the heap while jq runs
					defer close(sampled)
					tick := time.NewTicker(10 * time.Millisecond)
					defer tick.Stop()
					var m runtime.MemStats
					for {
						runtime.ReadMemStats(&m)
						if m.HeapInuse > base && m.HeapInuse-base > peak {
							peak = m.HeapInuse - base
						}
						select {
						case <-stop:
							return
						case <-tick.C:
						}
					}
				}()
				l.runUntil(b, "jq", func() bool { return done })
				close(stop)
				<-sampled
				if _, _, err := v.Filtering(); err != "" {
					b.Fatal(err)
				}
				v.Close()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peak)/float64(size), "peak-heap/body")
		})
	}
}

// BenchmarkJQDecode50MB: decoding a 50 MB body for jq, whole with
// encoding/json (json.Number), whole with the projecting decoder, and
// projected for a few programs; live-MB is the heap the decoded values
// hold.
func BenchmarkJQDecode50MB(b *testing.B) {
	f, size := openLarge(b)
	ctx := context.Background()
	type decoder func() ([]any, error)
	cases := []struct {
		name string
		dec  decoder
	}{
		{"encoding-json", func() ([]any, error) { return decodeJSON(ctx, f, size) }},
		{"proj-all", func() ([]any, error) { return projectedDecode(ctx, f, size, needAll) }},
	}
	for _, prog := range []string{".[12345].ssid", "map(.ssid)", "[.[] | select(.enabled)] | length", "length", ".[-1]"} {
		q, err := gojq.Parse(prog)
		if err != nil {
			b.Fatal(err)
		}
		n := programNeed(q)
		cases = append(cases, struct {
			name string
			dec  decoder
		}{"proj " + prog, func() ([]any, error) { return projectedDecode(ctx, f, size, n) }})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var live float64
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				vals, err := c.dec()
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&ms)
				live = float64(ms.HeapAlloc-base) / (1 << 20)
				runtime.KeepAlive(vals)
			}
			b.ReportMetric(live, "live-MB")
		})
	}
}

package workbench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/openapi"
	"github.com/mistbench/mistbench/internal/send"
)

// benchApp runs a workbench on a simulated screen for a benchmark; press
// queues keys and returns once they were handled and drawn.
type benchApp struct {
	b       *testing.B
	w       *Workbench
	handled chan struct{}
	done    chan error
}

func startBench(b *testing.B, cfg Config) *benchApp {
	b.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	cfg.Screen = sim
	if cfg.Clipboard == nil {
		cfg.Clipboard = func(string) error { return nil }
	}
	w, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	sim.SetSize(120, 40)
	a := &benchApp{b: b, w: w, handled: make(chan struct{}, 1), done: make(chan error, 1)}
	w.onSentinel = func() { a.handled <- struct{}{} }
	go func() { a.done <- w.Run(context.Background()) }()
	b.Cleanup(func() {
		w.app.Stop()
		<-a.done
	})
	a.press()
	return a
}

func (a *benchApp) press(keys ...*tcell.EventKey) {
	for _, k := range keys {
		a.w.app.QueueEvent(k)
	}
	a.w.app.QueueEvent(tcell.NewEventKey(sentinelKey, 0, tcell.ModNone))
	<-a.handled
}

func rn(r rune) *tcell.EventKey { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }
func key(k tcell.Key) *tcell.EventKey {
	return tcell.NewEventKey(k, 0, tcell.ModNone)
}

// BenchmarkPowerKeypressToFrame: one key, from queueing it to the frame
// after it, with the 1,000-request collection: moving in the tree, typing
// in the tree's filter line (a fuzzy pass over every request), and
// typing in the editor's URL field (which re-highlights the URL, syncs
// the path rows and marks the tree).
func BenchmarkPowerKeypressToFrame(b *testing.B) {
	type coll struct {
		name string
		make func(b *testing.B) (*collections.Collection, string)
	}
	for _, c := range []coll{
		{"synthetic-1000", func(*testing.B) (*collections.Collection, string) {
			return bigCollection(1000), "Tag 010/Operation 0200"
		}},
		{"mist-openapi", mistCollection},
	} {
		b.Run(c.name+"/tree", func(b *testing.B) {
			coll, open := c.make(b)
			a := startBench(b, Config{Collection: coll, Env: "Local", Open: open})
			a.press(tcell.NewEventKey(tcell.KeyRune, '1', tcell.ModAlt))
			keys := []*tcell.EventKey{key(tcell.KeyDown), key(tcell.KeyUp)}
			i := 0
			for b.Loop() {
				a.press(keys[i%2])
				i++
			}
		})
		b.Run(c.name+"/tree-filter", func(b *testing.B) {
			coll, open := c.make(b)
			a := startBench(b, Config{Collection: coll, Env: "Local", Open: open})
			a.press(tcell.NewEventKey(tcell.KeyRune, '1', tcell.ModAlt), rn('/'), rn('g'), rn('e'))
			keys := []*tcell.EventKey{rn('t'), key(tcell.KeyBackspace2)}
			i := 0
			for b.Loop() {
				a.press(keys[i%2])
				i++
			}
		})
		b.Run(c.name+"/editor-url", func(b *testing.B) {
			coll, open := c.make(b)
			a := startBench(b, Config{Collection: coll, Env: "Local", Open: open})
			a.press(tcell.NewEventKey(tcell.KeyRune, '2', tcell.ModAlt), tcell.NewEventKey(tcell.KeyCtrlL, 0, tcell.ModCtrl), key(tcell.KeyEnd))
			keys := []*tcell.EventKey{rn('x'), key(tcell.KeyBackspace2)}
			i := 0
			for b.Loop() {
				a.press(keys[i%2])
				i++
			}
		})
	}
}

// mistCollection imports the Mist OpenAPI spec of the shared directory
// (about 1,000 requests), with a Local environment; it skips without it.
func mistCollection(b *testing.B) (*collections.Collection, string) {
	b.Helper()
	spec := filepath.Join("..", "..", "shared", "mist", "mist.openapi.yaml")
	if _, err := os.Stat(spec); err != nil {
		b.Skipf("no Mist spec: %v", err)
	}
	c, _, err := openapi.Import(spec)
	if err != nil {
		b.Fatal(err)
	}
	c.Environments = append(c.Environments, &collections.Environment{Name: "Local", Variables: []collections.Variable{{Key: "host", Value: "127.0.0.1:9"}}})
	var open string
	n := 0
	c.Walk(func(path []*collections.Folder, r *collections.Request) {
		n++
		if n == 500 {
			open = collections.RequestPath(path, r)
		}
	})
	b.Logf("%d requests", n)
	return c, open
}

// bigJSON writes a minified JSON array of about size bytes (as Mist
// answers) to a file in dir.
func bigJSON(b *testing.B, dir string, size int64) string {
	b.Helper()
	p := filepath.Join(dir, "big.json")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString("[")
	var n int64
	for i := 0; n < size; i++ {
		if i > 0 {
			bw.WriteString(",")
		}
		k, _ := fmt.Fprintf(bw, `{"id":"%08d-45f9-4a56-8c8b-7f83d3bc98e9","ssid":"Lab-%d","enabled":true,"vlan_id":%d,"auth":{"type":"psk","pairwise":["wpa2-ccmp"]},"bands":["24","5"]}`, i, i, i%4094)
		n += int64(k) + 1
	}
	bw.WriteString("]")
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

// heapPeak samples the Go heap until stop, keeping the largest value.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// heapProfileAt, when MISTBENCH_BENCH_HEAPPROF names a file, writes to it
// the live heap (collected first) each time the heap's objects grow past
// the last profile's live size by step MB above base, until stop: the
// file holds the largest live heap seen, to tell what holds the peak.
func heapProfileAt(b *testing.B, base uint64, stop <-chan struct{}) {
	path := os.Getenv("MISTBENCH_BENCH_HEAPPROF")
	if path == "" {
		return
	}
	const step = 20 << 20
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		next, best := base+step, uint64(0)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(s)
			if s[0].Value.Uint64() < next {
				continue
			}
			runtime.GC()
			metrics.Read(s)
			live := s[0].Value.Uint64()
			next = max(next, live+step)
			if live <= best {
				continue
			}
			best = live
			f, err := os.Create(path)
			if err != nil {
				b.Error(err)
				return
			}
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
			b.Logf("heap profile: %.0f MB live above the base", float64(live-base)/(1<<20))
		}
	}()
}

// BenchmarkPowerLargeBody opens a 50 MB minified JSON response in the
// app and scrolls it. The sender hands over a response spooled to disk
// as the engine leaves it (1 MB head in memory, the body in a file), so
// this measures the app, not the network: Ctrl+R to the first frame
// showing the body, to the whole body readable (scanned for secrets,
// shown from disk), a page-down key to its frame while the view still
// indexes and pretty-prints in the background, a jq filter over the whole
// body and a key's frame while it runs. peak-heap-MB is the Go
// heap's peak above what it held before the response, until the jq
// result is indexed.
func BenchmarkPowerLargeBody(b *testing.B) {
	dir := b.TempDir()
	mb := int64(50)
	if v, err := strconv.Atoi(os.Getenv("MISTBENCH_BENCH_BODY_MB")); err == nil && v > 0 {
		mb = int64(v) // a quicker run
	}
	src := bigJSON(b, dir, mb<<20)
	st, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	size := st.Size()
	head := make([]byte, send.DefaultHeadLimit)
	f, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.ReadAt(head, 0); err != nil {
		b.Fatal(err)
	}
	f.Close()
	var seq atomic.Int64
	var cur atomic.Pointer[send.Response]
	sender := SenderFunc(func(ctx context.Context, r *collections.Resolved) (*send.Response, error) {
		// A hard link per response: the app removes the file with it.
		p := filepath.Join(dir, fmt.Sprintf("body-%d", seq.Add(1)))
		if err := os.Link(src, p); err != nil {
			return nil, err
		}
		resp := &send.Response{Method: "GET", URL: r.URL, StatusCode: 200, StatusText: "OK", Proto: "HTTP/1.1",
			Headers: []collections.Header{{Name: "Content-Type", Value: "application/json"}},
			Size:    size, WireSize: size, Head: head, Truncated: true, BodyPath: p}
		cur.Store(resp)
		return resp, nil
	})
	c := bigCollection(20)
	c.Walk(func(_ []*collections.Folder, r *collections.Request) { r.PathVars[1].Value = "t1" })
	a := startBench(b, Config{Collection: c, Env: "Local", Open: "Tag 000/Operation 0001", Sender: sender})
	w := a.w
	// The first frame with the response: drawn after show() ran.
	framed := make(chan struct{}, 1)
	w.app.SetAfterDrawFunc(func(tcell.Screen) {
		if r := cur.Load(); r != nil && w.resp.resp == r && w.power.body.active {
			cur.Store(nil)
			framed <- struct{}{}
		}
	})
	// A filter that reads one element: only it is decoded (the jq
	// projection). MISTBENCH_BENCH_JQ tries another: "map(.ssid)" and
	// ".[] | .ssid" run on batches of elements, "length" decodes the
	// shape only, "." needs the whole body decoded.
	filter := ".[12345].ssid"
	if f := os.Getenv("MISTBENCH_BENCH_JQ"); f != "" {
		filter = f
	}
	filtered := make(chan struct{}, 1)
	set := make(chan struct{})
	w.app.QueueUpdate(func() {
		w.power.body.view.Debounce = 0
		w.power.onBody = func(what string) {
			if what == "filtered" {
				select {
				case filtered <- struct{}{}:
				default:
				}
			}
		}
		close(set)
	})
	<-set
	var firstMS, fullMS, scrollMS, jqMS, jqKeyMS, peakMB float64
	n := 0
	for b.Loop() {
		b.StopTimer()
		stop := make(chan struct{})
		// The base is what is live: the last run's garbage would else
		// count, or not, as the collector's pace has it.
		runtime.GC()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		base := s[0].Value.Uint64()
		peak := heapPeak(stop)
		heapProfileAt(b, base, stop)
		b.StartTimer()

		t0 := time.Now()
		w.app.QueueEvent(tcell.NewEventKey(tcell.KeyCtrlR, 0, tcell.ModCtrl))
		<-framed
		firstMS += float64(time.Since(t0).Microseconds()) / 1000
		if err := w.WaitIdle(context.Background()); err != nil {
			b.Fatal(err)
		}
		a.press() // the apply of the last background task is drawn
		fullMS += float64(time.Since(t0).Microseconds()) / 1000
		a.press(tcell.NewEventKey(tcell.KeyRune, '3', tcell.ModAlt))
		const keys = 20
		t1 := time.Now()
		for range keys {
			a.press(key(tcell.KeyPgDn))
		}
		scrollMS += float64(time.Since(t1).Microseconds()) / 1000 / keys

		// jq over the whole body; keys keep their frames while it runs.
		t2 := time.Now()
		w.app.QueueEvent(rn('|'))
		for _, r := range filter {
			w.app.QueueEvent(rn(r))
		}
		a.press(key(tcell.KeyEnter))
		t3 := time.Now()
		a.press(key(tcell.KeyDown))
		jqKeyMS += float64(time.Since(t3).Microseconds()) / 1000
		for {
			<-filtered
			var running bool
			var text string
			done := make(chan struct{})
			w.app.QueueUpdate(func() { text, running, _ = w.power.body.view.Filtering(); close(done) })
			<-done
			if text == filter && !running {
				break
			}
		}
		jqMS += float64(time.Since(t2).Microseconds()) / 1000
		// The peak counts the view's line index over the result too.
		for indexed := false; !indexed; {
			done := make(chan struct{})
			w.app.QueueUpdate(func() { _, indexed = w.power.body.view.Indexed(); close(done) })
			<-done
			if !indexed {
				time.Sleep(time.Millisecond)
			}
		}

		b.StopTimer()
		close(stop)
		p := <-peak
		if p > base {
			peakMB += float64(p-base) / (1 << 20)
		}
		n++
		b.StartTimer()
	}
	if w.power.body.file == nil {
		b.Fatal("the body was not shown from disk")
	}
	b.ReportMetric(firstMS/float64(n), "first-frame-ms")
	b.ReportMetric(fullMS/float64(n), "whole-body-ms")
	b.ReportMetric(scrollMS/float64(n), "pgdn-frame-ms")
	b.ReportMetric(peakMB/float64(n), "peak-heap-MB")
	b.ReportMetric(jqMS/float64(n), "jq-ms")
	b.ReportMetric(jqKeyMS/float64(n), "key-during-jq-ms")
	b.ReportMetric(float64(size)/(1<<20), "body-MB")
}

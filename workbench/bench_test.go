package workbench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mistbench/mistbench/collections"
)

// bigCollection has n requests in folders of 20, Mist-like.
func bigCollection(n int) *collections.Collection {
	c := &collections.Collection{Name: "Big", Environments: []*collections.Environment{
		{Name: "Local", Variables: []collections.Variable{{Key: "host", Value: "127.0.0.1:9"}, {Key: "site_id", Value: "s1"}}},
	}}
	var f *collections.Folder
	for i := 0; i < n; i++ {
		if i%20 == 0 {
			f = &collections.Folder{Name: fmt.Sprintf("Tag %03d", i/20)}
			c.Items = append(c.Items, f)
		}
		f.Items = append(f.Items, &collections.Request{
			Name: fmt.Sprintf("Operation %04d", i), Method: []string{"GET", "POST", "PUT", "DELETE"}[i%4],
			URL:      fmt.Sprintf("https://{{host}}/api/v1/sites/:site_id/things%d/:thing_id", i),
			PathVars: []collections.Param{{Key: "site_id", Value: "{{site_id}}"}, {Key: "thing_id"}},
		})
	}
	return c
}

// BenchmarkFirstFrame measures building the workbench on a 1,000-request
// collection until its first frame is on the (simulated) screen.
func BenchmarkFirstFrame(b *testing.B) {
	for _, open := range []string{"", "Tag 000/Operation 0001"} {
		name := "tree-only"
		if open != "" {
			name = "request-open"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				c := bigCollection(1000)
				b.StartTimer()
				drawFirstFrame(b, c, open)
			}
		})
	}
}

// drawFirstFrame builds the workbench on c (with the request open
// opened) and runs it until its first frame is drawn; the timer stops
// while it shuts down and starts again before returning.
func drawFirstFrame(b *testing.B, c *collections.Collection, open string) {
	sim := tcell.NewSimulationScreen("UTF-8")
	drawn := make(chan struct{}, 1)
	w, err := New(Config{Collection: c, Env: "Local", Screen: sim, Open: open})
	if err != nil {
		b.Fatal(err)
	}
	sim.SetSize(120, 40)
	w.app.SetAfterDrawFunc(func(tcell.Screen) {
		select {
		case drawn <- struct{}{}:
		default:
		}
	})
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	<-drawn
	b.StopTimer()
	w.app.Stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
}

// BenchmarkKeypressToFrame measures one key in the tree of a 1,000-request
// collection (folders open), from queueing it to the frame after it.
func BenchmarkKeypressToFrame(b *testing.B) {
	c := bigCollection(1000)
	sim := tcell.NewSimulationScreen("UTF-8")
	w, err := New(Config{Collection: c, Env: "Local", Screen: sim, Open: "Tag 010/Operation 0200"})
	if err != nil {
		b.Fatal(err)
	}
	sim.SetSize(120, 40)
	handled := make(chan struct{}, 1)
	w.onSentinel = func() { handled <- struct{}{} }
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	defer func() {
		w.app.Stop()
		<-done
	}()
	w.app.QueueEvent(tcell.NewEventKey(tcell.KeyF1+2, 0, tcell.ModNone)) // warm up (unbound)
	w.app.QueueEvent(tcell.NewEventKey(tcell.KeyRune, '1', tcell.ModAlt))
	w.app.QueueEvent(tcell.NewEventKey(sentinelKey, 0, tcell.ModNone))
	<-handled
	keys := []tcell.Key{tcell.KeyDown, tcell.KeyUp}
	i := 0
	for b.Loop() {
		w.app.QueueEvent(tcell.NewEventKey(keys[i%2], 0, tcell.ModNone))
		w.app.QueueEvent(tcell.NewEventKey(sentinelKey, 0, tcell.ModNone))
		<-handled
		i++
	}
}

// BenchmarkRenderBody renders a JSON body at the highlight threshold (the
// slowest body that gets colours) and one above it (shown plain). It runs
// off the UI goroutine; this is how long the colours take to appear.
func BenchmarkRenderBody(b *testing.B) {
	for _, size := range []int{highlightLimit - 1<<10, 4 * highlightLimit} {
		var sb strings.Builder
		sb.WriteString("[")
		for sb.Len() < size {
			fmt.Fprintf(&sb, `{"id":"%08d","ssid":"Lab-%d","enabled":true,"vlan_id":%d},`, sb.Len(), sb.Len(), sb.Len()%4094)
		}
		sb.WriteString(`{}]`)
		body := []byte(sb.String())
		b.Run(humanSize(int64(len(body))), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				RenderBody("application/json", body)
			}
		})
	}
}

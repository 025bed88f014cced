package send

import (
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// Timing breaks a request's time down, for the last hop when redirects
// were followed (Total covers them all). Stages that did not happen (DNS
// for an IP address, connect and TLS on a reused connection) are zero.
type Timing struct {
	DNS      time.Duration
	Connect  time.Duration
	TLS      time.Duration
	Wait     time.Duration // request written to first response byte: the server's time
	TTFB     time.Duration // start of the hop to first response byte
	Transfer time.Duration // first byte to the end of the body
	Total    time.Duration
	Reused   bool // the connection was reused
}

// tracer collects httptrace events. The transport may call them from
// other goroutines (a dial races the request), hence the lock.
type tracer struct {
	mu sync.Mutex
	hop
}

// hop holds the events of one request of a redirect chain.
type hop struct {
	start                 time.Time
	dnsStart, dnsDone     time.Time
	connStart, connDone   time.Time
	tlsStart, tlsDone     time.Time
	wrote, firstByte, end time.Time
	reused                bool
	sent                  []collections.Header // header fields as written, in order
}

func newTracer() *tracer { return &tracer{hop: hop{start: time.Now()}} }

func (t *tracer) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.hop = hop{start: time.Now()}
}

func (t *tracer) set(p *time.Time) {
	t.mu.Lock()
	if p.IsZero() {
		*p = time.Now()
	}
	t.mu.Unlock()
}

func (t *tracer) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) {
			t.mu.Lock()
			t.reused = i.Reused
			t.mu.Unlock()
		},
		DNSStart:          func(httptrace.DNSStartInfo) { t.set(&t.dnsStart) },
		DNSDone:           func(httptrace.DNSDoneInfo) { t.set(&t.dnsDone) },
		ConnectStart:      func(string, string) { t.set(&t.connStart) },
		ConnectDone:       func(string, string, error) { t.set(&t.connDone) },
		TLSHandshakeStart: func() { t.set(&t.tlsStart) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { t.set(&t.tlsDone) },
		WroteRequest:      func(httptrace.WroteRequestInfo) { t.set(&t.wrote) },
		WroteHeaderField: func(k string, vs []string) {
			t.mu.Lock()
			for _, v := range vs {
				t.sent = append(t.sent, collections.Header{Name: k, Value: v})
			}
			t.mu.Unlock()
		},
		GotFirstResponseByte: func() { t.set(&t.firstByte) },
	}
}

func (t *tracer) bodyDone() { t.set(&t.end) }

// sentHeaders are the header fields written for the last hop.
func (t *tracer) sentHeaders() []collections.Header {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]collections.Header(nil), t.sent...)
}

func span(a, b time.Time) time.Duration {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return 0
	}
	return b.Sub(a)
}

func (t *tracer) timing() Timing {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Timing{
		DNS:      span(t.dnsStart, t.dnsDone),
		Connect:  span(t.connStart, t.connDone),
		TLS:      span(t.tlsStart, t.tlsDone),
		Wait:     span(t.wrote, t.firstByte),
		TTFB:     span(t.start, t.firstByte),
		Transfer: span(t.firstByte, t.end),
		Reused:   t.reused,
	}
}

// Package send is mistbench's HTTP engine: it puts a resolved request on
// the wire exactly as resolved, and reports the answer (status, headers,
// body, timing) to the command line, the workbench and code generation tests.
//
// It knows nothing of terminals. Every stage runs under the caller's
// context: cancelling it (Esc in the workbench) stops a send promptly, in
// DNS, connect, TLS, while waiting for the answer, or in the middle of the
// body.
//
// Using it: New(Options) once per collection and environment (the cookie
// jar is the Mist login session), then Do or DoWith per request; Close the
// Response (it may own a temporary file). ApplyCaptures, StoreCaptures and
// CheckExpect apply a request's capture rules and checks to the answer.
// MaskSecrets keeps secret values out of anything shown or logged.
//
// Header order: requests go out through net/http, which writes HTTP/1.1
// header names sorted and lower-cases them for HTTP/2. Repeated names keep
// their order. We keep net/http rather than hand-write a request writer:
// the order of distinct field names carries no meaning in HTTP (RFC 9110
// section 5.3), and net/http gives proxies, HTTP/2, TLS and connection
// reuse that a private writer would have to redo.
package send

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// Defaults for Options left at zero.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMemoryLimit = 4 << 20 // a larger body goes to a temporary file
	DefaultHeadLimit   = 1 << 20 // what a spooled body keeps in memory
	DefaultMaxPages    = 1000
	DefaultUserAgent   = "mistbench/1"
)

// Options configure an Engine.
type Options struct {
	// Timeout bounds the wait for the response headers and every stall of
	// the body (not the whole transfer, so a large download that keeps
	// moving is not cut). A request's own timeout replaces it.
	Timeout time.Duration
	// RootCAs are the trusted roots; nil means the system's.
	RootCAs *x509.CertPool
	// Session holds the cookies (and so the Mist login session) of one
	// collection and environment. Nil gives the engine an in-memory jar.
	Session *Session
	// MemoryLimit is the largest body kept wholly in memory.
	MemoryLimit int64
	// HeadLimit is how much of a larger body stays in memory for display.
	HeadLimit int
	// TempDir holds spooled bodies ("" is os.TempDir()).
	TempDir string
	// UserAgent is sent when the request sets none.
	UserAgent string
	// TwoFactor asks the user for a one-time code when a Mist login needs
	// one and the auth gives none. Nil: such a login fails with a message.
	TwoFactor func(ctx context.Context) (string, error)
	// Retry429 retries answers of 429 Too Many Requests. Zero: no retry.
	Retry429 RetryPolicy
	// MaxPages caps "all pages" (0: DefaultMaxPages).
	MaxPages int
	// Proxy picks the proxy of a request; nil means http.ProxyFromEnvironment
	// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).
	Proxy func(*http.Request) (*url.URL, error)
}

// Engine sends requests. It is safe for concurrent use; connections are
// reused across calls.
type Engine struct {
	opts Options
	jar  http.CookieJar

	mu         sync.Mutex
	transports map[bool]*http.Transport // by InsecureSkipVerify
}

// New returns an Engine.
func New(opts Options) *Engine {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.HeadLimit <= 0 {
		opts.HeadLimit = DefaultHeadLimit
	}
	if int64(opts.HeadLimit) > opts.MemoryLimit {
		opts.HeadLimit = int(opts.MemoryLimit)
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = DefaultMaxPages
	}
	if opts.Proxy == nil {
		opts.Proxy = http.ProxyFromEnvironment
	}
	e := &Engine{opts: opts, transports: map[bool]*http.Transport{}}
	if opts.Session != nil {
		e.jar = opts.Session
	} else {
		e.jar = newMemoryJar()
	}
	return e
}

// Close releases idle connections.
func (e *Engine) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range e.transports {
		t.CloseIdleConnections()
	}
}

// Jar is the engine's cookie jar.
func (e *Engine) Jar() http.CookieJar { return e.jar }

func (e *Engine) transport(insecure bool) *http.Transport {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.transports[insecure]; t != nil {
		return t
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:       e.opts.Proxy,
		DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{
			RootCAs:            e.opts.RootCAs,
			InsecureSkipVerify: insecure, // only when the collection says so, and it is shown
		},
		ForceAttemptHTTP2:     true, // a custom TLS config turns HTTP/2 off unless asked
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Send exactly the request: no Accept-Encoding of our own. A
		// compressed answer the user asked for is decoded when read.
		DisableCompression: true,
	}
	e.transports[insecure] = t
	return t
}

// CallOptions adjust one call.
type CallOptions struct {
	// Output receives the body as it streams (for -o FILE): nothing is
	// spooled, Head still holds the first part.
	Output io.Writer
	// AllPages sends the request once per page and merges the pages (as
	// Resolved.AllPages does).
	AllPages bool
}

// Do sends r and reads the whole answer. The caller must Close the
// response. When the body fails part-way (a server that closes early,
// bad chunked encoding, a cancel), Do returns the response so far and the
// error.
func (e *Engine) Do(ctx context.Context, r *collections.Resolved) (*Response, error) {
	return e.DoWith(ctx, r, CallOptions{})
}

// DoWith is Do with per-call options.
func (e *Engine) DoWith(ctx context.Context, r *collections.Resolved, co CallOptions) (*Response, error) {
	if r == nil {
		return nil, errors.New("send: no request")
	}
	start := time.Now()
	if r.AllPages || co.AllPages {
		resp, err := e.allPages(ctx, r, co)
		if resp != nil {
			resp.Timing.Total = time.Since(start)
		}
		return resp, err
	}
	resp, err := e.doRetrying(ctx, r, co)
	if resp != nil {
		resp.Timing.Total = time.Since(start)
	}
	return resp, err
}

// doRetrying sends once, and again after a 429 when the policy says so.
func (e *Engine) doRetrying(ctx context.Context, r *collections.Resolved, co CallOptions) (*Response, error) {
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		resp, err := e.doLoggedIn(ctx, r, co)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || attempt >= e.opts.Retry429.Max || co.Output != nil {
			if resp != nil && attempt > 0 {
				resp.Retries = attempt
				resp.Warnings = append(resp.Warnings, fmt.Sprintf("429 Too Many Requests: retried %d time(s), waited %s", attempt, waited.Round(time.Millisecond)))
			}
			return resp, err
		}
		d := e.opts.Retry429.delay(attempt, resp.RateLimit)
		resp.Close()
		if err := sleepCtx(ctx, d); err != nil {
			return nil, fmt.Errorf("waiting %s to retry after 429: %w", d, err)
		}
		waited += d
	}
}

// doLoggedIn runs the Mist login flow when the request needs a session
// and there is none, and logs in again once if the session has expired.
func (e *Engine) doLoggedIn(ctx context.Context, r *collections.Resolved, co CallOptions) (*Response, error) {
	if r.Login == nil {
		return e.doOnce(ctx, r, co)
	}
	u, err := parseURL(r)
	if err != nil {
		return nil, err
	}
	fresh := false
	if !hasSession(e.jar, u) {
		if err := e.login(ctx, r, u); err != nil {
			return nil, err
		}
		fresh = true
	}
	resp, err := e.doOnce(ctx, r, co)
	if err != nil || fresh || resp.StatusCode != http.StatusUnauthorized || co.Output != nil {
		return resp, err
	}
	resp.Close()
	if err := e.login(ctx, r, u); err != nil {
		return nil, err
	}
	return e.doOnce(ctx, r, co)
}

// TimeoutError is returned when the server took longer than the timeout
// to answer or stalled mid-body.
type TimeoutError struct {
	After time.Duration
	Stage string // "waiting for the response", "reading the body"
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s %s", e.After, e.Stage)
}

// Timeout reports true, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }

func parseURL(r *collections.Resolved) (*url.URL, error) {
	u, err := url.Parse(r.URL)
	if err == nil && (u.Scheme == "" || u.Host == "") {
		err = errors.New("not an absolute http(s) URL")
	}
	if err == nil && u.Scheme != "http" && u.Scheme != "https" {
		err = fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	if err != nil {
		if len(r.Unresolved) > 0 {
			return nil, fmt.Errorf("URL %q: %w (unresolved variables: %s)", MaskSecrets(r, r.URL), err, strings.Join(r.Unresolved, ", "))
		}
		return nil, fmt.Errorf("URL %q: %w", MaskSecrets(r, r.URL), err)
	}
	// Send the path as resolved when net/http would escape it differently.
	if raw := rawPath(r.URL); raw != "" && raw != u.EscapedPath() && !strings.ContainsAny(raw, " \t\r\n") {
		u.Opaque = raw
	}
	return u, nil
}

// rawPath is the path of an absolute URL as written.
func rawPath(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return ""
	}
	rest := s[i+3:]
	j := strings.IndexAny(rest, "/?#")
	if j < 0 || rest[j] != '/' {
		return ""
	}
	p := rest[j:]
	if k := strings.IndexAny(p, "?#"); k >= 0 {
		p = p[:k]
	}
	return p
}

// unsafeMethods need X-CSRFToken in a Mist session.
func unsafeMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return false
	}
	return true
}

// buildRequest makes the http.Request for r.
func (e *Engine) buildRequest(ctx context.Context, r *collections.Resolved, u *url.URL) (*http.Request, error) {
	body, err := newRequestBody(r)
	if err != nil {
		return nil, err
	}
	req := &http.Request{
		Method:     r.Method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, len(r.Headers)+2),
		Host:       u.Host,
	}
	req = req.WithContext(ctx)
	if body != nil {
		req.ContentLength = body.length
		req.GetBody = body.open
		rc, err := body.open()
		if err != nil {
			return nil, err
		}
		req.Body = rc
		if body.length == 0 {
			req.Body = http.NoBody
		}
	}
	for _, h := range r.Headers {
		switch {
		case strings.EqualFold(h.Name, "Host"):
			req.Host = h.Value
			continue
		case strings.EqualFold(h.Name, "Content-Type") && body != nil && body.contentType != "":
			continue // the multipart boundary the body was built with
		}
		k := http.CanonicalHeaderKey(h.Name)
		req.Header[k] = append(req.Header[k], h.Value)
	}
	if body != nil && body.contentType != "" {
		req.Header.Set("Content-Type", body.contentType)
	}
	if _, ok := req.Header["User-Agent"]; !ok {
		req.Header.Set("User-Agent", e.opts.UserAgent)
	}
	if unsafeMethod(r.Method) && req.Header.Get("X-Csrftoken") == "" {
		if tok := csrfToken(e.jar, u); tok != "" {
			req.Header.Set("X-CSRFToken", tok)
		}
	}
	return req, nil
}

// doOnce sends r once (following redirects as it says) and reads the answer.
func (e *Engine) doOnce(ctx context.Context, r *collections.Resolved, co CallOptions) (*Response, error) {
	u, err := parseURL(r)
	if err != nil {
		return nil, err
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = e.opts.Timeout
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var reading atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		stage := "waiting for the response"
		if reading.Load() {
			stage = "reading the body"
		}
		cancel(&TimeoutError{After: timeout, Stage: stage})
	})
	defer timer.Stop()

	resp := &Response{Method: r.Method}
	tr := newTracer()
	ctx = httptrace.WithClientTrace(ctx, tr.trace())

	req, err := e.buildRequest(ctx, r, u)
	if err != nil {
		return nil, err
	}
	if r.InsecureSkipVerify && u.Scheme == "https" {
		resp.Warnings = append(resp.Warnings, "TLS certificate verification is OFF for this collection")
	}
	maxRedirects := r.MaxRedirects
	if maxRedirects <= 0 {
		maxRedirects = 10
	}
	client := &http.Client{
		Transport: e.transport(r.InsecureSkipVerify),
		Jar:       e.jar,
		CheckRedirect: func(next *http.Request, via []*http.Request) error {
			if !r.FollowRedirects {
				return http.ErrUseLastResponse
			}
			if len(via) > maxRedirects {
				resp.Warnings = append(resp.Warnings, fmt.Sprintf("stopped after %d redirects (the limit); this is the last answer", maxRedirects))
				return http.ErrUseLastResponse
			}
			from := via[len(via)-1]
			rd := Redirect{From: from.URL.String(), To: next.URL.String()}
			if next.Response != nil {
				rd.Status = next.Response.StatusCode
			}
			resp.Redirects = append(resp.Redirects, rd)
			if _, ok := from.Header["User-Agent"]; ok && next.Header.Get("User-Agent") == "" {
				next.Header.Set("User-Agent", from.Header.Get("User-Agent"))
			}
			if unsafeMethod(next.Method) && next.Header.Get("X-Csrftoken") == "" {
				if tok := csrfToken(e.jar, next.URL); tok != "" {
					next.Header.Set("X-CSRFToken", tok)
				}
			}
			tr.reset()
			return nil
		},
	}
	hr, err := client.Do(req)
	if err != nil {
		var te *TimeoutError
		if cause := context.Cause(ctx); errors.As(cause, &te) {
			return nil, fmt.Errorf("%s %s: %w", r.Method, MaskSecrets(r, r.URL), te)
		}
		return nil, fmt.Errorf("%s %s: %w", r.Method, MaskSecrets(r, r.URL), maskErr(r, unwrapURLError(err)))
	}
	defer hr.Body.Close()
	reading.Store(true)
	timer.Reset(timeout)
	resp.fill(hr)
	if len(resp.Redirects) > 0 {
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("followed %d redirect(s) to %s", len(resp.Redirects), MaskSecrets(r, resp.URL)))
	}
	if len(r.Unresolved) > 0 {
		resp.Warnings = append(resp.Warnings, "unresolved variables: "+strings.Join(r.Unresolved, ", "))
	}
	wire := &countingReader{r: hr.Body}
	length := hr.ContentLength
	body, warn := decodeBody(hr.Header.Get("Content-Encoding"), wire)
	if warn != "" {
		resp.Warnings = append(resp.Warnings, warn)
	}
	if body != wire {
		length = -1 // the decoded size is unknown
	}
	src := &resettingReader{r: body, timer: timer, d: timeout}
	err = e.readBody(resp, src, co.Output, length)
	resp.WireSize = wire.n
	tr.bodyDone()
	resp.Timing = tr.timing()
	resp.SentHeaders = tr.sentHeaders()
	if err != nil {
		var te *TimeoutError
		if cause := context.Cause(ctx); errors.As(cause, &te) {
			err = te
		}
		return resp, fmt.Errorf("%s %s: reading the body after %d bytes: %w", r.Method, MaskSecrets(r, r.URL), resp.Size, err)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		resp.RateLimit = parseRateLimit(resp)
	}
	return resp, nil
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// MaskSecrets replaces, in s, the secret values r used (as written and
// as encoded into a URL) by "***", and a URL's password by "xxxxx": for
// messages and logs, which must not carry credentials.
func MaskSecrets(r *collections.Resolved, s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			s = u.Redacted()
		}
	}
	for _, v := range r.SecretValues {
		if v == "" {
			continue
		}
		s = strings.ReplaceAll(s, v, "***")
		if e := url.QueryEscape(v); e != v {
			s = strings.ReplaceAll(s, e, "***")
		}
		if e := collections.EscapeQuery(v); e != v {
			s = strings.ReplaceAll(s, e, "***")
		}
	}
	return s
}

// maskedError keeps the chain of err (errors.Is/As still work) while its
// text has the secrets masked.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

func maskErr(r *collections.Resolved, err error) error {
	if len(r.SecretValues) == 0 {
		return err
	}
	if m := MaskSecrets(r, err.Error()); m != err.Error() {
		return &maskedError{msg: m, err: err}
	}
	return err
}

// resettingReader restarts the stall timer whenever bytes arrive.
type resettingReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (rr *resettingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if n > 0 {
		rr.timer.Reset(rr.d)
	}
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

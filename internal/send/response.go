package send

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/tls"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/mistbench/mistbench/collections"
)

// Response is what came back.
type Response struct {
	Method     string
	URL        string // the final URL, after redirects
	StatusCode int
	StatusText string // "OK"
	Proto      string // "HTTP/1.1", "HTTP/2.0"
	// Headers sorted by name (net/http keeps no arrival order across
	// names); the values of a repeated name in the order they came.
	Headers []collections.Header

	// Size is the body's length after content decoding; WireSize what
	// crossed the network.
	Size     int64
	WireSize int64
	// Head is the body's first part (all of it unless Truncated).
	Head      []byte
	Truncated bool
	// BodyPath is the temporary file holding the whole body, when it was
	// larger than the memory limit. Close removes it.
	BodyPath string
	// Streamed is set when the body went to CallOptions.Output: Open then
	// fails (only Head is kept).
	Streamed bool

	Timing Timing
	// SentHeaders are the request's header fields as they went on the
	// wire (last hop), in order: the user's plus what the engine added
	// (User-Agent, Cookie, X-CSRFToken, Content-Length). They hold
	// credentials: show them masked, never record them.
	SentHeaders []collections.Header
	Redirects   []Redirect
	// Warnings the user must see: verification off, redirects capped,
	// unresolved variables, an encoding that could not be decoded.
	Warnings []string
	// TLS describes the connection, nil for plain HTTP.
	TLS *TLSInfo
	// RateLimit is set on a 429 answer.
	RateLimit *RateLimit
	// Retries counts 429 retries; Pages the pages merged ("all pages").
	Retries int
	Pages   int
}

// Redirect is one redirect followed.
type Redirect struct {
	Status   int
	From, To string
}

// TLSInfo describes a TLS connection.
type TLSInfo struct {
	Version     string
	CipherSuite string
	ALPN        string
	PeerSubject string // the leaf certificate's subject
	PeerIssuer  string
}

// Status is the status line's code and text: "200 OK".
func (r *Response) Status() string {
	if r.StatusText == "" {
		return fmt.Sprint(r.StatusCode)
	}
	return fmt.Sprintf("%d %s", r.StatusCode, r.StatusText)
}

// Header returns the first value of the named header (case-insensitive).
func (r *Response) Header(name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// HeaderValues returns every value of the named header, in order.
func (r *Response) HeaderValues(name string) []string {
	var out []string
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// IsJSON reports whether the body is JSON by its media type
// (application/json, application/vnd.api+json, any +json).
func (r *Response) IsJSON() bool {
	mt, _, err := mime.ParseMediaType(r.Header("Content-Type"))
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Open returns the whole body.
func (r *Response) Open() (io.ReadCloser, error) {
	switch {
	case r.BodyPath != "":
		return os.Open(r.BodyPath)
	case r.Streamed && r.Truncated:
		return nil, fmt.Errorf("the body (%d bytes) was written to the output, not kept", r.Size)
	}
	return io.NopCloser(bytes.NewReader(r.Head)), nil
}

// Body reads the whole body into memory, refusing one larger than max
// bytes (max <= 0: no limit).
func (r *Response) Body(max int64) ([]byte, error) {
	if !r.Truncated {
		return r.Head, nil
	}
	if max > 0 && r.Size > max {
		return nil, fmt.Errorf("the body is %d bytes, over the %d-byte limit", r.Size, max)
	}
	rc, err := r.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// Close removes the temporary body file, if any. It is safe to call twice
// and on a nil Response.
func (r *Response) Close() error {
	if r == nil || r.BodyPath == "" {
		return nil
	}
	err := os.Remove(r.BodyPath)
	r.BodyPath = ""
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("removing the body file: %w", err)
	}
	return nil
}

func (r *Response) fill(hr *http.Response) {
	r.StatusCode = hr.StatusCode
	r.StatusText = strings.TrimSpace(strings.TrimPrefix(hr.Status, fmt.Sprint(hr.StatusCode)))
	if r.StatusText == "" {
		r.StatusText = http.StatusText(hr.StatusCode)
	}
	r.Proto = hr.Proto
	if hr.Request != nil && hr.Request.URL != nil {
		r.URL = hr.Request.URL.String()
	}
	names := make([]string, 0, len(hr.Header))
	for k := range hr.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range hr.Header[k] {
			r.Headers = append(r.Headers, collections.Header{Name: k, Value: v})
		}
	}
	if hr.TLS != nil {
		r.TLS = tlsInfo(hr.TLS)
	}
}

func tlsInfo(cs *tls.ConnectionState) *TLSInfo {
	ti := &TLSInfo{
		Version:     tls.VersionName(cs.Version),
		CipherSuite: tls.CipherSuiteName(cs.CipherSuite),
		ALPN:        cs.NegotiatedProtocol,
	}
	if len(cs.PeerCertificates) > 0 {
		ti.PeerSubject = cs.PeerCertificates[0].Subject.String()
		ti.PeerIssuer = cs.PeerCertificates[0].Issuer.String()
	}
	return ti
}

// decodeBody returns the reader of the decoded body (src itself when
// there is nothing to decode) and a warning for an encoding it cannot
// decode.
func decodeBody(encoding string, src io.Reader) (io.Reader, string) {
	enc := strings.ToLower(strings.TrimSpace(encoding))
	switch enc {
	case "", "identity":
		return src, ""
	case "gzip", "x-gzip":
		return &lazyGzip{src: src}, ""
	case "deflate":
		return &lazyFlate{src: src}, ""
	}
	return src, fmt.Sprintf("Content-Encoding %q is shown as received (not decoded)", enc)
}

// lazyGzip defers reading the gzip header to the first Read, so an empty
// body (HEAD, 204) is no error.
type lazyGzip struct {
	src io.Reader
	zr  *gzip.Reader
}

func (l *lazyGzip) Read(p []byte) (int, error) {
	if l.zr == nil {
		zr, err := gzip.NewReader(l.src)
		if err != nil {
			if err == io.EOF {
				return 0, io.EOF
			}
			return 0, fmt.Errorf("gzip body: %w", err)
		}
		l.zr = zr
	}
	return l.zr.Read(p)
}

type lazyFlate struct {
	src io.Reader
	fr  io.ReadCloser
}

func (l *lazyFlate) Read(p []byte) (int, error) {
	if l.fr == nil {
		l.fr = flate.NewReader(l.src)
	}
	return l.fr.Read(p)
}

// bufPool holds copy buffers: a request of a run costs no 64 KiB
// allocation.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readBody reads src into resp: wholly into memory up to the memory
// limit, then into a temporary file; or into out when given.
//
// length is the announced Content-Length (-1 unknown): a body announced
// larger than the memory limit goes straight to the file.
func (e *Engine) readBody(resp *Response, src io.Reader, out io.Writer, length int64) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	if out != nil {
		resp.Streamed = true
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if room := e.opts.HeadLimit - len(resp.Head); room > 0 {
					resp.Head = append(resp.Head, buf[:min(n, room)]...)
				}
				resp.Size += int64(n)
				if _, werr := out.Write(buf[:n]); werr != nil {
					return fmt.Errorf("writing the body: %w", werr)
				}
			}
			if err == io.EOF {
				resp.Truncated = resp.Size > int64(len(resp.Head))
				return nil
			}
			if err != nil {
				resp.Truncated = resp.Size > int64(len(resp.Head))
				return err
			}
		}
	}
	var mem []byte
	var file *os.File
	defer func() {
		if file != nil {
			file.Close()
		}
	}()
	spoolNow := length > e.opts.MemoryLimit
	if length > 0 && !spoolNow {
		mem = make([]byte, 0, length)
	}
	for {
		n, err := src.Read(buf)
		if n > 0 {
			resp.Size += int64(n)
			if file == nil && (spoolNow || int64(len(mem)+n) > e.opts.MemoryLimit) {
				f, ferr := os.CreateTemp(e.opts.TempDir, "mistbench-body-*")
				if ferr != nil {
					return fmt.Errorf("spooling the body: %w", ferr)
				}
				file, resp.BodyPath = f, f.Name()
				if _, werr := file.Write(mem); werr != nil {
					return fmt.Errorf("spooling the body: %w", werr)
				}
				resp.Head = append([]byte(nil), mem[:min(len(mem), e.opts.HeadLimit)]...)
				resp.Truncated = true
				mem = nil
			}
			if file != nil {
				if room := e.opts.HeadLimit - len(resp.Head); room > 0 {
					resp.Head = append(resp.Head, buf[:min(n, room)]...)
				}
				if _, werr := file.Write(buf[:n]); werr != nil {
					return fmt.Errorf("spooling the body: %w", werr)
				}
			} else {
				mem = append(mem, buf[:n]...)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if file == nil {
				resp.Head = mem
			}
			return err
		}
	}
	if file == nil {
		resp.Head = mem
		return nil
	}
	if err := file.Close(); err != nil {
		file = nil
		return fmt.Errorf("spooling the body: %w", err)
	}
	file = nil
	return nil
}

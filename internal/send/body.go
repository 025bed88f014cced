package send

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"os"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

// requestBody can be opened more than once (redirects 307/308 and 429
// retries send it again) and knows its length in advance, so even a
// multipart upload of large files goes out with a Content-Length and
// streams its files from disk.
type requestBody struct {
	length      int64
	contentType string // set for multipart: carries the boundary
	segments    []segment
}

// segment is literal bytes or a file's content.
type segment struct {
	data []byte
	file string
	size int64
}

func (b *requestBody) open() (io.ReadCloser, error) {
	readers := make([]io.Reader, 0, len(b.segments))
	for _, s := range b.segments {
		if s.file == "" {
			readers = append(readers, bytes.NewReader(s.data))
		} else {
			readers = append(readers, &lazyFile{path: s.file, size: s.size})
		}
	}
	return &multiCloser{Reader: io.MultiReader(readers...), readers: readers}, nil
}

// lazyFile opens its file on first read, so an upload of many files holds
// one descriptor at a time, and checks the size did not change since the
// Content-Length was computed.
type lazyFile struct {
	path string
	size int64
	f    *os.File
	n    int64
	done bool
}

func (l *lazyFile) Read(p []byte) (int, error) {
	if l.done {
		return 0, io.EOF
	}
	if l.f == nil {
		f, err := os.Open(l.path)
		if err != nil {
			return 0, fmt.Errorf("body file: %w", err)
		}
		l.f = f
	}
	n, err := l.f.Read(p)
	l.n += int64(n)
	if l.n > l.size {
		return n, fmt.Errorf("body file %s grew while being sent", l.path)
	}
	if err == io.EOF {
		l.close()
		if l.n != l.size {
			return n, fmt.Errorf("body file %s shrank while being sent", l.path)
		}
	}
	return n, err
}

func (l *lazyFile) close() {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	l.done = true
}

type multiCloser struct {
	io.Reader
	readers []io.Reader
}

func (m *multiCloser) Close() error {
	for _, r := range m.readers {
		if l, ok := r.(*lazyFile); ok {
			l.close()
		}
	}
	return nil
}

// newRequestBody builds the body of r; nil when it has none.
func newRequestBody(r *collections.Resolved) (*requestBody, error) {
	switch r.Body.Kind {
	case collections.BodyNone:
		if len(r.Body.Bytes) == 0 {
			return nil, nil
		}
		return bytesBody(r.Body.Bytes), nil
	case collections.BodyRaw, collections.BodyJSON, collections.BodyForm:
		return bytesBody(r.Body.Bytes), nil // as resolved: never re-serialised
	case collections.BodyFile:
		st, err := os.Stat(r.Body.File)
		if err != nil {
			return nil, fmt.Errorf("body file: %w", err)
		}
		if st.IsDir() {
			return nil, fmt.Errorf("body file %s: is a directory", r.Body.File)
		}
		return &requestBody{length: st.Size(), segments: []segment{{file: r.Body.File, size: st.Size()}}}, nil
	case collections.BodyMultipart:
		return multipartBody(r)
	}
	return nil, fmt.Errorf("body: unknown kind %q", r.Body.Kind)
}

func bytesBody(b []byte) *requestBody {
	return &requestBody{length: int64(len(b)), segments: []segment{{data: b}}}
}

// segmentWriter records what multipart.Writer writes as literal segments,
// between which file contents are spliced.
type segmentWriter struct {
	segs []segment
	cur  bytes.Buffer
}

func (w *segmentWriter) Write(p []byte) (int, error) { return w.cur.Write(p) }

func (w *segmentWriter) flush() {
	if w.cur.Len() > 0 {
		w.segs = append(w.segs, segment{data: bytes.Clone(w.cur.Bytes())})
		w.cur.Reset()
	}
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

func multipartBody(r *collections.Resolved) (*requestBody, error) {
	sw := &segmentWriter{}
	mw := multipart.NewWriter(sw)
	// A Content-Type the user wrote with a boundary is kept as written.
	userCT := ""
	if ct, ok := r.HeaderValue("Content-Type"); ok {
		if _, params, err := mime.ParseMediaType(ct); err == nil && params["boundary"] != "" {
			if err := mw.SetBoundary(params["boundary"]); err != nil {
				return nil, fmt.Errorf("multipart boundary %q: %w", params["boundary"], err)
			}
			userCT = ct
		}
	}
	if userCT == "" {
		var b [15]byte
		rand.Read(b[:])
		mw.SetBoundary("mistbench" + hex.EncodeToString(b[:]))
	}
	for _, p := range r.Body.Parts {
		h := textproto.MIMEHeader{}
		if p.File == "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, quoteEscaper.Replace(p.Name)))
			if p.ContentType != "" {
				h.Set("Content-Type", p.ContentType)
			}
			if _, err := mw.CreatePart(h); err != nil {
				return nil, err
			}
			sw.Write([]byte(p.Value))
			continue
		}
		st, err := os.Stat(p.File)
		if err != nil {
			return nil, fmt.Errorf("multipart part %q: %w", p.Name, err)
		}
		if st.IsDir() {
			return nil, fmt.Errorf("multipart part %q: %s is a directory", p.Name, p.File)
		}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(p.Name), quoteEscaper.Replace(p.FileName)))
		ct := p.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		if _, err := mw.CreatePart(h); err != nil {
			return nil, err
		}
		sw.flush()
		sw.segs = append(sw.segs, segment{file: p.File, size: st.Size()})
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	sw.flush()
	if userCT == "" {
		userCT = mw.FormDataContentType()
	}
	b := &requestBody{segments: sw.segs, contentType: userCT}
	for _, s := range b.segments {
		if s.file != "" {
			b.length += s.size
		} else {
			b.length += int64(len(s.data))
		}
	}
	return b, nil
}

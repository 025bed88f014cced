package sandbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Config configures Start.
type Config struct {
	Options
	// Addr to listen on ("127.0.0.1:0" picks a free port).
	Addr string
	// PlainHTTP serves http:// instead of https://.
	PlainHTTP bool
}

// Running is a started sandbox.
type Running struct {
	*Server
	// URL is the base URL, e.g. https://127.0.0.1:8765.
	URL string
	// Host is host:port, what a {{host}} variable holds.
	Host string
	// Cert is the TLS certificate (nil with PlainHTTP).
	Cert *Cert
	// CertPath is a PEM copy of the certificate for curl --cacert,
	// REQUESTS_CA_BUNDLE or SSL_CERT_FILE ("" with PlainHTTP).
	CertPath string

	srv       *http.Server
	tempDir   string
	closeOnce sync.Once
	closeErr  error
	stopped   chan struct{} // closed by Close
	served    chan struct{} // closed when Serve has returned
	serveErr  error
}

// Start listens on cfg.Addr and serves the sandbox until ctx is cancelled
// or Close is called. Without a data directory the certificate's PEM copy
// goes to a temporary directory that Close removes.
func Start(ctx context.Context, cfg Config) (rn *Running, err error) {
	s, err := New(cfg.Options)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.Close() // release the data directory
		}
	}()
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	rn = &Running{Server: s, Host: ln.Addr().String(), stopped: make(chan struct{}), served: make(chan struct{})}
	rn.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		// TLS handshake failures (a client that does not trust the
		// certificate yet) go to the request log, not to stderr.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if s.opts.Log != nil {
		rn.srv.ErrorLog = log.New(s.opts.Log, "sandbox: ", log.Ltime)
	}
	scheme := "http"
	if !cfg.PlainHTTP {
		scheme = "https"
		if rn.Cert, err = LoadOrCreateCert(cfg.DataDir, time.Now()); err != nil {
			ln.Close()
			return nil, err
		}
		if cfg.DataDir != "" {
			rn.CertPath = filepath.Join(cfg.DataDir, CertFile)
		} else {
			if rn.tempDir, err = os.MkdirTemp("", "mistbench-sandbox-"); err != nil {
				ln.Close()
				return nil, fmt.Errorf("sandbox: %w", err)
			}
			rn.CertPath = filepath.Join(rn.tempDir, CertFile)
			if err := os.WriteFile(rn.CertPath, rn.Cert.PEM, 0o644); err != nil {
				ln.Close()
				os.RemoveAll(rn.tempDir)
				return nil, fmt.Errorf("sandbox: %w", err)
			}
		}
		rn.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{rn.Cert.TLS}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, rn.srv.TLSConfig)
	}
	rn.URL = scheme + "://" + rn.Host
	go func() {
		err := rn.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		rn.serveErr = err
		close(rn.served)
	}()
	go func() {
		select {
		case <-ctx.Done():
			rn.Close()
		case <-rn.stopped:
		}
	}()
	return rn, nil
}

// Close stops the server, waiting up to 5 s for requests in flight, and
// removes the temporary certificate copy. It may be called more than once.
func (rn *Running) Close() error {
	rn.closeOnce.Do(func() {
		close(rn.stopped)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rn.closeErr = rn.srv.Shutdown(ctx)
		<-rn.served
		rn.Server.Close()
		if rn.tempDir != "" {
			os.RemoveAll(rn.tempDir)
		}
	})
	return rn.closeErr
}

// Done is closed once the server has stopped (Close, or ctx cancelled).
func (rn *Running) Done() <-chan struct{} { return rn.served }

// Wait blocks until the server has stopped and cleaned up, and returns
// why it stopped (nil after Close or cancellation).
func (rn *Running) Wait() error {
	<-rn.served
	rn.Close()
	return rn.serveErr
}

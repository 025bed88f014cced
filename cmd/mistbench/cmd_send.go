package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/internal/send"
	"github.com/mistbench/mistbench/internal/termsafe"
)

// send, run and history: the headless commands scripts and CI use.

// sendFlags are the flags send and run share.
type sendFlags struct {
	env       string
	vars      []string
	strict    bool
	cacert    string
	timeout   time.Duration
	noHistory bool
}

func (f *sendFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.env, "env", "e", "", "environment: a name of the collection's or a Postman environment file")
	fl.StringArrayVar(&f.vars, "var", nil, "set a variable, k=v (repeatable; wins over the environment)")
	fl.BoolVar(&f.strict, "strict", false, "fail when a {{variable}} or :path variable is left unresolved")
	fl.StringVar(&f.cacert, "cacert", "", "also trust the certificates of this PEM file (the sandbox's, say)")
	fl.DurationVar(&f.timeout, "timeout", 0, "wait at most this long for an answer or a stalled body (default 30s; a request's own setting wins)")
	fl.BoolVar(&f.noHistory, "no-history", false, "do not record the request in your history")
}

// session is what a send or a run works with.
type session struct {
	io        streams
	coll      *collections.Collection
	env       *collections.Environment
	overrides map[string]string
	secrets   *collections.SecretStore
	engine    *send.Engine
	hist      *history.Store
	flags     *sendFlags
}

// openSession opens the collection (only what reqPath needs, when it is
// not "") and the engine.
func openSession(io streams, collPath, reqPath string, f *sendFlags, retry int) (*session, error) {
	overrides := map[string]string{}
	for _, kv := range f.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageErrorf("--var %q: want name=value", kv)
		}
		overrides[strings.TrimSpace(k)] = v
	}
	c, err := openCollectionFor(collPath, reqPath)
	if err != nil {
		return nil, err
	}
	reportProblems(io, c)
	env, err := openEnvironment(c, f.env)
	if err != nil {
		return nil, err
	}
	s := &session{io: io, coll: c, env: env, overrides: overrides, flags: f}
	if s.secrets, err = collections.DefaultSecretStore(); err != nil {
		return nil, err
	}
	userDir, err := collections.UserDir()
	if err != nil {
		return nil, err
	}
	opts := send.Options{Timeout: f.timeout, TwoFactor: promptTwoFactor(io)}
	if f.cacert != "" {
		pem, err := os.ReadFile(f.cacert)
		if err != nil {
			return nil, usageErrorf("--cacert: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usageErrorf("--cacert %s: no PEM certificate in it", f.cacert)
		}
		opts.RootCAs = pool
	}
	if retry > 0 {
		opts.Retry429 = send.RetryPolicy{Max: retry}
	}
	envName := ""
	if env != nil {
		envName = env.Name
	}
	collID := c.ID
	if collID == "" {
		collID = c.Name
	}
	if opts.Session, err = send.OpenSession(send.SessionPath(userDir, collID, envName)); err != nil {
		return nil, err
	}
	s.engine = send.New(opts)
	if !f.noHistory {
		if s.hist, err = history.Open(userDir); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// promptTwoFactor reads a Mist two-factor code from standard input.
func promptTwoFactor(st streams) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		if st.In == nil {
			return "", errors.New("no input to read a code from")
		}
		fmt.Fprint(st.Err, "Mist two-factor code: ")
		line, err := bufio.NewReader(st.In).ReadString('\n')
		if strings.TrimSpace(line) == "" {
			if err == nil || errors.Is(err, io.EOF) {
				err = errors.New("no code given on standard input")
			}
			return "", err
		}
		return strings.TrimSpace(line), nil
	}
}

// resolve resolves req for the wire, warning about what stays unresolved.
func (s *session) resolve(req *collections.Request, path []*collections.Folder) (*collections.Resolved, error) {
	r, err := s.coll.Resolve(req, path, collections.Scope{
		Overrides: s.overrides, Env: s.env, Secrets: s.secrets, Strict: s.flags.strict,
	})
	var ue *collections.UnresolvedError
	if errors.As(err, &ue) {
		return nil, usageErrorf("%s: %w (set them with --var name=value or in the environment)", collections.RequestPath(path, req), err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", collections.RequestPath(path, req), err)
	}
	if len(r.Unresolved) > 0 {
		s.warnf("%s: unresolved variables: %s (sent as written; --strict makes this an error)", collections.RequestPath(path, req), strings.Join(r.Unresolved, ", "))
	}
	return r, nil
}

func (s *session) warnf(format string, args ...any) {
	fmt.Fprintln(s.io.Err, "mistbench: warning: "+termsafe.Line(fmt.Sprintf(format, args...)))
}

// afterResponse applies captures and records history; it returns the
// capture problems (the caller decides what they cost).
func (s *session) afterResponse(ctx context.Context, req *collections.Request, path []*collections.Folder, r *collections.Resolved, resp *send.Response, sendErr error) (captured []send.Captured, capErr error, changed bool) {
	var secretVals []string
	if resp != nil && sendErr == nil && len(req.Captures) > 0 {
		captured, capErr = send.ApplyCaptures(ctx, resp, req.Captures)
		res, err := send.StoreCaptures(s.coll, s.env, path, captured, s.secrets)
		capErr = errors.Join(capErr, err)
		secretVals = res.SecretValues
		changed = res.EnvChanged || res.CollectionChanged
	}
	if s.hist != nil {
		envName := ""
		if s.env != nil {
			envName = s.env.Name
		}
		e := history.Record(r, resp, sendErr, history.Meta{
			Collection: s.coll.Name, CollectionDir: s.coll.Dir, Request: collections.RequestPath(path, req),
			Env: envName, ExtraSecrets: secretVals,
		})
		if err := s.hist.Append(e); err != nil {
			s.warnf("%v", err)
		}
	}
	return captured, capErr, changed
}

// persist saves captured values that belong in the collection's files.
func (s *session) persist() {
	if s.coll.Dir == "" {
		return
	}
	if _, err := os.Stat(filepath.Join(s.coll.Dir, "collection.yaml")); err != nil {
		s.warnf("captured values are not saved: %s is not a mistbench collection directory", s.coll.Dir)
		return
	}
	if err := s.coll.Save(collections.SaveOptions{}); err != nil {
		s.warnf("saving captured values: %v", err)
	}
}

type sendCmdFlags struct {
	sendFlags
	output   string
	include  bool
	verbose  bool
	failOn   string
	allPages bool
	raw      bool
}

func newSendCmd(io streams) *cobra.Command {
	f := &sendCmdFlags{}
	cmd := &cobra.Command{
		Use:   "send COLL REQ",
		Short: "Send one saved request and print the answer",
		Long: `Send the request REQ (its path in the tree, as "mistbench ls" prints it) of
the collection COLL (a collection directory or a Postman v2.1 file) and print
the body: JSON pretty-printed, coloured when stdout is a terminal; with -o the
body is saved to FILE byte for byte. Status line, warnings and errors go to
stderr, so stdout carries only the body.

Secret variables come from your secret store or the environment variable
their definition names, never from the collection's files. Captures of the
request store values into the environment (secrets into the secret store).
Every request is recorded, with credentials redacted, in your history
("mistbench history").

Exit status: 0 for a 2xx or 3xx answer, 1 otherwise (--fail-on changes which
statuses fail) or when the request could not be sent, 2 for bad usage.`,
		Example: `  mistbench send ./mist "Auth/Who am I" -e "Global 01"
  mistbench send ./mist "WLANs/Get WLAN" -e "EMEA 01" --var wlan_id=6f4bf402-45f9-4a0a-9c4c-000000000001 -i
  mistbench send ./mist "Sites/List org sites" -e "Global 01" --all-pages | jq length
  mistbench send ./mist "WLANs/List site WLANs" -e "Global 01" -o wlans.json --fail-on 5xx
  mistbench send mist.postman_collection.json "Sites/Get site" -e mist.postman_env.json`,
		Args:              exactArgs(2),
		ValidArgsFunction: completeCollectionThenRequest,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSend(cmd.Context(), io, args[0], args[1], f)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "save the body to FILE as received (nothing printed)")
	fl.BoolVarP(&f.include, "include", "i", false, "print the status line and headers before the body")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print the request as sent (credentials masked), the timing breakdown, redirects and TLS details on stderr")
	fl.StringVar(&f.failOn, "fail-on", "", `statuses that exit 1: codes, classes and ranges such as "4xx,5xx", "404", "500-599", or "none" (default: all but 2xx and 3xx)`)
	fl.BoolVar(&f.allPages, "all-pages", false, "follow Mist paging (X-Page-* headers or next) and print one merged JSON array")
	fl.BoolVar(&f.raw, "raw", false, "print the body as received, without pretty-printing")
	return cmd
}

func runSend(ctx context.Context, io streams, collPath, reqPath string, f *sendCmdFlags) error {
	failOn, err := parseFailOn(f.failOn)
	if err != nil {
		return err
	}
	s, err := openSession(io, collPath, reqPath, &f.sendFlags, 0)
	if err != nil {
		return err
	}
	defer s.engine.Close()
	req, path, err := s.coll.Find(reqPath)
	if err != nil {
		return usageErrorf("%w", err)
	}
	r, err := s.resolve(req, path)
	if err != nil {
		return err
	}
	co := send.CallOptions{AllPages: f.allPages}
	var out *os.File
	if f.output != "" {
		if out, err = os.Create(f.output); err != nil {
			return err
		}
		defer out.Close()
		co.Output = out
	}
	resp, sendErr := s.engine.DoWith(ctx, r, co)
	defer resp.Close()
	_, capErr, changed := s.afterResponse(ctx, req, path, r, resp, sendErr)
	if changed {
		s.persist()
	}
	if resp != nil {
		for _, w := range resp.Warnings {
			s.warnf("%s", w)
		}
		if resp.RateLimit != nil {
			fmt.Fprintln(io.Err, "mistbench:", termsafe.Line(resp.RateLimit.String()))
		}
		if f.verbose {
			printVerbose(io.Err, r, resp)
		}
		if f.include {
			printHead(io.Out, resp)
		}
		if out == nil && sendErr == nil {
			if err := printBody(io.Out, resp, !f.raw, isTerminal(io.Out)); err != nil {
				return err
			}
		}
	}
	if out != nil {
		if err := out.Close(); err != nil && sendErr == nil {
			sendErr = fmt.Errorf("writing %s: %w", f.output, err)
		}
		if resp == nil {
			os.Remove(f.output) // nothing came back: leave no empty file behind
		}
	}
	if capErr != nil {
		s.warnf("%v", capErr)
	}
	if sendErr != nil {
		return failedError(safeErr(sendErr))
	}
	if failOn(resp.StatusCode) {
		if !f.include {
			fmt.Fprintf(io.Err, "mistbench: %s %s: %s\n", r.Method, termsafe.Line(redactedURL(r)), termsafe.Line(resp.Status()))
		}
		return failedError(errors.New(""))
	}
	return nil
}

// safeError shows an error whose text may carry what a server sent (a
// login's "detail") without passing control sequences to the terminal.
type safeError struct{ err error }

func (e *safeError) Error() string { return termsafe.Line(e.err.Error()) }
func (e *safeError) Unwrap() error { return e.err }

func safeErr(err error) error {
	if err == nil || termsafe.Safe([]byte(err.Error())) && !strings.ContainsAny(err.Error(), "\n\t") {
		return err
	}
	return &safeError{err}
}

// redactedURL is the request's URL with secret values masked, for messages.
func redactedURL(r *collections.Resolved) string { return send.MaskSecrets(r, r.URL) }

// parseFailOn turns a --fail-on list into a predicate.
func parseFailOn(spec string) (func(int) bool, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return func(code int) bool { return code < 200 || code > 399 }, nil
	}
	if spec == "none" {
		return func(int) bool { return false }, nil
	}
	type span struct{ lo, hi int }
	var spans []span
	for _, part := range strings.Split(spec, ",") {
		p := strings.ToLower(strings.TrimSpace(part))
		switch {
		case len(p) == 3 && strings.HasSuffix(p, "xx") && p[0] >= '1' && p[0] <= '5':
			d := int(p[0]-'0') * 100
			spans = append(spans, span{d, d + 99})
		case strings.Contains(p, "-"):
			a, b, _ := strings.Cut(p, "-")
			lo, err1 := strconv.Atoi(a)
			hi, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || lo > hi {
				return nil, usageErrorf("--fail-on %q: bad range %q", spec, part)
			}
			spans = append(spans, span{lo, hi})
		default:
			n, err := strconv.Atoi(p)
			if err != nil || n < 100 || n > 999 {
				return nil, usageErrorf("--fail-on %q: %q is not a status, a class (4xx) or a range (500-599)", spec, part)
			}
			spans = append(spans, span{n, n})
		}
	}
	return func(code int) bool {
		for _, s := range spans {
			if code >= s.lo && code <= s.hi {
				return true
			}
		}
		return false
	}, nil
}

// printHead prints the status line and headers, as curl -i does.
func printHead(w io.Writer, resp *send.Response) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, termsafe.Line(resp.Status()))
	for _, h := range resp.Headers {
		fmt.Fprintf(&b, "%s: %s\n", termsafe.Line(h.Name), termsafe.Line(h.Value))
	}
	b.WriteByte('\n')
	w.Write(b.Bytes())
}

func printVerbose(w io.Writer, r *collections.Resolved, resp *send.Response) {
	fmt.Fprintf(w, "> %s %s\n", r.Method, termsafe.Line(send.MaskSecrets(r, resp.URL)))
	for _, h := range resp.SentHeaders {
		v := send.MaskSecrets(r, h.Value)
		if history.CredentialHeader(h.Name) {
			v = "***"
		}
		fmt.Fprintf(w, "> %s: %s\n", termsafe.Line(h.Name), termsafe.Line(v))
	}
	t := resp.Timing
	fmt.Fprintf(w, "* %s %s  %s  %d bytes (%d on the wire)\n", resp.Proto, termsafe.Line(resp.Status()), t.Total.Round(time.Microsecond), resp.Size, resp.WireSize)
	fmt.Fprintf(w, "* dns %s  connect %s  tls %s  ttfb %s  transfer %s  reused %v\n",
		t.DNS.Round(time.Microsecond), t.Connect.Round(time.Microsecond), t.TLS.Round(time.Microsecond),
		t.TTFB.Round(time.Microsecond), t.Transfer.Round(time.Microsecond), t.Reused)
	for _, rd := range resp.Redirects {
		fmt.Fprintf(w, "* redirect %d %s -> %s\n", rd.Status, termsafe.Line(send.MaskSecrets(r, rd.From)), termsafe.Line(send.MaskSecrets(r, rd.To)))
	}
	if resp.TLS != nil {
		fmt.Fprintf(w, "* %s %s alpn %q; server %s, issuer %s\n", resp.TLS.Version, resp.TLS.CipherSuite, resp.TLS.ALPN, termsafe.Line(resp.TLS.PeerSubject), termsafe.Line(resp.TLS.PeerIssuer))
	}
	if resp.Pages > 1 {
		fmt.Fprintf(w, "* %d pages merged\n", resp.Pages)
	}
}

// maxPretty is the largest JSON body pretty-printed; a larger one is
// printed as received.
const maxPretty = 64 << 20

// printBody writes the body: pretty JSON (coloured on a terminal), other
// bodies as received. On a terminal nothing passes that could drive it.
func printBody(w io.Writer, resp *send.Response, pretty, tty bool) error {
	if pretty && resp.IsJSON() && resp.Size <= maxPretty {
		body, err := resp.Body(maxPretty)
		if err != nil {
			return err
		}
		var ind bytes.Buffer
		if json.Indent(&ind, body, "", "  ") == nil {
			ind.WriteByte('\n')
			out := ind.Bytes()
			if tty {
				out = termsafe.Bytes(out)
				if os.Getenv("NO_COLOR") == "" {
					out = colorJSON(out)
				}
			}
			_, err := w.Write(out)
			return err
		}
	}
	if tty && looksBinary(resp.Head) {
		// As curl does: binary on a terminal helps nobody.
		fmt.Fprintf(w, "(binary body, %s; save it with -o FILE)\n", humanSize(resp.Size))
		return nil
	}
	rc, err := resp.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	dst := w
	var sw *termsafe.Writer
	if tty {
		sw = termsafe.NewWriter(w)
		dst = sw
	}
	if _, err := io.Copy(dst, rc); err != nil {
		return err
	}
	if sw != nil {
		return sw.Flush()
	}
	return nil
}

// looksBinary reports whether a body's start is not text: a NUL byte, or
// bytes that are not UTF-8 (a sequence cut at the end is fine).
func looksBinary(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 && len(head)-i >= utf8.UTFMax {
			return true
		}
		i += n
	}
	return false
}

// ANSI colours of JSON tokens.
const (
	colKey    = "\x1b[34;1m"
	colString = "\x1b[32m"
	colNumber = "\x1b[36m"
	colLit    = "\x1b[33m"
	colReset  = "\x1b[0m"
)

// colorJSON colours valid, indented JSON. A small scanner does: the
// highlighter library lives in the workbench, whose start-up cost a
// one-shot command should not pay.
func colorJSON(src []byte) []byte {
	out := make([]byte, 0, len(src)+len(src)/4)
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(src))
			k := j
			for k < len(src) && (src[k] == ' ' || src[k] == '\n') {
				k++
			}
			col := colString
			if k < len(src) && src[k] == ':' {
				col = colKey
			}
			out = append(append(append(out, col...), src[i:j]...), colReset...)
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(src) && strings.IndexByte("+-0123456789.eE", src[j]) >= 0 {
				j++
			}
			out = append(append(append(out, colNumber...), src[i:j]...), colReset...)
			i = j
		case c == 't' || c == 'f' || c == 'n':
			j := i
			for j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
				j++
			}
			out = append(append(append(out, colLit...), src[i:j]...), colReset...)
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

package codegen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/format"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

// recorded is one request as the recording server saw it.
type recorded struct {
	Method string
	Target string // the request-target as sent: path and query bytes
	Host   string
	Header http.Header
	Body   []byte
	Parts  []recPart // multipart bodies, parsed
}

type recPart struct {
	Name, FileName, ContentType string
	Content                     []byte
}

// recorder is a server on 127.0.0.1 that keeps every request it gets.
type recorder struct {
	redirect int
	mu       sync.Mutex
	reqs     []recorded
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec := recorded{Method: r.Method, Target: r.RequestURI, Host: r.Host, Header: r.Header.Clone(), Body: body}
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err != nil {
				if err != io.EOF {
					rec.Parts = append(rec.Parts, recPart{Name: "PARSE ERROR: " + err.Error()})
				}
				break
			}
			content, _ := io.ReadAll(part)
			rec.Parts = append(rec.Parts, recPart{Name: part.FormName(), FileName: part.FileName(), ContentType: part.Header.Get("Content-Type"), Content: content})
		}
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, rec)
	rc.mu.Unlock()
	if r.Method == http.MethodPost && r.URL.Path == "/api/v1/login" {
		// A Mist login: the session cookies, as Mist sets them.
		http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: "csrf-token-1", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "session-1", Path: "/", HttpOnly: true})
		io.WriteString(w, `{"email": "me@example.com"}`)
		return
	}
	if rc.redirect != 0 && r.URL.Path != "/landed" {
		w.Header().Set("Location", "/landed")
		w.WriteHeader(rc.redirect)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok": true}`)
}

func (rc *recorder) take() []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.reqs
	rc.reqs = nil
	return out
}

// clientHeaders are added by each client on its own; they are compared
// only when the request sets them.
var clientHeaders = []string{"User-Agent", "Accept", "Accept-Encoding"}

// alwaysIgnored headers depend on how a client frames the body.
var alwaysIgnored = []string{"Connection", "Content-Length", "Transfer-Encoding", "Expect"}

// diffRequests lists how got differs from want. userSet names the headers
// the request sets itself.
func diffRequests(want, got recorded, userSet map[string]bool, redirected, ownBoundary bool) []string {
	var d []string
	if want.Method != got.Method {
		d = append(d, fmt.Sprintf("method: want %q, got %q", want.Method, got.Method))
	}
	if want.Target != got.Target {
		d = append(d, fmt.Sprintf("request-target:\n want %q\n got  %q", want.Target, got.Target))
	}
	if want.Host != got.Host {
		d = append(d, fmt.Sprintf("host: want %q, got %q", want.Host, got.Host))
	}
	names := map[string]bool{}
	for k := range want.Header {
		names[k] = true
	}
	for k := range got.Header {
		names[k] = true
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	multipartBody := len(want.Parts) > 0 || len(got.Parts) > 0
	for _, k := range sorted {
		if slices.Contains(alwaysIgnored, k) || slices.Contains(clientHeaders, k) && !userSet[k] ||
			k == "Referer" && redirected && !userSet[k] { // net/http adds one when it follows

			continue
		}
		w, g := want.Header[k], got.Header[k]
		if k == "Cookie" { // the order of cookies is the jar's
			w, g = cookieSet(w), cookieSet(g)
		}
		if k == "Content-Type" && multipartBody && (!userSet[k] || ownBoundary) {
			w, g = mediaTypes(w), mediaTypes(g) // the boundaries differ
		}
		if !slices.Equal(w, g) {
			d = append(d, fmt.Sprintf("header %s: want %q, got %q", k, w, g))
		}
	}
	if cl := got.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(got.Body)) {
		d = append(d, fmt.Sprintf("Content-Length %s but %d body bytes", cl, len(got.Body)))
	}
	if multipartBody {
		if len(want.Parts) != len(got.Parts) {
			d = append(d, fmt.Sprintf("multipart: want %d parts, got %d", len(want.Parts), len(got.Parts)))
		}
		for i := 0; i < len(want.Parts) && i < len(got.Parts); i++ {
			wp, gp := want.Parts[i], got.Parts[i]
			if wp.Name != gp.Name || wp.FileName != gp.FileName || wp.ContentType != gp.ContentType || !bytes.Equal(wp.Content, gp.Content) {
				d = append(d, fmt.Sprintf("multipart part %d:\n want %q %q %q %q\n got  %q %q %q %q", i,
					wp.Name, wp.FileName, wp.ContentType, short(wp.Content), gp.Name, gp.FileName, gp.ContentType, short(gp.Content)))
			}
		}
	} else if want.Target == "/api/v1/login" {
		// The login's JSON is written by each language's encoder.
		var wj, gj map[string]string
		if err := json.Unmarshal(want.Body, &wj); err != nil || json.Unmarshal(got.Body, &gj) != nil || !maps.Equal(wj, gj) {
			d = append(d, fmt.Sprintf("login body:\n want %s\n got  %s", want.Body, got.Body))
		}
	} else if !bytes.Equal(want.Body, got.Body) {
		d = append(d, fmt.Sprintf("body (%d bytes vs %d):\n want %q\n got  %q", len(want.Body), len(got.Body), short(want.Body), short(got.Body)))
	}
	return d
}

func cookieSet(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, strings.Split(v, "; ")...)
	}
	sort.Strings(out)
	return out
}

func mediaTypes(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i], _, _ = mime.ParseMediaType(v)
	}
	return out
}

func short(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// findPython returns a python3 that can import requests.
func findPython(t testing.TB) string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import requests").Run() == nil {
			return py
		}
	}
	t.Fatal("no python3 with the requests library: install it (apt-get install python3-requests; scripts/test does)")
	return ""
}

// snippetEnv is the environment the snippets run in: the secrets, and no
// proxy so that 127.0.0.1 is reached directly.
func snippetEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
			continue
		}
		if strings.HasPrefix(k, "MIST_") {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "NO_PROXY=*", "no_proxy=*"), secretEnv()...)
}

type execCase struct {
	tcase
	srv      *httptest.Server
	rec      *recorder
	resolved *collections.Resolved // reveal mode: what the engine sends
	userSet  map[string]bool
	snippets map[string]string // target -> code
	inline   bool              // secrets written into the snippet
}

// TestSnippetsSendWhatMistbenchSends runs every target's snippet for every
// request of the corpus against a recording server on 127.0.0.1 and
// compares what arrived with what mistbench's engine sends.
func TestSnippetsSendWhatMistbenchSends(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is needed (apt-get install curl; scripts/test does)")
	}
	python := findPython(t)
	dir := t.TempDir()
	writeCorpusFiles(t, dir)

	var cases []*execCase
	requests := 0
	for _, tc := range corpus() {
		requests++
		for _, inline := range []bool{false, true} {
			rec := &recorder{redirect: tc.redirect}
			srv := httptest.NewServer(rec)
			t.Cleanup(srv.Close)
			base := strings.TrimPrefix(srv.URL, "http://")
			c := corpusCollection(base, dir)
			ec := &execCase{tcase: tc, srv: srv, rec: rec, snippets: map[string]string{}, userSet: map[string]bool{}}
			var err error
			ec.resolved, err = c.Resolve(tc.req, nil, collections.Scope{Strict: true})
			if err != nil {
				t.Fatalf("%s: resolve: %v", tc.name, err)
			}
			for _, h := range ec.resolved.Headers {
				ec.userSet[http.CanonicalHeaderKey(h.Name)] = true
			}
			if ct, _ := ec.resolved.HeaderValue("Content-Type"); ec.resolved.Body.Kind == collections.BodyMultipart && !strings.Contains(ct, "boundary=") {
				delete(ec.userSet, "Content-Type") // the sender's boundary, as with none set
			}
			ph, err := c.Resolve(tc.req, nil, collections.Scope{Mode: collections.SecretsPlaceholder, Strict: true})
			if err != nil {
				t.Fatalf("%s: resolve: %v", tc.name, err)
			}
			opts := codegen.Options{SecretEnv: codegen.SecretEnvNames(c, nil, nil)}
			if inline {
				// --inline-secrets: the values are in the snippet, encoded
				// where they sit; the snippet runs without the variables.
				if len(ph.Secrets) == 0 {
					srv.Close()
					continue
				}
				ec.inline = true
				ec.name += "_inline_secrets"
				opts.InlineSecrets, opts.SecretValues = true, secretValues
			}
			for _, tg := range codegen.Targets {
				code, err := tg.Generate(ph, opts)
				if err != nil {
					t.Fatalf("%s: %s: %v", tc.name, tg.Name, err)
				}
				ec.snippets[tg.Name] = code
			}
			cases = append(cases, ec)
		}
	}
	if requests < 40 {
		t.Fatalf("the corpus has %d requests; the issue asks for at least 40", requests)
	}
	built := time.Now()
	goBin := buildGoSnippets(t, cases)
	t.Logf("%d Go snippets built and vetted in %v", len(cases), time.Since(built).Round(time.Millisecond))

	env := snippetEnv()
	envWithoutSecrets := env[:len(env)-len(secretEnv())]
	sem := make(chan struct{}, runtime.GOMAXPROCS(0)+2)

	t.Run("corpus", func(t *testing.T) {
		for i, ec := range cases {
			t.Run(ec.name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()

				// A fresh engine per request: its cookie jar (a login's
				// session) must not reach the other servers on 127.0.0.1.
				engine := send.New(send.Options{Timeout: 30 * time.Second})
				defer engine.Close()
				resp, err := engine.Do(ctx, ec.resolved)
				if err != nil {
					t.Fatalf("engine: %v", err)
				}
				resp.Close()
				want := ec.rec.take()
				if len(want) == 0 {
					t.Fatal("the engine's request did not arrive")
				}

				cdir := t.TempDir()
				runs := []struct {
					target string
					cmd    *exec.Cmd
				}{
					{"curl", exec.CommandContext(ctx, "bash", writeFile(t, cdir, "snippet.sh", ec.snippets["curl"]))},
					{"python", exec.CommandContext(ctx, python, writeFile(t, cdir, "snippet.py", ec.snippets["python"]))},
					{"go", exec.CommandContext(ctx, goBin, strconv.Itoa(i))},
				}
				for _, run := range runs {
					run.cmd.Env = env
					if ec.inline {
						run.cmd.Env = envWithoutSecrets
					}
					run.cmd.Dir = cdir
					var stderr bytes.Buffer
					run.cmd.Stdout = io.Discard
					run.cmd.Stderr = &stderr
					if err := run.cmd.Run(); err != nil {
						t.Errorf("%s snippet failed: %v\n%s\n--- snippet:\n%s", run.target, err, stderr.String(), head(ec.snippets[run.target]))
						ec.rec.take()
						continue
					}
					got := ec.rec.take()
					if len(got) != len(want) {
						t.Errorf("%s: %d requests arrived, the engine sent %d", run.target, len(got), len(want))
						continue
					}
					if run.target == "python" && ec.pythonURLDiffers {
						if !strings.Contains(ec.snippets["python"], "# Note: urllib3 percent-encodes") {
							t.Errorf("the Python snippet does not warn that urllib3 rewrites the URL")
						}
						for k := range got {
							got[k].Target = want[k].Target
						}
					}
					for k := range want {
						if d := diffRequests(want[k], got[k], ec.userSet, k > 0, run.target == "curl" && ec.curlOwnBoundary); len(d) > 0 {
							t.Errorf("%s snippet, request %d differs from mistbench's:\n%s\n--- snippet:\n%s", run.target, k+1, strings.Join(d, "\n"), head(ec.snippets[run.target]))
						}
					}
				}
			})
		}
	})
}

// TestEngineSendsTheResolvedRequest checks the reference itself: what the
// engine sends is the resolved request (method, target, headers, body).
func TestEngineSendsTheResolvedRequest(t *testing.T) {
	dir := t.TempDir()
	writeCorpusFiles(t, dir)
	engine := send.New(send.Options{})
	defer engine.Close()
	for _, tc := range corpus() {
		if tc.redirect != 0 || len(tc.req.Body.Parts) > 0 || tc.req.Body.Kind == collections.BodyFile || tc.req.Auth.Type == collections.AuthMistLogin {
			continue
		}
		rec := &recorder{}
		srv := httptest.NewServer(rec)
		c := corpusCollection(strings.TrimPrefix(srv.URL, "http://"), dir)
		r, err := c.Resolve(tc.req, nil, collections.Scope{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := engine.Do(context.Background(), r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp.Close()
		srv.Close()
		got := rec.take()
		want := recorded{Method: r.Method, Target: strings.TrimPrefix(r.URL, srv.URL), Host: strings.TrimPrefix(srv.URL, "http://"), Header: http.Header{}, Body: r.Body.Bytes}
		userSet := map[string]bool{}
		for _, h := range r.Headers {
			if strings.EqualFold(h.Name, "Host") {
				want.Host = h.Value
				continue
			}
			k := http.CanonicalHeaderKey(h.Name)
			userSet[k] = true
			want.Header[k] = append(want.Header[k], strings.Trim(h.Value, " \t"))
		}
		if len(got) != 1 {
			t.Fatalf("%s: %d requests arrived", tc.name, len(got))
		}
		if d := diffRequests(want, got[0], userSet, false, false); len(d) > 0 {
			t.Errorf("%s: the engine's request differs from the resolved one:\n%s", tc.name, strings.Join(d, "\n"))
		}
	}
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func head(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "\n…"
	}
	return s
}

// buildGoSnippets compiles every Go snippet into one program (one link
// instead of one per snippet), each snippet a file of its own with main
// and run renamed; os.Args[1] picks one. It also checks gofmt and go vet.
func buildGoSnippets(t *testing.T, cases []*execCase) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "go.mod", "module snippets\n\ngo 1.26\n")
	var dispatch strings.Builder
	dispatch.WriteString("package main\n\nimport \"os\"\n\nvar snippets = []func(){\n")
	for i, ec := range cases {
		src := ec.snippets["go"]
		formatted, err := format.Source([]byte(src))
		if err != nil {
			t.Fatalf("%s: the Go snippet does not parse: %v\n%s", ec.name, err, head(src))
		}
		if string(formatted) != src {
			t.Errorf("%s: the Go snippet is not gofmt-clean:\n%s", ec.name, lineDiff(src, string(formatted)))
		}
		n := strconv.Itoa(i)
		renamed := strings.Replace(src, "func main() {", "func main"+n+"() {", 1)
		renamed = strings.Replace(renamed, "err := run(); err != nil", "err := run"+n+"(); err != nil", 1)
		renamed = strings.Replace(renamed, "func run() error {", "func run"+n+"() error {", 1)
		writeFile(t, dir, "snippet"+n+".go", renamed)
		dispatch.WriteString("\tmain" + n + ",\n")
	}
	dispatch.WriteString("}\n\nfunc main() {\n\ti := 0\n\tfor _, c := range os.Args[1] {\n\t\ti = i*10 + int(c-'0')\n\t}\n\tsnippets[i]()\n}\n")
	writeFile(t, dir, "main.go", dispatch.String())
	bin := filepath.Join(dir, "snippets")
	for _, args := range [][]string{{"build", "-o", bin, "."}, {"vet", "."}} {
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local") // default build settings: the standard library is already in the build cache
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s of the Go snippets: %v\n%s", args[0], err, out)
		}
	}
	return bin
}

// lineDiff shows the first lines that differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}

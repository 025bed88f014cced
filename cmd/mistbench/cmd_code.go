package main

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/termsafe"
)

// code: saved requests as curl, Python or Go snippets.

type codeFlags struct {
	lang          string
	env           string
	vars          []string
	inlineSecrets bool
	timeout       time.Duration
	json          bool
	strict        bool
	all           bool
	out           string
}

func newCodeCmd(io streams) *cobra.Command {
	f := &codeFlags{}
	cmd := &cobra.Command{
		Use:   "code [-l LANG[,LANG...]|all] COLL REQ|FOLDER|--all",
		Short: "Print saved requests as curl, Python or Go snippets",
		Long: `Print a saved request as a program that sends exactly that request: a curl
command for bash, Python with the requests library, or a complete Go program
using net/http.

COLL is a collection directory or a Postman v2.1 file; REQ is the request's
path as "mistbench ls" shows it. Variables are substituted. Secret variables
become reads of environment variables (MIST_ and the name in upper case, or
the variable's env setting), named in a comment at the top of the snippet;
--inline-secrets writes their values instead, from your secret store or
their environment variables.

Several at once: -l takes a comma-separated list of languages or "all";
a FOLDER instead of REQ means every request in it, and --all every request
of the collection. Each snippet is then headed by a line
  ==> Folder/Request name.py <==
naming the file it would have with -o DIR, which writes one file per
request and language instead (.sh for curl, .py, .go), in folders that
mirror the collection's, and leaves other files in DIR alone. Each file is
a program of its own: bash "WLANs/Get WLAN.sh", python3 "WLANs/Get WLAN.py",
go run "WLANs/Get WLAN.go".`,
		Example: `  mistbench code -l curl ./mist "WLANs/Get WLAN" -e "Global 01"
  mistbench code -l python ./mist "Auth/Who am I" -e "Global 01" > whoami.py && MIST_APITOKEN=... python3 whoami.py
  mistbench code -l go ./mist "WLANs/Rename SSID" -e "EMEA 01" --var site_id=... --var wlan_id=... > main.go && go run main.go
  mistbench code -l all --all ./mist -e "Global 01" -o ./mist-scripts
  mistbench code -l python,curl ./mist WLANs -e "Global 01"`,
		Args: rangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := ""
			if len(args) == 2 {
				req = args[1]
			} else if !f.all {
				return &flagError{fmt.Errorf("%s takes 2 arguments, COLL and REQ (or a FOLDER), or --all and COLL; see %s --help", cmd.CommandPath(), cmd.CommandPath())}
			}
			return runCode(io, f, args[0], req)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.lang, "lang", "l", "curl", "the language: "+strings.Join(codegen.TargetNames(), ", ")+"; several comma-separated, or all")
	fl.StringVarP(&f.env, "env", "e", "", "environment: a name of the collection's or a Postman environment file")
	fl.StringArrayVar(&f.vars, "var", nil, "set a variable, k=v (repeatable; wins over the environment)")
	fl.BoolVar(&f.inlineSecrets, "inline-secrets", false, "write secret values into the snippet instead of reading environment variables")
	fl.DurationVar(&f.timeout, "timeout", 0, "the snippet's timeout (default: the request's, else 30s)")
	fl.BoolVar(&f.json, "json", false, "Python: pretty-print a JSON response instead of printing the text")
	fl.BoolVar(&f.strict, "strict", false, "fail when a {{variable}} or :path variable is left unresolved")
	fl.BoolVar(&f.all, "all", false, "every request of the collection (or of FOLDER)")
	fl.StringVarP(&f.out, "output", "o", "", "write one file per request and language under this directory instead of printing")
	return cmd
}

// parseLangs reads -l: one name, several comma-separated, or "all".
func parseLangs(s string) ([]codegen.Target, error) {
	var out []codegen.Target
	seen := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "all" {
			for _, t := range codegen.Targets {
				if !seen[t.Name] {
					seen[t.Name] = true
					out = append(out, t)
				}
			}
			continue
		}
		found := false
		for _, t := range codegen.Targets {
			if t.Name == name {
				found = true
				if !seen[name] {
					seen[name] = true
					out = append(out, t)
				}
			}
		}
		if !found {
			return nil, usageErrorf("-l %q: want one of %s (several comma-separated, or all)", s, strings.Join(codegen.TargetNames(), ", "))
		}
	}
	return out, nil
}

// codeJob is one request to write; rel is its file path below -o without
// the extension, slash-separated.
type codeJob struct {
	req     *collections.Request
	path    []*collections.Folder
	reqPath string
	rel     string
}

// codeResult is what the snippets of one job came to.
type codeResult struct {
	snippets   []string // one per language
	unresolved []string
	warnings   []string
	err        error
}

func runCode(io streams, f *codeFlags, collPath, reqPath string) error {
	// A run is short-lived: collecting garbage less often saves a good
	// part of its CPU time on a large collection (500 requests in all
	// languages: about a third less), and the memory limit keeps a huge
	// one in bounds. GOGC and GOMEMLIMIT, when set, win.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20))
	}
	targets, err := parseLangs(f.lang)
	if err != nil {
		return err
	}
	overrides := map[string]string{}
	for _, kv := range f.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return usageErrorf("--var %q: want name=value", kv)
		}
		overrides[strings.TrimSpace(k)] = v
	}
	c, err := openCollectionFor(collPath, reqPath)
	if err != nil {
		return err
	}
	reportProblems(io, c)
	env, err := openEnvironment(c, f.env)
	if err != nil {
		return err
	}
	jobs, err := codeJobs(c, reqPath)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		return usageErrorf("nothing to write: no request in %s", strings.TrimSpace(collPath+" "+reqPath))
	}
	g := &codeGen{c: c, env: env, f: f, targets: targets,
		sc: collections.Scope{Overrides: overrides, Env: env, Mode: collections.SecretsPlaceholder, Strict: f.strict}}
	one := len(jobs) == 1 && len(targets) == 1 && f.out == ""
	if one {
		// One snippet: exactly what it always was, errors and all.
		res := g.generate(jobs[0])
		for _, w := range res.warnings {
			fmt.Fprintln(io.Err, "mistbench: warning: "+w)
		}
		if res.err != nil {
			return res.err
		}
		for _, name := range res.unresolved {
			fmt.Fprintf(io.Err, "mistbench: warning: %s is not set: the snippet keeps it as written\n", name)
		}
		_, err = fmt.Fprint(io.Out, res.snippets[0])
		return err
	}
	return g.writeAll(io, jobs)
}

// codeJobs lists the requests REQ names: the request, else every request
// of the folder, else ("") of the collection. File paths are relative to
// the folder (or collection) named, each name made a file name as Save
// makes it, and kept apart from its siblings' (case does not count).
func codeJobs(c *collections.Collection, reqPath string) ([]codeJob, error) {
	root := c.Items
	var base []*collections.Folder
	if reqPath != "" {
		req, p, err := c.Find(reqPath)
		if err == nil {
			return []codeJob{{req: req, path: p, reqPath: collections.RequestPath(p, req), rel: collections.FileStem(req.Name)}}, nil
		}
		fo, parents, ferr := c.FindFolder(reqPath)
		if ferr != nil {
			return nil, usageErrorf("%w", err)
		}
		root = fo.Items
		base = append(append([]*collections.Folder(nil), parents...), fo)
	}
	var jobs []codeJob
	taken := map[string]bool{} // dir + "/" + lower-case stem
	unique := func(dir, stem string) string {
		name := stem
		for n := 2; taken[strings.ToLower(path.Join(dir, name))]; n++ {
			name = fmt.Sprintf("%s (%d)", stem, n)
		}
		taken[strings.ToLower(path.Join(dir, name))] = true
		return path.Join(dir, name)
	}
	var walk func(dir string, folders []*collections.Folder, items []collections.Item)
	walk = func(dir string, folders []*collections.Folder, items []collections.Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *collections.Request:
				p := append([]*collections.Folder(nil), folders...)
				jobs = append(jobs, codeJob{req: it, path: p, reqPath: collections.RequestPath(p, it), rel: unique(dir, collections.FileStem(it.Name))})
			case *collections.Folder:
				walk(unique(dir, collections.FileStem(it.Name)), append(folders, it), it.Items)
			}
		}
	}
	walk("", base, root)
	return jobs, nil
}

// codeGen writes snippets; generate is safe to call from several
// goroutines (resolving and generating only read the collection).
type codeGen struct {
	c       *collections.Collection
	env     *collections.Environment
	f       *codeFlags
	targets []codegen.Target
	sc      collections.Scope

	// SecretEnvNames by innermost folder: the requests of a folder share it.
	envMu    sync.Mutex
	envNames map[*collections.Folder]map[string]string

	// The secret store, opened when --inline-secrets first needs it.
	storeOnce sync.Once
	store     *collections.SecretStore
	storeErr  error
}

// secretEnv is codegen.SecretEnvNames for the requests at path, made once
// a folder (codegen only reads it).
func (g *codeGen) secretEnv(path []*collections.Folder) map[string]string {
	var key *collections.Folder
	if len(path) > 0 {
		key = path[len(path)-1]
	}
	g.envMu.Lock()
	defer g.envMu.Unlock()
	if m, ok := g.envNames[key]; ok {
		return m
	}
	if g.envNames == nil {
		g.envNames = map[*collections.Folder]map[string]string{}
	}
	m := codegen.SecretEnvNames(g.c, path, g.env)
	g.envNames[key] = m
	return m
}

func (g *codeGen) generate(j codeJob) codeResult {
	var res codeResult
	r, err := g.c.Resolve(j.req, j.path, g.sc)
	if err != nil {
		res.err = err
		return res
	}
	res.unresolved = r.Unresolved
	opts := codegen.Options{
		SecretEnv:       g.secretEnv(j.path),
		Timeout:         g.f.timeout,
		PythonPrintJSON: g.f.json,
	}
	if g.f.inlineSecrets && len(r.Secrets) > 0 {
		g.storeOnce.Do(func() { g.store, g.storeErr = collections.DefaultSecretStore() })
		if g.storeErr != nil {
			res.err = g.storeErr
			return res
		}
		sc := g.sc
		sc.Mode, sc.Secrets = collections.SecretsReveal, g.store
		opts.InlineSecrets = true
		opts.SecretValues = map[string]string{}
		for _, name := range r.Secrets {
			v, ok, err := secretValue(g.c, j.path, sc, name)
			if err != nil {
				res.err = err
				return res
			}
			if !ok {
				res.warnings = append(res.warnings, fmt.Sprintf("secret %s has no value (set it in the workbench or its environment variable); the snippet reads it from the environment", name))
				continue
			}
			opts.SecretValues[name] = v
		}
	}
	res.snippets, res.err = codegen.GenerateEach(r, opts, g.targets)
	return res
}

// writeAll generates the jobs on every core and writes them in order: to
// stdout, each under a "==> file <==" line, or to files under -o.
func (g *codeGen) writeAll(io streams, jobs []codeJob) error {
	results := make([]codeResult, len(jobs))
	done := make([]chan struct{}, len(jobs))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				results[i] = g.generate(jobs[i])
				close(done[i])
			}
		}()
	}
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()

	var out *bufio.Writer
	if g.f.out == "" {
		out = bufio.NewWriterSize(io.Out, 64<<10)
	}
	made := map[string]bool{}
	warned := map[string]bool{}
	warn := func(msg string) {
		if !warned[msg] {
			warned[msg] = true
			fmt.Fprintln(io.Err, "mistbench: warning: "+termsafe.Line(msg))
		}
	}
	failed, files := 0, 0
	for i, j := range jobs {
		<-done[i]
		res := results[i]
		results[i] = codeResult{} // written: let it go
		for _, w := range res.warnings {
			warn(w)
		}
		if res.err != nil {
			failed++
			fmt.Fprintf(io.Err, "mistbench: %s: %s\n", termsafe.Line(j.reqPath), termsafe.Line(res.err.Error()))
			continue
		}
		for _, name := range res.unresolved {
			warn(name + " is not set: the snippets keep it as written")
		}
		for k, t := range g.targets {
			name := j.rel + t.Ext
			if out != nil {
				if files > 0 {
					out.WriteByte('\n')
				}
				out.WriteString("==> ")
				out.WriteString(termsafe.Line(name))
				out.WriteString(" <==\n")
				out.WriteString(res.snippets[k])
				files++
				continue
			}
			file := filepath.Join(g.f.out, filepath.FromSlash(name))
			if dir := filepath.Dir(file); !made[dir] {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return failedError(err)
				}
				made[dir] = true
			}
			if err := os.WriteFile(file, []byte(res.snippets[k]), 0o644); err != nil {
				return failedError(err)
			}
			files++
		}
	}
	if out != nil {
		if err := out.Flush(); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(io.Err, "mistbench: wrote %d files under %s\n", files, termsafe.Line(g.f.out))
	}
	if failed > 0 {
		return failedError(fmt.Errorf("%d of %d requests could not be written (above)", failed, len(jobs)))
	}
	return nil
}

// secretValue resolves one secret variable as a send would: the same
// sources in the same order (overrides, environment, folders, collection;
// env variable, then secret store).
func secretValue(c *collections.Collection, path []*collections.Folder, sc collections.Scope, name string) (string, bool, error) {
	const probe = "X-Mistbench-Secret-Probe"
	req := &collections.Request{URL: "http://probe.invalid/", Auth: collections.Auth{Type: collections.AuthNone},
		Headers: []collections.Param{{Key: probe, Value: "{{" + name + "}}"}}}
	sc.Strict = false
	r, err := c.Resolve(req, path, sc)
	if err != nil {
		return "", false, err
	}
	for _, u := range r.Unresolved {
		if u == name {
			return "", false, nil
		}
	}
	v, _ := r.HeaderValue(probe)
	return v, true, nil
}

package codegen_test

import (
	"flag"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var goldenExt = map[string]string{"curl": ".sh", "python": ".py", "go": ".go"}

// goldenCases are the corpus (but the 100 KB body) with a fixed server
// address and relative file paths, plus option variants.
func goldenCases(t *testing.T) []struct {
	name string
	r    *collections.Resolved
	opts codegen.Options
} {
	c := corpusCollection("127.0.0.1:8080", filepath.Join("testdata", "files"))
	var out []struct {
		name string
		r    *collections.Resolved
		opts codegen.Options
	}
	add := func(name string, req *collections.Request, opts codegen.Options) {
		r, err := c.Resolve(req, nil, collections.Scope{Mode: collections.SecretsPlaceholder, Strict: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		opts.SecretEnv = codegen.SecretEnvNames(c, nil, nil)
		out = append(out, struct {
			name string
			r    *collections.Resolved
			opts codegen.Options
		}{name, r, opts})
	}
	var token *collections.Request
	for _, tc := range corpus() {
		if tc.name == "raw_100kb" {
			continue
		}
		if tc.name == "auth_mist_token" {
			token = tc.req
		}
		add(tc.name, tc.req, codegen.Options{})
	}
	no := false
	add("opts_inline_insecure_json", token, codegen.Options{
		InlineSecrets: true, SecretValues: secretValues, InsecureSkipVerify: true, PythonPrintJSON: true,
		Timeout: 5 * time.Second, FollowRedirects: &no,
	})
	maxRedirs := &collections.Request{URL: "http://{{base}}/r", Settings: collections.RequestSettings{MaxRedirects: 3},
		Auth: collections.Auth{Type: collections.AuthBasic, Username: "{{apikey}}", Password: "{{password}}"}}
	add("opts_max_redirects_basic_both_secret", maxRedirs, codegen.Options{})
	add("opts_inline_basic_both_secret", maxRedirs, codegen.Options{InlineSecrets: true, SecretValues: secretValues})
	return out
}

func TestGolden(t *testing.T) {
	for _, gc := range goldenCases(t) {
		for _, tg := range codegen.Targets {
			code, err := tg.Generate(gc.r, gc.opts)
			if err != nil {
				t.Errorf("%s: %s: %v", gc.name, tg.Name, err)
				continue
			}
			path := filepath.Join("testdata", "golden", gc.name+goldenExt[tg.Name]+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./codegen -run TestGolden -update)", err)
			}
			if string(want) != code {
				t.Errorf("%s: %s differs from %s:\n%s", gc.name, tg.Name, path, lineDiff(code, string(want)))
			}
		}
	}
}

// TestSecretsNeverInline checks that no secret value reaches a snippet
// unless InlineSecrets asks for it, and that the snippet names the
// environment variables to set.
func TestSecretsNeverInline(t *testing.T) {
	for _, gc := range goldenCases(t) {
		for _, tg := range codegen.Targets {
			code, err := tg.Generate(gc.r, gc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for name, v := range secretValues {
				if (strings.Contains(code, v) || strings.Contains(code, v[:7])) && !gc.opts.InlineSecrets {
					t.Errorf("%s: %s: the value of secret %s is in the snippet", gc.name, tg.Name, name)
				}
			}
			for _, s := range gc.r.Secrets {
				env := codegen.DefaultSecretEnv(s)
				if e := gc.opts.SecretEnv[s]; e != "" {
					env = e
				}
				first := strings.SplitN(code, "\n", 2)[0]
				if !gc.opts.InlineSecrets && !strings.Contains(first, env) {
					t.Errorf("%s: %s: the first line does not name %s: %q", gc.name, tg.Name, env, first)
				}
			}
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	bad := []struct {
		name string
		r    *collections.Resolved
		want string
	}{
		{"nil", nil, "no request"},
		{"no url", &collections.Resolved{Method: "GET"}, "no URL"},
		{"method", &collections.Resolved{Method: "GE T", URL: "http://x/"}, "method"},
		{"header name", &collections.Resolved{Method: "GET", URL: "http://x/", Headers: []collections.Header{{Name: "X Y", Value: "v"}}}, `header "X Y"`},
		{"header crlf", &collections.Resolved{Method: "GET", URL: "http://x/", Headers: []collections.Header{{Name: "X", Value: "a\r\nInjected: 1"}}}, "header X"},
		{"url space", &collections.Resolved{Method: "GET", URL: "http://x/a b"}, "URL"},
	}
	for _, b := range bad {
		for _, tg := range codegen.Targets {
			_, err := tg.Generate(b.r, codegen.Options{})
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%s: %s: got %v, want an error naming %q", b.name, tg.Name, err, b.want)
			}
		}
	}
	if _, err := codegen.Generate("cobol", &collections.Resolved{Method: "GET", URL: "http://x/"}, codegen.Options{}); err == nil || !strings.Contains(err.Error(), "curl, python, go") {
		t.Errorf("unknown target: %v", err)
	}
}

func TestDefaultSecretEnv(t *testing.T) {
	for in, want := range map[string]string{"apitoken": "MIST_APITOKEN", "api-token.v2": "MIST_API_TOKEN_V2", "Ünï": "MIST__N_"} {
		if got := codegen.DefaultSecretEnv(in); got != want {
			t.Errorf("DefaultSecretEnv(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGoldenSnippetsParse checks that every golden-case snippet (the option
// variants included, which the execution test does not run) is valid
// bash, Python and Go.
func TestGoldenSnippetsParse(t *testing.T) {
	dir := t.TempDir()
	var pyFiles []string
	for _, gc := range goldenCases(t) {
		for _, tg := range codegen.Targets {
			code, err := tg.Generate(gc.r, gc.opts)
			if err != nil {
				t.Fatal(err)
			}
			switch tg.Name {
			case "curl":
				if out, err := exec.Command("bash", "-n", "-c", code).CombinedOutput(); err != nil {
					t.Errorf("%s: bash -n: %v\n%s", gc.name, err, out)
				}
			case "python":
				pyFiles = append(pyFiles, writeFile(t, dir, gc.name+".py", code))
			case "go":
				if out, err := format.Source([]byte(code)); err != nil || string(out) != code {
					t.Errorf("%s: Go: not gofmt-clean or does not parse: %v", gc.name, err)
				}
			}
		}
	}
	prog := "import sys\nfor f in sys.argv[1:]:\n    compile(open(f, encoding='utf-8').read(), f, 'exec')\n"
	if out, err := exec.Command(findPython(t), append([]string{"-c", prog}, pyFiles...)...).CombinedOutput(); err != nil {
		t.Errorf("python3 compile: %v\n%s", err, out)
	}
}

func TestSecretEnvNamesPrecedence(t *testing.T) {
	c := &collections.Collection{Variables: []collections.Variable{
		{Key: "tok", Secret: true, Env: "COLL_TOK"}, {Key: "pw", Secret: true, Env: "COLL_PW"}, {Key: "plain", Env: "NOT_SECRET"},
	}}
	folder := &collections.Folder{Variables: []collections.Variable{{Key: "tok", Secret: true, Env: "FOLDER_TOK"}}}
	env := &collections.Environment{Variables: []collections.Variable{{Key: "pw", Secret: true, Env: "ENV_PW"}}}
	got := codegen.SecretEnvNames(c, []*collections.Folder{folder}, env)
	want := map[string]string{"tok": "FOLDER_TOK", "pw": "ENV_PW"}
	if len(got) != len(want) || got["tok"] != want["tok"] || got["pw"] != want["pw"] {
		t.Errorf("SecretEnvNames = %v, want %v", got, want)
	}
	// An unusable name falls back to the default.
	r := &collections.Resolved{Method: "GET", URL: "http://h/", Headers: []collections.Header{{Name: "X", Value: collections.SecretPlaceholder("tok")}}}
	code, err := codegen.Curl(r, codegen.Options{SecretEnv: map[string]string{"tok": "not a name"}})
	if err != nil || !strings.Contains(code, `"$MIST_TOK"`) {
		t.Errorf("bad env name: %v\n%s", err, code)
	}
}

// GenerateEach, which prepares a request once for every target, writes
// what each target's Generate writes, in every order of the targets.
func TestGenerateEachIsGenerate(t *testing.T) {
	ts := codegen.Targets
	orders := [][]codegen.Target{ts, {ts[2], ts[1], ts[0]}, {ts[1], ts[1]}, {ts[2]}}
	for _, gc := range goldenCases(t) {
		for _, order := range orders {
			got, err := codegen.GenerateEach(gc.r, gc.opts, order)
			if err != nil {
				t.Fatalf("%s: %v", gc.name, err)
			}
			for i, tg := range order {
				want, _ := tg.Generate(gc.r, gc.opts)
				if got[i] != want {
					t.Errorf("%s: %s: GenerateEach differs:\n%s", gc.name, tg.Name, lineDiff(got[i], want))
				}
			}
		}
	}
	if _, err := codegen.GenerateEach(&collections.Resolved{Method: "GET"}, codegen.Options{}, ts); err == nil {
		t.Error("a request without a URL: no error")
	}
}

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
)

// code: a saved request as a curl, Python or Go snippet.

type codeFlags struct {
	lang          string
	env           string
	vars          []string
	inlineSecrets bool
	timeout       time.Duration
	json          bool
	strict        bool
}

func newCodeCmd(io streams) *cobra.Command {
	f := &codeFlags{}
	cmd := &cobra.Command{
		Use:   "code -l curl|python|go COLL REQ",
		Short: "Print a saved request as a curl, Python or Go snippet",
		Long: `Print a saved request as a program that sends exactly that request: a curl
command for bash, Python with the requests library, or a complete Go program
using net/http.

COLL is a collection directory or a Postman v2.1 file; REQ is the request's
path as "mistbench ls" shows it. Variables are substituted. Secret variables
become reads of environment variables (MIST_ and the name in upper case, or
the variable's env setting), named in a comment at the top of the snippet;
--inline-secrets writes their values instead, from your secret store or
their environment variables.`,
		Example: `  mistbench code -l curl ./mist "WLANs/Get WLAN" -e "Global 01"
  mistbench code -l python ./mist "Auth/Who am I" -e "Global 01" > whoami.py && MIST_APITOKEN=... python3 whoami.py
  mistbench code -l go ./mist "WLANs/Rename SSID" -e "EMEA 01" --var site_id=... --var wlan_id=... > main.go && go run main.go`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCode(cmd, io, f, args[0], args[1])
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.lang, "lang", "l", "curl", "the language: "+strings.Join(codegen.TargetNames(), ", "))
	fl.StringVarP(&f.env, "env", "e", "", "environment: a name of the collection's or a Postman environment file")
	fl.StringArrayVar(&f.vars, "var", nil, "set a variable, k=v (repeatable; wins over the environment)")
	fl.BoolVar(&f.inlineSecrets, "inline-secrets", false, "write secret values into the snippet instead of reading environment variables")
	fl.DurationVar(&f.timeout, "timeout", 0, "the snippet's timeout (default: the request's, else 30s)")
	fl.BoolVar(&f.json, "json", false, "Python: pretty-print a JSON response instead of printing the text")
	fl.BoolVar(&f.strict, "strict", false, "fail when a {{variable}} or :path variable is left unresolved")
	return cmd
}

func runCode(cmd *cobra.Command, io streams, f *codeFlags, collPath, reqPath string) error {
	target := -1
	for i, t := range codegen.Targets {
		if t.Name == f.lang {
			target = i
		}
	}
	if target < 0 {
		return usageErrorf("-l %q: want one of %s", f.lang, strings.Join(codegen.TargetNames(), ", "))
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
	req, path, err := c.Find(reqPath)
	if err != nil {
		return usageErrorf("%w", err)
	}
	sc := collections.Scope{Overrides: overrides, Env: env, Mode: collections.SecretsPlaceholder, Strict: f.strict}
	r, err := c.Resolve(req, path, sc)
	if err != nil {
		return err
	}
	for _, name := range r.Unresolved {
		fmt.Fprintf(io.Err, "mistbench: warning: %s is not set: the snippet keeps it as written\n", name)
	}
	opts := codegen.Options{
		SecretEnv:       codegen.SecretEnvNames(c, path, env),
		Timeout:         f.timeout,
		PythonPrintJSON: f.json,
	}
	if f.inlineSecrets && len(r.Secrets) > 0 {
		store, err := collections.DefaultSecretStore()
		if err != nil {
			return err
		}
		sc.Mode, sc.Secrets = collections.SecretsReveal, store
		opts.InlineSecrets = true
		opts.SecretValues = map[string]string{}
		for _, name := range r.Secrets {
			v, ok, err := secretValue(c, path, sc, name)
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintf(io.Err, "mistbench: warning: secret %s has no value (set it in the workbench or its environment variable); the snippet reads it from the environment\n", name)
				continue
			}
			opts.SecretValues[name] = v
		}
	}
	code, err := codegen.Targets[target].Generate(r, opts)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(io.Out, code)
	return err
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

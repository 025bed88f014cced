package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/sandbox"
	"github.com/mistbench/mistbench/internal/send"
	"github.com/mistbench/mistbench/workbench"
)

// Owned by the sandbox work: sandbox, demo.

// defaultSandboxAddr is a fixed port so an environment pointing at the
// sandbox keeps working across restarts.
const defaultSandboxAddr = "127.0.0.1:8765"

func newSandboxCmd(io streams) *cobra.Command {
	var (
		addr, token, data string
		cookieSuffix      string
		rate              int
		public, plain     bool
		quiet             bool
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the Mist sandbox: a local imitation of the Mist API to learn and test against",
		Long: `Serve a local, stateful imitation of the Juniper Mist cloud API.

It behaves like Mist for who am I, user and org API tokens, login (with
two-factor and CSRF cookies), sites, site and org WLANs, usage, paging and
the hourly rate limit, with Mist's error bodies. Every other operation of the Mist
OpenAPI description answers with the spec's example, or 501 naming the
operation. Nothing it does can touch a real network.

It serves HTTPS with a self-signed certificate for 127.0.0.1 and localhost
and prints where a PEM copy is: give it to curl --cacert, REQUESTS_CA_BUNDLE
or SSL_CERT_FILE. --http serves plain HTTP instead.

The seeded org, sites and WLANs have fixed ids (printed at start); the API
token is random unless --token. State lives in memory, or in --data DIR so
it survives restarts. It listens on loopback only unless --public.
Ctrl+C stops it.`,
		Example: `  mistbench sandbox
  mistbench sandbox --addr 127.0.0.1:9000 --token dev-token --data ./sandbox-state
  curl --cacert ./sandbox-state/sandbox-cert.pem -H "Authorization: Token dev-token" https://127.0.0.1:9000/api/v1/self
  mistbench send ./mist "Auth/Who am I" -e Custom --var host=127.0.0.1:9000 --var apitoken=dev-token \
    --cacert ./sandbox-state/sandbox-cert.pem`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkLoopback(addr, public); err != nil {
				return err
			}
			if rate < 0 {
				return usageErrorf("--rate-limit %d: give a number of calls per hour, or 0 for no limit", rate)
			}
			opts := sandbox.Options{Token: token, RateLimit: rate, DataDir: data, CookieSuffix: cookieSuffix}
			if rate == 0 {
				opts.RateLimit = -1
			}
			if !quiet {
				opts.Log = io.Err
			}
			rn, err := sandbox.Start(cmd.Context(), sandbox.Config{Addr: addr, PlainHTTP: plain, Options: opts})
			if err != nil {
				if strings.Contains(err.Error(), "cookie suffix") {
					return usageErrorf("--cookie-suffix: %w", err)
				}
				if errors.Is(err, syscall.EADDRINUSE) {
					return fmt.Errorf("%w (another sandbox running? --addr 127.0.0.1:0 picks a free port)", err)
				}
				return err
			}
			printSandbox(io, rn, data)
			fmt.Fprintln(io.Out, "Press Ctrl+C to stop.")
			if err := rn.Wait(); err != nil {
				return err
			}
			fmt.Fprintln(io.Out, "sandbox stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", defaultSandboxAddr, "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&token, "token", "", "the API token to accept (default: a random one, printed)")
	f.IntVar(&rate, "rate-limit", sandbox.DefaultRateLimit, "API calls per account and hour (0: no limit)")
	f.StringVar(&data, "data", "", "directory keeping the state and certificate across restarts")
	f.BoolVar(&public, "public", false, "allow a non-loopback address (anyone who can reach it can use the token)")
	f.BoolVar(&plain, "http", false, "serve plain HTTP instead of HTTPS")
	f.BoolVar(&quiet, "quiet", false, "do not log requests on stderr")
	f.StringVar(&cookieSuffix, "cookie-suffix", "", "session cookie suffix of another Mist cloud (.eu gives csrftoken.eu)")
	return cmd
}

// checkLoopback refuses addresses other machines can reach, unless public.
func checkLoopback(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--addr %q: %v (want host:port, e.g. %s)", addr, err, defaultSandboxAddr)
	}
	if public {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every interface"
	}
	return usageErrorf("--addr %q listens on %s, not loopback: anyone who can reach it could use the sandbox; add --public if that is what you want", addr, shown)
}

// printSandbox tells the user how to reach the sandbox.
func printSandbox(io streams, rn *sandbox.Running, data string) {
	fmt.Fprintf(io.Out, "Mist sandbox on %s (org %q)\n", rn.URL, sandbox.SeedOrgName)
	fmt.Fprintf(io.Out, "  API token:    %s\n", rn.Token())
	if rn.CertPath != "" {
		fmt.Fprintf(io.Out, "  certificate:  %s (for curl --cacert, REQUESTS_CA_BUNDLE, SSL_CERT_FILE)\n", rn.CertPath)
	}
	if data != "" {
		fmt.Fprintf(io.Out, "  state:        %s\n", filepath.Join(data, sandbox.StateFile))
	} else {
		fmt.Fprintln(io.Out, "  state:        in memory (--data DIR keeps it)")
	}
	if rn.RateLimit() > 0 {
		fmt.Fprintf(io.Out, "  rate limit:   %d calls per account and hour\n", rn.RateLimit())
	}
	fmt.Fprintf(io.Out, "  org_id:       %s\n", sandbox.SeedOrgID)
	fmt.Fprintf(io.Out, "  site_id:      %s (Portland Roastery), %s (Seattle Pike Street Cafe)\n", sandbox.SeedSiteID, sandbox.SeedSite2ID)
	fmt.Fprintf(io.Out, "  wlan_id:      %s (Bluefin-Guest at Portland)\n", sandbox.SeedWLANID)
	fmt.Fprintf(io.Out, "  logins:       %s / %s; %s / %s (two-factor: TOTP secret %s)\n",
		sandbox.SeedAdminEmail, sandbox.SeedAdminPassword, sandbox.SeedTwoFactorEmail, sandbox.SeedTwoFactorPassword, sandbox.SeedTwoFactorSecret)
	cacert := ""
	if rn.CertPath != "" {
		cacert = "--cacert " + shellQuote(rn.CertPath) + " "
	}
	fmt.Fprintf(io.Out, "  collections:  set host = %s and the secret apitoken = the token above\n", rn.Host)
	fmt.Fprintf(io.Out, "Try: curl %s-H 'Authorization: Token %s' %s/api/v1/self\n", cacert, rn.Token(), rn.URL)
}

// ---- demo ----

// demoEnv is the environment the demo points at the sandbox.
const demoEnv = "Sandbox"

// demoWalk is the seed walk the headless demo sends, in order.
var demoWalk = []string{
	"Auth/Who am I",
	"Sites/List org sites",
	"WLANs/List site WLANs",
	"WLANs/Get WLAN",
	"WLANs/Rename SSID",
	"WLANs/Get WLAN",
}

func newDemoCmd(io streams) *cobra.Command {
	var (
		dir             string
		headless, reset bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try mistbench on the built-in Mist sandbox: no account, nothing at risk",
		Long: `Start the Mist sandbox on a free loopback port, write the Mist starter
collection to a scratch workspace (reused on later runs), point its
"Sandbox" environment at the sandbox with the sandbox's token kept in your
secret store, and open the workbench there.

When the output is not a terminal, or with --headless, it prints what it
started and sends the seed walk instead: who am I, list sites, list WLANs,
get a WLAN, rename its SSID, get it again.

The sandbox's state is kept beside the workspace, so the demo survives
restarts.`,
		Example: `  mistbench demo
  mistbench demo --headless
  mistbench demo --reset             # the seeded org again, as on the first run
  mistbench demo --dir ./my-mist     # use your own copy of the starter collection`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(cmd.Context(), io, dir, headless, reset)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "collection directory to use (default: the demo workspace in your mistbench directory)")
	cmd.Flags().BoolVar(&headless, "headless", false, "send the seed walk and print it instead of opening the workbench")
	cmd.Flags().BoolVar(&reset, "reset", false, "start the sandbox from its seed again (forget the changes of earlier runs)")
	return cmd
}

func runDemo(ctx context.Context, io streams, dir string, headless, reset bool) error {
	home, err := collections.UserDir()
	if err != nil {
		return err
	}
	demoDir := filepath.Join(home, "demo")
	if dir == "" {
		dir = filepath.Join(demoDir, "mist")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dataDir := filepath.Join(demoDir, "sandbox")
	if reset {
		if err := os.Remove(filepath.Join(dataDir, sandbox.StateFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("resetting the sandbox: %w", err)
		}
	}
	rn, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", Options: sandbox.Options{DataDir: dataDir}})
	if errors.Is(err, sandbox.ErrDataInUse) {
		return fmt.Errorf("another mistbench demo is running (its sandbox holds %s): use that one, or close it first: %w", dataDir, err)
	}
	if err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer rn.Close()

	store, err := collections.DefaultSecretStore()
	if err != nil {
		return fmt.Errorf("opening the secret store: %w", err)
	}
	c, err := demoCollection(dir, rn, store)
	if err != nil {
		return err
	}

	tui := !headless && isTerminal(io.Out) && isTerminal(io.In)
	if tui {
		open := demoWalk[0]
		if _, _, err := c.Find(open); err != nil {
			open = "" // a collection of the user's own, without the starter's requests
		}
		err := workbench.Run(ctx, withUserState(workbench.Config{Collection: c, Env: demoEnv, Secrets: store, RootCAs: rn.Cert.Pool, Open: open}))
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "The demo collection is in %s; run \"mistbench demo\" again to go on.\n", dir)
		return nil
	}

	printSandbox(io, rn, dataDir)
	fmt.Fprintf(io.Out, "Collection: %s (environment %q, token in %s)\n\n", dir, demoEnv, store.Path())
	return demoWalkHeadless(ctx, io, c, rn, store)
}

// demoCollection loads the collection in dir (writing the starter there
// first when there is none), points its Sandbox environment at the
// sandbox, saves it, and stores the sandbox's token as its secret.
func demoCollection(dir string, rn *sandbox.Running, store *collections.SecretStore) (*collections.Collection, error) {
	var c *collections.Collection
	if _, err := os.Stat(filepath.Join(dir, collections.CollectionFile)); errors.Is(err, fs.ErrNotExist) {
		c = collections.MistStarter()
		c.Dir = dir
	} else {
		if c, err = collections.Load(dir); err != nil {
			return nil, fmt.Errorf("opening the demo collection: %w", err)
		}
		if len(c.Problems) > 0 {
			return nil, fmt.Errorf("the demo collection %s has files that do not load (first: %v); move it away to start afresh", dir, c.Problems[0])
		}
	}
	env := c.Environment(demoEnv)
	if env == nil {
		env = &collections.Environment{Name: demoEnv, Description: "the local Mist sandbox that mistbench demo starts (its port changes every run)"}
		c.Environments = append([]*collections.Environment{env}, c.Environments...)
	}
	setVar(env, collections.Variable{Key: "host", Value: rn.Host})
	setVar(env, collections.Variable{Key: "apitoken", Secret: true, Description: "the sandbox's token, set by mistbench demo"})
	setVar(env, collections.Variable{Key: "email", Value: sandbox.SeedAdminEmail})
	setVar(env, collections.Variable{Key: "password", Secret: true, Description: "the sandbox admin's password, set by mistbench demo"})
	if err := c.Save(collections.SaveOptions{}); err != nil {
		return nil, fmt.Errorf("saving the demo collection: %w", err)
	}
	if err := store.SetSecret(c.ID, demoEnv, "apitoken", rn.Token()); err != nil {
		return nil, fmt.Errorf("storing the sandbox token: %w", err)
	}
	if err := store.SetSecret(c.ID, demoEnv, "password", sandbox.SeedAdminPassword); err != nil {
		return nil, fmt.Errorf("storing the sandbox password: %w", err)
	}
	return c, nil
}

// setVar sets v in env, keeping the row's place when it exists.
func setVar(env *collections.Environment, v collections.Variable) {
	if old := env.Lookup(v.Key); old != nil {
		if v.Description == "" {
			v.Description = old.Description
		}
		*old = v
		return
	}
	env.Variables = append(env.Variables, v)
}

// demoWalkHeadless sends the seed walk through the engine, with captures
// filling ids as in the workbench, and prints each answer's key fields.
func demoWalkHeadless(ctx context.Context, io streams, c *collections.Collection, rn *sandbox.Running, store *collections.SecretStore) error {
	eng := send.New(send.Options{RootCAs: rn.Cert.Pool})
	defer eng.Close()
	env := c.Environment(demoEnv)
	failed := 0
	for i, p := range demoWalk {
		req, path, err := c.Find(p)
		if err != nil {
			return fmt.Errorf("demo walk: %w", err)
		}
		res, err := c.Resolve(req, path, collections.Scope{Env: env, Secrets: store, Strict: true})
		if err != nil {
			return fmt.Errorf("demo walk: %s: %w", p, err)
		}
		resp, err := eng.Do(ctx, res)
		if err != nil {
			return fmt.Errorf("demo walk: %s: %w", p, err)
		}
		ok := true
		for _, cr := range send.CheckExpect(ctx, resp, req.Expect) {
			if !cr.Passed {
				ok = false
				fmt.Fprintf(io.Out, "     check failed: %s: %s\n", cr.Check, cr.Detail)
			}
		}
		caps, capErr := send.ApplyCaptures(ctx, resp, req.Captures)
		if _, err := send.StoreCaptures(c, env, path, caps, store); err != nil {
			capErr = errors.Join(capErr, err)
		}
		body, _ := resp.Body(1 << 20)
		fmt.Fprintf(io.Out, "%d. %-22s %s  %-6s %s  %s\n", i+1, p, resp.Status(), res.Method, strings.TrimPrefix(res.URL, rn.URL), resp.Timing.Total.Round(100*time.Microsecond))
		if s := keyFields(body); s != "" {
			fmt.Fprintf(io.Out, "     %s\n", s)
		}
		for _, cv := range caps {
			fmt.Fprintf(io.Out, "     captured %s = %s\n", cv.Var, cv.Value)
		}
		if capErr != nil {
			ok = false
			fmt.Fprintf(io.Out, "     %v\n", capErr)
		}
		resp.Close()
		if !ok {
			failed++
		}
	}
	// Keep the captured ids for the workbench and the next run.
	if err := c.Save(collections.SaveOptions{}); err != nil {
		return fmt.Errorf("saving the demo collection: %w", err)
	}
	if failed > 0 {
		return failedError(fmt.Errorf("demo walk: %d of %d steps failed", failed, len(demoWalk)))
	}
	fmt.Fprintf(io.Out, "\nAll %d steps passed. Run \"mistbench demo\" in a terminal to try it in the workbench.\n", len(demoWalk))
	return nil
}

// keyFields summarises a Mist answer in one line: a user's email, a list's
// names, an object's name, ssid and vlan, or an error's detail.
func keyFields(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	switch t := v.(type) {
	case []any:
		var names []string
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				if n, ok := m["name"].(string); ok {
					names = append(names, n)
				} else if n, ok := m["ssid"].(string); ok {
					names = append(names, n)
				}
			}
		}
		return fmt.Sprintf("%d item(s): %s", len(t), strings.Join(names, ", "))
	case map[string]any:
		var parts []string
		for _, k := range []string{"detail", "email", "name", "ssid", "enabled", "vlan_id", "id"} {
			if x, ok := t[k]; ok {
				parts = append(parts, fmt.Sprintf("%s=%v", k, x))
			}
		}
		return strings.Join(parts, "  ")
	}
	return ""
}

// isTerminal reports whether f is an *os.File on a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

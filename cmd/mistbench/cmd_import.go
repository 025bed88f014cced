package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/curl"
	"github.com/mistbench/mistbench/collections/har"
	"github.com/mistbench/mistbench/collections/openapi"
	"github.com/mistbench/mistbench/collections/postman"
	"github.com/mistbench/mistbench/internal/termsafe"
)

// import postman|openapi|curl|har and export postman.

type importFlags struct {
	// examples: bodies hold documentation examples, not credentials
	// (OpenAPI), so they are not searched for secrets.
	examples bool
	out      string
	merge    bool
	verbose  bool
	envs     []string
	name     string
	dryRun   bool
}

func newImportCmd(io streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import postman|openapi|curl|har SRC -o DIR",
		Short: "Import a Postman collection, an OpenAPI description, a curl command or a HAR file",
		Long: `Import requests from another format into a native collection directory.

Every import prints what it kept, converted and dropped, per kind. Secrets
found on the way (variables named like tokens or passwords, credentials
written literally into headers or auth) become secret variables: their
values go to your secret store, never into DIR.

DIR must be new or empty. With --merge, DIR may hold a collection already:
the import is added to it as a new folder, and nothing in it is removed.
--dry-run prints the report and writes nothing.`,
		Example: `  mistbench import postman Mist.postman_collection.json -o ./mist
  mistbench import openapi ../shared/mist/mist.openapi.yaml -o ./mist-api
  mistbench import curl 'curl https://api.mist.com/api/v1/self -H "Authorization: Token $MIST_TOKEN"' -o ./mist
  mistbench import har session.har -o ./recorded`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &flagError{fmt.Errorf("import: say what to import: postman, openapi, curl or har; see mistbench import --help")}
			}
			return &flagError{fmt.Errorf("import: unknown format %q: use postman, openapi, curl or har", args[0])}
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	cmd.AddCommand(newImportPostmanCmd(io), newImportOpenAPICmd(io), newImportCurlCmd(io), newImportHARCmd(io))
	return cmd
}

func addImportFlags(cmd *cobra.Command, f *importFlags) {
	cmd.Flags().StringVarP(&f.out, "output", "o", "", "collection directory to write (new or empty)")
	cmd.Flags().BoolVar(&f.merge, "merge", false, "add to the collection DIR holds, as a new folder, removing nothing")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "print every note of the report, not only the first 20")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "read and convert, print the report, write nothing")
}

func newImportPostmanCmd(io streams) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "postman FILE -o DIR",
		Short: "Import a Postman collection (v2.0 or v2.1) and its environments",
		Long: `Import a Postman collection file (v2.0 or v2.1): folders and their order,
descriptions, variables, :path variables, query and header rows with their
disabled flags, every body mode, auth at every level (an "Authorization:
Token ..." header or apikey auth becomes Mist token auth), example responses
and redirect settings. Scripts are kept as inert notes, never run.

--env adds a Postman environment file (the object Postman exports, or a
bare array of {key, value} as Juniper publishes for Mist) as an environment.`,
		Example: `  mistbench import postman Mist.postman_collection.json -o ./mist
  mistbench import postman coll.json --env prod.postman_environment.json -o ./api`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, rep, err := postman.ReadFile(args[0])
			if err != nil {
				return err
			}
			for _, e := range f.envs {
				env, secrets, err := postman.ReadEnvironment(e)
				if err != nil {
					return err
				}
				if c.Environment(env.Name) != nil {
					return usageErrorf("--env %s: the collection already has an environment %q", e, env.Name)
				}
				c.Environments = append(c.Environments, env)
				for k, v := range secrets {
					rep.Secret(env.Name, k, v)
				}
				rep.Keep("environment")
			}
			return finishImport(io, c, rep, &f)
		},
	}
	addImportFlags(cmd, &f)
	cmd.Flags().StringArrayVar(&f.envs, "env", nil, "a Postman environment file to add (repeatable)")
	return cmd
}

func newImportOpenAPICmd(io streams) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "openapi SPEC -o DIR",
		Short: "Import an OpenAPI 3.0/3.1 description: one request per operation",
		Long: `Import an OpenAPI 3.0 or 3.1 description (YAML or JSON; $refs to local files
are followed, URLs are not fetched): one request per operation in folders by
tag (grouped by x-tagGroups), path parameters as :path variables, required
query parameters enabled and optional ones disabled, header parameters, a
JSON body from the example or a skeleton of the required fields, an
environment per server, and auth from the security schemes (Mist's apiToken
becomes Mist token auth on the secret variable apitoken).`,
		Example: `  mistbench import openapi mist.openapi.yaml -o ./mist-api
  mistbench ls ./mist-api | wc -l`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, rep, err := openapi.Import(args[0])
			if err != nil {
				return err
			}
			f.examples = true
			return finishImport(io, c, rep, &f)
		},
	}
	addImportFlags(cmd, &f)
	return cmd
}

func newImportHARCmd(io streams) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "har FILE -o DIR",
		Short: "Import the entries of a HAR 1.2 file (browser developer tools) as requests",
		Long: `Import every entry of an HTTP Archive (HAR 1.2, "Save all as HAR" in a
browser's developer tools) as a request, one folder per host, with the
recorded response kept as an example. Cookies and tokens the browser sent
become secret variables.`,
		Example: `  mistbench import har session.har -o ./recorded`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, rep, err := har.Import(args[0])
			if err != nil {
				return err
			}
			return finishImport(io, c, rep, &f)
		},
	}
	addImportFlags(cmd, &f)
	return cmd
}

func newImportCurlCmd(io streams) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "curl [COMMAND] [-o DIR]",
		Short: "Import a curl command (argument or stdin) as a request",
		Long: `Read one curl command, as "Copy as cURL" and documentation write it (quotes,
$'...' strings and line continuations as bash reads them), from the argument
or, without one (or with -), from stdin. Options that change what is sent
and that a request cannot express are reported, never ignored silently.

With -o DIR the request is added to the collection in DIR (created if DIR is
new or empty); without it the request is printed in the collection format.`,
		Example: `  mistbench import curl "curl -H 'Authorization: Token \$TOKEN' https://api.mist.com/api/v1/self" -o ./mist
  pbpaste | mistbench import curl --name "Who am I" -o ./mist`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var text string
			if len(args) == 0 || args[0] == "-" {
				data, err := readAll(io.In)
				if err != nil {
					return fmt.Errorf("reading the curl command from stdin: %w", err)
				}
				text = string(data)
			} else {
				text = args[0]
				// The options or URL alone, without the word curl, are fine too.
				if first := strings.Fields(text); len(first) > 0 && (strings.HasPrefix(first[0], "-") || strings.Contains(first[0], "://")) {
					text = "curl " + text
				}
			}
			req, warns, err := curl.Parse(text)
			if err != nil {
				return usageErrorf("%w", err)
			}
			req.Name = f.name
			if req.Name == "" {
				req.Name = defaultCurlName(req)
			}
			rep := collections.NewImportReport("curl")
			rep.Keep("request")
			for _, w := range warns {
				rep.Notes = append(rep.Notes, "note: "+w)
			}
			if f.out == "" {
				extracted := moveLiteralSecrets(&collections.Collection{Items: []collections.Item{req}}, rep, true)
				if len(extracted) > 0 {
					fmt.Fprintf(io.Err, "mistbench: credentials replaced by variables: %s (pass them with --var when sending)\n", strings.Join(extracted, ", "))
				}
				writeImportReport(io, rep, 0)
				_, err := io.Out.Write(collections.MarshalRequest(req))
				return err
			}
			return addRequest(io, req, rep, &f, shellVars(warns))
		},
	}
	cmd.Flags().StringVarP(&f.out, "output", "o", "", "collection directory to add the request to (created if new or empty)")
	cmd.Flags().StringVar(&f.name, "name", "", "the request's name (default: METHOD and path)")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "print every note")
	return cmd
}

func readAll(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, errors.New("no stdin")
	}
	return io.ReadAll(r)
}

func defaultCurlName(r *collections.Request) string {
	m := r.Method
	if m == "" {
		m = "GET"
	}
	u := r.URL
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[i:]
	}
	if q := strings.IndexByte(u, '?'); q >= 0 {
		u = u[:q]
	}
	name := strings.Join(strings.Fields(strings.ReplaceAll(u, "/", " ")), " ")
	if name == "" {
		return m
	}
	return m + " " + name
}

// addRequest adds one request to the collection in f.out, creating it when
// the directory is new or empty.
func addRequest(io streams, req *collections.Request, rep *collections.ImportReport, f *importFlags, envVars []string) error {
	var c *collections.Collection
	if hasCollection(f.out) {
		var err error
		if c, err = collections.Load(f.out); err != nil {
			return err
		}
		// Names in a folder differ case-insensitively (the store's rule).
		names := map[string]bool{}
		for _, it := range c.Items {
			names[strings.ToLower(it.ItemName())] = true
		}
		base := req.Name
		for i := 2; names[strings.ToLower(req.Name)]; i++ {
			req.Name = fmt.Sprintf("%s (%d)", base, i)
		}
		c.Items = append(c.Items, req)
	} else {
		if err := checkEmptyDir(f.out); err != nil {
			return err
		}
		c = &collections.Collection{Name: filepath.Base(filepath.Clean(f.out)), Items: []collections.Item{req}, Dir: f.out}
	}
	// $NAME in the command read the shell's environment: {{NAME}} does the
	// same, as a secret variable supplied by the environment variable NAME.
	for _, name := range envVars {
		defined := false
		for _, v := range c.Variables {
			defined = defined || v.Key == name
		}
		if !defined {
			c.Variables = append(c.Variables, collections.Variable{Key: name, Secret: true, Env: name, Description: "from the shell variable $" + name + " of an imported curl command"})
			rep.Convert("variable", "$%s: the variable {{%s}} reads the environment variable %s", name, name, name)
		}
	}
	return saveImport(io, c, rep, f, 1)
}

// shellVars picks the names of shell variables out of curl.Parse's warnings.
func shellVars(warns []string) []string {
	var out []string
	for _, w := range warns {
		if rest, ok := strings.CutPrefix(w, "shell variable $"); ok {
			if name, _, ok := strings.Cut(rest, " "); ok {
				out = append(out, name)
			}
		}
	}
	return out
}

// finishImport writes an imported collection to f.out (or merges it).
func finishImport(io streams, c *collections.Collection, rep *collections.ImportReport, f *importFlags) error {
	n := 0
	c.Walk(func([]*collections.Folder, *collections.Request) { n++ })
	if f.dryRun {
		moveLiteralSecrets(c, rep, !f.examples)
		writeImportReport(io, rep, 0)
		fmt.Fprintf(io.Out, "would import %d request(s)\n", n)
		return nil
	}
	if f.out == "" {
		return usageErrorf("say where to write the collection with -o DIR")
	}
	if f.merge && hasCollection(f.out) {
		existing, err := collections.Load(f.out)
		if err != nil {
			return err
		}
		return mergeImport(io, existing, c, rep, f, n)
	}
	if err := checkEmptyDir(f.out); err != nil {
		return err
	}
	c.Dir = f.out
	return saveImport(io, c, rep, f, n)
}

// mergeImport adds the import to an existing collection as one new folder
// carrying the import's variables, headers and auth; environments of new
// names are added, existing ones untouched.
func mergeImport(io streams, dst, src *collections.Collection, rep *collections.ImportReport, f *importFlags, n int) error {
	folder := &collections.Folder{Name: src.Name, Description: src.Description, Variables: src.Variables, Headers: src.Headers, Auth: src.Auth, Items: src.Items}
	names := map[string]bool{}
	for _, it := range dst.Items {
		names[strings.ToLower(it.ItemName())] = true
	}
	base := folder.Name
	for i := 2; names[strings.ToLower(folder.Name)]; i++ {
		folder.Name = fmt.Sprintf("%s (%d)", base, i)
	}
	dst.Items = append(dst.Items, folder)
	for _, e := range src.Environments {
		if dst.Environment(e.Name) == nil {
			dst.Environments = append(dst.Environments, e)
		} else {
			rep.Drop("environment", "environment %s: the collection has one of that name already; left as it was", e.Name)
		}
	}
	// Collection-level secrets of the import now belong to the folder: the
	// store keys them the same way (no environment).
	return saveImport(io, dst, rep, f, n)
}

func hasCollection(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, collections.CollectionFile))
	return err == nil
}

// checkEmptyDir refuses a directory that holds anything: an import never
// overwrites or removes what is there.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", dir, err)
	}
	if len(entries) > 0 {
		if hasCollection(dir) {
			return usageErrorf("output %s already holds a collection: choose a new directory, or add --merge to add the import to it as a new folder", dir)
		}
		return usageErrorf("output %s is not empty: choose a new or empty directory", dir)
	}
	return nil
}

// saveImport moves literal credentials into secret variables, saves the
// collection, stores the secret values and prints the report.
func saveImport(io streams, c *collections.Collection, rep *collections.ImportReport, f *importFlags, n int) error {
	if c.Dir == "" {
		c.Dir = f.out
	}
	moveLiteralSecrets(c, rep, !f.examples)
	if err := c.Save(collections.SaveOptions{}); err != nil {
		return fmt.Errorf("saving %s: %w", f.out, err)
	}
	stored := 0
	if len(rep.Secrets) > 0 {
		store, err := collections.DefaultSecretStore()
		if err != nil {
			return err
		}
		for env, vals := range rep.Secrets {
			for k, v := range vals {
				if v == "" {
					continue
				}
				if err := store.SetSecret(c.ID, env, k, v); err != nil {
					return fmt.Errorf("storing the secret %s: %w", k, err)
				}
				stored++
			}
		}
		if stored > 0 {
			fmt.Fprintf(io.Err, "%d secret value(s) stored in %s, not in %s\n", stored, store.Path(), f.out)
		}
	}
	max := 20
	if f.verbose {
		max = 0
	}
	writeImportReport(io, rep, max)
	fmt.Fprintf(io.Out, "imported %d request(s) into %s\n", n, f.out)
	return nil
}

// moveLiteralSecrets replaces credentials written literally (auth fields,
// credential headers) by {{variables}}: each becomes a secret collection
// variable whose value the report carries to the secret store. It returns
// the variables made.
func moveLiteralSecrets(c *collections.Collection, rep *collections.ImportReport, bodies bool) []string {
	var made []string
	values := map[string]string{} // variable -> value
	for _, v := range c.Variables {
		values[v.Key] = "\x00taken"
	}
	varFor := func(base, value string) string {
		name := base
		for i := 2; ; i++ {
			if old, ok := values[name]; !ok {
				values[name] = value
				c.Variables = append(c.Variables, collections.Variable{Key: name, Secret: true, Description: "made secret by the import"})
				rep.Secret("", name, value)
				made = append(made, name)
				return name
			} else if old == value {
				return name
			}
			name = fmt.Sprintf("%s_%d", base, i)
		}
	}
	fixAuth := func(where string, a *collections.Auth) {
		switch a.Type {
		case collections.AuthMistToken:
			if collections.LiteralCredential(a.Token) {
				a.Token = "{{" + varFor("apitoken", a.Token) + "}}"
				rep.Convert("secret", "%s: the literal API token became the secret variable {{apitoken}}", where)
			}
		case collections.AuthBearer:
			if collections.LiteralCredential(a.Token) {
				a.Token = "{{" + varFor("bearerToken", a.Token) + "}}"
				rep.Convert("secret", "%s: the literal bearer token became a secret variable", where)
			}
		case collections.AuthBasic, collections.AuthMistLogin:
			if collections.LiteralCredential(a.Password) {
				a.Password = "{{" + varFor("password", a.Password) + "}}"
				rep.Convert("secret", "%s: the literal password became a secret variable", where)
			}
		case collections.AuthAPIKey:
			if collections.LiteralCredential(a.Value) {
				a.Value = "{{" + varFor(collections.VariableName(a.Key), a.Value) + "}}"
				rep.Convert("secret", "%s: the literal API key became a secret variable", where)
			}
		}
	}
	fixHeaders := func(where string, hs []collections.Param) {
		for i := range hs {
			if collections.CredentialHeader(hs[i].Key) && collections.LiteralCredential(hs[i].Value) {
				name := varFor(collections.VariableName(hs[i].Key), hs[i].Value)
				hs[i].Value = "{{" + name + "}}"
				rep.Convert("secret", "%s: the literal %s header became the secret variable {{%s}}", where, hs[i].Key, name)
			}
		}
	}
	// Credentials in bodies: JSON string members, form fields and text
	// parts named like credentials (a recorded login, say).
	fixBody := func(where string, b *collections.Body) {
		if !bodies {
			return
		}
		switch b.Kind {
		case collections.BodyJSON, collections.BodyRaw:
			if b.Kind == collections.BodyRaw && b.Language != "json" {
				return
			}
			if !mayHoldCredentials(b.Text) {
				return
			}
			b.Text, _ = replaceJSONMembers(b.Text, func(key, value string) (string, bool) {
				if !collections.SecretField(key, value) {
					return "", false
				}
				name := varFor(collections.VariableName(key), value)
				rep.Convert("secret", "%s: the body's literal %q became the secret variable {{%s}}", where, key, name)
				return "{{" + name + "}}", true
			})
		case collections.BodyForm:
			for i := range b.Form {
				if collections.SecretField(b.Form[i].Key, b.Form[i].Value) {
					name := varFor(collections.VariableName(b.Form[i].Key), b.Form[i].Value)
					b.Form[i].Value = "{{" + name + "}}"
					rep.Convert("secret", "%s: the form field %s became the secret variable {{%s}}", where, b.Form[i].Key, name)
				}
			}
		case collections.BodyMultipart:
			for i := range b.Parts {
				if p := &b.Parts[i]; p.File == "" && collections.SecretField(p.Name, p.Value) {
					name := varFor(collections.VariableName(p.Name), p.Value)
					p.Value = "{{" + name + "}}"
					rep.Convert("secret", "%s: the form part %s became the secret variable {{%s}}", where, p.Name, name)
				}
			}
		}
	}
	fixAuth("collection", &c.Auth)
	fixHeaders("collection", c.Headers)
	var walk func(prefix string, items []collections.Item)
	walk = func(prefix string, items []collections.Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *collections.Folder:
				fixAuth("folder "+prefix+it.Name, &it.Auth)
				fixHeaders("folder "+prefix+it.Name, it.Headers)
				walk(prefix+it.Name+"/", it.Items)
			case *collections.Request:
				fixAuth("request "+prefix+it.Name, &it.Auth)
				fixHeaders("request "+prefix+it.Name, it.Headers)
				fixBody("request "+prefix+it.Name, &it.Body)
				for i := range it.Examples {
					// Recorded responses may set session cookies.
					for j := range it.Examples[i].Headers {
						if h := &it.Examples[i].Headers[j]; strings.EqualFold(h.Key, "Set-Cookie") && collections.LiteralCredential(h.Value) {
							h.Value = "(removed by the import: a session cookie)"
							rep.Convert("secret", "request %s%s: example %q: Set-Cookie value removed", prefix, it.Name, it.Examples[i].Name)
						}
					}
				}
			}
		}
	}
	walk("", c.Items)
	// Non-secret variables named like credentials hold values: make them secret.
	for i := range c.Variables {
		v := &c.Variables[i]
		if !v.Secret && collections.LooksSecret(v.Key) && collections.LiteralCredential(v.Value) {
			v.Secret = true
			rep.Secret("", v.Key, v.Value)
			v.Value = ""
			rep.Convert("secret", "variable %s looks like a credential: made secret", v.Key)
		}
	}
	for _, e := range c.Environments {
		for i := range e.Variables {
			v := &e.Variables[i]
			if !v.Secret && collections.LooksSecret(v.Key) && collections.LiteralCredential(v.Value) {
				v.Secret = true
				rep.Secret(e.Name, v.Key, v.Value)
				v.Value = ""
				rep.Convert("secret", "environment %s: variable %s looks like a credential: made secret", e.Name, v.Key)
			}
		}
	}
	return made
}

// mayHoldCredentials is a cheap test before walking a body's tokens: does
// any credential-like word appear at all?
func mayHoldCredentials(text string) bool {
	t := strings.ToLower(text)
	for _, w := range []string{"token", "pass", "secret", "key", "psk", "auth", "cookie", "csrf", "credential", "session", "pwd"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// replaceJSONMember rewrites every "key": "value" member of JSON text.
func replaceJSONMember(text, key, value, repl string) (string, bool) {
	out, n := replaceJSONMembers(text, func(k, v string) (string, bool) {
		return repl, k == key && v == value
	})
	return out, n > 0
}

// replaceJSONMembers walks the tokens of JSON text once and replaces the
// string value of each object member for which repl says so, however
// the key and value are escaped, leaving every other byte as it was.
// Invalid JSON is left alone.
func replaceJSONMembers(text string, repl func(key, value string) (string, bool)) (string, int) {
	if !json.Valid([]byte(text)) {
		return text, 0
	}
	dec := json.NewDecoder(strings.NewReader(text))
	type frame struct{ object, wantKey bool }
	type span struct {
		start, end int64
		with       string
	}
	var stack []frame
	var spans []span
	lastKey := ""
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			break
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					stack[top-1].wantKey = true
				}
			}
			continue
		}
		if top < 0 || !stack[top].object {
			continue
		}
		if stack[top].wantKey {
			lastKey, _ = tok.(string)
			stack[top].wantKey = false
			continue
		}
		stack[top].wantKey = true
		if sv, ok := tok.(string); ok {
			if with, ok := repl(lastKey, sv); ok {
				spans = append(spans, span{before, dec.InputOffset(), with})
			}
		}
	}
	if len(spans) == 0 {
		return text, 0
	}
	var b strings.Builder
	last := int64(0)
	for _, sp := range spans {
		// The span starts after the previous token: skip ':' and spaces.
		start := sp.start
		for start < sp.end && text[start] != '"' {
			start++
		}
		b.WriteString(text[last:start])
		r, _ := json.Marshal(sp.with)
		b.Write(r)
		last = sp.end
	}
	b.WriteString(text[last:])
	return b.String(), len(spans)
}

func newExportCmd(io streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "export postman COLL -o FILE",
		Short:   "Export a collection as a Postman v2.1 collection",
		Example: `  mistbench export postman ./mist -o mist.postman_collection.json --env-dir ./mist-envs`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &flagError{fmt.Errorf("export: say which format: postman; see mistbench export --help")}
			}
			return &flagError{fmt.Errorf("export: unknown format %q: use postman", args[0])}
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	var out, envDir string
	var force bool
	pm := &cobra.Command{
		Use:   "postman COLL -o FILE",
		Short: "Write a collection as a Postman v2.1 collection file (newman runs it)",
		Long: `Write COLL as a Postman v2.1 collection that Postman and newman run and that
sends what mistbench sends. Secret variables are written without values.
What Postman cannot express (captures, checks, Mist login, timeouts) is kept
in "_mistbench" fields Postman ignores, so importing the file gives back the
same collection. -o - writes to stdout. --env-dir DIR also writes each
environment as a Postman environment file (secret values left empty).`,
		Example: `  mistbench export postman ./mist -o mist.postman_collection.json
  newman run mist.postman_collection.json -e "mist-env/Global 01.postman_environment.json"`,
		Args:              exactArgs(1),
		ValidArgsFunction: completeCollectionThenRequest,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("say where to write the Postman collection with -o FILE (or -o - for stdout)")
			}
			c, err := openCollection(args[0])
			if err != nil {
				return err
			}
			reportProblems(io, c)
			data, err := postman.Export(c)
			if err != nil {
				return err
			}
			if out == "-" {
				_, err = io.Out.Write(data)
				return err
			}
			if _, err := os.Stat(out); err == nil && !force {
				return usageErrorf("%s exists: add --force to replace it", out)
			}
			if err := collections.WriteFileAtomic(out, data, 0o644); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			n := 0
			c.Walk(func([]*collections.Folder, *collections.Request) { n++ })
			fmt.Fprintf(io.Out, "exported %d request(s) to %s\n", n, out)
			if envDir != "" {
				if err := os.MkdirAll(envDir, 0o755); err != nil {
					return err
				}
				for _, e := range c.Environments {
					b, err := postman.ExportEnvironment(e)
					if err != nil {
						return err
					}
					p := filepath.Join(envDir, safeFileName(e.Name)+".postman_environment.json")
					if err := collections.WriteFileAtomic(p, b, 0o644); err != nil {
						return err
					}
					fmt.Fprintf(io.Out, "environment %s -> %s\n", e.Name, p)
				}
			}
			return nil
		},
	}
	pm.Flags().StringVarP(&out, "output", "o", "", "file to write (- for stdout)")
	pm.Flags().StringVar(&envDir, "env-dir", "", "also write each environment as a Postman environment file into this directory")
	pm.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	cmd.AddCommand(pm)
	return cmd
}

func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, s)
	if s == "" || s == "." || s == ".." {
		return "environment"
	}
	return s
}

// writeImportReport prints an import report: its notes quote names and values
// from the imported file, so they pass through termsafe.
func writeImportReport(io streams, rep *collections.ImportReport, maxNotes int) {
	w := termsafe.NewWriter(io.Err)
	rep.Write(w, maxNotes)
	w.Flush()
}

// Command codegen_gen supports bench/codegen.sh: it writes the 500-request
// benchmark collection (native directory and Postman v2.1 export), and, in
// -generate mode, times one process that loads the collection and writes
// every request in every codegen target.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mistbench/mistbench/codegen"
	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/postman"
)

func main() {
	dir := flag.String("dir", "", "the collection directory (-generate: or a Postman file)")
	pm := flag.String("postman", "", "write the Postman v2.1 export here")
	paths := flag.String("paths", "", "write the request paths here, one a line")
	sets := flag.Int("sets", 25, "copies of the Mist starter's 20 requests")
	generate := flag.Bool("generate", false, "load -dir and generate every target for every request")
	flag.Parse()
	if err := run(*dir, *pm, *paths, *sets, *generate); err != nil {
		fmt.Fprintln(os.Stderr, "codegen_gen:", err)
		os.Exit(1)
	}
}

func run(dir, pm, paths string, sets int, generate bool) error {
	if generate {
		return generateAll(dir)
	}
	c := collections.MistStarter()
	c.Name = "codegen benchmark"
	c.Items = nil
	for i := 1; i <= sets; i++ {
		// A fresh starter each time: every request its own object and file.
		c.Items = append(c.Items, &collections.Folder{Name: fmt.Sprintf("Set %02d", i), Items: collections.MistStarter().Items})
	}
	c.Environments = collections.MistEnvironments()
	c.Dir = dir
	if err := c.Save(collections.SaveOptions{}); err != nil {
		return err
	}
	if pm != "" {
		data, err := postman.Export(c)
		if err != nil {
			return err
		}
		if err := os.WriteFile(pm, data, 0o644); err != nil {
			return err
		}
	}
	if paths != "" {
		f, err := os.Create(paths)
		if err != nil {
			return err
		}
		c.Walk(func(path []*collections.Folder, r *collections.Request) {
			fmt.Fprintln(f, collections.RequestPath(path, r))
		})
		return f.Close()
	}
	return nil
}

// generateAll is the one-process measure: load, resolve, generate.
func generateAll(dir string) error {
	start := time.Now()
	var c *collections.Collection
	var err error
	if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
		c, _, err = postman.ReadFile(dir) // the peer's input, read as mistbench code reads it
	} else {
		c, err = collections.Load(dir)
	}
	if err != nil {
		return err
	}
	env := c.Environment("Global 01")
	if env == nil {
		env = &collections.Environment{Name: "Global 01", Variables: []collections.Variable{{Key: "host", Value: "api.mist.com"}}}
	}
	n, size := 0, 0
	var genErr error
	var genTime time.Duration
	c.Walk(func(path []*collections.Folder, r *collections.Request) {
		res, err := c.Resolve(r, path, collections.Scope{Env: env, Mode: collections.SecretsPlaceholder})
		if err != nil {
			genErr = err
			return
		}
		t0 := time.Now()
		for _, t := range codegen.Targets {
			code, err := t.Generate(res, codegen.Options{SecretEnv: codegen.SecretEnvNames(c, path, env)})
			if err != nil {
				genErr = err
				return
			}
			n++
			size += len(code)
		}
		genTime += time.Since(t0)
	})
	if genErr != nil {
		return genErr
	}
	fmt.Printf("%d snippets, %d bytes; generation %.1f ms, load+resolve+generation %.1f ms\n",
		n, size, float64(genTime.Microseconds())/1000, float64(time.Since(start).Microseconds())/1000)
	return nil
}

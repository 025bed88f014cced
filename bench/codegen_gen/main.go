// Command codegen_gen supports bench/codegen.sh: it writes the 500-request
// benchmark collection (native directory and Postman v2.1 export) and the
// list of its request paths. The one-process measure is mistbench itself:
// mistbench code -l all --all.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/postman"
)

func main() {
	dir := flag.String("dir", "", "write the collection directory here")
	pm := flag.String("postman", "", "write the Postman v2.1 export here")
	paths := flag.String("paths", "", "write the request paths here, one a line")
	sets := flag.Int("sets", 25, "copies of the Mist starter's 20 requests")
	flag.Parse()
	if err := run(*dir, *pm, *paths, *sets); err != nil {
		fmt.Fprintln(os.Stderr, "codegen_gen:", err)
		os.Exit(1)
	}
}

func run(dir, pm, paths string, sets int) error {
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

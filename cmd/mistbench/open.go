package main

import (
	"fmt"
	"os"

	"github.com/mistbench/mistbench/collections"
)

// openCollection opens COLL: a native collection directory (a Postman v2.1
// file is read directly once the interop importer lands).
func openCollection(path string) (*collections.Collection, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("collection %s: %w", path, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("collection %s: not a directory", path)
	}
	return collections.Load(path)
}

// openEnvironment selects ENV: the name of one of the collection's
// environments ("" selects none).
func openEnvironment(c *collections.Collection, name string) (*collections.Environment, error) {
	if name == "" {
		return nil, nil
	}
	if e := c.Environment(name); e != nil {
		return e, nil
	}
	var names []string
	for _, e := range c.Environments {
		names = append(names, e.Name)
	}
	return nil, usageErrorf("environment %q: not in collection %q (it has: %v)", name, c.Name, names)
}

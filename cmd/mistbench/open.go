package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/postman"
)

// openCollection opens COLL: a native collection directory, or a Postman
// v2.1 (or v2.0) collection file read directly. A Postman file's secret
// variables keep their values in memory only; it has no directory, so it
// cannot be saved in place (import it to get one).
func openCollection(path string) (*collections.Collection, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("collection %s: %w", path, err)
	}
	if st.IsDir() {
		return collections.Load(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("collection %s: %w", path, err)
	}
	if !postman.IsCollection(data) {
		return nil, usageErrorf("collection %s: neither a collection directory nor a Postman collection file", path)
	}
	c, rep, err := postman.ReadBytes(data, path)
	if err != nil {
		return nil, err
	}
	if c.ID == "" {
		if abs, err := filepath.Abs(path); err == nil {
			c.ID = "postman:" + abs // keys the secret store for this file
		}
	}
	// Secret values the file carried stay in memory (never saved).
	fill := func(vs []collections.Variable, vals map[string]string) {
		for i := range vs {
			if v, ok := vals[vs[i].Key]; ok && vs[i].Secret {
				vs[i].Value = v
			}
		}
	}
	fill(c.Variables, rep.Secrets[""])
	for _, e := range c.Environments {
		fill(e.Variables, rep.Secrets[e.Name])
	}
	return c, nil
}

// openCollectionFor opens COLL for the one request at reqPath ("" for the
// whole collection): of a directory it reads only the files that request
// needs (collections.LoadFor), which keeps send and code fast on large
// collections.
func openCollectionFor(path, reqPath string) (*collections.Collection, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() && reqPath != "" {
		return collections.LoadFor(path, reqPath)
	}
	return openCollection(path)
}

// openEnvironment selects ENV: the name of one of the collection's
// environments, or a Postman environment file (the object Postman exports
// or a bare array of {key, value}). "" selects none.
func openEnvironment(c *collections.Collection, name string) (*collections.Environment, error) {
	if name == "" {
		return nil, nil
	}
	if e := c.Environment(name); e != nil {
		return e, nil
	}
	if st, err := os.Stat(name); err == nil && !st.IsDir() {
		e, secrets, err := postman.ReadEnvironment(name)
		if err != nil {
			return nil, usageErrorf("environment %s: %w", name, err)
		}
		for i := range e.Variables {
			if v, ok := secrets[e.Variables[i].Key]; ok {
				e.Variables[i].Value = v // in memory only; still redacted as a secret
			}
		}
		return e, nil
	}
	var names []string
	for _, e := range c.Environments {
		names = append(names, e.Name)
	}
	return nil, usageErrorf("environment %q: not in collection %q (it has: %v) and not a Postman environment file", name, c.Name, names)
}

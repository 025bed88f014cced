package collections

import (
	"fmt"
	"strings"
)

// Walk calls fn for every request in tree order with the folders that hold
// it, outermost first. The path slice is reused: copy it to keep it.
func (c *Collection) Walk(fn func(path []*Folder, req *Request)) {
	var walk func(path []*Folder, items []Item)
	walk = func(path []*Folder, items []Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *Request:
				fn(path, it)
			case *Folder:
				walk(append(path, it), it.Items)
			}
		}
	}
	walk(nil, c.Items)
}

// RequestPath is a request's path as the tree shows it: "Folder/Sub/Name".
// A "/" inside a name is written "\/".
func RequestPath(path []*Folder, req *Request) string {
	parts := make([]string, 0, len(path)+1)
	for _, f := range path {
		parts = append(parts, escapeName(f.Name))
	}
	parts = append(parts, escapeName(req.Name))
	return strings.Join(parts, "/")
}

func escapeName(s string) string { return strings.ReplaceAll(s, "/", `\/`) }

// Find returns the request at a path such as "WLANs/Get WLAN" with the
// folders that hold it. Names compare exactly, then case-insensitively.
func (c *Collection) Find(reqPath string) (*Request, []*Folder, error) {
	var exact, folded []*Request
	var exactPath, foldedPath []*Folder
	c.Walk(func(path []*Folder, req *Request) {
		p := RequestPath(path, req)
		if p == reqPath {
			exact = append(exact, req)
			exactPath = append([]*Folder(nil), path...)
		} else if strings.EqualFold(p, reqPath) {
			folded = append(folded, req)
			foldedPath = append([]*Folder(nil), path...)
		}
	})
	switch {
	case len(exact) == 1:
		return exact[0], exactPath, nil
	case len(exact) > 1:
		return nil, nil, fmt.Errorf("request %q: %d requests have that path", reqPath, len(exact))
	case len(folded) == 1:
		return folded[0], foldedPath, nil
	case len(folded) > 1:
		return nil, nil, fmt.Errorf("request %q: %d requests match it (names differ only in case)", reqPath, len(folded))
	}
	return nil, nil, fmt.Errorf("request %q: not found in collection %q (mistbench ls lists the paths)", reqPath, c.Name)
}

// FindFolder returns the folder at a path such as "WLANs" and its parents.
func (c *Collection) FindFolder(folderPath string) (*Folder, []*Folder, error) {
	items := c.Items
	var parents []*Folder
	names := splitPath(folderPath)
	for i, name := range names {
		var next *Folder
		for _, it := range items {
			if f, ok := it.(*Folder); ok && (f.Name == name || strings.EqualFold(f.Name, name) && next == nil) {
				next = f
				if f.Name == name {
					break
				}
			}
		}
		if next == nil {
			return nil, nil, fmt.Errorf("folder %q: not found in collection %q", strings.Join(names[:i+1], "/"), c.Name)
		}
		if i == len(names)-1 {
			return next, parents, nil
		}
		parents = append(parents, next)
		items = next.Items
	}
	return nil, nil, fmt.Errorf("folder %q: empty path", folderPath)
}

// splitPath splits "A/B\/C/D" into ["A", "B/C", "D"].
func splitPath(p string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) && p[i+1] == '/' {
			cur.WriteByte('/')
			i++
			continue
		}
		if p[i] == '/' {
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(p[i])
	}
	return append(out, cur.String())
}

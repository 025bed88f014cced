package collections

import "slices"

// Tree editing helpers for the workbench: copies that keep or drop a
// request's identity on disk, and finding and moving items in the tree.

// Clone returns a deep copy of r that keeps its identity on disk: editing
// the copy and assigning it back (*orig = *clone) saves to the same file.
func (r *Request) Clone() *Request {
	c := *r
	c.PathVars = slices.Clone(r.PathVars)
	c.Query = slices.Clone(r.Query)
	c.Headers = slices.Clone(r.Headers)
	c.Body.Form = slices.Clone(r.Body.Form)
	c.Body.Parts = slices.Clone(r.Body.Parts)
	if r.Settings.FollowRedirects != nil {
		v := *r.Settings.FollowRedirects
		c.Settings.FollowRedirects = &v
	}
	c.Captures = slices.Clone(r.Captures)
	c.Expect.Status = slices.Clone(r.Expect.Status)
	c.Expect.JQ = slices.Clone(r.Expect.JQ)
	c.Examples = make([]Example, len(r.Examples))
	for i, e := range r.Examples {
		e.Headers = slices.Clone(e.Headers)
		c.Examples[i] = e
	}
	if r.Examples == nil {
		c.Examples = nil
	}
	c.Scripts = slices.Clone(r.Scripts)
	return &c
}

// Duplicate returns a deep copy of r that is a new request: saving it
// writes a new file instead of replacing r's.
func (r *Request) Duplicate() *Request {
	c := r.Clone()
	c.fileName = ""
	return c
}

// Duplicate returns a deep copy of f and everything in it as new items.
func (f *Folder) Duplicate() *Folder {
	c := *f
	c.dirName = ""
	c.Variables = slices.Clone(f.Variables)
	c.Headers = slices.Clone(f.Headers)
	c.Items = make([]Item, 0, len(f.Items))
	for _, it := range f.Items {
		switch it := it.(type) {
		case *Request:
			c.Items = append(c.Items, it.Duplicate())
		case *Folder:
			c.Items = append(c.Items, it.Duplicate())
		}
		// Broken files stay where they are on disk; a copy has none.
	}
	return &c
}

// ItemsOf returns the item list of folder f, or of the collection's top
// level when f is nil, for editing in place.
func (c *Collection) ItemsOf(f *Folder) *[]Item {
	if f == nil {
		return &c.Items
	}
	return &f.Items
}

// Locate finds item in the tree: the folder that holds it (nil for the top
// level) and its index there.
func (c *Collection) Locate(item Item) (parent *Folder, index int, ok bool) {
	var find func(p *Folder, items []Item) bool
	find = func(p *Folder, items []Item) bool {
		for i, it := range items {
			if it == item {
				parent, index = p, i
				return true
			}
			if f, isF := it.(*Folder); isF && find(f, f.Items) {
				return true
			}
		}
		return false
	}
	ok = find(nil, c.Items)
	return parent, index, ok
}

// PathOf returns the folders that hold item, outermost first.
func (c *Collection) PathOf(item Item) ([]*Folder, bool) {
	var find func(path []*Folder, items []Item) ([]*Folder, bool)
	find = func(path []*Folder, items []Item) ([]*Folder, bool) {
		for _, it := range items {
			if it == item {
				return slices.Clone(path), true
			}
			if f, isF := it.(*Folder); isF {
				if p, ok := find(append(path, f), f.Items); ok {
					return p, true
				}
			}
		}
		return nil, false
	}
	return find(nil, c.Items)
}

// RemoveItem takes item out of the tree and says where it was, so that
// InsertItem can put it back.
func (c *Collection) RemoveItem(item Item) (parent *Folder, index int, ok bool) {
	parent, index, ok = c.Locate(item)
	if !ok {
		return nil, 0, false
	}
	items := c.ItemsOf(parent)
	*items = slices.Delete(*items, index, index+1)
	return parent, index, true
}

// InsertItem puts item into folder parent (nil: the top level) at index,
// clamped to the list.
func (c *Collection) InsertItem(parent *Folder, index int, item Item) {
	items := c.ItemsOf(parent)
	index = max(0, min(index, len(*items)))
	*items = slices.Insert(*items, index, item)
}

// Contains reports whether folder f holds item at any depth (or is it).
func (f *Folder) Contains(item Item) bool {
	if Item(f) == item {
		return true
	}
	for _, it := range f.Items {
		if it == item {
			return true
		}
		if sub, ok := it.(*Folder); ok && sub.Contains(item) {
			return true
		}
	}
	return false
}

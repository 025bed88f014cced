package collections

import (
	"os"
	"path"
	"path/filepath"
)

// LoadFor loads what one request needs: collection.yaml, the folders on
// the request's path, the request's file and the environments. It finds
// them by the file names Save gives ("Get WLAN" in "Get WLAN.yaml"), so a
// command that sends or prints one request of a 1,000-request collection
// reads a handful of files instead of all. When the files are not where
// their names say, or anything on the way fails to load, it loads the
// whole collection instead, so the answer is always Load's.
//
// The collection it returns holds only that request; Save writes changes
// to the loaded files (captured variables, say) and refuses to add or
// remove any.
func LoadFor(dir, reqPath string) (*Collection, error) {
	if c, ok := loadPartial(dir, reqPath); ok {
		return c, nil
	}
	return Load(dir)
}

func loadPartial(dir, reqPath string) (*Collection, bool) {
	names := splitPath(reqPath)
	if len(names) == 0 || names[len(names)-1] == "" {
		return nil, false
	}
	l := newLoader(dir, &diskState{files: map[string]any{}, dirs: map[string]bool{}, partial: true, orders: map[string][]string{}}, nil)
	c := &Collection{Dir: dir, disk: l.disk}
	data, err := os.ReadFile(filepath.Join(dir, CollectionFile))
	if err != nil {
		return nil, false
	}
	var cf collectionFile
	if decodeYAML(CollectionFile, data, &cf) != nil || l.collectionFromFile(c, &cf, data) != nil {
		return nil, false
	}
	l.disk.orders[""] = cf.Order
	l.own(CollectionFile, c.collectionStruct(cf.Order))

	items := &c.Items
	rel := ""
	for _, name := range names[:len(names)-1] {
		rel = path.Join(rel, fileStem(name))
		st, err := os.Stat(l.display(rel))
		if err != nil || !st.IsDir() {
			return nil, false
		}
		f := &Folder{Name: path.Base(rel), dirName: path.Base(rel)}
		ffRel := path.Join(rel, FolderFile)
		if data, err := os.ReadFile(l.display(ffRel)); err == nil {
			var ff folderFile
			if decodeYAML(ffRel, data, &ff) != nil || l.folderFromFile(f, &ff, data, ffRel) != nil {
				return nil, false
			}
			l.disk.orders[rel] = ff.Order
			fs := folderStruct(f)
			fs.Order = ff.Order
			l.own(ffRel, fs)
		} else if !os.IsNotExist(err) {
			return nil, false
		}
		if f.Name != name {
			return nil, false
		}
		l.disk.dirs[rel] = true
		*items = append(*items, f)
		items = &f.Items
	}
	reqRel := path.Join(rel, fileStem(names[len(names)-1])+requestExt)
	r := l.readRequest(reqRel)
	req, ok := r.item.(*Request)
	if !ok || req.Name != names[len(names)-1] {
		return nil, false
	}
	l.own(reqRel, r.own)
	*items = append(*items, req)
	c.Environments = l.loadEnvironments()
	if len(l.problems) > 0 {
		return nil, false // let Load report them with the rest
	}
	return c, true
}

// Partial reports whether the collection was loaded only in part (LoadFor).
func (c *Collection) Partial() bool { return c.disk != nil && c.disk.partial }

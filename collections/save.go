package collections

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// SaveOptions adjust Save.
type SaveOptions struct {
	// AllowLiteralSecrets saves credentials written literally into headers,
	// auth or non-secret variables. Only when the user asks in so many words.
	AllowLiteralSecrets bool
}

// LiteralSecretError lists credentials found written literally.
type LiteralSecretError struct{ Findings []string }

func (e *LiteralSecretError) Error() string {
	return "refusing to save credentials written literally into the collection:\n  " +
		strings.Join(e.Findings, "\n  ") +
		"\nmake each a secret variable: define it with secret: true in the environment (its value goes to your secret store, never to these files) and write {{name}} in its place, e.g. Authorization: Token {{apitoken}}"
}

// Save writes the collection to c.Dir (creating it), atomically per file,
// touching only files whose content changed, and removing the files of
// requests and folders that are no longer in the tree. Broken files are
// never touched.
func (c *Collection) Save(opts SaveOptions) error {
	if c.Dir == "" {
		return errors.New("save: the collection has no directory")
	}
	if !opts.AllowLiteralSecrets {
		if f := c.LiteralSecrets(); len(f) > 0 {
			return &LiteralSecretError{Findings: f}
		}
	}
	if c.ID == "" {
		c.ID = newUUID(cryptoIntn)
	}
	if c.disk == nil {
		c.disk = &diskState{files: map[string]any{}, dirs: map[string]bool{}}
	}
	want := map[string]any{}
	wantDirs := map[string]bool{}
	c.assignNames("", c.Items, want, wantDirs)
	if !c.disk.brokenRoot {
		order := orderOf(c.Items)
		if c.disk.partial {
			order = c.disk.orders[""]
		}
		want[CollectionFile] = c.collectionStruct(order)
	}
	envNames := map[string]bool{}
	for _, e := range c.Environments {
		if e.fileName == "" || envNames[strings.ToLower(e.fileName)] {
			e.fileName = uniqueName(fileStem(e.Name), requestExt, envNames)
		}
		envNames[strings.ToLower(e.fileName)] = true
		want[path.Join(EnvironmentsDir, e.fileName)] = environmentStruct(e)
	}

	if c.disk.partial {
		for rel := range want {
			if _, ok := c.disk.files[rel]; !ok {
				return fmt.Errorf("save: %s would be a new file, but only part of the collection was loaded; load it whole to add, rename or move items", rel)
			}
		}
	}
	// Write what changed. Files are independent, so they are written by a
	// few workers: each write waits on its own fsync, and a large import
	// would otherwise wait on a thousand of them in a row.
	var changed []string
	for rel, v := range want {
		if old, ok := c.disk.files[rel]; ok && reflect.DeepEqual(old, v) {
			if _, err := os.Stat(filepath.Join(c.Dir, filepath.FromSlash(rel))); err == nil {
				continue
			}
		}
		changed = append(changed, rel)
	}
	sort.Strings(changed)
	if err := c.writeFiles(changed, want); err != nil {
		return err
	}
	// Then remove what the tree no longer holds: only files this
	// collection wrote or loaded cleanly, and folders left empty. A partial
	// load never removes: what it did not load is not gone.
	var gone []string
	for rel := range c.disk.files {
		if c.disk.partial {
			break
		}
		if _, ok := want[rel]; !ok {
			gone = append(gone, rel)
		}
	}
	sort.Strings(gone)
	for _, rel := range gone {
		if err := os.Remove(filepath.Join(c.Dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("save: removing %s: %w", rel, err)
		}
	}
	var goneDirs []string
	for d := range c.disk.dirs {
		if c.disk.partial {
			break
		}
		if !wantDirs[d] {
			goneDirs = append(goneDirs, d)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(goneDirs))) // children first
	for _, d := range goneDirs {
		os.Remove(filepath.Join(c.Dir, filepath.FromSlash(d))) // only succeeds when empty: never loses a file
	}
	c.disk.files = want
	c.disk.dirs = wantDirs
	return nil
}

// writeFiles encodes and atomically writes the files rels of want, then
// syncs each directory once so the renames are durable.
func (c *Collection) writeFiles(rels []string, want map[string]any) error {
	if len(rels) == 0 {
		return nil
	}
	workers := min(8, len(rels))
	jobs := make(chan string)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rel := range jobs {
				if errs[w] != nil {
					continue
				}
				data, err := encodeYAML(want[rel])
				if err != nil {
					errs[w] = fmt.Errorf("save: encoding %s: %w", rel, err)
					continue
				}
				if err := writeFileAtomic(filepath.Join(c.Dir, filepath.FromSlash(rel)), data, 0o644, false); err != nil {
					errs[w] = fmt.Errorf("save: %w", err)
				}
			}
		}()
	}
	dirs := map[string]bool{}
	for _, rel := range rels {
		jobs <- rel
		dirs[filepath.Dir(filepath.Join(c.Dir, filepath.FromSlash(rel)))] = true
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for d := range dirs {
		syncDir(d)
	}
	return nil
}

// assignNames gives every folder and request of items a file name in the
// directory rel (keeping existing names unless the item was renamed) and
// adds their files to want.
func (c *Collection) assignNames(rel string, items []Item, want map[string]any, wantDirs map[string]bool) {
	taken := map[string]bool{}
	// Broken entries and unchanged names keep their files.
	for _, it := range items {
		switch it := it.(type) {
		case *Broken:
			name := path.Base(it.File)
			if name == FolderFile {
				name = path.Base(path.Dir(it.File))
			}
			taken[strings.ToLower(name)] = true
		case *Request:
			if it.fileName != "" && it.fileName == fileStem(it.Name)+requestExt || it.fileName != "" && sameStem(it.fileName, it.Name) {
				if !taken[strings.ToLower(it.fileName)] {
					taken[strings.ToLower(it.fileName)] = true
					continue
				}
			}
			it.fileName = ""
		case *Folder:
			if it.dirName != "" && sameStem(it.dirName, it.Name) && !taken[strings.ToLower(it.dirName)] {
				taken[strings.ToLower(it.dirName)] = true
				continue
			}
			it.dirName = ""
		}
	}
	for _, it := range items {
		switch it := it.(type) {
		case *Request:
			if it.fileName == "" {
				it.fileName = uniqueName(fileStem(it.Name), requestExt, taken)
				taken[strings.ToLower(it.fileName)] = true
			}
			want[path.Join(rel, it.fileName)] = requestToFile(it)
		case *Folder:
			if it.dirName == "" {
				it.dirName = uniqueName(fileStem(it.Name), "", taken)
				taken[strings.ToLower(it.dirName)] = true
			}
			dir := path.Join(rel, it.dirName)
			wantDirs[dir] = true
			c.assignNames(dir, it.Items, want, wantDirs)
			ff := path.Join(dir, FolderFile)
			if _, had := c.disk.files[ff]; had || folderNeedsFile(it) {
				fs := folderStruct(it)
				if c.disk.partial {
					fs.Order = c.disk.orders[dir]
				}
				want[ff] = fs
			}
		}
	}
}

// sameStem reports whether a file name still fits an item's name, either
// exactly or as a numbered variant made for a clash ("Name (2).yaml").
func sameStem(file, name string) bool {
	stem := strings.TrimSuffix(file, requestExt)
	want := fileStem(name)
	if stem == want {
		return true
	}
	if strings.HasPrefix(stem, want+" (") && strings.HasSuffix(stem, ")") {
		return true
	}
	return false
}

// folderNeedsFile reports whether a folder says anything its directory
// name and the default order do not.
func folderNeedsFile(f *Folder) bool {
	if f.Name != f.dirName || f.Description != "" || len(f.Variables) > 0 || len(f.Headers) > 0 || f.Auth.Type != AuthInherit {
		return true
	}
	order := orderOf(f.Items)
	return !sort.StringsAreSorted(order)
}

// fileStem turns a name into a portable file name stem: no path
// separators, reserved or control characters, no leading dots.
func fileStem(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f:
			b.WriteByte('_')
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.Trim(b.String(), " .")
	if len(s) > 100 {
		cut := 100
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], " .")
	}
	switch strings.ToLower(s) {
	case "", "collection", "folder", EnvironmentsDir:
		s = "_" + s
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func uniqueName(stem, ext string, taken map[string]bool) string {
	name := stem + ext
	for i := 2; taken[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s (%d)%s", stem, i, ext)
	}
	return name
}

// WriteFileAtomic writes data to a temporary file beside name, syncs it,
// and renames it over name, so a crash leaves the old or the new file,
// never a torn one. Parent directories are created.
func WriteFileAtomic(name string, data []byte, perm os.FileMode) error {
	return writeFileAtomic(name, data, perm, true)
}

func writeFileAtomic(name string, data []byte, perm os.FileMode, dirSync bool) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, name); err != nil {
		return err
	}
	ok = true
	if dirSync {
		syncDir(dir)
	}
	return nil
}

// syncDir makes renames in dir durable; not every filesystem supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

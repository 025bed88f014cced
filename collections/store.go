package collections

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// File names of the on-disk format.
const (
	CollectionFile  = "collection.yaml"
	FolderFile      = "folder.yaml"
	EnvironmentsDir = "environments"
	requestExt      = ".yaml"
)

// maxFileSize bounds what Load reads of one file: a request file larger
// than this is a mistake (a body belongs in a file part), not a request.
const maxFileSize = 64 << 20

// diskState remembers what Load read so Save rewrites only what changed.
type diskState struct {
	// files maps a relative path (slash-separated) to the file struct of
	// what was loaded; Save compares structs, so loading costs no encoding.
	files map[string]any
	dirs  map[string]bool // folder directories the collection owns
	// brokenRoot: collection.yaml did not load; Save leaves it alone.
	brokenRoot bool
	// partial: only some files were loaded (LoadFor). Save then keeps the
	// folders' orders as they were read and never adds or removes files.
	partial bool
	orders  map[string][]string // folder rel ("" for the root) -> order as read
}

// Load reads the collection in dir. A file that cannot be read or parsed
// is reported in Problems (with file and line) and kept in the tree as a
// *Broken item; the rest of the collection still loads. The error is for
// what stops loading altogether (no such directory, no collection.yaml).
func Load(dir string) (*Collection, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("collection %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("collection %s: not a directory", dir)
	}
	l := newLoader(dir, &diskState{files: map[string]any{}, dirs: map[string]bool{}}, openParseCache(dir))
	defer l.cache.save(dir)
	c := &Collection{Dir: dir, disk: l.disk}

	data, err := os.ReadFile(filepath.Join(dir, CollectionFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("collection %s: no %s here (mistbench new %s writes a starter collection)", dir, CollectionFile, dir)
		}
		return nil, fmt.Errorf("collection %s: %w", dir, err)
	}
	var cf collectionFile
	order := []string(nil)
	if ferr := decodeYAML(l.display(CollectionFile), data, &cf); ferr != nil {
		l.problem(ferr)
		c.Name = filepath.Base(dir)
	} else if err := l.collectionFromFile(c, &cf, data); err != nil {
		l.problem(err)
		c.Name = filepath.Base(dir)
	} else {
		order = cf.Order
	}
	// The environments load while the tree does.
	envs := l.child()
	envsDone := make(chan struct{})
	go func() {
		defer close(envsDone)
		c.Environments = envs.loadEnvironments()
	}()
	c.Items = l.loadItems("", order)
	<-envsDone
	if _, broken := firstProblem(l.problems, l.display(CollectionFile)); broken {
		l.disk.brokenRoot = true
	} else {
		// Canonical bytes use the order as loaded, so a hand-written order
		// that misses entries does not count as a change.
		l.own(CollectionFile, c.collectionStruct(orderOf(c.Items)))
	}
	l.problems = append(l.problems, envs.problems...)
	c.Problems = l.problems
	return c, nil
}

// loader reads a collection's files. A folder's requests and its
// subfolders load in parallel, each subfolder by a child loader that
// shares the disk state (under mu) and collects its own problems, which
// its parent takes in order: the outcome is the same as one by one.
type loader struct {
	dir      string
	root     string // dir, cleaned
	disk     *diskState
	problems []*FileError
	cache    *parseCache   // nil: parse every file
	mu       *sync.Mutex   // guards disk
	sem      chan struct{} // bounds the files being read at once
}

func newLoader(dir string, disk *diskState, cache *parseCache) *loader {
	return &loader{dir: dir, root: filepath.Clean(dir), disk: disk, cache: cache, mu: &sync.Mutex{},
		sem: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
}

// child is a loader for a subfolder, run by another goroutine.
func (l *loader) child() *loader {
	c := *l
	c.problems = nil
	return &c
}

// io runs fn, which reads files, within the bound on reads at once.
func (l *loader) io(fn func()) {
	l.sem <- struct{}{}
	defer func() { <-l.sem }()
	fn()
}

func firstProblem(ps []*FileError, file string) (*FileError, bool) {
	for _, p := range ps {
		if p.File == file {
			return p, true
		}
	}
	return nil, false
}

// display is the file name of rel (slash-separated, clean) for opening and
// for messages: filepath.Join(dir, rel), without cleaning it again.
func (l *loader) display(rel string) string {
	switch {
	case rel == "":
		return l.root
	case l.root == ".":
		return filepath.FromSlash(rel)
	case len(filepath.VolumeName(l.root)) == len(l.root):
		return filepath.Join(l.root, filepath.FromSlash(rel)) // "C:"
	case os.IsPathSeparator(l.root[len(l.root)-1]):
		return l.root + filepath.FromSlash(rel)
	}
	return l.root + string(filepath.Separator) + filepath.FromSlash(rel)
}

func (l *loader) problem(e *FileError) { l.problems = append(l.problems, e) }

// own records a file as loaded cleanly, with its canonical content.
func (l *loader) own(rel string, canonical any) {
	l.mu.Lock()
	l.disk.files[rel] = canonical
	l.mu.Unlock()
}

func (l *loader) collectionFromFile(c *Collection, cf *collectionFile, data []byte) *FileError {
	file := l.display(CollectionFile)
	if strings.TrimSpace(cf.Name) == "" {
		return &FileError{File: file, Line: lineOf(data, "name"), Msg: "the collection has no name"}
	}
	auth, err := authFromFile(cf.Auth)
	if err != nil {
		return &FileError{File: file, Line: lineOf(data, "auth", "type"), Msg: err.Error()}
	}
	if i, err := checkVariables(cf.Variables); err != nil {
		return &FileError{File: file, Line: lineOf(data, "variables", i), Msg: err.Error()}
	}
	c.Name, c.ID, c.Description, c.Auth = cf.Name, cf.ID, cf.Description, auth
	c.Variables = variablesFromFile(cf.Variables)
	c.Headers = paramsFromFile(cf.Headers)
	if cf.Settings != nil {
		c.Settings.InsecureSkipVerify = cf.Settings.InsecureSkipVerify
	}
	return nil
}

func checkVariables(vs []variableFile) (int, error) {
	seen := map[string]bool{}
	for i, v := range vs {
		if strings.TrimSpace(v.Name) == "" {
			return i, fmt.Errorf("variable %d has no name", i+1)
		}
		if seen[v.Name] {
			return i, fmt.Errorf("variable %q is defined twice", v.Name)
		}
		seen[v.Name] = true
	}
	return 0, nil
}

// loadItems reads the folder at rel ("" for the root) in the given order;
// entries not in the order follow, sorted by name.
func (l *loader) loadItems(rel string, order []string) []Item {
	var entries []os.DirEntry
	var err error
	l.io(func() { entries, err = os.ReadDir(l.display(rel)) })
	if err != nil {
		l.problem(&FileError{File: l.display(rel), Msg: err.Error(), Err: err})
		return nil
	}
	byName := map[string]fs.DirEntry{}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") || rel == "" && (n == CollectionFile || n == EnvironmentsDir) || n == FolderFile {
			continue
		}
		if e.IsDir() || strings.HasSuffix(n, requestExt) {
			byName[n] = e
			names = append(names, n)
		} else if e.Type()&fs.ModeSymlink != 0 {
			// Followed only if it points at a directory or a request file.
			if st, err := os.Stat(l.display(path.Join(rel, n))); err == nil && (st.IsDir() || strings.HasSuffix(n, requestExt)) {
				byName[n] = e
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	var ordered []string
	used := map[string]bool{}
	for _, n := range order {
		if _, ok := byName[n]; ok && !used[n] {
			ordered = append(ordered, n)
			used[n] = true
		}
	}
	for _, n := range names {
		if !used[n] {
			ordered = append(ordered, n)
		}
	}

	dirs := make([]bool, len(ordered))
	for i, n := range ordered {
		dirs[i] = byName[n].IsDir()
		if byName[n].Type()&fs.ModeSymlink != 0 {
			st, _ := os.Stat(l.display(path.Join(rel, n)))
			dirs[i] = st != nil && st.IsDir()
		}
	}
	// Subfolders load while this folder's requests are read.
	type sub struct {
		l    *loader
		item Item
		done chan struct{}
	}
	subs := make([]*sub, len(ordered))
	for i, n := range ordered {
		if dirs[i] {
			s := &sub{l: l.child(), done: make(chan struct{})}
			subs[i] = s
			go func() {
				defer close(s.done)
				s.item = s.l.loadFolder(path.Join(rel, n))
			}()
		}
	}
	files := l.readRequests(rel, ordered, dirs)

	var items []Item
	seenName := map[string]string{}
	for i, n := range ordered {
		childRel := path.Join(rel, n)
		isDir := dirs[i]
		var it Item
		if isDir {
			<-subs[i].done
			l.problems = append(l.problems, subs[i].l.problems...)
			it = subs[i].item
		} else {
			r := files[i]
			if r.problem != nil {
				l.problem(r.problem)
			} else {
				l.own(childRel, r.own)
			}
			it = r.item
		}
		if it == nil {
			continue
		}
		if _, broken := it.(*Broken); !broken {
			key := strings.ToLower(it.ItemName())
			if prev, dup := seenName[key]; dup {
				e := &FileError{File: l.display(childRel), Line: 1, Msg: fmt.Sprintf("name %q is also used by %s in the same folder; names in a folder must differ", it.ItemName(), prev)}
				l.problem(e)
				l.disown(childRel, isDir)
				it = &Broken{File: childRel, Err: e}
			} else {
				seenName[key] = n
			}
		}
		items = append(items, it)
	}
	return items
}

// disown forgets a file or folder loaded cleanly but rejected afterwards,
// so Save never touches it.
func (l *loader) disown(rel string, isDir bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.disk.files, rel)
	if isDir {
		for k := range l.disk.files {
			if strings.HasPrefix(k, rel+"/") {
				delete(l.disk.files, k)
			}
		}
		for k := range l.disk.dirs {
			if k == rel || strings.HasPrefix(k, rel+"/") {
				delete(l.disk.dirs, k)
			}
		}
	}
}

func (l *loader) loadFolder(rel string) Item {
	f := &Folder{Name: path.Base(rel), dirName: path.Base(rel)}
	var order []string
	ffRel := path.Join(rel, FolderFile)
	var p parsedFile
	var st fs.FileInfo
	var hit bool
	l.io(func() { p, st, hit = l.cached(ffRel) })
	var err error
	if hit && p.Folder != nil && l.folderFromFile(f, p.Folder, nil, ffRel) == nil {
		order = p.Folder.Order
	} else {
		hit = false
		var data []byte
		l.io(func() { data, err = os.ReadFile(l.display(ffRel)) })
		switch {
		case err == nil:
			var ff folderFile
			if ferr := decodeYAML(l.display(ffRel), data, &ff); ferr != nil {
				l.problem(ferr)
				return &Broken{File: ffRel, Err: ferr}
			}
			if ferr := l.folderFromFile(f, &ff, data, ffRel); ferr != nil {
				l.problem(ferr)
				return &Broken{File: ffRel, Err: ferr}
			}
			l.remember(ffRel, st, data, parsedFile{Folder: &ff})
			order = ff.Order
		case errors.Is(err, fs.ErrNotExist):
		default:
			e := &FileError{File: l.display(ffRel), Msg: "cannot read: " + err.Error(), Err: err}
			if st, serr := os.Stat(l.display(ffRel)); serr == nil && st.IsDir() {
				e.Msg = FolderFile + " is a directory, not a file"
			}
			l.problem(e)
			return &Broken{File: ffRel, Err: e}
		}
	}
	l.mu.Lock()
	l.disk.dirs[rel] = true
	l.mu.Unlock()
	f.Items = l.loadItems(rel, order)
	if hit || err == nil {
		l.own(ffRel, folderStruct(f))
	}
	return f
}

func (l *loader) folderFromFile(f *Folder, ff *folderFile, data []byte, rel string) *FileError {
	file := l.display(rel)
	if strings.TrimSpace(ff.Name) == "" {
		return &FileError{File: file, Line: lineOf(data, "name"), Msg: "the folder has no name"}
	}
	auth, err := authFromFile(ff.Auth)
	if err != nil {
		return &FileError{File: file, Line: lineOf(data, "auth", "type"), Msg: err.Error()}
	}
	if i, err := checkVariables(ff.Variables); err != nil {
		return &FileError{File: file, Line: lineOf(data, "variables", i), Msg: err.Error()}
	}
	f.Name, f.Description, f.Auth = ff.Name, ff.Description, auth
	f.Variables = variablesFromFile(ff.Variables)
	f.Headers = paramsFromFile(ff.Headers)
	return nil
}

// loaded is the outcome of reading one request file.
type loaded struct {
	item    Item
	problem *FileError
	own     any
}

// readRequest reads and checks one request file. It touches no shared
// state, so a folder's files are read in parallel.
func (l *loader) readRequest(rel string) loaded {
	file := l.display(rel)
	fail := func(e *FileError) loaded { return loaded{item: &Broken{File: rel, Err: e}, problem: e} }
	p, st, ok := l.cached(rel)
	if ok && p.Request != nil {
		if req, _, err := requestFromFile(p.Request); err == nil {
			req.fileName = path.Base(rel)
			return loaded{item: req, own: requestToFile(req)}
		}
	}
	data, err := readLimited(file, maxFileSize)
	if err != nil {
		return fail(&FileError{File: file, Msg: "cannot read: " + err.Error(), Err: err})
	}
	var rf requestFile
	if ferr := decodeYAML(file, data, &rf); ferr != nil {
		return fail(ferr)
	}
	req, keyPath, err := requestFromFile(&rf)
	if err != nil {
		return fail(&FileError{File: file, Line: lineOf(data, keyPath...), Msg: err.Error(), Err: err})
	}
	l.remember(rel, st, data, parsedFile{Request: &rf})
	req.fileName = path.Base(rel)
	return loaded{item: req, own: requestToFile(req)}
}

// cached looks rel up in the parse cache: the parsed file when the cache
// holds it unchanged, else the file's FileInfo to remember it under.
func (l *loader) cached(rel string) (parsedFile, fs.FileInfo, bool) {
	if l.cache == nil {
		return parsedFile{}, nil, false
	}
	st, err := os.Stat(l.display(rel))
	if err != nil {
		return parsedFile{}, nil, false
	}
	p, ok := l.cache.lookup(rel, st)
	return p, st, ok
}

// remember stores a file parsed cleanly in the parse cache, unless it
// changed between the stat and the read.
func (l *loader) remember(rel string, st fs.FileInfo, data []byte, p parsedFile) {
	if st != nil && int64(len(data)) == st.Size() {
		l.cache.store(rel, st, p)
	}
}

// readLimited reads a file of at most limit bytes, with one open.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("the file is %d bytes; a request file may be at most %d", st.Size(), limit)
	}
	data := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			if int64(len(data)) > limit {
				return nil, fmt.Errorf("the file grew past %d bytes while being read", limit)
			}
			data = append(data, 0)[:len(data)]
		}
	}
}

// inlineReads: a folder with at most this many request files reads them
// in turn rather than a goroutine each.
const inlineReads = 8

// readRequests reads the request files among rels in parallel; the result
// at i is the zero value where rels[i] is a folder.
func (l *loader) readRequests(rel string, names []string, isDir []bool) []loaded {
	out := make([]loaded, len(names))
	files := 0
	for _, d := range isDir {
		if !d {
			files++
		}
	}
	if files <= inlineReads {
		// A few files: read here, in turn (this folder's goroutine is one
		// of many that run at once), which costs less than goroutines.
		for i, n := range names {
			if !isDir[i] {
				l.io(func() { out[i] = l.readRequest(path.Join(rel, n)) })
			}
		}
		return out
	}
	var wg sync.WaitGroup
	for i, n := range names {
		if isDir[i] {
			continue
		}
		wg.Add(1)
		l.sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-l.sem }()
			out[i] = l.readRequest(path.Join(rel, n))
		}()
	}
	wg.Wait()
	return out
}

func (l *loader) loadEnvironments() []*Environment {
	rel := EnvironmentsDir
	entries, err := os.ReadDir(l.display(rel))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.problem(&FileError{File: l.display(rel), Msg: err.Error(), Err: err})
		}
		return nil
	}
	var envs []*Environment
	seen := map[string]string{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, requestExt) || strings.HasPrefix(n, ".") {
			continue
		}
		fileRel := path.Join(rel, n)
		file := l.display(fileRel)
		var ef environmentFile
		var data []byte
		p, st, hit := l.cached(fileRel)
		_, dup := seen[p.envName()]
		if hit && p.Env != nil && strings.TrimSpace(p.Env.Name) != "" && !dup {
			if _, err := checkVariables(p.Env.Variables); err == nil {
				ef = *p.Env
			} else {
				hit = false
			}
		} else {
			hit = false
		}
		if !hit {
			var err error
			data, err = os.ReadFile(file)
			if err != nil {
				l.problem(&FileError{File: file, Msg: "cannot read: " + err.Error(), Err: err})
				continue
			}
			if ferr := decodeYAML(file, data, &ef); ferr != nil {
				l.problem(ferr)
				continue
			}
		}
		if strings.TrimSpace(ef.Name) == "" {
			l.problem(&FileError{File: file, Line: lineOf(data, "name"), Msg: "the environment has no name"})
			continue
		}
		if i, err := checkVariables(ef.Variables); err != nil {
			l.problem(&FileError{File: file, Line: lineOf(data, "variables", i), Msg: err.Error()})
			continue
		}
		if prev, dup := seen[ef.Name]; dup {
			l.problem(&FileError{File: file, Line: lineOf(data, "name"), Msg: fmt.Sprintf("environment %q is also defined in %s", ef.Name, prev)})
			continue
		}
		seen[ef.Name] = n
		if !hit {
			l.remember(fileRel, st, data, parsedFile{Env: &ef})
		}
		env := &Environment{Name: ef.Name, Description: ef.Description, Variables: variablesFromFile(ef.Variables), fileName: n}
		l.own(fileRel, environmentStruct(env))
		envs = append(envs, env)
	}
	return envs
}

// ---- encoding the model ----

func mustEncode(v any) []byte {
	b, err := encodeYAML(v)
	if err != nil {
		// Our own structs of strings, numbers and lists always encode.
		panic(fmt.Sprintf("collections: encoding %T: %v", v, err))
	}
	return b
}

func orderOf(items []Item) []string {
	var order []string
	for _, it := range items {
		switch it := it.(type) {
		case *Request:
			order = append(order, it.fileName)
		case *Folder:
			order = append(order, it.dirName)
		case *Broken:
			name := path.Base(it.File)
			if name == FolderFile {
				name = path.Base(path.Dir(it.File))
			}
			order = append(order, name)
		}
	}
	return order
}

func (c *Collection) collectionStruct(order []string) *collectionFile {
	cf := collectionFile{Name: c.Name, ID: c.ID, Description: c.Description,
		Variables: variablesToFile(c.Variables), Headers: paramsToFile(c.Headers), Auth: authToFile(c.Auth), Order: order}
	if c.Settings.InsecureSkipVerify {
		cf.Settings = &collectionSettingsFile{InsecureSkipVerify: true}
	}
	return &cf
}

func folderStruct(f *Folder) *folderFile {
	return &folderFile{Name: f.Name, Description: f.Description, Variables: variablesToFile(f.Variables),
		Headers: paramsToFile(f.Headers), Auth: authToFile(f.Auth), Order: orderOf(f.Items)}
}

func environmentStruct(e *Environment) *environmentFile {
	return &environmentFile{Name: e.Name, Description: e.Description, Variables: variablesToFile(e.Variables)}
}

// MarshalRequest returns the file form of a request, as Save writes it.
func MarshalRequest(r *Request) []byte { return mustEncode(requestToFile(r)) }

// FileStem is the file name Save gives an item named name, without an
// extension: characters no file system takes become "_". Tools that write
// one file per request (mistbench code -o) use it to mirror the collection.
func FileStem(name string) string { return fileStem(name) }

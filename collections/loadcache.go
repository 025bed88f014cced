package collections

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// parseCache remembers the parsed form of a collection's request files,
// keyed by path, size and modification time, so opening a large collection
// does not parse again the YAML of files that did not change: parsing is
// 30 µs a file, a cached entry under 10. Git's index works the same way,
// and like git it distrusts an entry whose file changed within a moment
// of the cache being written ("racy" entries), since a second change in
// that moment could keep size and time alike.
//
// It is JSON, not gob: gob drops zero values behind pointers (a
// follow_redirects: false) and empty lists, and the cache must give back
// exactly what parsing gives.
//
// The cache is only an optimisation: any error reading it means parsing,
// and it is written only for collections large enough to gain.
type parseCache struct {
	path    string
	written int64 // when the cache read was written (unix ns)
	old     map[string]cachedFile

	mu     sync.Mutex
	next   map[string]cachedFile
	misses int
}

type cachedFile struct {
	Size    int64
	ModTime int64 // unix ns
	File    requestFile
}

type parseCacheFile struct {
	Version int
	Dir     string
	Written int64
	Files   map[string]cachedFile
}

const (
	parseCacheVersion = 1
	// parseCacheMin: smaller collections parse in a few ms; no file for them.
	parseCacheMin = 50
	// racyWindow: entries of files changed this close to the cache's
	// writing are parsed again.
	racyWindow = 2 * time.Second
)

// openParseCache reads the cache of the collection in dir; nil when there
// is no user directory to keep it in.
func openParseCache(dir string) *parseCache {
	user, err := UserDir()
	if err != nil {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(abs))
	pc := &parseCache{
		path: filepath.Join(user, "cache", "parse-"+hex.EncodeToString(sum[:12])+".json"),
		next: map[string]cachedFile{},
	}
	data, err := os.ReadFile(pc.path)
	if err != nil {
		return pc
	}
	var f parseCacheFile
	if json.Unmarshal(data, &f) != nil || f.Version != parseCacheVersion || f.Dir != abs {
		return pc
	}
	pc.old, pc.written = f.Files, f.Written
	return pc
}

// lookup returns the parsed file at rel if the cache holds it for this
// size and modification time.
func (pc *parseCache) lookup(rel string, st fs.FileInfo) (requestFile, bool) {
	if pc == nil || pc.old == nil {
		return requestFile{}, false
	}
	e, ok := pc.old[rel]
	mod := st.ModTime().UnixNano()
	if !ok || e.Size != st.Size() || e.ModTime != mod || mod >= pc.written-int64(racyWindow) {
		return requestFile{}, false
	}
	pc.mu.Lock()
	pc.next[rel] = e
	pc.mu.Unlock()
	return e.File, true
}

// store records a file parsed now.
func (pc *parseCache) store(rel string, st fs.FileInfo, rf *requestFile) {
	if pc == nil || st == nil {
		return
	}
	pc.mu.Lock()
	pc.next[rel] = cachedFile{Size: st.Size(), ModTime: st.ModTime().UnixNano(), File: *rf}
	pc.misses++
	pc.mu.Unlock()
}

// save writes the cache when this load parsed anything or dropped
// entries; errors are ignored (the next load parses).
func (pc *parseCache) save(dir string) {
	if pc == nil || len(pc.next) < parseCacheMin || pc.misses == 0 && len(pc.next) == len(pc.old) {
		return
	}
	// Entries of files changed just now would not be trusted when read
	// back: leave them out, and write nothing if that leaves nothing new.
	now := time.Now().UnixNano()
	fresh := 0
	for rel, e := range pc.next {
		if e.ModTime >= now-int64(racyWindow) {
			delete(pc.next, rel)
		} else if _, had := pc.old[rel]; !had || pc.old[rel].ModTime != e.ModTime {
			fresh++
		}
	}
	if fresh == 0 && len(pc.next) == len(pc.old) || len(pc.next) < parseCacheMin {
		return
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	data, err := json.Marshal(parseCacheFile{Version: parseCacheVersion, Dir: abs, Written: now, Files: pc.next})
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(pc.path), 0o700) != nil {
		return
	}
	_ = writeFileAtomic(pc.path, data, 0o600, false)
}

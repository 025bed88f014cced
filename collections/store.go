package collections

// diskState remembers what Load read so Save rewrites only what changed.
type diskState struct {
	files map[string][]byte // relative path -> canonical bytes as loaded
}

// Load reads the collection in dir. A file that cannot be read or parsed
// is reported in Problems (with file and line) and kept in the tree as a
// *Broken item; the rest of the collection still loads. The error is for
// what stops loading altogether (no such directory, no collection.yaml).
func Load(dir string) (*Collection, error) {
	return nil, errNotYet
}

// SaveOptions adjust Save.
type SaveOptions struct {
	// AllowLiteralSecrets saves credentials written literally into headers,
	// auth or non-secret variables. Only when the user asks in so many words.
	AllowLiteralSecrets bool
}

// Save writes the collection to c.Dir (creating it), atomically per file,
// touching only files whose content changed, and removing the files of
// requests and folders that are no longer in the tree. Broken files are
// never touched.
func (c *Collection) Save(opts SaveOptions) error {
	return errNotYet
}

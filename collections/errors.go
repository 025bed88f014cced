package collections

import "fmt"

// FileError is a problem with one file of a collection, at a line when known.
type FileError struct {
	File string // path as given to Load, joined with the file's relative path
	Line int    // 1-based; 0 when the problem is not at a line
	Msg  string
	Err  error // underlying error, if any
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func (e *FileError) Unwrap() error { return e.Err }

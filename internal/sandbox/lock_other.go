//go:build !unix

package sandbox

// lockDir is a no-op where flock(2) does not exist: one sandbox per data
// directory is then the user's care.
func lockDir(dir string) (func(), error) { return func() {}, nil }

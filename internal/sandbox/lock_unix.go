//go:build unix

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive lock on dir for the life of the process (or
// until release), so two sandboxes never share one state file and lose
// each other's writes. The kernel drops the lock if the process dies.
func lockDir(dir string) (release func(), err error) {
	name := filepath.Join(dir, ".lock")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sandbox data directory %s is in use by another sandbox: %w", dir, ErrDataInUse)
		}
		return nil, fmt.Errorf("sandbox data directory %s: locking: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

package collections

import (
	"fmt"
	"os"
	"path/filepath"
)

// UserDir is where mistbench keeps the user's own state, outside every
// collection: the secret store, history, session cookies and config.
// MISTBENCH_HOME overrides it (tests point it at a temporary directory).
func UserDir() (string, error) {
	if d := os.Getenv("MISTBENCH_HOME"); d != "" {
		return d, nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the user config directory: %w", err)
	}
	return filepath.Join(cfg, "mistbench"), nil
}

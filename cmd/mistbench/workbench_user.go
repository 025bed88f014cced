package main

import (
	"fmt"
	"path/filepath"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/workbench"
)

// withUserState adds what the workbench keeps in the user's directory:
// the history (unless set) and the keys of config.yaml. A bad key entry
// does not stop the workbench: it opens with that action's default keys
// and shows the error (file, line, binding) on its status line.
func withUserState(cfg workbench.Config) workbench.Config {
	dir, err := collections.UserDir()
	if err != nil {
		cfg.KeyErrors = append(cfg.KeyErrors, err)
		return cfg
	}
	if cfg.History == nil {
		if h, err := history.Open(dir); err == nil {
			cfg.History = h
		} else {
			cfg.KeyErrors = append(cfg.KeyErrors, fmt.Errorf("opening the history: %w", err))
		}
	}
	keys, errs := workbench.LoadKeymap(filepath.Join(dir, "config.yaml"))
	cfg.Keys = keys
	cfg.KeyErrors = append(cfg.KeyErrors, errs...)
	return cfg
}

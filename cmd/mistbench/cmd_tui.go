package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/workbench"
)

// runWorkbench opens the workbench on DIR: the argument, else the current
// directory when it holds a collection, else the user's workspace (made
// from the Mist starter collection the first time).
func runWorkbench(cmd *cobra.Command, io streams, args []string) error {
	if !isTerminal(io.In) || !isTerminal(io.Out) {
		return usageErrorf("the workbench needs a terminal; to send a request from a script use: mistbench send COLL REQ")
	}
	dir, err := workbenchDir(args)
	if err != nil {
		return err
	}
	c, err := openCollection(dir)
	if err != nil {
		return err
	}
	for _, p := range c.Problems {
		fmt.Fprintln(io.Err, "mistbench: warning:", p)
	}
	store, err := collections.DefaultSecretStore()
	if err != nil {
		return fmt.Errorf("opening the secret store: %w", err)
	}
	userDir, err := collections.UserDir()
	if err != nil {
		return err
	}
	hist, err := history.Open(userDir)
	if err != nil {
		return fmt.Errorf("opening the history: %w", err)
	}
	env := defaultEnv(c)
	return workbench.Run(cmd.Context(), withUserState(workbench.Config{Collection: c, Env: env, Secrets: store, History: hist}))
}

func workbenchDir(args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	if _, err := os.Stat(collections.CollectionFile); err == nil {
		return ".", nil
	}
	home, err := collections.UserDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(home, "workspace")
	if _, err := os.Stat(filepath.Join(dir, collections.CollectionFile)); errors.Is(err, fs.ErrNotExist) {
		if _, err := collections.WriteStarter(dir); err != nil {
			return "", fmt.Errorf("making your workspace at %s: %w", dir, err)
		}
	}
	return dir, nil
}

// defaultEnv picks the environment the workbench opens with: the sandbox,
// else the first Mist cloud, else the first environment there is.
func defaultEnv(c *collections.Collection) string {
	for _, name := range []string{"Sandbox", "Global 01"} {
		if c.Environment(name) != nil {
			return name
		}
	}
	if len(c.Environments) > 0 {
		return c.Environments[0].Name
	}
	return ""
}

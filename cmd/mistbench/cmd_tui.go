package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Owned by the workbench work: the TUI entry point.

func runWorkbench(cmd *cobra.Command, io streams, args []string) error {
	return errors.New("the workbench is not built yet")
}

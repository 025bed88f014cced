package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// notYet stands in for a command whose owner has not landed it. Delete
// this file once no command uses it.
func notYet(name string) *cobra.Command {
	return &cobra.Command{Use: name, Hidden: true, RunE: func(*cobra.Command, []string) error {
		return errors.New(name + ": not built yet")
	}}
}

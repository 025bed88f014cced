package main

import "github.com/spf13/cobra"

// ls, new, and opening collections and environments.

func newLsCmd(io streams) *cobra.Command  { return notYet("ls") }
func newNewCmd(io streams) *cobra.Command { return notYet("new") }

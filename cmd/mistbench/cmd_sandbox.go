package main

import "github.com/spf13/cobra"

// Owned by the sandbox work: sandbox, demo.

func newSandboxCmd(io streams) *cobra.Command { return notYet("sandbox") }
func newDemoCmd(io streams) *cobra.Command    { return notYet("demo") }

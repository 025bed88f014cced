package main

import "github.com/spf13/cobra"

// Owned by the interop work: import, export.

func newImportCmd(io streams) *cobra.Command { return notYet("import") }
func newExportCmd(io streams) *cobra.Command { return notYet("export") }

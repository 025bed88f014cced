package main

import "github.com/spf13/cobra"

// Owned by the codegen work: code.

func newCodeCmd(io streams) *cobra.Command { return notYet("code") }

// Package depspin keeps go.mod requirements in place while the packages that use them are written; deleted once they are.
package depspin

import (
	_ "github.com/alecthomas/chroma/v2"
	_ "github.com/gdamore/tcell/v2"
	_ "github.com/google/uuid"
	_ "github.com/itchyny/gojq"
	_ "github.com/rivo/tview"
	_ "github.com/spf13/cobra"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/term"
	_ "mvdan.cc/sh/v3/syntax"
)

// Command mistbench is a terminal HTTP request workbench for the Juniper
// Mist cloud API and any other HTTP API.
//
// main is thin: it builds the command tree and turns errors into exit
// codes in one place (0 ok, 1 a request or check failed, 2 usage).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/internal/termsafe"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports bad arguments (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failedError reports a request or check that failed (exit 1) whose
// details were already printed.
func failedError(err error) error { return &exitError{code: exitFailed, err: err} }

// streams are the process's standard streams, replaceable in tests.
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, io streams) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(io.Err, "mistbench:", termsafe.String(ee.err.Error()))
		}
		return ee.code
	}
	// Errors can quote a server, a file or a name: never let them reach
	// the terminal as control sequences.
	fmt.Fprintln(io.Err, "mistbench:", termsafe.String(err.Error()))
	if isFlagError(err) {
		return exitUsage
	}
	return exitFailed
}

// flagError marks errors cobra reports for bad flags and arguments.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}

func newRootCmd(io streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "mistbench [DIR]",
		Short: "A terminal HTTP request workbench for the Juniper Mist API",
		Long: `mistbench is Postman in the terminal, built first for the Juniper Mist cloud API.

Browse a collection of saved requests, fill :path variables, send, read the
highlighted response, and export any request as curl, Python or Go.
Collections are plain YAML files that diff well in git.

With no command, mistbench opens the workbench on DIR (default: the current
directory when it holds a collection.yaml, else your workspace).
Without a Mist account, "mistbench demo" runs everything against a local
Mist sandbox.`,
		Example: `  mistbench demo                                  # try it on the built-in sandbox
  mistbench new ./mist                            # write the Mist starter collection
  mistbench ./mist                                # open the workbench on it
  mistbench send ./mist "WLANs/Get WLAN" -e "Global 01"`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWorkbench(cmd, io, args)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
	root.AddCommand(
		newLsCmd(io),
		newNewCmd(io),
		newSendCmd(io),
		newRunCmd(io),
		newCodeCmd(io),
		newImportCmd(io),
		newExportCmd(io),
		newSandboxCmd(io),
		newDemoCmd(io),
		newHistoryCmd(io),
	)
	// Completion of COLL and REQ/FOLDER arguments, in one place.
	for _, c := range root.Commands() {
		if c.ValidArgsFunction != nil {
			continue
		}
		switch c.Name() {
		case "send", "code":
			c.ValidArgsFunction = completeCollectionThenRequest
		case "run":
			c.ValidArgsFunction = completeCollectionThenFolder
		}
	}
	return root
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &flagError{fmt.Errorf("%s takes %d argument(s), got %d; see %s --help", cmd.CommandPath(), n, len(args), cmd.CommandPath())}
		}
		return nil
	}
}

// rangeArgs is cobra.RangeArgs with a usage exit code.
func rangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return &flagError{fmt.Errorf("%s takes %d to %d arguments, got %d; see %s --help", cmd.CommandPath(), lo, hi, len(args), cmd.CommandPath())}
		}
		return nil
	}
}

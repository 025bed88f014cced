package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/internal/termsafe"
)

// mistbench history: list and show what was sent.

func newHistoryCmd(io streams) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "history [list|show ID|clear]",
		Short: "List the requests you sent, show one, or clear the history",
		Long: `List the requests sent by send, run and the workbench, newest first, or show
one in full (request, headers, body and the answer's summary and body up to
64 KB). The history lives in your user directory, never in a collection;
credentials (Authorization, Cookie, Set-Cookie, X-CSRFToken and every secret
variable's value) are redacted before anything is written. ID may be the
start of an ID when only one entry has it. "clear" deletes the history.`,
		Example: `  mistbench history
  mistbench history list -n 50
  mistbench history show 01939a2c
  mistbench history clear`,
		Args:      rangeArgs(0, 2),
		ValidArgs: []string{"list", "show", "clear"},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := collections.UserDir()
			if err != nil {
				return err
			}
			st, err := history.Open(dir)
			if err != nil {
				return err
			}
			switch {
			case len(args) == 0 || args[0] == "list" && len(args) == 1:
				return historyList(io, st, limit)
			case args[0] == "show" && len(args) == 2:
				e, err := st.Get(args[1])
				if err != nil {
					return failedError(err)
				}
				historyShow(io, e)
				return nil
			case args[0] == "clear" && len(args) == 1:
				return st.Clear()
			}
			return usageErrorf("history: want \"list\", \"show ID\" or \"clear\"; see mistbench history --help")
		},
	}
	cmd.Flags().IntVarP(&limit, "number", "n", 20, "how many entries to list (0: all)")
	return cmd
}

func historyList(io streams, st *history.Store, limit int) error {
	list, err := st.List(limit)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(io.Err, "mistbench: the history is empty")
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tMETHOD\tURL\tSTATUS\tTIME(ms)\tSIZE\tREQUEST")
	for _, e := range list {
		status := fmt.Sprint(e.Status)
		if e.Error != "" {
			status = "error"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n", e.ID, e.Time.Local().Format("2006-01-02 15:04:05"),
			termsafe.Line(e.Method), termsafe.Line(shorten(e.URL, 70)), status,
			float64(e.Duration)/float64(time.Millisecond), humanSize(e.Size), termsafe.Line(e.Request))
	}
	return tw.Flush()
}

func shorten(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func historyShow(io streams, e *history.Entry) {
	var b strings.Builder
	fmt.Fprintf(&b, "id:       %s\ntime:     %s\n", e.ID, e.Time.Local().Format(time.RFC3339))
	if e.Request != "" {
		fmt.Fprintf(&b, "request:  %s (%s)\n", e.Request, e.Collection)
	}
	if e.Env != "" {
		fmt.Fprintf(&b, "env:      %s\n", e.Env)
	}
	fmt.Fprintf(&b, "\n%s %s\n", e.Method, e.URL)
	for _, h := range e.RequestHeaders {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	writeKeptBody(&b, e.RequestBody)
	b.WriteString("\n")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%s %d %s  %.1f ms  %s\n", e.Proto, e.Status, e.StatusText, float64(e.Duration)/float64(time.Millisecond), humanSize(e.Size))
		for _, h := range e.ResponseHeaders {
			fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
		}
		writeKeptBody(&b, e.ResponseBody)
	}
	for _, w := range e.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	if e.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", e.Error)
	}
	out := b.String()
	if isTerminal(io.Out) {
		out = termsafe.String(out)
	}
	fmt.Fprint(io.Out, out)
}

func writeKeptBody(b *strings.Builder, body history.Body) {
	switch {
	case body.Note != "":
		fmt.Fprintf(b, "\n(%s)\n", body.Note)
	case body.Base64:
		fmt.Fprintf(b, "\n(binary body, %d bytes)\n", body.Size)
	case body.Text != "":
		b.WriteString("\n" + body.Text)
		if !strings.HasSuffix(body.Text, "\n") {
			b.WriteString("\n")
		}
		if body.Truncated {
			fmt.Fprintf(b, "(… %d bytes in all; only the start is kept)\n", body.Size)
		}
	}
}

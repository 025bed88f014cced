package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/termsafe"
)

// ls, new, and shell completion of collection and request paths.

func newLsCmd(io streams) *cobra.Command {
	return &cobra.Command{
		Use:   "ls COLL",
		Short: "List every request of a collection: path, method and URL",
		Long: `List every request of a collection, one a line: its path as the tree shows it
(Folder/Sub/Name, the REQ argument of send and code), its method and its URL.
Files that could not be loaded are reported on stderr with file and line.`,
		Example:           `  mistbench ls ./mist`,
		Args:              exactArgs(1),
		ValidArgsFunction: completeCollectionThenRequest,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := openCollection(args[0])
			if err != nil {
				return err
			}
			reportProblems(io, c)
			tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
			c.Walk(func(path []*collections.Folder, req *collections.Request) {
				m := req.Method
				if m == "" {
					m = "GET"
				}
				// Names and URLs come from files anyone may have edited:
				// nothing in them reaches the terminal as a control sequence.
				fmt.Fprintf(tw, "%s\t%s\t%s\n", termsafe.Line(collections.RequestPath(path, req)), termsafe.Line(m), termsafe.Line(req.URL))
			})
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(c.Problems) > 0 {
				return failedError(fmt.Errorf("%d file(s) of %s could not be loaded", len(c.Problems), args[0]))
			}
			return nil
		},
	}
}

// reportProblems prints the files of a collection that did not load.
func reportProblems(io streams, c *collections.Collection) {
	for _, p := range c.Problems {
		fmt.Fprintln(io.Err, "mistbench: warning:", termsafe.String(p.Error()))
	}
}

func newNewCmd(io streams) *cobra.Command {
	return &cobra.Command{
		Use:   "new DIR",
		Short: "Write the Mist starter collection into DIR",
		Long: `Write the Mist starter collection into DIR (created if needed; it must not
hold a collection already): who am I, API tokens, login, sites, site and org
WLANs, API usage, with an environment per Mist cloud. Then open it with
"mistbench DIR", pick your cloud with Ctrl+E and set your API token: it is
kept in your secret store, never in DIR.`,
		Example: `  mistbench new ./mist && mistbench ./mist
  mistbench new ./mist && MIST_APITOKEN=... mistbench send ./mist "Auth/Who am I" -e "Global 01"`,
		Args: exactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := collections.WriteStarter(args[0])
			if err != nil {
				return err
			}
			n := 0
			c.Walk(func([]*collections.Folder, *collections.Request) { n++ })
			fmt.Fprintf(io.Out, "wrote %q to %s: %d requests, %d environments\nnext: mistbench %s\n", c.Name, args[0], n, len(c.Environments), shellQuote(args[0]))
			return nil
		},
	}
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// completeCollectionThenRequest completes COLL (files and directories) as
// the first argument and REQ (request paths of COLL) as the second.
func completeCollectionThenRequest(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return nil, cobra.ShellCompDirectiveDefault
	case 1:
		return completeRequestPaths(args[0], toComplete, false)
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completeCollectionThenFolder completes COLL then a FOLDER of it.
func completeCollectionThenFolder(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return nil, cobra.ShellCompDirectiveDefault
	case 1:
		return completeRequestPaths(args[0], toComplete, true)
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completeRequestPaths lists the request (or folder) paths of the
// collection at coll that start with prefix.
func completeRequestPaths(coll, prefix string, folders bool) ([]string, cobra.ShellCompDirective) {
	if st, err := os.Stat(coll); err != nil || !st.IsDir() && filepath.Ext(coll) != ".json" {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, err := openCollection(coll)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	seen := map[string]bool{}
	c.Walk(func(path []*collections.Folder, req *collections.Request) {
		if folders {
			for i := range path {
				p := collections.RequestPath(path[:i], &collections.Request{Name: path[i].Name})
				if !seen[p] && strings.HasPrefix(p, prefix) {
					seen[p] = true
					out = append(out, p)
				}
			}
			return
		}
		p := collections.RequestPath(path, req)
		if strings.HasPrefix(p, prefix) {
			out = append(out, p+"\t"+strings.TrimSpace(req.Method+" "+req.URL))
		}
	})
	return out, cobra.ShellCompDirectiveNoFileComp
}

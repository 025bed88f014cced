package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
	"github.com/mistbench/mistbench/internal/termsafe"
)

// mistbench run: every request of a collection or folder, in order.

type runCmdFlags struct {
	sendFlags
	reports []string
	bail    bool
	retry   int
	quiet   bool
}

func newRunCmd(io streams) *cobra.Command {
	f := &runCmdFlags{}
	cmd := &cobra.Command{
		Use:   "run COLL [FOLDER]",
		Short: "Send every request of a collection or folder, in order, and report",
		Long: `Send the requests of COLL (a collection directory or a Postman v2.1 file), or
of its FOLDER, in tree order. Captures apply as it goes, so a request can use
what an earlier one captured (an API token, org_id, site_id). Each request's
declarative checks (expect: status and jq) decide whether it passed; a
request without checks fails on a status outside 2xx and 3xx.

A progress line shows on stderr when it is a terminal; the summary table goes
to stdout; --report writes JUnit XML or JSON for CI (repeatable).

Exit status: 0 when every request passed, 1 otherwise, 2 for bad usage.`,
		Example: `  mistbench run ./mist -e "Global 01"
  mistbench run ./mist WLANs -e "EMEA 01" --report junit:results.xml --bail
  mistbench run mist.postman_collection.json -e mist.postman_env.json --retry-429 --report json:run.json`,
		Args:              rangeArgs(1, 2),
		ValidArgsFunction: completeCollectionThenFolder,
		RunE: func(cmd *cobra.Command, args []string) error {
			folder := ""
			if len(args) == 2 {
				folder = args[1]
			}
			return runRun(cmd.Context(), io, args[0], folder, f)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&f.reports, "report", nil, "write a report: junit:FILE or json:FILE (repeatable)")
	fl.BoolVar(&f.bail, "bail", false, "stop at the first request that fails")
	fl.IntVar(&f.retry, "retry-429", 0, "on 429 Too Many Requests, wait (Retry-After, else backoff) and retry up to N times")
	fl.Lookup("retry-429").NoOptDefVal = "5"
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the failures and the totals")
	return cmd
}

// runResult is one request's outcome (also the JSON report's row).
type runResult struct {
	Request  string     `json:"request"`
	Method   string     `json:"method"`
	URL      string     `json:"url"`
	Status   int        `json:"status,omitempty"`
	Time     float64    `json:"time_ms"`
	Size     int64      `json:"size"`
	Passed   bool       `json:"passed"`
	Failures []string   `json:"failures,omitempty"`
	Checks   []runCheck `json:"checks,omitempty"`
	Captured []string   `json:"captured,omitempty"` // names only: values may be secret
	Warnings []string   `json:"warnings,omitempty"`
	duration time.Duration
}

type runCheck struct {
	Check  string `json:"check"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail,omitempty"`
}

type report struct{ kind, path string }

func parseReports(specs []string) ([]report, error) {
	var out []report
	for _, s := range specs {
		kind, path, ok := strings.Cut(s, ":")
		if !ok || path == "" || kind != "junit" && kind != "json" {
			return nil, usageErrorf("--report %q: want junit:FILE or json:FILE", s)
		}
		out = append(out, report{kind, path})
	}
	return out, nil
}

type runItem struct {
	req  *collections.Request
	path []*collections.Folder
}

func runRun(ctx context.Context, io streams, collPath, folder string, f *runCmdFlags) error {
	reports, err := parseReports(f.reports)
	if err != nil {
		return err
	}
	s, err := openSession(io, collPath, "", &f.sendFlags, f.retry)
	if err != nil {
		return err
	}
	defer s.engine.Close()

	var items []runItem
	var prefix string
	if folder != "" {
		fo, parents, err := s.coll.FindFolder(folder)
		if err != nil {
			return usageErrorf("%w", err)
		}
		prefix = strings.Join(append(folderNames(parents), fo.Name), "/")
		sub := &collections.Collection{Items: fo.Items}
		base := append(append([]*collections.Folder(nil), parents...), fo)
		sub.Walk(func(p []*collections.Folder, r *collections.Request) {
			items = append(items, runItem{r, append(append([]*collections.Folder(nil), base...), p...)})
		})
	} else {
		s.coll.Walk(func(p []*collections.Folder, r *collections.Request) {
			items = append(items, runItem{r, append([]*collections.Folder(nil), p...)})
		})
	}
	if len(items) == 0 {
		return usageErrorf("nothing to run: no request in %s", strings.TrimSpace(collPath+" "+prefix))
	}

	progress := isTerminal(io.Err)
	start := time.Now()
	var results []*runResult
	anyChanged := false
	failed := 0
	for i, it := range items {
		if ctx.Err() != nil {
			break
		}
		name := collections.RequestPath(it.path, it.req)
		if progress {
			fmt.Fprintf(io.Err, "\r\x1b[K[%d/%d] %s", i+1, len(items), termsafe.Line(name))
		}
		res, changed := s.runOne(ctx, it, name)
		anyChanged = anyChanged || changed
		results = append(results, res)
		if !res.Passed {
			failed++
			if f.bail {
				break
			}
		}
	}
	total := time.Since(start)
	if progress {
		fmt.Fprint(io.Err, "\r\x1b[K")
	}
	if anyChanged {
		s.persist()
	}
	printSummary(io, results, f.quiet)
	fmt.Fprintf(io.Out, "%d request(s), %d passed, %d failed, %s\n", len(results), len(results)-failed, failed, total.Round(time.Millisecond))
	if len(results) < len(items) {
		fmt.Fprintf(io.Out, "%d request(s) not run\n", len(items)-len(results))
	}
	for _, rp := range reports {
		if err := writeReport(rp, s.coll.Name, results, total); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return failedError(fmt.Errorf("run interrupted: %w", ctx.Err()))
	}
	if failed > 0 {
		return failedError(errors.New(""))
	}
	return nil
}

func folderNames(fs []*collections.Folder) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// runOne sends one request of a run and judges it.
func (s *session) runOne(ctx context.Context, it runItem, name string) (*runResult, bool) {
	res := &runResult{Request: name, Method: it.req.Method}
	if res.Method == "" {
		res.Method = "GET"
	}
	r, err := s.resolve(it.req, it.path)
	if err != nil {
		res.Failures = append(res.Failures, err.Error())
		return res, false
	}
	res.URL = redactedURL(r)
	resp, sendErr := s.engine.Do(ctx, r)
	defer resp.Close()
	captured, capErr, changed := s.afterResponse(ctx, it.req, it.path, r, resp, sendErr)
	if resp != nil {
		res.Status, res.Size, res.duration = resp.StatusCode, resp.Size, resp.Timing.Total
		res.Time = float64(resp.Timing.Total.Microseconds()) / 1000
		res.Warnings = resp.Warnings
		if resp.RateLimit != nil {
			res.Failures = append(res.Failures, resp.RateLimit.String())
		}
	}
	if sendErr != nil {
		res.Failures = append(res.Failures, sendErr.Error())
	} else {
		checks := send.CheckExpect(ctx, resp, it.req.Expect)
		for _, c := range checks {
			res.Checks = append(res.Checks, runCheck{c.Check, c.Passed, c.Detail})
			if !c.Passed {
				res.Failures = append(res.Failures, c.Check+": "+c.Detail)
			}
		}
		if len(it.req.Expect.Status) == 0 && (resp.StatusCode < 200 || resp.StatusCode > 399) && resp.RateLimit == nil {
			res.Failures = append(res.Failures, "status "+resp.Status())
		}
	}
	for _, c := range captured {
		res.Captured = append(res.Captured, c.Var)
	}
	if capErr != nil {
		res.Failures = append(res.Failures, capErr.Error())
	}
	res.Passed = len(res.Failures) == 0
	return res, changed
}

func printSummary(io streams, results []*runResult, quiet bool) {
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tREQUEST\tMETHOD\tSTATUS\tTIME\tSIZE\tRESULT")
	for i, r := range results {
		if quiet && r.Passed {
			continue
		}
		status := "-"
		if r.Status != 0 {
			status = fmt.Sprint(r.Status)
		}
		result := "ok"
		if !r.Passed {
			result = "FAIL: " + strings.Join(r.Failures, "; ")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, termsafe.Line(r.Request), r.Method, status,
			r.duration.Round(100*time.Microsecond), humanSize(r.Size), termsafe.Line(result))
	}
	tw.Flush()
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// JUnit XML, the shape CI systems read.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Time    string       `xml:"time,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name  string      `xml:"name,attr"`
	Tests int         `xml:"tests,attr"`
	Fails int         `xml:"failures,attr"`
	Time  string      `xml:"time,attr"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeReport(rp report, collName string, results []*runResult, total time.Duration) error {
	failed := 0
	for _, r := range results {
		if !r.Passed {
			failed++
		}
	}
	var data []byte
	var err error
	switch rp.kind {
	case "json":
		data, err = json.MarshalIndent(struct {
			Collection string       `json:"collection"`
			Total      float64      `json:"total_ms"`
			Requests   int          `json:"requests"`
			Failed     int          `json:"failed"`
			Results    []*runResult `json:"results"`
		}{collName, float64(total.Microseconds()) / 1000, len(results), failed, results}, "", "  ")
	case "junit":
		suite := junitSuite{Name: collName, Tests: len(results), Fails: failed, Time: seconds(total)}
		for _, r := range results {
			jc := junitCase{Name: r.Request, Classname: collName, Time: seconds(r.duration)}
			if !r.Passed {
				jc.Failure = &junitFailure{Message: strings.Join(r.Failures, "; "), Text: r.Method + " " + r.URL + "\n" + strings.Join(r.Failures, "\n")}
			}
			suite.Cases = append(suite.Cases, jc)
		}
		data, err = xml.MarshalIndent(junitSuites{Name: collName, Tests: len(results), Fails: failed, Time: seconds(total), Suites: []junitSuite{suite}}, "", "  ")
		data = append([]byte(xml.Header), data...)
	}
	if err != nil {
		return fmt.Errorf("report %s: %w", rp.path, err)
	}
	if err := os.WriteFile(rp.path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

package collections

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// ImportReport says what an import kept, converted and dropped, per kind
// of thing (request, auth, script, body...), with a note for each
// conversion or loss so nothing is lost silently.
type ImportReport struct {
	Format    string
	Kept      map[string]int
	Converted map[string]int
	Dropped   map[string]int
	Notes     []string // one line per conversion or loss, in input order
	// Secrets holds the values of variables made secret by the import,
	// keyed by environment name ("" for the collection) then variable:
	// the caller puts them in the secret store, never in the collection.
	Secrets map[string]map[string]string
}

// NewImportReport starts an empty report for a format.
func NewImportReport(format string) *ImportReport {
	return &ImportReport{Format: format, Kept: map[string]int{}, Converted: map[string]int{}, Dropped: map[string]int{}}
}

// Keep counts one thing kept as it was.
func (r *ImportReport) Keep(kind string) { r.Kept[kind]++ }

// Convert counts one thing kept in another form and notes how.
func (r *ImportReport) Convert(kind, format string, args ...any) {
	r.Converted[kind]++
	if format != "" {
		r.Notes = append(r.Notes, "converted: "+fmt.Sprintf(format, args...))
	}
}

// Drop counts one thing that could not be kept and notes why.
func (r *ImportReport) Drop(kind, format string, args ...any) {
	r.Dropped[kind]++
	r.Notes = append(r.Notes, "dropped: "+fmt.Sprintf(format, args...))
}

// Add adds what another report counted and noted, after this one's: an
// importer that converts parts in parallel adds their reports in order.
func (r *ImportReport) Add(o *ImportReport) {
	for k, n := range o.Kept {
		r.Kept[k] += n
	}
	for k, n := range o.Converted {
		r.Converted[k] += n
	}
	for k, n := range o.Dropped {
		r.Dropped[k] += n
	}
	r.Notes = append(r.Notes, o.Notes...)
	for env, vars := range o.Secrets {
		for k, v := range vars {
			r.Secret(env, k, v)
		}
	}
}

// Secret records the value of a variable that became secret.
func (r *ImportReport) Secret(env, key, value string) {
	if r.Secrets == nil {
		r.Secrets = map[string]map[string]string{}
	}
	if r.Secrets[env] == nil {
		r.Secrets[env] = map[string]string{}
	}
	r.Secrets[env][key] = value
}

// Lossless reports whether nothing was dropped.
func (r *ImportReport) Lossless() bool { return len(r.Dropped) == 0 }

// Summary is the per-kind table: "kept 12 requests, 3 folders; converted
// 1 auth; dropped 2 scripts".
func (r *ImportReport) Summary() string {
	part := func(label string, m map[string]int) string {
		if len(m) == 0 {
			return ""
		}
		kinds := make([]string, 0, len(m))
		for k := range m {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var s []string
		for _, k := range kinds {
			s = append(s, fmt.Sprintf("%d %s", m[k], k))
		}
		return label + " " + strings.Join(s, ", ")
	}
	var out []string
	for _, p := range []string{part("kept", r.Kept), part("converted", r.Converted), part("dropped", r.Dropped)} {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "nothing imported"
	}
	return strings.Join(out, "; ")
}

// Write prints the summary and up to maxNotes notes (0: all).
func (r *ImportReport) Write(w io.Writer, maxNotes int) {
	fmt.Fprintf(w, "%s import: %s\n", r.Format, r.Summary())
	for i, n := range r.Notes {
		if maxNotes > 0 && i == maxNotes {
			fmt.Fprintf(w, "  ... and %d more (use --verbose to see all)\n", len(r.Notes)-maxNotes)
			break
		}
		fmt.Fprintln(w, "  "+n)
	}
}

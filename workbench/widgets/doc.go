// Package widgets holds the workbench's power-user components as
// self-contained tview primitives with small APIs, so the core (package
// workbench) can drop them in and they are tested apart from the app.
//
// # Threading
//
// Every method is called on the UI goroutine (key handlers, QueueUpdate
// callbacks), like any tview primitive. Widgets that work in the background
// (BodyView) take a post function and deliver every result through it:
//
//	post := func(f func()) { app.QueueUpdateDraw(f) }
//
// post is only ever called from background goroutines, never from a key
// handler, so it cannot deadlock the event loop. Background work stops when
// the body changes or Close is called.
//
// # BodyView: the response body
//
//	v := widgets.NewBodyView(post)
//	v.OnCopy = func(s string) { copyOSC52(s) }   // y
//	v.SetBody(file, size, contentType)          // body kept on disk (*os.File)
//	v.SetText(body, contentType)                // or a small body in memory
//	defer v.Close()
//
// It never loads the body: it keeps a line index (4 bytes a line) built in
// the background (OnProgress reports it) and reads only the rows on
// screen. Bodies up to HighlightLimit (1 MB) are pretty-printed (JSON) and
// coloured; larger ones show at once as received, coloured row by row, and
// a large minified JSON body is pretty-printed to a temporary file (TmpDir)
// and swapped in when ready. Binary bodies show size, type and a hex dump.
// Keys are the data table DefaultBodyKeys (for the help overlay): j/k, g/G,
// PgUp/PgDn, h/l, / n N search (as you type on small bodies), | jq filter
// (live, debounced, cancelled by the next key, errors on the status line,
// object keys suggested as a path is typed), y copy, w save. A jq program
// decodes only what it can observe (programNeed): ".[] | f", "map(f)",
// "sort_by(f)" and the like run on batches of the array, decoded only as
// far as f looks; a program that needs every value decoded (about 3x the
// body) runs on Enter on a body from WholeDecodeAsk (16 MB) up. A jq
// result over 1 MB is written to a temporary file (TmpDir) as it is
// produced, cut at 1 GB, and shown, searched, copied (y), saved (w) and
// paged (JQResult) from there like a large body; the file goes when the
// filter or the body changes and on Close. Replace it with SetKeys, or dispatch from
// the core's keymap with Do(action). While Prompting() is true, pass every
// key (Esc too) to the view. OnFilterDone hears that a jq run finished.
//
// # FuzzyList: the command palette and the tree filter
//
//	l := widgets.NewFuzzyList("> ").SetItems(items) // actions and requests
//	l.OnSelect = func(it widgets.FuzzyItem) { ... }  // Enter or click
//	l.OnCancel = func() { ... }                      // Esc
//
// Put it in a tview.Pages overlay and focus it. For the tree, call
// FuzzyFilter(query, texts) directly: it returns the matching indexes,
// best first, with the matched byte offsets to highlight.
//
// # HistoryList and VarsView
//
// Both are tview.Tables (j/k/g/G and the mouse work) fed plain slices:
// NewHistoryList().SetEntries([]HistoryEntry) with OnSelect to re-open an
// entry, and NewVarsView().SetVars([]VarRow), which never draws a secret.
//
// # Keys and the user's config
//
// ParseKey/FormatKey read and write "ctrl+r", "alt+enter", "f5", "G";
// Binding.Matches compares with a tcell event, and Binding.Event gives the
// event itself (for a keymap keyed by event names, KeyName(b.Event())). LoadKeyConfig reads the keys:
// section of the user's YAML config; each bad entry comes back as a
// *KeyConfigError naming file, line and binding, and that action keeps its
// default. Note that terminals send Ctrl+H, Ctrl+I, Ctrl+M as Backspace,
// Tab, Enter.
//
// # $EDITOR and $PAGER
//
// External{}.EditText(app, text, ".json") suspends the app (app.Suspend,
// from a key handler), runs $VISUAL or $EDITOR on a temporary file and
// returns the edited text; PageText and PageFile run $PAGER.
//
// Untrusted text (bodies, headers, names, server messages) goes through
// Sanitize or the widgets' own drawing, never raw into tview.Print, which
// would also read [style] tags in it.
package widgets

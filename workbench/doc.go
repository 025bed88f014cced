// Package workbench is mistbench's terminal UI: a collection tree, the
// request editor and the response viewer with a live code pane.
//
// How it is put together (read this before adding a feature):
//
//   - Session (state.go) is the UI-free state: the collection, the
//     environment, the request open in the editor (Draft, a clone of the
//     tree's request, so edits are unsaved until Ctrl+S), dirty tracking
//     and the tree selection. Tests drive it without a screen.
//   - One file per view: tree.go, editor.go (with kvtable.go for the
//     key/value tabs and auth.go), response.go (body, headers, timing,
//     code). Each has do(Action) for its pane's actions.
//   - keymap.go is the one key table: Binding{Pane, Key, Action, Help}.
//     The app-level capture (workbench.go) looks keys up there; the footer,
//     the help overlay and Keymap.Markdown are generated from it. A new
//     action is a constant, a row in DefaultBindings and a case in a do.
//     Keymap.Rebind changes keys (for a user's config).
//   - Threading follows tview's rule: key handlers change widgets directly
//     and never call QueueUpdate, QueueUpdateDraw or Draw. Work that takes
//     time (a send, rendering a body, a clipboard tool) goes through
//     Workbench.background, which counts busy tasks, runs with a
//     cancellable context and applies its result on the UI goroutine.
//   - Text from outside (bodies, headers, names) reaches tview only through
//     Safe: termsafe makes control sequences inert, tview.Escape keeps
//     [tags] literal.
//   - Tests: widget tests draw views on a tcell SimulationScreen against
//     golden files (go test -update rewrites them); app tests run the real
//     event loop (harness_test.go: press, sync on a sentinel key, idle on
//     the busy counter, never sleep); tmux_test.go runs mistbench demo in a
//     real terminal.
package workbench

// Package widgets holds the workbench's power-user components as
// self-contained tview primitives, so the core (package workbench) can drop
// them in and test them apart from the app.
//
// Threading: every method is called on the UI goroutine (key handlers,
// QueueUpdate callbacks). Widgets that work in the background take a post
// function at construction and deliver results through it; with tview pass
//
//	post := func(f func()) { app.QueueUpdateDraw(f) }
//
// post is never called from a key handler, only from background
// goroutines, so it cannot deadlock the event loop.
//
// BodyView (NewBodyView(post)) shows a response body of any size: call
// SetBody(readerAt, size, contentType) with the body kept on disk (an
// *os.File) or SetText(bytes, contentType) for small ones; set OnCopy to
// the core's OSC 52 copy; call Close when discarding it. Its keys
// (BodyKeys, for the help overlay) are its own: j/k/g/G, PgUp/PgDn, h/l,
// / n N (search), | (jq), y (copy), w (save). The core may call
// StartSearch, StartFilter, Copy, StartSave from its own keymap instead.
//
// Untrusted text (bodies, headers, server messages) must go through
// Sanitize or the widgets' own drawing, never straight to tview.Print,
// which would also read [tags] in it.
package widgets

package workbench

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/internal/send"
)

// Config is what the workbench runs on.
type Config struct {
	// Collection is the collection shown; required. Saving writes to its Dir.
	Collection *collections.Collection
	// Env names the environment selected at start ("" for none).
	Env string
	// Secrets supplies secret values and stores the ones the user enters
	// (nil: secrets come only from the environment variables they name).
	Secrets SecretStore
	// RootCAs are trusted by the built-in sender in addition to none: nil
	// means the system roots. The demo passes the sandbox's CA.
	RootCAs *x509.CertPool
	// Sender sends requests; nil means the built-in engine.
	Sender Sender
	// Open is the path of a request to open at start ("WLANs/Get WLAN").
	Open string
	// Screen is the screen to draw on; nil means the terminal. Tests pass a
	// tcell.SimulationScreen.
	Screen tcell.Screen
	// Clipboard copies text; nil means OSC 52 through the terminal plus the
	// system clipboard tool where one exists.
	Clipboard func(text string) error
	// History records every request sent, redacted (nil: none).
	History *history.Store
	// Keys overrides the default key table (nil: DefaultBindings).
	Keys *Keymap
	// KeyErrors are the bad entries of the user's key config (LoadKeymap),
	// shown at start.
	KeyErrors []error
}

// Run shows the workbench until the user quits or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	w, err := New(cfg)
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// Workbench is the running UI.
type Workbench struct {
	cfg    Config
	app    *tview.Application
	s      *Session
	keys   *Keymap
	sender Sender
	clip   func(string) error

	pages  *tview.Pages
	header *tview.TextView
	status *tview.TextView
	footer *tview.TextView
	body   *tview.Flex

	tree   *treePane
	editor *editorPane
	resp   *responsePane
	power  *powerLayer

	// modal is the name of the open dialog page ("" when none) and
	// modalBack what had focus before it.
	modal     string
	modalBack tview.Primitive

	ctx context.Context
	// inflight cancels the request being sent (nil when none).
	inflight  context.CancelFunc
	sendStart time.Time
	spinner   int

	busyMu   sync.Mutex
	busy     int
	idleWait chan struct{}

	// onSentinel is called when the test sentinel key is handled.
	onSentinel func()

	// scr is the screen last drawn on (for OSC 52 copies).
	scr tcell.Screen

	statusMsg string
	statusErr bool
}

// sentinelKey is a key no keyboard sends; tests queue it after their keys
// and wait for it to know the keys before it were handled and drawn.
const sentinelKey = tcell.KeyF64

// New builds the workbench without showing it.
func New(cfg Config) (*Workbench, error) {
	s, err := NewSession(cfg.Collection, cfg.Env, cfg.Secrets)
	if err != nil {
		return nil, err
	}
	w := &Workbench{cfg: cfg, s: s, app: tview.NewApplication(), keys: cfg.Keys, sender: cfg.Sender, clip: cfg.Clipboard, ctx: context.Background()}
	if w.keys == nil {
		w.keys = NewKeymap(DefaultBindings)
	}
	if w.sender == nil {
		w.sender = send.New(send.Options{RootCAs: cfg.RootCAs})
	}
	if w.clip == nil {
		w.clip = w.systemClipboard
	}
	if cfg.Screen != nil {
		w.app.SetScreen(cfg.Screen)
	}
	w.build()
	w.buildPower()
	if cfg.Open != "" {
		req, _, err := s.Coll.Find(cfg.Open)
		if err != nil {
			return nil, fmt.Errorf("opening %q: %w", cfg.Open, err)
		}
		w.openRequest(req)
	} else if first := firstRequest(s.Coll); first != nil {
		w.tree.selectItem(first)
	}
	w.refresh()
	if n := len(s.Coll.Problems); n > 0 {
		w.setError(fmt.Errorf("%d file(s) could not be loaded and are marked ✗ in the tree (they stay untouched on disk): %v", n, s.Coll.Problems[0]))
	}
	return w, nil
}

// App returns the tview application (for tests and the demo).
func (w *Workbench) App() *tview.Application { return w.app }

// Session returns the UI-free state.
func (w *Workbench) Session() *Session { return w.s }

// Run shows the workbench until the user quits or ctx ends.
func (w *Workbench) Run(ctx context.Context) error {
	w.ctx = ctx
	stop := context.AfterFunc(ctx, w.app.Stop)
	defer stop()
	err := w.app.Run()
	if w.inflight != nil {
		w.inflight()
	}
	w.closePower()
	if err != nil {
		return fmt.Errorf("workbench: %w", err)
	}
	return nil
}

func firstRequest(c *collections.Collection) *collections.Request {
	var first *collections.Request
	c.Walk(func(_ []*collections.Folder, r *collections.Request) {
		if first == nil {
			first = r
		}
	})
	return first
}

// build lays out the screen.
func (w *Workbench) build() {
	w.header = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	w.status = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	w.footer = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	w.header.SetBackgroundColor(tcell.ColorDarkSlateGray)
	w.footer.SetBackgroundColor(tcell.ColorDarkSlateGray)

	w.tree = newTreePane(w)
	w.editor = newEditorPane(w)
	w.resp = newResponsePane(w)

	right := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(w.editor.root, 0, 2, false).
		AddItem(w.resp.root, 0, 3, false)
	w.body = tview.NewFlex().
		AddItem(w.tree.root, 28, 0, true).
		AddItem(right, 0, 1, false)
	layout := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(w.header, 1, 0, false).
		AddItem(w.body, 0, 1, true).
		AddItem(w.status, 1, 0, false).
		AddItem(w.footer, 1, 0, false)
	w.pages = tview.NewPages().AddPage("main", layout, true, true)
	w.app.SetRoot(w.pages, true).SetFocus(w.tree.view)
	// Mouse clicks focus and select; pasted text arrives as one paste, so a
	// pasted body never runs key bindings.
	w.app.EnableMouse(true).EnablePaste(true)
	w.app.SetInputCapture(w.capture)
	w.app.SetBeforeDrawFunc(func(sc tcell.Screen) bool {
		w.scr = sc
		width, _ := sc.Size()
		w.body.ResizeItem(w.tree.root, treeWidth(width), 0)
		w.refreshChrome()
		return false
	})
}

// currentPane says which pane has focus.
func (w *Workbench) currentPane() Pane {
	switch {
	case w.editor.root.HasFocus():
		return PaneEditor
	case w.resp.root.HasFocus():
		return PaneResponse
	}
	return PaneTree
}

// focusPane moves focus to pane.
func (w *Workbench) focusPane(p Pane) {
	switch p {
	case PaneTree:
		w.app.SetFocus(w.tree.view)
	case PaneEditor:
		w.editor.focus()
	case PaneResponse:
		w.resp.focus()
	}
}

// isTextEntry says whether p takes typed characters, so that plain keys go
// to it rather than to the key table.
func isTextEntry(p tview.Primitive) bool {
	switch p.(type) {
	case *tview.InputField, *tview.TextArea, *tview.DropDown, *tview.List: // a List here is an open drop-down
		return true
	}
	return false
}

// capture is the one app-level key handler: it runs the key table.
func (w *Workbench) capture(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == sentinelKey {
		if w.onSentinel != nil {
			w.onSentinel()
		}
		return nil
	}
	w.statusMsg = ""
	name := KeyName(ev)
	if out, done := w.powerCapture(ev, name); done {
		return out
	}
	if w.modal != "" {
		// Dialogs handle their own keys; only a send in flight can still be
		// cancelled.
		if name == "Ctrl+C" {
			return nil
		}
		return ev
	}
	focused := w.app.GetFocus()
	pane := w.currentPane()
	textEntry := isTextEntry(focused)
	if textEntry && !hasModifier(ev) {
		// Esc first cancels a send in flight, then leaves the field.
		if ev.Key() == tcell.KeyEscape {
			if w.inflight != nil {
				w.cancelSend()
				return nil
			}
			if _, list := focused.(*tview.List); list {
				return ev // an open drop-down closes
			}
			if w.editor.leaveField(focused) {
				return nil
			}
		}
		if ev.Key() != tcell.KeyTab && ev.Key() != tcell.KeyBacktab && !isFunctionKey(ev) {
			return ev
		}
	}
	if name == "Ctrl+C" {
		w.quit()
		return nil
	}
	act, ok := w.keys.Lookup(pane, name)
	if !ok {
		return ev
	}
	if w.do(pane, act) {
		return nil
	}
	return ev
}

func hasModifier(ev *tcell.EventKey) bool {
	if ev.Modifiers()&(tcell.ModCtrl|tcell.ModAlt) != 0 {
		return true
	}
	k := ev.Key()
	return k >= tcell.KeyCtrlA && k <= tcell.KeyCtrlZ && k != tcell.KeyTab && k != tcell.KeyEnter && k != tcell.KeyBackspace
}

func isFunctionKey(ev *tcell.EventKey) bool {
	return ev.Key() >= tcell.KeyF1 && ev.Key() <= tcell.KeyF63
}

// do runs an action; false lets the key through to the widget.
func (w *Workbench) do(pane Pane, act Action) bool {
	if w.powerDo(pane, act) {
		return true
	}
	switch act {
	case ActSend:
		w.send()
	case ActCancel:
		if w.inflight == nil {
			return false
		}
		w.cancelSend()
	case ActSave:
		w.save()
	case ActEnv:
		w.envPicker()
	case ActHelp:
		w.help(pane)
	case ActQuit:
		w.quit()
	case ActNextPane, ActPrevPane:
		order := []Pane{PaneTree, PaneEditor, PaneResponse}
		i := 0
		for k, p := range order {
			if p == pane {
				i = k
			}
		}
		if act == ActNextPane {
			i = (i + 1) % len(order)
		} else {
			i = (i + len(order) - 1) % len(order)
		}
		w.focusPane(order[i])
	case ActFocusTree:
		w.focusPane(PaneTree)
	case ActFocusEdit:
		w.focusPane(PaneEditor)
	case ActFocusResp:
		w.focusPane(PaneResponse)
	case ActShowCode:
		w.resp.showTab(tabCode)
		w.focusPane(PaneResponse)
	default:
		switch pane {
		case PaneTree:
			return w.tree.do(act)
		case PaneEditor:
			return w.editor.do(act)
		case PaneResponse:
			return w.resp.do(act)
		}
		return false
	}
	return true
}

// setStatus shows a message on the status line until the next key.
func (w *Workbench) setStatus(msg string) {
	w.statusMsg, w.statusErr = msg, false
}

// setError shows an error on the status line.
func (w *Workbench) setError(err error) {
	w.statusMsg, w.statusErr = err.Error(), true
}

// refresh updates every view from the session after a change.
func (w *Workbench) refresh() {
	w.editor.load()
	w.draftChanged()
}

// draftChanged updates what depends on the request being edited: the URL
// highlighting, path variable rows, the code tab, the dirty marks.
func (w *Workbench) draftChanged() {
	w.tree.refreshItem(w.s.Orig)
	w.editor.refreshURL()
	w.resp.refreshCode()
}

// refreshChrome redraws the header, status and footer lines; it runs
// before every draw so they always match the state.
func (w *Workbench) refreshChrome() {
	c := w.s.Coll
	env := w.s.EnvName()
	if env == "" {
		env = "no environment"
	}
	host := w.host()
	dirty := ""
	if w.s.Dirty() {
		dirty = " [yellow]● unsaved[-]"
	}
	insecure := ""
	if c.Settings.InsecureSkipVerify {
		insecure = " [red]TLS verification off[-]"
	}
	left := fmt.Sprintf(" [::b]%s[::-] ─ env [aqua]%s[-]", Safe(c.Name), Safe(env))
	if host != "" {
		left += " (" + Safe(host) + ")"
	}
	w.header.SetText(left + dirty + insecure + "  [::d]? help[::-]")

	switch {
	case w.inflight != nil:
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		el := time.Since(w.sendStart).Round(100 * time.Millisecond)
		w.status.SetText(fmt.Sprintf(" [yellow]%s sending… %s[-]  Esc cancels", frames[w.spinner%len(frames)], el))
	case w.statusErr:
		w.status.SetText(" [red]" + Safe(firstLine(w.statusMsg)) + "[-]")
	default:
		w.status.SetText(" " + Safe(w.statusMsg))
	}
	pane := w.currentPane()
	if w.modal != "" {
		w.footer.SetText(" Enter choose  Esc close  ↑↓ move")
	} else {
		w.footer.SetText(" " + tview.Escape(w.keys.Footer(pane)))
	}
	w.tree.root.SetBorderColor(borderColor(pane == PaneTree))
	w.editor.root.SetBorderColor(borderColor(pane == PaneEditor))
	w.resp.root.SetBorderColor(borderColor(pane == PaneResponse))
	title := " Request "
	if w.s.Draft != nil {
		title = " " + Safe(collections.RequestPath(w.s.Path, w.s.Draft)) + " "
		if w.s.DraftDirty() {
			title += "● "
		}
	}
	w.editor.root.SetTitle(title)
}

// treeWidth gives the tree about a quarter of the screen, within reason.
func treeWidth(screenWidth int) int {
	return max(24, min(40, screenWidth/4+6))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func borderColor(focused bool) tcell.Color {
	if focused {
		return tcell.ColorAqua
	}
	return tcell.ColorGray
}

// host is the host the open request goes to, else the environment's host.
func (w *Workbench) host() string {
	if w.s.Draft != nil {
		if r, err := w.s.Resolve(collections.SecretsPlaceholder); err == nil {
			if u, err := url.Parse(r.URL); err == nil && u.Host != "" && !strings.Contains(u.Host, "{{") {
				return u.Host
			}
		}
	}
	if w.s.Env != nil {
		if v := w.s.Env.Lookup("host"); v != nil && !v.Secret {
			return v.Value
		}
	}
	return ""
}

// openRequest opens req in the editor, asking first when the open one has
// unsaved edits.
func (w *Workbench) openRequest(req *collections.Request) { w.openRequestThen(req, nil) }

// openRequestThen is openRequest; then runs once req is open, whichever
// way the user answered the unsaved-changes dialog (not on Cancel, nor when
// saving failed). It runs at once when req is already open.
func (w *Workbench) openRequestThen(req *collections.Request, then func()) {
	if req == w.s.Orig {
		w.focusPane(PaneEditor)
		if then != nil {
			then()
		}
		return
	}
	doOpen := func() {
		w.s.Open(req)
		w.tree.selectItem(req)
		w.tree.refreshLabels()
		w.resp.clear()
		w.refresh()
		w.focusPane(PaneEditor)
		if then != nil {
			then()
		}
	}
	if !w.s.DraftDirty() {
		doOpen()
		return
	}
	name := w.s.Draft.Name
	w.confirm("Unsaved changes", fmt.Sprintf("%q has unsaved changes.", name),
		[]string{"Save", "Keep unsaved", "Discard", "Cancel"}, func(label string) {
			switch label {
			case "Save":
				if err := w.s.Save(); err != nil {
					w.setError(err)
					return
				}
				doOpen()
			case "Keep unsaved":
				doOpen()
			case "Discard":
				w.s.Draft = w.s.saved.Clone()
				doOpen()
			}
		})
}

// save saves the collection atomically.
func (w *Workbench) save() {
	w.editor.commitFields()
	if err := w.s.Save(); err != nil {
		var lit *collections.LiteralSecretError
		if errors.As(err, &lit) {
			w.setError(fmt.Errorf("not saved: a credential is written literally (%s); put it in a secret variable", strings.Join(lit.Findings, "; ")))
			// Writing it anyway takes an explicit choice; Cancel comes first.
			w.confirm("Credentials written literally",
				"Not saved: these would put a credential into the collection files:\n\n"+strings.Join(lit.Findings, "\n")+
					"\n\nBetter: use {{a secret variable}} (the auth tab stores a typed token in your secret store).",
				[]string{"Cancel", "Save them into the files anyway"}, func(label string) {
					if label != "Save them into the files anyway" {
						return
					}
					if err := w.s.SaveWith(collections.SaveOptions{AllowLiteralSecrets: true}); err != nil {
						w.setError(err)
						return
					}
					w.tree.refreshLabels()
					w.setStatus("saved to " + w.s.Coll.Dir + ", credentials included as you asked")
				})
			return
		}
		w.setError(err)
		return
	}
	w.tree.refreshLabels()
	w.setStatus("saved to " + w.s.Coll.Dir)
}

// quit stops the workbench, asking first when anything is unsaved.
func (w *Workbench) quit() {
	if !w.s.Dirty() {
		w.app.Stop()
		return
	}
	w.confirm("Unsaved changes", "There are unsaved changes. Save them before quitting?",
		[]string{"Save and quit", "Quit without saving", "Cancel"}, func(label string) {
			switch label {
			case "Save and quit":
				if err := w.s.Save(); err != nil {
					w.setError(err)
					return
				}
				w.app.Stop()
			case "Quit without saving":
				w.app.Stop()
			}
		})
}

// background runs work off the UI goroutine as one busy task. work gets a
// context cancelled with ctx; the function it returns runs on the UI
// goroutine and the screen is redrawn.
func (w *Workbench) background(ctx context.Context, work func(ctx context.Context) func()) {
	w.busyMu.Lock()
	w.busy++
	w.busyMu.Unlock()
	go func() {
		apply := work(ctx)
		w.app.QueueUpdateDraw(func() {
			if apply != nil {
				apply()
			}
			w.busyMu.Lock()
			w.busy--
			if w.busy == 0 && w.idleWait != nil {
				close(w.idleWait)
				w.idleWait = nil
			}
			w.busyMu.Unlock()
		})
	}()
}

// Busy returns the number of background tasks running.
func (w *Workbench) Busy() int {
	w.busyMu.Lock()
	defer w.busyMu.Unlock()
	return w.busy
}

// WaitIdle blocks until no background task runs, or ctx ends.
func (w *Workbench) WaitIdle(ctx context.Context) error {
	w.busyMu.Lock()
	if w.busy == 0 {
		w.busyMu.Unlock()
		return nil
	}
	if w.idleWait == nil {
		w.idleWait = make(chan struct{})
	}
	ch := w.idleWait
	w.busyMu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the workbench to be idle: %w", ctx.Err())
	}
}

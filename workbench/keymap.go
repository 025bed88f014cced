package workbench

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/gdamore/tcell/v2"
)

// Pane names a part of the screen that has its own keys.
type Pane string

// The panes. Global keys work everywhere (unless a text field takes them).
const (
	PaneGlobal   Pane = "global"
	PaneTree     Pane = "tree"
	PaneEditor   Pane = "editor"
	PaneResponse Pane = "response"
)

// Action names something the user can do; keys bind to actions.
type Action string

// The actions.
const (
	ActSend       Action = "send"
	ActCancel     Action = "cancel"
	ActSave       Action = "save"
	ActEnv        Action = "switch-env"
	ActHelp       Action = "help"
	ActQuit       Action = "quit"
	ActNextPane   Action = "next-pane"
	ActPrevPane   Action = "prev-pane"
	ActFocusTree  Action = "focus-tree"
	ActFocusEdit  Action = "focus-editor"
	ActFocusResp  Action = "focus-response"
	ActShowCode   Action = "show-code"
	ActResolved   Action = "show-resolved-url"
	ActNewRequest Action = "new-request"
	ActNewFolder  Action = "new-folder"
	ActRename     Action = "rename"
	ActDuplicate  Action = "duplicate"
	ActMove       Action = "move-to-folder"
	ActMoveUp     Action = "move-up"
	ActMoveDown   Action = "move-down"
	ActDelete     Action = "delete"
	ActUndo       Action = "undo-delete"
	ActMethod     Action = "edit-method"
	ActURL        Action = "edit-url"
	ActNextTab    Action = "next-tab"
	ActPrevTab    Action = "prev-tab"
	ActAddRow     Action = "add-row"
	ActEditRow    Action = "edit-row"
	ActDeleteRow  Action = "delete-row"
	ActToggleRow  Action = "toggle-row"
	ActBodyKind   Action = "body-kind"
	ActFormatJSON Action = "format-json"
	ActEditBody   Action = "edit-body"
	ActCodeLang   Action = "code-language"
	ActSecrets    Action = "code-inline-secrets"
	ActCopy       Action = "copy"
)

// Binding ties a key to an action in a pane.
type Binding struct {
	Pane   Pane
	Key    string // canonical name, see KeyName
	Action Action
	Help   string
	Footer bool // shown in the footer line
}

// DefaultBindings is the one key table: the footer, the help overlay and
// the dispatch all come from it. Several keys may name the same action.
var DefaultBindings = []Binding{
	{PaneGlobal, "Ctrl+R", ActSend, "send the request", true},
	{PaneGlobal, "F5", ActSend, "send the request", false},
	{PaneGlobal, "Alt+Enter", ActSend, "send the request", false},
	{PaneGlobal, "Esc", ActCancel, "cancel the request in flight", false},
	{PaneGlobal, "Ctrl+S", ActSave, "save the collection", true},
	{PaneGlobal, "Ctrl+E", ActEnv, "switch environment", true},
	{PaneGlobal, "Ctrl+P", ActPalette, "command palette: any action or request by name", true},
	{PaneGlobal, "Tab", ActNextPane, "next pane", true},
	{PaneGlobal, "Backtab", ActPrevPane, "previous pane", false},
	{PaneGlobal, "Alt+1", ActFocusTree, "focus the tree", false},
	{PaneGlobal, "Alt+2", ActFocusEdit, "focus the editor", false},
	{PaneGlobal, "Alt+3", ActFocusResp, "focus the response", false},
	{PaneGlobal, "Ctrl+G", ActShowCode, "show the code for the request", false},
	{PaneGlobal, "F1", ActHelp, "help: every key of the focused pane", false},
	{PaneGlobal, "?", ActHelp, "help: every key of the focused pane", true},
	{PaneGlobal, "Ctrl+Q", ActQuit, "quit", true},
	{PaneGlobal, "Ctrl+H", ActHistory, "history of the requests sent", false},
	{PaneGlobal, "F6", ActVars, "variables: each value and where it comes from", false},

	{PaneTree, "Enter", ActEditRow, "open the request / open or close the folder", true},
	{PaneTree, "n", ActNewRequest, "new request", true},
	{PaneTree, "N", ActNewFolder, "new folder", false},
	{PaneTree, "r", ActRename, "rename", true},
	{PaneTree, "F2", ActRename, "rename", false},
	{PaneTree, "c", ActDuplicate, "duplicate", false},
	{PaneTree, "m", ActMove, "move to a folder", false},
	{PaneTree, "K", ActMoveUp, "move up", false},
	{PaneTree, "J", ActMoveDown, "move down", false},
	{PaneTree, "d", ActDelete, "delete (asks first)", true},
	{PaneTree, "Delete", ActDelete, "delete (asks first)", false},
	{PaneTree, "u", ActUndo, "undo the last delete", false},
	{PaneTree, "/", ActFilter, "filter: type to narrow (name, method, URL)", true},
	{PaneTree, "g", ActTop, "first row", false},
	{PaneTree, "G", ActBottom, "last row", false},

	{PaneEditor, "Ctrl+T", ActMethod, "method (any method can be typed)", false},
	{PaneEditor, "Ctrl+L", ActURL, "edit the URL", true},
	{PaneEditor, "]", ActNextTab, "next tab", true},
	{PaneEditor, "[", ActPrevTab, "previous tab", false},
	{PaneEditor, "a", ActAddRow, "add a row", true},
	{PaneEditor, "Enter", ActEditRow, "edit the row / the field", true},
	{PaneEditor, "x", ActDeleteRow, "delete the row", false},
	{PaneEditor, " ", ActToggleRow, "enable or disable the row", false},
	{PaneEditor, "k", ActBodyKind, "body kind", false},
	{PaneEditor, "f", ActFormatJSON, "format the JSON body", false},
	{PaneEditor, "v", ActResolved, "show the resolved URL", false},
	{PaneEditor, "e", ActExtEdit, "edit the body in $VISUAL or $EDITOR", false},
	{PaneEditor, "D", ActExtDesc, "edit the description in $VISUAL or $EDITOR", false},

	{PaneResponse, "]", ActNextTab, "next tab (body, headers, timing, code)", true},
	{PaneResponse, "[", ActPrevTab, "previous tab", false},
	{PaneResponse, "l", ActCodeLang, "code: next language", true},
	{PaneResponse, "s", ActSecrets, "code: secrets inline / as env reads", false},
	{PaneResponse, "y", ActCopy, "copy the code, the body or its jq result", true},
	{PaneResponse, "/", ActBodySearch, "body: search (n next, N previous)", true},
	{PaneResponse, "n", ActBodyNext, "body: next match", false},
	{PaneResponse, "N", ActBodyPrev, "body: previous match", false},
	{PaneResponse, "|", ActBodyFilter, "body: jq filter, live (Esc clears it)", true},
	{PaneResponse, "w", ActBodySave, "body: save to a file (the jq result when filtered)", false},
	{PaneResponse, "p", ActPager, "body: view in $PAGER (the jq result when filtered)", false},
	{PaneResponse, "j", ActBodyDown, "scroll down", false},
	{PaneResponse, "k", ActBodyUp, "scroll up", false},
	{PaneResponse, " ", ActBodyPgDn, "page down", false},
	{PaneResponse, "g", ActBodyTop, "top", false},
	{PaneResponse, "G", ActBodyBottom, "bottom", false},
	{PaneResponse, "Down", ActBodyDown, "scroll down", false},
	{PaneResponse, "Up", ActBodyUp, "scroll up", false},
	{PaneResponse, "PgDn", ActBodyPgDn, "page down", false},
	{PaneResponse, "PgUp", ActBodyPgUp, "page up", false},
	{PaneResponse, "Home", ActBodyTop, "top", false},
	{PaneResponse, "End", ActBodyBottom, "bottom", false},
	{PaneResponse, "Left", ActBodyLeft, "body: scroll left", false},
	{PaneResponse, "Right", ActBodyRight, "body: scroll right", false},
}

// Keymap dispatches keys to actions per pane.
type Keymap struct {
	bindings []Binding
	index    map[Pane]map[string]Action
}

// NewKeymap builds a keymap from bindings.
func NewKeymap(bindings []Binding) *Keymap {
	k := &Keymap{bindings: append([]Binding(nil), bindings...)}
	k.reindex()
	return k
}

func (k *Keymap) reindex() {
	k.index = map[Pane]map[string]Action{}
	for _, b := range k.bindings {
		if k.index[b.Pane] == nil {
			k.index[b.Pane] = map[string]Action{}
		}
		k.index[b.Pane][b.Key] = b.Action
	}
}

// Rebind replaces the keys of action in pane, for user configuration. The
// keys must parse; on error nothing changes.
func (k *Keymap) Rebind(pane Pane, action Action, keys ...string) error {
	var help string
	var footer, known bool
	for _, b := range k.bindings {
		if b.Pane == pane && b.Action == action {
			help, footer, known = b.Help, b.Footer, true
			break
		}
	}
	if !known {
		return fmt.Errorf("keys: no action %q in pane %q", action, pane)
	}
	canon := make([]string, 0, len(keys))
	for _, key := range keys {
		c, err := ParseKey(key)
		if err != nil {
			return fmt.Errorf("keys: %s %s: %w", pane, action, err)
		}
		canon = append(canon, c)
	}
	out := k.bindings[:0:0]
	for _, b := range k.bindings {
		if !(b.Pane == pane && b.Action == action) {
			out = append(out, b)
		}
	}
	for i, c := range canon {
		out = append(out, Binding{pane, c, action, help, footer && i == 0})
	}
	k.bindings = out
	k.reindex()
	return nil
}

// Lookup returns the action bound to key in pane, then in the global pane.
func (k *Keymap) Lookup(pane Pane, key string) (Action, bool) {
	if a, ok := k.index[pane][key]; ok {
		return a, true
	}
	a, ok := k.index[PaneGlobal][key]
	return a, ok
}

// Bindings returns the bindings of pane in table order.
func (k *Keymap) Bindings(pane Pane) []Binding {
	var out []Binding
	for _, b := range k.bindings {
		if b.Pane == pane {
			out = append(out, b)
		}
	}
	return out
}

// KeysFor returns the keys bound to action in pane (or globally).
func (k *Keymap) KeysFor(pane Pane, action Action) []string {
	var out []string
	for _, b := range k.bindings {
		if (b.Pane == pane || b.Pane == PaneGlobal) && b.Action == action {
			out = append(out, b.Key)
		}
	}
	return out
}

// Footer is the key line for pane: its own footer keys, then the global ones.
func (k *Keymap) Footer(pane Pane) string {
	var parts []string
	seen := map[Action]bool{}
	for _, p := range []Pane{pane, PaneGlobal} {
		for _, b := range k.bindings {
			if b.Pane == p && b.Footer && !seen[b.Action] {
				seen[b.Action] = true
				parts = append(parts, displayKey(b.Key)+" "+shortHelp(b))
			}
		}
	}
	return strings.Join(parts, "  ")
}

// HelpText lists every binding of pane and the global ones, one a line.
func (k *Keymap) HelpText(pane Pane) string {
	var b strings.Builder
	for _, p := range []Pane{pane, PaneGlobal} {
		fmt.Fprintf(&b, "%s\n", strings.ToUpper(string(p)))
		for _, bd := range k.Bindings(p) {
			fmt.Fprintf(&b, "  %-10s %s\n", displayKey(bd.Key), bd.Help)
		}
	}
	return b.String()
}

// Markdown renders every binding as a table per pane, for the docs.
func (k *Keymap) Markdown() string {
	var b strings.Builder
	for _, p := range []Pane{PaneGlobal, PaneTree, PaneEditor, PaneResponse} {
		fmt.Fprintf(&b, "### %s\n\n| key | action | what it does |\n|---|---|---|\n", p)
		for _, bd := range k.Bindings(p) {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", displayKey(bd.Key), bd.Action, bd.Help)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func displayKey(k string) string {
	if k == " " {
		return "Space"
	}
	return k
}

// shortHelp is a binding's help cut to its first word or two, for the footer.
func shortHelp(b Binding) string {
	switch b.Action {
	case ActSend:
		return "send"
	case ActSave:
		return "save"
	case ActEnv:
		return "env"
	case ActNextPane:
		return "pane"
	case ActHelp:
		return "help"
	case ActQuit:
		return "quit"
	case ActEditRow:
		return "open"
	case ActNewRequest:
		return "new"
	case ActRename:
		return "rename"
	case ActDelete:
		return "delete"
	case ActURL:
		return "url"
	case ActNextTab:
		return "tab"
	case ActAddRow:
		return "add"
	case ActCodeLang:
		return "lang"
	case ActCopy:
		return "copy"
	case ActPalette:
		return "palette"
	case ActFilter:
		return "filter"
	case ActBodySearch:
		return "search"
	case ActBodyFilter:
		return "jq"
	}
	return string(b.Action)
}

// KeyName is the canonical name of a key event: "Ctrl+R", "Alt+Enter",
// "F5", "Esc", "Enter", "Backtab", "a", "?", "Alt+x".
func KeyName(ev *tcell.EventKey) string {
	mod := ev.Modifiers()
	if ev.Key() == tcell.KeyRune && mod&tcell.ModCtrl != 0 && unicode.IsLetter(ev.Rune()) && ev.Rune() < 0x80 {
		// Terminals send Alt+Enter as ESC CR, which tcell reports as
		// Ctrl+Alt+m: name control letters as the keys they stand for.
		name := "Ctrl+" + strings.ToUpper(string(ev.Rune()))
		switch unicode.ToLower(ev.Rune()) {
		case 'm':
			name = "Enter"
		case 'i':
			name = "Tab"
		case 'h':
			name = "Backspace"
		}
		if mod&tcell.ModAlt != 0 {
			return "Alt+" + name
		}
		return name
	}
	if ev.Key() == tcell.KeyRune {
		r := string(ev.Rune())
		if mod&tcell.ModAlt != 0 {
			return "Alt+" + r
		}
		if mod&tcell.ModCtrl != 0 {
			return "Ctrl+" + r
		}
		return r
	}
	var name string
	key := ev.Key()
	switch {
	case key >= tcell.KeyCtrlA && key <= tcell.KeyCtrlZ && key != tcell.KeyTab && key != tcell.KeyEnter && key != tcell.KeyBackspace:
		name = "Ctrl+" + string(rune('A'+key-tcell.KeyCtrlA))
		mod &^= tcell.ModCtrl
	default:
		n, ok := tcell.KeyNames[key]
		if !ok {
			n = fmt.Sprintf("Key%d", key)
		}
		name = n
	}
	prefix := ""
	if mod&tcell.ModCtrl != 0 {
		prefix += "Ctrl+"
	}
	if mod&tcell.ModAlt != 0 {
		prefix += "Alt+"
	}
	if mod&tcell.ModShift != 0 && key != tcell.KeyBacktab {
		prefix += "Shift+"
	}
	return prefix + name
}

// ParseKey checks a key name as written in a config file and returns it in
// canonical form.
func ParseKey(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("empty key")
	}
	if s == "Space" || s == "space" {
		return " ", nil
	}
	mods, base := "", s
	for {
		i := strings.Index(base, "+")
		if i <= 0 || i == len(base)-1 {
			break
		}
		m := strings.ToLower(base[:i])
		switch m {
		case "ctrl", "c":
			mods += "Ctrl+"
		case "alt", "m", "meta":
			mods += "Alt+"
		case "shift":
			mods += "Shift+"
		default:
			return "", fmt.Errorf("key %q: unknown modifier %q", s, base[:i])
		}
		base = base[i+1:]
	}
	if len([]rune(base)) == 1 {
		if strings.HasPrefix(mods, "Ctrl+") && len(base) == 1 && base[0] >= 'a' && base[0] <= 'z' {
			base = strings.ToUpper(base)
		}
		return mods + base, nil
	}
	for _, n := range tcell.KeyNames {
		if strings.EqualFold(n, base) {
			return mods + n, nil
		}
	}
	return "", fmt.Errorf("key %q: unknown key %q", s, base)
}

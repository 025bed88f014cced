package widgets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"
)

// DefaultHighlightLimit is the body size above which BodyView shows the
// body as received: pretty-printing a larger body up front costs more than
// a frame. Only the rows on screen are coloured, whatever the size.
const DefaultHighlightLimit = 1 << 20

// DefaultCopyLimit is the largest text BodyView copies.
const DefaultCopyLimit = 16 << 20

// DefaultWholeDecodeAsk is the body size from which a jq program that
// must decode every value (sort, tostring, variables...) waits for Enter
// instead of running as it is typed: decoded into Go values a body takes
// about three times its size, which on a body this large is worth a yes.
const DefaultWholeDecodeAsk = 16 << 20

// headSample is how much of a body is read up front to sniff its type.
const headSample = 8 << 10

type promptMode int

const (
	promptNone promptMode = iota
	promptSearch
	promptFilter
	promptSave
)

// BodyView shows a response body of any size. The body stays where the
// caller keeps it (a file, a byte slice) behind an io.ReaderAt; the view
// holds only a line index, built in the background, and the bytes of the
// rows on screen. See the package comment for wiring.
type BodyView struct {
	*tview.Box

	post func(func())

	// OnCopy receives the text the user copies (y): the jq result when a
	// filter is on, else the body as shown. Called on the UI goroutine.
	OnCopy func(text string)
	// OnProgress, if set, hears of indexing progress (UI goroutine).
	OnProgress func(scanned, size int64, done bool)
	// OnFilterDone, if set, hears that a jq run finished (UI goroutine);
	// Filtering tells its outcome.
	OnFilterDone func()
	// Debounce is the pause after the last keystroke before a jq filter
	// runs; tests set 0.
	Debounce time.Duration
	// HighlightLimit: bodies larger than this are not pretty-printed.
	HighlightLimit int64
	// TmpDir holds the pretty-printed copy of a large minified JSON body
	// and a large jq result ("" for os.TempDir()); each is removed when
	// the body or the filter changes, and on Close.
	TmpDir string
	// CopyLimit is the largest text y copies; larger ones are saved (w)
	// instead: terminals cap what OSC 52 carries far below that.
	CopyLimit int64
	// SaveName is offered as the file name when saving (w).
	SaveName string
	// WholeDecodeAsk: on a body at least this large, a jq program that
	// decodes every value runs on Enter, not as it is typed (0: never
	// asks).
	WholeDecodeAsk int64

	ctx    context.Context
	cancel context.CancelFunc

	raw         io.ReaderAt // the body as received: saved and parsed by jq
	rawSize     int64
	contentType string
	binary      bool
	body        *doc      // what is shown without a filter
	filtered    *doc      // the jq result, nil without a filter
	result      *jqResult // what filtered reads (a file for a large result), owned here
	parsed      *parsedBody
	tmp         *os.File // the pretty copy of a large body, owned here
	formatting  bool     // a pretty copy is being written
	formatRead  int64    // bytes of the body it has read

	top, left  int
	toBottom   bool  // G pressed while indexing: follow the end until done
	pendingTop int64 // offset to scroll to once indexed, -1 if none
	rows       int   // content rows at the last draw, for paging
	hlDoc      *doc
	hlCache    map[int][]hlClass
	hlBytes    int // bytes held by hlCache
	readBuf    []byte

	mode         promptMode
	prompt       *tview.InputField
	searchOrigin int    // top line when the search prompt opened
	searchPrev   string // the query before it
	keys         []bodyBinding

	search  searchState
	filter  filterState
	jqTurn  chan struct{} // held by the jq run that is running
	message string        // one-shot status (copied, saved, errors)
	msgErr  bool
}

// searchState is the current / search over the shown doc.
type searchState struct {
	query     string
	fold      bool
	doc       *doc
	matches   []int64
	done      bool
	truncated bool
	cur       int // index in matches, -1 before the first jump
	from      int64
	pending   int64 // offset waiting for the index to reach it, -1 if none
	gen       int
	cancel    context.CancelFunc
}

// filterState is the jq filter line.
type filterState struct {
	text    string
	err     string
	running bool
	gen     int
	timer   *time.Timer
	cancel  context.CancelFunc
	asking  bool // text needs the whole body decoded: Enter runs it
	wholeOK bool // Enter said yes, for this body
}

// NewBodyView returns an empty body view. post must run a function on the
// UI goroutine and redraw (with tview: func(f func()) { app.QueueUpdateDraw(f) }).
func NewBodyView(post func(func())) *BodyView {
	v := &BodyView{
		Box:            tview.NewBox(),
		post:           post,
		Debounce:       150 * time.Millisecond,
		HighlightLimit: DefaultHighlightLimit,
		CopyLimit:      DefaultCopyLimit,
		WholeDecodeAsk: DefaultWholeDecodeAsk,
		SaveName:       "body",
	}
	v.prompt = tview.NewInputField().
		SetFieldStyle(tcell.StyleDefault.Background(tcell.ColorDarkSlateGray).Foreground(tcell.ColorWhite)).
		SetLabelStyle(tcell.StyleDefault.Foreground(tcell.ColorYellow))
	v.prompt.SetDoneFunc(v.promptDone)
	v.prompt.SetAutocompleteFunc(v.jqCompletions)
	v.prompt.SetAutocompleteUseTags(false) // keys come from the body
	v.prompt.SetChangedFunc(v.promptChanged)
	// The default table always parses (TestBodyViewKeys); were an entry
	// ever bad, SetKeys would leave the view with no keys, which that test
	// also catches.
	_ = v.SetKeys(DefaultBodyKeys)
	v.reset()
	v.body = &doc{r: bytes.NewReader(nil), done: true}
	return v
}

// reset cancels all background work for the current body and clears the
// per-body state.
func (v *BodyView) reset() {
	if v.cancel != nil {
		v.cancel()
	}
	if v.filter.timer != nil {
		v.filter.timer.Stop()
	}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	v.dropTemp()
	v.dropResult()
	v.formatting, v.formatRead = false, 0
	v.filtered, v.parsed, v.hlDoc, v.hlCache = nil, nil, nil, nil
	v.top, v.left, v.toBottom, v.pendingTop = 0, 0, false, -1
	v.search = searchState{cur: -1, pending: -1, gen: v.search.gen + 1}
	v.filter = filterState{gen: v.filter.gen + 1}
	v.message, v.msgErr = "", false
	v.closePrompt()
}

// Close stops background work (indexing, search, jq). Call it when the view
// is discarded.
func (v *BodyView) Close() {
	if v.cancel != nil {
		v.cancel()
	}
	v.dropTemp()
	v.dropResult()
	if v.filter.timer != nil {
		v.filter.timer.Stop()
	}
}

// SetText shows a body held in memory.
func (v *BodyView) SetText(body []byte, contentType string) {
	v.SetBody(bytes.NewReader(body), int64(len(body)), contentType)
}

// SetBody shows the size bytes readable from r. r must stay readable until
// the next SetBody or Close; it is read from background goroutines, so it
// must allow concurrent ReadAt calls (*os.File and *bytes.Reader do).
// Call on the UI goroutine.
func (v *BodyView) SetBody(r io.ReaderAt, size int64, contentType string) {
	v.reset()
	if r == nil || size < 0 {
		r, size = bytes.NewReader(nil), 0
	}
	v.raw, v.rawSize, v.contentType, v.binary = r, size, contentType, false
	head := make([]byte, min(size, headSample))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		v.showError(fmt.Errorf("read body: %w", err))
		return
	}
	switch {
	case size == 0:
		v.body = &doc{r: bytes.NewReader(nil), done: true}
	case isBinary(contentType, head):
		v.binary = true
		sum := hexSummary(size, detectType(contentType, head), head[:min(len(head), hexSummaryBytes)])
		v.body = &doc{r: bytes.NewReader(sum), size: int64(len(sum))}
	case size <= v.HighlightLimit:
		data := make([]byte, size)
		if n, err := r.ReadAt(data, 0); int64(n) < size {
			v.showError(fmt.Errorf("read body: %w", err))
			return
		}
		lexer := lexerFor(contentType, head)
		if lexer == "json" {
			var out bytes.Buffer
			if json.Indent(&out, data, "", "  ") == nil {
				data = out.Bytes()
			}
		}
		v.body = &doc{r: bytes.NewReader(data), size: int64(len(data)), lexer: lexer}
	default:
		// Too big to pretty-print up front; colouring costs only the
		// rows on screen, so it stays.
		v.body = &doc{r: r, size: size, lexer: lexerFor(contentType, head)}
		if v.body.lexer == "json" && minified(head) {
			v.startReformat()
		}
	}
	v.startIndex(v.body)
}

// showError replaces the body with an error text.
func (v *BodyView) showError(err error) {
	msg := []byte(err.Error())
	v.raw, v.rawSize = bytes.NewReader(nil), 0
	v.body = &doc{r: bytes.NewReader(msg), size: int64(len(msg))}
	v.startIndex(v.body)
}

// current is the doc on screen.
func (v *BodyView) current() *doc {
	if v.filtered != nil {
		return v.filtered
	}
	return v.body
}

// startIndex builds d's line index: at once for small docs, else in the
// background with progress posted to the UI goroutine.
func (v *BodyView) startIndex(d *doc) {
	if d.size == 0 {
		d.lines, d.done = indexOf(0), true
		return
	}
	if d.size <= syncIndexLimit {
		buildIndex(v.ctx, d.r, d.size, d.size, func(p indexProgress) { v.applyIndex(d, p) })
		return
	}
	ctx := v.ctx
	go buildIndex(ctx, d.r, d.size, 4*indexChunk, func(p indexProgress) {
		v.post(func() {
			if ctx.Err() == nil {
				v.applyIndex(d, p)
			}
		})
	})
}

// applyIndex publishes indexing progress on the UI goroutine.
func (v *BodyView) applyIndex(d *doc, p indexProgress) {
	d.lines, d.scanned, d.done, d.err = p.lines, p.scanned, p.done, p.err
	if d != v.current() {
		return
	}
	if v.search.pending >= 0 {
		v.jumpTo(v.search.pending)
	}
	if v.toBottom {
		v.scrollTo(d.numLines())
		v.toBottom = !d.done
	}
	if li := d.lineOf(v.pendingTop); v.pendingTop >= 0 && li >= 0 && li < d.numLines() {
		v.scrollTo(li)
		v.pendingTop = -1
	}
	if v.OnProgress != nil {
		v.OnProgress(d.scanned, d.size, d.done)
	}
}

// Indexed reports whether the shown text is fully indexed, and its lines.
func (v *BodyView) Indexed() (lines int, done bool) {
	d := v.current()
	return d.numLines(), d.done
}

// Top returns the first line on screen (0-based).
func (v *BodyView) Top() int { return v.top }

// Filtering reports the active jq filter ("" for none), whether it is
// still running, and its error.
func (v *BodyView) Filtering() (text string, running bool, err string) {
	return v.filter.text, v.filter.running, v.filter.err
}

// Search reports the search query, the number of matches so far, the
// current match (0-based, -1 for none) and whether the search finished.
func (v *BodyView) Search() (query string, matches, current int, done bool) {
	return v.search.query, len(v.search.matches), v.search.cur, v.search.done
}

// scrollTo moves the first shown line, clamped to the text.
func (v *BodyView) scrollTo(line int) {
	n := v.current().numLines()
	rows := max(v.rows, 1)
	if line > n-rows {
		line = n - rows
	}
	v.top = max(line, 0)
}

// contentRows is how many rows of text fit above the status (and prompt).
func (v *BodyView) contentRows(h int) int {
	r := h - 1
	if v.mode != promptNone {
		r--
	}
	return max(r, 0)
}

// Draw draws the visible rows, the status line and the prompt.
func (v *BodyView) Draw(screen tcell.Screen) {
	v.DrawForSubclass(screen, v)
	x, y, w, h := v.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	v.rows = v.contentRows(h)
	d := v.current()
	if v.top > max(d.numLines()-1, 0) {
		v.top = max(d.numLines()-1, 0)
	}
	base := tcell.StyleDefault
	if d.size == 0 && d.done {
		printCells(screen, x, y, w, "(empty body)", base.Foreground(tcell.ColorGray))
	}
	for row := 0; row < v.rows; row++ {
		li := v.top + row
		if li >= d.numLines() {
			break
		}
		v.drawLine(screen, d, li, x, y+row, w, base)
	}
	if h > v.rows {
		v.drawStatus(screen, x, y+v.rows, w)
	}
	if v.mode != promptNone && h > v.rows+1 {
		v.prompt.SetRect(x, y+h-1, w, 1)
		v.prompt.Draw(screen)
	}
}

var (
	matchStyle    = tcell.StyleDefault.Background(tcell.ColorOlive).Foreground(tcell.ColorBlack)
	curMatchStyle = tcell.StyleDefault.Background(tcell.ColorYellow).Foreground(tcell.ColorBlack)
)

// drawLine draws display line li of d at row y, from column v.left.
func (v *BodyView) drawLine(screen tcell.Screen, d *doc, li, x, y, w int, base tcell.Style) {
	start, end := d.lineSpan(li)
	buf, err := d.readRange(v.readBuf, start, end)
	v.readBuf = buf
	if err != nil {
		printCells(screen, x, y, w, err.Error(), base.Foreground(tcell.ColorRed))
		return
	}
	line := trimEOL(buf)
	var classes []hlClass
	if d.lexer != "" {
		classes = v.highlighted(d, li, line)
	}
	// Search matches over the syntax colours.
	var marks []byte // 0 none, 1 match, 2 current match
	if s := &v.search; s.doc == d && len(s.matches) > 0 {
		ql := int64(len(s.query))
		i := searchFirst(s.matches, start-ql+1)
		for ; i < len(s.matches) && s.matches[i] < end; i++ {
			if marks == nil {
				marks = make([]byte, len(line))
			}
			m := byte(1)
			if i == s.cur {
				m = 2
			}
			for p := max(s.matches[i], start); p < s.matches[i]+ql && p < start+int64(len(line)); p++ {
				marks[p-start] = m
			}
		}
	}
	col := 0
	for i := 0; i < len(line) && col-v.left < w; {
		r, n := utf8.DecodeRune(line[i:])
		st := base
		if classes != nil {
			st = classStyle(base, classes[i])
		}
		if marks != nil && marks[i] != 0 {
			st = matchStyle
			if marks[i] == 2 {
				st = curMatchStyle
			}
		}
		i += n
		if r == '\t' {
			for k := 4 - col%4; k > 0; k-- {
				if col >= v.left && col-v.left < w {
					screen.SetContent(x+col-v.left, y, ' ', nil, st)
				}
				col++
			}
			continue
		}
		r = displayRune(r)
		rw := runeWidth(r)
		if rw == 0 {
			continue // combining marks are dropped: columns stay exact
		}
		if col >= v.left && col+rw-v.left <= w {
			screen.SetContent(x+col-v.left, y, r, nil, st)
		}
		col += rw
	}
}

// hlCacheBytes bounds the colour classes kept for lines already seen.
const hlCacheBytes = 4 << 20

// highlighted returns the colour classes of line li, cached while it
// scrolls.
func (v *BodyView) highlighted(d *doc, li int, line []byte) []hlClass {
	if v.hlDoc != d || v.hlBytes > hlCacheBytes {
		v.hlDoc, v.hlCache, v.hlBytes = d, map[int][]hlClass{}, 0
	}
	if cl, ok := v.hlCache[li]; ok && len(cl) == len(line) {
		return cl
	}
	cl := highlightLine(d.lexer, line)
	v.hlCache[li] = cl
	v.hlBytes += len(cl)
	return cl
}

// runeWidth is the number of columns r takes.
func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	return uniseg.StringWidth(string(r))
}

// printCells draws untrusted text (sanitised, no style tags) and returns
// the columns used.
func printCells(screen tcell.Screen, x, y, w int, text string, st tcell.Style) int {
	col := 0
	for _, r := range text {
		if r == '\t' {
			r = ' '
		}
		r = displayRune(r)
		rw := runeWidth(r)
		if rw == 0 {
			continue
		}
		if col+rw > w {
			break
		}
		screen.SetContent(x+col, y, r, nil, st)
		col += rw
	}
	return col
}

// drawStatus draws the one-line summary: size, position, indexing,
// search and filter state, and the last message.
func (v *BodyView) drawStatus(screen tcell.Screen, x, y, w int) {
	bar := tcell.StyleDefault.Background(tcell.ColorDarkSlateGray).Foreground(tcell.ColorWhite)
	for i := 0; i < w; i++ {
		screen.SetContent(x+i, y, ' ', nil, bar)
	}
	d := v.current()
	var b strings.Builder
	kind := "text"
	switch {
	case v.binary:
		kind = "binary"
	case d.lexer != "":
		kind = d.lexer
	}
	if d == v.body && v.rawSize > v.HighlightLimit && !v.binary {
		if v.tmp != nil {
			kind += " (large, formatted)"
		} else {
			kind += " (large, as received)"
		}
	}
	size := v.rawSize
	if d == v.filtered {
		kind, size = "jq result", d.size
	}
	fmt.Fprintf(&b, "%s %s  line %d/%d", kind, FormatSize(size), min(v.top+1, max(d.numLines(), 1)), d.numLines())
	if !d.done && d.size > 0 {
		fmt.Fprintf(&b, "  indexing %d%%", d.scanned*100/d.size)
	}
	if v.formatting && v.rawSize > 0 {
		fmt.Fprintf(&b, "  formatting %d%%", v.formatRead*100/v.rawSize)
	}
	if d.err != nil {
		fmt.Fprintf(&b, "  %v", d.err)
	}
	if s := v.search; s.query != "" {
		fmt.Fprintf(&b, "  /%s ", s.query)
		switch {
		case len(s.matches) == 0 && s.done:
			b.WriteString("no match")
		case s.cur >= 0:
			fmt.Fprintf(&b, "%d/%d", s.cur+1, len(s.matches))
		default:
			fmt.Fprintf(&b, "%d", len(s.matches))
		}
		if !s.done {
			b.WriteString(" searching")
		} else if s.truncated {
			b.WriteString("+")
		}
	}
	if v.filter.text != "" && v.mode != promptFilter {
		fmt.Fprintf(&b, "  jq: %s", v.filter.text)
	}
	if v.filter.running {
		b.WriteString("  jq running")
	}
	msg, errStyle := v.message, v.msgErr
	if v.filter.err != "" {
		msg, errStyle = v.filter.err, true
	}
	// The message (an error, "copied") matters most: when the line is
	// short, it keeps at least two thirds of it and the summary is cut.
	summaryW := w
	if msg != "" {
		summaryW = max(w-textWidth([]byte(Sanitize(msg)))-2, w/3)
	}
	col := printCells(screen, x, y, summaryW, b.String(), bar)
	if msg != "" && col+2 < w {
		st := bar.Foreground(tcell.ColorLightGreen)
		if errStyle {
			st = bar.Foreground(tcell.ColorRed).Bold(true)
		}
		printCells(screen, x+col+2, y, w-col-2, msg, st)
	}
}

// BodyAction names something the body view does on a key.
type BodyAction string

// The body view's actions.
const (
	BodyDown     BodyAction = "body-down"
	BodyUp       BodyAction = "body-up"
	BodyPageDown BodyAction = "body-page-down"
	BodyPageUp   BodyAction = "body-page-up"
	BodyTop      BodyAction = "body-top"
	BodyBottom   BodyAction = "body-bottom"
	BodyLeft     BodyAction = "body-left"
	BodyRight    BodyAction = "body-right"
	BodySearch   BodyAction = "body-search"
	BodyNext     BodyAction = "body-next-match"
	BodyPrev     BodyAction = "body-previous-match"
	BodyFilter   BodyAction = "body-jq-filter"
	BodyCopy     BodyAction = "body-copy"
	BodySave     BodyAction = "body-save"
)

// BodyKey binds a key (as ParseKey reads it) to a body action.
type BodyKey struct {
	Key    string
	Action BodyAction
	Help   string
}

// DefaultBodyKeys is the body view's key table, for dispatch and for the
// help overlay. Replace it per view with SetKeys.
var DefaultBodyKeys = []BodyKey{
	{"j", BodyDown, "scroll down"},
	{"down", BodyDown, "scroll down"},
	{"k", BodyUp, "scroll up"},
	{"up", BodyUp, "scroll up"},
	{"pgdn", BodyPageDown, "page down"},
	{"space", BodyPageDown, "page down"},
	{"ctrl+f", BodyPageDown, "page down"},
	{"pgup", BodyPageUp, "page up"},
	{"ctrl+b", BodyPageUp, "page up"},
	{"g", BodyTop, "top"},
	{"home", BodyTop, "top"},
	{"G", BodyBottom, "bottom"},
	{"end", BodyBottom, "bottom"},
	{"h", BodyLeft, "scroll left"},
	{"left", BodyLeft, "scroll left"},
	{"l", BodyRight, "scroll right"},
	{"right", BodyRight, "scroll right"},
	{"/", BodySearch, "search"},
	{"n", BodyNext, "next match"},
	{"N", BodyPrev, "previous match"},
	{"|", BodyFilter, "jq filter (Enter keeps it, Esc clears it)"},
	{"y", BodyCopy, "copy the body or the jq result"},
	{"w", BodySave, "save the body or the jq result to a file"},
}

// bodyBinding is a parsed BodyKey.
type bodyBinding struct {
	b      Binding
	action BodyAction
}

// SetKeys replaces the view's key table. On an error (a key that does not
// parse) nothing changes.
func (v *BodyView) SetKeys(keys []BodyKey) error {
	out := make([]bodyBinding, 0, len(keys))
	for _, k := range keys {
		b, err := ParseBinding(k.Key)
		if err != nil {
			return fmt.Errorf("body keys: %s: %w", k.Action, err)
		}
		out = append(out, bodyBinding{b, k.Action})
	}
	v.keys = out
	return nil
}

// Do performs a body action, for a core that dispatches its own keys.
func (v *BodyView) Do(a BodyAction) {
	v.message, v.msgErr = "", false
	v.toBottom, v.pendingTop = false, -1
	page := max(v.rows-1, 1)
	switch a {
	case BodyDown:
		v.scrollTo(v.top + 1)
	case BodyUp:
		v.scrollTo(v.top - 1)
	case BodyPageDown:
		v.scrollTo(v.top + page)
	case BodyPageUp:
		v.scrollTo(v.top - page)
	case BodyTop:
		v.scrollTo(0)
	case BodyBottom:
		v.scrollTo(v.current().numLines())
		v.toBottom = !v.current().done
	case BodyLeft:
		v.left = max(v.left-8, 0)
	case BodyRight:
		v.left += 8
	case BodySearch:
		v.StartSearch()
	case BodyNext:
		v.NextMatch(1)
	case BodyPrev:
		v.NextMatch(-1)
	case BodyFilter:
		v.StartFilter()
	case BodyCopy:
		v.Copy()
	case BodySave:
		v.StartSave()
	}
}

// InputHandler handles the keys of the view's table; while a prompt is
// open, every key goes to it.
func (v *BodyView) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return v.WrapInputHandler(func(ev *tcell.EventKey, setFocus func(p tview.Primitive)) {
		if v.mode != promptNone {
			v.prompt.InputHandler()(ev, setFocus)
			return
		}
		for _, k := range v.keys {
			if k.b.Matches(ev) {
				v.Do(k.action)
				return
			}
		}
	})
}

// Prompting reports whether the search, filter or save line is open (the
// core should then pass every key to the view, Esc included).
func (v *BodyView) Prompting() bool { return v.mode != promptNone }

// PasteHandler pastes into the open prompt.
func (v *BodyView) PasteHandler() func(text string, setFocus func(p tview.Primitive)) {
	return v.WrapPasteHandler(func(text string, setFocus func(p tview.Primitive)) {
		if v.mode != promptNone {
			v.prompt.PasteHandler()(text, setFocus)
		}
	})
}

// MouseHandler: click focuses, the wheel scrolls.
func (v *BodyView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if !v.InRect(event.Position()) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftDown, tview.MouseLeftClick:
			setFocus(v)
			return true, nil
		case tview.MouseScrollUp:
			v.scrollTo(v.top - 3)
			return true, nil
		case tview.MouseScrollDown:
			v.scrollTo(v.top + 3)
			return true, nil
		case tview.MouseScrollLeft:
			v.left = max(v.left-8, 0)
			return true, nil
		case tview.MouseScrollRight:
			v.left += 8
			return true, nil
		}
		return false, nil
	})
}

// openPrompt shows the input line.
func (v *BodyView) openPrompt(mode promptMode, label, text string) {
	v.mode = promptNone // SetText fires the changed func: do not rerun a filter
	v.prompt.SetLabel(label)
	v.prompt.SetText(text)
	v.mode = mode
	v.prompt.Focus(nil)
}

// closePrompt hides the input line.
func (v *BodyView) closePrompt() {
	v.mode = promptNone
	if v.prompt != nil {
		v.prompt.Blur()
	}
}

// promptChanged runs the jq filter live as it is typed.
// On a small text the search runs as it is typed, from where the prompt
// opened (as vim's incsearch).
func (v *BodyView) promptChanged(text string) {
	switch {
	case v.mode == promptFilter:
		v.setFilter(text)
	case v.mode == promptSearch && v.current().size <= syncIndexLimit:
		v.top, v.left = v.searchOrigin, 0
		v.runSearch(text)
	}
}

// promptDone handles Enter and Esc in the prompt.
func (v *BodyView) promptDone(key tcell.Key) {
	text := v.prompt.GetText()
	mode := v.mode
	v.closePrompt()
	switch {
	case mode == promptSearch && key == tcell.KeyEnter:
		v.runSearch(text)
	case mode == promptSearch && v.current().size <= syncIndexLimit:
		// Esc: back to the place and the search before the prompt.
		v.top = v.searchOrigin
		v.runSearch(v.searchPrev)
	case mode == promptFilter && key == tcell.KeyEscape:
		v.setFilter("")
	case mode == promptFilter && key == tcell.KeyEnter && v.filter.asking && v.filter.text == text:
		v.filter.wholeOK = true
		v.setFilter(text)
	case mode == promptSave && key == tcell.KeyEnter && strings.TrimSpace(text) != "":
		v.saveAsync(strings.TrimSpace(text))
	}
}

// StartSearch opens the search prompt (the / key).
func (v *BodyView) StartSearch() {
	v.searchOrigin, v.searchPrev = v.top, v.search.query
	v.openPrompt(promptSearch, "/", v.search.query)
}

// StartFilter opens the jq filter line (the | key).
func (v *BodyView) StartFilter() {
	if v.binary {
		v.message, v.msgErr = "jq needs a JSON body", true
		return
	}
	v.openPrompt(promptFilter, "jq ", v.filter.text)
}

// StartSave opens the save prompt (the w key).
func (v *BodyView) StartSave() { v.openPrompt(promptSave, "save to ", v.SaveName) }

// parsedBody is the body decoded once for jq and shared by every run.
type parsedBody struct {
	ctx    context.Context // ends when the filter is cleared or the body changes
	cancel context.CancelFunc
	once   sync.Once
	values []any
	err    error
}

// ctxReader stops a long read (decoding 50 MB) when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// minified reports whether a JSON body's first bytes have long lines: it
// came without line breaks, and is worth pretty-printing to a file.
func minified(head []byte) bool {
	return len(head)/(bytes.Count(head, []byte{'\n'})+1) > 512
}

// startReformat pretty-prints a large minified JSON body into a temporary
// file in the background and shows that instead once it is complete. The
// body as received stays on screen (and for jq, copy and save) meanwhile.
func (v *BodyView) startReformat() {
	ctx, raw, size, dir := v.ctx, v.raw, v.rawSize, v.TmpDir
	v.formatting = true
	go func() {
		f, n, err := reindentToTemp(ctx, dir, raw, size, func(read int64) {
			v.post(func() {
				if ctx.Err() == nil {
					v.formatRead = read
				}
			})
		})
		v.post(func() {
			if ctx.Err() != nil {
				if f != nil {
					f.Close()
					os.Remove(f.Name())
				}
				return
			}
			v.formatting = false
			if err != nil {
				if !errors.Is(err, errNotJSON) {
					v.message, v.msgErr = err.Error(), true
				}
				return
			}
			v.tmp = f
			v.swapBody(&doc{r: f, size: n, lexer: "json"})
		})
	}()
}

// swapBody shows d, the pretty copy, in place of the body as received,
// keeping the reader's place: the end stays the end, and a place in
// between maps by its share of the bytes once d's index reaches it.
func (v *BodyView) swapBody(d *doc) {
	old := v.body
	v.body = d
	if v.filtered == nil {
		rows := max(v.rows, 1)
		switch {
		case v.top == 0 && !v.toBottom:
		case v.toBottom || v.top >= old.numLines()-rows:
			v.toBottom = true
		default:
			start, _ := old.lineSpan(v.top)
			v.pendingTop = int64(float64(start) / float64(max(old.size, 1)) * float64(d.size))
		}
		v.top, v.left = 0, 0
	}
	v.startIndex(d)
	if v.search.query != "" && v.search.doc == old {
		v.runSearch(v.search.query)
	}
}

// dropTemp closes and removes the pretty copy of the body.
func (v *BodyView) dropTemp() {
	if v.tmp != nil {
		v.tmp.Close()
		os.Remove(v.tmp.Name())
		v.tmp = nil
	}
}

// Formatting reports whether a large minified body is being pretty-printed.
func (v *BodyView) Formatting() bool { return v.formatting }

package widgets

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/gojq"
)

// maxCompletions bounds the drop-down of jq key suggestions.
const maxCompletions = 12

var (
	// jqPath is a plain path: .a.b[0][] and the like. Only such programs
	// are run to find completions, on the UI goroutine, so nothing costly.
	jqPath = regexp.MustCompile(`^\s*(\.?|(\.[A-Za-z_][A-Za-z0-9_]*|\.?\[[0-9]*\])+)\s*$`)
	jqName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// jqCompletions suggests the object keys that can follow what is typed:
// ".au" offers ".auth", ".auth." offers ".auth.psk" and ".auth.type",
// ".[] | .s" offers the keys of the first element. Only for bodies small
// enough to have been parsed at once (HighlightLimit).
func (v *BodyView) jqCompletions(text string) []string {
	if v.mode != promptFilter || v.binary || v.rawSize == 0 || v.rawSize > v.HighlightLimit {
		return nil
	}
	segs := strings.Split(text, "|")
	last := segs[len(segs)-1]
	dot := strings.LastIndexByte(last, '.')
	if dot < 0 {
		return nil
	}
	partial := last[dot+1:]
	if partial != "" && !jqName.MatchString(partial) {
		return nil
	}
	base := last[:dot]
	if strings.TrimSpace(base) == "" {
		base = "."
	}
	prog := append(append([]string(nil), segs[:len(segs)-1]...), base)
	for _, p := range prog {
		if !jqPath.MatchString(p) {
			return nil
		}
	}
	pb := v.parsedBody()
	values, err := pb.decode(pb.ctx, v.raw, v.rawSize)
	if err != nil || len(values) == 0 {
		return nil
	}
	q, err := gojq.Parse(strings.Join(prog, "|"))
	if err != nil {
		return nil
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil
	}
	// A path over a parsed body of at most HighlightLimit is quick; the
	// deadline only guards the UI against the unforeseen.
	ctx, cancel := context.WithTimeout(v.ctx, 50*time.Millisecond)
	defer cancel()
	out, ok := code.RunWithContext(ctx, values[0]).Next()
	obj, isObj := out.(map[string]any)
	if !ok || !isObj {
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		if strings.HasPrefix(k, partial) && k != partial {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > maxCompletions {
		keys = keys[:maxCompletions]
	}
	prefix := text[:len(text)-len(partial)]
	out2 := make([]string, len(keys))
	for i, k := range keys {
		if !jqName.MatchString(k) {
			k = strconv.Quote(k) // ."a key" in jq
		}
		out2[i] = Sanitize(prefix + k)
	}
	return out2
}

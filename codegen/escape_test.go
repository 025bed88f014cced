package codegen

import (
	"bytes"
	"encoding/hex"
	"go/format"
	"math/rand/v2"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mistbench/mistbench/collections"
)

// awkward strings every escaping helper must survive.
var awkward = []string{
	"", "plain", "it's", `say "hi"`, `back\slash`, "\\'", "'\"'\"", "$(id)", "`id`", "${HOME}", "$HOME",
	"%s %d %% %n", "\\n \\t \\x41 \\0", "line\nbreak", "cr\rlf\r\n", "tab\there", "é", "😀 emoji",
	"\u2028\u2029", "\uFEFFbom", "\uE000private\uE001", "\x7f\x1b[31mred", "\xff\xfe invalid", "\x01\x02",
	"!history", "~tilde", "=eq", "-dash", "a`b`c", "trailing\\",
}

func randomStrings(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed+1))
	out := append([]string(nil), awkward...)
	for len(out) < n {
		b := make([]byte, r.IntN(40))
		for i := range b {
			switch r.IntN(4) {
			case 0:
				b[i] = byte(1 + r.IntN(255))
			case 1:
				const meta = "'\"\\$`%{}()[]!;&|<> \n\r\t"
				b[i] = meta[r.IntN(len(meta))]
			default:
				b[i] = byte(' ' + r.IntN(95))
			}
		}
		out = append(out, string(b))
	}
	return out
}

func noNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }

// bashEcho has bash print each quoted word, NUL-terminated.
func bashEcho(t testing.TB, words []string) []string {
	t.Helper()
	var script strings.Builder
	for _, w := range words {
		script.WriteString("printf '%s\\0' " + w + "\n")
	}
	out, err := exec.Command("bash", "-c", script.String()).Output()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, script.String())
	}
	got := strings.Split(string(out), "\x00")
	return got[:len(got)-1]
}

func TestShellQuoteReadBackByBash(t *testing.T) {
	in := randomStrings(2000, 1)
	words := make([]string, len(in))
	for i, s := range in {
		in[i] = noNUL(s)
		words[i] = ShellQuote(in[i])
	}
	got := bashEcho(t, words)
	if len(got) != len(in) {
		t.Fatalf("bash printed %d words, want %d", len(got), len(in))
	}
	for i := range in {
		if got[i] != in[i] {
			t.Errorf("ShellQuote(%q) = %s; bash reads %q", in[i], words[i], got[i])
		}
	}
}

func TestShellPrintfFormat(t *testing.T) {
	in := randomStrings(500, 2)
	in = append(in, "a\x00b", "\x00", "%\x00%")
	var script strings.Builder
	for _, s := range in {
		script.WriteString(shellPrintf([]seg{{lit: s}}) + "; printf '\\n--8<--\\n'\n")
	}
	out, err := exec.Command("bash", "-c", script.String()).Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	got := strings.Split(string(out), "\n--8<--\n")
	for i, s := range in {
		if got[i] != s {
			t.Errorf("printf '%s' prints %q, want %q", shellPrintfFormat(s), got[i], s)
		}
	}
}

func FuzzShellQuote(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = noNUL(s)
		q := ShellQuote(s)
		if got := bashEcho(t, []string{q}); len(got) != 1 || got[0] != s {
			t.Fatalf("ShellQuote(%q) = %s; bash reads %q", s, q, got)
		}
		if !utf8.ValidString(q) || strings.ContainsAny(q, "\r\x1b") {
			t.Fatalf("ShellQuote(%q) = %q: not safe to paste", s, q)
		}
	})
}

func FuzzGoString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := GoString(s)
		got, err := strconv.Unquote(lit)
		if err != nil || got != s {
			t.Fatalf("GoString(%q) = %s: Unquote gives %q, %v", s, lit, got, err)
		}
		// It must also be valid Go source that gofmt leaves alone.
		src := "package p\n\nvar x = " + lit + "\n"
		out, err := format.Source([]byte(src))
		if err != nil || string(out) != src {
			t.Fatalf("GoString(%q) = %s: not gofmt-clean Go: %v", s, lit, err)
		}
	})
}

// pythonEval has python3 evaluate literals with ast.literal_eval and print
// each value's bytes (UTF-8 for str) in hex, one per line.
func pythonEval(t testing.TB, lits []string) []string {
	t.Helper()
	var prog strings.Builder
	prog.WriteString("import ast, sys\nfor line in sys.stdin.read().split('\\0')[:-1]:\n    v = ast.literal_eval(line)\n    print((v.encode() if isinstance(v, str) else v).hex())\n")
	py := "python3"
	if _, err := exec.LookPath(py); err != nil {
		t.Fatal("python3 is needed (apt-get install python3)")
	}
	cmd := exec.Command(py, "-c", prog.String())
	cmd.Stdin = strings.NewReader(strings.Join(lits, "\x00") + "\x00")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

func TestPythonLiteralsReadBackByPython(t *testing.T) {
	in := randomStrings(2000, 3)
	var lits, want []string
	for _, s := range in {
		if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
			lits = append(lits, PyStr(s))
			want = append(want, s)
		}
		lits = append(lits, PyBytes(noNUL(s)))
		want = append(want, noNUL(s))
	}
	got := pythonEval(t, lits)
	if len(got) != len(want) {
		t.Fatalf("python printed %d values, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != hex.EncodeToString([]byte(want[i])) {
			b, _ := hex.DecodeString(got[i])
			t.Errorf("literal %s reads as %q, want %q", lits[i], b, want[i])
		}
	}
}

func FuzzPyStr(f *testing.F) {
	for _, s := range awkward[:6] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = noNUL(s)
		lits := []string{PyBytes(s)}
		if utf8.ValidString(s) {
			lits = append(lits, PyStr(s))
		}
		for i, v := range pythonEval(t, lits) {
			if v != hex.EncodeToString([]byte(s)) {
				t.Fatalf("literal %s reads as %s, want %q", lits[i], v, s)
			}
		}
	})
}

// FuzzGenerate feeds arbitrary requests to every target: no panic, a
// clear error or code; Go code that parses and is gofmt-clean.
func FuzzGenerate(f *testing.F) {
	f.Add("GET", "http://h/p?q=1", "X-A", "v", "body", uint8(0))
	f.Add("POST", "http://h/"+collections.SecretPlaceholder("tok"), "Authorization", "Basic "+collections.BasicPlaceholderPrefix+"u\x00"+collections.SecretPlaceholder("pw"), "{\"a\":1}", uint8(1))
	f.Add("PURGE", "https://h/a/../b", "Host", "", "a\x00b", uint8(2))
	f.Add("PUT", "http://h/x", "X", "\uE000unterminated", "\uE000x\uE001", uint8(3))
	f.Fuzz(func(t *testing.T, method, url, hname, hvalue, body string, kind uint8) {
		r := &collections.Resolved{Method: method, URL: url, Headers: []collections.Header{{Name: hname, Value: hvalue}}, FollowRedirects: kind&8 == 0}
		switch kind % 5 {
		case 1:
			r.Body = collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(body)}
		case 2:
			r.Body = collections.ResolvedBody{Kind: collections.BodyForm, Form: []collections.Header{{Name: hname, Value: body}}}
		case 3:
			r.Body = collections.ResolvedBody{Kind: collections.BodyMultipart, Parts: []collections.ResolvedPart{{Name: hname, Value: body, ContentType: hvalue}, {Name: "f", File: "/tmp/" + body, FileName: body}}}
		case 4:
			r.Body = collections.ResolvedBody{Kind: collections.BodyFile, File: body}
		}
		opts := Options{
			InlineSecrets:      kind&16 != 0,
			SecretValues:       map[string]string{"tok": body, "pw": hvalue},
			SecretEnv:          map[string]string{"tok": hname},
			InsecureSkipVerify: kind&32 != 0,
			PythonPrintJSON:    kind&64 != 0,
		}
		if kind&128 != 0 {
			r.MaxRedirects = int(kind)
		}
		if len(hname)%2 == 1 {
			r.Login = &collections.MistLogin{Email: hvalue, Password: body, TwoFactor: hname}
		}
		for _, tg := range Targets {
			code, err := tg.Generate(r, opts)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "codegen: ") {
					t.Fatalf("%s: error without context: %v", tg.Name, err)
				}
				continue
			}
			if tg.Name == "go" {
				out, err := format.Source([]byte(code))
				if err != nil || string(out) != code {
					t.Fatalf("Go code does not parse or is not gofmt-clean: %v\n%s", err, code)
				}
			}
		}
	})
}

// goPathAsIs is a shortcut for parsing: where it says yes, net/url must
// write the path back as it is.
func TestGoPathAsIs(t *testing.T) {
	for c := 0; c < 256; c++ {
		p := "/a" + string(rune(c)) + "b/c"
		if c >= 0x80 {
			p = "/a" + string([]byte{byte(c)}) + "b/c"
		}
		if !goPathAsIs(p) {
			continue
		}
		u, err := url.Parse("http://h" + p)
		if err != nil || u.EscapedPath() != p {
			t.Errorf("%q: said as is, net/url writes %q (%v)", p, u.EscapedPath(), err)
		}
	}
}

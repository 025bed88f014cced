package codegen

import (
	"encoding/json"
	"mime"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

// curlPipeThreshold is the body size from which the body is piped from
// the printf builtin: one exec argument is limited to 128 KiB on Linux.
const curlPipeThreshold = 64 << 10

// Curl writes r as a curl command for bash.
func Curl(r *collections.Resolved, opts Options) (string, error) {
	q, err := prepare(r, opts)
	if err != nil {
		return "", err
	}
	return curl(q, r)
}

func curl(q *request, r *collections.Resolved) (string, error) {
	var b strings.Builder
	b.Grow(512 + len(r.Body.Bytes)*11/10)
	b.WriteString(q.preamble("#"))
	for _, s := range q.secrets {
		// Fail early, naming the variable, rather than send an empty secret.
		b.WriteString(`: "${` + s.env + `:?set ` + s.env + ` to the secret ` + shellCommentWord(s.name) + `}"` + "\n")
	}
	if q.needsURLEncode() {
		b.WriteString(curlURLEncodeFunc)
	}
	if q.insecure {
		b.WriteString("# --insecure: TLS certificate verification is OFF for this request.\n")
	}
	if q.login != nil {
		b.WriteString(curlLogin(q))
	}

	var args []string
	pipe := ""
	switch {
	case q.method == "HEAD" && q.bodyKind == bodyNone:
		args = append(args, "--head")
	case q.method == "GET" && q.bodyKind == bodyNone,
		q.method == "POST" && q.bodyKind != bodyNone:
	default:
		args = append(args, "--request "+ShellQuote(q.method))
	}
	url := shellWord(q.url)
	if u := q.url.lits(); strings.ContainsAny(u, "[]{}") {
		args = append(args, "--globoff") // [] and {} are curl's URL globbing otherwise
	}
	if hasDotSegment(q.url.lits()) {
		args = append(args, "--path-as-is") // curl would remove . and .. segments
	}
	args = append(args, url)
	first := len(args) // the method, URL and URL options go on the first line
	for _, h := range q.headers {
		if q.boundary != "" && strings.EqualFold(h.name, "Content-Type") {
			// curl appends its own boundary to any multipart Content-Type.
			lit, _ := h.value.literal()
			mt, _, _ := mime.ParseMediaType(lit)
			b.WriteString("# curl picks the multipart boundary; the request sets boundary=" + safeComment(q.boundary) + ".\n")
			h.value = value{segs: []seg{{lit: mt}}}
		}
		if lit, ok := h.value.literal(); ok && lit == "" {
			args = append(args, "--header "+ShellQuote(h.name+";")) // "Name:" would remove the header
			continue
		}
		args = append(args, "--header "+shellWord(prefixed(h.name+": ", h.value)))
	}
	switch q.bodyKind {
	case bodyBytes:
		lits := q.body.lits()
		if strings.IndexByte(lits, 0) >= 0 || len(lits) > curlPipeThreshold {
			pipe = shellPrintf(q.body.segs) + " |\n  "
			args = append(args, "--data-binary @-")
		} else {
			args = append(args, "--data-raw "+shellWord(q.body))
		}
		if len(lits) > 1<<20 {
			args = append(args, "--header 'Expect:'") // curl asks for 100-continue above 1 MiB
		}
	case bodyForm:
		for _, f := range q.formEnc {
			args = append(args, "--data-raw "+shellWord(f))
		}
		if len(q.formEnc) == 0 {
			args = append(args, "--data-raw ''")
		}
	case bodyMultipart:
		for _, p := range q.parts {
			args = append(args, curlPart(p))
		}
	case bodyFile:
		args = append(args, "--data-binary "+ShellQuote("@"+q.file))
	}
	if q.follow {
		args = append(args, "--location")
		if q.maxRedirects != 10 {
			args = append(args, "--max-redirs "+strconv.Itoa(q.maxRedirects))
		}
	}
	if q.login != nil {
		args = append(args, `--cookie "$jar"`)
		if q.login.csrf {
			args = append(args, `--header "X-CSRFToken: $csrf"`)
		}
	}
	args = append(args, "--max-time "+seconds(q.timeout))
	if q.insecure {
		args = append(args, "--insecure")
	}

	b.WriteString(pipe)
	b.WriteString("curl")
	for i, a := range args {
		if i < first {
			b.WriteString(" ")
		} else {
			b.WriteString(" \\\n  ")
		}
		b.WriteString(a)
	}
	b.WriteString("\n")
	return b.String(), nil
}

// curlURLEncodeFunc percent-encodes a secret at run time as the URL or
// form encoder did around it (the second argument "form" writes space as +).
const curlURLEncodeFunc = `urlencode() {
  local LC_ALL=C s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
    [a-zA-Z0-9._~-]) out+=$c ;;
    ' ') if [[ $2 == form ]]; then out+=+; else out+=%20; fi ;;
    *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s' "$out"
}
`

func (q *request) needsURLEncode() bool {
	vals := append([]value{q.url}, q.formEnc...)
	for _, v := range vals {
		for _, s := range v.segs {
			if s.secret != nil && s.enc != encNone {
				return true
			}
		}
	}
	return false
}

// prefixed returns v with literal text in front.
func prefixed(prefix string, v value) value {
	return value{segs: merge(append([]seg{{lit: prefix}}, v.segs...)), basic: v.basic}
}

// shellWord writes v as one shell word: quoted literals and expansions of
// the secrets' environment variables, side by side.
func shellWord(v value) string {
	var b strings.Builder
	for _, s := range v.segs {
		writeShellSeg(&b, s)
	}
	if v.basic != nil {
		var w strings.Builder
		for _, s := range v.basic.inner() {
			writeShellSeg(&w, s)
		}
		b.WriteString(`"$(printf '%s' ` + w.String() + ` | base64 | tr -d '\n')"`)
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

func writeShellSeg(b *strings.Builder, s seg) {
	switch {
	case s.secret == nil:
		if s.lit != "" {
			b.WriteString(ShellQuote(s.lit))
		}
	case s.enc == encQuery:
		b.WriteString(`"$(urlencode "$` + s.secret.env + `")"`)
	case s.enc == encForm:
		b.WriteString(`"$(urlencode "$` + s.secret.env + `" form)"`)
	case s.enc == encJSON:
		b.WriteString(`"$(jsonesc "$` + s.secret.env + `")"`)
	default:
		b.WriteString(`"$` + s.secret.env + `"`)
	}
}

// shellPrintf writes a printf command printing segs exactly, NUL bytes
// included; secrets are %s arguments.
func shellPrintf(segs []seg) string {
	var f strings.Builder
	var args []string
	for _, s := range segs {
		if s.secret != nil {
			f.WriteString("%s")
			args = append(args, `"$`+s.secret.env+`"`)
			continue
		}
		f.WriteString(shellPrintfFormat(s.lit))
	}
	out := "printf '" + f.String() + "'"
	if strings.HasPrefix(f.String(), "-") {
		out = "printf -- '" + f.String() + "'" // not an option
	}
	if len(args) > 0 {
		out += " " + strings.Join(args, " ")
	} else if f.Len() == 0 {
		out = "printf ''"
	}
	return out
}

// curlPart writes one multipart part as a curl option.
func curlPart(p part) string {
	if p.file != "" {
		spec := p.name + `=@"` + curlFormQuote(p.file) + `"`
		if p.fileName != "" && p.fileName != filepath.Base(p.file) {
			spec += `;filename="` + curlFormQuote(p.fileName) + `"`
		}
		spec += ";type=" + p.contentType
		return "--form " + ShellQuote(spec)
	}
	_, literal := p.value.literal()
	if strings.IndexByte(p.value.lits(), 0) >= 0 || !literal && p.contentType != "" {
		// No argument holds a NUL, and a secret could break curl's quoting:
		// read the value from a printf pipe.
		w := "--form " + ShellQuote(p.name+"=<") + "<(" + shellPrintf(p.value.segs) + ")"
		if p.contentType != "" {
			w += ShellQuote(";type=" + p.contentType)
		}
		return w
	}
	if p.contentType == "" {
		// --form-string sends the value as written: no @file, <file or ;type.
		return "--form-string " + shellWord(prefixed(p.name+"=", p.value))
	}
	// A quoted value keeps its ; and a leading @ or < literal.
	segs := []seg{{lit: p.name + `="`}}
	for _, s := range p.value.segs {
		if s.secret == nil {
			s.lit = curlFormQuote(s.lit)
		}
		segs = append(segs, s)
	}
	segs = append(segs, seg{lit: `";type=` + p.contentType})
	return "--form " + shellWord(value{segs: merge(segs)})
}

// curlFormQuote escapes text for a double-quoted word of curl's --form.
func curlFormQuote(s string) string { return quoteEscaper.Replace(s) }

// quoteEscaper backslash-escapes \ and " (curl's --form words, and
// mime/multipart's Content-Disposition). A Replacer is safe for concurrent use.
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// shellCommentWord keeps a name inside ${VAR:?message} harmless.
func shellCommentWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '}' || r == '"' || r == '$' || r == '`' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, s)
}

// hasDotSegment reports whether a URL's path has a "." or ".." segment.
func hasDotSegment(u string) bool {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		j := strings.IndexByte(u, '/')
		if j < 0 {
			return false
		}
		u = u[j:]
	}
	u, _, _ = strings.Cut(u, "?")
	for _, s := range strings.Split(u, "/") {
		if s == "." || s == ".." {
			return true
		}
	}
	return false
}

// curlLogin writes the Mist login: POST the credentials as JSON, keep the
// session's cookies in a temporary jar, read the CSRF token from it.
func curlLogin(q *request) string {
	l := q.login
	var b strings.Builder
	if _, lit := l.email.literal(); !lit || hasSecret(l.password) || hasSecret(l.twoFactor) {
		b.WriteString(curlJSONEscFunc)
	}
	b.WriteString("# Mist login session: log in, then send the session's cookies.\n")
	b.WriteString("jar=$(mktemp) || exit\ntrap 'rm -f \"$jar\"' EXIT\n")
	body := []seg{{lit: "{"}}
	field := func(name string, v value) {
		if len(body) > 1 {
			body = append(body, seg{lit: ","})
		}
		body = append(body, seg{lit: `"` + name + `":"`})
		for _, s := range v.segs {
			if s.secret != nil {
				s.enc = encJSON
			} else {
				s.lit = jsonEscape(s.lit)
			}
			body = append(body, s)
		}
		body = append(body, seg{lit: `"`})
	}
	field("email", l.email)
	field("password", l.password)
	if lit, ok := l.twoFactor.literal(); !ok || lit != "" {
		field("two_factor", l.twoFactor)
	}
	body = append(body, seg{lit: "}"})
	args := []string{"--fail", "--silent", "--show-error", "--output /dev/null", `--cookie-jar "$jar"`,
		"--header 'Content-Type: application/json'", "--data-raw " + shellWord(value{segs: merge(body)}),
		"--max-time " + seconds(q.timeout)}
	if q.insecure {
		args = append(args, "--insecure")
	}
	b.WriteString("curl " + ShellQuote(l.url))
	for _, a := range args {
		b.WriteString(" \\\n  " + a)
	}
	b.WriteString(" || exit\n")
	if l.csrf {
		b.WriteString(`csrf=$(awk '$6 ~ /^csrftoken(\.|$)/ {print $7}' "$jar")` + "\n")
	}
	return b.String()
}

// jsonEscape writes s as the inside of a JSON string, as encoding/json
// does (the engine's login body).
func jsonEscape(s string) string {
	data, _ := json.Marshal(s)
	return string(data[1 : len(data)-1])
}

// curlJSONEscFunc escapes a secret at run time for a JSON string.
const curlJSONEscFunc = `jsonesc() { # escapes $1 for a JSON string
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '%s' "$s"
}
`

func hasSecret(v value) bool {
	_, lit := v.literal()
	return !lit
}

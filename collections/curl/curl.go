// Package curl reads a curl command line (as browsers' "Copy as cURL",
// documentation and mistbench's own code generator write them) into a
// saved request.
//
// Words are split by a real shell parser (mvdan.cc/sh), so quotes, $'...'
// strings and line continuations mean what bash makes of them. Options
// that change what is sent and that a request cannot express are reported
// as warnings, never ignored silently.
package curl

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/mistbench/mistbench/collections"
)

// ErrNotCurl is returned when the command does not run curl.
var ErrNotCurl = errors.New("not a curl command")

// IsCommand reports whether pasted text is a curl command (what the
// workbench's URL field checks before handing it to Parse).
func IsCommand(text string) bool {
	t := strings.TrimLeft(text, " \t\r\n")
	t = strings.TrimPrefix(t, "$ ")
	return strings.HasPrefix(t, "curl ") || strings.HasPrefix(t, "curl\t") || strings.HasPrefix(t, "curl\\\n") || strings.HasPrefix(t, "curl.exe ")
}

// Parse reads one curl command into a request. Shell variables ($TOKEN,
// ${TOKEN}) become {{TOKEN}} variables. The warnings name options that
// were understood but cannot be kept, or are unknown.
func Parse(command string) (*collections.Request, []string, error) {
	words, warns, err := shellWords(command)
	if err != nil {
		return nil, nil, err
	}
	p := &parser{warn: warns}
	req, err := p.parse(words)
	if err != nil {
		return nil, p.warn, err
	}
	return req, p.warn, nil
}

// shellWords returns the words of the first command in the text.
func shellWords(command string) ([]string, []string, error) {
	// A prompt pasted along with the command ("$ curl ...") is not part of it.
	if t := strings.TrimLeft(command, " \t\r\n"); strings.HasPrefix(t, "$ curl") {
		command = t[2:]
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(command), "")
	if err != nil {
		var pe syntax.ParseError
		if errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("curl command: line %d, column %d: %s: %w", pe.Pos.Line(), pe.Pos.Col(), pe.Text, err)
		}
		return nil, nil, fmt.Errorf("curl command: %w", err)
	}
	var warns []string
	var call *syntax.CallExpr
	calls := 0
	syntax.Walk(f, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			calls++
			if call == nil {
				call = c
			}
			return false
		}
		return true
	})
	if call == nil {
		return nil, nil, fmt.Errorf("curl command: empty: %w", ErrNotCurl)
	}
	if calls > 1 {
		warns = append(warns, fmt.Sprintf("only the first of %d commands was read", calls))
	}
	// Only the variables the command names become {{variables}}; the
	// expander's own look-ups (IFS, HOME) stay unset.
	vars := map[string]bool{}
	var order []string
	syntax.Walk(call, func(n syntax.Node) bool {
		if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && !vars[pe.Param.Value] {
			vars[pe.Param.Value] = true
			order = append(order, pe.Param.Value)
		}
		return true
	})
	cfg := &expand.Config{
		Env: expand.FuncEnviron(func(name string) string {
			if vars[name] {
				return "{{" + name + "}}"
			}
			return ""
		}),
	}
	// Fields does what bash does to each word (quote removal, backslash
	// escapes, brace expansion); without ReadDir it never globs.
	words := make([]string, 0, len(call.Args))
	for _, w := range call.Args {
		fs, err := expand.Fields(cfg, w)
		if err != nil {
			return nil, nil, fmt.Errorf("curl command: line %d, column %d: %w", w.Pos().Line(), w.Pos().Col(), err)
		}
		words = append(words, fs...)
	}
	for _, name := range order {
		warns = append(warns, fmt.Sprintf("shell variable $%s became the variable {{%s}}", name, name))
	}
	return words, warns, nil
}

// option arities: true when the option takes a value.
var longOpts = map[string]bool{
	"request": true, "header": true, "data": true, "data-raw": true, "data-binary": true,
	"data-ascii": true, "data-urlencode": true, "json": true, "form": true, "form-string": true,
	"user": true, "cookie": true, "user-agent": true, "referer": true, "url": true,
	"max-time": true, "max-redirs": true, "connect-timeout": true, "output": true,
	"write-out": true, "retry": true, "cookie-jar": true, "cacert": true, "cert": true,
	"key": true, "proxy": true, "resolve": true, "connect-to": true, "upload-file": true,
	"oauth2-bearer": true, "config": true, "range": true, "limit-rate": true,
	"interface": true, "url-query": true, "proxy-user": true, "retry-delay": true,
	"retry-max-time": true, "capath": true, "cert-type": true, "key-type": true,
	"stderr": true, "trace": true, "trace-ascii": true, "dump-header": true, "continue-at": true,
	"speed-limit": true, "speed-time": true, "expect100-timeout": true, "unix-socket": true,
	"aws-sigv4": true, "netrc-file": true, "pass": true, "ciphers": true, "local-port": true,
	"dns-servers": true, "variable": true, "expand-url": true, "expand-data": true, "expand-header": true,
}

var shortToLong = map[byte]string{
	'X': "request", 'H': "header", 'd': "data", 'F': "form", 'u': "user", 'b': "cookie",
	'A': "user-agent", 'e': "referer", 'm': "max-time", 'o': "output", 'w': "write-out",
	'c': "cookie-jar", 'E': "cert", 'x': "proxy", 'T': "upload-file", 'K': "config",
	'r': "range", 'U': "proxy-user", 'C': "continue-at", 'D': "dump-header", 'Y': "speed-limit",
	'y': "speed-time", 'G': "get", 'k': "insecure", 'L': "location", 'I': "head",
	's': "silent", 'S': "show-error", 'v': "verbose", 'i': "include", 'f': "fail",
	'g': "globoff", 'N': "no-buffer", '#': "progress-bar", 'O': "remote-name", 'n': "netrc",
	'4': "ipv4", '6': "ipv6", 'q': "disable", 'j': "junk-session-cookies", 'J': "remote-header-name",
	'0': "http1.0", '1': "tlsv1", '2': "sslv2", '3': "sslv3", 'l': "list-only", 'a': "append",
	'B': "use-ascii", 'M': "manual", 'h': "help", 'V': "version", 'Z': "parallel", 'z': "time-cond",
	'P': "ftp-port", 'Q': "quote", 'R': "remote-time", 't': "telnet-option", 'p': "proxytunnel",
}

// quiet lists options that change only curl's own output or transport
// details mistbench's sender decides itself: nothing sent differs.
var quiet = map[string]bool{
	"silent": true, "show-error": true, "verbose": true, "include": true, "fail": true,
	"fail-with-body": true, "globoff": true, "no-buffer": true, "progress-bar": true,
	"output": true, "write-out": true, "no-progress-meter": true, "compressed": true,
	"http1.1": true, "http2": true, "remote-name": true, "stderr": true, "trace": true,
	"trace-ascii": true, "dump-header": true, "disable": true, "path-as-is": true,
	"tr-encoding": true, "raw": true, "ipv4": true, "ipv6": true, "remote-header-name": true,
	"styled-output": true, "no-styled-output": true, "no-keepalive": true, "tcp-nodelay": true,
	"create-dirs": true, "compressed-ssh": true, "no-sessionid": true, "no-alpn": true, "no-npn": true,
}

// parser gathers what the options say; build turns it into a request.
type parser struct {
	warn []string

	url        string
	urls       int
	method     string
	head       bool
	get        bool
	headers    []collections.Param
	data       []string // pieces joined with &
	dataFile   string   // --data-binary @file
	jsonData   bool
	parts      []collections.Part
	query      []collections.Param
	auth       collections.Auth
	upload     string
	follow     bool
	maxRedirs  int
	timeout    time.Duration
	insecure   bool
	userAgent  bool
	referer    bool
	sawCookies bool
}

func (p *parser) warnf(format string, args ...any) {
	p.warn = append(p.warn, fmt.Sprintf(format, args...))
}

func (p *parser) parse(words []string) (*collections.Request, error) {
	if len(words) == 0 {
		return nil, ErrNotCurl
	}
	prog := path.Base(strings.ReplaceAll(words[0], `\`, "/"))
	if prog != "curl" && prog != "curl.exe" {
		return nil, fmt.Errorf("curl command: starts with %q: %w", words[0], ErrNotCurl)
	}
	args := words[1:]
	noMoreOpts := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if noMoreOpts || a == "" || a[0] != '-' || a == "-" {
			p.addURL(a)
			continue
		}
		if a == "--" {
			noMoreOpts = true
			continue
		}
		next := func(name string) (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("curl command: option %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		if strings.HasPrefix(a, "--") {
			name := a[2:]
			neg := false
			if strings.HasPrefix(name, "no-") && !quiet[name] && !longOpts[name] {
				name, neg = name[3:], true
			}
			val := ""
			if longOpts[name] {
				v, err := next(a)
				if err != nil {
					return nil, err
				}
				val = v
			}
			if err := p.option(name, val, neg); err != nil {
				return nil, err
			}
			continue
		}
		// Short options may be grouped (-sSL); one taking a value takes the
		// rest of the word or the next word (-XPOST, -X POST).
		for j := 1; j < len(a); j++ {
			name, ok := shortToLong[a[j]]
			if !ok {
				p.warnf("unknown option -%c ignored", a[j])
				continue
			}
			if !longOpts[name] {
				if err := p.option(name, "", false); err != nil {
					return nil, err
				}
				continue
			}
			val := a[j+1:]
			if val == "" {
				v, err := next("-" + string(a[j]))
				if err != nil {
					return nil, err
				}
				val = v
			}
			if err := p.option(name, val, false); err != nil {
				return nil, err
			}
			break
		}
	}
	return p.build()
}

func (p *parser) addURL(u string) {
	p.urls++
	if p.urls == 1 {
		p.url = u
		return
	}
	p.warnf("more than one URL: only %q is kept, %q was dropped", p.url, u)
}

func (p *parser) option(name, val string, neg bool) error {
	switch name {
	case "request":
		p.method = val
	case "header":
		p.header(val)
	case "data", "data-ascii":
		if strings.HasPrefix(val, "@") {
			p.warnf("--%s %s: curl strips newlines from the file; the file is sent as it is", name, val)
			p.dataFile = val[1:]
			return nil
		}
		p.data = append(p.data, val)
	case "data-raw":
		p.data = append(p.data, val)
	case "data-binary":
		if strings.HasPrefix(val, "@") {
			p.dataFile = val[1:]
			return nil
		}
		p.data = append(p.data, val)
	case "json":
		p.jsonData = true
		if strings.HasPrefix(val, "@") {
			p.dataFile = val[1:]
			return nil
		}
		p.data = append(p.data, val)
	case "data-urlencode":
		p.data = append(p.data, p.urlencode(val))
	case "url-query":
		if strings.HasPrefix(val, "+") {
			val = val[1:]
		}
		k, v, ok := strings.Cut(val, "=")
		if !ok {
			p.query = append(p.query, collections.Param{Key: v + k})
		} else {
			p.query = append(p.query, collections.Param{Key: k, Value: v})
		}
	case "form", "form-string":
		part, err := parseForm(val, name == "form-string")
		if err != nil {
			return fmt.Errorf("curl command: -F %q: %w", val, err)
		}
		if part.fileName != "" && part.fileName != path.Base(part.File) {
			p.warnf("-F %s: the part's file name %q is sent as %q", part.Name, part.fileName, path.Base(part.File))
		}
		if part.fromText {
			p.warnf("-F %s=<%s: the file's content is sent as a file part", part.Name, part.File)
		}
		p.parts = append(p.parts, part.Part)
	case "user":
		user, pass, ok := strings.Cut(val, ":")
		if !ok {
			p.warnf("-u %s: curl would prompt for the password; it is left empty", val)
		}
		p.auth = collections.Auth{Type: collections.AuthBasic, Username: user, Password: pass}
	case "oauth2-bearer":
		p.auth = collections.Auth{Type: collections.AuthBearer, Token: val}
	case "cookie":
		if !strings.Contains(val, "=") {
			p.warnf("-b %s: reading cookies from a file is not supported; dropped", val)
			return nil
		}
		p.headers = append(p.headers, collections.Param{Key: "Cookie", Value: val})
	case "user-agent":
		p.userAgent = true
		p.headers = append(p.headers, collections.Param{Key: "User-Agent", Value: val})
	case "referer":
		p.referer = true
		p.headers = append(p.headers, collections.Param{Key: "Referer", Value: strings.TrimSuffix(val, ";auto")})
	case "url":
		p.addURL(val)
	case "max-time":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f < 0 {
			return fmt.Errorf("curl command: --max-time %q: not a number of seconds", val)
		}
		p.timeout = time.Duration(f * float64(time.Second))
	case "max-redirs":
		n, err := strconv.Atoi(val)
		if err != nil {
			return fmt.Errorf("curl command: --max-redirs %q: not a number", val)
		}
		p.maxRedirs = n
	case "get":
		p.get = !neg
	case "head":
		p.head = !neg
	case "location", "location-trusted":
		p.follow = !neg
	case "insecure":
		p.insecure = !neg
	case "upload-file":
		p.upload = val
	default:
		if quiet[name] {
			return nil
		}
		if val != "" {
			p.warnf("option --%s %s is not supported; dropped", name, val)
		} else {
			p.warnf("option --%s is not supported; dropped", name)
		}
	}
	return nil
}

// header adds -H "Name: value"; "Name;" sends an empty header and "Name:"
// removes one of curl's own, which a request cannot express.
func (p *parser) header(h string) {
	if strings.HasPrefix(h, "@") {
		p.warnf("-H %s: headers from a file are not supported; dropped", h)
		return
	}
	name, value, ok := strings.Cut(h, ":")
	if !ok {
		if n, found := strings.CutSuffix(strings.TrimSpace(h), ";"); found {
			p.headers = append(p.headers, collections.Param{Key: n})
			return
		}
		p.warnf("-H %q: not a header (no colon); dropped", h)
		return
	}
	name = strings.TrimSpace(name)
	value = strings.TrimLeft(value, " \t")
	if value == "" {
		p.warnf("-H %q removes a header curl would send; dropped", h)
		return
	}
	if strings.EqualFold(name, "Authorization") && p.auth.Type == "" {
		if a, ok := collections.AuthFromHeader(value); ok {
			p.auth = a
			return
		}
	}
	p.headers = append(p.headers, collections.Param{Key: name, Value: value})
}

// urlencode applies curl's --data-urlencode forms: "content", "=content",
// "name=content"; the file forms are reported.
func (p *parser) urlencode(v string) string {
	if i := strings.IndexAny(v, "=@"); i >= 0 {
		if v[i] == '@' {
			p.warnf("--data-urlencode %s: reading the value from a file is not supported; the text is sent as written", v)
			return v
		}
		if i == 0 {
			return curlEscape(v[1:])
		}
		return v[:i] + "=" + curlEscape(v[i+1:])
	}
	return curlEscape(v)
}

// curlEscape encodes as curl_easy_escape: all but unreserved as %XX.
func curlEscape(s string) string { return collections.EscapeQuery(s) }

type formPart struct {
	collections.Part
	fileName string
	fromText bool
}

// parseForm reads curl's -F syntax: name=value, name=@file, name=<file,
// with optional ;type=, ;filename= and double-quoted values.
func parseForm(s string, literal bool) (formPart, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok {
		return formPart{}, errors.New("no '=' between name and value")
	}
	fp := formPart{Part: collections.Part{Name: name}}
	if literal {
		fp.Value = rest
		return fp, nil
	}
	isFile, isText := false, false
	if strings.HasPrefix(rest, "@") {
		isFile, rest = true, rest[1:]
	} else if strings.HasPrefix(rest, "<") {
		isFile, isText, rest = true, true, rest[1:]
	}
	value, rest, err := formWord(rest)
	if err != nil {
		return formPart{}, err
	}
	for rest != "" {
		rest = strings.TrimLeft(rest[1:], " ") // skip ';'
		key, r, _ := strings.Cut(rest, "=")
		var v string
		v, rest, err = formWord(r)
		if err != nil {
			return formPart{}, err
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "type":
			fp.ContentType = v
		case "filename":
			fp.fileName = v
		case "headers", "encoder":
			// carried by curl only; nothing to keep
		default:
			// curl treats an unknown ;word as part of the value
			if !isFile {
				value += ";" + key
				if r != "" || strings.Contains(rest, "=") {
					value += "=" + v
				}
			}
		}
	}
	if isFile {
		fp.File = value
		fp.fromText = isText
	} else {
		fp.Value = value
	}
	return fp, nil
}

// formWord reads a value up to the next ';': a double-quoted one may hold
// ';' and backslash-escaped '"' and '\'.
func formWord(s string) (string, string, error) {
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			c := s[i]
			if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			if c == '"' {
				rest := s[i+1:]
				if j := strings.IndexByte(rest, ';'); j >= 0 {
					rest = rest[j:]
				} else {
					rest = ""
				}
				return b.String(), rest, nil
			}
			b.WriteByte(c)
		}
		return "", "", errors.New("unterminated double quote")
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return s[:i], s[i:], nil
	}
	return s, "", nil
}

func (p *parser) build() (*collections.Request, error) {
	if p.urls == 0 {
		return nil, errors.New("curl command: no URL")
	}
	req := &collections.Request{Auth: p.auth}
	if req.Auth.Type == "" {
		// curl sends no auth unless told: nothing inherited either.
		req.Auth.Type = collections.AuthNone
	}
	raw := p.url
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i] // curl never sends the fragment
	}
	base, query, _ := strings.Cut(raw, "?")
	req.URL = escapePathVars(base)
	if query != "" {
		params, ok := collections.SplitQuery(query)
		if ok {
			req.Query = params
		} else {
			req.URL += "?" + query // not as our encoder writes it: sent as written
		}
	}
	req.Query = append(req.Query, p.query...)
	req.Headers = p.headers

	body := strings.Join(p.data, "&")
	hasData := len(p.data) > 0 || p.dataFile != ""
	switch {
	case p.head:
		req.Method = "HEAD"
	case p.upload != "" || hasData && !p.get || len(p.parts) > 0:
		req.Method = "POST"
		if p.upload != "" {
			req.Method = "PUT"
		}
	}
	if p.method != "" {
		req.Method = p.method
	}
	if p.get && len(p.data) > 0 {
		if params, ok := collections.SplitQuery(body); ok {
			req.Query = append(req.Query, params...)
		} else {
			sep := "?"
			if strings.Contains(req.URL, "?") {
				sep = "&"
			}
			req.URL += sep + body
		}
		if p.method == "" && !p.head {
			req.Method = "GET"
		}
		hasData = p.dataFile != ""
		body = ""
	}
	if p.jsonData {
		if headerIndex(req.Headers, "Content-Type") < 0 {
			req.Headers = append(req.Headers, collections.Param{Key: "Content-Type", Value: "application/json"})
		}
		if headerIndex(req.Headers, "Accept") < 0 {
			req.Headers = append(req.Headers, collections.Param{Key: "Accept", Value: "application/json"})
		}
	}
	ct := ""
	if i := headerIndex(req.Headers, "Content-Type"); i >= 0 {
		ct = req.Headers[i].Value
	}
	switch {
	case len(p.parts) > 0:
		if hasData {
			p.warnf("both -F and -d given: curl refuses that; the -d data was dropped")
		}
		req.Body = collections.Body{Kind: collections.BodyMultipart, Parts: p.parts}
	case p.upload != "":
		req.Body = collections.Body{Kind: collections.BodyFile, File: p.upload}
		if ct == "" {
			p.warnf("-T %s: curl sends no Content-Type; mistbench sends application/octet-stream", p.upload)
		}
	case p.dataFile != "":
		req.Body = collections.Body{Kind: collections.BodyFile, File: p.dataFile}
		if ct == "" {
			req.Headers = append(req.Headers, collections.Param{Key: "Content-Type", Value: "application/x-www-form-urlencoded"})
		}
	case len(p.data) > 0 && !p.get:
		req.Body = dataBody(body, ct)
		if ct == "" && req.Body.Kind != collections.BodyForm {
			// What curl sends with -d; without it the sender would say text/plain.
			req.Headers = append(req.Headers, collections.Param{Key: "Content-Type", Value: "application/x-www-form-urlencoded"})
		}
	}
	if p.follow {
		t := true
		req.Settings.FollowRedirects = &t
	} else {
		f := false
		req.Settings.FollowRedirects = &f
	}
	if p.maxRedirs > 0 {
		req.Settings.MaxRedirects = p.maxRedirs
	}
	req.Settings.Timeout = p.timeout
	if p.insecure {
		p.warnf("-k (--insecure) is a collection setting in mistbench (settings: insecure); not kept on the request")
	}
	return req, nil
}

// dataBody picks the body kind for -d data: a form when re-encoding its
// fields gives the same bytes, JSON when the header says JSON, else raw.
func dataBody(body, ct string) collections.Body {
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		if mt == "application/json" && ct == mt {
			return collections.Body{Kind: collections.BodyJSON, Text: body}
		}
		return collections.Body{Kind: collections.BodyRaw, Text: body, Language: "json"}
	case mt == "" || mt == "application/x-www-form-urlencoded":
		if form, ok := splitForm(body); ok && mt == "" {
			return collections.Body{Kind: collections.BodyForm, Form: form}
		}
	}
	lang := ""
	if json.Valid([]byte(body)) && (strings.HasPrefix(strings.TrimSpace(body), "{") || strings.HasPrefix(strings.TrimSpace(body), "[")) {
		lang = "json"
	}
	return collections.Body{Kind: collections.BodyRaw, Text: body, Language: lang}
}

// splitForm splits url-encoded form data into fields, only when encoding
// them back gives exactly the same bytes.
func splitForm(body string) ([]collections.Param, bool) {
	if body == "" || strings.Contains(body, "{{") {
		return nil, false
	}
	var out []collections.Param
	for _, pair := range strings.Split(body, "&") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, false
		}
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || collections.EscapeForm(dk) != k || collections.EscapeForm(dv) != v {
			return nil, false
		}
		out = append(out, collections.Param{Key: dk, Value: dv})
	}
	return out, true
}

// escapePathVars keeps a literal ":name" path segment from being read as a
// path variable: curl sends it as written, and so must we.
func escapePathVars(u string) string {
	if !strings.Contains(u, "/:") {
		return u
	}
	start := 0
	if i := strings.Index(u, "://"); i >= 0 {
		start = i + 3
	}
	j := strings.IndexByte(u[start:], '/')
	if j < 0 {
		return u
	}
	start += j
	segs := strings.Split(u[start:], "/")
	for i, s := range segs {
		if _, ok := collections.PathVarName(s); ok {
			segs[i] = "%3A" + s[1:]
		}
	}
	return u[:start] + strings.Join(segs, "/")
}

func headerIndex(hs []collections.Param, name string) int {
	for i, h := range hs {
		if strings.EqualFold(h.Key, name) && !h.Disabled {
			return i
		}
	}
	return -1
}

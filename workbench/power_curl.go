package workbench

import (
	"fmt"
	"strings"

	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/collections/curl"
)

// pasteRoot is the app's root: it sees a paste before the focused widget,
// so a curl command pasted into the URL field becomes the request instead
// of a URL full of flags.
type pasteRoot struct {
	*tview.Pages
	w *Workbench
}

// PasteHandler implements tview.Primitive.
func (r pasteRoot) PasteHandler() func(text string, setFocus func(p tview.Primitive)) {
	inner := r.Pages.PasteHandler()
	return func(text string, setFocus func(p tview.Primitive)) {
		if r.w.pasteCurl(text) {
			return
		}
		inner(text, setFocus)
	}
}

// pasteCurl turns a curl command pasted into the URL field into the open
// request (its name, description and checks stay). It reports whether the
// paste was taken.
func (w *Workbench) pasteCurl(text string) bool {
	d := w.s.Draft
	if w.modal != "" || d == nil || w.app.GetFocus() != w.editor.urlIn || !curl.IsCommand(text) {
		return false
	}
	req, warns, err := curl.Parse(text)
	if err != nil {
		w.setError(fmt.Errorf("the pasted curl command: %w", err))
		return true
	}
	// Credentials go to the secret store before anything shows or changes.
	notes, err := w.keepPastedSecrets(req)
	if err != nil {
		w.setError(fmt.Errorf("the pasted curl command was not taken: %w", err))
		return true
	}
	name, desc, caps, expect := d.Name, d.Description, d.Captures, d.Expect
	*d = *req.Clone()
	d.Name, d.Description, d.Captures, d.Expect = name, desc, caps, expect
	w.editor.load()
	w.editor.finishURL()
	w.tree.refreshLabels()
	w.draftChanged()
	msg := "curl command pasted: "
	if len(notes) > 0 {
		msg += strings.Join(notes, "; ") + "; "
	}
	method := d.Method
	if method == "" {
		method = "GET"
	}
	msg += method + " " + w.s.FullURL()
	if len(warns) > 0 {
		msg += " (" + strings.Join(warns, "; ") + ")"
	}
	w.setStatus(msg)
	return true
}

// keepPastedSecrets moves the credentials a pasted command carries
// literally (an Authorization header, -u user:pass, an API key header, a
// cookie) into secret variables, as the auth tab does with a typed token:
// the request refers to {{name}}, the value goes to the secret store for
// the environment. A token the collection already keeps under its usual
// name (the name the inherited auth uses, else apitoken, token, password,
// or the API key header's name) is referred to, not stored again; a different one gets a name of
// its own (apitoken_2), so pasting never replaces a stored credential. It
// returns what it did, for the status line.
func (w *Workbench) keepPastedSecrets(req *collections.Request) ([]string, error) {
	var notes []string
	keep := func(what, base, value string) (string, error) {
		name, note, err := w.keepSecret(what, base, value)
		if err != nil {
			return "", err
		}
		notes = append(notes, note)
		return "{{" + name + "}}", nil
	}
	// An API key header becomes the request's auth when the command has no
	// other; other credential headers keep their place with a reference.
	headers := req.Headers[:0:0]
	for _, h := range req.Headers {
		if h.Disabled || !collections.LiteralCredential(h.Value) || !collections.CredentialHeader(h.Key) && !collections.LooksSecret(h.Key) {
			headers = append(headers, h)
			continue
		}
		if req.Auth.Type == collections.AuthNone && apiKeyHeader(h.Key) {
			req.Auth = collections.Auth{Type: collections.AuthAPIKey, Key: h.Key, Value: h.Value, In: "header"}
			continue
		}
		ref, err := keep(h.Key+" header", collections.VariableName(h.Key), h.Value)
		if err != nil {
			return nil, err
		}
		h.Value = ref
		headers = append(headers, h)
	}
	req.Headers = headers
	// The name the collection uses for this kind of credential: what the
	// auth the request would inherit refers to.
	inherited := w.s.Coll.EffectiveAuth(&collections.Request{}, w.s.Path)
	base := func(fallback string, field func(collections.Auth) string) string {
		if inherited.Type == req.Auth.Type {
			if n := refName(field(inherited)); n != "" {
				return n
			}
		}
		return fallback
	}
	a := &req.Auth
	var err error
	switch a.Type {
	case collections.AuthMistToken, collections.AuthBearer:
		if collections.LiteralCredential(a.Token) {
			fallback := "token"
			if a.Type == collections.AuthMistToken {
				fallback = "apitoken"
			}
			a.Token, err = keep("token", base(fallback, func(x collections.Auth) string { return x.Token }), a.Token)
		}
	case collections.AuthBasic:
		if collections.LiteralCredential(a.Password) {
			a.Password, err = keep("password", base("password", func(x collections.Auth) string { return x.Password }), a.Password)
		}
	case collections.AuthAPIKey:
		if collections.LiteralCredential(a.Value) {
			a.Value, err = keep("API key "+a.Key, base(collections.VariableName(a.Key), func(x collections.Auth) string {
				if !strings.EqualFold(x.Key, a.Key) {
					return ""
				}
				return x.Value
			}), a.Value)
		}
	}
	if err != nil {
		return nil, err
	}
	return notes, nil
}

// keepSecret stores value as the secret variable base, or base_2, base_3...
// when base already holds another value. It returns the name and a note.
func (w *Workbench) keepSecret(what, base, value string) (string, string, error) {
	taken := ""
	for i := 1; i < 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		cur, known := w.s.varValue(name)
		// A plain variable holding the credential is no place for it.
		if v, _ := w.s.lookupVar(name); known && v.Secret && cur == value {
			return name, fmt.Sprintf("the %s is the one {{%s}} holds", what, name), nil
		}
		if known {
			if taken == "" {
				taken = name
			}
			continue
		}
		ref, err := w.s.StoreSecret(name, value)
		if err != nil {
			return "", "", err
		}
		var about []string
		if w.s.Env != nil {
			about = append(about, "env "+w.s.Env.Name)
		}
		if taken != "" {
			about = append(about, "{{"+taken+"}} holds another")
		}
		note := fmt.Sprintf("the %s went to your secret store as %s", what, ref)
		if w.s.Secrets == nil {
			note = fmt.Sprintf("the %s is kept as %s for this session only (no secret store)", what, ref)
		}
		if len(about) > 0 {
			note += " (" + strings.Join(about, ", ") + ")"
		}
		return name, note, nil
	}
	return "", "", fmt.Errorf("no free name for the %s (%s_2 to %s_99 are taken)", what, base, base)
}

// varValue returns the value the variable name has in scope of the open
// request, secret or not; known is false when it has none.
func (s *Session) varValue(name string) (string, bool) {
	v, env := s.lookupVar(name)
	switch {
	case v == nil:
		return "", false
	case !v.Secret:
		return v.Value, v.Value != ""
	}
	if v.Env != "" {
		if e := getenv(v.Env); e != "" {
			return e, true
		}
	}
	if s.Secrets != nil {
		if val, ok := s.Secrets.Secret(s.Coll.ID, env, v.Key); ok {
			return val, true
		}
	}
	return v.Value, v.Value != ""
}

// apiKeyHeader says whether a credential header is an API key (what the
// apikey auth type sends), not a session (Cookie, CSRF) or Authorization.
func apiKeyHeader(name string) bool {
	switch n := strings.ToLower(name); n {
	case "authorization", "proxy-authorization", "cookie", "x-csrftoken":
		return false
	default:
		return !strings.Contains(n, "csrf") && !strings.Contains(n, "session") && !strings.Contains(n, "cookie")
	}
}

// refName returns name when expr is exactly {{name}}.
func refName(expr string) string {
	e := strings.TrimSpace(expr)
	if !strings.HasPrefix(e, "{{") || !strings.HasSuffix(e, "}}") {
		return ""
	}
	n := strings.TrimSpace(e[2 : len(e)-2])
	if n == "" || strings.ContainsAny(n, "{} ") {
		return ""
	}
	return n
}

package workbench

import (
	"fmt"
	"strings"

	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/collections"
)

// secretMask hides credentials typed literally; {{references}} show.
const secretMask = '•'

// loadAuth rebuilds the auth form for the draft's auth type.
func (e *editorPane) loadAuth() {
	d := e.w.s.Draft
	f := e.authForm
	f.Clear(true)
	e.authSecrets = map[*tview.InputField]string{}
	labels := make([]string, len(collections.AuthTypes))
	cur := 0
	for i, t := range collections.AuthTypes {
		labels[i] = string(t)
		if t == collections.AuthInherit {
			labels[i] = "inherit"
		}
		if t == d.Auth.Type {
			cur = i
		}
	}
	f.AddDropDown("Type", labels, cur, func(_ string, i int) {
		if e.loading || e.w.s.Draft == nil || collections.AuthTypes[i] == e.w.s.Draft.Auth.Type {
			return
		}
		e.w.s.Draft.Auth.Type = collections.AuthTypes[i]
		e.authFields()
		e.w.draftChanged()
		// Go on to the first field of the new type.
		if e.authForm.GetFormItemCount() > 1 {
			if _, ok := e.authForm.GetFormItem(1).(*tview.InputField); ok {
				e.authForm.SetFocus(1)
				e.w.app.SetFocus(e.authForm)
			}
		}
	})
	e.authFields()
}

// authFields replaces the fields after the type selector.
func (e *editorPane) authFields() {
	f := e.authForm
	for f.GetFormItemCount() > 1 {
		f.RemoveFormItem(1)
	}
	e.authSecrets = map[*tview.InputField]string{}
	a := &e.w.s.Draft.Auth
	plain := func(label string, p *string) {
		f.AddInputField(label, *p, 0, nil, func(text string) {
			if !e.loading {
				*p = text
				e.w.draftChanged()
			}
		})
	}
	switch a.Type {
	case collections.AuthInherit:
		eff := e.w.s.Coll.EffectiveAuth(e.w.s.Draft, e.w.s.Path)
		from := "the collection"
		for i := len(e.w.s.Path) - 1; i >= 0; i-- {
			if e.w.s.Path[i].Auth.Type != collections.AuthInherit {
				from = "folder " + e.w.s.Path[i].Name
				break
			}
		}
		desc := string(eff.Type)
		if eff.Type == collections.AuthNone {
			desc = "none"
			from = "nothing above sets one"
		}
		f.AddTextView("Uses", Safe(desc+" from "+from), 0, 1, true, false)
		for _, cred := range []string{eff.Token, eff.Password, eff.Value} {
			if note := e.secretNote(cred, true); note != "" {
				f.AddTextView("", note, 0, 1, true, false)
			}
		}
	case collections.AuthNone:
		f.AddTextView("", "No auth, even if a folder or the collection has one.", 0, 1, true, false)
	case collections.AuthMistToken, collections.AuthBearer:
		name := "token"
		if a.Type == collections.AuthMistToken {
			name = "apitoken"
		}
		e.secretField("Token", &a.Token, name)
	case collections.AuthBasic:
		plain("Username", &a.Username)
		e.secretField("Password", &a.Password, "password")
	case collections.AuthAPIKey:
		plain("Key", &a.Key)
		e.secretField("Value", &a.Value, "apikey")
		in := 0
		if a.In == "query" {
			in = 1
		}
		f.AddDropDown("In", []string{"header", "query"}, in, func(opt string, _ int) {
			if !e.loading && a.In != opt && !(a.In == "" && opt == "header") {
				a.In = opt
				e.w.draftChanged()
			}
		})
	case collections.AuthMistLogin:
		plain("Email", &a.Email)
		e.secretField("Password", &a.Password, "password")
		plain("Two-factor", &a.TwoFactor)
	}
}

// secretField adds a credential field. A {{reference}} shows as typed; a
// literal is masked, and moves to the secret store when the field is left
// (the field then holds {{varName}}).
func (e *editorPane) secretField(label string, p *string, varName string) {
	in := tview.NewInputField().SetLabel(label).SetText(*p)
	maskFor := func(text string) rune {
		if text == "" || strings.Contains(text, "{{") {
			return 0
		}
		return secretMask
	}
	in.SetMaskCharacter(maskFor(*p))
	in.SetChangedFunc(func(text string) {
		in.SetMaskCharacter(maskFor(text))
		if !e.loading {
			*p = text
			e.w.draftChanged()
		}
	})
	e.authForm.AddFormItem(in)
	e.authSecrets[in] = varName
	if note := e.secretNote(*p, false); note != "" {
		e.authForm.AddTextView("", note, 0, 1, true, false)
	}
}

// secretNote says whether the secret a field refers to has a value.
// inherited says the field is not here (the auth is inherited).
func (e *editorPane) secretNote(expr string, inherited bool) string {
	name := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(expr), "{{"), "}}"))
	if name == "" || !strings.HasPrefix(strings.TrimSpace(expr), "{{") {
		return ""
	}
	v, env := e.w.s.lookupVar(name)
	switch {
	case v == nil:
		return "[orange]{{" + Safe(name) + "}} is not defined[-]"
	case !v.Secret:
		return ""
	case e.w.s.secretSet(v, env):
		return "[green]secret " + Safe(name) + " is set[-] (kept in your secret store)"
	}
	hint := "type the value here to store it"
	if inherited {
		hint = "pick the type above to type it here"
	}
	if v.Env != "" {
		hint = "set $" + v.Env + " or " + hint
	}
	return "[orange]secret " + Safe(name) + " has no value[-]: " + Safe(hint)
}

// commitSecret moves a literal credential typed into f to the secret store.
func (e *editorPane) commitSecret(f *tview.InputField, varName string) {
	text := f.GetText()
	if text == "" || strings.Contains(text, "{{") || e.w.s.Draft == nil {
		return
	}
	ref, err := e.w.s.StoreSecret(varName, text)
	if err != nil {
		e.w.setError(err)
		return
	}
	f.SetText(ref) // the changed func puts the reference into the draft
	e.w.setStatus(fmt.Sprintf("the value went to your secret store as %s; the collection keeps only the reference", ref))
}

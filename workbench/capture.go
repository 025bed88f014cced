package workbench

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/send"
)

var getenv = os.Getenv

// outcome is what the captures and checks of a response gave, computed
// off the UI goroutine (jq over a large body takes time).
type outcome struct {
	captured []send.Captured
	capErr   error
	checks   []send.CheckResult
}

func evaluate(ctx context.Context, req *collections.Request, resp *send.Response) outcome {
	var o outcome
	o.captured, o.capErr = send.ApplyCaptures(ctx, resp, req.Captures)
	o.checks = send.CheckExpect(ctx, resp, req.Expect)
	return o
}

// apply stores the captured values (on the UI goroutine: it changes the
// collection) and returns the line that reports them.
func (o outcome) apply(s *Session, path []*collections.Folder) (report string, secretValues []string) {
	var notes []string
	var writer send.SecretWriter
	if s.Secrets != nil {
		writer = s.Secrets
	}
	if len(o.captured) > 0 {
		res, err := send.StoreCaptures(s.Coll, s.Env, path, o.captured, writer)
		if err != nil {
			notes = append(notes, err.Error())
		}
		names := make([]string, len(o.captured))
		for i, c := range o.captured {
			names[i] = c.Var
		}
		notes = append(notes, "captured "+strings.Join(names, ", "))
		secretValues = res.SecretValues
	}
	if o.capErr != nil {
		notes = append(notes, strings.ReplaceAll(o.capErr.Error(), "\n", "; "))
	}
	passed, failed := 0, 0
	for _, c := range o.checks {
		if c.Passed {
			passed++
		} else {
			failed++
			notes = append(notes, fmt.Sprintf("✗ %s: %s", c.Check, c.Detail))
		}
	}
	if len(o.checks) > 0 && failed == 0 {
		word := "checks"
		if passed == 1 {
			word = "check"
		}
		notes = append([]string{fmt.Sprintf("✓ %d %s passed", passed, word)}, notes...)
	}
	return strings.Join(notes, "; "), secretValues
}

// lookupVar finds the definition of a variable in scope of the open request.
func (s *Session) lookupVar(name string) (*collections.Variable, string) {
	if v := s.Env.Lookup(name); v != nil {
		return v, s.Env.Name
	}
	for i := len(s.Path) - 1; i >= 0; i-- {
		for k := range s.Path[i].Variables {
			if s.Path[i].Variables[k].Key == name {
				return &s.Path[i].Variables[k], ""
			}
		}
	}
	for k := range s.Coll.Variables {
		if s.Coll.Variables[k].Key == name {
			return &s.Coll.Variables[k], ""
		}
	}
	return nil, ""
}

// secretSet says whether a secret variable has a value from anywhere.
func (s *Session) secretSet(v *collections.Variable, env string) bool {
	if v.Value != "" {
		return true
	}
	if s.Secrets != nil {
		if _, ok := s.Secrets.Secret(s.Coll.ID, env, v.Key); ok {
			return true
		}
	}
	return v.Env != "" && getenv(v.Env) != ""
}

// StoreSecret keeps value as the secret variable name (defined as a secret
// where it is in scope, else in the environment, else the collection) and
// returns the reference to write in its place: {{name}}. Without a secret
// store the value stays in memory only; Save never writes it.
func (s *Session) StoreSecret(name, value string) (string, error) {
	v, env := s.lookupVar(name)
	if v == nil {
		vars := &s.Coll.Variables
		if s.Env != nil {
			vars, env = &s.Env.Variables, s.Env.Name
		}
		*vars = append(*vars, collections.Variable{Key: name, Secret: true})
		v = &(*vars)[len(*vars)-1]
		s.treeDirty = true
	} else if !v.Secret {
		v.Secret = true
		s.treeDirty = true
	}
	v.Value = value // in memory for the requests that follow
	if s.Secrets != nil {
		if err := s.Secrets.SetSecret(s.Coll.ID, env, name, value); err != nil {
			return "", fmt.Errorf("storing secret %s: %w", name, err)
		}
	}
	return "{{" + name + "}}", nil
}

package send

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itchyny/gojq"
	"github.com/mistbench/mistbench/collections"
)

// maxJQBody bounds the body that captures and checks parse.
const maxJQBody = 64 << 20

// jqTimeout stops a jq expression that loops forever (`repeat(1)`).
const jqTimeout = 5 * time.Second

// Captured is the value a capture rule took from a response.
type Captured struct {
	Var   string
	Value string
}

// parsedBody decodes a response body as JSON once for several expressions.
type parsedBody struct {
	resp *Response
	done bool
	v    any
	err  error
}

func (p *parsedBody) value() (any, error) {
	if !p.done {
		p.done = true
		b, err := p.resp.Body(maxJQBody)
		if err != nil {
			p.err = err
		} else {
			p.v, p.err = decodeJSON(b)
		}
	}
	return p.v, p.err
}

// decodeJSON keeps numbers as written (json.Number), so ids and large
// integers are captured exactly.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the body is not JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the body is not JSON: text after the value")
	}
	return v, nil
}

// EvalJQ runs a jq expression over v and returns its results. The
// expression cannot read the process environment ($ENV), so a collection
// cannot copy the user's secrets into a variable.
func EvalJQ(ctx context.Context, expr string, v any) ([]any, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("jq %q: %w", expr, err)
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, fmt.Errorf("jq %q: %w", expr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, jqTimeout)
	defer cancel()
	var out []any
	iter := code.RunWithContext(ctx, v)
	for {
		r, ok := iter.Next()
		if !ok {
			break
		}
		if err, ok := r.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break
			}
			return out, fmt.Errorf("jq %q: %w", expr, err)
		}
		out = append(out, r)
		if len(out) >= 1000 {
			break
		}
	}
	return out, nil
}

// jqString renders a jq result as a variable's value: strings as they
// are, anything else as compact JSON.
func jqString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := gojq.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ApplyCaptures evaluates the capture rules over resp. It returns the
// values it could take and an error naming every rule that failed (a
// rule giving null or nothing fails: the variable keeps its old value).
func ApplyCaptures(ctx context.Context, resp *Response, rules []collections.Capture) ([]Captured, error) {
	if len(rules) == 0 || resp == nil {
		return nil, nil
	}
	pb := &parsedBody{resp: resp}
	var out []Captured
	var errs []error
	for _, c := range rules {
		if c.Var == "" {
			errs = append(errs, errors.New("capture: a rule names no variable"))
			continue
		}
		switch {
		case c.Header != "":
			vals := resp.HeaderValues(c.Header)
			if len(vals) == 0 {
				errs = append(errs, fmt.Errorf("capture %s: no %s header in the response", c.Var, c.Header))
				continue
			}
			out = append(out, Captured{Var: c.Var, Value: vals[0]})
		case c.JQ != "":
			v, err := pb.value()
			if err != nil {
				errs = append(errs, fmt.Errorf("capture %s: %w", c.Var, err))
				continue
			}
			res, err := EvalJQ(ctx, c.JQ, v)
			if err != nil {
				errs = append(errs, fmt.Errorf("capture %s: %w", c.Var, err))
				continue
			}
			if len(res) == 0 || res[0] == nil {
				errs = append(errs, fmt.Errorf("capture %s: jq %q found no value", c.Var, c.JQ))
				continue
			}
			s, err := jqString(res[0])
			if err != nil {
				errs = append(errs, fmt.Errorf("capture %s: %w", c.Var, err))
				continue
			}
			out = append(out, Captured{Var: c.Var, Value: s})
		default:
			errs = append(errs, fmt.Errorf("capture %s: the rule has neither jq nor header", c.Var))
		}
	}
	return out, errors.Join(errs...)
}

// CheckResult is the outcome of one declarative check.
type CheckResult struct {
	Check  string // "status 200", "jq .ssid == \"x\""
	Passed bool
	Detail string // why it failed
}

// CheckExpect evaluates the checks of e over resp, in order: the status
// check first, then each jq expression, which must give true.
func CheckExpect(ctx context.Context, resp *Response, e collections.Expect) []CheckResult {
	var out []CheckResult
	if len(e.Status) > 0 {
		want := make([]string, len(e.Status))
		for i, s := range e.Status {
			want[i] = fmt.Sprint(s)
		}
		cr := CheckResult{Check: "status " + strings.Join(want, "|")}
		if resp != nil && slices.Contains(e.Status, resp.StatusCode) {
			cr.Passed = true
		} else if resp != nil {
			cr.Detail = fmt.Sprintf("got %s", resp.Status())
		} else {
			cr.Detail = "no response"
		}
		out = append(out, cr)
	}
	if len(e.JQ) == 0 {
		return out
	}
	pb := &parsedBody{resp: resp}
	for _, expr := range e.JQ {
		cr := CheckResult{Check: "jq " + expr}
		if resp == nil {
			cr.Detail = "no response"
			out = append(out, cr)
			continue
		}
		v, err := pb.value()
		if err == nil {
			var res []any
			res, err = EvalJQ(ctx, expr, v)
			switch {
			case err != nil:
			case len(res) == 0:
				cr.Detail = "gave no value"
			case res[0] == true:
				cr.Passed = true
			case res[0] == false:
				cr.Detail = "was false"
			default:
				s, _ := jqString(res[0])
				if len(s) > 80 {
					s = s[:80] + "…"
				}
				cr.Detail = "gave " + s + ", not true"
			}
		}
		if err != nil {
			cr.Detail = err.Error()
		}
		out = append(out, cr)
	}
	return out
}

// SecretWriter stores secret values (collections.SecretStore does).
type SecretWriter interface {
	SetSecret(collID, env, key, value string) error
}

// StoreResult says where captured values went.
type StoreResult struct {
	Set []string // variables whose value changed in memory
	// Secrets names the captured variables that are secret; their
	// values must be redacted wherever the response is recorded.
	Secrets      []string
	SecretValues []string
	// EnvChanged / CollectionChanged: a non-secret value changed there,
	// so the collection should be saved for it to last.
	EnvChanged, CollectionChanged bool
}

// StoreCaptures puts captured values into the variables they name: the
// selected environment's variable of that name, else a folder's or the
// collection's, else a new variable of the environment (of the
// collection when there is none). A secret variable's value goes to the
// secret store (and stays in memory for the requests that follow); it
// never lands in the collection's files.
func StoreCaptures(c *collections.Collection, env *collections.Environment, path []*collections.Folder, vals []Captured, secrets SecretWriter) (StoreResult, error) {
	var res StoreResult
	var errs []error
	for _, cv := range vals {
		v, envName := findVariable(c, env, path, cv.Var)
		if v == nil {
			if env != nil {
				env.Variables = append(env.Variables, collections.Variable{Key: cv.Var})
				v, envName = &env.Variables[len(env.Variables)-1], env.Name
			} else {
				c.Variables = append(c.Variables, collections.Variable{Key: cv.Var})
				v = &c.Variables[len(c.Variables)-1]
			}
		}
		if v.Secret {
			res.Secrets = append(res.Secrets, cv.Var)
			res.SecretValues = append(res.SecretValues, cv.Value)
			v.Value = cv.Value // in memory only: the store never saves a secret's value
			if secrets != nil {
				if err := secrets.SetSecret(c.ID, envName, cv.Var, cv.Value); err != nil {
					errs = append(errs, fmt.Errorf("capture %s: storing the secret: %w", cv.Var, err))
				}
			}
			res.Set = append(res.Set, cv.Var)
			continue
		}
		if v.Value == cv.Value {
			continue
		}
		v.Value = cv.Value
		res.Set = append(res.Set, cv.Var)
		if envName != "" {
			res.EnvChanged = true
		} else {
			res.CollectionChanged = true
		}
	}
	return res, errors.Join(errs...)
}

// findVariable finds where name is defined for a request at path, in
// lookup order, and the environment name its secret is stored under.
func findVariable(c *collections.Collection, env *collections.Environment, path []*collections.Folder, name string) (*collections.Variable, string) {
	if v := env.Lookup(name); v != nil {
		return v, env.Name
	}
	for i := len(path) - 1; i >= 0; i-- {
		for k := range path[i].Variables {
			if path[i].Variables[k].Key == name {
				return &path[i].Variables[k], ""
			}
		}
	}
	for k := range c.Variables {
		if c.Variables[k].Key == name {
			return &c.Variables[k], ""
		}
	}
	return nil, ""
}

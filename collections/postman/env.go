package postman

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

type pmEnvironment struct {
	ID     string       `json:"id,omitempty"`
	Name   string       `json:"name"`
	Values []pmEnvValue `json:"values"`
	Scope  string       `json:"_postman_variable_scope,omitempty"`
}

type pmEnvValue struct {
	Key     string          `json:"key"`
	Value   json.RawMessage `json:"value"`
	Type    string          `json:"type,omitempty"`
	Enabled *bool           `json:"enabled,omitempty"`
}

// ReadEnvironment imports a Postman environment file: the object Postman
// exports ({name, values}) or a bare array of {key, value, type} (as
// Juniper publishes for Mist). Variables whose names look like credentials
// (or of type secret) become secret; their values are returned apart and
// never left in the environment.
func ReadEnvironment(path string) (*collections.Environment, map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("postman environment: %w", err)
	}
	return ParseEnvironment(data, path)
}

// ParseEnvironment is ReadEnvironment on bytes; name labels errors and,
// for the bare array form, names the environment.
func ParseEnvironment(data []byte, name string) (*collections.Environment, map[string]string, error) {
	var env pmEnvironment
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := decodeJSON(data, name, &env.Values); err != nil {
			return nil, nil, err
		}
	} else {
		if err := decodeJSON(data, name, &env); err != nil {
			return nil, nil, err
		}
		if env.Values == nil {
			return nil, nil, fmt.Errorf("%s: not a Postman environment (no \"values\" list)", name)
		}
	}
	if env.Name == "" {
		base := filepath.Base(name)
		for _, suffix := range []string{".json", ".postman_environment", ".postman_env", "_env", ".postman"} {
			base = strings.TrimSuffix(base, suffix)
		}
		env.Name = base
	}
	out := &collections.Environment{Name: env.Name}
	secrets := map[string]string{}
	for i, v := range env.Values {
		if v.Key == "" {
			return nil, nil, fmt.Errorf("%s: values[%d]: no key", name, i)
		}
		if v.Enabled != nil && !*v.Enabled {
			continue
		}
		nv := collections.Variable{Key: v.Key, Value: scalar(v.Value)}
		if v.Type == "secret" || collections.LooksSecret(v.Key) {
			nv.Secret = true
			if nv.Value != "" {
				secrets[v.Key] = nv.Value
			}
			nv.Value = ""
		}
		out.Variables = append(out.Variables, nv)
	}
	return out, secrets, nil
}

// IsEnvironment reports whether data looks like a Postman environment.
func IsEnvironment(data []byte) bool {
	_, _, err := ParseEnvironment(data, "")
	return err == nil
}

// ExportEnvironment writes an environment as a Postman environment file;
// secret values are left empty.
func ExportEnvironment(e *collections.Environment) ([]byte, error) {
	pe := pmEnvironment{Name: e.Name, Values: []pmEnvValue{}, Scope: "environment"}
	t := true
	for _, v := range e.Variables {
		ev := pmEnvValue{Key: v.Key, Value: jsonString(v.Value), Type: "default", Enabled: &t}
		if v.Secret {
			ev.Type, ev.Value = "secret", jsonString("")
		}
		pe.Values = append(pe.Values, ev)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	if err := enc.Encode(pe); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package openapi

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func dump(c *collections.Collection, rep *Report) []byte {
	var b strings.Builder
	b.WriteString("# report: " + rep.Summary() + "\n")
	for _, n := range rep.Notes {
		b.WriteString("#   " + n + "\n")
	}
	j, _ := json.MarshalIndent(c, "", "  ")
	b.Write(j)
	b.WriteString("\n")
	return []byte(b.String())
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"petstore30.yaml", "mist31.json"} {
		t.Run(name, func(t *testing.T) {
			c, rep, err := Import(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			got := dump(c, rep)
			golden := filepath.Join("testdata", strings.TrimSuffix(name, filepath.Ext(name))+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(want) != string(got) {
				t.Errorf("%s differs from the golden file; got:\n%s", golden, got)
			}
		})
	}
}

func TestPetstoreMapping(t *testing.T) {
	c, rep, err := Import("testdata/petstore30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	get, path, err := c.Find("Animals/Get a pet")
	if err != nil {
		// a group holding one tag of another name keeps the tag folder
		get, path, err = c.Find("Animals/pets/Get a pet")
		if err != nil {
			t.Fatal(err)
		}
	}
	res, err := c.Resolve(get, path, collections.Scope{Env: c.Environments[1], Overrides: map[string]string{"petId": "42", "api_key": "K"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "http://127.0.0.1:8080/v1/pets/42?verbose=false" {
		t.Errorf("URL = %s (required query enabled, optional disabled)", res.URL)
	}
	if v, _ := res.HeaderValue("X-API-Key"); v != "K" {
		t.Errorf("api key header = %q", v)
	}
	if c.Variables[0].Value != "https://{{region}}.pets.test/v1" || c.Variables[1].Key != "region" {
		t.Errorf("server variables: %+v", c.Variables)
	}
	put, path, _ := c.Find("Animals/pets/updatePet")
	if put == nil {
		t.Fatal("updatePet not found")
	}
	if put.Auth.Type != collections.AuthBearer {
		t.Errorf("operation security: %+v", put.Auth)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(put.Body.Text), &body); err != nil {
		t.Fatalf("skeleton is not JSON: %v\n%s", err, put.Body.Text)
	}
	owner, _ := body["owner"].(map[string]any)
	if _, ok := body["name"]; !ok || owner == nil || owner["kind"] != "person" || owner["email"] != "" {
		t.Errorf("skeleton = %s", put.Body.Text)
	}
	if _, ok := body["parent"]; ok {
		t.Errorf("optional property in the skeleton: %s", put.Body.Text)
	}
	del, _, _ := c.Find("Animals/pets/Delete a pet")
	if del == nil || del.Auth.Type != collections.AuthNone {
		t.Errorf("security: [] must be no auth: %+v", del)
	}
	if rep.Dropped["security scheme"] != 1 {
		t.Errorf("oauth2 scheme not reported: %s", rep.Summary())
	}
	_ = path
}

func TestErrors(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/bad_yaml.yaml": "bad_yaml.yaml:8:", // the unclosed list ends at the end of the file
		"testdata/swagger2.yaml": "Swagger 2.0",
		"testdata/missing.yaml":  "no such file",
	} {
		_, _, err := Import(file)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", file, err, want)
		}
	}
	_, _, err := ImportBytes([]byte(`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"parameters":[{"$ref":"other.yaml#/p"}],"responses":{}}}}}`), "mem.json")
	if err == nil {
		t.Error("a $ref to a file from memory must fail")
	}
	_, _, err = Import("testdata/remote_ref.yaml")
	if err == nil || !strings.Contains(err.Error(), "only local files") {
		t.Errorf("remote $ref: %v", err)
	}
}

func FuzzImportBytes(f *testing.F) {
	for _, name := range []string{"petstore30.yaml", "mist31.json", "bad_yaml.yaml", "swagger2.yaml", "components.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = ImportBytes(data, "fuzz.yaml")
	})
}

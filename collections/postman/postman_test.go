package postman

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name (or rewrites it with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

// dump renders an imported collection and its report for golden files.
func dump(c *collections.Collection, rep *Report) []byte {
	var b strings.Builder
	b.WriteString("# report: " + rep.Summary() + "\n")
	for _, n := range rep.Notes {
		b.WriteString("#   " + n + "\n")
	}
	if len(rep.Secrets) > 0 {
		s, _ := json.Marshal(rep.Secrets)
		b.WriteString("# secrets: " + string(s) + "\n")
	}
	j, _ := json.MarshalIndent(c, "", "  ")
	b.Write(j)
	b.WriteString("\n")
	return []byte(b.String())
}

func TestImportGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.postman_collection.json")
	if len(files) < 3 {
		t.Fatalf("fixtures missing: %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, rep, err := ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(filepath.Base(f), ".postman_collection.json")+".golden", dump(c, rep))
		})
	}
}

func TestJuniperShape(t *testing.T) {
	c, _, err := ReadFile("testdata/juniper.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	if c.Auth.Type != collections.AuthMistToken || c.Auth.Token != "{{apitoken}}" {
		t.Fatalf("collection auth = %+v, want Mist token {{apitoken}}", c.Auth)
	}
	req, path, err := c.Find("Sites/Wlans/listSiteWlans")
	if err != nil {
		t.Fatal(err)
	}
	if req.Auth.Type != collections.AuthInherit {
		t.Errorf("null auth should inherit, got %q", req.Auth.Type)
	}
	res, err := c.Resolve(req, path, collections.Scope{Overrides: map[string]string{"site_id": "s-1", "apitoken": "K"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://api.mist.com/api/v1/sites/s-1/wlans?limit=100" {
		t.Errorf("URL = %s", res.URL)
	}
	if v, _ := res.HeaderValue("Authorization"); v != "Token K" {
		t.Errorf("Authorization = %q", v)
	}
	up, _, err := c.Find("Sites/Maps/addSiteMapImage")
	if err != nil {
		t.Fatal(err)
	}
	if up.Body.Kind != collections.BodyMultipart || len(up.Body.Parts) != 2 || up.Body.Parts[1].ContentType != "application/json" {
		t.Errorf("formdata body = %+v", up.Body)
	}
	if got := up.PathVars; len(got) != 2 || got[0].Key != "site_id" || got[1].Key != "map_id" {
		t.Errorf("path vars of a string URL = %+v", got)
	}
}

func TestCommunityShape(t *testing.T) {
	c, rep, err := ReadFile("testdata/community.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	req, _, err := c.Find("whoami")
	if err != nil {
		t.Fatal(err)
	}
	if req.Auth.Type != collections.AuthMistToken || req.Auth.Token != "{{apitoken}}" {
		t.Errorf("lower-case token header: auth = %+v", req.Auth)
	}
	for _, v := range c.Variables {
		if v.Key == "apitoken" && (!v.Secret || v.Value != "") {
			t.Errorf("apitoken variable = %+v, want secret without value", v)
		}
	}
	if rep.Secrets[""]["apitoken"] != "s3cr3t-token-value" {
		t.Errorf("secret value not handed back: %v", rep.Secrets)
	}
	if len(req.Scripts) != 1 || !strings.Contains(req.Scripts[0].Exec, "pm.test") {
		t.Errorf("scripts = %+v", req.Scripts)
	}
	if rep.Dropped["setting"] != 1 || rep.Dropped["variable"] != 1 {
		t.Errorf("report = %s", rep.Summary())
	}
	s, _, _ := c.Find("Search devices")
	res, err := c.Resolve(s, nil, collections.Scope{Overrides: map[string]string{"host": "h", "org_id": "o", "apitoken": "k"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://h/api/v1/orgs/o/devices/search?mac=5c%3A5b%3A35&q=a%20b" {
		t.Errorf("URL = %s", res.URL)
	}
}

func TestErrorsHavePositions(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/bad_syntax.json": "bad_syntax.json:4:",
		"testdata/bad_type.json":   "bad_type.json:3:",
	} {
		_, _, err := ReadFile(file)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to contain %q", file, err, want)
		}
	}
	_, _, err := Read(strings.NewReader(`{"info":{"name":"x","schema":"https://schema.getpostman.com/json/collection/v1.0.0/collection.json"},"item":[]}`), "v1.json")
	if err == nil || !strings.Contains(err.Error(), "v2.1") {
		t.Errorf("v1 collection: %v", err)
	}
}

func TestEnvironments(t *testing.T) {
	e, secrets, err := ReadEnvironment("testdata/bare.postman_env.json")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "bare" || len(e.Variables) != 5 {
		t.Fatalf("bare env = %+v", e)
	}
	if v := e.Lookup("apitoken"); v == nil || !v.Secret || v.Value != "" || secrets["apitoken"] != "abc123" {
		t.Errorf("apitoken = %+v, secrets %v", v, secrets)
	}
	if v := e.Lookup("apitoken_id"); v == nil || v.Secret {
		t.Errorf("apitoken_id is an id, not a credential: %+v", v)
	}
	if v := e.Lookup("count"); v == nil || v.Value != "3" {
		t.Errorf("number value: %+v", v)
	}
	e, secrets, err = ReadEnvironment("testdata/object.postman_environment.json")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Mist EU" || len(e.Variables) != 3 || secrets["apitoken"] != "t0k" || secrets["client_secret"] != "cs" {
		t.Errorf("object env = %+v %v", e, secrets)
	}
	out, err := ExportEnvironment(e)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "t0k") {
		t.Errorf("exported environment leaks a secret: %s", out)
	}
	back, _, err := ParseEnvironment(out, "x.json")
	if err != nil || !reflect.DeepEqual(back, e) {
		t.Errorf("environment round trip: %+v, %v", back, err)
	}
	if _, _, err := ParseEnvironment([]byte(`[{"value": 1}]`), "e.json"); err == nil || !strings.Contains(err.Error(), "values[0]") {
		t.Errorf("keyless value: %v", err)
	}
}

// native builds a collection that uses every feature the model has.
func native() *collections.Collection {
	yes, no := true, false
	return &collections.Collection{
		Name: "Round trip", ID: "c0ffee00-0000-4000-8000-000000000001", Description: "all features",
		Variables: []collections.Variable{{Key: "host", Value: "127.0.0.1:8080", Description: "the host"}, {Key: "apitoken", Secret: true, Env: "MIST_TOKEN"}, {Key: "note", Secret: true}},
		Headers:   []collections.Param{{Key: "X-Coll", Value: "c"}, {Key: "X-Over", Value: "collection"}},
		Auth:      collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Settings:  collections.CollectionSettings{InsecureSkipVerify: true},
		Environments: []*collections.Environment{
			{Name: "Local", Description: "sandbox", Variables: []collections.Variable{{Key: "host", Value: "127.0.0.1:9"}, {Key: "apitoken", Secret: true}}},
		},
		Items: []collections.Item{
			&collections.Folder{
				Name: "WLANs", Description: "site WLANs",
				Variables: []collections.Variable{{Key: "site_id", Value: "s1"}},
				Headers:   []collections.Param{{Key: "X-Over", Value: "folder"}, {Key: "X-Off", Value: "1", Disabled: true}},
				Items: []collections.Item{
					&collections.Request{
						Name: "Get WLAN", Method: "GET", URL: "http://{{host}}/api/v1/sites/:site_id/wlans/:wlan_id",
						PathVars:    []collections.Param{{Key: "site_id", Value: "{{site_id}}", Description: "site"}, {Key: "wlan_id", Value: "w 1"}},
						Query:       []collections.Param{{Key: "q", Value: "a b&c={{x}}"}, {Key: "off", Value: "1", Disabled: true, Description: "unused"}},
						Headers:     []collections.Param{{Key: "Accept", Value: "application/json", Description: "json"}},
						Description: "Gets one WLAN",
						Settings:    collections.RequestSettings{Timeout: 2500 * time.Millisecond, FollowRedirects: &no, MaxRedirects: 3, AllPages: true},
						Captures:    []collections.Capture{{Var: "ssid", JQ: ".ssid"}, {Var: "req", Header: "X-Request-Id"}},
						Expect:      collections.Expect{Status: []int{200, 204}, JQ: []string{".enabled"}},
						Examples:    []collections.Example{{Name: "OK", Status: 200, Headers: []collections.Param{{Key: "Content-Type", Value: "application/json"}}, Body: `{"ssid":"x"}`}},
						Scripts:     []collections.Script{{Listen: "test", Exec: "pm.test('x', () => {\n});"}},
					},
					&collections.Request{Name: "Rename", Method: "PUT", URL: "http://{{host}}/api/v1/sites/:site_id/wlans/w1", PathVars: []collections.Param{{Key: "site_id", Value: "{{site_id}}"}},
						Body: collections.Body{Kind: collections.BodyJSON, Text: "{\"ssid\": \"New\"}"}, Settings: collections.RequestSettings{FollowRedirects: &yes}},
					&collections.Folder{Name: "Empty", Auth: collections.Auth{Type: collections.AuthNone}},
				},
			},
			&collections.Folder{
				Name: "Other auth", Auth: collections.Auth{Type: collections.AuthBasic, Username: "ann", Password: "{{password}}"},
				Items: []collections.Item{
					&collections.Request{Name: "Form", Method: "POST", URL: "http://{{host}}/form?written=1", Body: collections.Body{Kind: collections.BodyForm, Form: []collections.Param{{Key: "a", Value: "1 2"}, {Key: "b", Value: "x", Disabled: true}}}},
					&collections.Request{Name: "Multipart", Method: "POST", URL: "http://{{host}}/up", Auth: collections.Auth{Type: collections.AuthBearer, Token: "{{bt}}"},
						Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{{Name: "file", File: "data/a.png", ContentType: "image/png"}, {Name: "json", Value: "{}", Description: "meta"}, {Name: "off", Value: "x", Disabled: true}}}},
					&collections.Request{Name: "Raw", Method: "POST", URL: "http://{{host}}/raw", Auth: collections.Auth{Type: collections.AuthAPIKey, Key: "X-Key", Value: "{{k}}", In: "header"}, Body: collections.Body{Kind: collections.BodyRaw, Text: "<a/>", Language: "xml"}},
					&collections.Request{Name: "Query key", Method: "GET", URL: "http://{{host}}/k", Auth: collections.Auth{Type: collections.AuthAPIKey, Key: "api_key", Value: "{{k}}", In: "query"}},
					&collections.Request{Name: "File", Method: "PUT", URL: "http://{{host}}/f", Auth: collections.Auth{Type: collections.AuthNone}, Body: collections.Body{Kind: collections.BodyFile, File: "data/payload.bin"}},
					&collections.Request{Name: "Login", Method: "POST", URL: "http://{{host}}/api/v1/self", Auth: collections.Auth{Type: collections.AuthMistLogin, Email: "{{email}}", Password: "{{password}}"}},
					&collections.Request{Name: "Slash/in name", Method: "DELETE", URL: "http://{{host}}/x"},
				},
			},
		},
	}
}

func TestRoundTripNative(t *testing.T) {
	c := native()
	out, err := Export(c)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "native.export.golden.json", out)
	back, rep, err := Read(strings.NewReader(string(out)), "export.json")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Lossless() {
		t.Errorf("import of an export dropped things: %v", rep.Notes)
	}
	a, _ := json.MarshalIndent(c, "", " ")
	b, _ := json.MarshalIndent(back, "", " ")
	if string(a) != string(b) {
		t.Errorf("import of the export differs from the collection:\n%s", diffLines(string(a), string(b)))
	}
	if strings.Contains(string(out), "MIST_TOKEN\": \"x") {
		t.Error("secret leaked")
	}
}

// TestRoundTripPostman: Postman -> native -> Postman -> native gives the
// same native collection, and what each request resolves to is unchanged.
func TestRoundTripPostman(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.postman_collection.json")
	for _, f := range files {
		c1, _, err := ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Export(c1)
		if err != nil {
			t.Fatal(err)
		}
		c2, _, err := Read(strings.NewReader(string(out)), f)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.MarshalIndent(c1, "", " ")
		b, _ := json.MarshalIndent(c2, "", " ")
		if string(a) != string(b) {
			t.Errorf("%s: round trip differs:\n%s", f, diffLines(string(a), string(b)))
		}
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo := max(0, i-5)
			return "first difference at line " + itoa(i+1) + ":\n--- want\n" + strings.Join(al[lo:min(len(al), i+5)], "\n") + "\n--- got\n" + strings.Join(bl[lo:min(len(bl), i+5)], "\n")
		}
	}
	return "lengths differ"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestExportIsValidJSONWithoutSecrets(t *testing.T) {
	c := native()
	c.Variables[1].Value = "in-memory-secret"
	out, err := Export(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "in-memory-secret") {
		t.Fatal("a secret value was exported")
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	if v["info"].(map[string]any)["schema"] != Schema21 {
		t.Error("schema missing")
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Read(strings.NewReader(string(data)), "fuzz.json")
		if err == nil {
			if _, err := Export(c); err != nil {
				t.Fatalf("export of an import failed: %v", err)
			}
		}
		_, _, _ = ParseEnvironment(data, "fuzz.json")
	})
}

// bigCollection is n requests in folders of 50, each with a JSON body, a
// path variable, query rows and an example: about 1.7 KB of Postman JSON
// per request.
func bigCollection(n int) *collections.Collection {
	c := &collections.Collection{Name: "Big", Auth: collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"}}
	var f *collections.Folder
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			f = &collections.Folder{Name: "Folder " + itoa(i/50)}
			c.Items = append(c.Items, f)
		}
		f.Items = append(f.Items, &collections.Request{
			Name: "Request " + itoa(i), Method: "PUT", URL: "{{baseUrl}}/api/v1/sites/:site_id/wlans/:wlan_id",
			PathVars:    []collections.Param{{Key: "site_id", Value: "{{site_id}}"}, {Key: "wlan_id", Value: "{{wlan_id}}"}},
			Query:       []collections.Param{{Key: "limit", Value: "100"}, {Key: "page", Value: "1", Disabled: true}},
			Headers:     []collections.Param{{Key: "Accept", Value: "application/json"}},
			Body:        collections.Body{Kind: collections.BodyJSON, Text: `{"ssid": "TestWlan", "enabled": true, "auth": {"type": "psk", "psk": "{{psk}}"}, "vlan_id": 10, "bands": ["24", "5", "6"]}`},
			Description: "Update the WLAN of a site: PUT changes the fields sent and leaves the others.",
			Examples:    []collections.Example{{Name: "OK", Status: 200, Headers: []collections.Param{{Key: "Content-Type", Value: "application/json"}}, Body: `{"id": "6f4bf402-45f9-4e4c-9a4e-0000000000ab", "ssid": "TestWlan", "enabled": true}`}},
		})
	}
	return c
}

// BenchmarkRead20k reads a 20,000-request Postman collection (about the
// size of Juniper's published 18 MB Mist collection).
func BenchmarkRead20k(b *testing.B) {
	data, err := Export(bigCollection(20000))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(len(data))/(1<<20), "MB")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Read(bytes.NewReader(data), "big.json"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport20k writes the same collection.
func BenchmarkExport20k(b *testing.B) {
	c := bigCollection(20000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Export(c); err != nil {
			b.Fatal(err)
		}
	}
}

// Requests decoded in one pass and converted in parallel give the same
// collection and report as decoded the general way and converted in turn:
// every fixture as it is, its items copied into 12 folders, and variants
// with the shapes only the general way reads.
func TestFastWaysAreTheSame(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.postman_collection.json")
	var inputs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		var copies []map[string]any
		for i := 1; i <= 12; i++ {
			copies = append(copies, map[string]any{"name": "Copy " + string(rune('A'+i)), "item": doc["item"]})
		}
		doc["item"], _ = json.Marshal(copies)
		big, _ := json.Marshal(doc)
		inputs = append(inputs, big)
	}
	for _, item := range []string{
		`{"name": "s", "request": "http://127.0.0.1/s?a=%20b"}`,
		`{"name": "n", "request": null}`,
		`{"name": "N", "Request" :  null}`,
		`{"name": "U", "req\u0075est": null}`,
		`{"name": "empty"}`,
		`{"name": "u", "request": {"url": "http://127.0.0.1/u", "header": "A: 1\nB: 2"}}`,
		`{"name": "x", "request": {"url": 7}}`,
		`{"name": "h", "request": {"url": {"raw": "http://127.0.0.1/h"}, "header": [{"key": "A", "value": 1}, {"key": "B", "value": null}]}}`,
		`{"name": "e", "item": [], "request": {"url": "http://x"}}`,
		`{"name": "d", "description": {"content": "described"}, "request": {"url": null, "header": null, "description": "\"request\": null"}}`,
	} {
		inputs = append(inputs, []byte(`{"info": {"name": "shapes", "schema": "`+Schema21+`"}, "item": [`+item+`]}`))
	}
	for i, data := range inputs {
		generalOnly, convertInTurn = true, true
		c1, rep1, err1 := ReadBytes(data, "x")
		generalOnly, convertInTurn = false, false
		c2, rep2, err2 := ReadBytes(data, "x")
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("input %d: errors %v and %v", i, err1, err2)
		}
		if err1 != nil {
			continue
		}
		if a, b := string(dump(c1, rep1)), string(dump(c2, rep2)); a != b {
			t.Errorf("input %d: the general way and the fast ways differ:\n%s\n----\n%s", i, a, b)
		}
		if !reflect.DeepEqual(rep1, rep2) {
			t.Errorf("input %d: reports differ: %+v\n%+v", i, rep1, rep2)
		}
	}
	// Postman's own shapes do take the one pass.
	var pc pmCollection
	if !decodeFast(inputs[0], &pc) && !decodeFast(inputs[2], &pc) {
		t.Error("no fixture decodes in one pass")
	}
}

func TestIsCollection(t *testing.T) {
	for in, want := range map[string]bool{
		`{"info": {"name": "x"}, "item": []}`:              true,
		`{"item": [{"name": "r"}], "info": {"name": "x"}}`: true,
		`{"Info": {}, "Item": []}`:                         true,
		`{"info": {"name": "x"}, "item": null}`:            false,
		`{"info": null, "item": []}`:                       false,
		`{"info": {"name": "x"}}`:                          false,
		`{"item": []}`:                                     false,
		`[{"info": {}, "item": []}]`:                       false,
		`{"values": [], "name": "env"}`:                    false,
		`not json`:                                         false,
		``:                                                 false,
	} {
		if got := IsCollection([]byte(in)); got != want {
			t.Errorf("IsCollection(%s) = %v, want %v", in, got, want)
		}
	}
}

// BenchmarkRead500: reading a Postman v2.1 export of 500 requests (the
// Mist starter 25 times), as mistbench code and send do.
func BenchmarkRead500(b *testing.B) {
	c := collections.MistStarter()
	c.Items = nil
	for i := 0; i < 25; i++ {
		c.Items = append(c.Items, &collections.Folder{Name: "Set " + string(rune('A'+i)), Items: collections.MistStarter().Items})
	}
	data, err := Export(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ReadBytes(data, "x"); err != nil {
			b.Fatal(err)
		}
	}
}

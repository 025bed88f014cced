package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/mistbench/mistbench/collections"
	"github.com/mistbench/mistbench/internal/history"
	"github.com/mistbench/mistbench/internal/send"
)

// fakeMist is a small API on 127.0.0.1 for the send and run commands.
type fakeMist struct {
	*httptest.Server
	mu      sync.Mutex
	seen    []string // "METHOD URI auth"
	bodies  []string
	limited int // 429 answers still to give
}

func newFakeMist(t *testing.T) *fakeMist {
	f := &fakeMist{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.RequestURI+" "+r.Header.Get("Authorization"))
		f.bodies = append(f.bodies, string(body))
		limited := f.limited > 0
		if limited {
			f.limited--
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case limited:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
			io.WriteString(w, `{"detail":"Too Many Request. The API Token used for the request reached the 5000 API Calls per hour threshold"}`)
		case r.Header.Get("Authorization") != "Token sekret-token" && r.URL.Path != "/api/v1/login":
			w.WriteHeader(401)
			io.WriteString(w, `{"detail":"Authentication credentials were not provided."}`)
		case r.URL.Path == "/api/v1/self":
			io.WriteString(w, `{"email":"me@example.com","privileges":[{"scope":"org","role":"admin","org_id":"org-1"},{"scope":"site","site_id":"site-7","org_id":"org-1"}]}`)
		case r.URL.Path == "/api/v1/self/apitokens" && r.Method == "POST":
			io.WriteString(w, `{"id":"tok-1","key":"BRANDNEWKEY"}`)
		case strings.HasPrefix(r.URL.Path, "/api/v1/sites/site-7/wlans/"):
			if r.Method == "PUT" {
				w.Write(body)
				return
			}
			io.WriteString(w, `{"id":"w1","ssid":"TestWlan","enabled":true,"note":"\u001b]52;c;aGk=\u0007"}`)
		case r.URL.Path == "/bin":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte{0, 1, 2, 0xff, 0x1b, ']', '5', '2'})
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"detail":"Not found."}`)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeMist) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// testCollection writes a collection using f to a temporary directory.
func testCollection(t *testing.T, f *fakeMist) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mist")
	c := &collections.Collection{
		Name: "Mist test", ID: "11111111-2222-4333-8444-555555555555", Dir: dir,
		Auth: collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Variables: []collections.Variable{
			{Key: "apitoken", Secret: true, Env: "TEST_MIST_APITOKEN"},
			{Key: "newkey", Secret: true},
		},
		Environments: []*collections.Environment{{Name: "Test", Variables: []collections.Variable{
			{Key: "host", Value: strings.TrimPrefix(f.URL, "http://")},
		}}},
		Items: []collections.Item{
			&collections.Folder{Name: "Auth", Items: []collections.Item{
				&collections.Request{Name: "Who am I", URL: "http://{{host}}/api/v1/self",
					Captures: []collections.Capture{
						{Var: "org_id", JQ: ".privileges[0].org_id"},
						{Var: "site_id", JQ: `[.privileges[] | select(.scope == "site")][0].site_id`},
					},
					Expect: collections.Expect{Status: []int{200}, JQ: []string{`.email == "me@example.com"`}}},
				&collections.Request{Name: "Create token", Method: "POST", URL: "http://{{host}}/api/v1/self/apitokens",
					Body:     collections.Body{Kind: collections.BodyJSON, Text: `{"name": "ci"}`},
					Captures: []collections.Capture{{Var: "newkey", JQ: ".key"}}},
			}},
			&collections.Folder{Name: "WLANs", Items: []collections.Item{
				&collections.Request{Name: "Get WLAN", URL: "http://{{host}}/api/v1/sites/{{site_id}}/wlans/:wlan_id",
					PathVars: []collections.Param{{Key: "wlan_id", Value: "w1"}}},
				&collections.Request{Name: "Rename SSID", Method: "PUT", URL: "http://{{host}}/api/v1/sites/{{site_id}}/wlans/w1",
					Body:   collections.Body{Kind: collections.BodyJSON, Text: "{\"ssid\":  \"NewName\"}"},
					Expect: collections.Expect{Status: []int{200}, JQ: []string{`.ssid == "NewName"`}}},
				&collections.Request{Name: "Missing", URL: "http://{{host}}/api/v1/nothing"},
			}},
			&collections.Request{Name: "Binary", URL: "http://{{host}}/bin"},
		},
	}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

type result struct {
	code     int
	out, err string
}

func sendCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return result{code, out.String(), errb.String()}
}

func setupSend(t *testing.T) (*fakeMist, string, string) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	t.Setenv("TEST_MIST_APITOKEN", "sekret-token")
	f := newFakeMist(t)
	return f, testCollection(t, f), home
}

func TestSendPrintsPrettyJSONAndRecordsHistory(t *testing.T) {
	f, coll, home := setupSend(t)
	res := sendCmd(t, "", "send", coll, "Auth/Who am I", "-e", "Test")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %s", res.code, res.err)
	}
	if !strings.HasPrefix(res.out, "{\n  \"email\": \"me@example.com\",\n  \"privileges\": [") {
		t.Fatalf("stdout %q", res.out)
	}
	if got := f.requests(); len(got) != 1 || got[0] != "GET /api/v1/self Token sekret-token" {
		t.Fatalf("server saw %q", got)
	}
	// Captures landed in the environment file.
	env, _ := os.ReadFile(filepath.Join(coll, "environments", "Test.yaml"))
	if !strings.Contains(string(env), "org-1") || !strings.Contains(string(env), "site-7") {
		t.Fatalf("environment after captures:\n%s", env)
	}
	// History has the request, without the token.
	data, err := os.ReadFile(filepath.Join(home, history.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("sekret-token")) || !bytes.Contains(data, []byte("Auth/Who am I")) {
		t.Fatalf("history:\n%s", data)
	}

	list := sendCmd(t, "", "history")
	if list.code != 0 || !strings.Contains(list.out, "/api/v1/self") || !strings.Contains(list.out, "Auth/Who am I") {
		t.Fatalf("history list: %d %q %q", list.code, list.out, list.err)
	}
	st, _ := history.Open(home)
	entries, _ := st.List(1)
	show := sendCmd(t, "", "history", "show", entries[0].ID[:20])
	if show.code != 0 || !strings.Contains(show.out, "Authorization: <redacted>") || !strings.Contains(show.out, `"org_id":"org-1"`) {
		t.Fatalf("history show: %d %q %q", show.code, show.out, show.err)
	}
	if res := sendCmd(t, "", "history", "show", "no-such-id"); res.code != 1 {
		t.Fatalf("show missing: %d", res.code)
	}
	if res := sendCmd(t, "", "history", "clear"); res.code != 0 {
		t.Fatalf("clear: %d %s", res.code, res.err)
	}
	if list := sendCmd(t, "", "history"); list.code != 0 || list.out != "" || !strings.Contains(list.err, "empty") {
		t.Fatalf("after clear: %d %q %q", list.code, list.out, list.err)
	}
	if res := sendCmd(t, "", "history", "frob"); res.code != 2 {
		t.Fatalf("bad subcommand: %d", res.code)
	}
}

func TestSendInclude(t *testing.T) {
	_, coll, _ := setupSend(t)
	res := sendCmd(t, "", "send", coll, "WLANs/Get WLAN", "-e", "Test", "--var", "site_id=site-7", "-i", "--raw")
	if res.code != 0 || !strings.HasPrefix(res.out, "HTTP/1.1 200 OK\nContent-Length: 76\n") ||
		!strings.Contains(res.out, "\nContent-Type: application/json\n") || !strings.Contains(res.out, "\n\n{\"id\":\"w1\"") {
		t.Fatalf("exit %d stdout %q stderr %q", res.code, res.out, res.err)
	}
}

func TestSendVerboseMasksCredentials(t *testing.T) {
	_, coll, _ := setupSend(t)
	res := sendCmd(t, "", "send", coll, "Auth/Who am I", "-e", "Test", "-v")
	if res.code != 0 || !strings.Contains(res.err, "> Authorization: ***") || strings.Contains(res.err, "sekret-token") ||
		!strings.Contains(res.err, "> GET http://127.0.0.1:") || !strings.Contains(res.err, "* dns ") {
		t.Fatalf("exit %d stderr:\n%s", res.code, res.err)
	}
}

func TestSendExitCodes(t *testing.T) {
	_, coll, _ := setupSend(t)
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"WLANs/Missing"}, 1},
		{[]string{"WLANs/Missing", "--fail-on", "none"}, 0},
		{[]string{"WLANs/Missing", "--fail-on", "5xx"}, 0},
		{[]string{"WLANs/Missing", "--fail-on", "404"}, 1},
		{[]string{"WLANs/Missing", "--fail-on", "400-499"}, 1},
		{[]string{"WLANs/Missing", "--fail-on", "oops"}, 2},
		{[]string{"WLANs/Nope"}, 2},
		{[]string{"Auth/Who am I", "--var", "novalue"}, 2},
	}
	for _, c := range cases {
		res := sendCmd(t, "", append([]string{"send", coll, "-e", "Test"}, c.args...)...)
		if res.code != c.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, res.code, c.code, res.err)
		}
	}
	res := sendCmd(t, "", "send", coll, "WLANs/Missing", "-e", "Test")
	if !strings.Contains(res.err, "404 Not Found") {
		t.Errorf("404 stderr %q", res.err)
	}
}

func TestSendUnresolvedAndStrict(t *testing.T) {
	f, coll, _ := setupSend(t)
	res := sendCmd(t, "", "send", coll, "WLANs/Get WLAN", "-e", "Test", "--fail-on", "none")
	if res.code != 0 || !strings.Contains(res.err, "unresolved variables: site_id") {
		t.Fatalf("exit %d stderr %q", res.code, res.err)
	}
	n := len(f.requests())
	res = sendCmd(t, "", "send", coll, "WLANs/Get WLAN", "-e", "Test", "--strict")
	if res.code != 2 || !strings.Contains(res.err, "site_id") || len(f.requests()) != n {
		t.Fatalf("strict: exit %d stderr %q, sent %d", res.code, res.err, len(f.requests())-n)
	}
}

func TestSendOutputFileIsExact(t *testing.T) {
	_, coll, _ := setupSend(t)
	out := filepath.Join(t.TempDir(), "b.bin")
	res := sendCmd(t, "", "send", coll, "Binary", "-e", "Test", "-o", out)
	if res.code != 0 || res.out != "" {
		t.Fatalf("exit %d stdout %q stderr %q", res.code, res.out, res.err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, []byte{0, 1, 2, 0xff, 0x1b, ']', '5', '2'}) {
		t.Fatalf("file %q", got)
	}
}

func TestSendCapturesSecretToStore(t *testing.T) {
	_, coll, home := setupSend(t)
	res := sendCmd(t, "", "send", coll, "Auth/Create token", "-e", "Test")
	if res.code != 0 {
		t.Fatalf("exit %d stderr %q", res.code, res.err)
	}
	secrets, err := os.ReadFile(filepath.Join(home, collections.SecretsFileName))
	if err != nil || !bytes.Contains(secrets, []byte("BRANDNEWKEY")) {
		t.Fatalf("secret store: %s %v", secrets, err)
	}
	// Not in the collection, not in the history.
	filepath.WalkDir(coll, func(p string, d os.DirEntry, err error) error {
		if data, _ := os.ReadFile(p); !d.IsDir() && bytes.Contains(data, []byte("BRANDNEWKEY")) {
			t.Errorf("%s holds the captured secret", p)
		}
		return nil
	})
	hist, _ := os.ReadFile(filepath.Join(home, history.FileName))
	if bytes.Contains(hist, []byte("BRANDNEWKEY")) {
		t.Errorf("history holds the captured secret:\n%s", hist)
	}
}

func TestRunCollection(t *testing.T) {
	f, coll, _ := setupSend(t)
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")
	res := sendCmd(t, "", "run", coll, "-e", "Test", "--report", "junit:"+junit, "--report", "json:"+js)
	if res.code != 1 {
		t.Fatalf("exit %d (the Missing request must fail)\n%s\n%s", res.code, res.out, res.err)
	}
	// Who am I captured site_id, which Get WLAN and Rename SSID used.
	want := []string{
		"GET /api/v1/self Token sekret-token",
		"POST /api/v1/self/apitokens Token sekret-token",
		"GET /api/v1/sites/site-7/wlans/w1 Token sekret-token",
		"PUT /api/v1/sites/site-7/wlans/w1 Token sekret-token",
		"GET /api/v1/nothing Token sekret-token",
		"GET /bin Token sekret-token",
	}
	if got := f.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("server saw:\n%s", strings.Join(got, "\n"))
	}
	if !strings.Contains(res.out, "6 request(s), 5 passed, 1 failed") || !strings.Contains(res.out, "FAIL: status 404 Not Found") {
		t.Fatalf("summary:\n%s", res.out)
	}
	var suites junitSuites
	data, _ := os.ReadFile(junit)
	if err := xml.Unmarshal(data, &suites); err != nil || suites.Tests != 6 || suites.Fails != 1 || suites.Suites[0].Cases[4].Failure == nil {
		t.Fatalf("junit %v:\n%s", err, data)
	}
	var rep struct {
		Failed  int          `json:"failed"`
		Results []*runResult `json:"results"`
	}
	data, _ = os.ReadFile(js)
	if err := json.Unmarshal(data, &rep); err != nil || rep.Failed != 1 || len(rep.Results) != 6 || !rep.Results[3].Passed {
		t.Fatalf("json report %v:\n%s", err, data)
	}
	if bytes.Contains(data, []byte("BRANDNEWKEY")) || bytes.Contains(data, []byte("sekret-token")) {
		t.Fatalf("report holds a secret:\n%s", data)
	}
}

func TestRunFolderBailAndChecks(t *testing.T) {
	f, coll, _ := setupSend(t)
	// Without Who am I, site_id is unresolved: Get WLAN hits a 404 path.
	res := sendCmd(t, "", "run", coll, "WLANs", "-e", "Test", "--bail")
	if res.code != 1 || len(f.requests()) != 1 || !strings.Contains(res.out, "2 request(s) not run") {
		t.Fatalf("bail: exit %d sent %d\n%s\n%s", res.code, len(f.requests()), res.out, res.err)
	}
	res = sendCmd(t, "", "run", coll, "WLANs", "-e", "Test", "--var", "site_id=site-7")
	if res.code != 1 || !strings.Contains(res.out, "3 request(s), 2 passed, 1 failed") {
		t.Fatalf("folder: exit %d\n%s\n%s", res.code, res.out, res.err)
	}
	if res := sendCmd(t, "", "run", coll, "NoSuchFolder"); res.code != 2 {
		t.Fatalf("unknown folder: exit %d", res.code)
	}
}

func TestRunRetry429(t *testing.T) {
	f, coll, _ := setupSend(t)
	f.limited = 1
	res := sendCmd(t, "", "run", coll, "Auth", "-e", "Test")
	if res.code != 1 || !strings.Contains(res.out, "5000 API Calls per hour") {
		t.Fatalf("no retry: exit %d\n%s", res.code, res.out)
	}
	f.mu.Lock()
	f.limited = 2
	f.mu.Unlock()
	res = sendCmd(t, "", "run", coll, "Auth", "-e", "Test", "--retry-429")
	if res.code != 0 {
		t.Fatalf("retry: exit %d\n%s\n%s", res.code, res.out, res.err)
	}
}

func TestSendHelpHasExamples(t *testing.T) {
	for _, c := range []string{"send", "run", "history"} {
		res := sendCmd(t, "", c, "--help")
		if res.code != 0 || !strings.Contains(res.out, "Examples:") || !strings.Contains(res.out, "mistbench "+c) {
			t.Errorf("%s --help: %d %q", c, res.code, res.out)
		}
	}
}

func TestColorJSON(t *testing.T) {
	got := string(colorJSON([]byte("{\n  \"a\": \"b\\\"\",\n  \"n\": -1.5e3,\n  \"t\": true\n}")))
	want := "{\n  " + colKey + `"a"` + colReset + ": " + colString + `"b\""` + colReset + ",\n  " +
		colKey + `"n"` + colReset + ": " + colNumber + "-1.5e3" + colReset + ",\n  " +
		colKey + `"t"` + colReset + ": " + colLit + "true" + colReset + "\n}"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestPrintBodyOnTerminalIsSafe(t *testing.T) {
	cases := []struct {
		ctype, body string
		pretty      bool
	}{
		{"text/plain", "before \x1b]52;c;aGk=\x07 after \x1b[2J", true},
		{"application/json", "{\"a\": \"\u009b2J \u202e\"}", true},
		{"application/json", "{\"a\": \"\x1b]52\"}", true}, // invalid JSON: printed as received
		{"application/octet-stream", "\x00\x1bP\x9b", false},
		{"text/plain", "caf\xe9 \x1b[31m latin-1 and more text after it", false},
	}
	for _, c := range cases {
		resp := &send.Response{StatusCode: 200, Headers: []collections.Header{{Name: "Content-Type", Value: c.ctype}},
			Head: []byte(c.body), Size: int64(len(c.body))}
		var tty, pipe bytes.Buffer
		if err := printBody(&tty, resp, c.pretty, true); err != nil {
			t.Fatal(err)
		}
		// Only the colours this program adds may carry ESC.
		plain := strings.NewReplacer(colKey, "", colString, "", colNumber, "", colLit, "", colReset, "").Replace(tty.String())
		if strings.ContainsAny(plain, "\x1b\x07\x00\u009b\u202e") || !utf8.ValidString(plain) {
			t.Errorf("%q on a terminal printed %q", c.body, tty.String())
		}
		if err := printBody(&pipe, resp, false, false); err != nil {
			t.Fatal(err)
		}
		if pipe.String() != c.body {
			t.Errorf("piped %q, want the body as received %q", pipe.String(), c.body)
		}
	}
}

func TestBinaryOnTerminal(t *testing.T) {
	resp := &send.Response{StatusCode: 200, Head: []byte("\x89PNG\r\n\x1a\n\x00\x00"), Size: 2048}
	var b bytes.Buffer
	printBody(&b, resp, true, true)
	if b.String() != "(binary body, 2.0 KB; save it with -o FILE)\n" {
		t.Fatalf("printed %q", b.String())
	}
}

func TestIncludeHeadersAreSafe(t *testing.T) {
	var b bytes.Buffer
	printHead(&b, &send.Response{Proto: "HTTP/1.1", StatusCode: 200, StatusText: "OK\x1b[2J",
		Headers: []collections.Header{{Name: "X-Evil", Value: "a\x1b]52;c;aGk=\x07b"}}})
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Fatalf("headers printed %q", b.String())
	}
}

func FuzzParseFailOn(f *testing.F) {
	for _, s := range []string{"", "none", "4xx,5xx", "404", "500-599", "x", "1-", "999-100", "4xx, 200"} {
		f.Add(s, 404)
	}
	f.Fuzz(func(t *testing.T, spec string, code int) {
		pred, err := parseFailOn(spec)
		if err != nil {
			return
		}
		pred(code)
	})
}

func FuzzColorJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, -2.5e3, true, null, "x\"y"]}`, `"unterminated`, `\`, `-`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := colorJSON(in)
		plain := strings.NewReplacer(colKey, "", colString, "", colNumber, "", colLit, "", colReset, "").Replace(string(out))
		if plain != string(in) {
			t.Fatalf("colouring changed the text: %q -> %q", in, plain)
		}
	})
}

func TestSendPostmanFileAndBareArrayEnv(t *testing.T) {
	f, _, _ := setupSend(t)
	dir := t.TempDir()
	coll := filepath.Join(dir, "mist.postman_collection.json")
	os.WriteFile(coll, []byte(`{
  "info": {"name": "pm", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "apikey", "apikey": [{"key": "key", "value": "Authorization"}, {"key": "value", "value": "Token {{apitoken}}"}, {"key": "in", "value": "header"}]},
  "item": [{"name": "Sites", "item": [{"name": "Get WLAN", "request": {"method": "GET",
    "url": {"raw": "{{baseUrl}}/api/v1/sites/:site_id/wlans/w1", "host": ["{{baseUrl}}"], "path": ["api", "v1", "sites", ":site_id", "wlans", "w1"],
            "variable": [{"key": "site_id", "value": "{{site_id}}"}]}}}]}]
}`), 0o644)
	env := filepath.Join(dir, "mist.postman_env.json")
	os.WriteFile(env, []byte(`[{"key": "baseUrl", "value": "`+f.URL+`", "type": "string"}, {"key": "site_id", "value": "site-7", "type": "string"}, {"key": "apitoken", "value": "sekret-token", "type": "secret"}]`), 0o644)
	res := sendCmd(t, "", "send", coll, "Sites/Get WLAN", "-e", env)
	if res.code != 0 || !strings.Contains(res.out, `"ssid": "TestWlan"`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s\nserver saw %q", res.code, res.out, res.err, f.requests())
	}
	if got := f.requests(); got[len(got)-1] != "GET /api/v1/sites/site-7/wlans/w1 Token sekret-token" {
		t.Fatalf("server saw %q", got)
	}
}

func TestSendMistLoginTwoFactorPrompt(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	t.Setenv("TEST_MIST_PASSWORD", "pw")
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-CSRFToken"))
		switch r.URL.Path {
		case "/api/v1/login":
			if in["password"] != "pw" {
				w.WriteHeader(401)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: "sessionid.eu", Value: "s1", Path: "/"})
			http.SetCookie(w, &http.Cookie{Name: "csrftoken.eu", Value: "c1", Path: "/"})
			io.WriteString(w, `{"two_factor_required": true, "two_factor_passed": false}`)
		case "/api/v1/login/two_factor":
			if in["two_factor"] != "654321" {
				w.WriteHeader(400)
			}
			io.WriteString(w, `{}`)
		default:
			if c, err := r.Cookie("sessionid.eu"); err != nil || c.Value != "s1" {
				w.WriteHeader(401)
			}
			io.WriteString(w, `{"email":"me@example.com"}`)
		}
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "c")
	c := &collections.Collection{Name: "login", ID: "22222222-2222-4333-8444-555555555555", Dir: dir,
		Variables: []collections.Variable{{Key: "password", Secret: true, Env: "TEST_MIST_PASSWORD"}},
		Auth:      collections.Auth{Type: collections.AuthMistLogin, Email: "me@example.com", Password: "{{password}}"},
		Items: []collections.Item{
			&collections.Request{Name: "Who am I", URL: srv.URL + "/api/v1/self"},
			&collections.Request{Name: "Create", Method: "POST", URL: srv.URL + "/api/v1/sites/s/wlans", Body: collections.Body{Kind: collections.BodyJSON, Text: `{}`}},
		}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	res := sendCmd(t, "654321\n", "send", dir, "Who am I")
	if res.code != 0 || !strings.Contains(res.err, "two-factor code") {
		t.Fatalf("exit %d stderr %q seen %q", res.code, res.err, seen)
	}
	// The session persists (0600): the next command logs in no more and
	// sends X-CSRFToken on the POST.
	matches, _ := filepath.Glob(filepath.Join(home, "sessions", "*.json"))
	if len(matches) != 1 {
		t.Fatalf("session files %v", matches)
	}
	if st, _ := os.Stat(matches[0]); st.Mode().Perm() != 0o600 {
		t.Fatalf("session file mode %v", st.Mode())
	}
	res = sendCmd(t, "", "send", dir, "Create")
	if res.code != 0 {
		t.Fatalf("second send: exit %d stderr %q", res.code, res.err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := "POST /api/v1/login |POST /api/v1/login/two_factor c1|GET /api/v1/self |POST /api/v1/sites/s/wlans c1"
	if strings.Join(seen, "|") != want {
		t.Fatalf("server saw %q", seen)
	}
	hist, _ := os.ReadFile(filepath.Join(home, history.FileName))
	if bytes.Contains(hist, []byte(`"pw"`)) || bytes.Contains(hist, []byte("s1")) || bytes.Contains(hist, []byte(`c1"`)) {
		t.Fatalf("history holds session secrets:\n%s", hist)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	dir := filepath.Join(t.TempDir(), "c")
	c := &collections.Collection{Name: "x", ID: "44444444-2222-4333-8444-555555555555", Dir: dir,
		Items: []collections.Item{&collections.Request{Name: "r", URL: url + "/x"}}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "o")
	res := sendCmd(t, "", "send", dir, "r", "-o", out)
	if res.code != 1 || !strings.Contains(res.err, "connection refused") {
		t.Fatalf("exit %d stderr %q", res.code, res.err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("an empty output file was left: %v", err)
	}
}

func TestSendServerTextInErrorsIsSafe(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	t.Setenv("TEST_MIST_PASSWORD", "pw")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		io.WriteString(w, `{"detail":"bad \u001b]52;c;SEVMTE8=\u0007 login"}`)
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "c")
	c := &collections.Collection{Name: "x", ID: "55555555-2222-4333-8444-555555555555", Dir: dir,
		Variables: []collections.Variable{{Key: "password", Secret: true, Env: "TEST_MIST_PASSWORD"}},
		Auth:      collections.Auth{Type: collections.AuthMistLogin, Email: "me@example.com", Password: "{{password}}"},
		Items:     []collections.Item{&collections.Request{Name: "r", URL: srv.URL + "/api/v1/self"}}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	res := sendCmd(t, "", "send", dir, "r")
	if res.code != 1 || strings.ContainsAny(res.err, "\x1b\x07") || !strings.Contains(res.err, "bad ^[]52") {
		t.Fatalf("exit %d stderr %q", res.code, res.err)
	}
}

func TestSendAllPages(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Page-Total", "3")
		w.Header().Set("X-Page-Limit", "2")
		if page == "" || page == "1" {
			w.Header().Set("X-Page-Page", "1")
			io.WriteString(w, `[{"id": 1}, {"id": 2}]`)
			return
		}
		w.Header().Set("X-Page-Page", page)
		io.WriteString(w, `[{"id": 3}]`)
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "c")
	c := &collections.Collection{Name: "p", ID: "66666666-2222-4333-8444-555555555555", Dir: dir,
		Items: []collections.Item{&collections.Request{Name: "sites", URL: srv.URL + "/api/v1/orgs/o/sites?limit=2"}}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	res := sendCmd(t, "", "send", dir, "sites", "--all-pages", "--raw")
	if res.code != 0 || res.out != `[{"id": 1},{"id": 2},{"id": 3}]` {
		t.Fatalf("exit %d stdout %q stderr %q", res.code, res.out, res.err)
	}
}

func TestSendCACert(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "tls ok") }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "c")
	c := &collections.Collection{Name: "tls", ID: "77777777-2222-4333-8444-555555555555", Dir: dir,
		Items: []collections.Item{&collections.Request{Name: "r", URL: srv.URL + "/"}}}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	res := sendCmd(t, "", "send", dir, "r")
	if res.code != 1 || !strings.Contains(res.err, "certificate") {
		t.Fatalf("self-signed accepted: exit %d stderr %q", res.code, res.err)
	}
	pemFile := filepath.Join(t.TempDir(), "cert.pem")
	os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	res = sendCmd(t, "", "send", dir, "r", "--cacert", pemFile)
	if res.code != 0 || res.out != "tls ok" {
		t.Fatalf("with --cacert: exit %d stdout %q stderr %q", res.code, res.out, res.err)
	}
	if res := sendCmd(t, "", "send", dir, "r", "--cacert", filepath.Join(t.TempDir(), "none.pem")); res.code != 2 {
		t.Fatalf("missing --cacert file: exit %d", res.code)
	}
}

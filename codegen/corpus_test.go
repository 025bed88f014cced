package codegen_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/collections"
)

// A corpus of requests designed to break code generators: shell and printf
// metacharacters, quotes, unicode, every byte, large bodies, awkward query
// and path values, repeated and empty headers, forms, multipart, methods.

type tcase struct {
	name string
	req  *collections.Request
	// redirect makes the recording server answer the first request with
	// this status and a Location to /landed.
	redirect int
	// noRoundTrip skips the curl importer round trip (run-time encoding,
	// pipes and redirect options the importer is not asked to keep).
	noRoundTrip bool
	// curlOwnBoundary: curl cannot send a boundary the request fixes; its
	// Content-Type may differ in the boundary only.
	curlOwnBoundary bool
	// pythonURLDiffers: urllib3 percent-encodes characters of the URL
	// that RFC 3986 does not allow; the snippet says so in a comment.
	pythonURLDiffers bool
}

// secretValues are the secrets of the corpus collection: what the snippets
// read from the environment and what the engine sends.
var secretValues = map[string]string{
	"token":    "tok-123 ABC/+=&?é'\"$`\\",
	"password": "pa ss:wo'rd\"$(id)`;é",
	"apikey":   "key with space+plus&amp=eq",
	"custom":   "from-custom-env",
}

// corpusCollection holds the variables the corpus uses. base is the
// host:port of the server; dir is where the files of file bodies live.
func corpusCollection(base, dir string) *collections.Collection {
	return &collections.Collection{
		Name: "corpus",
		Dir:  dir,
		Variables: []collections.Variable{
			{Key: "base", Value: base},
			{Key: "site_id", Value: "6f4bf402-45f9-4b2c-9a7e-1c2d3e4f5a6b"},
			{Key: "token", Secret: true, Value: secretValues["token"]},
			{Key: "password", Secret: true, Value: secretValues["password"]},
			{Key: "apikey", Secret: true, Value: secretValues["apikey"]},
			{Key: "custom", Secret: true, Value: secretValues["custom"], Env: "MY_CUSTOM_SECRET"},
		},
	}
}

// secretEnv is the environment the snippets need.
func secretEnv() []string {
	return []string{
		"MIST_TOKEN=" + secretValues["token"],
		"MIST_PASSWORD=" + secretValues["password"],
		"MIST_APIKEY=" + secretValues["apikey"],
		"MY_CUSTOM_SECRET=" + secretValues["custom"],
	}
}

// writeCorpusFiles writes the files that file bodies and parts send.
func writeCorpusFiles(t testing.TB, dir string) {
	t.Helper()
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	files := map[string][]byte{
		"upload file.csv":     []byte("mac,name\n5c:5b:35:00:00:01,AP \"one\"\r\n"),
		"notes.txt":           []byte("plain text that curl would call text/plain\n"),
		"all bytes.bin":       all,
		"ünïcödé name 😀.json": []byte(`{"x": 1}`),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func p(k, v string) collections.Param { return collections.Param{Key: k, Value: v} }

func every1to255() string {
	b := make([]byte, 255)
	for i := range b {
		b[i] = byte(i + 1)
	}
	return string(b)
}

func big(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\n'\"$`\\%}[]&|;<>!#*?~é😀" // no {: {{ starts a variable
	var b strings.Builder
	for b.Len() < n {
		b.WriteByte(chars[r.IntN(len(chars))])
	}
	return b.String()[:n]
}

func corpus() []tcase {
	meta := "$(echo pwned) `id` ${HOME} $HOME ; | & < > ( ) * ? ~ ! # \\ 'single' \"double\" %s %n %% \\n"
	f := false
	return []tcase{
		{name: "get_simple", req: &collections.Request{URL: "http://{{base}}/api/v1/self"}},
		{name: "get_path_vars_mist", req: &collections.Request{URL: "http://{{base}}/api/v1/sites/:site_id/wlans/:wlan_id",
			PathVars: []collections.Param{p("site_id", "{{site_id}}"), p("wlan_id", "be22bba7-8e22-e1cf-5185-b880816fe2cf")}}},
		{name: "query_metachars", req: &collections.Request{URL: "http://{{base}}/q",
			Query: []collections.Param{p("plus", "a+b"), p("amp", "a&b"), p("eq", "a=b"), p("hash", "#frag"), p("pct", "100%"),
				p("braces", "{x}[y]"), p("a+k&e=y#%{}", "v"), p("space", "a b"), p("empty", ""), p("meta", meta)}}},
		{name: "query_keys_without_values_raw", req: &collections.Request{URL: "http://{{base}}/raw?flag&x=1&&y=a=b&z=%20%2B",
			Query: []collections.Param{p("after", "1")}}},
		{name: "query_unicode", req: &collections.Request{URL: "http://{{base}}/u",
			Query: []collections.Param{p("ключ", "значение"), p("emoji", "😀🎉"), p("é", "ü ß")}}},
		{name: "path_awkward_values", req: &collections.Request{URL: "http://{{base}}/p/:a/:b/:c/:d/:e/:f",
			PathVars: []collections.Param{p("a", "x/y"), p("b", ".."), p("c", "#hash"), p("d", "what?"), p("e", "with space"), p("f", "ünï😀")}}},
		{name: "path_raw_characters", pythonURLDiffers: true, req: &collections.Request{URL: "http://{{base}}/raw/{a}|b^c/\"q\""}},
		{name: "path_dot", req: &collections.Request{URL: "http://{{base}}/p/:a/end",
			PathVars: []collections.Param{p("a", ".")}}},
		{name: "path_percent_and_plus", req: &collections.Request{URL: "http://{{base}}/p/:a",
			PathVars: []collections.Param{p("a", "100% + 1 = 'ok' \"ok\" $(x)")}}},
		{name: "headers_duplicate", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("X-Dup", "first"), p("X-Other", "o"), p("X-Dup", "second"), p("x-dup", "third")}}},
		{name: "headers_empty_value", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("X-Empty", ""), p("X-After", "after")}}},
		{name: "headers_metachars", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("X-Meta", meta), p("X-Quotes", `it's "quoted" \back\slash`)}}},
		{name: "headers_unicode", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("X-Unicode", "café ünïcödé 😀 中文"), p("X-Latin1", "é")}}},
		{name: "header_name_token_chars", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("X-Weird!#$%&'*+.^_`|~", "v")}}},
		{name: "header_long", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("X-Long", strings.Repeat("0123456789abcdef", 512))}}},
		{name: "header_host_and_accept", req: &collections.Request{URL: "http://{{base}}/h",
			Headers: []collections.Param{p("Host", "api.example.invalid"), p("Accept", "application/vnd.api+json"), p("User-Agent", "my agent/1.0")}}},
		{name: "auth_mist_token", req: &collections.Request{URL: "http://{{base}}/api/v1/self",
			Auth: collections.Auth{Type: collections.AuthMistToken, Token: "{{token}}"}}},
		{name: "auth_bearer", req: &collections.Request{URL: "http://{{base}}/b",
			Auth: collections.Auth{Type: collections.AuthBearer, Token: "{{token}}"}}},
		{name: "auth_basic_literal", req: &collections.Request{URL: "http://{{base}}/b",
			Auth: collections.Auth{Type: collections.AuthBasic, Username: "user@example.com", Password: "pässwörd:with colon"}}},
		{name: "auth_basic_secret", req: &collections.Request{URL: "http://{{base}}/b",
			Auth: collections.Auth{Type: collections.AuthBasic, Username: "user@example.com", Password: "{{password}}"}}},
		{name: "auth_apikey_header", req: &collections.Request{URL: "http://{{base}}/k",
			Auth: collections.Auth{Type: collections.AuthAPIKey, Key: "X-API-Key", Value: "{{apikey}}"}}},
		{name: "auth_apikey_query", noRoundTrip: true, req: &collections.Request{URL: "http://{{base}}/k",
			Query: []collections.Param{p("a", "1")},
			Auth:  collections.Auth{Type: collections.AuthAPIKey, Key: "api key", Value: "{{apikey}}", In: "query"}}},
		{name: "secret_custom_env", req: &collections.Request{URL: "http://{{base}}/c",
			Headers: []collections.Param{p("X-Custom", "pre-{{custom}}-post")}}},
		{name: "json_pretty_unicode", req: &collections.Request{Method: "POST", URL: "http://{{base}}/api/v1/sites/:site_id/wlans",
			PathVars: []collections.Param{p("site_id", "{{site_id}}")},
			Body:     collections.Body{Kind: collections.BodyJSON, Text: "{\n  \"ssid\": \"Café 😀\",\n  \"enabled\": true,\n  \"note\": \"it's \\\"q\\\" \\\\ \\n\"\n}\n"}}},
		{name: "json_numbers_not_reserialised", req: &collections.Request{Method: "PUT", URL: "http://{{base}}/n",
			Body: collections.Body{Kind: collections.BodyJSON, Text: `{"a":1.0,"b":1e400,"c":12345678901234567890123,"d":-0,"e":0.1000000000000000055511151231257827,"f":[ 1 ,2 ]}`}}},
		{name: "json_secret", req: &collections.Request{Method: "POST", URL: "http://{{base}}/login",
			Body: collections.Body{Kind: collections.BodyJSON, Text: `{"email":"me@example.com","password":"{{password}}"}`}}},
		{name: "raw_every_byte", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyRaw, Text: every1to255()}}},
		{name: "raw_nul_byte", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyRaw, Text: "before\x00after\x00"}}},
		{name: "raw_crlf", req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyRaw, Text: "line one\r\nline two\r\n\r\nend\r"}}},
		{name: "raw_100kb", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyRaw, Text: big(100 << 10)}}},
		{name: "raw_at_sign", req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyRaw, Text: "@/etc/passwd"}}},
		{name: "raw_metachars_xml", req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyRaw, Language: "xml", Text: "<a x='1' y=\"2\">" + meta + "</a>"}}},
		{name: "raw_empty_post", req: &collections.Request{Method: "POST", URL: "http://{{base}}/raw",
			Body: collections.Body{Kind: collections.BodyJSON, Text: ""}}},
		{name: "form_awkward", req: &collections.Request{Method: "POST", URL: "http://{{base}}/form",
			Body: collections.Body{Kind: collections.BodyForm, Form: []collections.Param{
				p("name", "a b+c&d=e%f"), p("multi\nline", "one\ntwo\r\nthree"), p("empty", ""), p("name", "dup"),
				p("uni", "é😀"), p("meta", meta)}}}},
		{name: "form_secret", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/form",
			Body: collections.Body{Kind: collections.BodyForm, Form: []collections.Param{p("user", "me"), p("password", "{{password}}")}}}},
		{name: "multipart_text_awkward", req: &collections.Request{Method: "POST", URL: "http://{{base}}/mp",
			Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{
				{Name: "plain", Value: "hello"},
				{Name: "newline", Value: "line1\nline2\r\nline3"},
				{Name: "at", Value: "@not-a-file"},
				{Name: "lt", Value: "<not-a-file"},
				{Name: "semi", Value: "a;type=text/html;b"},
				{Name: "meta", Value: meta},
				{Name: "unicode", Value: "ünïcödé 😀"},
				{Name: "empty", Value: ""},
			}}}},
		{name: "multipart_files", req: &collections.Request{Method: "POST", URL: "http://{{base}}/api/v1/sites/:site_id/maps/import",
			PathVars: []collections.Param{p("site_id", "{{site_id}}")},
			Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{
				{Name: "json", Value: `{"import_all_floorplans": true, "note": "a;b"}`, ContentType: "application/json"},
				{Name: "file", File: "upload file.csv", ContentType: "text/csv"},
				{Name: "notes", File: "notes.txt"},
				{Name: "binary", File: "all bytes.bin"},
				{Name: "uni", File: "ünïcödé name 😀.json"},
				{Name: "typed_at", Value: "@still text", ContentType: "text/plain"},
			}}}},
		{name: "multipart_secret", req: &collections.Request{Method: "PUT", URL: "http://{{base}}/mp",
			Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{
				{Name: "password", Value: "{{password}}"},
				{Name: "typed", Value: "tok={{token}}", ContentType: "text/plain; charset=utf-8"},
			}}}},
		{name: "multipart_nul_value", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/mp",
			Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{
				{Name: "bin", Value: "a\x00b"},
				{Name: "bintyped", Value: "c\x00d", ContentType: "application/octet-stream"},
			}}}},
		{name: "multipart_user_boundary", curlOwnBoundary: true, noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/mp",
			Headers: []collections.Param{p("Content-Type", "multipart/form-data; boundary=mistbench-fixed-boundary-42")},
			Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{
				{Name: "text", Value: "v"}, {Name: "typed", Value: "{}", ContentType: "application/json"}, {Name: "file", File: "notes.txt"},
			}}}},
		{name: "multipart_user_type_without_boundary", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/mp",
			Headers: []collections.Param{p("Content-Type", "multipart/form-data")},
			Body:    collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{{Name: "text", Value: "v"}}}}},
		{name: "file_body", req: &collections.Request{Method: "PUT", URL: "http://{{base}}/file",
			Body: collections.Body{Kind: collections.BodyFile, File: "all bytes.bin"}}},
		{name: "method_custom", req: &collections.Request{Method: "PURGE", URL: "http://{{base}}/cache"}},
		{name: "method_token_chars", req: &collections.Request{Method: "M-SEARCH", URL: "http://{{base}}/ssdp",
			Headers: []collections.Param{p("Man", `"ssdp:discover"`)}}},
		{name: "method_lowercase", req: &collections.Request{Method: "patch", URL: "http://{{base}}/lower",
			Body: collections.Body{Kind: collections.BodyJSON, Text: `{}`}}},
		{name: "invalid_utf8_everywhere", noRoundTrip: true, req: &collections.Request{Method: "POST", URL: "http://{{base}}/bytes",
			Query:   []collections.Param{p("q\xff", "\xfe\x80")},
			Headers: []collections.Param{p("X-Bytes", "a\xffb\x80")},
			Body:    collections.Body{Kind: collections.BodyForm, Form: []collections.Param{p("k\xff", "v\xc3\x28")}}}},
		{name: "multipart_invalid_utf8", req: &collections.Request{Method: "POST", URL: "http://{{base}}/mp",
			Body: collections.Body{Kind: collections.BodyMultipart, Parts: []collections.Part{{Name: "bytes", Value: "\xff\xfe raw"}}}}},
		{name: "method_head", req: &collections.Request{Method: "HEAD", URL: "http://{{base}}/head"}},
		{name: "method_options", req: &collections.Request{Method: "OPTIONS", URL: "http://{{base}}/opt"}},
		{name: "delete_with_body", req: &collections.Request{Method: "DELETE", URL: "http://{{base}}/d",
			Body: collections.Body{Kind: collections.BodyJSON, Text: `{"ids":["a","b"]}`}}},
		{name: "get_with_body", req: &collections.Request{Method: "GET", URL: "http://{{base}}/g",
			Body: collections.Body{Kind: collections.BodyJSON, Text: `{"q":1}`}}},
		{name: "patch_custom_content_type", req: &collections.Request{Method: "PATCH", URL: "http://{{base}}/patch",
			Headers: []collections.Param{p("Content-Type", "application/merge-patch+json")},
			Body:    collections.Body{Kind: collections.BodyJSON, Text: `{"name":null}`}}},
		{name: "custom_method_with_body", req: &collections.Request{Method: "REPORT", URL: "http://{{base}}/dav",
			Body: collections.Body{Kind: collections.BodyRaw, Language: "xml", Text: "<?xml version=\"1.0\"?>\n<report/>"}}},
		{name: "redirect_followed_307", noRoundTrip: true, redirect: 307, req: &collections.Request{Method: "POST", URL: "http://{{base}}/moved",
			Body: collections.Body{Kind: collections.BodyJSON, Text: `{"keep":"body"}`}}},
		{name: "redirect_not_followed", noRoundTrip: true, redirect: 302, req: &collections.Request{URL: "http://{{base}}/moved",
			Settings: collections.RequestSettings{FollowRedirects: &f}}},
		{name: "mist_login_get", noRoundTrip: true, req: &collections.Request{URL: "http://{{base}}/api/v1/self",
			Auth: collections.Auth{Type: collections.AuthMistLogin, Email: "me@example.com", Password: "{{password}}"}}},
		{name: "mist_login_put_csrf", noRoundTrip: true, req: &collections.Request{Method: "PUT", URL: "http://{{base}}/api/v1/sites/:site_id/wlans/w1",
			PathVars: []collections.Param{p("site_id", "{{site_id}}")},
			Auth:     collections.Auth{Type: collections.AuthMistLogin, Email: "me+\"odd\"@example.com", Password: "{{password}}", TwoFactor: "123456"},
			Body:     collections.Body{Kind: collections.BodyJSON, Text: `{"ssid":"NewName"}`}}},
		{name: "timeout_fractional", req: &collections.Request{URL: "http://{{base}}/t",
			Settings: collections.RequestSettings{Timeout: 2500 * time.Millisecond}}},
	}
}

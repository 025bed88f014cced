// Package har imports the entries of an HTTP Archive (HAR 1.2, as browsers'
// developer tools save it) as requests, one folder per host, with each
// entry's response kept as an example.
package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mistbench/mistbench/collections"
)

// Report says what the import kept, converted and dropped.
type Report = collections.ImportReport

type harFile struct {
	Log *struct {
		Version string  `json:"version"`
		Entries []entry `json:"entries"`
	} `json:"log"`
}

type entry struct {
	Request  *request `json:"request"`
	Response *struct {
		Status  int  `json:"status"`
		Headers []nv `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

type request struct {
	Method   string `json:"method"`
	URL      string `json:"url"`
	Headers  []nv   `json:"headers"`
	PostData *struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Params   []struct {
			Name        string `json:"name"`
			Value       string `json:"value"`
			FileName    string `json:"fileName"`
			ContentType string `json:"contentType"`
		} `json:"params"`
	} `json:"postData"`
}

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Import reads the HAR file at path.
func Import(path string) (*collections.Collection, *Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("har: %w", err)
	}
	return Parse(data, path)
}

// Read imports a HAR from r; name labels errors.
func Read(r io.Reader, name string) (*collections.Collection, *Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return Parse(data, name)
}

// Parse imports HAR bytes; name labels errors and names the collection.
func Parse(data []byte, name string) (*collections.Collection, *Report, error) {
	var f harFile
	if err := json.Unmarshal(data, &f); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(data, se.Offset)
			return nil, nil, fmt.Errorf("%s:%d:%d: invalid JSON: %w", name, l, c, err)
		case errors.As(err, &te):
			l, c := lineCol(data, te.Offset)
			return nil, nil, fmt.Errorf("%s:%d:%d: %s: expected %s, found a JSON %s: %w", name, l, c, te.Field, te.Type, te.Value, err)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Log == nil {
		return nil, nil, fmt.Errorf("%s: not a HAR file (no \"log\" object)", name)
	}
	rep := collections.NewImportReport("har")
	c := &collections.Collection{Name: strings.TrimSuffix(baseName(name), ".har")}
	folders := map[string]*collections.Folder{}
	for i, e := range f.Log.Entries {
		where := fmt.Sprintf("entry %d", i+1)
		if e.Request == nil || e.Request.URL == "" {
			rep.Drop("entry", "%s: no request URL", where)
			continue
		}
		r, host := convert(e, where, rep)
		f := folders[host]
		if f == nil {
			f = &collections.Folder{Name: host}
			folders[host] = f
			c.Items = append(c.Items, f)
		}
		f.Items = append(f.Items, r)
	}
	// One host: no folder level.
	if len(folders) == 1 {
		c.Items = c.Items[0].(*collections.Folder).Items
	}
	if n := collections.UniqueNames(c.Items); n > 0 {
		rep.Convert("name", "%d requests renamed \"name (2)\"...: names in a folder must differ", n)
	}
	return c, rep, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// computed headers are set by the sender from the URL and body.
var computed = map[string]bool{"content-length": true, "host": true, "connection": true}

func convert(e entry, where string, rep *Report) (*collections.Request, string) {
	hr := e.Request
	r := &collections.Request{Method: strings.ToUpper(hr.Method), Auth: collections.Auth{Type: collections.AuthNone}}
	if r.Method == "" {
		r.Method = "GET"
	}
	raw := hr.URL
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	base, query, _ := strings.Cut(raw, "?")
	host, p := "", base
	if u, err := url.Parse(base); err == nil {
		host, p = u.Host, u.EscapedPath()
	}
	if p == "" {
		p = "/"
	}
	r.Name = r.Method + " " + p
	r.URL = escapePathVars(base)
	if query != "" {
		if q, ok := collections.SplitQuery(query); ok {
			r.Query = q
		} else {
			r.URL += "?" + query
		}
	}
	for _, h := range hr.Headers {
		lk := strings.ToLower(h.Name)
		if strings.HasPrefix(h.Name, ":") || computed[lk] {
			rep.Convert("header", "")
			continue
		}
		if lk == "authorization" && r.Auth.Type == collections.AuthNone {
			if a, ok := collections.AuthFromHeader(h.Value); ok {
				r.Auth = a
				rep.Convert("auth", "%s: Authorization header became %s auth", where, a.Type)
				continue
			}
		}
		r.Headers = append(r.Headers, collections.Param{Key: h.Name, Value: h.Value})
	}
	if pd := hr.PostData; pd != nil {
		mt := strings.ToLower(strings.TrimSpace(strings.SplitN(pd.MimeType, ";", 2)[0]))
		switch {
		case mt == "multipart/form-data" && len(pd.Params) > 0:
			var parts []collections.Part
			for _, prm := range pd.Params {
				part := collections.Part{Name: prm.Name, ContentType: prm.ContentType}
				if prm.FileName != "" {
					part.File = prm.FileName
					rep.Convert("file", "%s: form part %s: the file %s is not in the archive; the part names it", where, prm.Name, prm.FileName)
				} else {
					part.Value = prm.Value
				}
				parts = append(parts, part)
			}
			r.Body = collections.Body{Kind: collections.BodyMultipart, Parts: parts}
			// The boundary of the recorded Content-Type is stale.
			r.Headers = removeHeader(r.Headers, "Content-Type")
		case pd.MimeType == "application/json":
			r.Body = collections.Body{Kind: collections.BodyJSON, Text: pd.Text}
		case pd.Text != "":
			lang := ""
			if strings.Contains(mt, "json") {
				lang = "json"
			} else if strings.Contains(mt, "xml") {
				lang = "xml"
			}
			r.Body = collections.Body{Kind: collections.BodyRaw, Text: pd.Text, Language: lang}
			if !hasHeader(r.Headers, "Content-Type") && pd.MimeType != "" {
				r.Headers = append(r.Headers, collections.Param{Key: "Content-Type", Value: pd.MimeType})
			}
		}
	}
	if resp := e.Response; resp != nil && resp.Status > 0 {
		ex := collections.Example{Name: fmt.Sprintf("%d recorded", resp.Status), Status: resp.Status}
		for _, h := range resp.Headers {
			if !strings.HasPrefix(h.Name, ":") {
				ex.Headers = append(ex.Headers, collections.Param{Key: h.Name, Value: h.Value})
			}
		}
		body := resp.Content.Text
		if resp.Content.Encoding == "base64" {
			if b, err := base64.StdEncoding.DecodeString(body); err == nil && utf8.Valid(b) {
				body = string(b)
			} else {
				rep.Drop("response body", "%s: binary response body", where)
				body = ""
			}
		}
		ex.Body = body
		r.Examples = append(r.Examples, ex)
		rep.Keep("example")
	}
	rep.Keep("request")
	if host == "" {
		host = "other"
	}
	return r, host
}

func hasHeader(hs []collections.Param, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Key, name) {
			return true
		}
	}
	return false
}

func removeHeader(hs []collections.Param, name string) []collections.Param {
	var out []collections.Param
	for _, h := range hs {
		if !strings.EqualFold(h.Key, name) {
			out = append(out, h)
		}
	}
	return out
}

// escapePathVars keeps a literal ":name" segment from reading as a path
// variable.
func escapePathVars(u string) string {
	i := strings.Index(u, "://")
	if i < 0 || !strings.Contains(u, "/:") {
		return u
	}
	j := strings.IndexByte(u[i+3:], '/')
	if j < 0 {
		return u
	}
	start := i + 3 + j
	segs := strings.Split(u[start:], "/")
	for k, s := range segs {
		if _, ok := collections.PathVarName(s); ok {
			segs[k] = "%3A" + s[1:]
		}
	}
	return u[:start] + strings.Join(segs, "/")
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	return bytes.Count(before, []byte("\n")) + 1, int(off) - bytes.LastIndexByte(before, '\n')
}

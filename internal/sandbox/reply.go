package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Mist's error details, word for word (see MIST-API.md).
const (
	detailNoCredentials = "Authentication credentials were not provided."
	detailInvalidToken  = "Invalid token."
	detailForbidden     = "You do not have permission to perform this action."
	detailCSRF          = "CSRF Failed: CSRF token missing or incorrect."
	detailNotFound      = "Not found."
)

func rateLimitDetail(limit int) string {
	return fmt.Sprintf("Too Many Request. The API Token used for the request reached the %d API Calls per hour threshold", limit)
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, "{\"detail\": %q}\n", "encoding the response: "+err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeDetail writes Mist's error shape: {"detail": "..."}.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string]string{"detail": detail})
}

// writeNotFound writes Mist's 404 for an object id.
func writeNotFound(w http.ResponseWriter, kind, id string) {
	writeJSON(w, http.StatusNotFound, map[string]string{"id": id, "detail": kind + " " + id + " not found"})
}

// required is Django REST's error for a missing field, as Mist words it.
func required(field string) error {
	return fmt.Errorf("%s: %s", field, "This field is required.")
}

// errBodyTooLarge is what readBody reports for an oversized body.
type errBodyTooLarge struct{ limit int64 }

func (e *errBodyTooLarge) Error() string {
	return fmt.Sprintf("Request body too large: the sandbox accepts at most %d bytes", e.limit)
}

// readBody reads the request body, bounded by the server's limit (the
// handler chain wraps it in http.MaxBytesReader).
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &errBodyTooLarge{limit: mbe.Limit}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	return b, nil
}

// writeBodyError answers a body that could not be read.
func writeBodyError(w http.ResponseWriter, err error) {
	var tl *errBodyTooLarge
	if errors.As(err, &tl) {
		writeDetail(w, http.StatusRequestEntityTooLarge, tl.Error())
		return
	}
	writeDetail(w, http.StatusBadRequest, err.Error())
}

// readJSONObject reads the request body as one JSON object. Every handler
// that takes a JSON object answers a bad body the same way, so on failure
// it writes that answer (413 or 400) and returns false.
func readJSONObject(w http.ResponseWriter, r *http.Request) (obj, bool) {
	body, err := readBody(r)
	if err != nil {
		writeBodyError(w, err)
		return nil, false
	}
	m, err := parseJSONObject(body)
	if err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return m, true
}

// parseJSONObject decodes body as one JSON object, with Mist's wording for
// parse errors: "JSON parse error - <what>: line L column C (char N)".
func parseJSONObject(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("JSON parse error - Expecting value: line 1 column 1 (char 0)")
	}
	v, err := parseJSONAny(body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("JSON parse error - Expected a JSON object, got %s", jsonKind(v))
	}
	return m, nil
}

// parseJSONAny checks body is one JSON value.
func parseJSONAny(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonParseError(body, err)
	}
	off := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		// Python points at the first byte after the white space.
		for off < int64(len(body)) && strings.IndexByte(" \t\r\n", body[off]) >= 0 {
			off++
		}
		return nil, fmt.Errorf("JSON parse error - Extra data: %s", position(body, off))
	}
	return v, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func jsonParseError(body []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the offending byte; Python (and Mist) point at it.
		what, back := pythonWording(se.Error())
		return fmt.Errorf("JSON parse error - %s: %s", what, position(body, se.Offset-1-back))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("JSON parse error - Expecting value: %s", position(body, int64(len(body))))
	}
	return fmt.Errorf("JSON parse error - %s", err.Error())
}

// pythonWording turns encoding/json's syntax errors into the words of
// Python's json module, which Mist's answers carry, and says how many
// bytes before Go's position Python points.
func pythonWording(msg string) (string, int64) {
	switch {
	case strings.HasSuffix(msg, "looking for beginning of object key string"):
		return "Expecting property name enclosed in double quotes", 0
	case strings.HasSuffix(msg, "looking for beginning of value"), strings.HasSuffix(msg, "in numeric literal"),
		strings.HasSuffix(msg, "in literal true (expecting 'r')"), strings.HasSuffix(msg, "in literal true (expecting 'u')"),
		strings.HasSuffix(msg, "in literal true (expecting 'e')"), strings.Contains(msg, "in literal false"), strings.Contains(msg, "in literal null"):
		return "Expecting value", 0
	case strings.HasSuffix(msg, "after object key"):
		return "Expecting ':' delimiter", 0
	case strings.HasSuffix(msg, "after object key:value pair"), strings.HasSuffix(msg, "after array element"):
		return "Expecting ',' delimiter", 0
	case strings.HasSuffix(msg, "in string literal"):
		return "Invalid control character at", 0
	case strings.HasSuffix(msg, "in string escape code"), strings.HasSuffix(msg, "in \\u hexadecimal character escape"):
		return "Invalid \\escape", 1 // Python points at the backslash
	case strings.HasSuffix(msg, "after top-level value"):
		return "Extra data", 0
	}
	return msg, 0
}

// position renders a byte offset the way Python's json module does.
func position(body []byte, off int64) string {
	if off > int64(len(body)) {
		off = int64(len(body))
	}
	if off < 0 {
		off = 0
	}
	line, col := 1, 1
	for _, c := range body[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d column %d (char %d)", line, col, off)
}

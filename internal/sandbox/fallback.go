package sandbox

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// handleSpec answers every path the sandbox does not simulate from the
// Mist OpenAPI description: the operation's example, its declared empty
// success, or 501 naming the operation.
func (s *Server) handleSpec(w http.ResponseWriter, r *http.Request, c *caller) {
	tab, err := loadSpec()
	if err != nil {
		writeDetail(w, http.StatusInternalServerError, err.Error())
		return
	}
	ops := tab.match(r.URL.Path)
	if len(ops) == 0 {
		writeDetail(w, http.StatusNotFound, detailNotFound)
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	op := ops[method]
	if op == nil {
		allow := make([]string, 0, len(ops))
		for m := range ops {
			allow = append(allow, m)
		}
		sort.Strings(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeDetail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method))
		return
	}
	// A JSON body is still checked, so mistakes show as they would on Mist.
	body, err := readBody(r)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); len(strings.TrimSpace(string(body))) > 0 && (ct == "application/json" || strings.HasSuffix(ct, "+json")) {
		if _, err := parseJSONAny(body); err != nil {
			writeDetail(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	switch {
	case op.Example != nil && method == http.MethodGet && len(op.Example) > 0 && op.Example[0] == '[':
		// A list: paged like the simulated ones, with the X-Page-* headers.
		var items []json.RawMessage
		if err := json.Unmarshal(op.Example, &items); err != nil {
			writeDetail(w, http.StatusInternalServerError, "sandbox spec table: "+err.Error())
			return
		}
		pg, err := parsePaging(r)
		if err != nil {
			writeDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		lo, hi := pg.bounds(len(items))
		w.Header().Set("X-Mistbench-Sandbox", "example of "+op.ID)
		w.Header().Set("X-Page-Total", strconv.Itoa(len(items)))
		w.Header().Set("X-Page-Limit", strconv.Itoa(pg.limit))
		w.Header().Set("X-Page-Page", strconv.Itoa(pg.page))
		writeJSON(w, status, items[lo:hi])
	case op.Example != nil:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(op.Example)))
		w.Header().Set("X-Mistbench-Sandbox", "example of "+op.ID)
		w.WriteHeader(status)
		_, _ = w.Write(op.Example)
	case op.NoBody:
		w.Header().Set("X-Mistbench-Sandbox", "example of "+op.ID)
		w.WriteHeader(status)
	default:
		writeDetail(w, http.StatusNotImplemented, fmt.Sprintf("mistbench sandbox: %s (%s %s) is not simulated and the Mist OpenAPI description gives no example response for it", op.ID, op.Method, op.Path))
	}
}

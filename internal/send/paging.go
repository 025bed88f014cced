package send

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/mistbench/mistbench/collections"
)

// maxPageBytes bounds one page read into memory for merging.
const maxPageBytes = 256 << 20

// allPages sends r page after page and merges the pages into one JSON
// array. Mist pages two ways: X-Page-Total/X-Page-Limit/X-Page-Page
// headers with ?page=N, or search answers {results, next} where next is
// the URL of the next page. An answer with neither is returned as is.
func (e *Engine) allPages(ctx context.Context, r *collections.Resolved, co CallOptions) (*Response, error) {
	first, err := e.doRetrying(ctx, r, CallOptions{})
	if err != nil || first.StatusCode/100 != 2 {
		return e.finishPages(first, nil, co, err)
	}
	body, err := first.Body(maxPageBytes)
	if err != nil {
		return e.finishPages(first, nil, co, err)
	}
	var items []json.RawMessage
	total, errT := strconv.Atoi(first.Header("X-Page-Total"))
	limit, errL := strconv.Atoi(first.Header("X-Page-Limit"))
	switch {
	case errT == nil && errL == nil && limit > 0:
		if err := json.Unmarshal(body, &items); err != nil {
			return e.finishPages(first, nil, co, fmt.Errorf("all pages: page 1 is not a JSON array: %w", err))
		}
		page := 1
		if p, err := strconv.Atoi(first.Header("X-Page-Page")); err == nil && p > 0 {
			page = p
		}
		pages := 1
		for next := page + 1; (next-1)*limit < total; next++ {
			if pages >= e.opts.MaxPages {
				first.Warnings = append(first.Warnings, fmt.Sprintf("all pages: stopped at %d pages (the limit)", pages))
				break
			}
			nr := *r
			nr.URL = setQuery(r.URL, map[string]string{"page": strconv.Itoa(next), "limit": strconv.Itoa(limit)})
			var pageItems []json.RawMessage
			if err := e.fetchPage(ctx, &nr, func(b []byte) error { return json.Unmarshal(b, &pageItems) }); err != nil {
				return e.finishPages(first, nil, co, fmt.Errorf("all pages: page %d: %w", next, err))
			}
			if len(pageItems) == 0 {
				break // the total shrank while paging
			}
			items = append(items, pageItems...)
			pages++
		}
		first.Pages = pages
	default:
		var search struct {
			Results []json.RawMessage `json:"results"`
			Next    *string           `json:"next"`
		}
		if json.Unmarshal(body, &search) != nil || search.Results == nil {
			first.Pages = 1
			first.Warnings = append(first.Warnings, "all pages: the answer has no paging information; showing it as is")
			return e.finishPages(first, body, co, nil)
		}
		items = search.Results
		pages, cur, next := 1, r.URL, search.Next
		for next != nil && *next != "" {
			if pages >= e.opts.MaxPages {
				first.Warnings = append(first.Warnings, fmt.Sprintf("all pages: stopped at %d pages (the limit)", pages))
				break
			}
			u, err := resolveRef(cur, *next)
			if err != nil {
				return e.finishPages(first, nil, co, fmt.Errorf("all pages: next %q: %w", *next, err))
			}
			nr := *r
			nr.URL, cur = u, u
			search.Results, search.Next = nil, nil
			if err := e.fetchPage(ctx, &nr, func(b []byte) error { return json.Unmarshal(b, &search) }); err != nil {
				return e.finishPages(first, nil, co, fmt.Errorf("all pages: page %d: %w", pages+1, err))
			}
			items = append(items, search.Results...)
			next = search.Next
			pages++
		}
		first.Pages = pages
	}
	// Joined by hand: json.Marshal would compact the items.
	merged := []byte{'['}
	for i, it := range items {
		if i > 0 {
			merged = append(merged, ',')
		}
		merged = append(merged, it...)
	}
	merged = append(merged, ']')
	return e.finishPages(first, merged, co, nil)
}

// fetchPage sends one more page and hands its body to parse.
func (e *Engine) fetchPage(ctx context.Context, r *collections.Resolved, parse func([]byte) error) error {
	resp, err := e.doRetrying(ctx, r, CallOptions{})
	defer resp.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %s", resp.Status())
	}
	b, err := resp.Body(maxPageBytes)
	if err != nil {
		return err
	}
	return parse(b)
}

// finishPages makes first carry the merged body (when given) and writes
// it to the call's output.
func (e *Engine) finishPages(first *Response, merged []byte, co CallOptions, err error) (*Response, error) {
	if first == nil {
		return nil, err
	}
	if merged != nil {
		first.Close()
		first.Head, first.Size, first.Truncated, first.BodyPath = merged, int64(len(merged)), false, ""
	}
	if co.Output != nil {
		if rc, oerr := first.Open(); oerr == nil {
			_, werr := io.Copy(co.Output, rc)
			rc.Close()
			if werr != nil && err == nil {
				err = fmt.Errorf("writing the body: %w", werr)
			}
		}
	}
	return first, err
}

// setQuery sets query parameters of a URL, keeping the others as written.
func setQuery(raw string, set map[string]string) string {
	base, q, _ := strings.Cut(raw, "?")
	var parts []string
	seen := map[string]bool{}
	if q != "" {
		for _, p := range strings.Split(q, "&") {
			k, _, _ := strings.Cut(p, "=")
			if dk, err := url.QueryUnescape(k); err == nil {
				k = dk
			}
			if v, ok := set[k]; ok {
				if !seen[k] {
					parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
					seen[k] = true
				}
				continue
			}
			parts = append(parts, p)
		}
	}
	for _, k := range []string{"limit", "page"} {
		if v, ok := set[k]; ok && !seen[k] {
			parts = append(parts, k+"="+url.QueryEscape(v))
		}
	}
	return base + "?" + strings.Join(parts, "&")
}

func resolveRef(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

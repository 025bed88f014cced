package workbench

import (
	"strings"
	"testing"
	"time"

	"github.com/mistbench/mistbench/internal/history"
)

// Re-opening from the history with unsaved edits open: the dialog asks
// first, and whatever the answer (but Cancel), the request opens with its
// old response, secrets redacted.
func TestHistoryReopenAfterUnsavedDialog(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		choice string
		rights int
	}{{"Save", 0}, {"Keep unsaved", 1}, {"Discard", 2}, {"Cancel", 3}} {
		t.Run(c.choice, func(t *testing.T) {
			t.Parallel()
			store, err := history.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			h := startPower(t, Config{History: store})
			h.openAndSend("List")
			h.openAndSend("Echo")
			h.want(`"method": "POST"`)
			// An unsaved edit of Echo.
			h.press("Ctrl+L", "End")
			h.typ("/x\n")
			h.sync()
			h.want("Bodies/Echo ●")
			h.press("Alt+1", "Ctrl+H")
			h.idle()
			h.want("History: 2 sent")
			h.press("j", "Enter") // Bodies/List, the older one
			h.sync()
			h.want("has unsaved changes")
			for range c.rights {
				h.press("Right")
			}
			h.press("Enter")
			h.sync()
			h.wantNot("has unsaved changes")
			if c.choice == "Cancel" {
				h.want("Bodies/Echo ●", `"method": "POST"`)
				h.wantNot(`"ssid": "Lab-0"`)
				return
			}
			h.want("Bodies/List", "GET http://{{host}}/list", "from the history", "200 OK", `"ssid": "Lab-0"`)
			h.wantNot(`"method": "POST"`, testToken)
			var echoURL string
			var dirty bool
			h.onUI(func() {
				r, _, _ := h.w.s.Coll.Find("Bodies/Echo")
				echoURL, dirty = r.URL, h.w.s.Dirty()
			})
			switch c.choice {
			case "Save":
				if echoURL != "http://{{host}}/echo/x" || dirty {
					t.Fatalf("saved: Echo URL %q, dirty %v", echoURL, dirty)
				}
			case "Keep unsaved":
				if echoURL != "http://{{host}}/echo/x" || !dirty {
					t.Fatalf("kept: Echo URL %q, dirty %v", echoURL, dirty)
				}
				h.want("Echo ●")
			case "Discard":
				if echoURL != "http://{{host}}/echo" || dirty {
					t.Fatalf("discarded: Echo URL %q, dirty %v", echoURL, dirty)
				}
			}
			// The response is the one kept in the history, not a stale view.
			if s := h.screen(); !strings.Contains(s, "from the history: GET Bodies/List") {
				t.Fatalf("status line:\n%s", s)
			}
		})
	}
}

// A history entry that holds a secret the request uses now (recorded
// before the secret was one, say) shows it masked.
func TestHistoryReopenHidesCurrentSecrets(t *testing.T) {
	t.Parallel()
	store, err := history.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := startPower(t, Config{History: store})
	if err := store.Append(&history.Entry{Time: time.Now(), Request: "Bodies/List", CollectionDir: h.w.s.Coll.Dir, Method: "GET",
		URL: "http://127.0.0.1:9/list", Status: 200, StatusText: "OK",
		ResponseHeaders: []history.Header{{Name: "Content-Type", Value: "application/json"}},
		ResponseBody:    history.Body{Text: `{"echo":"Token ` + testToken + `"}`}}); err != nil {
		t.Fatal(err)
	}
	h.press("Ctrl+H")
	h.idle()
	h.press("Enter")
	h.sync()
	h.want("Bodies/List", "from the history", `"echo": "Token ••••••"`)
	h.wantNot(testToken)
}

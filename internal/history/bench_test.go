package history

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkAppend is one history line as send and run write it: a
// request with a few headers and a 1 KB answer.
func BenchmarkAppend(b *testing.B) {
	s, _ := Open(b.TempDir())
	e := &Entry{Method: "GET", URL: "https://api.mist.com/api/v1/sites/978c48e6-6ef6-11e6-8bbf-02e208b2d34f/wlans",
		RequestHeaders:  []Header{{"Authorization", Redacted}, {"Accept", "application/json"}},
		ResponseHeaders: []Header{{"Content-Type", "application/json"}, {"X-Page-Total", "3"}},
		ResponseBody:    Body{Text: strings.Repeat(`{"ssid":"TestWlan"},`, 50), Size: 1000}, Status: 200, Size: 1000}
	b.ReportAllocs()
	for b.Loop() {
		e.ID = ""
		if err := s.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendPeer is the floor: the same line appended with one
// os.OpenFile/Write/Close and nothing else.
func BenchmarkAppendPeer(b *testing.B) {
	p := filepath.Join(b.TempDir(), "peer.jsonl")
	line := []byte(`{"id":"0193","method":"GET","url":"https://api.mist.com/api/v1/sites/978c48e6-6ef6-11e6-8bbf-02e208b2d34f/wlans","response_body":{"text":"` + strings.Repeat(`{\"ssid\":\"TestWlan\"},`, 50) + `"}}` + "\n")
	for b.Loop() {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		f.Write(line)
		f.Close()
	}
}

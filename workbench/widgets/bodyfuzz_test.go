package widgets

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

// FuzzBodyView feeds any body and any keys: nothing may panic, and no
// control character may reach the screen.
func FuzzBodyView(f *testing.F) {
	f.Add([]byte(wlanJSON), "application/json", "jjG/wlan\rnN|.ssid\ry")
	f.Add([]byte("\x1b[31mred\x1b[0m\r\n\x00\xff\xfe"), "text/plain", "lllhhhG")
	f.Add([]byte("[1,2,3]"), "", "|.[\x7f\x7f]\r")
	f.Add([]byte("<a>\u202e\t</a>"), "application/xml", "/a\rn")
	f.Fuzz(func(t *testing.T, body []byte, ct, keys string) {
		l := newLoop()
		v := NewBodyView(l.post)
		v.Debounce = 0
		v.OnCopy = func(string) {}
		defer v.Close()
		s := tcell.NewSimulationScreen("UTF-8")
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		defer s.Fini()
		s.SetSize(30, 6)
		v.SetText(body, ct)
		for _, r := range keys {
			var ev *tcell.EventKey
			switch r {
			case '\r':
				ev = tcell.NewEventKey(tcell.KeyEnter, 0, 0)
			case '\x7f':
				ev = tcell.NewEventKey(tcell.KeyBackspace, 0, 0)
			case '\x1b':
				ev = tcell.NewEventKey(tcell.KeyEscape, 0, 0)
			default:
				ev = tcell.NewEventKey(tcell.KeyRune, r, 0)
			}
			if r == 'w' {
				continue // no files written from the fuzzer
			}
			v.InputHandler()(ev, nil)
			l.drain()
			render(s, v)
		}
		cells, _, _ := s.GetContents()
		for _, c := range cells {
			for _, r := range c.Runes {
				if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
					t.Fatalf("control rune %U on screen", r)
				}
			}
		}
	})
}

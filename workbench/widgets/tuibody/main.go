// Command tuibody shows one file in the workbench's BodyView, full screen,
// in a real terminal: a harness for trying the viewer on large or hostile
// bodies by hand or under tmux (bench/tui-journey.sh). Ctrl+Q quits.
//
//	go run ./workbench/widgets/tuibody [-type application/json] FILE
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mistbench/mistbench/workbench/widgets"
)

func main() {
	ct := flag.String("type", "application/json", "content type of the body")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tuibody [-type CONTENT-TYPE] FILE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *ct); err != nil {
		fmt.Fprintln(os.Stderr, "tuibody:", err)
		os.Exit(1)
	}
}

func run(path, contentType string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open body: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open body: %w", err)
	}
	app := tview.NewApplication().EnableMouse(true)
	v := widgets.NewBodyView(func(fn func()) { app.QueueUpdateDraw(fn) })
	defer v.Close()
	v.SetBorder(true).SetTitle(" " + widgets.Sanitize(fi.Name()) + " ")
	var copied int
	v.OnCopy = func(s string) { copied = len(s) }
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == tcell.KeyCtrlQ {
			app.Stop()
			return nil
		}
		return ev
	})
	v.SetBody(f, fi.Size(), contentType)
	if err := app.SetRoot(v, true).Run(); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if copied > 0 {
		fmt.Printf("copied %d bytes\n", copied)
	}
	return nil
}

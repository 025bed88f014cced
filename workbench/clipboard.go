package workbench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// systemClipboard copies text with OSC 52 through the terminal (tcell
// writes it; it works over SSH and in tmux with set-clipboard on) and,
// where a clipboard tool and a display exist, with that tool too, in the
// background so a stuck tool cannot freeze the screen.
func (w *Workbench) systemClipboard(text string) error {
	if w.scr != nil {
		w.scr.SetClipboard([]byte(text))
	}
	name, args := clipboardTool()
	if name == "" {
		return nil
	}
	w.background(w.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Stdin = strings.NewReader(text)
		if err := cmd.Run(); err != nil {
			return func() { w.setError(fmt.Errorf("copying with %s: %w", name, err)) }
		}
		return nil
	})
	return nil
}

// clipboardTool finds a clipboard program that can work here.
func clipboardTool() (string, []string) {
	candidates := []struct {
		name string
		args []string
		env  string // needs this environment variable set
	}{
		{"pbcopy", nil, ""},
		{"wl-copy", nil, "WAYLAND_DISPLAY"},
		{"xclip", []string{"-selection", "clipboard"}, "DISPLAY"},
		{"xsel", []string{"--clipboard", "--input"}, "DISPLAY"},
	}
	for _, c := range candidates {
		if c.env != "" && os.Getenv(c.env) == "" {
			continue
		}
		if _, err := exec.LookPath(c.name); err == nil {
			return c.name, c.args
		}
	}
	return "", nil
}

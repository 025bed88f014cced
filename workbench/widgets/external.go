package widgets

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Suspender is what the external-program helpers need from the app:
// *tview.Application has it. Suspend gives the terminal to f and takes it
// back afterwards; call it from the UI goroutine (a key handler).
type Suspender interface {
	Suspend(f func()) bool
}

// ErrNotSuspended: the app could not give up the terminal (it is not
// running, or already suspended), so the program was not run.
var ErrNotSuspended = errors.New("the terminal could not be handed over (app not running or already suspended)")

// External runs the user's editor and pager. The zero value uses the
// process environment and terminal.
type External struct {
	Getenv func(string) string // os.Getenv if nil
	Stdin  io.Reader           // os.Stdin if nil
	Stdout io.Writer           // os.Stdout if nil
	Stderr io.Writer           // os.Stderr if nil
	TmpDir string              // os.TempDir() if ""
}

func (x External) getenv(k string) string {
	if x.Getenv != nil {
		return x.Getenv(k)
	}
	return os.Getenv(k)
}

// Editor is the command that edits a file: $VISUAL, then $EDITOR, then vi.
func (x External) Editor() string {
	for _, k := range []string{"VISUAL", "EDITOR"} {
		if v := strings.TrimSpace(x.getenv(k)); v != "" {
			return v
		}
	}
	return "vi"
}

// Pager is the command that shows a file: $PAGER, then less. Plain less
// (not less -R) shows escape sequences in a body as text, not as effects.
func (x External) Pager() string {
	if v := strings.TrimSpace(x.getenv("PAGER")); v != "" {
		return v
	}
	return "less"
}

// run runs the shell command cmd with file as its argument, as git does
// with $EDITOR, so "code --wait" and editors with flags work.
func (x External) run(app Suspender, cmd, file string) error {
	c := exec.Command("/bin/sh", "-c", cmd+` "$@"`, "mistbench", file)
	c.Stdin, c.Stdout, c.Stderr = x.Stdin, x.Stdout, x.Stderr
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	var err error
	if !app.Suspend(func() { err = c.Run() }) {
		return ErrNotSuspended
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", cmd, err)
	}
	return nil
}

// temp writes text to a new temporary file named for ext (".json").
func (x External) temp(text, ext string) (string, error) {
	f, err := os.CreateTemp(x.TmpDir, "mistbench-*"+ext)
	if err != nil {
		return "", fmt.Errorf("temp file: %w", err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("temp file: %w", err)
	}
	return f.Name(), nil
}

// EditText suspends the app, runs the editor on a temporary file holding
// text (named with ext, e.g. ".json", so the editor picks its mode) and
// returns the edited text. On an error the caller keeps the old text.
func (x External) EditText(app Suspender, text, ext string) (string, error) {
	path, err := x.temp(text, ext)
	if err != nil {
		return text, err
	}
	defer os.Remove(path)
	if err := x.run(app, x.Editor(), path); err != nil {
		return text, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return text, fmt.Errorf("read edited text: %w", err)
	}
	return string(b), nil
}

// PageText suspends the app and shows text in the pager.
func (x External) PageText(app Suspender, text, ext string) error {
	path, err := x.temp(text, ext)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	return x.run(app, x.Pager(), path)
}

// PageFile suspends the app and shows the file at path (a large body kept
// on disk) in the pager.
func (x External) PageFile(app Suspender, path string) error {
	return x.run(app, x.Pager(), path)
}

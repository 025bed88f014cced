package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/collections"
)

func TestWorkbenchDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	t.Chdir(t.TempDir())

	// No argument, no collection here: the workspace, made from the starter.
	dir, err := workbenchDir(nil)
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(home, "workspace") {
		t.Fatalf("dir %q", dir)
	}
	c, err := collections.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Mist starter" || defaultEnv(c) != "Global 01" {
		t.Fatalf("workspace %q, env %q", c.Name, defaultEnv(c))
	}
	// A second time it is reused, not rewritten.
	if again, err := workbenchDir(nil); err != nil || again != dir {
		t.Fatalf("%q %v", again, err)
	}

	// A collection in the current directory wins; an argument wins over both.
	if err := os.WriteFile(collections.CollectionFile, []byte("name: Here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, _ := workbenchDir(nil); d != "." {
		t.Fatalf("cwd collection: %q", d)
	}
	if d, _ := workbenchDir([]string{"elsewhere"}); d != "elsewhere" {
		t.Fatalf("argument: %q", d)
	}
	if env := defaultEnv(&collections.Collection{}); env != "" {
		t.Fatalf("no environments: %q", env)
	}
}

func TestWorkbenchNeedsATerminal(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{t.TempDir()}, streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	if code != exitUsage || !strings.Contains(errOut.String(), "needs a terminal") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

package workbench

import (
	"strings"
	"testing"
)

// A token typed into the auth form is masked, goes to the secret store,
// and the request keeps only {{token}}; saving writes no token.
func TestAuthSecretGoesToTheStore(t *testing.T) {
	t.Parallel()
	h, _, secrets := startLab(t)
	h.openGetWLAN()
	h.press("]", "]", "]")
	h.sync()
	h.want("Uses", "mist-token from the collection")
	h.press("Enter", "Enter", "Down", "Down", "Down", "Enter")
	h.sync()
	h.want("Type", "bearer", "Token")
	h.typ("sk-very-secret")
	h.sync()
	h.want("••••••••••••••")
	h.wantNot("sk-very-secret")
	h.press("Esc")
	h.sync()
	h.want("{{token}}", "secret store")
	var stored string
	var collID string
	h.onUI(func() {
		collID = h.w.s.Coll.ID
		stored = secrets[collID+"/Local/token"]
	})
	if stored != "sk-very-secret" {
		t.Fatalf("secret store holds %q; all: %v", stored, secrets)
	}
	h.press("Ctrl+S")
	h.sync()
	h.want("saved to")
	var dir string
	h.onUI(func() { dir = h.w.s.Coll.Dir })
	if out := grepDir(t, dir, "sk-very-secret"); out != "" {
		t.Fatalf("the token reached the collection files: %s", out)
	}
	if out := grepDir(t, dir, "{{token}}"); !strings.Contains(out, "Get WLAN") && !strings.Contains(out, "get") {
		t.Fatalf("no file refers to {{token}}: %q", out)
	}
}

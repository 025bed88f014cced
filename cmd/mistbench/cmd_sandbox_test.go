package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mistbench/mistbench/internal/sandbox"
)

func TestDemoHeadlessSeedWalk(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	code, out, errs := runCmd(t, "demo")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"Mist sandbox on https://127.0.0.1:",
		"1. Auth/Who am I          200 OK",
		"2 item(s): Portland Roastery, Seattle Pike Street Cafe",
		"ssid=Bluefin-Guest",
		"5. WLANs/Rename SSID      200 OK  PUT",
		"6. WLANs/Get WLAN         200 OK  GET",
		"All 6 steps passed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if i := strings.LastIndex(out, "6. WLANs/Get WLAN"); i < 0 || !strings.Contains(out[i:], "ssid=NewName  enabled=true  vlan_id=30") {
		t.Errorf("the last GET does not show the renamed WLAN with its other fields:\n%s", out)
	}

	// The token lives in the secret store, never in the collection.
	var sf struct {
		Secrets map[string]map[string]map[string]string `json:"secrets"`
	}
	raw, err := os.ReadFile(filepath.Join(home, "secrets.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &sf); err != nil {
		t.Fatal(err)
	}
	var token string
	for _, envs := range sf.Secrets {
		token = envs["Sandbox"]["apitoken"]
	}
	if len(token) != 64 {
		t.Fatalf("stored token %q", token)
	}
	filepath.Walk(filepath.Join(home, "demo"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), token) {
				t.Errorf("the token landed in %s", p)
			}
		}
		return nil
	})

	// A second run reuses the workspace and the sandbox's saved state.
	code, out, errs = runCmd(t, "demo", "--headless")
	if code != 0 {
		t.Fatalf("second demo: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "3 item(s): NewName, Bluefin-Staff, Bluefin-POS") {
		t.Errorf("second run did not keep the rename:\n%s", out)
	}
	// --reset brings the seed back.
	code, out, errs = runCmd(t, "demo", "--reset")
	if code != 0 || !strings.Contains(out, "3 item(s): Bluefin-Guest, Bluefin-Staff, Bluefin-POS") {
		t.Errorf("demo --reset: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestDemoWhileAnotherRuns(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISTBENCH_HOME", home)
	other, err := sandbox.New(sandbox.Options{DataDir: filepath.Join(home, "demo", "sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	code, _, errs := runCmd(t, "demo")
	if code != 1 || !strings.Contains(errs, "another mistbench demo is running") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestDemoRefusesBrokenCollection(t *testing.T) {
	t.Setenv("MISTBENCH_HOME", t.TempDir())
	dir := t.TempDir()
	if code, _, errs := runCmd(t, "new", dir); code != 0 {
		t.Fatal(errs)
	}
	if err := os.WriteFile(filepath.Join(dir, "WLANs", "zz-broken.yaml"), []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, "demo", "--dir", dir)
	if code != 1 || !strings.Contains(errs, "zz-broken.yaml") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

// startSandboxCmd runs "mistbench sandbox ARGS" until the returned cancel,
// and gives the lines it prints.
func startSandboxCmd(t *testing.T, args ...string) (lines <-chan string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"sandbox"}, args...), streams{In: strings.NewReader(""), Out: pw, Err: io.Discard})
		pw.Close()
	}()
	ch := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	return ch, func() int { cancel(); return <-done }
}

func TestSandboxCommand(t *testing.T) {
	data := t.TempDir()
	lines, stop := startSandboxCmd(t, "--addr", "127.0.0.1:0", "--token", "cmd-token", "--data", data, "--quiet")
	var url, certPath string
	for l := range lines {
		if u, ok := strings.CutPrefix(l, "Mist sandbox on "); ok {
			url = strings.Fields(u)[0]
		}
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "certificate:  "); ok {
			certPath = strings.Fields(p)[0]
		}
		if strings.Contains(l, "API token:") && !strings.HasSuffix(l, "cmd-token") {
			t.Errorf("token line %q", l)
		}
		if strings.HasPrefix(l, "Press Ctrl+C") {
			break
		}
	}
	if !strings.HasPrefix(url, "https://127.0.0.1:") || certPath != filepath.Join(data, "sandbox-cert.pem") {
		t.Fatalf("url %q cert %q", url, certPath)
	}
	pem, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsRoots(pool)}}
	req, _ := http.NewRequest("GET", url+"/api/v1/self", nil)
	req.Header.Set("Authorization", "Token cmd-token")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("self: %d", resp.StatusCode)
	}
	hc.CloseIdleConnections()
	if code := stop(); code != 0 {
		t.Fatalf("exit %d after Ctrl+C", code)
	}
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	if !strings.Contains(strings.Join(rest, "\n"), "sandbox stopped") {
		t.Errorf("after stop: %q", rest)
	}
	if _, err := os.Stat(filepath.Join(data, "sandbox.json")); err != nil {
		t.Errorf("no state in --data: %v", err)
	}
}

func TestSandboxPlainHTTP(t *testing.T) {
	lines, stop := startSandboxCmd(t, "--addr", "localhost:0", "--http", "--rate-limit", "0", "--quiet")
	var url, token string
	for l := range lines {
		if u, ok := strings.CutPrefix(l, "Mist sandbox on "); ok {
			url = strings.Fields(u)[0]
		}
		if tk, ok := strings.CutPrefix(strings.TrimSpace(l), "API token:"); ok {
			token = strings.TrimSpace(tk)
		}
		if strings.Contains(l, "rate limit:") || strings.Contains(l, "certificate:") {
			t.Errorf("unexpected line %q", l)
		}
		if strings.HasPrefix(l, "Press Ctrl+C") {
			break
		}
	}
	defer stop()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || len(token) != 64 {
		t.Fatalf("url %q token %q", url, token)
	}
	req, _ := http.NewRequest("GET", url+"/api/v1/self/usage", nil)
	req.Header.Set("Authorization", "Token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("usage: %d", resp.StatusCode)
	}
}

func TestSandboxPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, errs := runCmd(t, "sandbox", "--addr", ln.Addr().String(), "--quiet")
	if code != 1 || !strings.Contains(errs, "--addr 127.0.0.1:0 picks a free port") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestSandboxUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "0.0.0.0:0"}, "not loopback"},
		{[]string{"--addr", ":8765"}, "every interface"},
		{[]string{"--addr", "192.0.2.1:80"}, "--public"},
		{[]string{"--addr", "nonsense"}, "want host:port"},
		{[]string{"--rate-limit", "-5"}, "--rate-limit -5"},
		{[]string{"extra"}, "takes 0 argument"},
		{[]string{"--addr", "127.0.0.1:0", "--cookie-suffix", "eu"}, "--cookie-suffix"},
	} {
		code, _, errs := runCmd(t, append([]string{"sandbox"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("sandbox %v: exit %d %q, want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestSandboxHelpHasExample(t *testing.T) {
	for _, c := range []string{"sandbox", "demo"} {
		code, out, _ := runCmd(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "mistbench "+c) {
			t.Errorf("%s --help: %d\n%s", c, code, out)
		}
	}
}

func tlsRoots(pool *x509.CertPool) *tls.Config { return &tls.Config{RootCAs: pool} }

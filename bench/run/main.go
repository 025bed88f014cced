// Command run is the helper of bench/run_vs_newman.sh: a local API server,
// the generator of the 500-request collection (native and Postman v2.1, the
// same requests), and a measurer that runs a command N times and reports
// the median wall time and peak RSS (getrusage of the child, as
// /usr/bin/time -v reports "Maximum resident set size").
//
//	run serve -portfile FILE            # serve on 127.0.0.1, write the port
//	run gen -n 500 -base URL -dir DIR -postman FILE
//	run measure -n 11 -label NAME -- CMD ARGS...
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mistbench/mistbench/collections"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: run serve|gen|measure ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "gen":
		err = gen(os.Args[2:])
	case "measure":
		err = measure(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

// serve answers like a small Mist: a WLAN object for GET, the body back
// for PUT/POST, and /big/N with N bytes.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	portFile := fs.String("portfile", "", "write the port here once listening")
	fs.Parse(args)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte('a' + i%26)
	}
	wlan := []byte(`{"id":"6f4bf402-45f9-4a0a-9c4c-000000000001","site_id":"978c48e6-6ef6-11e6-8bbf-02e208b2d34f","org_id":"9777c1a0-6ef6-11e6-8bbf-02e208b2d34f","ssid":"TestWlan","enabled":true,"hide_ssid":false,"auth":{"type":"psk","psk":"foryoureyesonly"},"vlan_enabled":false,"bands":["24","5","6"],"interface":"all","roam_mode":"NONE","created_time":1717000000,"modified_time":1717000000}`)
	mux := http.NewServeMux()
	mux.HandleFunc("/big/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseInt(r.PathValue("n"), 10, 64)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		for left := n; left > 0; {
			k := min(left, int64(len(big)))
			if _, err := w.Write(big[:k]); err != nil {
				return
			}
			left -= k
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Token bench-token" {
			w.WriteHeader(401)
			io.WriteString(w, `{"detail":"Authentication credentials were not provided."}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == "GET" {
			w.Write(wlan)
			return
		}
		io.Copy(w, r.Body)
	})
	if *portFile != "" {
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		if err := os.WriteFile(*portFile+".tmp", []byte(port), 0o644); err != nil {
			return err
		}
		if err := os.Rename(*portFile+".tmp", *portFile); err != nil {
			return err
		}
	}
	return http.Serve(ln, mux)
}

// gen writes the same n requests as a native collection and as Postman
// v2.1: GETs of WLANs and PUTs renaming them, every one checking status
// 200 (expect: in mistbench, a pm.test in newman).
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("n", 500, "requests")
	base := fs.String("base", "", "server URL")
	dir := fs.String("dir", "", "native collection directory")
	postman := fs.String("postman", "", "Postman v2.1 file")
	single := fs.Bool("single", false, "write the two-request collection of the send benchmarks instead")
	fs.Parse(args)
	if *single {
		return genSingle(*base, *dir)
	}
	c := &collections.Collection{
		Name: "bench", ID: "00000000-0000-4000-8000-000000000500", Dir: *dir,
		Variables: []collections.Variable{{Key: "base", Value: *base}, {Key: "apitoken", Secret: true, Env: "BENCH_APITOKEN"}},
		Auth:      collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
	}
	type pmItem = map[string]any
	var pmItems []pmItem
	folder := &collections.Folder{Name: "WLANs"}
	c.Items = []collections.Item{folder}
	for i := 0; i < *n; i++ {
		req := &collections.Request{
			Name:   fmt.Sprintf("req %03d", i),
			Method: "GET",
			URL:    fmt.Sprintf("{{base}}/api/v1/sites/978c48e6-6ef6-11e6-8bbf-02e208b2d34f/wlans/w%03d", i),
			Expect: collections.Expect{Status: []int{200}},
		}
		pmReq := map[string]any{"method": "GET", "url": req.URL}
		if i%2 == 1 {
			req.Method = "PUT"
			req.Body = collections.Body{Kind: collections.BodyJSON, Text: fmt.Sprintf(`{"ssid": "Bench %d"}`, i)}
			pmReq = map[string]any{"method": "PUT", "url": req.URL,
				"header": []any{map[string]any{"key": "Content-Type", "value": "application/json"}},
				"body":   map[string]any{"mode": "raw", "raw": req.Body.Text, "options": map[string]any{"raw": map[string]any{"language": "json"}}}}
		}
		folder.Items = append(folder.Items, req)
		pmItems = append(pmItems, pmItem{"name": req.Name, "request": pmReq, "event": []any{map[string]any{
			"listen": "test", "script": map[string]any{"type": "text/javascript", "exec": []string{`pm.test("status 200", function () { pm.response.to.have.status(200); });`}},
		}}})
	}
	if err := c.Save(collections.SaveOptions{}); err != nil {
		return err
	}
	pm := map[string]any{
		"info": map[string]any{"name": "bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
		"item": []any{map[string]any{"name": "WLANs", "item": pmItems}},
		"auth": map[string]any{"type": "apikey", "apikey": []any{
			map[string]any{"key": "key", "value": "Authorization"}, map[string]any{"key": "value", "value": "Token {{apitoken}}"},
			map[string]any{"key": "in", "value": "header"}}},
		"variable": []any{map[string]any{"key": "base", "value": *base}},
	}
	data, err := json.MarshalIndent(pm, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*postman, data, 0o644)
}

// genSingle writes a collection of two requests: a WLAN GET and a 50 MB
// body, for the send benchmarks.
func genSingle(base, dir string) error {
	c := &collections.Collection{
		Name: "single", ID: "00000000-0000-4000-8000-000000000001", Dir: dir,
		Variables: []collections.Variable{{Key: "apitoken", Secret: true, Env: "BENCH_APITOKEN"}},
		Auth:      collections.Auth{Type: collections.AuthMistToken, Token: "{{apitoken}}"},
		Items: []collections.Item{
			&collections.Request{Name: "wlan", URL: base + "/api/v1/sites/978c48e6-6ef6-11e6-8bbf-02e208b2d34f/wlans/w000"},
			&collections.Request{Name: "big", URL: base + "/big/52428800"},
		},
	}
	return c.Save(collections.SaveOptions{})
}

// measure runs a command n times (after one warm-up run) and prints
// "label median_ms min_ms peak_rss_kib" with every run's figures after.
func measure(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	n := fs.Int("n", 5, "runs")
	label := fs.String("label", "cmd", "name printed")
	fs.Parse(args)
	argv := fs.Args()
	if len(argv) == 0 {
		return fmt.Errorf("measure: no command")
	}
	var times []float64
	var rss []int64
	for i := -1; i < *n; i++ {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
		}
		if i < 0 {
			continue // warm-up: page cache, first-run JIT caches
		}
		times = append(times, float64(d.Microseconds())/1000)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = append(rss, ru.Maxrss) // KiB on Linux
		}
	}
	st := slices.Clone(times)
	slices.Sort(st)
	sr := slices.Clone(rss)
	slices.Sort(sr)
	fmt.Printf("%s %.2f %.2f %d\n", *label, st[len(st)/2], st[0], sr[len(sr)/2])
	return nil
}

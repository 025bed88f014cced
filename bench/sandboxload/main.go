// Command sandboxload is the sandbox's load test: N concurrent clients
// (default 20) for a fixed time (default 10 s) on loopback, each looping
// create WLAN, get it, rename it (PUT), list a page. It reports requests
// per second and latency percentiles, fails on any error, and checks no
// write was lost: the site's WLAN count must equal the seeded ones plus
// the creates that succeeded.
//
// As a peer measured in the same run it first drives a trivial handler
// (a fixed JSON answer) through the same server set-up (TLS, listener,
// client), so the ratio shows what the sandbox's own work costs.
//
//	go run ./bench/sandboxload                  # HTTPS, 20 clients, 10 s
//	go run ./bench/sandboxload -http -data /tmp/sb -runs 3
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mistbench/mistbench/internal/sandbox"
)

func main() {
	clients := flag.Int("clients", 20, "concurrent clients")
	dur := flag.Duration("duration", 10*time.Second, "how long each phase runs")
	runs := flag.Int("runs", 1, "runs of each phase; medians are reported")
	plain := flag.Bool("http", false, "plain HTTP instead of HTTPS")
	data := flag.String("data", "", "sandbox data directory (default: state in memory)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sandboxload:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*clients, *dur, *runs, *plain, *data); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "sandboxload:", err)
		os.Exit(1)
	}
}

type result struct {
	requests  int
	errors    int
	creates   int
	elapsed   time.Duration
	latencies []time.Duration
	firstErr  error
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func pct(l []time.Duration, p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(float64(len(l))*p))]
}

func run(clients int, dur time.Duration, runs int, plain bool, data string) error {
	fmt.Printf("sandboxload: %d clients, %s per phase, %d run(s), %s, state %s\n",
		clients, dur, runs, map[bool]string{true: "HTTP", false: "HTTPS"}[plain], map[bool]string{true: "in memory", false: "in " + data}[data == ""])
	var peerRPS, sbRPS []float64
	var peerP99, sbP99, sbP50, peerP50 []time.Duration
	for i := 0; i < runs; i++ {
		peer, err := phase(clients, dur, plain, "", true)
		if err != nil {
			return err
		}
		sb, err := phase(clients, dur, plain, data, false)
		if err != nil {
			return err
		}
		report("peer (static JSON)", peer)
		report("sandbox", sb)
		if sb.errors > 0 || peer.errors > 0 {
			return fmt.Errorf("%d sandbox and %d peer errors; first: %v", sb.errors, peer.errors, errors.Join(sb.firstErr, peer.firstErr))
		}
		peerRPS, sbRPS = append(peerRPS, peer.rps()), append(sbRPS, sb.rps())
		peerP50, sbP50 = append(peerP50, pct(peer.latencies, .50)), append(sbP50, pct(sb.latencies, .50))
		peerP99, sbP99 = append(peerP99, pct(peer.latencies, .99)), append(sbP99, pct(sb.latencies, .99))
	}
	mr, mp := median(sbRPS), median(peerRPS)
	fmt.Printf("median of %d run(s): sandbox %.0f req/s (p50 %s, p99 %s); peer %.0f req/s (p50 %s, p99 %s); sandbox/peer throughput %.2f, p99 ratio %.2f\n",
		runs, mr, median(sbP50), median(sbP99), mp, median(peerP50), median(peerP99), mr/mp, float64(median(sbP99))/float64(median(peerP99)))
	return nil
}

func median[T int | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func report(name string, r result) {
	fmt.Printf("  %-20s %7d requests in %s: %8.0f req/s, p50 %s, p90 %s, p99 %s, max %s, errors %d",
		name, r.requests, r.elapsed.Round(time.Millisecond), r.rps(), pct(r.latencies, .5), pct(r.latencies, .9), pct(r.latencies, .99), pct(r.latencies, 1), r.errors)
	if r.creates > 0 {
		fmt.Printf(", WLANs created %d (count checked)", r.creates)
	}
	fmt.Println()
}

// phase starts a server (the sandbox, or the static peer), drives it with
// the clients, and for the sandbox checks the WLAN count.
func phase(clients int, dur time.Duration, plain bool, data string, peer bool) (result, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rn, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", PlainHTTP: plain, Options: sandbox.Options{RateLimit: -1, DataDir: data}})
	if err != nil {
		return result{}, err
	}
	defer func() { cancel(); rn.Wait() }()
	base, token := rn.URL, rn.Token()
	if peer {
		// Same TLS set-up, trivial handler: the baseline of the stack.
		srv, url, err := startPeer(rn)
		if err != nil {
			return result{}, err
		}
		defer srv.Close()
		base = url
	}
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, ForceAttemptHTTP2: false}
	if rn.Cert != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: rn.Cert.Pool}
	}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	// Count the WLANs of the second site before, so the check also holds
	// with a reused --data directory.
	before := 0
	if !peer {
		if before, err = countWLANs(hc, base, token); err != nil {
			return result{}, err
		}
	}

	var (
		mu       sync.Mutex
		res      result
		requests atomic.Int64
	)
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var lat []time.Duration
			errs, creates := 0, 0
			var first error
			do := func(method, path, body string) (map[string]any, bool) {
				t0 := time.Now()
				v, err := call(hc, method, base+path, token, body)
				lat = append(lat, time.Since(t0))
				requests.Add(1)
				if err != nil {
					errs++
					if first == nil {
						first = fmt.Errorf("%s %s: %w", method, path, err)
					}
					return nil, false
				}
				return v, true
			}
			site := "/api/v1/sites/" + sandbox.SeedSite2ID + "/wlans"
			for i := 0; time.Now().Before(deadline); i++ {
				if peer {
					do("GET", "/static", "")
					continue
				}
				w, ok := do("POST", site, fmt.Sprintf(`{"ssid":"load-%d-%d","vlan_id":%d}`, c, i, 100+i%3000))
				if !ok {
					continue
				}
				creates++
				id, _ := w["id"].(string)
				do("GET", site+"/"+id, "")
				do("PUT", site+"/"+id, fmt.Sprintf(`{"ssid":"renamed-%d-%d"}`, c, i))
				do("GET", site+"?limit=5", "")
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			res.creates += creates
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests = int(requests.Load())
	slices.Sort(res.latencies)
	if !peer {
		after, err := countWLANs(hc, base, token)
		if err != nil {
			return res, err
		}
		if after != before+res.creates {
			return res, fmt.Errorf("lost writes: %d WLANs, want %d before + %d created", after, before, res.creates)
		}
	}
	return res, nil
}

func countWLANs(hc *http.Client, base, token string) (int, error) {
	req, _ := http.NewRequest("GET", base+"/api/v1/sites/"+sandbox.SeedSite2ID+"/wlans?limit=1", nil)
	req.Header.Set("Authorization", "Token "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("counting WLANs: %s", resp.Status)
	}
	return strconv.Atoi(resp.Header.Get("X-Page-Total"))
}

func call(hc *http.Client, method, url, token, body string) (map[string]any, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Token "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %s", resp.Status, b)
	}
	var m map[string]any
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// startPeer serves a fixed JSON answer with the sandbox's TLS set-up.
func startPeer(rn *sandbox.Running) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	payload := []byte(`{"id":"` + sandbox.SeedWLANID + `","ssid":"Bluefin-Guest","enabled":true,"vlan_id":30}` + "\n")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(payload)
	}), ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if rn.Cert != nil {
		scheme = "https"
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{rn.Cert.TLS}, MinVersion: tls.VersionTLS12})
	}
	go srv.Serve(ln)
	return srv, scheme + "://" + ln.Addr().String(), nil
}

#!/usr/bin/env bash
# Benchmarks of the headless commands against their peers, measured in the
# same run against the same local server on 127.0.0.1:
#   1. a 500-request collection: mistbench run vs newman run
#   2. one request: mistbench send vs curl (whole-process time)
#   3. a 50 MB body saved to a file: mistbench send -o vs curl -o
# It prints medians, ratios and peak RSS (getrusage of each child, the
# figure /usr/bin/time -v calls "Maximum resident set size").
#
#   bash bench/run_vs_newman.sh            # RUNS=5 SEND_RUNS=31 BIG_RUNS=11
#
# newman comes from npm into .tools/ (gitignored) when it is not there.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
SEND_RUNS=${SEND_RUNS:-31}
BIG_RUNS=${BIG_RUNS:-11}
N=${N:-500}

tmp=$(mktemp -d)
server_pid=""
cleanup() {
	if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

newman=.tools/node_modules/.bin/newman
if [[ ! -x $newman ]]; then
	echo "installing newman into .tools/ ..." >&2
	npm install --prefix .tools --no-audit --no-fund newman@6 >&2
fi
command -v curl >/dev/null || { echo "curl is needed (apt-get install curl)" >&2; exit 1; }

go build -o "$tmp/mistbench" ./cmd/mistbench
go build -o "$tmp/benchrun" ./bench/run

"$tmp/benchrun" serve -portfile "$tmp/port" &
server_pid=$!
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.05; done
[[ -s $tmp/port ]] || { echo "the server did not start" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$tmp/port")"

"$tmp/benchrun" gen -n "$N" -base "$base" -dir "$tmp/coll" -postman "$tmp/coll.postman.json"
export MISTBENCH_HOME=$tmp/home BENCH_APITOKEN=bench-token

# Both must pass every request before they are timed.
"$tmp/mistbench" run "$tmp/coll" -q >/dev/null
$newman run "$tmp/coll.postman.json" --env-var apitoken=bench-token --bail >/dev/null

# One request: a collection of two (the WLAN GET, and the 50 MB body).
"$tmp/benchrun" gen -single -base "$base" -dir "$tmp/single"
"$tmp/mistbench" send "$tmp/single" wlan >/dev/null

m() { "$tmp/benchrun" measure "$@"; }
{
	m -n "$RUNS" -label "mistbench-run" -- "$tmp/mistbench" run "$tmp/coll"
	m -n "$RUNS" -label "newman-run" -- "$newman" run "$tmp/coll.postman.json" --env-var apitoken=bench-token
	m -n "$SEND_RUNS" -label "mistbench-send" -- "$tmp/mistbench" send "$tmp/single" wlan
	m -n "$SEND_RUNS" -label "curl" -- curl -sS -H "Authorization: Token bench-token" "$base/api/v1/sites/978c48e6-6ef6-11e6-8bbf-02e208b2d34f/wlans/w000"
	m -n "$SEND_RUNS" -label "mistbench-help" -- "$tmp/mistbench" --help
	m -n "$BIG_RUNS" -label "mistbench-send-o-50MB" -- "$tmp/mistbench" send "$tmp/single" big -o "$tmp/out.mb"
	m -n "$BIG_RUNS" -label "curl-o-50MB" -- curl -sS -o "$tmp/out.curl" "$base/big/52428800"
} | tee "$tmp/results"
cmp "$tmp/out.mb" "$tmp/out.curl"

echo
echo "one run of each under /usr/bin/time -v (peak RSS, KiB):"
if [[ -x /usr/bin/time ]]; then
	/usr/bin/time -v "$tmp/mistbench" run "$tmp/coll" 2>&1 >/dev/null | grep -E "Maximum resident" | sed 's/^/  mistbench run: /'
	/usr/bin/time -v "$newman" run "$tmp/coll.postman.json" --env-var apitoken=bench-token 2>&1 >/dev/null | grep -E "Maximum resident" | sed 's/^/  newman run:    /'
fi

echo
awk '
	{ med[$1] = $2; rss[$1] = $4 }
	END {
		printf "%-24s %12s %12s\n", "", "median ms", "peak RSS MiB"
		for (k in med) printf "%-24s %12.1f %12.1f\n", k, med[k], rss[k] / 1024
		print ""
		printf "run:  newman / mistbench time   = %.1fx (goal >= 25x)\n", med["newman-run"] / med["mistbench-run"]
		printf "run:  mistbench / newman memory = %.3f (goal < 0.2)\n", rss["mistbench-run"] / rss["newman-run"]
		printf "send: mistbench / curl time     = %.2fx (goal <= 1.5x); start-up alone (--help) %.1f ms\n", med["mistbench-send"] / med["curl"], med["mistbench-help"]
		printf "-o:   mistbench / curl time     = %.2fx (goal <= 1.5x)\n", med["mistbench-send-o-50MB"] / med["curl-o-50MB"]
	}' "$tmp/results"

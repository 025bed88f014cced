#!/usr/bin/env bash
# Code generation speed: mistbench against postman-code-generators (npm),
# both writing curl, Python (requests) and Go snippets for the same
# 500-request collection (the Mist starter's 20 requests, 25 times):
#   1. one process writing all 1,500 snippets (whole-process wall time,
#      loading the collection included);
#   2. separate runs: 500 `mistbench code` runs, one request each (the
#      languages in turn), against one node process per snippet.
# Prints medians and ratios, then the in-process Go benchmark.
#
#   bash bench/codegen.sh        # RUNS=7 PEER_RUNS=21 N=500
#
# postman-code-generators comes from npm into .tools/codegen-peer (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
PEER_RUNS=${PEER_RUNS:-21}
N=${N:-500}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

peer=.tools/codegen-peer
if [[ ! -d $peer/node_modules/postman-code-generators ]]; then
	echo "installing postman-code-generators into $peer" >&2
	mkdir -p "$peer"
	npm install --prefix "$peer" --no-audit --no-fund --loglevel=error \
		postman-code-generators@2.1.1 postman-collection@5 >/dev/null
fi

go build -o "$tmp/mistbench" ./cmd/mistbench
go build -o "$tmp/codegen_gen" ./bench/codegen_gen
export MISTBENCH_HOME="$tmp/home"
"$tmp/codegen_gen" -dir "$tmp/coll" -postman "$tmp/coll.postman.json" -paths "$tmp/paths.txt" -sets $((N / 20))
mapfile -t paths <"$tmp/paths.txt"
echo "collection: ${#paths[@]} requests"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f ms", us/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a/b}'; }

echo
echo "== 1. one process, $((${#paths[@]} * 3)) snippets (median of $RUNS runs, wall time)"
mine=() theirs=()
for ((i = 0; i < RUNS; i++)); do
	t0=$(now); "$tmp/codegen_gen" -generate -dir "$tmp/coll" >"$tmp/mine.txt"; t1=$(now)
	mine+=($(((t1 - t0) / 1000)))
	t0=$(now); node bench/codegen_peer.js all "$tmp/coll.postman.json" >"$tmp/theirs.txt"; t1=$(now)
	theirs+=($(((t1 - t0) / 1000)))
done
m1=$(printf '%s\n' "${mine[@]}" | median)
p1=$(printf '%s\n' "${theirs[@]}" | median)
echo "mistbench (codegen_gen -generate): $(ms "$m1")   [$(cat "$tmp/mine.txt")]"
echo "postman-code-generators (node):    $(ms "$p1")   [$(cat "$tmp/theirs.txt")]"
echo "ratio: mistbench is $(ratio "$p1" "$m1") faster"

echo
echo "== 2. separate runs: ${#paths[@]} x mistbench code, $PEER_RUNS x node (one snippet each)"
langs=(curl python go)
runs=()
t0all=$(now)
for i in "${!paths[@]}"; do
	t0=$(now)
	"$tmp/mistbench" code -l "${langs[i % 3]}" "$tmp/coll" "${paths[i]}" -e "Global 01" >/dev/null
	t1=$(now)
	runs+=($(((t1 - t0) / 1000)))
done
t1all=$(now)
peers=()
for ((i = 0; i < PEER_RUNS; i++)); do
	t0=$(now); node bench/codegen_peer.js one "$tmp/coll.postman.json" $((i % ${#paths[@]})) >/dev/null; t1=$(now)
	peers+=($(((t1 - t0) / 1000)))
done
m2=$(printf '%s\n' "${runs[@]}" | median)
p2=$(printf '%s\n' "${peers[@]}" | median)
echo "mistbench code, median per run:          $(ms "$m2")   (all ${#paths[@]} runs: $(ms $(((t1all - t0all) / 1000))))"
echo "postman-code-generators, median per run: $(ms "$p2")   (x${#paths[@]}: $(ms $((p2 * ${#paths[@]}))))"
echo "ratio: mistbench is $(ratio "$p2" "$m2") faster"

echo
echo "== 3. in-process generation (Go benchmark, 500 requests x 3 targets per op)"
go test ./codegen -run '^$' -bench 'Generate500/all|GenerateOne' -count 5 | grep -E '^Benchmark' |
	awk '{v[$1]=v[$1] " " $3} END {for (n in v) print n, v[n]}' | sort | while read -r name vals; do
	echo "$name median $(printf '%s\n' $vals | median) ns/op (runs:$vals)"
done
echo "(Generate500/all: one op = 1,500 snippets)"

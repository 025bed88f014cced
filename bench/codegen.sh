#!/usr/bin/env bash
# Code generation speed: mistbench against postman-code-generators (npm),
# both writing curl, Python (requests) and Go snippets for the same
# 500-request collection (the Mist starter's 20 requests, 25 times):
#   1. one process writing all 1,500 snippets: `mistbench code -l all --all`
#      (whole-process wall time, loading the collection and writing every
#      snippet to a file included), on the collection directory and on its
#      Postman v2.1 export, against one node process converting the export;
#   2. separate runs: 500 `mistbench code` runs, one request each (the
#      languages in turn), against one node process per snippet.
# Prints medians and ratios, then the in-process Go benchmarks.
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
# As a collection on disk is when code is asked of it: written more than a
# moment ago (the parse cache distrusts files changed in the 2 s before it
# is written) and opened before, so its parse cache exists. Every process,
# node's too, runs once untimed, so all start with the files in memory.
find "$tmp/coll" -exec touch -d '1 minute ago' {} +

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f ms", us/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a/b}'; }

echo
pm="$tmp/coll.postman.json"
echo "== 1. one process, $((${#paths[@]} * 3)) snippets (median of $RUNS runs, wall time)"
mine_dir() { "$tmp/mistbench" code -l all --all "$tmp/coll" -e "Global 01" >"$tmp/mine.txt" 2>/dev/null; }
mine_pm() { "$tmp/mistbench" code -l all --all "$pm" -e "Global 01" >"$tmp/mine_pm.txt" 2>/dev/null; }
theirs() { node bench/codegen_peer.js all "$pm" >"$tmp/theirs.txt"; }
mine_dir; mine_pm; theirs
mine=() mine_pm=() theirs=()
for ((i = 0; i < RUNS; i++)); do
	t0=$(now); mine_dir; t1=$(now)
	mine+=($(((t1 - t0) / 1000)))
	t0=$(now); mine_pm; t1=$(now)
	mine_pm+=($(((t1 - t0) / 1000)))
	t0=$(now); theirs; t1=$(now)
	theirs+=($(((t1 - t0) / 1000)))
done
m1=$(printf '%s\n' "${mine[@]}" | median)
m1pm=$(printf '%s\n' "${mine_pm[@]}" | median)
p1=$(printf '%s\n' "${theirs[@]}" | median)
snippets() { echo "$(grep -c '^==> ' "$1") snippets, $(grep -v '^==> ' "$1" | wc -c) bytes"; }
echo "mistbench code, native collection directory: $(ms "$m1")   [$(snippets "$tmp/mine.txt")]"
echo "mistbench code, the same Postman file:       $(ms "$m1pm")   [$(snippets "$tmp/mine_pm.txt")]"
echo "postman-code-generators (node):              $(ms "$p1")   [$(cat "$tmp/theirs.txt")]"
cmp -s "$tmp/mine.txt" "$tmp/mine_pm.txt" || echo "WARNING: the directory and the Postman file gave different snippets"
echo "ratio: mistbench is $(ratio "$p1" "$m1") faster (directory), $(ratio "$p1" "$m1pm") (Postman file)"

echo
echo "== 2. separate runs: ${#paths[@]} x mistbench code per input, $PEER_RUNS x node (one snippet each)"
langs=(curl python go)
declare -A med total
for input in dir postman; do
	runs=()
	t0all=$(now)
	for i in "${!paths[@]}"; do
		if [[ $input == dir ]]; then set -- "$tmp/coll" "${paths[i]}" -e "Global 01"; else set -- "$pm" "${paths[i]}" --var host=api.mist.com; fi
		t0=$(now)
		"$tmp/mistbench" code -l "${langs[i % 3]}" "$@" >/dev/null 2>&1
		t1=$(now)
		runs+=($(((t1 - t0) / 1000)))
	done
	t1all=$(now)
	med[$input]=$(printf '%s\n' "${runs[@]}" | median)
	total[$input]=$(((t1all - t0all) / 1000))
done
peers=()
for ((i = 0; i < PEER_RUNS; i++)); do
	t0=$(now); node bench/codegen_peer.js one "$pm" $((i % ${#paths[@]})) >/dev/null; t1=$(now)
	peers+=($(((t1 - t0) / 1000)))
done
p2=$(printf '%s\n' "${peers[@]}" | median)
# What any mistbench command costs before it does anything: process start
# and package initialisation.
helps=()
for ((i = 0; i < PEER_RUNS; i++)); do
	t0=$(now); "$tmp/mistbench" --help >/dev/null; t1=$(now)
	helps+=($(((t1 - t0) / 1000)))
done
h2=$(printf '%s\n' "${helps[@]}" | median)
echo "mistbench code on the directory, median per run:   $(ms "${med[dir]}")   (all ${#paths[@]} runs: $(ms "${total[dir]}"))"
echo "mistbench code on the Postman file, median per run: $(ms "${med[postman]}")   (all ${#paths[@]} runs: $(ms "${total[postman]}"))"
echo "postman-code-generators, median per run:           $(ms "$p2")   (x${#paths[@]}: $(ms $((p2 * ${#paths[@]}))))"
echo "ratio: mistbench is $(ratio "$p2" "${med[dir]}") faster (directory), $(ratio "$p2" "${med[postman]}") (Postman file)"
echo "(mistbench --help, median per run: $(ms "$h2"): process start and package init, before loading anything)"

echo
echo "== 3. in-process generation (Go benchmark, 500 requests x 3 targets per op)"
go test ./codegen -run '^$' -bench 'Generate500/all|GenerateOne' -count 5 | grep -E '^Benchmark' |
	awk '{v[$1]=v[$1] " " $3} END {for (n in v) print n, v[n]}' | sort | while read -r name vals; do
	echo "$name median $(printf '%s\n' $vals | median) ns/op (runs:$vals)"
done
echo "(Generate500/all: one op = 1,500 snippets)"
go test ./cmd/mistbench -run '^$' -bench 'CodeAll' -count 5 | grep -E '^Benchmark' |
	awk '{v[$1]=v[$1] " " $3} END {for (n in v) print n, v[n]}' | sort | while read -r name vals; do
	echo "$name median $(printf '%s\n' $vals | median) ns/op (runs:$vals)"
done
echo "(CodeAll: mistbench code -l all --all in-process, load to last byte written, 1,500 snippets)"

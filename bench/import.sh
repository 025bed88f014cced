#!/usr/bin/env bash
# OpenAPI import speed and memory: `mistbench import openapi` against
# openapi-to-postmanv2 (npm, the converter Postman itself uses) on the same
# file, the Mist description (3 MB of YAML, 1,011 operations).
#   1. mistbench --dry-run: read and convert (what the peer does, minus
#      writing); 2. mistbench writing the collection directory (1,011 files);
#   3. openapi2postmanv2 -s SPEC -o out.json; then 1 and 3 again on the
#   same description converted to JSON.
# Each is run RUNS times; wall time and peak RSS come from /usr/bin/time -v.
# Prints medians and ratios against the peer, then the in-process Go benchmark.
#
#   bash bench/import.sh              # RUNS=5, SPEC=../shared/mist/mist.openapi.yaml
#
# openapi-to-postmanv2 comes from npm into .tools/import-peer (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
SPEC=${SPEC:-../shared/mist/mist.openapi.yaml}
[[ -f $SPEC ]] || { echo "no $SPEC" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

peer=.tools/import-peer
if [[ ! -x $peer/node_modules/.bin/openapi2postmanv2 ]]; then
	echo "installing openapi-to-postmanv2 into $peer" >&2
	mkdir -p "$peer"
	npm install --prefix "$peer" --no-audit --no-fund --loglevel=error openapi-to-postmanv2@6 >/dev/null
fi

go build -o "$tmp/mistbench" ./cmd/mistbench
export MISTBENCH_HOME="$tmp/home"

# measure NAME CMD...: appends "wall-seconds kib cpu-seconds" of one run
# to $tmp/NAME. CPU time (user+sys) is reported too: on a shared, busy
# machine it varies less than wall time.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/time.out" "$@" >/dev/null 2>"$tmp/err.out" || {
		cat "$tmp/err.out" >&2
		exit 1
	}
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$tmp/time.out" >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The same description as JSON, the form many APIs publish theirs in.
node -e "const y=require('$PWD/$peer/node_modules/js-yaml');const fs=require('fs');fs.writeFileSync('$tmp/spec.json',JSON.stringify(y.load(fs.readFileSync('$SPEC','utf8')),null,2))"

for i in $(seq "$RUNS"); do
	# Interleaved, so a busy moment of the machine hits all alike.
	measure dry "$tmp/mistbench" import openapi "$SPEC" --dry-run
	rm -rf "$tmp/out"
	measure full "$tmp/mistbench" import openapi "$SPEC" -o "$tmp/out"
	measure peer node "$peer/node_modules/.bin/openapi2postmanv2" -s "$SPEC" -o "$tmp/peer.json"
	measure dryjson "$tmp/mistbench" import openapi "$tmp/spec.json" --dry-run
	measure peerjson node "$peer/node_modules/.bin/openapi2postmanv2" -s "$tmp/spec.json" -o "$tmp/peer2.json"
done

n=$("$tmp/mistbench" ls "$tmp/out" | wc -l)
echo "spec: $SPEC; mistbench imported $n requests; peer wrote $(node -e "let n=0;const w=i=>i.forEach(x=>x.item?w(x.item):n++);w(require('$tmp/peer.json').item);console.log(n)") requests"
ps=$(cut -d' ' -f1 "$tmp/peer" | median)
pm=$(cut -d' ' -f2 "$tmp/peer" | median)
pc=$(cut -d' ' -f3 "$tmp/peer" | median)
printf '%-40s %8s %8s %10s %8s %8s %9s\n' "median of $RUNS runs" "wall s" "cpu s" "peak MiB" "wall x" "cpu x" "memory x"
for name in dry full peer; do
	s=$(cut -d' ' -f1 "$tmp/$name" | median)
	m=$(cut -d' ' -f2 "$tmp/$name" | median)
	c=$(cut -d' ' -f3 "$tmp/$name" | median)
	label=$name
	case $name in
	dry) label="mistbench import openapi --dry-run" ;;
	full) label="mistbench import openapi -o DIR" ;;
	peer) label="openapi2postmanv2 -s SPEC -o FILE" ;;
	esac
	awk -v l="$label" -v s="$s" -v m="$m" -v c="$c" -v ps="$ps" -v pm="$pm" -v pc="$pc" 'BEGIN {
		printf "%-40s %8.2f %8.2f %10.1f %7.1fx %7.1fx %8.1fx\n", l, s, c, m/1024, ps/s, pc/c, pm/m }'
done
echo "(x: how many times faster / less memory than openapi2postmanv2)"
pjs=$(cut -d' ' -f1 "$tmp/peerjson" | median)
pjm=$(cut -d' ' -f2 "$tmp/peerjson" | median)
pjc=$(cut -d' ' -f3 "$tmp/peerjson" | median)
for name in dryjson peerjson; do
	s=$(cut -d' ' -f1 "$tmp/$name" | median)
	m=$(cut -d' ' -f2 "$tmp/$name" | median)
	c=$(cut -d' ' -f3 "$tmp/$name" | median)
	label="mistbench import openapi --dry-run, JSON"
	[[ $name == peerjson ]] && label="openapi2postmanv2, the same JSON"
	awk -v l="$label" -v s="$s" -v m="$m" -v c="$c" -v ps="$pjs" -v pm="$pjm" -v pc="$pjc" 'BEGIN {
		printf "%-40s %8.2f %8.2f %10.1f %7.1fx %7.1fx %8.1fx\n", l, s, c, m/1024, ps/s, pc/c, pm/m }'
done

# The peer's output is a generated Postman collection of the whole Mist
# API, the shape Juniper publishes: import it too (read + convert only).
ls -l "$tmp/peer.json" | awk '{printf "Postman collection written by the peer: %.1f MB\n", $5/1048576}'
for i in $(seq "$RUNS"); do
	measure pmdry "$tmp/mistbench" import postman "$tmp/peer.json" --dry-run
done
s=$(cut -d' ' -f1 "$tmp/pmdry" | median)
m=$(cut -d' ' -f2 "$tmp/pmdry" | median)
c=$(cut -d' ' -f3 "$tmp/pmdry" | median)
awk -v s="$s" -v m="$m" -v c="$c" 'BEGIN { printf "%-40s %8.2f %8.2f %10.1f\n", "mistbench import postman --dry-run", s, c, m/1024 }'

echo "in-process Go benchmark (parse + convert):"
go test -run '^$' -bench MistImport -benchtime "${RUNS}x" -benchmem ./collections/openapi/ | grep Benchmark
go test -run '^$' -bench 'Read20k|Export20k' -benchtime "${RUNS}x" -benchmem ./collections/postman/ | grep Benchmark

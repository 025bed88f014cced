#!/bin/sh
# Benchmarks of the workbench widgets: a 50 MB JSON body (opened to the first
# frame, fully indexed with its peak heap, scrolled, searched) and the fuzzy
# palette over 1,000 items per keystroke. Bodies are generated in a temp dir.
# Usage: bench/tui.sh [go test flags, e.g. -benchtime 10x]
set -eu
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench 'BodyView|Fuzzy' -benchmem "$@" ./workbench/widgets/

#!/bin/sh
# Benchmarks of the workbench itself: time to the first frame on a
# 1,000-request collection (goal: under 50 ms), keypress to frame in its
# tree, and rendering (pretty-print + highlight) a JSON body at the colour
# threshold and above it.
# Usage: bench/workbench.sh [go test flags, e.g. -count 5]
set -eu
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench 'FirstFrame|KeypressToFrame|RenderBody' -benchmem "$@" ./workbench/

#!/bin/sh
# A real-terminal journey through the BodyView under tmux: a 50 MB minified
# JSON body opens at once, is pretty-printed in the background, jumps to the
# end, is searched and is filtered with jq; then a hostile body whose escape
# sequences must show as text and leave the terminal title alone.
# Usage: bench/tui-journey.sh   (needs tmux and python3; prints the screens)
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
sock="$dir/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/tuibody" ./workbench/widgets/tuibody

python3 - "$dir/big.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("[")
    n, size = 0, 0
    while size < 50 << 20:
        s = '{"id":"%08d-45f9","ssid":"wlan-%d","enabled":true,"vlan_id":%d},' % (n, n, n % 4094)
        f.write(s); size += len(s); n += 1
    f.write('{"id":"last","ssid":"needle-at-the-end"}]')
PY
printf 'title \033]0;pwned\007 clear \033[2J bell \007 csi \302\233 end\n' > "$dir/evil.txt"

t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -p -t j; }
# wait_for TEXT: poll the screen until TEXT shows (60 s at most).
wait_for() {
	i=0
	until screen | grep -qF -- "$1"; do
		i=$((i + 1))
		if [ "$i" -gt 600 ]; then
			echo "FAIL: timed out waiting for: $1"; screen; exit 1
		fi
		sleep 0.1
	done
}
step() { echo "== $1"; }

step "open a 50 MB minified body"
start=$(date +%s%N)
t new-session -d -s j -x 100 -y 30 "$dir/tuibody $dir/big.json"
wait_for "line 1/"
echo "first screen after $(( ($(date +%s%N) - start) / 1000000 )) ms (includes tmux start)"
wait_for "(large, formatted)"
echo "pretty-printed after $(( ($(date +%s%N) - start) / 1000000 )) ms"
screen | head -8

step "G jumps to the end"
t send-keys -t j G
wait_for '"ssid": "needle-at-the-end"'

step "search"
t send-keys -t j g / wlan-7 Enter
wait_for "/wlan-7 1/"
screen | tail -2

step "jq filter, streaming over the array"
start=$(date +%s%N)
t send-keys -t j '|' '.[] | select(.ssid == "wlan-7") | .id'
t send-keys -t j Enter
wait_for 'jq result 16 B  line 1/1'
echo "jq result after $(( ($(date +%s%N) - start) / 1000000 )) ms"
screen | head -3
screen | grep -qF 'jq: .[] | select' || { echo "FAIL: filter not on the status line"; exit 1; }

t send-keys -t j C-q
step "hostile body"
t new-session -d -s j2 -x 100 -y 10 "$dir/tuibody -type text/plain $dir/evil.txt"
t rename-window -t j2 safe
wait_for "title"
t capture-pane -p -t j2 | head -2
title=$(t display-message -p -t j2 '#{pane_title}')
case "$title" in *pwned*) echo "FAIL: the body set the terminal title"; exit 1 ;; esac
t capture-pane -p -t j2 | grep -qF '␛]0;pwned␇' || { echo "FAIL: escape not shown as text"; exit 1; }
t send-keys -t j2 C-q
echo "PASS"

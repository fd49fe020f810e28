#!/usr/bin/env bash
# keyless_flood.sh - what clients without a key cost a legitimate one (not a test): the latency of
# POST /v1/track with a write key in its header, alone and while FLOODERS clients post keyless
# PostHog batches as fast as they can (curl in loops). The keyless
# body is SIZE bytes of JSON events (default 3.5 MB), sent plain or gzip-compressed.
# Usage: bench/keyless_flood.sh [FLOODERS] [SAMPLES] [plain|gzip] [-- SERVE OPTIONS...]
# (BUILD_DIR=build by default; LANDFALL=path/to/landfall overrides the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
flooders=${1:-8}
samples=${2:-40}
mode=${3:-gzip}
shift $(($# < 3 ? $# : 3))
[ "${1:-}" = -- ] && shift
dir=${BUILD_DIR:-build}
lf=${LANDFALL:-$dir/src/cli/landfall}
[ -x "$lf" ] || scripts/build
size=${SIZE:-3500000}
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-flood.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

export LANDFALL_DB="$work/server.db"
key=$("$lf" keys create --scope write 2>/dev/null)
mkfifo "$work/ready"
"$lf" serve --listen 127.0.0.1:0 --access-log off --rate-limit 0 --no-snapshot "$@" \
    >"$work/ready" 2>"$work/serve.err" &
pid=$!
read -r line <"$work/ready"
url=${line#landfall: serving }

# a keyless PostHog batch: events with distinct ids and properties, so that it compresses as
# real batches do (about 10:1), not as a run of one byte
awk -v size="$size" 'BEGIN {
    srand(7); printf "{\"batch\": ["; n = 0
    while (n < size) {
        s = sprintf("%s{\"event\": \"page %d\", \"distinct_id\": \"user-%d\", \"properties\": {\"path\": \"/p/%d/%d\", \"ms\": %d}}",
                    n ? ", " : "", int(rand() * 50), int(rand() * 100000), int(rand() * 1e6), int(rand() * 1e6), int(rand() * 1e5))
        printf "%s", s; n += length(s)
    }
    printf "]}"
}' >"$work/flood.json"
headers=(-H 'Content-Type: application/json')
body="$work/flood.json"
if [ "$mode" = gzip ]; then
    gzip -c "$work/flood.json" >"$work/flood.json.gz"
    body="$work/flood.json.gz"
    headers+=(-H 'Content-Encoding: gzip')
fi

# latency SAMPLES: the legitimate request, one after another; prints the median and the 90th
# percentile in milliseconds
latency() {
    for i in $(seq "$samples"); do
        curl -s -o /dev/null -w '%{time_total}\n' -u "$key:" -H 'Content-Type: application/json' \
            -d "{\"userId\": \"u\", \"event\": \"e\", \"messageId\": \"$1-$i\"}" "$url/v1/track"
    done | sort -n | awk '{ v[NR] = $1 * 1000 } END {
        printf "median %.1f ms, p90 %.1f ms (n=%d)", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], NR }'
}

# cpu: the server's CPU seconds so far (user + system)
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
# refused: keyless requests the server has answered so far (401 and 429)
refused() {
    curl -s "$url/metrics" | awk -F' ' '/^landfall_http_requests_total.*status="(401|429)"/ { n += $2 }
        END { print n + 0 }'
}

echo "idle:      $(latency idle)"
# the flood: FLOODERS loops, each posting the keyless body again as soon as it is answered
flood=()
for j in $(seq "$flooders"); do
    while :; do curl -s -o /dev/null "${headers[@]}" --data-binary @"$body" "$url/batch/"; done &
    flood+=($!)
done
sleep 3 # let the flood reach its pace before sampling
cpu0=$(cpu) refused0=$(refused) t0=$(date +%s.%N)
echo "flooded:   $(latency flood) with $flooders keyless clients ($mode, $(stat -c %s "$body") bytes a request)"
cpu1=$(cpu) refused1=$(refused) t1=$(date +%s.%N)
echo "meanwhile: $((refused1 - refused0)) keyless requests refused in $(echo "$t1 - $t0" | bc) s; the server used $(echo "$cpu1 - $cpu0" | bc) s of CPU"
kill "${flood[@]}" 2>/dev/null || true
wait "${flood[@]}" 2>/dev/null || true

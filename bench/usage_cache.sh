#!/usr/bin/env bash
# usage_cache.sh - the usage page's requests and the answers the server keeps of them
# (src/metrics/usage_cache.c), not a test: on a store of `landfall demo --accounts 100000 --seed
# 1 --end 2026-06-01` (bench/dashboard.sh's), the server's time (its access log's "ms") of each
# of the page's six requests (dau over 90 days, wau, mau, stickiness over 12 months, the
# adoption curves at 7, 30 and 90 days, feature usage)
#   - the first time (the answers are computed and kept),
#   - asked again (REPS times; the median),
#   - after one new event (an HTTP batch of one event in the middle of the windows, then each
#     request once; REPS times, the median),
# twice: as the page asks them (no `now`: the clock's, windows after the demo's data) and
# pinned to the data (now=NOW, the windows over its last months). With LANDFALL_USAGE_CACHE=0
# in the server's environment (CACHE=0) the same requests are computed afresh every time: the
# "before".
#
#   bench/usage_cache.sh [DB]   DB defaults to /tmp/bench.db (bench/dashboard.sh makes it)
#   env: LANDFALL (default build/src/cli/landfall), NOW (2026-06-01), REPS (5), CACHE (1)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-/tmp/bench.db}
NOW=${NOW:-2026-06-01}
REPS=${REPS:-5}
CACHE=${CACHE:-1}
LANDFALL=${LANDFALL:-build/src/cli/landfall}
[ -x "$LANDFALL" ] || { echo "usage_cache.sh: build landfall first (scripts/build)" >&2; exit 2; }
[ -s "$DB" ] || { echo "usage_cache.sh: no store at $DB (bench/dashboard.sh makes one)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-usage.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

read_key=$("$LANDFALL" --db "$DB" keys create --scope read 2>/dev/null)
write_key=$("$LANDFALL" --db "$DB" keys create --scope write 2>/dev/null)
acct=$(sqlite3 "$DB" "SELECT ext_id FROM accounts WHERE stub = 0 ORDER BY id LIMIT 1")

mkfifo "$work/ready"
start=$(date +%s%N)
LANDFALL_USAGE_CACHE=$CACHE "$LANDFALL" --db "$DB" serve --listen 127.0.0.1:0 \
    --access-log "$work/access.log" --rate-limit 0 >"$work/ready" 2>"$work/serve.err" &
pid=$!
read -r line <"$work/ready"
url=${line#landfall: serving }
echo "server ready in $((($(date +%s%N) - start) / 1000000)) ms (cache $CACHE)"
get() { curl -s -o /dev/null -H "Authorization: Bearer $read_key" "$url$1"; }
lines() { wc -l <"$work/access.log"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit;
    printf "%.1f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
n=0
# one new event at time TS (ISO), in the middle of the windows
event() {
    n=$((n + 1))
    curl -s -o /dev/null -u "$write_key:" -H 'Content-Type: application/json' "$url/v1/batch" \
        -d "{\"batch\": [{\"type\": \"track\", \"userId\": \"bench-$n\", \"event\": \"report viewed\",
             \"messageId\": \"bench-usage-$$-$n\", \"timestamp\": \"$1\",
             \"context\": {\"groupId\": \"$acct\"}}]}"
}
# timed Q: requests Q and prints its server time (the access log's line, once written)
timed() {
    local at i
    at=$(lines)
    get "$1"
    for ((i = 0; i < 500 && $(lines) <= at; i++)); do sleep 0.01; done
    tail -n 1 "$work/access.log" | jq -r '.ms'
}

# run LABEL EVENT_TS REQUEST...: first, again (median of REPS), after one new event (median)
run() {
    local label=$1 ts=$2 q
    shift 2
    declare -A first again after
    for q in "$@"; do
        first[$q]=$(timed "$q")
    done
    for q in "$@"; do
        for ((i = 0; i < REPS; i++)); do timed "$q"; done | median >"$work/m"
        again[$q]=$(cat "$work/m")
    done
    for q in "$@"; do : >"$work/after.$(printf %s "$q" | md5sum | cut -c1-8)"; done
    for ((i = 0; i < REPS; i++)); do
        event "$ts"
        for q in "$@"; do
            timed "$q" >>"$work/after.$(printf %s "$q" | md5sum | cut -c1-8)"
        done
    done
    for q in "$@"; do
        after[$q]=$(median <"$work/after.$(printf %s "$q" | md5sum | cut -c1-8)")
    done
    echo
    echo "$label (server ms: first, asked again, after one new event)"
    for q in "$@"; do
        printf '  %-62s %9s %9s %9s\n' "$q" "${first[$q]}" "${again[$q]}" "${after[$q]}"
    done
}

today=$(date -u +%F)
page=("/v1/metrics/dau?from=$(date -u -d "$today -89 days" +%F)"
      "/v1/metrics/wau" "/v1/metrics/mau"
      "/v1/metrics/stickiness?from=$(date -u -d "$(date -u +%Y-%m-01) -11 months" +%F)"
      "/v1/metrics/features?days=7%2C30%2C90" "/v1/metrics/feature-usage")
pinned=("/v1/metrics/dau?from=$(date -u -d "$NOW -89 days" +%F)&now=$NOW"
        "/v1/metrics/wau?now=$NOW" "/v1/metrics/mau?now=$NOW"
        "/v1/metrics/stickiness?from=$(date -u -d "$(date -u -d "$NOW" +%Y-%m-01) -11 months" +%F)&now=$NOW"
        "/v1/metrics/features?days=7%2C30%2C90&now=$NOW" "/v1/metrics/feature-usage?now=$NOW")
run "as the page asks (now: the clock)" "$(date -u -d '-2 days' +%FT10:00:00Z)" "${page[@]}"
run "pinned to the data (now=$NOW)" "$(date -u -d "$NOW -20 days" +%FT10:00:00Z)" "${pinned[@]}"
echo
curl -s "$url/metrics" | grep '^landfall_usage_cache' || true
echo "store: $DB; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

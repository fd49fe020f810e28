#!/usr/bin/env bash
# ingest.sh - the ingestion benchmark (not a test): events per second through POST /v1/batch,
# 100 events a request over N keep-alive connections, durable acknowledgements; beside the raw
# SQLite prepared-insert rate of this machine (one transaction per 100 rows, WAL,
# synchronous=FULL: the fair peer; and one big transaction, the issue's yardstick). The tools
# are interleaved within each round, each on a fresh store, and the table gives medians of the
# per-round ratios (the machine's load changes between rounds, less within one). Also p50/p99
# latency, the server's peak RSS and its group commits.
# Usage: bench/ingest.sh [CONNECTIONS] [REQUESTS] [ROUNDS]  (BUILD_DIR=build by default; the
# stores are temporary files on this machine's disk).
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-8}
requests=${2:-2000}
rounds=${3:-3}
events=100
dir=${BUILD_DIR:-build}
[ -x "$dir/src/cli/landfall" ] || scripts/build
ninja -C "$dir" >/dev/null
lf="$dir/src/cli/landfall"
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-bench.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
rows=$((requests * events))

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# one server run on a fresh store: prints "rate p50 p99 rss_kib commits requests stored acked failed"
server_round() {
    rm -f "$work"/server.db* "$work/ready"
    export LANDFALL_DB="$work/server.db"
    local key line port auth done ev secs rate p50 p99 failed rss commits stored
    key=$("$lf" keys create --scope write 2>/dev/null)
    mkfifo "$work/ready"
    "$lf" serve --listen 127.0.0.1:0 --access-log off --rate-limit 0 >"$work/ready" &
    pid=$!
    read -r line <"$work/ready"
    port=${line##*:}
    auth=$(printf '%s:' "$key" | base64 -w0)
    read -r done ev secs rate p50 p99 failed < <("$dir/bench/loadgen" 127.0.0.1 "$port" "$auth" \
        "$conns" "$requests" "$events")
    rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    commits=$(curl -s "${line#landfall: serving }/metrics" | awk '/^landfall_store_commits_total/ {print $2}')
    kill -TERM "$pid"
    wait "$pid"
    pid=
    stored=$(sqlite3 "$LANDFALL_DB" "SELECT count(*) FROM events")
    echo "$rate $p50 $p99 $rss $commits $done $stored $ev $failed"
}

: >"$work/rounds"
for ((r = 1; r <= rounds; r++)); do
    rm -f "$work"/peer*.db* "$work"/big*.db*
    read -r _ _ peer < <("$dir/bench/sqlite_insert" "$work/peer.db" "$rows" 100)
    read -r srate p50 p99 rss commits done stored ev failed < <(server_round)
    read -r _ _ big < <("$dir/bench/sqlite_insert" "$work/big.db" "$rows" "$rows")
    echo "$peer $big $srate $p50 $p99 $rss $commits $done $stored $ev $failed" >>"$work/rounds"
done

col() { awk -v c="$1" '{ print $c }' "$work/rounds" | median; }
ratio() { awk -v a="$1" -v b="$2" '{ printf "%.4f\n", $a / $b }' "$work/rounds" | median; }
echo "landfall ingest benchmark: $requests requests × $events events over $conns connections, $(nproc) cores, $rounds rounds (medians)"
printf '| %-62s | %12s |\n' "measure" "value"
printf '|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..14})"
printf '| %-62s | %12s |\n' \
    "POST /v1/batch, durable, events/s" "$(col 3)" \
    "raw SQLite prepared inserts, 1 txn / 100 rows, events/s" "$(col 1)" \
    "raw SQLite, one transaction for all rows, events/s" "$(col 2)" \
    "server / raw 1 txn per 100 rows (per-round ratio)" "$(ratio 3 1)" \
    "server / raw one big transaction (per-round ratio; goal >= 0.5)" "$(ratio 3 2)" \
    "request latency p50, ms" "$(col 4)" "request latency p99, ms" "$(col 5)" \
    "server peak RSS, MiB" "$(awk '{ printf "%.1f\n", $6 / 1024 }' "$work/rounds" | median)" \
    "requests per group commit" "$(awk '{ printf "%.1f\n", $8 / $7 }' "$work/rounds" | median)"
awk '{ if ($9 != $10 || $11 != 0) bad = 1 } END { exit bad }' "$work/rounds" ||
    { echo "events stored and acknowledged differ, or requests failed:"; cat "$work/rounds"; exit 1; }
echo "every round: events stored = acknowledged, no request failed"

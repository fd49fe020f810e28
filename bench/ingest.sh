#!/usr/bin/env bash
# ingest.sh - the ingestion benchmark (not a test): events per second through POST /v1/batch,
# 100 events a request over N keep-alive connections, durable acknowledgements; beside the raw
# SQLite prepared-insert rate of this machine measured in the same run (one transaction per 100
# rows, WAL, synchronous=FULL: the fair peer), and one big transaction for context. Also p50/p99
# latency and the server's peak RSS. Usage: bench/ingest.sh [CONNECTIONS] [REQUESTS]
# (BUILD_DIR=build by default; the store is a temporary file on this machine's disk).
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-8}
requests=${2:-2000}
events=100
dir=${BUILD_DIR:-build}
[ -x "$dir/src/cli/landfall" ] || scripts/build
ninja -C "$dir" >/dev/null
lf="$dir/src/cli/landfall"
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-bench.XXXXXX")
trap 'kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
rows=$((requests * events))

# the peer: raw prepared inserts, same rows, same schema
read -r _ peer_secs peer_rate < <("$dir/bench/sqlite_insert" "$work/peer.db" "$rows" 100)
read -r _ big_secs big_rate < <("$dir/bench/sqlite_insert" "$work/big.db" "$rows" "$rows")

# the server
export LANDFALL_DB="$work/server.db"
key=$("$lf" keys create --scope write 2>/dev/null)
mkfifo "$work/ready"
"$lf" serve --listen 127.0.0.1:0 --access-log off --rate-limit 0 >"$work/ready" &
pid=$!
read -r line <"$work/ready"
url=${line#landfall: serving }
port=${url##*:}
auth=$(printf '%s:' "$key" | base64 -w0)
read -r done ev secs rate p50 p99 failed < <("$dir/bench/loadgen" 127.0.0.1 "$port" "$auth" \
    "$conns" "$requests" "$events")
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
commits=$(curl -s "$url/metrics" | awk '/^landfall_store_commits_total/ {print $2}')
kill -TERM "$pid"
wait "$pid"
stored=$(sqlite3 "$LANDFALL_DB" "SELECT count(*) FROM events")

ratio=$(awk -v a="$rate" -v b="$peer_rate" 'BEGIN { printf "%.2f", a / b }')
echo "landfall ingest benchmark: $requests requests × $events events over $conns connections, $(nproc) cores"
printf '| %-58s | %12s |\n' "measure" "value"
printf '|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "$(printf -- '-%.0s' {1..14})"
printf '| %-58s | %12s |\n' "POST /v1/batch, durable, events/s" "$rate" \
    "raw SQLite prepared inserts, 1 txn / 100 rows, events/s" "$peer_rate" \
    "server / raw (target >= 0.5)" "$ratio" \
    "raw SQLite, one transaction for all rows, events/s" "$big_rate" \
    "request latency p50, ms" "$p50" "request latency p99, ms" "$p99" \
    "server peak RSS, MiB" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "group commits (requests per commit)" "$commits ($(awk -v r="$done" -v c="$commits" 'BEGIN { printf "%.1f", r / c }'))" \
    "events stored / acknowledged / failed requests" "$stored/$ev/$failed"

#!/usr/bin/env bash
# scale.sh - the two store engines side by side in one run (not a test): on a store of EVENTS
# usage events (and its accounts and MRR history), for SQLite and for PostgreSQL:
#   - `landfall import events` of the events' CSV file (PostgreSQL: its COPY path);
#   - `landfall engine rebuild`: the analytics engine built from the store (PostgreSQL: a cursor
#     in key order), its seconds and bytes per event;
#   - a node's start with the engine loaded from the snapshot the rebuild wrote;
#   - the core reports over HTTP on that node (engine: dau, mau by plan, portfolio, features;
#     store: mrr and churn by month), the median of three requests each;
#   - HTTP ingest through POST /v1/batch, 100 events a request, durable (a 200 only after the
#     commit), REQUESTS requests at 8 and at 32 connections, through one node, and on PostgreSQL
#     also through two nodes at once (the connections split between them); every run checks that
#     the store holds exactly the acknowledged events more than before.
# Prints one table. Usage: bench/scale.sh [EVENTS] [REQUESTS]  (defaults 20000000 and 2000;
# BUILD_DIR=build by default; PostgreSQL is a throwaway server of scripts/pg on a Unix socket,
# fsync on, removed at the end with every file made here).
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-20000000}
requests=${2:-2000}
per=100
dir=${BUILD_DIR:-build}
[ -x "$dir/src/cli/landfall" ] || scripts/build
ninja -C "$dir" >/dev/null
lf="$dir/src/cli/landfall"
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-scale.XXXXXX")
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/landfall-scale-pg.XXXXXX")
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    scripts/pg stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
scripts/pg start "$pgdir" >/dev/null
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
log() { echo "scale: $*" >&2; }

# ---- the data: one account per 10,000 events (at least 100), ten users an account, 40 event
# names, over the 12 months of 2025; each account a customer since its first month, on one of
# three plans, 5 % of them churned in the second half (their MRR to 0)
accounts=$((events / 10000 > 100 ? events / 10000 : 100))
users=$((accounts * 10))
awk -v n="$events" -v u="$users" 'BEGIN {
    srand(7)
    print "message_id,ts,account_id,user_id,event,value"
    for (i = 1; i <= n; i++) {
        k = int(rand() * u)
        printf "m%d,2025-%02d-%02dT%02d:%02d:%02dZ,a%d,u%d,event%d,%d\n", i, 1 + int(rand() * 12),
            1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60),
            k % (u / 10), k, int(rand() * 40), int(rand() * 100)
    }
}' >"$work/events.csv"
awk -v n="$accounts" 'BEGIN {
    srand(11)
    print "id,name,plan,segment,mrr,seats,customer_since" >"/dev/stderr"
    print "account_id,date,mrr,reason"
    split("starter growth business", plans, " ")
    split("2900 9900 49900", prices, " ")
    for (a = 0; a < n; a++) {
        p = 1 + a % 3
        printf "a%d,Account %d,%s,%s,%d,%d,2025-01-01\n", a, a, plans[p], (a % 2 ? "smb" : "mid"),
            prices[p], 5 + a % 40 >"/dev/stderr"
        printf "a%d,2025-01-01,%d,new\n", a, prices[p]
        if (rand() < 0.05)
            printf "a%d,2025-%02d-15,0,churn\n", a, 7 + int(rand() * 6)
    }
}' >"$work/mrr.csv" 2>"$work/accounts.csv"
log "$events events of $users users in $accounts accounts: $(du -m "$work/events.csv" | cut -f1) MB of CSV"

# ---- one engine: prints "name value" lines into $work/ENGINE.out
# node_start ENGINE-NAME URL-VAR SNAPSHOT: a node of the store in $db; its URL into URL-VAR
node_start() {
    local fifo="$work/ready.$RANDOM" line
    mkfifo "$fifo"
    "$lf" --db "$db" serve --listen 127.0.0.1:0 --access-log off --rate-limit 0 \
        --max-per-address 0 --snapshot "$3" >"$fifo" 2>>"$work/serve.err" &
    pids+=($!)
    read -r -t 3600 line <"$fifo"
    rm -f "$fifo"
    printf -v "$2" '%s' "${line#landfall: serving }"
}
nodes_stop() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    pids=()
}
stored() {
    if [ "$engine" = pg ]; then psql -X -A -t "$db" -c "SELECT count(*) FROM events"
    else sqlite3 "$db" "SELECT count(*) FROM events"; fi
}
# ingest NAME CONNS NODES: REQUESTS requests through NODES nodes (the connections and requests
# split between them), at once; records events/s, p50 and p99 (of the first node) in $out
ingest() {
    local name=$1 conns=$2 nodes=$3 before after t0 i acked=0 secs=0 failed=0 p50 p99 loads=()
    before=$(stored)
    t0=$(now)
    for ((i = 0; i < nodes; i++)); do
        local url=${node_urls[$i]} port
        port=${url##*:}
        "$dir/bench/loadgen" 127.0.0.1 "$port" "$auth" $((conns / nodes)) $((requests / nodes)) \
            "$per" "$name-$i" >"$work/load.$i" &
        loads+=($!)
    done
    wait "${loads[@]}"
    secs=$(since "$t0")
    for ((i = 0; i < nodes; i++)); do
        read -r _ ev _ _ a b f <"$work/load.$i"
        acked=$((acked + ev))
        failed=$((failed + f))
        [ "$i" = 0 ] && p50=$a p99=$b
    done
    after=$(stored)
    if [ $((after - before)) != "$acked" ] || [ "$failed" != 0 ]; then
        echo "scale: $name: the store gained $((after - before)) events, $acked acknowledged," \
            "$failed requests failed" >&2
        exit 1
    fi
    echo "$name $(awk -v e="$acked" -v s="$secs" 'BEGIN { printf "%.0f", e / s }') $p50 $p99" >>"$out"
}
report_ms() { # report_ms NAME PATH: median of three requests' milliseconds
    local i
    for i in 1 2 3; do
        curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $read_key" \
            "${node_urls[0]}$2" || { echo "scale: GET $2 failed" >&2; exit 1; }
    done | median | awk -v n="$1" '{ printf "%s %.0f\n", n, $1 * 1000 }' >>"$out"
}

run_engine() {
    engine=$1
    out="$work/$engine.out"
    : >"$out"
    if [ "$engine" = pg ]; then db=$(scripts/pg createdb "$pgdir" scale); else db="$work/scale.db"; fi
    "$lf" --db "$db" import accounts "$work/accounts.csv" >/dev/null
    "$lf" --db "$db" import mrr_changes "$work/mrr.csv" >/dev/null 2>&1
    log "$engine: importing the events"
    local t0
    t0=$(now)
    "$lf" --db "$db" import events "$work/events.csv" 2>/dev/null | grep -q "$events inserted" ||
        { echo "scale: $engine: the import did not insert $events events" >&2; exit 1; }
    echo "import $(awk -v n="$events" -v s="$(since "$t0")" 'BEGIN { printf "%.0f %.1f", n / s, s }')" >>"$out"
    log "$engine: engine rebuild"
    "$lf" --db "$db" engine rebuild --snapshot "$work/$engine.engine" --json >"$work/rebuild.json"
    sqlite3 :memory: "SELECT 'rebuild ' || printf('%.1f', json_extract(j, '\$.rows[0].seconds')) || ' '
        || printf('%.0f', json_extract(j, '\$.rows[0].bytes_per_event')) || ' '
        || json_extract(j, '\$.rows[0].events')
        FROM (SELECT CAST(readfile('$work/rebuild.json') AS TEXT) AS j)" >>"$out"
    write_key=$("$lf" --db "$db" keys create --scope write 2>/dev/null)
    read_key=$("$lf" --db "$db" keys create --scope read 2>/dev/null)
    auth=$(printf '%s:' "$write_key" | base64 -w0)
    log "$engine: reports"
    node_urls=()
    t0=$(now)
    node_start "$engine" url0 "$work/$engine.engine"
    echo "start $(since "$t0")" >>"$out"
    node_urls=("$url0")
    local q="now=2026-01-01"
    report_ms dau "/v1/usage/dau?$q&from=2025-12-01&to=2026-01-01"
    report_ms mau "/v1/usage/mau?$q&by=plan"
    report_ms portfolio "/v1/usage/portfolio?$q"
    report_ms features "/v1/usage/features?$q&days=7,30"
    report_ms mrr "/v1/reports/mrr?$q&from=2025-01-01&to=2026-01-01&by=month"
    report_ms churn "/v1/reports/churn?$q&from=2025-01-01&to=2026-01-01&by=quarter"
    log "$engine: ingest through one node"
    ingest "one8" 8 1
    ingest "one32" 32 1
    if [ "$engine" = pg ]; then
        cp "$work/$engine.engine" "$work/$engine-b.engine"
        node_start "$engine" url1 "$work/$engine-b.engine"
        node_urls=("$url0" "$url1")
        log "$engine: ingest through two nodes"
        ingest "two8" 8 2
        ingest "two32" 32 2
    fi
    nodes_stop
}

run_engine sqlite
run_engine pg

# ---- the table
val() { awk -v k="$2" -v f="$3" '$1 == k { print $f }' "$work/$1.out"; }
both() { printf '| %-50s | %14s | %14s |\n' "$1" "$2" "$3"; }
echo "landfall on SQLite and on PostgreSQL $(psql -X -A -t "postgresql:///postgres?host=$pgdir&user=landfall" -c 'SHOW server_version' | cut -d' ' -f1) (fsync on), $(nproc) cores:" \
    "$events events of $users users in $accounts accounts; ingest runs of $requests requests × $per events"
both "measure" "SQLite" "PostgreSQL"
both "---" "---:" "---:"
both "import events: events/s (seconds)" "$(val sqlite import 2) ($(val sqlite import 3))" \
    "$(val pg import 2) ($(val pg import 3))"
both "engine rebuild: seconds" "$(val sqlite rebuild 2)" "$(val pg rebuild 2)"
both "engine: bytes per event" "$(val sqlite rebuild 3)" "$(val pg rebuild 3)"
both "node start, engine from its snapshot: seconds" "$(val sqlite start 2)" "$(val pg start 2)"
for r in dau mau portfolio features mrr churn; do
    both "report $r over HTTP: ms" "$(val sqlite "$r" 2)" "$(val pg "$r" 2)"
done
for c in 8 32; do
    both "ingest, $c connections, 1 node: events/s" "$(val sqlite "one$c" 2)" "$(val pg "one$c" 2)"
    both "... p50 / p99 ms" "$(val sqlite "one$c" 3) / $(val sqlite "one$c" 4)" \
        "$(val pg "one$c" 3) / $(val pg "one$c" 4)"
    both "ingest, $c connections, 2 nodes: events/s" "-" "$(val pg "two$c" 2)"
    both "... p50 / p99 ms (node A)" "-" "$(val pg "two$c" 3) / $(val pg "two$c" 4)"
done
echo "every ingest run: the store gained exactly the acknowledged events, no request failed"

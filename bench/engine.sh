#!/usr/bin/env bash
# engine.sh - the analytics engine's benchmark (not a test). On two demo data sets in one run,
# `landfall demo --accounts 10000` (about 2 M events) and `--accounts 100000` (about 20 M), it
# times five queries in landfall's engine (on 1 thread and on THREADS), DuckDB (@duckdb/node-api,
# bench/package.json), SQLite (the sqlite3 command) and a plain C pass over packed arrays
# (bench/engine_baseline.c: over all events, "scan", and over exactly the query's events,
# "slice"), interleaved: in each round every tool runs a query right after the others, so load
# changes hit them alike, and the ratios are medians of per-round ratios. Every tool's answers
# are reduced to the same digest and must agree. Then the growth from 2 M to 20 M events, the
# rebuild time and memory. The queries (bench/engine_driver.c, bench/engine_queries.sql):
#   Q1 DAU, WAU, MAU per account over 30 days     Q2 weekly cohort retention of users
#   Q3 adoption breadth and depth per account     Q4 the portfolio (Q1 + Q3 + recency, trend)
#   Q5 Q4 over a window without events: what a query costs when there is nothing to read
#
#   bench/engine.sh [DIR]   data in DIR (default /tmp/landfall-bench), generated when missing
#                           (minutes for 20 M events) and reused
#   env: ACCOUNTS ("10000 100000"), NOW (2026-06-01), ROUNDS (5), REPS (runs a tool makes of a
#        query in a round, the fastest kept; 5), SQLITE_ROUNDS (rounds SQLite takes part in; 1: its
#        queries take seconds to minutes), THREADS (default: the cores), BUILD_DIR (build);
#        OLD_DRIVER and OLD_LANDFALL: an engine_driver and a landfall built from another
#        revision, to time it beside this one (its snapshot: DB.engine-old)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/landfall-bench}
ACCOUNTS=${ACCOUNTS:-10000 100000}
NOW=${NOW:-2026-06-01}
ROUNDS=${ROUNDS:-5}
REPS=${REPS:-5}
SQLITE_ROUNDS=${SQLITE_ROUNDS:-1}
THREADS=${THREADS:-$(nproc)}
BUILD=${BUILD_DIR:-build}
LANDFALL=$BUILD/src/cli/landfall
command -v sqlite3 >/dev/null || { echo "engine.sh: needs the sqlite3 command" >&2; exit 2; }
command -v node >/dev/null || { echo "engine.sh: needs node (for DuckDB)" >&2; exit 2; }
[ -f "$BUILD/build.ninja" ] || scripts/build
ninja -C "$BUILD" src/cli/landfall bench/engine_driver bench/engine_baseline >/dev/null
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
    echo "installing @duckdb/node-api (npm ci)" >&2
    (cd bench && npm ci --no-audit --no-fund >&2)
fi
mkdir -p "$DIR"
N=$(($(date -u -d "$NOW" +%s) * 1000))
field() { awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR == 2 { print $c }' "$1"; }

summary=()
for accounts in $ACCOUNTS; do
    W=$DIR/bench-$accounts
    DB=$W.db
    if [ ! -s "$DB" ]; then
        echo "generating $DB: $accounts accounts (minutes for 100000)" >&2
        "$LANDFALL" --db "$DB" demo --accounts "$accounts" --seed 1 --end "$NOW" >&2
    fi
    # the engine, built from the store (time, peak memory), into its snapshot
    echo "$accounts accounts: rebuilding the engine" >&2
    /usr/bin/time -f "%M" -o "$W.rss" "$LANDFALL" --db "$DB" engine rebuild --csv >"$W.rebuild.csv"
    # the same events for the other tools, made once (not timed): a compact SQLite table with
    # an index on time, a CSV (DuckDB cannot read SQLite offline: its extension is a download),
    # DuckDB's database, the baseline's packed arrays
    if [ ! -s "$W-events.db" ] || [ "$W-events.db" -ot "$DB" ]; then
        echo "$accounts accounts: exporting the events (once)" >&2
        rm -f "$W-events.db" "$W-events.csv" "$W.duckdb" "$W.packed"
        sqlite3 "$DB" "ATTACH '$W-events.db' AS b;
            CREATE TABLE b.events AS SELECT account_id, contact_id, name_id, ts FROM main.events
                WHERE workspace_id = (SELECT id FROM workspaces WHERE ext_id = 'default');
            CREATE INDEX b.events_ts ON events(ts);"
        sqlite3 -csv "$W-events.db" "SELECT account_id, contact_id, name_id, ts FROM events" >"$W-events.csv"
    fi
    [ -s "$W.duckdb" ] || (cd bench && node engine_bench.mjs load "$W.duckdb" "$W-events.csv")
    [ -s "$W.packed" ] || "$BUILD/bench/engine_baseline" pack "$W-events.csv" "$W.packed"
    CAT=$(sqlite3 "$W-events.db" "SELECT COUNT(DISTINCT name_id) FROM events")
    old=()
    if [ -n "${OLD_DRIVER:-}" ]; then
        [ -s "$DB.engine-old" ] ||
            "$OLD_LANDFALL" --db "$DB" engine rebuild --snapshot "$DB.engine-old" --csv >/dev/null
        old=(old_driver="$(realpath "$OLD_DRIVER")" old_snapshot="$DB.engine-old")
    fi
    (cd bench && node engine_bench.mjs run label="$(field "$W.rebuild.csv" events) events" \
        db="$DB" snapshot="$DB.engine" duckdb="$W.duckdb" compact="$W-events.db" \
        packed="$W.packed" sql=engine_queries.sql now="$N" cat="$CAT" \
        driver="../$BUILD/bench/engine_driver" baseline="../$BUILD/bench/engine_baseline" \
        threads="$THREADS" rounds="$ROUNDS" reps="$REPS" sqlite_rounds="$SQLITE_ROUNDS" \
        json="$W.times.json" "${old[@]}")
    summary+=("$(field "$W.rebuild.csv" events) events: rebuild $(field "$W.rebuild.csv" seconds) s, \
peak RSS $(($(cat "$W.rss") / 1024)) MiB, engine $(field "$W.rebuild.csv" bytes_per_event) bytes/event")
done
set -- $ACCOUNTS
if [ $# -ge 2 ]; then
    (cd bench && node engine_bench.mjs growth "$DIR/bench-$1.times.json" "$DIR/bench-${!#}.times.json")
fi
echo
printf '%s\n' "${summary[@]}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"

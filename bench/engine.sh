#!/usr/bin/env bash
# engine.sh - the analytics engine's benchmark (not a test): on `landfall demo --accounts 100000`
# (about 20 M events), Q1 DAU per account over 30 days, Q2 weekly cohort retention, Q3 adoption
# breadth per account, Q4 the portfolio, timed in landfall (`landfall engine bench`), DuckDB
# (@duckdb/node-api, bench/package.json) and SQLite (the sqlite3 CLI), in one run on the same
# data, each the median of several runs; then bytes resident per event and the rebuild time.
#
#   bench/engine.sh [DB]      DB defaults to /tmp/bench.db, generated when missing
#   env: LANDFALL (binary, default build/src/cli/landfall), NOW (default 2026-06-01),
#        RUNS (landfall and DuckDB, default 5), SQLITE_RUNS (default 3), ACCOUNTS (100000)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-/tmp/bench.db}
NOW=${NOW:-2026-06-01}
RUNS=${RUNS:-5}
SQLITE_RUNS=${SQLITE_RUNS:-3}
ACCOUNTS=${ACCOUNTS:-100000}
LANDFALL=${LANDFALL:-build/src/cli/landfall}
WORK=${DB%.db}
[ -x "$LANDFALL" ] || { echo "engine.sh: build landfall first (ninja -C build)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "engine.sh: needs the sqlite3 CLI" >&2; exit 2; }

ms_of() { echo "$(date -u -d "$1" +%s)000"; }
now_ms() { date +%s%N | cut -c1-13; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ ! -s "$DB" ]; then
    echo "generating $DB: $ACCOUNTS accounts (a few minutes)" >&2
    "$LANDFALL" --db "$DB" demo --accounts "$ACCOUNTS" --seed 1 --end "$NOW" >&2
fi

# ---- landfall: rebuild (time, peak memory), then the queries over the loaded engine
echo "landfall: rebuilding the engine" >&2
/usr/bin/time -f "%M" -o "$WORK.rss" "$LANDFALL" --db "$DB" engine rebuild --csv >"$WORK.rebuild.csv"
field() { awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR == 2 { print $c }' "$1"; }
EVENTS=$(field "$WORK.rebuild.csv" events)
REBUILD_S=$(field "$WORK.rebuild.csv" seconds)
BYTES_PER_EVENT=$(field "$WORK.rebuild.csv" bytes_per_event)
echo "landfall: timing Q1..Q4" >&2
"$LANDFALL" --db "$DB" engine bench --now "$NOW" --runs "$RUNS" --csv >"$WORK.landfall.csv"
# resident bytes of a process holding the engine (loaded from its snapshot), less the same
# process's baseline without events is not separable: report the engine's own count too
/usr/bin/time -f "%M" -o "$WORK.info.rss" "$LANDFALL" --db "$DB" engine info --csv >/dev/null

# ---- the same data for DuckDB and a compact SQLite table (made once; not timed)
COMPACT="$WORK-events.db"
if [ ! -s "$COMPACT" ] || [ "$COMPACT" -ot "$DB" ]; then
    echo "exporting the events for SQLite and DuckDB (once)" >&2
    rm -f "$COMPACT" "$WORK-events.csv" "$WORK.duckdb"
    sqlite3 "$DB" "ATTACH '$COMPACT' AS b;
        CREATE TABLE b.events AS SELECT account_id, contact_id, name_id, ts FROM main.events
            WHERE workspace_id = (SELECT id FROM workspaces WHERE ext_id = 'default');
        CREATE INDEX b.events_ts ON events(ts);
        CREATE TABLE b.event_names AS SELECT id, name FROM main.event_names;"
    sqlite3 -csv "$COMPACT" "SELECT account_id, contact_id, name_id, ts FROM events" >"$WORK-events.csv"
fi
CAT=$(sqlite3 "$COMPACT" "SELECT COUNT(DISTINCT name_id) FROM events")
N=$(ms_of "$NOW")
subst() { # subst FILE: the queries with their parameters
    sed -e "s/:N\b/$N/g" -e "s/:F30\b/$((N - 30 * 86400000))/g" -e "s/:F7\b/$((N - 7 * 86400000))/g" \
        -e "s/:S\b/$((N - 56 * 86400000))/g" -e "s/:CAT\b/$CAT/g" -e "s/:MON\b/345600000/g" "$1"
}
subst bench/engine_queries.sql >"$WORK.duckdb.sql"
subst bench/engine_queries.sql | sed 's|//|/|g' >"$WORK.sqlite.sql"

if [ ! -d bench/node_modules/@duckdb/node-api ]; then
    echo "installing @duckdb/node-api (npm ci)" >&2
    (cd bench && npm ci --no-audit --no-fund >&2)
fi
if [ ! -s "$WORK.duckdb" ]; then
    echo "loading the events into DuckDB (once)" >&2
    (cd bench && node engine_duckdb.mjs load "$WORK.duckdb" "$WORK-events.csv")
fi
echo "DuckDB: timing Q1..Q4" >&2
(cd bench && node engine_duckdb.mjs time "$WORK.duckdb" "$WORK.duckdb.sql" "$RUNS") >"$WORK.duckdb.csv"

# ---- SQLite: the same SQL through the sqlite3 CLI, each query SQLITE_RUNS times
echo "SQLite: timing Q1..Q4 ($SQLITE_RUNS runs each; minutes)" >&2
awk -v out="$WORK.sqlite" '/^-- Q[0-9]/ { q = substr($2, 2, 1) } q { print > (out ".q" q ".sql") }' \
    "$WORK.sqlite.sql"
: >"$WORK.sqlite.csv"
for q in 1 2 3 4; do
    for r in $(seq "$SQLITE_RUNS"); do
        t0=$(now_ms)
        sqlite3 "$COMPACT" <"$WORK.sqlite.q$q.sql" >/dev/null
        echo $(($(now_ms) - t0))
    done | median | sed "s/^/Q$q,/" >>"$WORK.sqlite.csv"
done

# ---- the table
echo
printf '%-44s %12s %12s %12s %10s %10s\n' query "landfall ms" "DuckDB ms" "SQLite ms" "DuckDB/lf" "SQLite/lf"
for q in 1 2 3 4; do
    name=$(awk -F, -v q="Q$q" 'index($1, q " ") == 1 { print $1 }' "$WORK.landfall.csv")
    lf=$(awk -F, -v q="Q$q" 'index($1, q " ") == 1 { print $3 }' "$WORK.landfall.csv")
    dk=$(awk -F, -v q="Q$q" '$1 == q { print $2 }' "$WORK.duckdb.csv")
    sq=$(awk -F, -v q="Q$q" '$1 == q { print $2 }' "$WORK.sqlite.csv")
    awk -v n="$name" -v l="$lf" -v d="$dk" -v s="$sq" \
        'BEGIN { printf "%-44s %12.1f %12.1f %12.0f %9.1fx %9.1fx\n", n, l, d, s, d / l, s / l }'
done
echo
echo "events: $EVENTS; engine bytes per event: $BYTES_PER_EVENT (columns, tails, indexes)"
echo "rebuild from the store: ${REBUILD_S} s; peak RSS of the rebuild: $(($(cat "$WORK.rss") / 1024)) MiB;" \
     "RSS of a process holding the engine (from its snapshot): $(($(cat "$WORK.info.rss") / 1024)) MiB" \
     "= $(awk -v k="$(cat "$WORK.info.rss")" -v e="$EVENTS" 'BEGIN { printf "%.1f", k * 1024 / e }') bytes/event all in"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# store.sh - the store engines' bulk import benchmark (not a test): `landfall import events` of
# one CSV file into PostgreSQL (its bulk path: COPY into a staging table, one INSERT … SELECT …
# ON CONFLICT DO NOTHING), into PostgreSQL one row at a time (LANDFALL_NO_BULK=1: the write
# path's prepared inserts, for comparison) and into SQLite (prepared inserts in one
# transaction), beside plain
# psql `\copy` of the same file into a table of six text columns (the raw load speed of this
# PostgreSQL: no ids resolved, no duplicates checked, no partitions). Each round uses fresh
# databases and runs the three in turn; the table gives medians over rounds, and the ratio of
# each to psql's \copy within its round.
# Usage: bench/store.sh [EVENTS] [ROUNDS]  (BUILD_DIR=build by default; a throwaway PostgreSQL
# server on a Unix socket, scripts/pg, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-200000}
rounds=${2:-3}
dir=${BUILD_DIR:-build}
[ -x "$dir/src/cli/landfall" ] || scripts/build
ninja -C "$dir" >/dev/null
lf="$dir/src/cli/landfall"
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-bench.XXXXXX")
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/landfall-bench-pg.XXXXXX")
trap 'scripts/pg stop "$pgdir"; rm -rf "$work"' EXIT
scripts/pg start "$pgdir" >/dev/null

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

# events over 12 months, 200 accounts, 2,000 users (each new one costs the write path a few
# round trips to resolve: the events, not the contacts, are what is measured), 40 event names;
# ids unique
awk -v n="$events" 'BEGIN {
    srand(7)
    print "message_id,ts,account_id,user_id,event,value"
    for (i = 1; i <= n; i++) {
        u = int(rand() * 2000)
        printf "m%d,2025-%02d-%02dT%02d:%02d:%02dZ,a%d,u%d,event%d,%d\n", i, 1 + int(rand() * 12),
            1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60),
            u % 200, u, int(rand() * 40), int(rand() * 100)
    }
}' >"$work/events.csv"
size=$(du -m "$work/events.csv" | cut -f1)

: >"$work/rounds"
# timed CMD...: runs CMD (quiet) and prints its seconds
timed() {
    local a b
    a=$(now)
    "$@" >/dev/null 2>&1
    b=$(now)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }'
}
# import_all URL: landfall import of the file, which must insert every event
import_all() {
    "$lf" --db "$1" import events "$work/events.csv" 2>/dev/null | grep -q "$events inserted"
}
copy_raw() {
    psql -X -q "$1" -c "\\copy events FROM '$work/events.csv' WITH (FORMAT csv, HEADER true)"
}
for ((r = 1; r <= rounds; r++)); do
    bulk=$(scripts/pg createdb "$pgdir" "bulk$r")
    rows=$(scripts/pg createdb "$pgdir" "rows$r")
    raw=$(scripts/pg createdb "$pgdir" "raw$r")
    "$lf" --db "$bulk" migrate >/dev/null
    "$lf" --db "$rows" migrate >/dev/null
    psql -X -q "$raw" -c "CREATE TABLE events (message_id text, ts text, account_id text,
        user_id text, event text, value text)"
    rm -f "$work"/sq.db*
    a=$(timed import_all "$bulk")
    b=$(LANDFALL_NO_BULK=1 timed import_all "$rows")
    c=$(timed import_all "$work/sq.db")
    d=$(timed copy_raw "$raw")
    for db in "$bulk" "$rows"; do
        stored=$(psql -X -A -t "$db" -c "SELECT count(*) FROM events")
        [ "$stored" = "$events" ] || { echo "$db holds $stored events, not $events" >&2; exit 1; }
    done
    echo "$a $b $c $d" >>"$work/rounds"
done

col() { awk -v c="$1" '{ print $c }' "$work/rounds" | median; }
ratio() { awk -v c="$1" '{ print $c / $4 }' "$work/rounds" | median; }
echo "bulk import of $events events ($size MB of CSV), medians of $rounds rounds, $(nproc) cores"
printf '%-44s %9s %10s %13s\n' "path" "seconds" "events/s" "x psql \\copy"
row() { awk -v n="$events" -v s="$(col "$2")" -v x="$3" -v p="$1" 'BEGIN { printf "%-44s %9.2f %10.0f %13.2f\n", p, s, n / s, x }'; }
row "landfall import, PostgreSQL (COPY)" 1 "$(ratio 1)"
row "landfall import, PostgreSQL, row by row" 2 "$(ratio 2)"
row "landfall import, SQLite" 3 "$(ratio 3)"
row "psql \\copy into a plain table" 4 1

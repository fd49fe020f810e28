#!/usr/bin/env bash
# copy.sh - `landfall migrate --from --to` copies a whole store between engines: a demo store in
# SQLite copied into PostgreSQL and back gives the same answers to every report (the reference is
# the source store itself), each table's row count equals the source's (counted here with
# sqlite3 and psql, independently of landfall), and its checksum is the same in all three stores;
# ids go on after the copied ones; a store that is not empty is refused and left alone; a failed
# source leaves no destination.
source "$(dirname "$0")/pg_lib.sh"
pg_start
PG=$(pg_db copy)
SQ=$SCRATCH/src.db
BACK=$SCRATCH/back.db

run_lf --db "$SQ" demo --accounts 40 --seed 5 --end 2026-06-01
check_eq "demo made" 0 "$rc"
run_lf --db "$SQ" keys create --scope read --name copied
key=$out

run_lf migrate --from "$SQ" --to "$PG" --quiet
check_eq "copied into PostgreSQL" 0 "$rc"
echo "$out" >"$SCRATCH/to_pg"
run_lf migrate --from "$PG" --to "$BACK" --quiet
check_eq "copied back into SQLite" 0 "$rc"
echo "$out" >"$SCRATCH/to_sq"
# (in each engine's order of its tables: SQLite's changes when a migration rebuilds one)
check_eq "the same tables, rows and checksums both ways" "$(sed '$d' "$SCRATCH/to_pg" | sort)" \
    "$(sed '$d' "$SCRATCH/to_sq" | sort)"

# row counts against the stores themselves, for the tables that hold the business
for t in accounts contacts mrr_changes events touchpoints responses changes api_keys; do
    n=$(sqlite3 "$SQ" "SELECT count(*) FROM $t")
    check_eq "$t: rows in the source" "$n" "$(awk -v t=$t '$1 == t { print $2 }' "$SCRATCH/to_pg")"
    check_eq "$t: rows in PostgreSQL" "$n" "$(psql_q "$PG" "SELECT count(*) FROM $t")"
    check_eq "$t: rows back in SQLite" "$n" "$(sqlite3 "$BACK" "SELECT count(*) FROM $t")"
done
check "the demo has events to copy" test "$(sqlite3 "$SQ" 'SELECT count(*) FROM events')" -gt 1000

# the same answers from the three stores
for args in "report nps --by quarter" "report churn --by segment --now 2026-06-01" \
    "report mrr --now 2026-06-01" "usage portfolio --now 2026-06-01 --csv" \
    "cohorts --by month --now 2026-06-01" "text summary --now 2026-06-01 --by month"; do
    # shellcheck disable=SC2086
    a=$("$LANDFALL" --db "$SQ" $args 2>&1)
    # shellcheck disable=SC2086
    b=$("$LANDFALL" --db "$PG" $args 2>&1)
    # shellcheck disable=SC2086
    c=$("$LANDFALL" --db "$BACK" $args 2>&1)
    check_eq "$args: PostgreSQL answers as the source" "$a" "$b"
    check_eq "$args: the copy back answers as the source" "$a" "$c"
done

# the key works in the copy: it is found by its prefix
run_lf --db "$PG" keys list
check "the key is in the copy" grep -q copied <<<"$out"
check "... and the key itself was made" grep -q '^lf_' <<<"$key"
# the key opens the copied workspace on a server of the copy
port=$(( 20000 + RANDOM % 20000 ))
"$LANDFALL" --db "$PG" serve --listen "127.0.0.1:$port" >"$SCRATCH/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
    "http://127.0.0.1:$port/v1/reports/nps")
kill "$server"; wait "$server" 2>/dev/null
check_eq "the copied key reads the copy over HTTP" 200 "$code"

# numbering goes on after the copied ids
max=$(psql_q "$PG" "SELECT max(id) FROM accounts")
printf 'id,name\nafter-copy,After\n' >"$SCRATCH/one.csv"
run_lf --db "$PG" import accounts "$SCRATCH/one.csv"
check_eq "a new account after the copy" 0 "$rc"
check_eq "... takes the next id" "$((max + 1))" \
    "$(psql_q "$PG" "SELECT id FROM accounts WHERE ext_id = 'after-copy'")"

# refusals
run_lf migrate --from "$SQ" --to "$PG" --quiet
check_eq "a store with rows is refused" 4 "$rc"
check "... saying so" grep -q "is not empty (table 'workspaces' has rows)" <<<"$errout"
check_eq "... and left as it was" "$((max + 1))" "$(psql_q "$PG" "SELECT max(id) FROM accounts")"
run_lf migrate --from "$SCRATCH/none.db" --to "$SCRATCH/new.db" --quiet
check "a missing source is an error" test "$rc" -ne 0
check "... and makes no destination" test ! -e "$SCRATCH/new.db"
run_lf migrate --from "$SQ"
check_eq "--from without --to is a usage error" 2 "$rc"
finish

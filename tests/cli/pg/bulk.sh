#!/usr/bin/env bash
# bulk.sh - events imported from a file go to PostgreSQL through COPY (STORE_BULK): the same rows
# and the same counts as SQLite's inserts one by one, which are the reference here: duplicates
# in the file and across imports are skipped (the first of a message id kept), values with tabs,
# backslashes and newlines arrive whole, and a file of more rows than one bulk flush holds
# (10,000) is written whole.
source "$(dirname "$0")/pg_lib.sh"
pg_start
PG=$(pg_db bulk)
SQ=$SCRATCH/bulk.db

# 12,000 events over 3 months; every 10th line repeats the message id of the line before it,
# so 10,800 ids are new (the generator's own count, written beside the file).
awk 'BEGIN {
    print "message_id,ts,account_id,user_id,event,value"
    n = 0
    for (i = 1; i <= 12000; i++) {
        id = (i % 10 == 0) ? "m" (i - 1) : "m" i
        if (i % 10 != 0) n++
        month = 1 + i % 3
        printf "%s,2026-%02d-%02dT%02d:%02d:00Z,acct%d,u%d,%s,%s\n", id, month, 1 + i % 28,
            i % 24, i % 60, i % 37, i % 401, (i % 7 == 0) ? "\"tab\there \\\\ back\"" : "login",
            (i % 5 == 0) ? "" : (i % 13) / 4
    }
    print n > "/dev/stderr"
}' >"$SCRATCH/events.csv" 2>"$SCRATCH/expected"
expected=$(cat "$SCRATCH/expected")
check_eq "the generator's count of new ids" 10800 "$expected"
# NDJSON: props with a newline, a tab and a backslash inside (COPY's escapes)
printf '%s\n' '{"message_id":"j1","ts":"2026-01-02T00:00:00Z","account_id":"acct1","user_id":"u1","event":"note","props":{"text":"a\tb\nc\\d"}}' \
    '{"message_id":"j1","ts":"2026-01-03T00:00:00Z","account_id":"acct1","user_id":"u1","event":"note"}' \
    >"$SCRATCH/events.ndjson"

for db in "$SQ" "$PG"; do
    run_lf --db "$db" import events "$SCRATCH/events.csv"
    check_eq "first import counts ($db)" \
        "$SCRATCH/events.csv: 12000 rows, 10800 inserted, 0 updated, 1200 unchanged, 0 rejected, 37 stub accounts created" \
        "$out"
    run_lf --db "$db" import events "$SCRATCH/events.csv"
    check_eq "second import: every row known ($db)" \
        "$SCRATCH/events.csv: 12000 rows, 0 inserted, 0 updated, 12000 unchanged, 0 rejected" "$out"
    run_lf --db "$db" import events "$SCRATCH/events.ndjson"
    check_eq "ndjson import ($db)" \
        "$SCRATCH/events.ndjson: 2 rows, 1 inserted, 0 updated, 1 unchanged, 0 rejected" "$out"
done

# The rows, by their external keys, in the same order on both engines.
rows="SELECT e.message_id, e.ts, a.ext_id, c.ext_id, n.name, e.value, e.props
      FROM events e LEFT JOIN accounts a ON a.id = e.account_id
      LEFT JOIN contacts c ON c.id = e.contact_id JOIN event_names n ON n.id = e.name_id
      ORDER BY e.message_id"
sqlite3 "$SQ" "$rows" | sed 's/\.0|/|/' >"$SCRATCH/sqlite.rows"
psql_q "$PG" "$rows" >"$SCRATCH/pg.rows"
check_eq "rows stored" 10801 "$(wc -l <"$SCRATCH/pg.rows")"
check "the same rows on both engines" cmp -s "$SCRATCH/sqlite.rows" "$SCRATCH/pg.rows"
# m9 is line 9's id (2026-01-10T09:09:00Z) and line 10's (2026-02-11T10:10:00Z): the first stays
check_eq "the first of a repeated id is kept (m9, line 9's time)" \
    "m9|$(($(date -u -d 2026-01-10T09:09:00Z +%s) * 1000))" "$(psql_q "$PG" "SELECT message_id, ts FROM events WHERE message_id = 'm9'")"
check_eq "a tab, a newline and a backslash arrive whole" '{"props":{"text":"a\tb\nc\\d"}}' \
    "$(psql_q "$PG" "SELECT props FROM events WHERE message_id = 'j1'")"
finish

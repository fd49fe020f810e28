#!/bin/bash
# kinds_ndjson.sh - every kind from NDJSON gives exactly the tables the same rows give from CSV
# (whose values kinds_csv.sh checks), and Segment calls become accounts, contacts and events.
source "$(dirname "$0")/../lib.sh"

ms() { sqlite3 :memory: "SELECT CAST(strftime('%s', '$1') AS INTEGER) * 1000"; }
# dump DB: every imported table, row by row in id order (internal ids included), in one
# store_sql (on PostgreSQL one copy of the store, not one a table)
dump() {
    local t q=""
    for t in accounts contacts mrr_changes orders event_names events touchpoints responses; do
        q+="SELECT '== $t'; SELECT * FROM $t ORDER BY id; "
    done
    store_sql "$1" "$q"
}

cp "$TESTDATA"/import/*.csv "$TESTDATA"/import/*.ndjson "$SCRATCH"/
cd "$SCRATCH" || exit 1
csv_db=$(scratch_store csv) && ndjson_db=$(scratch_store ndjson) && csv2_db=$(scratch_store csv2) ||
    exit 1
kinds="accounts contacts mrr_changes orders events touchpoints responses"

for k in $kinds; do
    run_lf --db "$csv_db" import "$k" "$k.csv"
    check_eq "$k.csv: exit" 0 "$rc"
done
for k in $kinds; do
    run_lf --db "$ndjson_db" import "$k" "$k.ndjson"
    check_eq "$k.ndjson: exit" 0 "$rc"
    csv_summary=$("$LANDFALL" --db "$csv2_db" import "$k" "$k.csv" 2>/dev/null)
    check_eq "$k.ndjson: summary as for CSV" "${csv_summary/$k.csv/$k.ndjson}" "$out"
done
check_eq "accounts.ndjson: its blank line is no row" \
    "accounts.ndjson: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected" \
    "$("$LANDFALL" --db "$(scratch_store ndjson3)" import accounts accounts.ndjson)"
check_eq "NDJSON tables equal CSV tables" "$(dump "$csv_db")" "$(dump "$ndjson_db")"
check_eq "the dump is not empty" "3" "$(store_sql "$ndjson_db" "SELECT count(*) FROM events")"

# ---- Segment calls (events kind): group, identify, track, page, a retried track ----
LANDFALL_DB=$(scratch_store segment) || exit 1
export LANDFALL_DB
q() { store_sql "$LANDFALL_DB" "$1"; }
run_lf import events segment.ndjson
check_eq "segment: exit" 0 "$rc"
# 7 calls: 6 new rows; line 7 repeats messageId ev1 and changes nothing; globex is new
check_eq "segment: summary" \
    "segment.ndjson: 7 rows, 6 inserted, 0 updated, 1 unchanged, 0 rejected, 1 stub account created" \
    "$out"
check_eq "segment: stub notice" "segment.ndjson:5: created stub account 'globex'" "$errout"
# group: traits become the account; mrr 1200.5 USD = 120050 cents; createdAt is customer_since
check_eq "segment: group → account" \
    "acme|Acme Corp|pro|120050|USD|25|$(ms 2023-01-15)|{\"industry\":\"fintech\"}|0
globex||||USD||||1" \
    "$(q "SELECT ext_id, name, plan, NULLIF(mrr, 0), currency, seats, customer_since, attrs, stub
          FROM accounts ORDER BY ext_id")"
# group's userId joins acme; identify takes context.groupId, joins first and last name
check_eq "segment: identify and group → contacts" \
    "anon-7|globex||||
u1|acme||||
u2|acme|bo@acme.io|Bo Berg|admin|{\"title\":\"CTO\"}" \
    "$(q "SELECT c.ext_id, a.ext_id, c.email, c.name, c.role, c.attrs FROM contacts c
          LEFT JOIN accounts a ON a.id = c.account_id ORDER BY c.ext_id")"
# track: properties.value is the value, the other properties the props; anonymousId is the
# user and properties.account_id the account when there is no groupId; revenue is a value;
# page is an event named "page"; ev2 takes u2's account
check_eq "segment: track and page → events" \
    "ev1|$(ms 2024-02-01T07:00:00Z)|acme|u1|Report Built|3.0|{\"format\":\"pdf\"}
ev2|$(ms 2024-02-01T09:00:00Z)|acme|u2|Login||
ev3|$(ms 2024-02-01T10:00:00Z)|globex|anon-7|Signed Up|49.5|
ev4|$(ms 2024-02-01T11:00:00Z)|acme|u1|page||{\"path\":\"/pricing\"}" \
    "$(q "SELECT e.message_id, e.ts, a.ext_id, c.ext_id, n.name, e.value, e.props FROM events e
          JOIN event_names n ON n.id = e.name_id LEFT JOIN accounts a ON a.id = e.account_id
          LEFT JOIN contacts c ON c.id = e.contact_id ORDER BY e.message_id")"
finish

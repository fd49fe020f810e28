#!/bin/bash
# idempotent.sh - importing a file a second time changes nothing: every table dumped before and
# after is identical and the summary counts every row unchanged. Rows without ids (events,
# orders) get derived ids, so they match too.
source "$(dirname "$0")/../lib.sh"

# dump: every table's rows, in one store_sql (on PostgreSQL one copy of the store, not one a table)
dump() {
    local t q=""
    for t in accounts contacts mrr_changes orders event_names events touchpoints surveys \
        responses; do
        q+="SELECT '$t', * FROM $t ORDER BY id; "
    done
    store_sql "$LANDFALL_DB" "$q"
}
cp "$TESTDATA"/import/* "$SCRATCH"/
cd "$SCRATCH" || exit 1

# twice KIND FILE ROWS: import FILE, then again: the second time all ROWS are unchanged
twice() {
    local kind=$1 file=$2 rows=$3 first
    run_lf import "$kind" "$file"
    check_eq "$file: first import exit" 0 "$rc"
    first=$(dump)
    run_lf import "$kind" "$file"
    check_eq "$file: second import exit" 0 "$rc"
    check_eq "$file: second summary" \
        "$file: $rows rows, 0 inserted, 0 updated, $rows unchanged, 0 rejected" "$out"
    check_eq "$file: second import no notices" "" "$errout"
    check_eq "$file: tables unchanged" "$first" "$(dump)"
}
twice accounts accounts.csv 3
twice contacts contacts.csv 3
twice mrr_changes mrr_changes.csv 3
twice orders orders.csv 4
twice events events.csv 3
twice touchpoints touchpoints.csv 2
twice responses responses.csv 3
twice events segment.ndjson 7
for k in accounts contacts mrr_changes orders events touchpoints responses; do
    n=$(grep -c . "$k.ndjson")
    twice "$k" "$k.ndjson" "$n"
done
# acme, beta, kyoto, the stubs newco and walkin, and globex from Segment; events m1, m2, one
# derived (the NDJSON twins of all three match them), ev1-ev4 from Segment
check_eq "the store holds the data" "6|7" \
    "$(store_sql "$LANDFALL_DB" "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM events)")"
finish

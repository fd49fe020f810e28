#!/usr/bin/env bash
# determinism.sh - the same seed and end give byte-identical data (every data table dumped with
# the sqlite3 CLI and compared); another seed gives other data; the summary line counts the rows.
source "$(dirname "$0")/../lib.sh"
db_a=$(scratch_store a) || exit 1
db_b=$(scratch_store b) || exit 1
db_c=$(scratch_store c) || exit 1
db_d=$(scratch_store d) || exit 1

tables="accounts contacts mrr_changes orders surveys event_names events touchpoints responses"
# dump DB: every data table in id order (the workspace row holds its creation time: left out)
dump() {
    local t
    for t in $tables; do
        echo "== $t"
        store_sql -csv "$1" "SELECT * FROM $t ORDER BY id"
    done
}

run_lf demo --db "$db_a" --accounts 150 --seed 7 --end 2024-06-30
check_eq "first run exits 0" 0 "$rc"
summary=$out
run_lf demo --db "$db_b" --accounts 150 --seed 7 --end 2024-06-30
check_eq "second run exits 0" 0 "$rc"
check_eq "same summary" "$summary" "$out"
run_lf demo --db "$db_c" --accounts 150 --seed 8 --end 2024-06-30
check_eq "third run exits 0" 0 "$rc"

dump "$db_a" >"$SCRATCH/a.dump"
dump "$db_b" >"$SCRATCH/b.dump"
dump "$db_c" >"$SCRATCH/c.dump"
check "the dump is not trivial (150 accounts, thousands of events)" \
    test "$(grep -c '' "$SCRATCH/a.dump")" -gt 10000
check "seed 7 twice: identical data" cmp -s "$SCRATCH/a.dump" "$SCRATCH/b.dump"
for t in accounts contacts events responses; do
    same=$(diff <(store_sql -csv "$db_a" "SELECT * FROM $t ORDER BY id") \
                <(store_sql -csv "$db_c" "SELECT * FROM $t ORDER BY id") >/dev/null && echo same)
    check_eq "seed 8 gives other $t" "" "$same"
done

# The summary line is the row counts of the store.
counts=$(store_sql -separator ' ' "$db_a" "SELECT (SELECT count(*) FROM accounts),
    (SELECT count(*) FROM contacts), (SELECT count(*) FROM mrr_changes),
    (SELECT count(*) FROM events), (SELECT count(*) FROM touchpoints),
    (SELECT count(*) FROM responses), (SELECT count(*) FROM orders)")
read -r na nc nm ne nt nr no <<<"$counts"
check_eq "summary = store counts" \
    "generated $na accounts, $nc contacts, $nm MRR changes, $ne events, $nt touchpoints, $nr responses, $no orders" \
    "$summary"
check_eq "150 accounts" 150 "$na"

# --end moves the business in time: a run ending a month later is other data. (Its latest event
# is what is compared, which any business that is active at its end has: 30 accounts, not 150,
# a fifth of the writing; on PostgreSQL, row by row, the longest part of the test.)
run_lf demo --db "$db_d" --accounts 30 --seed 7 --end 2024-07-31
check "another --end gives other events" test "$(store_sql "$db_d" 'SELECT max(ts) FROM events')" \
    -gt "$(store_sql "$db_a" 'SELECT max(ts) FROM events')"

finish

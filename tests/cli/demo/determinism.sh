#!/usr/bin/env bash
# determinism.sh - the same seed and end give byte-identical data (every data table dumped with
# the sqlite3 CLI and compared); another seed gives other data; the summary line counts the rows.
source "$(dirname "$0")/../lib.sh"

tables="accounts contacts mrr_changes orders surveys event_names events touchpoints responses"
# dump DB: every data table in id order (the workspace row holds its creation time: left out)
dump() {
    local t
    for t in $tables; do
        echo "== $t"
        sqlite3 -csv "$1" "SELECT * FROM $t ORDER BY id"
    done
}

run_lf demo --db "$SCRATCH/a.db" --accounts 150 --seed 7 --end 2024-06-30
check_eq "first run exits 0" 0 "$rc"
summary=$out
run_lf demo --db "$SCRATCH/b.db" --accounts 150 --seed 7 --end 2024-06-30
check_eq "second run exits 0" 0 "$rc"
check_eq "same summary" "$summary" "$out"
run_lf demo --db "$SCRATCH/c.db" --accounts 150 --seed 8 --end 2024-06-30
check_eq "third run exits 0" 0 "$rc"

dump "$SCRATCH/a.db" >"$SCRATCH/a.dump"
dump "$SCRATCH/b.db" >"$SCRATCH/b.dump"
dump "$SCRATCH/c.db" >"$SCRATCH/c.dump"
check "the dump is not trivial (150 accounts, thousands of events)" \
    test "$(grep -c '' "$SCRATCH/a.dump")" -gt 10000
check "seed 7 twice: identical data" cmp -s "$SCRATCH/a.dump" "$SCRATCH/b.dump"
for t in accounts contacts events responses; do
    same=$(diff <(sqlite3 -csv "$SCRATCH/a.db" "SELECT * FROM $t ORDER BY id") \
                <(sqlite3 -csv "$SCRATCH/c.db" "SELECT * FROM $t ORDER BY id") >/dev/null && echo same)
    check_eq "seed 8 gives other $t" "" "$same"
done

# The summary line is the row counts of the store.
counts=$(sqlite3 -separator ' ' "$SCRATCH/a.db" "SELECT (SELECT count(*) FROM accounts),
    (SELECT count(*) FROM contacts), (SELECT count(*) FROM mrr_changes),
    (SELECT count(*) FROM events), (SELECT count(*) FROM touchpoints),
    (SELECT count(*) FROM responses), (SELECT count(*) FROM orders)")
read -r na nc nm ne nt nr no <<<"$counts"
check_eq "summary = store counts" \
    "generated $na accounts, $nc contacts, $nm MRR changes, $ne events, $nt touchpoints, $nr responses, $no orders" \
    "$summary"
check_eq "150 accounts" 150 "$na"

# --end moves the business in time: a run ending a month later is other data.
run_lf demo --db "$SCRATCH/d.db" --accounts 150 --seed 7 --end 2024-07-31
check "another --end gives other events" test "$(sqlite3 "$SCRATCH/d.db" 'SELECT max(ts) FROM events')" \
    -gt "$(sqlite3 "$SCRATCH/a.db" 'SELECT max(ts) FROM events')"

finish

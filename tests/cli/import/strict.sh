#!/bin/bash
# strict.sh - with --strict the first rejected row aborts its file: exit 3, the error on stderr,
# no row of the file written (not even the stub accounts made before the error), no rejects file.
source "$(dirname "$0")/../lib.sh"

# dump: every table's rows, in one store_sql (on PostgreSQL one copy of the store, not one a table)
dump() {
    local t q=""
    for t in accounts contacts mrr_changes orders events touchpoints responses; do
        q+="SELECT '$t', * FROM $t ORDER BY id; "
    done
    store_sql "$LANDFALL_DB" "$q"
}
cp "$TESTDATA"/import/*.csv "$SCRATCH"/
cd "$SCRATCH" || exit 1

run_lf import accounts accounts.csv
check_eq "baseline" 0 "$rc"
before=$(dump)

# accounts_bad.csv has a good row before its first bad one (line 3)
run_lf import --strict accounts accounts_bad.csv
check_eq "strict: exit 3" 3 "$rc"
check_eq "strict: summary" \
    "accounts_bad.csv: aborted at a rejected row (--strict), nothing imported" "$out"
check_eq "strict: the first error only" "accounts_bad.csv:3:mrr: '12,5' is not a decimal amount" \
    "$errout"
check_eq "strict: nothing written" "$before" "$(dump)"
check "strict: no rejects file" test ! -e accounts_bad.csv.rejects.csv

# the stub account made for row 2 goes with the abort at row 3
printf 'id,account_id,email\nk1,brand-new,k1@new.io\nk2,acme,not-an-email\n' > contacts_bad.csv
run_lf import contacts contacts_bad.csv --strict
check_eq "strict stub: exit 3" 3 "$rc"
check_eq "strict stub: stderr" "contacts_bad.csv:2: created stub account 'brand-new'
contacts_bad.csv:3:email: 'not-an-email' is not an email address" "$errout"
check_eq "strict stub: nothing written, no stub" "$before" "$(dump)"

# a good file under --strict imports as usual
run_lf import --strict contacts contacts.csv
check_eq "strict good: exit 0" 0 "$rc"
check_eq "strict good: rows" 3 "$(store_sql "$LANDFALL_DB" "SELECT count(*) FROM contacts")"

# without --strict the same bad file commits its good rows
run_lf import accounts accounts_bad.csv
check_eq "lenient: exit 1" 1 "$rc"
check_eq "lenient: good rows in" 2 \
    "$(store_sql "$LANDFALL_DB" "SELECT count(*) FROM accounts WHERE ext_id LIKE 'ok%'")"
finish

#!/usr/bin/env bash
# replace.sh - a store that holds data is refused without --replace (exit 2, data intact); with it
# the data is replaced by exactly what a fresh store gets; bad options are usage errors (exit 2).
source "$(dirname "$0")/../lib.sh"
db_fresh=$(scratch_store fresh) || exit 1

db=$(scratch_store demo) || exit 1
fingerprint() {
    store_sql "$1" "SELECT (SELECT count(*) FROM accounts) || ' ' || (SELECT count(*) FROM events)
        || ' ' || (SELECT sum(mrr) FROM accounts) || ' ' || (SELECT sum(ts % 1000003) FROM events)"
}

run_lf demo --db "$db" --accounts 40 --seed 5 --end 2024-06-30
check_eq "first demo exits 0" 0 "$rc"
before=$(fingerprint "$db")

run_lf demo --db "$db" --accounts 40 --seed 6 --end 2024-06-30
check_eq "a store with data is refused: exit 2" 2 "$rc"
check "the message says what to do" grep -q -- "--replace" "$SCRATCH/err"
check "the message says what is there" grep -q "40 accounts" "$SCRATCH/err"
check_eq "nothing printed on stdout" "" "$out"
check_eq "the data is intact" "$before" "$(fingerprint "$db")"

# The global --db before the command works the same.
run_lf --db "$db" demo --accounts 40 --seed 6 --end 2024-06-30
check_eq "global --db: refused too" 2 "$rc"

run_lf demo --db "$db" --accounts 40 --seed 6 --end 2024-06-30 --replace
check_eq "--replace exits 0" 0 "$rc"
run_lf demo --db "$db_fresh" --accounts 40 --seed 6 --end 2024-06-30
check_eq "the replaced store = a fresh store of the same seed" "$(fingerprint "$db_fresh")" \
    "$(fingerprint "$db")"
check "seed 6 differs from seed 5" test "$(fingerprint "$db")" != "$before"
check_eq "no stray rows: event names as in the fresh store" \
    "$(store_sql "$db_fresh" 'SELECT count(*) FROM event_names')" \
    "$(store_sql "$db" 'SELECT count(*) FROM event_names')"

# Usage errors leave the store alone and exit 2.
after=$(fingerprint "$db")
for args in "--accounts 0" "--accounts -3" "--accounts 12x" "--accounts 10000001" \
            "--months 11" "--months 121" "--seed -1" "--seed abc" "--end yesterday" \
            "--bogus" "extra"; do
    # shellcheck disable=SC2086
    run_lf demo --db "$db" --replace $args
    check_eq "demo $args: exit 2" 2 "$rc"
done
check_eq "the usage errors changed nothing" "$after" "$(fingerprint "$db")"

run_lf demo --help
check_eq "--help exits 0" 0 "$rc"
check "--help lists --replace" grep -q -- "--replace" "$SCRATCH/out"
run_lf help demo
check_eq "help demo = demo --help" "$(cat "$SCRATCH/out")" "$("$LANDFALL" demo --help)"

finish

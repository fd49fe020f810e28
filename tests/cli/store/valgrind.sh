#!/usr/bin/env bash
# valgrind.sh - the CLI paths leak nothing and touch no uninitialised memory under valgrind:
# demo, import, report (every report), usage and keys. Skipped in the sanitizer build, whose
# own runtime would confuse valgrind (the sanitizers check those paths there instead).
source "$(dirname "$0")/../lib.sh"

if [ "${LANDFALL_SANITIZED:-none}" != none ]; then
    echo "skipped: sanitizer build"
    finish
    exit 0
fi
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed"; exit 1; }

# vg NAME ARGS...: runs landfall under valgrind; fails on any error or leak.
vg() {
    local name=$1
    shift
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --log-file="$SCRATCH/vg-$name.log" "$LANDFALL" "$@" >/dev/null 2>"$SCRATCH/vg-$name.err"
    local code=$?
    check "valgrind: landfall $* (exit $code, $(head -c 300 "$SCRATCH/vg-$name.log"))" test "$code" -ne 99
    check_eq "valgrind: landfall $* reports nothing" "" "$(cat "$SCRATCH/vg-$name.log")"
}

vg demo demo --accounts 30 --seed 2 --months 12 --end 2026-01-01
check_eq "the demo wrote accounts" 30 "$(store_sql "$LANDFALL_DB" 'SELECT count(*) FROM accounts')"
for r in nps csat ces churn mrr churn-reasons repeat acquisition clv; do
    vg "report-$r" report "$r" --by month --now 2026-01-01 --json
done
printf 'id,name,mrr\nx1,X One,12.50\nx2,X Two,oops\n' >"$SCRATCH/accounts.csv"
vg import import accounts "$SCRATCH/accounts.csv"
vg usage usage dau --now 2026-01-01
vg keys keys create --scope read
finish

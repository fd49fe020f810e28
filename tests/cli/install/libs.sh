#!/usr/bin/env bash
# libs.sh - landfall where XGBoost, libcurl and libpq are not installed: the binary does not name
# them (base/dynlib.c opens each when a command first needs it), so the commands that need none
# work as before, and the ones that do fail with the library and its package named, never a
# crash. "Not installed" is an empty file bind-mounted over each library in a private mount
# namespace of the command alone (root only: skipped otherwise).
source "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null ||
    { echo "SKIP: hiding a library needs root and unshare(1) in a private mount namespace"; exit 77; }
# where the dynamic linker finds each (its cache), as dlopen will
hide=()
for l in libxgboost.so.0 libcurl.so.4 libpq.so.5; do
    p=$(ldconfig -p | awk -v l="$l" '$1 == l { print $NF; exit }')
    [ -n "$p" ] || { echo "SKIP: $l is not installed at all"; exit 77; }
    hide+=("$p")
done

# ---- the binary names none of them, nor what they pull in ----
needed=$(readelf -d "$LANDFALL" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
for l in libxgboost libcurl libpq libstdc++ libgomp; do
    check "$l is not loaded at every start" test -z "$(grep "^$l" <<<"$needed")"
done

# hidden CMD...: runs CMD with the three libraries replaced by an empty file, as run_lf does
hidden() {
    HIDE="${hide[*]}" unshare -m --propagation private bash -c '
        for p in $HIDE; do mount --bind /dev/null "$p" || exit 99; done
        exec "$@"' _ "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    rc=$?
    out=$(cat "$SCRATCH/out")
    errout=$(cat "$SCRATCH/err")
}

# ---- commands that need none of them: the same answer as with them ----
db="$SCRATCH/plain.db" # SQLite whatever the suite's engine: PostgreSQL needs libpq
cd "$SCRATCH" || exit 1
printf 'id,name\nA,Acme\n' >accounts.csv
printf 'id,account_id,email,name\nc1,A,c1@a.test,Alice\n' >contacts.csv
hidden "$LANDFALL" --db "$db" import accounts accounts.csv
check_eq "an import without them" 0 "$rc"
hidden "$LANDFALL" --db "$db" import contacts contacts.csv
check_eq "another" 0 "$rc"
# port 9 (discard) on 127.0.0.1: nothing listens, and no mail is meant to get through anyway
"$LANDFALL" --db "$db" surveys settings --smtp smtp://127.0.0.1:9 --from "Acme <s@acme.test>" \
    --base-url https://cx.acme.test/ >/dev/null
"$LANDFALL" --db "$db" surveys create rel --kind nps --name "How are we doing?" >/dev/null
run_lf --db "$db" surveys list
with=$out
hidden "$LANDFALL" --db "$db" surveys list
check_eq "surveys list without them: the same table" "$with" "$out"
hidden "$LANDFALL" help churn
check_eq "help" 0 "$rc"

# ---- XGBoost: training is refused, naming the library and its package ----
{
    echo "id,x,churn"
    for i in $(seq 0 99); do echo "$i,$((i % 10)),$((i % 10 > 6))"; done
} >rows.csv
hidden "$LANDFALL" --db "$db" churn fit-csv rows.csv --label churn --id id
check_eq "fit-csv without XGBoost: the system failed (4)" 4 "$rc"
check_eq "it says which library, why and what to install" \
    "landfall: the gradient boosting library XGBoost libxgboost.so.0 could not be loaded: ${hide[0]}: file too short; install libxgboost0" \
    "$errout"
run_lf --db "$db" churn fit-csv rows.csv --label churn --id id
check_eq "with it, the same rows train" 0 "$rc"

# ---- libpq: a PostgreSQL URL is refused the same way; without the library it would try to
# connect to the socket and say it cannot ----
hidden "$LANDFALL" --db "postgresql:///landfall?host=$SCRATCH" surveys list
check_eq "a PostgreSQL store without libpq: 4" 4 "$rc"
check_eq "the message" \
    "landfall: the PostgreSQL client library libpq.so.5 could not be loaded: ${hide[2]}: file too short; install libpq5" \
    "$errout"

# ---- libcurl: the invitation is marked failed with the reason, as with the relay down ----
hidden "$LANDFALL" --db "$db" surveys send rel --contact c1 --channel email
check_eq "send without libcurl: the command itself succeeds" 0 "$rc"
check_eq "the delivery failed" "failed" "$(cut -f2 <<<"$out")"
check_eq "and says why" \
    "the URL transfer library libcurl.so.4 could not be loaded: ${hide[1]}: file too short; install libcurl4" \
    "$(cut -f4 <<<"$out")"

finish

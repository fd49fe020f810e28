#!/bin/bash
# progress.sh - on a terminal the import draws a progress bar by bytes read (340 of 340 for
# accounts.csv); when stderr is not a terminal, or with --quiet, it draws nothing.
source "$(dirname "$0")/../lib.sh"

cp "$TESTDATA"/import/accounts.csv "$SCRATCH"/
cd "$SCRATCH" || exit 1
size=$(stat -c %s accounts.csv)

# script(1) runs the command on a pseudo-terminal
script -qec "'$LANDFALL' --db '$(scratch_store tty)' import accounts accounts.csv" /dev/null > tty.txt
check "a terminal shows the bar at 100% of the file's $size bytes" \
    grep -q "accounts.csv *\[#*\] 100%  $size/$size" tty.txt
check "the summary follows" grep -q "accounts.csv: 3 rows, 3 inserted" tty.txt

script -qec "'$LANDFALL' --db '$(scratch_store quiet)' import --quiet accounts accounts.csv" /dev/null \
    > quiet.txt
check "--quiet draws no bar" test "$(grep -c '100%' quiet.txt)" -eq 0

run_lf import accounts accounts.csv
check_eq "stderr not a terminal: nothing on it" "" "$errout"
finish

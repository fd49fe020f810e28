#!/usr/bin/env bash
# snapshot.sh - the engine's snapshot next to the store: written after a build, loaded and
# caught up with newly imported events, and ignored with a warning (then rewritten) when it is
# damaged or stale; answers are the same with and without it; `engine rebuild` and `info`.
source "$(dirname "$0")/../lib.sh"

NOW=2026-06-01
SNAP="$LANDFALL_DB.engine"
snap=() # on SQLite the snapshot's default place is beside the store file
if ! on_sqlite; then
    # a server database has no file to put it beside: --snapshot names it (src/cli/cli.c)
    SNAP="$SCRATCH/store.engine"
    snap=(--snapshot "$SNAP")
fi
field() { # field NAME: the column NAME of the one-row CSV in $out
    awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR == 2 { print $c }' \
        <<<"$out"
}

run_lf demo --accounts 60 --seed 9 --end $NOW
check_eq "demo data generated" 0 "$rc"
EVENTS=$(store_sql "$LANDFALL_DB" "SELECT COUNT(*) FROM events")

run_lf engine info "${snap[@]}" --csv
check_eq "first load builds" "built" "$(field origin)"
check_eq "it holds every event" "$EVENTS" "$(field events)"
check_eq "its high-water mark is the last event id" \
    "$(store_sql "$LANDFALL_DB" "SELECT max(id) FROM events")" "$(field high_water)"
check "the snapshot was written next to the store" test -s "$SNAP"
check_eq "no warning" "" "$errout"

run_lf engine info "${snap[@]}" --csv
check_eq "second load reads the snapshot" "snapshot" "$(field origin)"
check_eq "with every event" "$EVENTS" "$(field events)"
bpe=$(field bytes_per_event)
check "at most 24 bytes an event ($bpe)" awk -v b="$bpe" 'BEGIN { exit !(b <= 24) }'

# answers from the snapshot and from the store are the same
run_lf usage portfolio "${snap[@]}" --now $NOW --csv
from_snapshot=$out
run_lf usage portfolio --now $NOW --csv --no-snapshot
check_eq "portfolio from the snapshot = from the store" "$from_snapshot" "$out"

# new events: the snapshot is loaded and caught up
acc=$(store_sql "$LANDFALL_DB" "SELECT ext_id FROM accounts ORDER BY id LIMIT 1")
{
    echo "message_id,ts,account_id,user_id,event,value"
    for i in 1 2 3 4 5; do echo "new-$i,2026-05-31T10:0$i:00Z,$acc,,late_feature,"; done
} >"$SCRATCH/events.csv"
run_lf import events "$SCRATCH/events.csv"
check_eq "5 events imported" 0 "$rc"
run_lf engine info "${snap[@]}" --csv
check_eq "loaded from the snapshot" "snapshot" "$(field origin)"
check_eq "and caught up" "$((EVENTS + 5))" "$(field events)"
run_lf usage adoption "${snap[@]}" --account "$acc" --now $NOW --csv
check "the new feature counts for the account" grep -q "^$acc," <<<"$out"
run_lf usage features "${snap[@]}" --now $NOW --csv --days 30
check "the new event name is in the catalogue" grep -q "^late_feature,30," <<<"$out"

# a damaged snapshot: warned about, rebuilt, rewritten
size=$(stat -c %s "$SNAP")
printf 'X' | dd of="$SNAP" bs=1 seek=$((size / 2)) conv=notrunc status=none
run_lf engine info "${snap[@]}" --csv
check_eq "a damaged snapshot still answers" 0 "$rc"
check_eq "it is rebuilt" "rebuilt" "$(field origin)"
check "with a warning naming the checksum" grep -q "checksum" <<<"$errout"
check_eq "all events are there" "$((EVENTS + 5))" "$(field events)"
run_lf engine info "${snap[@]}" --csv
check_eq "the rewritten snapshot loads" "snapshot" "$(field origin)"

# a stale snapshot: the store was regenerated
run_lf demo --accounts 60 --seed 10 --end $NOW --replace
check_eq "regenerated" 0 "$rc"
run_lf engine info "${snap[@]}" --csv
check_eq "a stale snapshot is rebuilt" "rebuilt" "$(field origin)"
check "with a warning saying stale" grep -q "stale" <<<"$errout"
check_eq "holding the new store's events" \
    "$(store_sql "$LANDFALL_DB" "SELECT COUNT(*) FROM events")" "$(field events)"

# rebuild on demand
run_lf engine rebuild "${snap[@]}" --csv
check_eq "engine rebuild" 0 "$rc"
check_eq "rebuild says built" "built" "$(field origin)"
run_lf engine info --csv --snapshot "$SCRATCH/other.engine"
check_eq "--snapshot PATH names another file" "built" "$(field origin)"
check "which is written" test -s "$SCRATCH/other.engine"

run_lf engine bench "${snap[@]}" --runs 2 --now $NOW --csv
check_eq "engine bench runs" 0 "$rc"
check_eq "bench times four queries" 4 "$(tail -n +2 <<<"$out" | wc -l)"

run_lf engine nosuch
check_eq "an unknown engine action is a usage error" 2 "$rc"

finish

#!/bin/bash
# big.sh - a file over 100 MiB, generated here, is streamed: every row lands, a bad row near its
# end is named by its exact line, and (unsanitised builds) the process stays smaller than the
# file. Under the sanitizers, whose shadow memory makes the process's size no measure of the
# file's, the file is a tenth as large (still some 180 of the reader's 64 KiB chunks, rows cut
# across them): the same checks but the size, in a tenth of the time.
source "$(dirname "$0")/../lib.sh"

cd "$SCRATCH" || exit 1
n=113000
bad=100000 # row index with a bad value: line bad + 2 (the header is line 1)
min_mib=100
if [ "${LANDFALL_SANITIZED:-none}" != none ]; then
    n=11300 bad=10000 min_mib=10
fi
# rows of about 930 bytes: a 900-byte note (an event property) keeps the row count modest
awk -v n=$n -v bad=$bad 'BEGIN {
    pad = sprintf("%900s", ""); gsub(/ /, "x", pad)
    print "ts,account_id,user_id,event,value,note"
    for (i = 0; i < n; i++)
        printf "%d,acc%d,u%d,ev%d,%s,%s%d\n", 1700000000 + i, i % 500, i % 5000, i % 30,
               i == bad ? "bad" : i % 10, pad, i
}' > big.csv
size=$(stat -c %s big.csv)
check "the file is over $min_mib MiB ($size bytes)" test "$size" -gt $((min_mib * 1024 * 1024))

/usr/bin/time -f %M -o rss.txt "$LANDFALL" import events big.csv >out.txt 2>err.txt
rc=$?
check_eq "exit 1 (one row rejected)" 1 "$rc"
check_eq "summary" \
    "big.csv: $n rows, $((n - 1)) inserted, 0 updated, 0 unchanged, 1 rejected (see big.csv.rejects.csv), 500 stub accounts created" \
    "$(cat out.txt)"
check_eq "the bad row's line" "big.csv:$((bad + 2)):value: 'bad' is not a number" \
    "$(grep -v 'stub account' err.txt)"
# Read on the store itself, in SQL of both dialects (store_exec): on PostgreSQL store_sql would
# first copy the 100 MiB of events into SQLite, a third of the test's time there.
check_eq "rows that landed" "$((n - 1))|5000|500" \
    "$(store_exec "$LANDFALL_DB" "SELECT (SELECT count(*) FROM events),
        (SELECT count(*) FROM contacts), (SELECT count(*) FROM accounts)")"
# the last row made it whole: its properties are its note, the pad and then its index
pad=$(printf '%900s' '' | tr ' ' x)
check_eq "the last row" "{\"note\":\"$pad$((n - 1))\"}" \
    "$(store_exec "$LANDFALL_DB" "SELECT props FROM events ORDER BY ts DESC LIMIT 1")"
if [ "${LANDFALL_SANITIZED:-none}" = none ]; then
    rss_kb=$(tail -n 1 rss.txt) # time(1) adds a line about the exit status first
    check "peak RSS ${rss_kb} KiB is below the file's size" test $((rss_kb * 1024)) -lt "$size"
fi
finish

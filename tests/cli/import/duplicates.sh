#!/bin/bash
# duplicates.sh - an id repeated within a file: the last row wins, the earlier ones leave no
# trace (no MRR point, no stub), and importing the file again gives the same result and
# changes nothing. Events keep their first message id (an event is never rewritten).
source "$(dirname "$0")/../lib.sh"

q() { store_sql "$LANDFALL_DB" "$1"; }
ms() { sqlite3 :memory: "SELECT CAST(strftime('%s', '$1') AS INTEGER) * 1000"; }
cd "$SCRATCH" || exit 1

cat > dup.csv <<'CSV'
id,name,plan,mrr,customer_since
d1,First,basic,10,2024-01-01
d2,Other,pro,20,2024-01-01
d1,Second,premium,30,2024-02-01
CSV
for round in 1 2; do
    run_lf import accounts dup.csv
    check_eq "round $round: exit" 0 "$rc"
    check_eq "round $round: notice" "dup.csv:2: skipped: line 4 has the same id and wins" "$errout"
    check_eq "round $round: d1 is the last row" "d1|Second|premium|3000|$(ms 2024-02-01)" \
        "$(q "SELECT ext_id, name, plan, mrr, customer_since FROM accounts WHERE ext_id = 'd1'")"
    check_eq "round $round: d1's MRR history is the last row's only" "$(ms 2024-02-01)|3000" \
        "$(q "SELECT m.date, m.mrr FROM mrr_changes m JOIN accounts a ON a.id = m.account_id
              WHERE a.ext_id = 'd1'")"
done
check_eq "round 2 changes nothing" \
    "dup.csv: 3 rows, 0 inserted, 0 updated, 3 unchanged, 0 rejected" "$out"
run_lf --db "$(scratch_store first)" import accounts dup.csv
check_eq "round 1 summary" "dup.csv: 3 rows, 2 inserted, 0 updated, 1 unchanged, 0 rejected" "$out"

# a repeated row that refers to an unknown account creates no stub when a later row wins
cat > cdup.csv <<'CSV'
id,account_id,name
c1,ghost,Early
c1,d2,Late
CSV
run_lf import contacts cdup.csv
check_eq "contacts: exit" 0 "$rc"
check_eq "contacts: c1 under d2, no stub for ghost" "c1|d2|Late|0" \
    "$(q "SELECT c.ext_id, a.ext_id, c.name, (SELECT count(*) FROM accounts WHERE ext_id = 'ghost')
          FROM contacts c JOIN accounts a ON a.id = c.account_id")"

# mrr_changes: the same account and day, however it is written, is one point: the last wins
cat > mdup.csv <<'CSV'
account_id,date,mrr
d2,2024-03-01,25
d2,2024-03-01T10:00:00Z,26
CSV
run_lf import mrr_changes mdup.csv
check_eq "mrr_changes: summary" "mdup.csv: 2 rows, 1 inserted, 0 updated, 1 unchanged, 0 rejected" \
    "$out"
check_eq "mrr_changes: notice" \
    "mdup.csv:2: skipped: line 3 has the same account_id and date and wins" "$errout"
check_eq "mrr_changes: the point" "$(ms 2024-03-01)|2600" \
    "$(q "SELECT m.date, m.mrr FROM mrr_changes m JOIN accounts a ON a.id = m.account_id
          WHERE a.ext_id = 'd2' AND m.date = $(ms 2024-03-01)")"

# NDJSON the same
printf '{"id":"n1","name":"A"}\n{"id":"n1","name":"B"}\n' > dup.ndjson
run_lf import accounts dup.ndjson
check_eq "ndjson: summary" "dup.ndjson: 2 rows, 1 inserted, 0 updated, 1 unchanged, 0 rejected" \
    "$out"
check_eq "ndjson: last wins" "B" "$(q "SELECT name FROM accounts WHERE ext_id = 'n1'")"

# events: a message id seen before is skipped, in the file and in the store
cat > edup.csv <<'CSV'
message_id,ts,account_id,event,value
e1,2024-01-01T00:00:00Z,d1,login,1
e1,2024-01-01T00:00:00Z,d1,login,2
CSV
for round in 1 2; do
    run_lf import events edup.csv
    check_eq "events round $round: one event, the first" "1|1.0" \
        "$(q "SELECT count(*), max(value) FROM events")"
done
check_eq "events round 2: both unchanged" \
    "edup.csv: 2 rows, 0 inserted, 0 updated, 2 unchanged, 0 rejected" "$out"
finish

#!/bin/bash
# kinds_csv.sh - every kind imported from CSV: exit code, summary line, and each stored value,
# against hand-worked amounts and SQLite's own reading of the same times.
source "$(dirname "$0")/../lib.sh"

q() { store_sql "$LANDFALL_DB" "$1"; }
# ms TIME: the instant as SQLite reads it, in milliseconds (independent of landfall's parser)
ms() { sqlite3 :memory: "SELECT CAST(strftime('%s', '$1') AS INTEGER) * 1000"; }

cp "$TESTDATA"/import/*.csv "$SCRATCH"/
cd "$SCRATCH" || exit 1

# ---- accounts: money in minor units of each currency (USD cents, EUR cents, JPY yen) ----
run_lf import accounts accounts.csv
check_eq "accounts: exit" 0 "$rc"
check_eq "accounts: summary" \
    "accounts.csv: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"
check_eq "accounts: nothing on stderr" "" "$errout"
check_eq "accounts: values" \
"acme|Acme Corp|pro|mid-market|120050|USD|25|customer|ana|$(ms 2023-01-15)|$(ms 2024-01-15)|{\"industry\":\"fintech\"}|0
beta|Beta GmbH|starter|smb|9900|EUR|5|trial|bob|$(ms 2023-06-01)||{\"industry\":\"retail\"}|0
kyoto|Kyoto KK|enterprise|enterprise|150000|JPY|100|customer|ana|$(ms 2023-01-01)|$(ms 2025-03-31)||0" \
    "$(q "SELECT ext_id, name, plan, segment, mrr, currency, seats, stage, owner,
                 customer_since, renewal_date, attrs, stub FROM accounts ORDER BY ext_id")"
# an account's first MRR starts its history on customer_since
check_eq "accounts: MRR history starts at customer_since" \
"acme|$(ms 2023-01-15)|120050
beta|$(ms 2023-06-01)|9900
kyoto|$(ms 2023-01-01)|150000" \
    "$(q "SELECT a.ext_id, m.date, m.mrr FROM mrr_changes m JOIN accounts a ON a.id = m.account_id
          ORDER BY a.ext_id, m.date")"

# ---- contacts: an unknown account becomes a stub, said on stderr ----
run_lf import contacts contacts.csv
check_eq "contacts: exit" 0 "$rc"
check_eq "contacts: summary" \
    "contacts.csv: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected, 1 stub account created" \
    "$out"
check_eq "contacts: stub notice" "contacts.csv:4: created stub account 'newco'" "$errout"
check_eq "contacts: values" \
"c1|acme|ana@acme.io|Ana Alves|champion|$(ms 2023-02-01)|{\"title\":\"CTO\"}
c2|beta|bo@beta.de|Bo Berg|end user||
c3|newco|cy@newco.com|Cy Chen|decision maker|$(ms 2023-05-05T10:00:00+02:00)|{\"title\":\"CEO\"}" \
    "$(q "SELECT c.ext_id, a.ext_id, c.email, c.name, c.role, c.created_at, c.attrs
          FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id ORDER BY c.ext_id")"
check_eq "contacts: the stub has no details" "1|1|0" \
    "$(q "SELECT stub, name IS NULL, mrr FROM accounts WHERE ext_id = 'newco'")"

# ---- mrr_changes: points of the history; the account's MRR is its latest point ----
run_lf import mrr_changes mrr_changes.csv
check_eq "mrr_changes: exit" 0 "$rc"
check_eq "mrr_changes: summary" \
    "mrr_changes.csv: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"
check_eq "mrr_changes: history" \
"acme|$(ms 2023-01-15)|120050|
acme|$(ms 2023-06-01)|150000|
acme|$(ms 2023-09-01)|0|budget cuts
kyoto|$(ms 2023-01-01)|150000|
kyoto|$(ms 2023-04-01)|200000|" \
    "$(q "SELECT a.ext_id, m.date, m.mrr, m.reason FROM mrr_changes m
          JOIN accounts a ON a.id = m.account_id WHERE a.ext_id IN ('acme', 'kyoto')
          ORDER BY a.ext_id, m.date")"
check_eq "mrr_changes: current MRR" "acme|0
beta|9900
kyoto|200000" "$(q "SELECT ext_id, mrr FROM accounts WHERE ext_id IN ('acme','beta','kyoto')
                    ORDER BY ext_id")"

# ---- orders: the customer is an account, else a contact (its account pays); unknown: stub ----
run_lf import orders orders.csv
check_eq "orders: exit" 0 "$rc"
check_eq "orders: summary" \
    "orders.csv: 4 rows, 4 inserted, 0 updated, 0 unchanged, 0 rejected, 1 stub account created" \
    "$out"
check_eq "orders: stub notice" "orders.csv:4: created stub account 'walkin'" "$errout"
# o2 is 10 EUR for contact c2 of beta; the last is 3000 JPY for kyoto, without an id
check_eq "orders: values" \
"o1|acme||$(ms 2024-01-05T09:00:00Z)|4999
o2|beta|c2|$(ms 2024-01-06T10:00:00Z)|1000
o3|walkin||$(ms 2024-01-07)|550
-|kyoto||$(ms 2024-01-08)|3000" \
    "$(q "SELECT CASE WHEN o.ext_id LIKE 'h:%' THEN '-' ELSE o.ext_id END, a.ext_id, c.ext_id,
                 o.ts, o.amount FROM orders o JOIN accounts a ON a.id = o.account_id
          LEFT JOIN contacts c ON c.id = o.contact_id ORDER BY o.ts")"
# a derived id: "h:", the time in 11 hex digits, 16 hex digits of hash
check_eq "orders: derived id" "h:$(printf '%011x' "$(ms 2024-01-08)")|29" \
    "$(q "SELECT substr(ext_id, 1, 13), length(ext_id) FROM orders WHERE ext_id LIKE 'h:%'")"

# ---- events: a user's account fills a missing account; an unknown user becomes a contact ----
run_lf import events events.csv
check_eq "events: exit" 0 "$rc"
check_eq "events: summary" "events.csv: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected" \
    "$out"
check_eq "events: values" \
"m1|$(ms 2024-02-01T08:00:00Z)|acme|c1|login||{\"plan\":\"pro\"}
m2|$(ms 2024-02-01T09:00:00+01:00)|beta|c2|export|3.5|
-|1706774400000|acme|u9|login||" \
    "$(q "SELECT CASE WHEN e.message_id LIKE 'h:%' THEN '-' ELSE e.message_id END, e.ts,
                 a.ext_id, c.ext_id, n.name, e.value, e.props FROM events e
          JOIN event_names n ON n.id = e.name_id LEFT JOIN accounts a ON a.id = e.account_id
          LEFT JOIN contacts c ON c.id = e.contact_id ORDER BY e.id")"
check_eq "events: the new user belongs to the event's account" "acme|" \
    "$(q "SELECT a.ext_id, c.email FROM contacts c JOIN accounts a ON a.id = c.account_id
          WHERE c.ext_id = 'u9'")"

# ---- touchpoints: vocabularies, durations, quoted text, extra columns as attributes ----
run_lf import touchpoints touchpoints.csv
check_eq "touchpoints: exit" 0 "$rc"
check_eq "touchpoints: summary" \
    "touchpoints.csv: 2 rows, 2 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"
check_eq "touchpoints: values" \
"t1|$(ms 2024-02-02T10:00:00Z)|acme|c1|phone|onboarding|success|kickoff call|45.0||Went well|
t2|$(ms 2024-02-03T11:00:00Z)|beta|c2|email|adoption|support|ticket|180.5|resolved|Export fails, \"urgent\"|{\"priority\":\"high\"}" \
    "$(q "SELECT t.ext_id, t.ts, a.ext_id, c.ext_id, t.channel, t.stage, t.team, t.kind,
                 t.duration_minutes, t.status, t.text, t.attrs FROM touchpoints t
          LEFT JOIN accounts a ON a.id = t.account_id LEFT JOIN contacts c ON c.id = t.contact_id
          ORDER BY t.ts")"

# ---- responses: built-in surveys, a rated touchpoint ----
run_lf import responses responses.csv
check_eq "responses: exit" 0 "$rc"
check_eq "responses: summary" \
    "responses.csv: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"
check_eq "responses: values" \
"r1|$(ms 2024-02-04T12:00:00Z)|acme|c1|nps|9|Great support|t1
r2|$(ms 2024-02-05)|beta|c2|csat|2|Slow, very slow|t2
r3|$(ms 2024-02-06)|beta||ces|7||" \
    "$(q "SELECT r.ext_id, r.ts, a.ext_id, c.ext_id, s.ext_id, r.score, r.comment, t.ext_id
          FROM responses r JOIN surveys s ON s.id = r.survey_id
          LEFT JOIN accounts a ON a.id = r.account_id LEFT JOIN contacts c ON c.id = r.contact_id
          LEFT JOIN touchpoints t ON t.id = r.touchpoint_id ORDER BY r.ts")"

# what landed in all: 3 accounts + 2 stubs; c1-c3 + u9; 5 MRR points of acme and kyoto + beta's
check_eq "row counts" "5|4|6|4|3|2|3" \
    "$(q "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM contacts),
                 (SELECT count(*) FROM mrr_changes), (SELECT count(*) FROM orders),
                 (SELECT count(*) FROM events), (SELECT count(*) FROM touchpoints),
                 (SELECT count(*) FROM responses)")"
check_eq "no rejects files" "" "$(ls ./*.rejects.csv 2>/dev/null)"
finish

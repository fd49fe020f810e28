#!/bin/bash
# rejects.sh - bad rows are rejected with FILE:LINE:COLUMN: reason on stderr and kept, as read
# and with an error column, in FILE.rejects.csv; the good rows of the same file are committed
# and what was stored before stays as it was.
source "$(dirname "$0")/../lib.sh"

q() { store_sql "$LANDFALL_DB" "$1"; }
cp "$TESTDATA"/import/* "$SCRATCH"/
cd "$SCRATCH" || exit 1

run_lf import accounts accounts.csv
check_eq "baseline: exit" 0 "$rc"
before=$(q "SELECT * FROM accounts ORDER BY id")

# ---- CSV: bad money, date, currency, a short row, a multi-line good row, a negative MRR ----
run_lf import accounts accounts_bad.csv
check_eq "accounts_bad: exit 1 (some rows rejected)" 1 "$rc"
check_eq "accounts_bad: summary" \
    "accounts_bad.csv: 7 rows, 2 inserted, 0 updated, 0 unchanged, 5 rejected (see accounts_bad.csv.rejects.csv)" \
    "$out"
check_eq "accounts_bad: stderr" \
"accounts_bad.csv:3:mrr: '12,5' is not a decimal amount
accounts_bad.csv:4:customer_since: '2024-13-01': no such calendar date
accounts_bad.csv:5:currency: 'usd' is not an ISO 4217 currency code (three capital letters)
accounts_bad.csv:6: 3 fields where the header has 5
accounts_bad.csv:9:mrr: must not be negative" "$errout"
# the rejected rows as read (re-quoted where CSV needs it; the short row stays short), plus
# the error
check_eq "accounts_bad: rejects file" \
"id,name,mrr,currency,customer_since,error
bad1,Comma,\"12,5\",USD,2024-01-01,\"accounts_bad.csv:3:mrr: '12,5' is not a decimal amount\"
bad2,Date,10,USD,2024-13-01,accounts_bad.csv:4:customer_since: '2024-13-01': no such calendar date
bad3,Cur,10,usd,,accounts_bad.csv:5:currency: 'usd' is not an ISO 4217 currency code (three capital letters)
bad4,Few,10,accounts_bad.csv:6: 3 fields where the header has 5
bad5,Neg,-5,USD,,accounts_bad.csv:9:mrr: must not be negative" \
    "$(cat accounts_bad.csv.rejects.csv)"
check_eq "accounts_bad: good rows committed (the second spans two lines)" \
    "ok1|Fine|1000|USD
ok2|Multi
line name|2000|EUR" \
    "$(q "SELECT ext_id, name, mrr, currency FROM accounts WHERE ext_id LIKE 'ok%' ORDER BY ext_id")"
check_eq "accounts_bad: no rejected row stored" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE ext_id LIKE 'bad%'")"
check_eq "earlier accounts intact" "$before" \
    "$(q "SELECT * FROM accounts WHERE ext_id NOT LIKE 'ok%' ORDER BY id")"

# a fixed rejects file imports as it is: its error column is not an attribute; the short row
# is still short (4 fields, the header has 6)
sed -e 's/"12,5"/12.5/' accounts_bad.csv.rejects.csv > fixed.rejects.csv
run_lf import accounts fixed.rejects.csv
check_eq "fixed rejects: exit" 1 "$rc"
check_eq "fixed rejects: summary" \
    "fixed.rejects.csv: 5 rows, 1 inserted, 0 updated, 0 unchanged, 4 rejected (see fixed.rejects.csv.rejects.csv)" \
    "$out"
check_eq "fixed rejects: bad1 stored, no error attribute" "bad1|1250|" \
    "$(q "SELECT ext_id, mrr, attrs FROM accounts WHERE ext_id = 'bad1'")"

# ---- scores out of their survey's scale, unknown survey, missing score, impossible date ----
run_lf import responses responses_bad.csv
check_eq "responses_bad: exit" 1 "$rc"
check_eq "responses_bad: summary" \
    "responses_bad.csv: 8 rows, 2 inserted, 0 updated, 0 unchanged, 6 rejected (see responses_bad.csv.rejects.csv)" \
    "$out"
check_eq "responses_bad: stderr" \
"responses_bad.csv:2:score: score 11 is outside nps's scale 0..10
responses_bad.csv:3:score: score 0 is outside csat's scale 1..5
responses_bad.csv:5:score: '4.5' is not a whole number
responses_bad.csv:6:survey: survey 'pulse' does not exist
responses_bad.csv:8:score: missing value
responses_bad.csv:9:ts: '2024-02-30': no such calendar date" "$errout"
check_eq "responses_bad: the in-scale rows" "r3|ces|7
r6|nps|10" "$(q "SELECT r.ext_id, s.ext_id, r.score FROM responses r
                 JOIN surveys s ON s.id = r.survey_id ORDER BY r.ext_id")"

# ---- an unbalanced quote at the end: the line where the quoted field starts ----
run_lf import accounts unbalanced.csv
check_eq "unbalanced: exit" 1 "$rc"
check_eq "unbalanced: stderr" \
    "unbalanced.csv:3: unbalanced quote: the quoted field starting on this line never ends" \
    "$errout"
check_eq "unbalanced: the row before is committed" "1" \
    "$(q "SELECT count(*) FROM accounts WHERE ext_id = 'a1'")"
check_eq "unbalanced: rejects file holds the rest as read" \
"id,name,error
a2,\"Broken
a3,Never closed
\",unbalanced.csv:3: unbalanced quote: the quoted field starting on this line never ends" \
    "$(cat unbalanced.csv.rejects.csv)"

# ---- bytes that are not UTF-8: line and column named ----
printf 'id,name\nu1,caf\xe9\nu2,fine\n' > latin1.csv
run_lf import accounts latin1.csv
check_eq "latin1.csv: exit" 1 "$rc"
check_eq "latin1.csv: stderr" "latin1.csv:2:name: not valid UTF-8 (byte 0xE9 at offset 3)" \
    "$errout"
check_eq "latin1.csv: the rejects file keeps the bytes as read" "u1,caf$(printf '\xe9'),latin1.csv:2:name: not valid UTF-8 (byte 0xE9 at offset 3)" \
    "$(sed -n 2p latin1.csv.rejects.csv)"
check_eq "latin1.csv: the UTF-8 row stored" "u2|fine" \
    "$(q "SELECT ext_id, name FROM accounts WHERE ext_id IN ('u1', 'u2')")"
printf '{"id":"u3","name":"caf\xe9"}\n{"id":"u4","name":"ok"}\n' > latin1.ndjson
run_lf import accounts latin1.ndjson
check_eq "latin1.ndjson: exit" 1 "$rc"
check_eq "latin1.ndjson: stderr (jansson's column)" \
    "latin1.ndjson:1:22: invalid JSON: unable to decode byte 0xe9 near '\"caf'" "$errout"

# ---- NDJSON: no account or user, a bad value, an object for an id, bad JSON, an alias without previousId, array ----
run_lf import events events_bad.ndjson
check_eq "events_bad: exit" 1 "$rc"
check_eq "events_bad: stderr" \
"events_bad.ndjson:2: an event needs account_id or user_id
events_bad.ndjson:3:value: 'lots' is not a number
events_bad.ndjson:4:account_id: expected a string or a number, not an object
events_bad.ndjson:5:62: invalid JSON: string or '}' expected near '}'
events_bad.ndjson:6:previousId: missing value
events_bad.ndjson:7: expected a JSON object" "$errout"
check_eq "events_bad: rejects file keeps the lines as read" \
    "record,error
\"[\"\"not\"\", \"\"an\"\", \"\"object\"\"]\",events_bad.ndjson:7: expected a JSON object" \
    "$(sed -n '1p;7p' events_bad.ndjson.rejects.csv)"
check_eq "events_bad: the good events" "login|acme|
logout||u1" "$(q "SELECT n.name, a.ext_id, c.ext_id FROM events e
                  JOIN event_names n ON n.id = e.name_id LEFT JOIN accounts a ON a.id = e.account_id
                  LEFT JOIN contacts c ON c.id = e.contact_id ORDER BY e.ts, n.name")"

# ---- --quiet lists nothing but still writes the file; --no-rejects-file writes none ----
rm -f accounts_bad.csv.rejects.csv
run_lf import --quiet accounts accounts_bad.csv
check_eq "--quiet: exit" 1 "$rc"
check_eq "--quiet: stderr" "" "$errout"
check_eq "--quiet: rejects file still written" 6 "$(wc -l < accounts_bad.csv.rejects.csv)"
run_lf import accounts accounts_bad.csv --no-rejects-file
check_eq "--no-rejects-file: summary names no file" \
    "accounts_bad.csv: 7 rows, 0 inserted, 0 updated, 2 unchanged, 5 rejected" "$out"
check_eq "--no-rejects-file: stderr lists" 5 "$(printf '%s\n' "$errout" | wc -l)"
# a clean import removes a rejects file left by an earlier one
printf 'id,name\nok1,Fine\n' > clean.csv
: > clean.csv.rejects.csv
run_lf import accounts clean.csv
check_eq "clean: exit" 0 "$rc"
check "clean: old rejects file removed" test ! -e clean.csv.rejects.csv
finish

#!/bin/bash
# references.sh - unknown accounts become stubs (said once per account, however often named)
# that a later accounts import fills in; unknown users become contacts; references that cannot
# be made up (a touchpoint, a contact's missing account) reject the row.
source "$(dirname "$0")/../lib.sh"

q() { store_sql "$LANDFALL_DB" "$1"; }
cd "$SCRATCH" || exit 1

cat > ev.csv <<'CSV'
ts,account_id,user_id,event
2024-01-01T00:00:00Z,zeta,z1,login
2024-01-01T01:00:00Z,zeta,z2,login
2024-01-01T02:00:00Z,,z1,logout
2024-01-01T03:00:00Z,,solo,login
2024-01-01T04:00:00Z,omega,,login
CSV
run_lf import events ev.csv
check_eq "events: exit" 0 "$rc"
check_eq "events: one notice per new account" "ev.csv:2: created stub account 'zeta'
ev.csv:6: created stub account 'omega'" "$errout"
check_eq "events: summary counts the stubs" \
    "ev.csv: 5 rows, 5 inserted, 0 updated, 0 unchanged, 0 rejected, 2 stub accounts created" "$out"
# z1 and z2 join zeta; solo has no account; line 4 (z1, no account) takes z1's account
check_eq "events: contacts" "solo|
z1|zeta
z2|zeta" "$(q "SELECT c.ext_id, a.ext_id FROM contacts c LEFT JOIN accounts a
              ON a.id = c.account_id ORDER BY c.ext_id")"
check_eq "events: accounts of the events" "zeta|z1
zeta|z2
zeta|z1
|solo
omega|" "$(q "SELECT a.ext_id, c.ext_id FROM events e LEFT JOIN accounts a ON a.id = e.account_id
             LEFT JOIN contacts c ON c.id = e.contact_id ORDER BY e.ts")"

# a later accounts row fills the stub in and clears its stub mark
printf 'id,name,plan\nzeta,Zeta SA,pro\n' > acc.csv
run_lf import accounts acc.csv
check_eq "stub filled: summary" "acc.csv: 1 row, 0 inserted, 1 updated, 0 unchanged, 0 rejected" \
    "$out"
check_eq "stub filled: values" "Zeta SA|pro|0" \
    "$(q "SELECT name, plan, stub FROM accounts WHERE ext_id = 'zeta'")"
check_eq "stub filled: same internal id, events still attached" "3" \
    "$(q "SELECT count(*) FROM events e JOIN accounts a ON a.id = e.account_id
          WHERE a.ext_id = 'zeta'")"

# references that are refused
cat > resp.csv <<'CSV'
id,ts,account_id,survey,score,touchpoint_id
r1,2024-01-02,zeta,nps,8,tp-missing
r2,2024-01-02,zeta,nps,8,
CSV
run_lf import responses resp.csv
check_eq "responses: exit" 1 "$rc"
check_eq "responses: unknown touchpoint" \
    "resp.csv:2:touchpoint_id: touchpoint 'tp-missing' does not exist" \
    "$errout"
cat > ord.csv <<'CSV'
id,customer_id,ts,amount
o1,solo,2024-01-03,12.00
o2,z2,2024-01-03,7.25
CSV
run_lf import orders ord.csv
check_eq "orders: exit" 1 "$rc"
check_eq "orders: a contact without an account cannot pay" \
    "ord.csv:2:customer_id: customer 'solo' is a contact without an account" "$errout"
check_eq "orders: a contact's order is its account's" "o2|zeta|z2|725" \
    "$(q "SELECT o.ext_id, a.ext_id, c.ext_id, o.amount FROM orders o
          JOIN accounts a ON a.id = o.account_id JOIN contacts c ON c.id = o.contact_id")"
finish

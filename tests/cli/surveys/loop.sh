#!/usr/bin/env bash
# loop.sh - the closed loop over imported responses, on a clock the test sets: a detractor (NPS
# 0-6) and a dissatisfied CSAT (1-2) each open one follow-up task for the account's owner, due 2
# business days later; a passive, a satisfied answer, a response without an account, and
# responses from before surveys were first used open nothing; a second run opens nothing again.
source "$(dirname "$0")/../lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name,owner\nA,Acme,ann\nB,Bolt,\n' >accounts.csv
printf 'id,account_id\nc1,A\nc2,A\nc3,B\nc4,\n' >contacts.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
"$LANDFALL" surveys create rel --kind nps >/dev/null
"$LANDFALL" surveys create sup --kind csat >/dev/null
printf 'id,ts,contact_id,survey,score\nold,2026-02-01T10:00:00Z,c1,rel,0\n' >old.csv
"$LANDFALL" import responses old.csv >/dev/null 2>&1
"$LANDFALL" surveys settings >/dev/null   # surveys start here: 'old' is history
cat >responses.csv <<'CSV'
id,ts,contact_id,survey,score
r1,2026-03-05T10:00:00Z,c1,rel,3
r2,2026-03-05T11:00:00Z,c2,rel,8
r3,2026-03-05T12:00:00Z,c3,sup,2
r4,2026-03-05T13:00:00Z,c2,sup,4
r5,2026-03-05T14:00:00Z,c4,rel,1
CSV
"$LANDFALL" import responses responses.csv >/dev/null 2>&1
# Friday 2026-03-06: two business days later is Tuesday 2026-03-10 (Saturday, Sunday skipped)
check_eq "r1 (NPS 3) and r3 (CSAT 2) are followed up; r5 has no account" "2 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T10:00:00Z)"
check_eq "the tasks: follow-ups for each account's owner (B has none), due Tuesday" \
    "A|follow-up|ann|2026-03-10|Follow up: nps score 3 from c1 (response r1)
B|follow-up||2026-03-10|Follow up: csat score 2 from c3 (response r3)" \
    "$(store_sql "$LANDFALL_DB" "SELECT a.ext_id, t.kind, COALESCE(t.owner, ''),
        strftime('%Y-%m-%d', t.due_date / 1000, 'unixepoch'), t.title
        FROM tasks t JOIN accounts a ON a.id = t.account_id ORDER BY t.id")"
check_eq "a second run opens nothing" "0 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T11:00:00Z)"
printf 'id,ts,contact_id,survey,score\nr1,2026-03-05T10:00:00Z,c1,rel,2\n' >again.csv
"$LANDFALL" import responses again.csv >/dev/null 2>&1
check_eq "r1 changed: still one follow-up per response" "0 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T12:00:00Z)"
"$LANDFALL" surveys followups --csv >f.csv
check_eq "the follow-ups" "id,response,rule,opened,due,task,status,closed
1,2,nps_detractor,2026-03-06T10:00:00Z,2026-03-10,1,open,
2,4,csat_low,2026-03-06T10:00:00Z,2026-03-10,2,open," "$(cat f.csv)"
finish

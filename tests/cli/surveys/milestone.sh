#!/usr/bin/env bash
# milestone.sh - a survey with trigger milestone is offered to a contact when it first reaches
# the milestone event (an account's event without a user: to the account's contacts), once per
# contact, within the fatigue budget, every skip logged; events from before the trigger first
# ran, and events older than 7 days when read (a backfill), are history. Clock set by --now.
source "$(dirname "$0")/../lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name\nA,Acme\nB,Bolt\n' >accounts.csv
printf 'id,account_id\nc1,A\nc2,A\nc3,B\nc4,A\n' >contacts.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
"$LANDFALL" surveys settings --contact-days 30 --account-max 3 --account-days 30 >/dev/null
"$LANDFALL" surveys create rel --kind nps >/dev/null
"$LANDFALL" surveys create ttv --kind csat --trigger milestone --milestone-event report_shared >/dev/null
printf 'message_id,ts,account_id,user_id,event\ne0,2026-03-01T09:00:00Z,,c1,report_shared\n' >e0.csv
"$LANDFALL" import events e0.csv >/dev/null 2>&1
check_eq "the first run starts at the last event: e0 is history" "0 sent, 0 skipped" \
    "$("$LANDFALL" surveys trigger --now 2026-03-02T09:00:00Z)"
# c3 was asked another survey on March 3: its contact budget (30 days) stops the milestone's
"$LANDFALL" surveys send rel --contact c3 --now 2026-03-03T09:00:00Z >/dev/null
cat >events.csv <<'CSV'
message_id,ts,account_id,user_id,event
e1,2026-03-05T10:00:00Z,,c1,report_shared
e2,2026-03-05T11:00:00Z,,c1,report_shared
e3,2026-03-05T11:30:00Z,,c2,login
e4,2026-03-05T12:00:00Z,,c3,report_shared
e5,2026-03-05T13:00:00Z,A,,report_shared
e6,2026-02-01T13:00:00Z,,c4,report_shared
CSV
"$LANDFALL" import events events.csv >/dev/null 2>&1
# e1: c1 asked. e2: c1 again, handled already. e3: not the milestone. e4: c3, skipped
# (contact_budget). e5: account A's: c1 handled, c2 and c4 asked (A: 3 asks in 30 days, at
# most 3). e6: a month old when read, history.
check_eq "c1, c2, c4 are asked; c3 is skipped" "3 sent, 1 skipped" \
    "$("$LANDFALL" surveys trigger --now 2026-03-05T14:00:00Z)"
check_eq "the invitations, with their reason" "c1|milestone|sent
c2|milestone|sent
c4|milestone|sent" "$(store_sql "$LANDFALL_DB" "SELECT c.ext_id, d.reason, d.status
    FROM survey_sends d JOIN contacts c ON c.id = d.contact_id JOIN surveys s ON s.id = d.survey_id
    WHERE s.ext_id = 'ttv' ORDER BY c.ext_id")"
check "why wasn't c3 asked: the log says" bash -c \
    "'$LANDFALL' surveys skips --contact c3 --csv | grep -q '^2026-03-05T14:00:00Z,ttv,c3,contact_budget,asked at 2026-03-03T09:00:00Z'"
check_eq "nothing new: nothing sent" "0 sent, 0 skipped" \
    "$("$LANDFALL" surveys trigger --now 2026-03-05T15:00:00Z)"
# 40 days later c3's budget would allow it, but c3 reached the milestone on March 5: once only
printf 'message_id,ts,account_id,user_id,event\ne7,2026-04-14T10:00:00Z,,c3,report_shared\n' >e7.csv
"$LANDFALL" import events e7.csv >/dev/null 2>&1
check_eq "a contact reaches a milestone once" "0 sent, 0 skipped" \
    "$("$LANDFALL" surveys trigger --now 2026-04-14T11:00:00Z)"
# a paused milestone survey is not due: no invitation, no skip
"$LANDFALL" surveys create ttv2 --kind ces --trigger milestone --milestone-event invited --paused >/dev/null
printf 'message_id,ts,account_id,user_id,event\ne8,2026-04-14T12:00:00Z,,c3,invited\n' >e8.csv
"$LANDFALL" import events e8.csv >/dev/null 2>&1
check_eq "a paused one is not sent" "0 sent, 0 skipped" \
    "$("$LANDFALL" surveys trigger --now 2026-04-14T13:00:00Z)"
finish

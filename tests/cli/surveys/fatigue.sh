#!/usr/bin/env bash
# fatigue.sh - the fatigue budget, on a clock the test sets (--now): a contact is asked at most
# once per contact_days, an account's contacts at most account_max times per account_days, nobody
# at an account within quiet_days of an escalation; a paused survey and another audience are not
# asked either. Every skip is logged with its reason. Worked by hand below, day by day from
# T0 = 2026-03-02 (budgets: 30 days per contact, 2 per account per 30 days, 14 quiet days).
source "$(dirname "$0")/../lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name,plan,segment,owner\nA,Acme,pro,smb,ann\nB,Bolt,pro,smb,bob\nE,Ent,enterprise,ent,eve\n' >accounts.csv
printf 'id,account_id,email,role\nc1,A,c1@a.test,admin\nc2,A,c2@a.test,user\nc3,A,c3@a.test,user\nc4,B,c4@b.test,user\nc5,E,c5@e.test,user\n' >contacts.csv
printf 'id,ts,account_id,kind,team\nesc1,2026-03-07T12:00:00Z,B,escalation,support\n' >touchpoints.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
"$LANDFALL" import touchpoints touchpoints.csv >/dev/null 2>&1
"$LANDFALL" surveys settings --contact-days 30 --account-max 2 --account-days 30 \
    --quiet-days 14 >/dev/null
"$LANDFALL" surveys create rel --kind nps >/dev/null
"$LANDFALL" surveys create ent --kind csat --audience-plan enterprise >/dev/null
"$LANDFALL" surveys create off --kind ces --paused >/dev/null

# send SURVEY CONTACT DAY: "sent" or the skip's reason (DAY: days after T0, at noon UTC)
send() {
    local at
    at=$(date -u -d "2026-03-02 12:00 UTC + $3 days" +%Y-%m-%dT%H:%M:%SZ)
    "$LANDFALL" surveys send "$1" --contact "$2" --now "$at" | awk -F'\t' '{ print ($2 == "skipped") ? $3 : $2 }'
}

check_eq "day 0: c1 is asked" "sent" "$(send rel c1 0)"
check_eq "day 10: c1 again, within 30 days of day 0" "contact_budget" "$(send rel c1 10)"
check_eq "day 1: c2 at the same account, its 2nd ask in 30 days" "sent" "$(send rel c2 1)"
check_eq "day 2: c3 would be the account's 3rd in 30 days (at most 2)" "account_budget" \
    "$(send rel c3 2)"
# day 30 noon: day 0's asks are 30 days old, outside the window (now - 30 d, now]; the account
# has c2's of day 1 in its window: 1 of 2
check_eq "day 30: c1, exactly 30 days after its last ask" "sent" "$(send rel c1 30)"
# day 31 noon: day 1's ask is out of the window too; c1's of day 30 is in it: 1 of 2
check_eq "day 31: c3 now that day 1 is out of the window" "sent" "$(send rel c3 31)"
# B escalated at day 5 (2026-03-07 12:00): quiet until day 19 noon
check_eq "day 10: c4, five days after its account's escalation" "quiet_period" "$(send rel c4 10)"
check_eq "day 20: c4, 15 days after it" "sent" "$(send rel c4 20)"
check_eq "survey 'ent' asks enterprise accounts: not c4 (plan pro)" "audience" "$(send ent c4 60)"
check_eq "survey 'ent' asks c5 (enterprise)" "sent" "$(send ent c5 60)"
check_eq "a paused survey is not sent" "paused" "$(send off c5 200)"
# the budget counts every survey: c5 was asked 'ent' at day 60
check_eq "c5 asked another survey 10 days after 'ent'" "contact_budget" "$(send rel c5 70)"

# a periodic survey: every 90 days per contact of its audience (enterprise: c5 alone)
"$LANDFALL" surveys create pulse --kind nps --trigger periodic --every-days 90 \
    --audience-plan enterprise >/dev/null
check_eq "surveys list: each survey, when it is sent and to whom (after the built-in three)" \
"nps,nps,Net Promoter Score,0-10,manual,link,everyone,active,How likely are you to recommend us to a friend or colleague?
csat,csat,Customer Satisfaction,1-5,manual,link,everyone,active,How satisfied are you with the help you got?
ces,ces,Customer Effort Score,1-7,manual,link,everyone,active,How easy was it to get what you needed?
rel,nps,,0-10,manual,link,everyone,active,How likely are you to recommend us to a friend or colleague?
ent,csat,,1-5,manual,link,plan=enterprise,active,How satisfied are you with the help you got?
off,ces,,1-7,manual,link,everyone,paused,How easy was it to get what you needed?
pulse,nps,,0-10,every 90 days,link,plan=enterprise,active,How likely are you to recommend us to a friend or colleague?" \
    "$("$LANDFALL" surveys list --csv | tail -n +2)"
trigger() {
    "$LANDFALL" surveys trigger --now "$(date -u -d "2026-03-02 12:00 UTC + $1 days" +%Y-%m-%dT%H:%M:%SZ)"
}
# day 100: c5 was asked 'ent' on day 60; a periodic survey's budget is its own 90 days
check_eq "day 100: c5 is due 'pulse' but was asked 40 days ago" "0 sent, 1 skipped" "$(trigger 100)"
check_eq "day 151: 91 days after day 60" "1 sent, 0 skipped" "$(trigger 151)"
check_eq "day 200: 'pulse' is not due again before day 241" "0 sent, 0 skipped" "$(trigger 200)"
check_eq "day 242: due again" "1 sent, 0 skipped" "$(trigger 242)"

# why wasn't c1 asked on day 10? the log says
"$LANDFALL" surveys skips --contact c1 --csv >skips.csv
check_eq "c1's skip: one row, its reason and when it was last asked" \
    "2026-03-12T12:00:00Z,rel,c1,contact_budget,asked at 2026-03-02T12:00:00Z; at most once per 30 days" \
    "$(tail -n +2 skips.csv)"
check_eq "every skip is logged (6 above, 1 of 'pulse')" "7" "$("$LANDFALL" surveys skips --csv | tail -n +2 | wc -l)"

# results: 'rel' delivered to c1 (twice), c2, c3, c4 = 5 links, none answered; 'ent' 1
"$LANDFALL" surveys results --csv >results.csv
# (not_delivered, mails the relay has not accepted, is new: links are always delivered)
check_eq "response rates by survey, channel, segment" \
    "survey,channel,segment,delivered,answered,response_rate,not_delivered
ent,link,ent,1,0,0,0
pulse,link,ent,2,0,0,0
rel,link,smb,5,0,0,0" "$(cat results.csv)"

# a survey no contact is eligible for (no account has segment 'gov'): the trigger sends nothing
# and logs nothing (a contact outside the audience is not due: not a skip); a send to one says
# why, and the survey has no row of results
"$LANDFALL" surveys create ghost --kind nps --trigger periodic --every-days 30 \
    --audience-segment gov >/dev/null
check_eq "day 300: no eligible audience, nothing sent or skipped" "0 sent, 0 skipped" "$(trigger 300)"
check_eq "a send to a contact outside it is a logged skip" "audience" "$(send ghost c1 300)"
check_eq "no results for it" "" "$("$LANDFALL" surveys results ghost --csv | tail -n +2)"

run_lf surveys send rel --contact nobody
check_eq "an unknown contact is an error, not a skip" "4 contact 'nobody' does not exist" \
    "$rc ${errout#landfall: }"
run_lf surveys send nope --contact c1
check_eq "an unknown survey too" "4 survey 'nope' does not exist" "$rc ${errout#landfall: }"
finish

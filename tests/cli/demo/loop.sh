#!/usr/bin/env bash
# loop.sh - the demo holds the closed loop (docs/demo-data.md "The closed loop"): from 120 days
# before --end every response the built-in rules match has its follow-up and task, and nothing
# else; `surveys recovery` and `surveys followups` agree with an independent computation in SQL
# on the store (the rules' conditions recomputed: NPS <= 6, CSAT <= 2, sentiment <= -0.5 as
# stored); due dates are 2 business days on; the owner's work shows (done on time, late,
# dismissed, open, overdue, a follow-up touchpoint per conversation); the loop, run on the demo,
# opens nothing again.
source "$(dirname "$0")/../lib.sh"
q() { store_sql "$LANDFALL_DB" "$1"; }

run_lf demo --accounts 120 --seed 5 --end 2024-06-30
check_eq "the demo exits 0" 0 "$rc"

day=86400000
end=1719705600000           # 2024-06-30 (date -u -d 2024-06-30 +%s)
start=$((end - 120 * day))  # the loop's start, DEMO_LOOP_DAYS before --end

# The loop's position is the end of the change log: run now, it opens nothing, and the demo's
# follow-ups are all the store holds.
# (The triggers' position too: surveys were first used, for them, after the demo's history.)
check_eq "the loop's and the triggers' positions are the end of the change log" \
    "$(q "SELECT max(seq) || ' ' || max(seq) FROM changes")" \
    "$(q "SELECT loop_seq || ' ' || trigger_seq FROM survey_settings")"
run_lf surveys loop
check_eq "the loop run on the demo opens nothing" "0 follow-ups opened" "$out"

# The rules recomputed in SQL: the first that holds (nps_detractor, csat_low, negative_comment),
# the sentiment the one stored for the comment (text_results, source 1: a response's comment,
# scored: English).
expected="SELECT r.id, CASE WHEN s.kind = 'nps' AND r.score <= 6 THEN 'nps_detractor'
        WHEN s.kind = 'csat' AND r.score <= 2 THEN 'csat_low'
        WHEN x.compound <= -0.5 THEN 'negative_comment' END AS rule
    FROM responses r JOIN surveys s ON s.id = r.survey_id
    LEFT JOIN text_results x ON x.source = 1 AND x.row_id = r.id AND x.scored = 1
    WHERE r.ts >= $start AND r.account_id IS NOT NULL"
want=$(q "SELECT id || ' ' || rule FROM ($expected) WHERE rule IS NOT NULL ORDER BY id")
have=$(q "SELECT response_id || ' ' || rule FROM followups ORDER BY response_id")
check "some responses are followed up (a loop of 120 days over 120 accounts)" \
    test "$(grep -c '' <<<"$want")" -gt 20
check_eq "the follow-ups are the responses from the start that the rules match, by rule" \
    "$want" "$have"
check_eq "none before the start" 0 "$(q "SELECT count(*) FROM followups f
    JOIN responses r ON r.id = f.response_id WHERE r.ts < $start")"

# Each follow-up opened when its response came, with its task as the loop opens it: kind
# follow-up, the account's owner, due on the follow-up's due date, naming its rule, the title of
# the rule's template; its status the follow-up's outcome, its note the follow-up's.
check_eq "opened at the response's time" 0 "$(q "SELECT count(*) FROM followups f
    JOIN responses r ON r.id = f.response_id WHERE f.opened_at != r.ts")"
check_eq "every follow-up's task as the loop opens it" 0 "$(q "SELECT count(*) FROM followups f
    JOIN responses r ON r.id = f.response_id JOIN tasks t ON t.id = f.task_id
    JOIN accounts a ON a.id = t.account_id JOIN rules u ON u.id = t.rule_id
    WHERE NOT (t.account_id = r.account_id AND t.kind = 'follow-up'
        AND t.owner IS a.owner AND t.due_date = f.due_date AND t.created_at = f.opened_at
        AND u.name = f.rule AND t.title LIKE 'Follow up: % (response rsp-%)'
        AND t.status = coalesce(f.outcome, 'open') AND t.note IS f.note)")"
check_eq "one task per follow-up" "$(q "SELECT count(*) FROM followups")" \
    "$(q "SELECT count(*) FROM tasks WHERE kind = 'follow-up'")"

# Due 2 business days (the settings' SLA) after the day it was opened, in the workspace's zone
# (UTC): Monday to Wednesday + 2 days, Thursday and Friday + 4, Saturday + 3, Sunday + 2.
check_eq "due 2 business days on" 0 "$(q "SELECT count(*) FROM followups WHERE due_date !=
    opened_at / $day * $day + $day * CASE strftime('%w', opened_at / 1000, 'unixepoch')
        WHEN '4' THEN 4 WHEN '5' THEN 4 WHEN '6' THEN 3 ELSE 2 END")"
check_eq "due dates on weekdays" 0 "$(q "SELECT count(*) FROM followups
    WHERE strftime('%w', due_date / 1000, 'unixepoch') IN ('0', '6')")"

# The owner's work: most done before the due date, some late, some dismissed, some still open,
# some of those overdue at the end (docs/demo-data.md gives the shares).
n() { q "SELECT count(*) FROM followups WHERE $1"; }
total=$(n 1)
ontime=$(n "outcome = 'done' AND closed_at < due_date")
check "most follow-ups done before their due date ($ontime of $total)" test $((2 * ontime)) -gt "$total"
check "some done late" test "$(n "outcome = 'done' AND closed_at >= due_date")" -gt 0
check "some dismissed" test "$(n "outcome = 'dismissed'")" -gt 0
check "some open at the end" test "$(n "closed_at IS NULL")" -gt 0
check "some overdue at the end" test "$(n "closed_at IS NULL AND due_date <= $end")" -gt 0
check_eq "closed after opened, before the end" 0 "$(n "closed_at <= opened_at OR closed_at >= $end")"
check_eq "done ones carry a note" 0 "$(n "outcome = 'done' AND (note IS NULL OR note = '')")"
# A follow-up done is a conversation: a touchpoint of kind follow-up on its account, at the
# close, saying what the note says.
check_eq "a follow-up touchpoint for each done" "$(n "outcome = 'done'")" \
    "$(q "SELECT count(*) FROM followups f JOIN tasks t ON t.id = f.task_id
        JOIN touchpoints p ON p.account_id = t.account_id AND p.kind = 'follow-up'
            AND p.ts = f.closed_at AND p.text = f.note WHERE f.outcome = 'done'")"

# `surveys recovery` against the same counts in SQL: opened, closed, the follow-up rate and the
# mean days from opened to closed, by rule.
run_lf surveys recovery --csv
check_eq "recovery exits 0" 0 "$rc"
sql_recovery=$(q "SELECT rule, count(*), count(closed_at),
        printf('%.4f', 100.0 * count(closed_at) / count(*)),
        printf('%.4f', avg((closed_at - opened_at) / 86400000.0))
    FROM followups GROUP BY rule ORDER BY rule")
cli_recovery=$(tail -n +2 <<<"$out" | awk -F, '{ printf "%s|%s|%s|%.4f|%.4f\n", $1, $2, $3, $4, $5 }' | sort)
check_eq "the recovery report is the SQL's (rule|opened|closed|rate|mean days)" \
    "$sql_recovery" "$cli_recovery"

# `surveys followups`: one row per follow-up, its status the task's, its due date the date of
# due_date.
run_lf surveys followups --csv
check_eq "followups exits 0" 0 "$rc"
check_eq "one row per follow-up" "$total" "$(tail -n +2 <<<"$out" | grep -c '')"
check_eq "statuses as in the tasks" \
    "$(q "SELECT status, count(*) FROM tasks WHERE kind = 'follow-up' GROUP BY 1 ORDER BY 1")" \
    "$(tail -n +2 <<<"$out" | awk -F, '{ print $7 }' | sort | uniq -c | awk '{ print $2 "|" $1 }')"
check_eq "due dates as stored" \
    "$(q "SELECT id || ',' || date(due_date / 1000, 'unixepoch') FROM followups ORDER BY id")" \
    "$(tail -n +2 <<<"$out" | awk -F, '{ print $1 "," $5 }')"
# each with its task's account (external id) and owner, as the dashboard's Surveys page shows
run_lf surveys followups --json
check_eq "accounts and owners as the tasks'" \
    "$(q "SELECT f.id || '|' || a.ext_id || '|' || COALESCE(t.owner, '') FROM followups f
        JOIN tasks t ON t.id = f.task_id JOIN accounts a ON a.id = t.account_id ORDER BY f.id")" \
    "$(jq -r '.rows[] | "\(.id)|\(.account)|\(.owner // "")"' <<<"$out")"

# A demo made again over it (--replace) leaves the positions at its own end too (they were
# before the new business, and the loop would have opened every follow-up again at its next run).
db2=$(store_copy "$LANDFALL_DB" again) || exit 1
LANDFALL_DB=$db2 run_lf demo --accounts 30 --seed 6 --end 2024-06-30 --replace
check_eq "the demo made again exits 0" 0 "$rc"
check_eq "the positions at its end" "$(store_sql "$db2" "SELECT max(seq) || ' ' || max(seq) FROM changes")" \
    "$(store_sql "$db2" "SELECT loop_seq || ' ' || trigger_seq FROM survey_settings")"
LANDFALL_DB=$db2 run_lf surveys loop
check_eq "the loop run on it opens nothing" "0 follow-ups opened" "$out"
check_eq "its follow-ups are its own responses'" 0 "$(store_sql "$db2" "SELECT count(*) FROM followups f
    WHERE NOT EXISTS (SELECT 1 FROM responses r WHERE r.id = f.response_id)")"
check "it has follow-ups" test "$(store_sql "$db2" "SELECT count(*) FROM followups")" -gt 0

finish

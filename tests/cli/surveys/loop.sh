#!/usr/bin/env bash
# loop.sh - the closed loop over imported responses, on a clock the test sets: a detractor (NPS
# 0-6) and a dissatisfied CSAT (1-2) each open one follow-up task for the account's owner, due 2
# business days later; a passive, a satisfied answer, a response without an account, and
# responses from before surveys were first used open nothing; a second run opens nothing again.
# The rules are rows of `rules` (trigger, condition, action): a very negative comment (VADER
# compound <= -0.5) opens a follow-up whatever the score, whether it came by import or as a
# review; a non-English one is not scored, so opens nothing; the first rule that holds wins;
# rules can be changed and disabled; the SLA is counted in the workspace's time zone. (Closing
# a task, its note and the recovery report: tests/cli/server/surveys.sh, over HTTP.)
source "$(dirname "$0")/../lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name,owner\nA,Acme,ann\nB,Bolt,\n' >accounts.csv
printf 'id,account_id\nc1,A\nc2,A\nc3,B\nc4,\n' >contacts.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
"$LANDFALL" surveys create rel --kind nps >/dev/null
check_eq "before the loop ever ran, the built-in rules are listed, and nothing is written" "4 0" \
    "$("$LANDFALL" surveys rules --csv | wc -l) $(store_sql "$LANDFALL_DB" "SELECT count(*) FROM rules")"
"$LANDFALL" surveys create sup --kind csat >/dev/null
printf 'id,ts,contact_id,survey,score\nold,2026-02-01T10:00:00Z,c1,rel,0\n' >old.csv
"$LANDFALL" import responses old.csv >/dev/null 2>&1
# Showing the settings is no use of surveys: it answers the defaults and writes nothing (the
# dashboard's GET /v1/survey-settings reads the same way: tests/cli/server/query.sh)
defaults=$("$LANDFALL" surveys settings)
check_eq "settings never stored show the defaults (docs/surveys.md)" "30 3 30 14 30 2" \
    "$(cut -f2 <<<"$defaults" | head -6 | tr '\n' ' ' | sed 's/ $//')"
# (store_exec: the store itself; survey_settings is not in the change log, which store_sql's
# copy of a PostgreSQL store watches)
check_eq "... and are not written" 0 \
    "$(store_exec "$LANDFALL_DB" "SELECT count(*) FROM survey_settings")"
check_eq "the loop's first run stores them, starting where the change log ends: 'old' is history" \
    "0 follow-ups opened" "$("$LANDFALL" surveys loop --now 2026-03-01T00:00:00Z)"
check_eq "the stored row holds the defaults shown before (the engine's DEFAULTs are landfall's)" \
    "1 $defaults" \
    "$(store_exec "$LANDFALL_DB" "SELECT count(*) FROM survey_settings") $("$LANDFALL" surveys settings)"
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
# (the note column is the closing note of the task, new with the rules as data)
# (account B has no owner: its task has none either)
check_eq "the follow-ups" "id,response,rule,opened,due,task,status,closed,note,account,owner
1,2,nps_detractor,2026-03-06T10:00:00Z,2026-03-10,1,open,,,A,ann
2,4,csat_low,2026-03-06T10:00:00Z,2026-03-10,2,open,,,B," "$(cat f.csv)"
check_eq "the built-in rules, as data, in the order they run" \
"name,trigger,condition,action,sla_days,enabled
nps_detractor,response,survey.kind = nps and score <= 6,task follow-up,,yes
csat_low,response,survey.kind = csat and score <= 2,task follow-up,,yes
negative_comment,response,sentiment <= -0.5,task follow-up,,yes" "$("$LANDFALL" surveys rules --csv)"
check_eq "each task names the rule that opened it" "nps_detractor
csat_low" "$(store_sql "$LANDFALL_DB" "SELECT r.name FROM tasks t JOIN rules r ON r.id = t.rule_id
    ORDER BY t.id")"

# Comments. VADER compounds (landfall text analyze; the port agrees, tests/cli/text/vader.sh):
# n1 -0.765 (<= -0.5: followed up though a promoter's 9); n2 -0.4767 ("terrible" alone: negative,
# not very); n3 German, not scored: no figure to compare, so no follow-up (not "neutral English");
# n4 NPS 2 with -0.765: the detractor rule comes first, one follow-up.
cat >comments.csv <<'CSV'
id,ts,contact_id,survey,score,comment
n1,2026-03-05T15:00:00Z,c1,rel,9,"Support was terrible and the billing is a mess, I am furious"
n2,2026-03-05T15:10:00Z,c2,rel,9,terrible
n3,2026-03-05T15:20:00Z,c1,sup,5,"Das ist schrecklich, furchtbar und katastrophal, ich bin wütend, der Support hat nie geantwortet"
n4,2026-03-05T15:30:00Z,c2,rel,2,"Support was terrible and the billing is a mess, I am furious"
CSV
"$LANDFALL" import responses comments.csv >/dev/null 2>&1
check_eq "n1 (very negative comment) and n4 (detractor) are followed up" "2 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T10:00:00Z)"
check_eq "the rule of each: the first that holds" "n1|negative_comment
n4|nps_detractor" "$(store_sql "$LANDFALL_DB" "SELECT r.ext_id, f.rule FROM followups f
    JOIN responses r ON r.id = f.response_id WHERE r.ext_id LIKE 'n%' ORDER BY r.ext_id")"
check_eq "the negative comment's task" \
    "Follow up: a very negative comment from c1 (nps score 9, response n1)" \
    "$(store_sql "$LANDFALL_DB" "SELECT title FROM tasks WHERE title LIKE '%n1)'")"

# A review (landfall import reviews: a response to the survey 'review'), 5 stars and a very
# negative text, is followed up too; the account comes from the contact.
printf 'id,ts,account_id,contact_id,rating,text,site\nrv1,2026-03-05T16:00:00Z,,c2,5,"Support was terrible and the billing is a mess, I am furious",g2\n' >reviews.csv
"$LANDFALL" import reviews reviews.csv >/dev/null 2>&1
check_eq "a very negative review opens a follow-up" "1 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T10:00:00Z)"

# Rules are data: a bad condition is refused saying why; disabled, the rule opens nothing;
# its threshold changed, it applies the new one.
run_lf surveys rule negative_comment --condition "sentiment <= nope"
check_eq "a condition that is not one is refused (exit 1, as invalid input)" 1 "$rc"
check "saying why" grep -q "'nope' is not a number" "$SCRATCH/err"
run_lf surveys rule no_such --disable
check "an unknown rule" grep -q "rule 'no_such' does not exist" "$SCRATCH/err"
"$LANDFALL" surveys rule negative_comment --disable >/dev/null
printf 'id,ts,contact_id,survey,score,comment\nn5,2026-03-05T17:00:00Z,c1,rel,9,horrible\n' >n5.csv
"$LANDFALL" import responses n5.csv >/dev/null 2>&1
check_eq "disabled: n5 (-0.5423) opens nothing" "0 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T10:00:00Z)"
"$LANDFALL" surveys rule negative_comment --enable --condition "sentiment <= -0.3" \
    --sla-days 1 >/dev/null
printf 'id,ts,contact_id,survey,score,comment\nn6,2026-03-05T17:10:00Z,c2,rel,9,I am disappointed\n' >n6.csv
"$LANDFALL" import responses n6.csv >/dev/null 2>&1
# Thursday 2026-03-05 20:00 UTC is Friday 05:00 in Tokyo: one business day later is Monday
# 2026-03-09 there (in UTC it would have been Friday 2026-03-06), starting 2026-03-08T15:00Z.
"$LANDFALL" workspace --time-zone Asia/Tokyo >/dev/null
check_eq "the changed rule: n6 (-0.4767 <= -0.3) is followed up" "1 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-05T20:00:00Z)"
check_eq "due one business day later in the workspace's zone" "2026-03-09|2026-03-08T15:00:00Z" \
    "$("$LANDFALL" surveys followups --csv | awk -F, '$2 == '"$(store_sql "$LANDFALL_DB" \
        "SELECT id FROM responses WHERE ext_id = 'n6'")"' {print $5}')|$(store_sql "$LANDFALL_DB" \
        "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', t.due_date / 1000, 'unixepoch') FROM tasks t
         JOIN followups f ON f.task_id = t.id JOIN responses r ON r.id = f.response_id
         WHERE r.ext_id = 'n6'")"

finish

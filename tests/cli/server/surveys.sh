#!/usr/bin/env bash
# surveys.sh - a survey link answered with curl as a browser would: the page served without a
# key, its score preset from a mail's button, the answer stored as a response of the contact and
# account, the link used up, tampered and expired links answered with a page (never JSON), HTML
# in a comment escaped; the closed loop's follow-up task for a detractor; the in-app snippet's
# question with a survey-scoped key; the closed loop's rules over HTTP, a very negative comment
# followed up whether it comes through the link page or the REST API, a task's closing note.
source "$(dirname "$0")/server_lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name,plan,owner\nA,Acme,pro,ann\n' >accounts.csv
printf 'id,account_id,email,name\nc1,A,c1@a.test,Alice\nc2,A,c2@a.test,Bea\nc3,A,c3@a.test,Cy\n' >contacts.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
"$LANDFALL" surveys settings --account-max 10 >/dev/null
"$LANDFALL" surveys create rel --kind nps --name "Relationship" --question "Would you recommend Acme Tools?" \
    --choice-question "Your role?" --choices "admin|user" >/dev/null
serve_start
"$LANDFALL" surveys settings --base-url "$URL" >/dev/null

link=$("$LANDFALL" surveys send rel --contact c1 | cut -f3)
path=${link#"$URL"}
check_eq "the link is the server's /s/TOKEN" "/s/" "${path:0:3}"

http GET "$path?score=9"
check_eq "the page is served without a key" "200" "$status"
check "it asks the survey's question" grep -q "Would you recommend Acme Tools?" "$SCRATCH/body"
check_eq "11 score buttons, 0 to 10 (NPS)" "11" "$(grep -o 'name="score"' "$SCRATCH/body" | wc -l)"
check "the mail's score 9 comes preset" grep -q 'value="9" required checked' "$SCRATCH/body"
check "a form posting to the link, no JavaScript" grep -q "<form method=\"post\" action=\"$path\">" "$SCRATCH/body"

http POST "$path" --data-urlencode "score=11" --data-urlencode "comment=<script>x</script>"
check_eq "a score off the scale: the form again, 422" "422" "$status"
check "saying what to correct" grep -q "Please choose a score from 0 to 10" "$SCRATCH/body"
check "the comment comes back escaped" grep -q "<textarea[^>]*>&lt;script&gt;x&lt;/script&gt;</textarea>" "$SCRATCH/body"
check "never as markup" bash -c "! grep -q '<script>x' '$SCRATCH/body'"
http POST "$path" -d "score=5&comment=caf%E9"
check_eq "a comment that is not UTF-8: the form again" "422" "$status"
check "saying why" grep -q "could not be recorded: .*UTF-8" "$SCRATCH/body"
# a form's %00 decodes to a NUL, which cut the comment short silently ("a%00b" was stored "a")
http POST "$path" -d "score=5&comment=too%00slow"
check_eq "a comment holding a NUL (%00): the form again, 422" "422" "$status"
check "saying why" grep -q "holds a NUL character" "$SCRATCH/body"
http POST "$path" -d "score=5%00junk"
check_eq "a score followed by a NUL and more (was read as 5): 422" "422" "$status"
check_eq "nothing recorded yet" "0" "$(sql "SELECT count(*) FROM responses")"

http POST "$path" --data-urlencode "score=3" --data-urlencode "comment=<script>alert(1)</script> too slow" \
    --data-urlencode "choice=admin"
check_eq "the answer is taken" "200" "$status"
check "a thank-you page" grep -q "Thank you" "$SCRATCH/body"
check_eq "stored as a response of c1 at account A on survey rel, with comment and choice" \
    "3|c1|A|rel|<script>alert(1)</script> too slow|admin" \
    "$(sql "SELECT r.score, c.ext_id, a.ext_id, s.ext_id, r.comment, r.choice FROM responses r
            JOIN contacts c ON c.id = r.contact_id JOIN accounts a ON a.id = r.account_id
            JOIN surveys s ON s.id = r.survey_id")"
check_eq "the invitation is answered" "answered" "$(sql "SELECT status FROM survey_sends")"

http POST "$path" --data-urlencode "score=10"
check_eq "a used link: 410" "410" "$status"
check "with a page saying it was answered" grep -q "answered already" "$SCRATCH/body"
check_eq "and no second response" "1" "$(sql "SELECT count(*) FROM responses")"
check_eq "the score stays 3" "3" "$(sql "SELECT score FROM responses")"

# the closed loop: NPS 3 is a detractor: one follow-up task for the account's owner
check_eq "one follow-up task, for ann, open" "follow-up|ann|open" \
    "$(sql "SELECT kind, owner, status FROM tasks")"
check_eq "linked to the response" "nps_detractor|1" \
    "$(sql "SELECT f.rule, f.task_id = t.id FROM followups f, tasks t")"

# a token naming another contact, with the first one's MAC
token=${path#/s/}
IFS=. read -r ws send survey contact expires mac <<<"$token"
http GET "/s/$ws.$send.$survey.2.$expires.$mac"
check_eq "a tampered link: 404" "404" "$status"
check "with an HTML page, not JSON" grep -q "This survey link does not work" "$SCRATCH/body"
h=$(curl -s -D - -o /dev/null "$URL$path")
policy=$(grep -i '^content-security-policy:' <<<"$h")
check "the link's page may run no script" grep -q "default-src 'none';" <<<"$policy"
check "… nor be framed" grep -q "frame-ancestors 'none'" <<<"$policy"
check "… (older browsers too)" grep -qi '^x-frame-options: DENY' <<<"$h"
check "… and sends no Referer naming its token" grep -qi '^referrer-policy: no-referrer' <<<"$h"
check "… and allows nothing inline but its style" \
    test "$(grep -o "unsafe-[a-z]*" <<<"$policy")" = unsafe-inline
http GET "/s/garbage"
check_eq "a link that is no token: 404 page" "404 text/html" \
    "$status $(curl -s -o /dev/null -w '%{content_type}' "$URL/s/garbage" | cut -d';' -f1)"

# an invitation made 31 days ago: links live 30 days
old=$(date -u -d "31 days ago" +%Y-%m-%dT%H:%M:%SZ)
oldlink=$("$LANDFALL" surveys send rel --contact c2 --now "$old" | cut -f3)
http GET "${oldlink#"$URL"}"
check_eq "an expired link: 410" "410" "$status"
check "saying the survey has closed" grep -q "This survey has closed" "$SCRATCH/body"

# in-app: a survey-scoped key may ask which survey is due, and nothing else
"$LANDFALL" surveys create app --kind csat --channel in-app --question "How was it?" >/dev/null
skey=$(new_key survey)
http GET "/v1/surveys/eligible?contact=c3&key=$skey"
check_eq "c3 is due the in-app survey" "200 app 1 5" \
    "$status $(jfield '$.survey.id') $(jfield '$.survey.scale_min') $(jfield '$.survey.scale_max')"
answer=$(jfield '$.answer_url')
http GET "/v1/surveys/eligible?contact=c3&key=$skey"
check_eq "asked once: c3 is within its budget now" "200 contact_budget" "$status $(jfield '$.reason')"
http POST "$answer" --data-urlencode "score=5"
check_eq "the snippet's answer goes to the same link page" "200" "$status"
check_eq "a CSAT 5 response of c3" "5|c3" \
    "$(sql "SELECT r.score, c.ext_id FROM responses r JOIN contacts c ON c.id = r.contact_id
            JOIN surveys s ON s.id = r.survey_id WHERE s.ext_id = 'app'")"
http GET "/v1/accounts" -H "Authorization: Bearer $skey"
check_eq "the survey key reads nothing else" "403" "$status"
http GET "/v1/surveys/eligible?contact=c3"
check_eq "eligible needs a key" "401" "$status"
http GET "/v1/surveys/snippet.js"
check "the snippet is served" grep -q "/v1/surveys/eligible" "$SCRATCH/body"

# the API: send, results
admin=$(new_key admin)
http POST "/v1/surveys/rel/send" -H "Authorization: Bearer $admin" "${JSON[@]}" -d '{"contact": "c3"}'
check_eq "c3 was asked 'app' just now: the API says why not" "200 false contact_budget" \
    "$status $(jq -r '"\(.sent) \(.skip)"' "$SCRATCH/body")"
http GET "/v1/surveys/rel/results" -H "Authorization: Bearer $admin"
check_eq "rel: 2 links delivered (c1, c2), 1 answered: 50 %" "2 1 50" \
    "$(jq -r '.rows[0] | "\(.delivered) \(.answered) \(.response_rate)"' "$SCRATCH/body")"

# the server follows the change feed: a resolved ticket triggers its CSAT survey, and a
# detractor response written through the REST API opens a follow-up, with nobody running a
# command (the surveys' thread runs after the commit: wait for it, a bounded number of times)
"$LANDFALL" surveys create after-ticket --kind csat --trigger touchpoint --touchpoint-kind ticket >/dev/null
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
http POST /v1/touchpoints -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d "{\"id\": \"t1\", \"ts\": \"$now\", \"contact_id\": \"c2\", \"kind\": \"ticket\", \"status\": \"resolved\"}"
check_eq "a resolved ticket is written" "201" "$status"
wait_sql() {
    for _ in $(seq 300); do [ "$(sql "$1")" = "$2" ] && return 0; sleep 0.1; done
    return 1
}
check "the ticket's contact is invited to the CSAT survey, for that ticket" \
    wait_sql "SELECT c.ext_id || ' ' || t.ext_id FROM survey_sends d JOIN contacts c ON c.id = d.contact_id
              JOIN touchpoints t ON t.id = d.touchpoint_id JOIN surveys s ON s.id = d.survey_id
              WHERE s.ext_id = 'after-ticket'" "c2 t1"
http POST /v1/responses -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d "{\"id\": \"r-api\", \"ts\": \"$now\", \"contact_id\": \"c3\", \"survey\": \"rel\", \"score\": 1}"
check_eq "a detractor response through the API" "201" "$status"
check "opens its follow-up" wait_sql "SELECT count(*) FROM followups f JOIN responses r
    ON r.id = f.response_id WHERE r.ext_id = 'r-api'" "1"

# closing a follow-up's task records its outcome; the recovery report: c1 (link answer, NPS 3)
# and c3 (API, NPS 1) were followed up; c1's task is done and c1 answers again with a 10, a
# promoter: 2 opened, 1 closed (50 %), 1 answered again, whose NPS is 100
task=$(sql "SELECT f.task_id FROM followups f JOIN survey_sends d ON d.response_id = f.response_id")
http PATCH "/v1/tasks/$task" -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d '{"status": "done", "note": "called Alice: onboarding call booked"}'
check_eq "the owner closes c1's task" "200" "$status"
check "the follow-up is closed with the task's outcome and note" \
    wait_sql "SELECT outcome || ': ' || note FROM followups WHERE task_id = $task AND closed_at IS NOT NULL" \
    "done: called Alice: onboarding call booked"
later=$(date -u -d "+1 minute" +%Y-%m-%dT%H:%M:%SZ)
http POST /v1/responses -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d "{\"id\": \"r-again\", \"ts\": \"$later\", \"contact_id\": \"c1\", \"survey\": \"rel\", \"score\": 10}"
http GET /v1/followups/recovery -H "Authorization: Bearer $admin"
check_eq "the recovery report" "nps_detractor 2 1 50 1 100" \
    "$(jq -r '.rows[0] | "\(.rule) \(.opened) \(.closed) \(.follow_up_rate) \(.answered_again) \(.score_again)"' "$SCRATCH/body")"

# The rules over HTTP. A very negative comment (VADER compound -0.765, tests/cli/surveys/loop.sh)
# with a promoter's score opens a follow-up by rule negative_comment, through the REST API and
# through a link page (which runs the loop after the answer).
http GET /v1/followups/rules -H "Authorization: Bearer $admin"
check_eq "the rules, in order" "nps_detractor csat_low negative_comment" \
    "$(jq -r '[.rows[].name] | join(" ")' "$SCRATCH/body")"
http PATCH /v1/followups/rules/negative_comment -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d '{"condition": "sentiment <= "}'
check_eq "a condition without a value: 422" "422" "$status"
http PATCH /v1/followups/rules/nope -H "Authorization: Bearer $admin" "${JSON[@]}" -d '{"enabled": false}'
check_eq "no such rule: 404" "404" "$status"
http PATCH /v1/followups/rules/negative_comment -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d '{"sla_days": 3}'
check_eq "its SLA changed" "200 3" "$status $(jq -r '.rows[2].sla_days' "$SCRATCH/body")"
bad="Support was terrible and the billing is a mess, I am furious"
http POST /v1/responses -H "Authorization: Bearer $admin" "${JSON[@]}" \
    -d "{\"id\": \"r-neg\", \"ts\": \"$later\", \"contact_id\": \"c2\", \"survey\": \"rel\", \"score\": 9, \"comment\": \"$bad\"}"
check_eq "a promoter's very negative comment through the API" "201" "$status"
check "opens a negative_comment follow-up" wait_sql "SELECT f.rule FROM followups f JOIN responses r
    ON r.id = f.response_id WHERE r.ext_id = 'r-neg'" "negative_comment"
printf 'id,account_id,email\nc4,A,c4@a.test\n' >c4.csv
"$LANDFALL" import contacts c4.csv >/dev/null 2>&1
link=$("$LANDFALL" surveys send rel --contact c4 | cut -f3)
http POST "${link#"$URL"}" --data-urlencode "score=10" --data-urlencode "comment=$bad"
check_eq "a link answered 10 with the same comment" "200" "$status"
check_eq "is followed up at once, by negative_comment" "negative_comment" \
    "$(sql "SELECT f.rule FROM followups f JOIN survey_sends d ON d.response_id = f.response_id
            JOIN contacts c ON c.id = d.contact_id WHERE c.ext_id = 'c4'")"
serve_stop
finish

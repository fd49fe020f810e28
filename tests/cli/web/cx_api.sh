#!/usr/bin/env bash
# cx_api.sh - what the voice of the customer's pages ask the API that the API did not answer
# before them: text-comments' kind, source, emotion, search and paging (with its total), the
# metric text-emotions (checked against the stored analyses with SQL), the survey settings over
# HTTP (a bad number is a 422 naming its field), every survey's response rates, sending with an
# admin key only, and closing a follow-up with its outcome through its task.
source "$(dirname "$0")/../server/server_lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name,owner\nacme,Acme,ann\nbeta,Beta,\n' >accounts.csv
printf 'id,account_id\nc1,acme\nc2,beta\n' >contacts.csv
# Comments of known VADER scores (tests/cli/text/store.sh): "The invoice was good." 0.4404
# about billing, "Today SUX!" -0.5461, "The book was good." 0.4404; "Danke, sehr gut" German.
cat >responses.csv <<'CSV'
id,ts,account_id,survey,score,comment
r1,2026-03-02,acme,nps,3,The invoice was good.
r2,2026-03-03,acme,nps,2,Today SUX!
r3,2026-03-04,beta,nps,10,The book was good.
r4,2026-03-05,beta,nps,9,"Danke, sehr gut"
r5,2026-04-01,beta,nps,10,The book was good.
r6,2026-04-02,acme,nps,9,The INVOICE was good.
r8,2026-03-20,acme,csat,5,"Thank you so much, the support team was great!"
CSV
printf 'id,ts,account_id,kind,team,text\nt1,2026-03-10,acme,ticket,support,Today SUX!\n' \
    >touchpoints.csv
for f in accounts contacts responses touchpoints; do
    run_lf import "$f" "$f.csv"
    check_eq "import $f" 0 "$rc"
done
W=(--from 2026-01-01 --to 2026-06-01)

# 8 texts, the latest first: r6 (04-02), r5 (04-01), r8 (03-20), t1 (03-10), r4, r3, r2, r1
run_lf text comments "${W[@]}" --limit 2 --offset 1 --json
printf '%s' "$out" >"$SCRATCH/body"
check_eq "paging: the total and the 2nd and 3rd latest" "8 r5 r8 2" \
    "$(jfield '$.total') $(jfield '$.rows[0].id') $(jfield '$.rows[1].id') $(jlen '$.rows')"
run_lf text comments "${W[@]}" --kind nps --csv
check_eq "kind nps: the six NPS comments" 6 "$(($(wc -l <"$SCRATCH/out") - 1))"
run_lf text comments "${W[@]}" --kind csat --json
printf '%s' "$out" >"$SCRATCH/body"
check_eq "kind csat: r8" "1 r8" "$(jfield '$.total') $(jfield '$.rows[0].id')"
run_lf text comments "${W[@]}" --source touchpoint --json
printf '%s' "$out" >"$SCRATCH/body"
check_eq "source touchpoint: the ticket's text" "1 t1 ticket" \
    "$(jfield '$.total') $(jfield '$.rows[0].id') $(jfield '$.rows[0].touchpoint')"
run_lf text comments "${W[@]}" --q invoice --json
printf '%s' "$out" >"$SCRATCH/body"
check_eq "search: 'invoice' finds INVOICE too, latest first" "2 r6 r1" \
    "$(jfield '$.total') $(jfield '$.rows[0].id') $(jfield '$.rows[1].id')"
run_lf text comments "${W[@]}" --emotion nope
check_eq "an unknown emotion is refused" 2 "$rc"

# text-emotions against the stored analyses: per emotion, the scored texts whose list holds
# it, and their percent of the scored (7: r4 is German)
check_eq "7 scored texts" 7 "$(sql "SELECT count(*) FROM text_results WHERE scored = 1")"
run_lf text emotions "${W[@]}" --csv
check_eq "text emotions: exit 0" 0 "$rc"
want=""
for e in delight gratitude trust frustration anger confusion anxiety disappointment; do
    n=$(sql "SELECT count(*) FROM text_results WHERE scored = 1
             AND ',' || emotions || ',' LIKE '%,$e,%'")
    want+="$e,$n,$(awk -v n="$n" 'BEGIN { printf "%.10g", 100 * n / 7 }'),7|"
done
check_eq "text emotions: each emotion's texts and share, as SQL counts them" "${want%|}" \
    "$(tail -n +2 "$SCRATCH/out" | tr '\n' '|' | sed 's/|$//')"
check "gratitude shows in r8" grep -q '^gratitude,[1-9]' "$SCRATCH/out"

# the closed loop, as tests/cli/surveys/loop.sh opens it: r10 (NPS 2) after surveys started
"$LANDFALL" surveys create rel --kind nps >/dev/null
"$LANDFALL" surveys loop >/dev/null # its first run: surveys start here
printf 'id,ts,contact_id,survey,score\nr10,2026-03-05T10:00:00Z,c1,rel,2\n' >late.csv
"$LANDFALL" import responses late.csv >/dev/null 2>&1
check_eq "one follow-up" "1 follow-ups opened" \
    "$("$LANDFALL" surveys loop --now 2026-03-06T10:00:00Z)"

admin=$(new_key admin)
read=$(new_key read)
serve_start
A=(-H "Authorization: Bearer $admin")
R=(-H "Authorization: Bearer $read")

http GET /v1/metrics/text-comments "${R[@]}" -G -d from=2026-01-01 -d to=2026-06-01 \
    -d emotion=gratitude -d limit=1
check_eq "HTTP: the emotion filter" "200 r8" "$status $(jfield '$.rows[0].id')"

http GET /v1/survey-settings "${R[@]}"
check_eq "settings: the defaults (docs/surveys.md)" "200 30 3 30 14 30 2" \
    "$status $(jfield '$.contact_days') $(jfield '$.account_max') $(jfield '$.account_days') $(jfield '$.quiet_days') $(jfield '$.link_days') $(jfield '$.sla_days')"
http PATCH /v1/survey-settings "${A[@]}" "${JSON[@]}" -d '{"account_max": 5000000}'
check_eq "settings: a budget out of range names its field" "422 account_max" \
    "$status $(jfield '$.error.field')"
http PATCH /v1/survey-settings "${A[@]}" "${JSON[@]}" -d '{"quiet_days": "two weeks"}'
check_eq "settings: a number that is none names its field" "422 quiet_days" \
    "$status $(jfield '$.error.field')"
http PATCH /v1/survey-settings "${A[@]}" "${JSON[@]}" -d '{"smtp_url": "smtp://x"}'
check_eq "settings: the relay is not this route's" "422 smtp_url" \
    "$status $(jfield '$.error.field')"
http PATCH /v1/survey-settings "${R[@]}" "${JSON[@]}" -d '{"account_max": 4}'
check_eq "settings: a read key changes nothing" 403 "$status"
http PATCH /v1/survey-settings "${A[@]}" "${JSON[@]}" -d '{"account_max": 4}'
check_eq "settings: changed, the rest kept" "200 4 30" \
    "$status $(jfield '$.account_max') $(jfield '$.contact_days')"
check_eq "settings: stored" "4|30" \
    "$(sql "SELECT account_max, contact_days FROM survey_settings")"

http POST /v1/surveys/rel/send "${R[@]}" "${JSON[@]}" -d '{"contact": "c2"}'
check_eq "send: not with a read key" 403 "$status"
http POST /v1/surveys/rel/send "${A[@]}" "${JSON[@]}" -d '{"contact": "c2"}'
check_eq "send: with an admin key (sent: true)" "201 1" "$status $(jfield '$.sent')"
http GET /v1/survey-results "${R[@]}"
check_eq "every survey's rates: rel by link to beta (no segment), delivered 1, answered 0" \
    "200 rel link 1 0 0" \
    "$status $(jfield '$.rows[0].survey') $(jfield '$.rows[0].channel') $(jfield '$.rows[0].delivered') $(jfield '$.rows[0].answered') $(jfield '$.rows[0].response_rate')"

http POST /v1/followups/1/close "${A[@]}" "${JSON[@]}" -d '{"outcome": "solved"}'
check_eq "close: an outcome that is none names its field" "422 outcome" \
    "$status $(jfield '$.error.field')"
http POST /v1/followups/1/close "${R[@]}" "${JSON[@]}" -d '{"outcome": "done"}'
check_eq "close: not with a read key" 403 "$status"
http POST /v1/followups/99/close "${A[@]}" "${JSON[@]}" -d '{"outcome": "done"}'
check_eq "close: an unknown follow-up" 404 "$status"
http POST /v1/followups/1/close "${A[@]}" "${JSON[@]}" \
    -d '{"outcome": "done", "note": "called Ann: fixed"}'
check_eq "close: done" "200 done" "$status $(jfield '$.outcome')"
http POST /v1/followups/1/close "${A[@]}" "${JSON[@]}" -d '{"outcome": "dismissed"}'
check_eq "close: once" 409 "$status"
check_eq "the task: done, with the note" "done|called Ann: fixed" \
    "$(sql "SELECT status, note FROM tasks WHERE kind = 'follow-up'")"
http GET /v1/followups "${R[@]}"
check_eq "the follow-up: closed, its outcome the task's" "done 1" \
    "$(jfield '$.rows[0].status') $([ -n "$(jfield '$.rows[0].closed')" ] && echo 1)"
http GET /v1/followups/recovery "${R[@]}"
check_eq "recovery: 1 opened, 1 closed, 100 %" "nps_detractor 1 1 100" \
    "$(jfield '$.rows[0].rule') $(jfield '$.rows[0].opened') $(jfield '$.rows[0].closed') $(jfield '$.rows[0].follow_up_rate')"
serve_stop
check_eq "the server stopped cleanly" 0 "$stop_rc"
finish

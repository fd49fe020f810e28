#!/usr/bin/env bash
# store.sh - texts analysed when stored: the survey comments and ticket texts of an import get
# their sentiment, emotions, topics and language in the same transaction, replaced when the text
# changes, deleted with the row; text summary, comments and topics over them, worked by hand;
# the same figures over HTTP; text rebuild.
source "$(dirname "$0")/../server/server_lib.sh"

# Comments of known VADER scores (tests/cli/text/analyze.sh): "The book was good." 0.4404 (a
# published example); "The invoice was good." the same 0.4404 ("invoice" is not in VADER's
# lexicon: the same four words' shape), about billing; "Today SUX!" -0.5461 (published);
# "Danke, sehr gut" German, not scored.
cat >"$SCRATCH/responses.csv" <<'CSV'
id,ts,account_id,survey,score,comment
r1,2026-03-02,acme,nps,3,The invoice was good.
r2,2026-03-03,acme,nps,2,Today SUX!
r3,2026-03-04,beta,nps,10,The book was good.
r4,2026-03-05,beta,nps,9,"Danke, sehr gut"
r5,2026-04-01,beta,nps,10,The book was good.
r6,2026-04-02,acme,nps,9,The invoice was good.
r7,2026-04-03,acme,nps,8,
CSV
cat >"$SCRATCH/touchpoints.csv" <<'CSV'
id,ts,account_id,kind,team,text
t1,2026-03-10,acme,ticket,support,Today SUX!
t2,2026-03-11,beta,call,success,
CSV
run_lf import responses "$SCRATCH/responses.csv"
check_eq "responses imported" 0 "$rc"
run_lf import touchpoints "$SCRATCH/touchpoints.csv"
check_eq "touchpoints imported" 0 "$rc"
check_eq "a result per text (6 comments, 1 ticket text; r7 and t2 have none)" 7 \
    "$(sql 'SELECT count(*) FROM text_results')"
check_eq "r1: stored with its analysis" "en|1|0.4404|billing" \
    "$(sql "SELECT language, scored, compound, topics FROM text_results t JOIN responses r ON r.id = t.row_id AND t.source = 1 WHERE r.ext_id = 'r1'")"
check_eq "r4: German, not scored" "de|0|" \
    "$(sql "SELECT language, scored, compound FROM text_results t JOIN responses r ON r.id = t.row_id AND t.source = 1 WHERE r.ext_id = 'r4'")"
check_eq "t1: the ticket's text" "-0.5461" \
    "$(sql "SELECT compound FROM text_results t JOIN touchpoints p ON p.id = t.row_id AND t.source = 2 WHERE p.ext_id = 't1'")"

W=(--from 2026-01-01 --to 2026-06-01)
# summary: 7 texts, 6 scored (r4 is German): 0.4404 × 4 (r1, r3, r5, r6) and -0.5461 × 2 (r2,
# t1): mean (1.7616 - 1.0922) / 6 = 0.111566…; negative 2/6 = 33.33 %, positive 4/6 = 66.67 %;
# billing in r1 and r6.
run_lf text summary "${W[@]}" --json
check_eq "summary: exit 0" 0 "$rc"
printf '%s' "$out" >"$SCRATCH/body"
check_eq "texts, scored" "7 6" "$(jfield '$.rows[0].texts') $(jfield '$.rows[0].scored')"
check_num "mean compound" 0.1115666667 "$(jfield '$.rows[0].compound')" 1e-9
check_num "percent negative" 33.3333333 "$(jfield '$.rows[0].negative')" 1e-6
check_num "percent positive" 66.6666667 "$(jfield '$.rows[0].positive')" 1e-6
check_eq "top topics" "billing 2" "$(jfield '$.rows[0].top_topics')"
# by touchpoint kind: the ticket's text alone; the comments rate no touchpoint: (none)
run_lf text summary "${W[@]}" --by touchpoint --csv
check_eq "by touchpoint kind" "(none),6,5|ticket,1,1" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f1-3 | tr '\n' '|' | sed 's/|$//')"
# by month: March r1 r2 r3 r4 t1 (scored 4: 0.4404 × 2 - 0.5461 × 2 = -0.2114, mean -0.05285),
# April r5 r6 (0.4404)
run_lf text summary "${W[@]}" --by month --csv
check_eq "by month: the months with texts" "2026-03,5,4|2026-04,2,2" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f1-3 | tr '\n' '|' | sed 's/|$//')"
check_num "March's mean" -0.05285 "$(sed -n 2p "$SCRATCH/out" | cut -d, -f4)" 1e-9
run_lf text summary "${W[@]}" --by account --where touchpoint=ticket --csv
check_eq "by account, only tickets" "acme,1,1,-0.5461" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f1-4)"

# comments: detractors (0-6) about billing: r1 only
run_lf text comments "${W[@]}" --survey nps --score 0-6 --topic billing --csv
check_eq "comments: detractors about billing" "response,r1,acme,nps,3" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f2-6)"
run_lf text comments "${W[@]}" --sentiment negative --csv
check_eq "negative texts, the latest first" "t1|r2" "$(tail -n +2 "$SCRATCH/out" | cut -d, -f3 | tr '\n' '|' | sed 's/|$//')"
# by source: the one ticket text (t1), and the six comments without it (r7 has none), the
# latest first: r6 and r5 in April, then r4, r3, r2, r1 in March
run_lf text comments "${W[@]}" --source touchpoint --csv
check_eq "--source touchpoint: the ticket's text alone" "touchpoint,t1" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f2-3 | tr '\n' '|' | sed 's/|$//')"
run_lf text comments "${W[@]}" --source response --csv
check_eq "--source response: the survey comments" "r6|r5|r4|r3|r2|r1" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f3 | tr '\n' '|' | sed 's/|$//')"
run_lf text comments --source email
check_eq "an unknown source: exit 2" 2 "$rc"
run_lf text comments --score 6-0
check_eq "a bad score range: exit 2" 2 "$rc"
check "it names the option" grep -q -- "--score: '6-0' is not a score range" "$SCRATCH/err"
run_lf text comments --survey nope
check_eq "an unknown survey: exit 2" 2 "$rc"

# topics: detractors' scored comments r1, r2 (2), promoters' r3, r5, r6 (3; r4 is German);
# billing: 1 of 2 = 50 %, 1 of 3 = 33.33 %: lift 1.5
run_lf text topics "${W[@]}" --csv
check_eq "topic lift" "billing,1,50,1,33.33333333,1.5,2,3" "$(sed -n 2p "$SCRATCH/out")"

# ---- a changed text is analysed again; a deleted row takes its result along ----
printf 'id,ts,account_id,survey,score,comment\nr1,2026-03-02,acme,nps,3,Today SUX!\n' \
    >"$SCRATCH/change.csv"
run_lf import responses "$SCRATCH/change.csv"
check_eq "r1's new comment replaced its result" "-0.5461|" \
    "$(sql "SELECT compound, topics FROM text_results t JOIN responses r ON r.id = t.row_id AND t.source = 1 WHERE r.ext_id = 'r1'")"
run_lf text topics "${W[@]}" --csv
check_eq "billing now only among promoters: lift 0" "billing,0,0,1,33.33333333,0,2,3" \
    "$(sed -n 2p "$SCRATCH/out")"

# ---- HTTP: the registry's metrics, the CLI's figures ----
read_key=$(new_key read)
admin_key=$(new_key admin)
serve_start
R=(-H "Authorization: Bearer $read_key")
for q in "text-summary?from=2026-01-01&to=2026-06-01&by=month" \
    "text-comments?from=2026-01-01&to=2026-06-01&survey=nps&score=0-6" \
    "text-topics?from=2026-01-01&to=2026-06-01"; do
    http GET "/v1/metrics/$q" "${R[@]}"
    check_eq "GET /v1/metrics/${q%%\?*}: 200" 200 "$status"
    printf '%s' "$body" >"$SCRATCH/http.json"
    args=$(printf '%s' "${q#*\?}" | sed 's/&/ --/g; s/^/--/; s/=/ /g')
    name=${q%%\?*}
    # shellcheck disable=SC2086
    run_lf text "${name#text-}" $args --json
    same=$(sqlite3 :memory: "SELECT json(CAST(readfile('$SCRATCH/http.json') AS TEXT)) =
                                    json(CAST(readfile('$SCRATCH/out') AS TEXT))")
    check_eq "$name: the CLI's document" 1 "$same"
done
# a REST create analyses the text in its transaction; a REST update replaces the result

http POST /v1/touchpoints -H "Authorization: Bearer $admin_key" "${JSON[@]}" \
    -d '{"id": "t9", "ts": "2026-04-05T10:00:00Z", "account_id": "acme", "kind": "chat", "text": "The book was good."}'
check_eq "POST /v1/touchpoints" 201 "$status"
check_eq "its text analysed" "0.4404" \
    "$(sql "SELECT compound FROM text_results t JOIN touchpoints p ON p.id = t.row_id AND t.source = 2 WHERE p.ext_id = 't9'")"
http PATCH /v1/touchpoints/t9 -H "Authorization: Bearer $admin_key" "${JSON[@]}" -d '{"text": "Today SUX!"}'
check_eq "PATCH /v1/touchpoints/t9" 200 "$status"
check_eq "its new text analysed" "-0.5461" \
    "$(sql "SELECT compound FROM text_results t JOIN touchpoints p ON p.id = t.row_id AND t.source = 2 WHERE p.ext_id = 't9'")"
http PATCH /v1/touchpoints/t9 -H "Authorization: Bearer $admin_key" "${JSON[@]}" -d '{"text": null}'
check_eq "a text removed: no result" "0" \
    "$(sql "SELECT count(*) FROM text_results t JOIN touchpoints p ON p.id = t.row_id AND t.source = 2 WHERE p.ext_id = 't9'")"
# a REST delete takes the result along
n0=$(sql 'SELECT count(*) FROM text_results')
rid=$(sql "SELECT ext_id FROM responses WHERE ext_id = 'r2'")
http DELETE "/v1/responses/$rid" -H "Authorization: Bearer $admin_key"
check_eq "DELETE /v1/responses/r2" 200 "$status"
check_eq "its result went with it" "$((n0 - 1)) 0" \
    "$(sql 'SELECT count(*) FROM text_results') $(sql "SELECT count(*) FROM text_results t WHERE t.source = 1 AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.id = t.row_id)")"
serve_stop

# ---- rebuild: the same results again, from nothing ----
before=$(sql 'SELECT group_concat(source || row_id || language || ifnull(compound, "") || ifnull(topics, ""), ";") FROM (SELECT * FROM text_results ORDER BY source, row_id)')
store_exec "$LANDFALL_DB" 'DELETE FROM text_results'
run_lf text rebuild
check_eq "text rebuild: exit 0" 0 "$rc"
check_eq "it says how many" "analysed 6 texts" "$errout"
check_eq "the same results" "$before" \
    "$(sql 'SELECT group_concat(source || row_id || language || ifnull(compound, "") || ifnull(topics, ""), ";") FROM (SELECT * FROM text_results ORDER BY source, row_id)')"
# a store without a cursor (written by an older landfall) is analysed whole at the next write
store_exec "$LANDFALL_DB" 'DELETE FROM text_results; DELETE FROM text_cursor'
printf 'id,ts,account_id,kind,text\nt3,2026-03-12,beta,ticket,The book was good.\n' >"$SCRATCH/t3.csv"
run_lf import touchpoints "$SCRATCH/t3.csv"
check_eq "every text analysed at the next write" 7 "$(sql 'SELECT count(*) FROM text_results')"
finish

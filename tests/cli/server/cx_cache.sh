#!/usr/bin/env bash
# cx_cache.sh - the responses and texts the server keeps between requests for the experience
# page's metrics (nps, csat, ces, scores: src/metrics/dataset.c; text-summary, text-comments,
# text-topics, text-emotions: src/metrics/text.c) always give the answers computed afresh:
# after each way responses, touchpoints and accounts change (HTTP writes of a response with a
# comment and of a touchpoint, an import by another process, an account's change, a deleted
# response; on PostgreSQL a second node's write), every answer the server gives again equals
# the CLI's, a process of its own that reads the store, and the change shows in it (counted
# against SQL on the store).
source "$(dirname "$0")/server_lib.sh"

run_lf demo --accounts 30 --seed 5 --months 12 --end 2026-01-01
check_eq "demo data" 0 "$rc"
r=$(new_key read)
w=$(new_key write)
a=$(new_key admin)
serve_start --no-snapshot
URL_A=$URL PID_A=$SERVER_PID
auth=(-H "Authorization: Bearer $r")
NOW=2026-01-01
FROM=2025-02-01
seg=$(sql "SELECT segment FROM accounts WHERE segment IS NOT NULL ORDER BY id LIMIT 1")
acct=$(sql "SELECT ext_id FROM accounts WHERE stub = 0 ORDER BY id LIMIT 1")
team=$(sql "SELECT team FROM touchpoints WHERE team IS NOT NULL ORDER BY id LIMIT 1")

# The experience page's requests (web/page_experience.js), and a few filtered: NAME PARAM=VALUE...
queries=(
    "nps now=$NOW from=$FROM"
    "csat now=$NOW from=$FROM by=month"
    "ces now=$NOW from=$FROM by=team"
    "nps now=$NOW from=$FROM where=segment=$seg"
    "nps now=$NOW from=$FROM where=account=$acct"
    "scores now=$NOW from=$FROM survey=nps"
    "scores now=$NOW from=$FROM survey=csat by=plan"
    "text-summary now=$NOW from=$FROM by=team"
    "text-summary now=$NOW from=$FROM by=month"
    "text-summary now=$NOW from=$FROM by=touchpoint"
    "text-comments now=$NOW from=$FROM source=response limit=25"
    "text-comments now=$NOW from=$FROM limit=10 offset=5"
    "text-topics now=$NOW from=$FROM"
    "text-emotions now=$NOW from=$FROM where=segment=$seg"
)

# the CLI computes without kept data, as the server did before it kept any
cli_env=(LANDFALL_CX_CACHE=0)

# field METRIC QUERY PATH: a value of the server's answer
field() {
    http GET "/v1/metrics/$1?$2" "${auth[@]}"
    jfield "$3"
}
# the nps responses of the window, and those with a comment, counted in the store
nps_sql() {
    sql "SELECT count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id
         WHERE s.kind = 'nps' AND r.ts >= $(date -u -d $FROM +%s)000
         AND r.ts < $(date -u -d $NOW +%s)000"
}
texts_sql() {
    sql "SELECT count(*) FROM text_results t JOIN responses r ON r.id = t.row_id
         WHERE t.source = 1 AND r.ts >= $(date -u -d $FROM +%s)000
         AND r.ts < $(date -u -d $NOW +%s)000"
}

metrics_as_cli "first answers"
metrics_as_cli "asked again"
check_eq "nps: n is the store's count of nps responses in the window" "$(nps_sql)" \
    "$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')"

# What the server answers is kept: a response changed behind the change log's back (SQL on the
# store, which no landfall write does) is not seen, nor after a write of events only (the
# change log holds nothing the kept responses are made of); the next response's write reads
# them again, the changed one with it.
p0=$(field nps "now=$NOW&from=$FROM" '$.rows[0].promoters')
rid=$(sql "SELECT r.id FROM responses r JOIN surveys s ON s.id = r.survey_id WHERE s.kind = 'nps'
           AND r.score <= 6 AND r.ts >= $(date -u -d $FROM +%s)000
           AND r.ts < $(date -u -d $NOW +%s)000 ORDER BY r.id LIMIT 1")
store_exec "$LANDFALL_DB" "UPDATE responses SET score = 10 WHERE id = $rid"
check_eq "a response changed behind the change log: the kept promoters" "$p0" \
    "$(field nps "now=$NOW&from=$FROM" '$.rows[0].promoters')"
http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [{\"type\": \"track\",
  \"userId\": \"cx-u1\", \"event\": \"cache probe\", \"messageId\": \"cx-e1\",
  \"timestamp\": \"2025-12-15T10:00:00Z\", \"context\": {\"groupId\": \"$acct\"}}]}"
check_eq "an event is stored" "200 1" "$status $(jfield '$.inserted')"
check_eq "… after it, still the kept promoters" "$p0" \
    "$(field nps "now=$NOW&from=$FROM" '$.rows[0].promoters')"

# A response with a comment, over HTTP: nps has one more, the texts one more comment.
n0=$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')
http POST /v1/responses -H "Authorization: Bearer $a" "${JSON[@]}" -d "{\"id\": \"cx-cache-1\",
  \"ts\": \"2025-11-15T10:00:00Z\", \"account_id\": \"$acct\", \"survey\": \"nps\", \"score\": 2,
  \"comment\": \"The invoices are wrong again and support never answers (probe cx7).\"}"
check_eq "a response is stored" 201 "$status"
check_eq "nps counts it" "$((n0 + 1))" "$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')"
check_eq "… and the response changed before as a promoter (the new one is a detractor)" \
    "$((p0 + 1))" "$(field nps "now=$NOW&from=$FROM" '$.rows[0].promoters')"
check_eq "… as the store does" "$(nps_sql)" "$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')"
http GET "/v1/metrics/text-comments?now=$NOW&from=$FROM&q=probe%20cx7" "${auth[@]}"
check_eq "its comment is found, negative" "cx-cache-1 negative" \
    "$(jfield '$.rows[0].id') $(jfield '$.rows[0].sentiment')"
http GET "/v1/metrics/text-comments?now=$NOW&from=$FROM&limit=1" "${auth[@]}"
check_eq "the comments' total is the store's analysed comments and ticket texts" \
    "$(($(texts_sql) + $(sql "SELECT count(*) FROM text_results t JOIN touchpoints p
      ON p.id = t.row_id WHERE t.source = 2 AND p.ts >= $(date -u -d $FROM +%s)000
      AND p.ts < $(date -u -d $NOW +%s)000")))" "$(jfield '$.total')"
metrics_as_cli "after an HTTP response"

# A touchpoint with a text changes kind: the texts and the grouping by kind follow.
tp=$(sql "SELECT ext_id FROM touchpoints WHERE text IS NOT NULL AND ts >= $(date -u -d $FROM +%s)000
          AND ts < $(date -u -d $NOW +%s)000 ORDER BY id LIMIT 1")
http PATCH "/v1/touchpoints/$tp" -H "Authorization: Bearer $a" "${JSON[@]}" \
    -d '{"kind": "cx-cache-kind"}'
check_eq "the touchpoint changes kind" 200 "$status"
http GET "/v1/metrics/text-summary?now=$NOW&from=$FROM&by=touchpoint" "${auth[@]}"
check "its kind is a group of text-summary by touchpoint" grep -q '"cx-cache-kind"' "$SCRATCH/body"
metrics_as_cli "after a touchpoint's change"

# Another process imports responses: the server's next answers hold them.
printf 'id,ts,account_id,survey,score,comment\ncx-imp-1,2025-12-20T09:00:00Z,%s,nps,10,Great onboarding and a fast team.\ncx-imp-2,2025-12-21T09:00:00Z,%s,csat,5,\n' \
    "$acct" "$acct" >"$SCRATCH/responses.csv"
run_lf import responses "$SCRATCH/responses.csv"
check_eq "the CLI imports two responses" 0 "$rc"
check_eq "nps counts the imported one" "$(nps_sql)" \
    "$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')"
metrics_as_cli "after a CLI import"

# An account changes segment: the filtered answers follow.
http PATCH "/v1/accounts/$acct" -H "Authorization: Bearer $a" "${JSON[@]}" \
    -d '{"segment": "cx-cache-segment"}'
check_eq "the account changes" 200 "$status"
check_eq "nps of its new segment: its responses" \
    "$(sql "SELECT count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id
            JOIN accounts c ON c.id = r.account_id WHERE s.kind = 'nps'
            AND c.ext_id = '$acct' AND r.ts >= $(date -u -d $FROM +%s)000
            AND r.ts < $(date -u -d $NOW +%s)000")" \
    "$(field nps "now=$NOW&from=$FROM&where=segment%3Dcx-cache-segment" '$.rows[0].n')"
metrics_as_cli "after an account's change"

# A response is deleted: it leaves every answer.
http DELETE /v1/responses/cx-cache-1 -H "Authorization: Bearer $a"
check_eq "the response is deleted" 200 "$status"
check_eq "nps no longer counts it" "$(nps_sql)" "$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')"
metrics_as_cli "after a deletion"

# On PostgreSQL, a second node writes; the first one's kept answers follow.
if ! on_sqlite; then
    serve_start --no-snapshot
    URL_B=$URL
    URL=$URL_B http POST /v1/responses -H "Authorization: Bearer $a" "${JSON[@]}" \
        -d "{\"id\": \"cx-node-b\", \"ts\": \"2025-10-20T10:00:00Z\", \"account_id\": \"$acct\",
             \"survey\": \"nps\", \"score\": 9, \"comment\": \"Node B says it works well.\"}"
    check_eq "node B stores a response" 201 "$status"
    URL=$URL_A
    check_eq "node A counts it" "$(nps_sql)" "$(field nps "now=$NOW&from=$FROM" '$.rows[0].n')"
    metrics_as_cli "after another node's writes"
    serve_stop
fi

# The same answers without the kept data (LANDFALL_CX_CACHE=0): the CLI's again.
SERVER_PID=$PID_A serve_stop
export LANDFALL_CX_CACHE=0
serve_start --no-snapshot
metrics_as_cli "a server without the kept data"
serve_stop
finish

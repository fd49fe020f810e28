#!/usr/bin/env bash
# query.sh - the query parameters a route takes are those the OpenAPI document declares of it
# (docs/api.md, "Query parameters"): on a route that takes a key or a session, one it does not
# declare, or one given twice, is a 400 naming it, as the metrics' routes refuse a parameter
# their declaration lacks; what the dashboard sends (web/*.js) is declared and answered; the
# routes others' code calls (health checks, ingestion, survey links) ignore what they do not
# read. And a GET writes nothing: the survey settings, never stored, answer their defaults.
source "$(dirname "$0")/server_lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,name,owner\nA,Acme,ann\n' >accounts.csv
printf 'id,account_id,email\nc1,A,c1@a.test\n' >contacts.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
admin=$(new_key admin)
write=$(new_key write)
serve_start
A=(-H "Authorization: Bearer $admin")

# refuse DESCRIPTION METHOD PATH FIELD: a 400 naming FIELD
refuse() {
    http "$2" "$3" "${A[@]}"
    check_eq "$1: 400 naming '$4'" "400 bad_request $4" \
        "$status $(jfield '$.error.code') $(jfield '$.error.field')"
}
# take DESCRIPTION METHOD PATH: answered 200
take() {
    http "$2" "$3" "${A[@]}"
    check_eq "$1: 200" "200" "$status"
}

refuse "GET /v1/followups takes no parameter" GET "/v1/followups?statuss=open" statuss
check_eq "... saying what it takes" \
    "'statuss' is not a parameter of GET /v1/followups, which takes no query parameter" \
    "$(jfield '$.error.message')"
take "GET /v1/followups without one" GET /v1/followups
refuse "a cache-buster is no exception (the dashboard sends none)" GET "/v1/followups?_=1767225600" _
refuse "GET /v1/survey-results (every survey's) takes none" GET "/v1/survey-results?survey=rel" survey
take "GET /v1/survey-skips?contact=" GET "/v1/survey-skips?contact=c1"
refuse "a parameter given twice" GET "/v1/survey-skips?contact=c1&contact=c2" contact
check_eq "... saying so" "'contact' is given twice" "$(jfield '$.error.message')"
take "GET /v1/keys?limit= (the settings page's)" GET "/v1/keys?limit=1000"
refuse "a misspelt limit is not a default" GET "/v1/keys?limt=2" limt
check_eq "... saying what the route takes" \
    "'limt' is not a parameter of GET /v1/keys, which takes limit, cursor" \
    "$(jfield '$.error.message')"
refuse "a malformed limit (as before)" GET "/v1/keys?limit=many" limit
# a count is plain decimal digits: strtoll's leniency took " 1" (%20) and "+5" as 1 and 5, so
# two spellings named one value; each parser of a count (lists' limit, a metric's integer
# parameter, the overview's days, training's horizon, a cursor's hex) refuses them, naming it
for q in "%201" "+5" "%2B5" "5%20" "0x5" "%095"; do
    refuse "GET /v1/keys?limit=$q" GET "/v1/keys?limit=$q" limit
    refuse "GET /v1/accounts?limit=$q (a resource list)" GET "/v1/accounts?limit=$q" limit
    refuse "GET /v1/metrics/text-comments?limit=$q (a metric's)" GET "/v1/metrics/text-comments?limit=$q" limit
    refuse "GET /v1/accounts/A/overview?days=$q" GET "/v1/accounts/A/overview?days=$q" days
    refuse "POST /v1/churn/models?horizon=$q" POST "/v1/churn/models?horizon=$q" horizon
done
take "... while digits are taken: ?limit=5" GET "/v1/metrics/text-comments?limit=5"
refuse "a metric's real number with a leading space (clv-bgnbd's weeks)" GET "/v1/metrics/clv-bgnbd?weeks=%2052" weeks
refuse "... or in hex" GET "/v1/metrics/clv-bgnbd?weeks=0x34" weeks
for q in "%200-6" "+0-6" "0-%206" "0-+6"; do
    refuse "a score range in other than digits: score=$q" GET "/v1/metrics/text-comments?score=$q" score
done
take "... score=0-6 is one" GET "/v1/metrics/text-comments?score=0-6"
refuse "a cursor in hex but with a leading space" GET "/v1/keys?cursor=c%205" cursor
refuse "... or 0x" GET "/v1/keys?cursor=c0x5" cursor
refuse "GET /v1/usage (the list) takes none" GET "/v1/usage?group=x" group
take "GET /v1/tasks?kind=follow-up&limit= (the surveys page's)" GET "/v1/tasks?kind=follow-up&limit=1000"
refuse "a resource list: what is no field of tasks" GET "/v1/tasks?knd=follow-up" knd
take "GET /v1/accounts/A/overview?now=&days=" GET "/v1/accounts/A/overview?now=2026-03-01&days=30"
refuse "... but not ?day=" GET "/v1/accounts/A/overview?day=30" day
take "GET /v1/surveys?limit= (the surveys page's)" GET "/v1/surveys?limit=1000"
refuse "a metric's route (the rule was theirs already)" GET "/v1/health?bogus=1" bogus
refuse "a write's route: POST /v1/health/snapshot?date= misspelt" POST "/v1/health/snapshot?dat=2026-03-01" dat

http GET "/v1/followups?statuss=open"
check_eq "without a key: 401 first (a stranger learns nothing of the parameters)" 401 "$status"

# the routes others' code calls ignore what they do not read
http GET "/healthz?probe=k8s"
check_eq "GET /healthz?probe=: 200" 200 "$status"
http POST "/v1/track?ver=1.2&_=1767225600" -u "$write:" "${JSON[@]}" \
    -d '{"userId": "c1", "event": "e", "messageId": "q-1"}'
check_eq "ingestion with a library's own parameters: accepted" "200 1" "$status $(jfield '$.accepted')"
http GET "/s/not-a-token?utm_source=newsletter"
check_eq "a survey link with a mail's utm_ tags: its page (404: the link does not work), not 400" \
    "404 text/html" "$status $(curl -s -o /dev/null -w '%{content_type}' "$URL/s/x?utm_source=n" | cut -d';' -f1)"

# the document says so: a 400 answer for every operation held to its parameters
curl -s -o "$SCRATCH/body" "$URL/openapi.json"
check_eq "the document: GET /v1/followups may answer 400" "#/components/responses/bad_request" \
    "$(jfield '$.paths."/v1/followups".get.responses."400"."$ref"')"

# a GET writes nothing: settings never stored answer the defaults; a PATCH stores them
http GET /v1/survey-settings "${A[@]}"
check_eq "GET /v1/survey-settings: the defaults (docs/surveys.md)" "200 30 3 30 14 30 2" \
    "$status $(jfield '$.contact_days') $(jfield '$.account_max') $(jfield '$.account_days') $(jfield '$.quiet_days') $(jfield '$.link_days') $(jfield '$.sla_days')"
# (store_exec: the store itself, as survey_settings is not in the change log store_sql's copy
# of a PostgreSQL store watches)
settings_rows() { store_exec "$LANDFALL_DB" "SELECT count(*) FROM survey_settings"; }
check_eq "... and nothing was written" 0 "$(settings_rows)"
http PATCH "/v1/survey-settings?dry_run=1" "${A[@]}" "${JSON[@]}" -d '{"contact_days": 20}'
check_eq "a write with a parameter it does not take: 400, refused before it wrote" \
    "400 dry_run 0" "$status $(jfield '$.error.field') $(settings_rows)"
http PATCH /v1/survey-settings "${A[@]}" "${JSON[@]}" -d '{"contact_days": 20}'
check_eq "PATCH stores them, with the change" "200 20 1" \
    "$status $(jfield '$.contact_days') $(settings_rows)"

serve_stop
finish

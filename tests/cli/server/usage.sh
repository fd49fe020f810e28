#!/usr/bin/env bash
# usage.sh - the analytics engine over HTTP: /v1/usage/NAME, /v1/cohorts and /v1/survival answer
# the very documents the CLI prints with --json; events ingested over HTTP count at once.
source "$(dirname "$0")/server_lib.sh"

run_lf demo --accounts 40 --seed 11 --months 12 --end 2026-01-01
check_eq "demo data" 0 "$rc"
r=$(new_key read)
w=$(new_key write)
serve_start
auth=(-H "Authorization: Bearer $r")

http GET /v1/usage "${auth[@]}"
names=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(CAST(readfile('$SCRATCH/body') AS TEXT), '$.metrics')")
check "the list names dau … ttv-accounts" grep -q '^dau wau mau .*ttv ttv-accounts$' <<<"$names"

# same_as_cli PATH CLI-ARGS...: the answer at PATH equals `landfall CLI-ARGS --json`
same_as_cli() {
    local path=$1
    shift
    "$LANDFALL" "$@" --json >"$SCRATCH/cli.json" 2>/dev/null
    http GET "$path" "${auth[@]}"
    check_eq "$path: 200" 200 "$status"
    check_eq "$path: the CLI's document" "$(cat "$SCRATCH/cli.json")" "$body"
}
for name in dau wau mau stickiness portfolio adoption seats recency; do
    same_as_cli "/v1/usage/$name?now=2026-01-01" usage "$name" --now 2026-01-01
done
same_as_cli "/v1/usage/mau?by=plan&now=2026-01-01" usage mau --by plan --now 2026-01-01
same_as_cli "/v1/usage/features?days=7,30&now=2026-01-01" usage features --days 7,30 --now 2026-01-01
same_as_cli "/v1/cohorts?by=week&level=account&now=2026-01-01" cohorts --by week --level account --now 2026-01-01
same_as_cli "/v1/cohorts?basis=revenue&now=2026-01-01" cohorts --basis revenue --now 2026-01-01
same_as_cli "/v1/survival?by=segment&now=2026-01-01" survival --by segment --now 2026-01-01
same_as_cli "/v1/survival?median=true&now=2026-01-01" survival --median --now 2026-01-01
same_as_cli "/v1/survival?project=true&periods=3&now=2026-01-01" survival --project --periods 3 --now 2026-01-01
http GET "/v1/survival?median=true&project=true" "${auth[@]}"
check_eq "median and project: 400 on field project" "400 project" "$status $(jfield '$.error.field')"

http GET /v1/usage/galaxy "${auth[@]}"
check_eq "an unknown metric: 404" "404 not_found" "$status $(jfield '$.error.code')"
http GET "/v1/usage/dau?from=yesterday" "${auth[@]}"
check_eq "a bad date: 400 on field from" "400 from" "$status $(jfield '$.error.field')"
http GET "/v1/usage/features?days=7,x" "${auth[@]}"
check_eq "bad days: 400 on field days" "400 days" "$status $(jfield '$.error.field')"

# An account with no activity on 2026-01-05; two of its users act through the Segment API.
acct=$(sql "SELECT ext_id FROM accounts WHERE stub = 0 ORDER BY id LIMIT 1")
day="now=2026-01-06&from=2026-01-05&to=2026-01-06"
http GET "/v1/usage/dau?account=$acct&$day" "${auth[@]}"
before=$(jfield '$.rows[0].users')
check_eq "a quiet day of one account reads as zero users" 0 "$before"
http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [
  {\"type\": \"track\", \"userId\": \"late-1\", \"event\": \"report viewed\", \"messageId\": \"u-1\",
   \"timestamp\": \"2026-01-05T10:00:00Z\", \"context\": {\"groupId\": \"$acct\"}},
  {\"type\": \"track\", \"userId\": \"late-2\", \"event\": \"report viewed\", \"messageId\": \"u-2\",
   \"timestamp\": \"2026-01-05T11:00:00Z\", \"context\": {\"groupId\": \"$acct\"}}]}"
check_eq "the batch is durable" 200 "$status"
http GET "/v1/usage/dau?account=$acct&$day" "${auth[@]}"
check_eq "the engine counts its two users at once" 2 "$(jfield '$.rows[0].users')"
serve_stop
finish

#!/usr/bin/env bash
# usage_cache.sh - the usage page's answers that the server keeps between requests
# (src/metrics/usage_cache.c) are always those computed afresh: after each way events and
# accounts reach the store (an HTTP batch, among them an event late in the past; an import by
# another process; an account's change; on PostgreSQL a second node's writes), every answer the
# server gives again equals the CLI's, a process of its own that computes it from the store
# (--no-snapshot), and the changes show in it.
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
seg=$(sql "SELECT segment FROM accounts WHERE segment IS NOT NULL ORDER BY id LIMIT 1")
acct=$(sql "SELECT ext_id FROM accounts WHERE stub = 0 ORDER BY id LIMIT 1")
recent=$(date -u -d '-20 days' +%F)

# The page's requests (without now: the clock's, and windows cut in the middle of a period),
# and others pinned to the demo's end, grouped and filtered: NAME PARAM=VALUE...
queries=(
    "dau now=$NOW from=2025-10-03"
    "wau now=$NOW"
    "mau now=$NOW"
    "mau now=$NOW by=plan"
    "stickiness now=$NOW from=2025-07-01"
    "features now=$NOW days=7,30,90"
    "feature-usage now=$NOW"
    "dau now=$NOW from=2025-12-01 where=segment=$seg"
    "dau from=$recent"
    "wau"
    "mau"
    "stickiness"
    "features days=7,30,90"
    "feature-usage"
)

# the CLI computes from the store (not from a snapshot of the engine)
cli_opts=(--no-snapshot)

# users of day DAY in the answer of dau over the demo's last quarter
dau_on() {
    http GET "/v1/metrics/dau?now=$NOW&from=2025-10-03" "${auth[@]}"
    sqlite3 :memory: "SELECT json_extract(value, '$.users') FROM json_each(CAST(readfile('$SCRATCH/body') AS TEXT), '$.rows') WHERE json_extract(value, '$.day') = '$1'"
}

# counter KIND FROM: the server's landfall_usage_cache_KIND_total{from="FROM"} (/metrics)
counter() {
    curl -s "$URL/metrics" | sed -n "s/^landfall_usage_cache_$1_total{from=\"$2\"} //p"
}

metrics_as_cli "first answers"
metrics_as_cli "asked again"
c0=$(counter periods computed)
k0=$(counter periods kept)
dau_on 2025-11-15 >/dev/null
check_eq "asked again, dau of 90 whole days computes no day" 0 $(($(counter periods computed) - c0))
check_eq "… and takes the 90 it keeps" 90 $(($(counter periods kept) - k0))
a0=$(counter answers computed)
metric_as_cli "asked again" features now=$NOW days=7,30,90
metric_as_cli "asked again" feature-usage now=$NOW
check_eq "… feature usage and the curves are kept whole" 0 $(($(counter answers computed) - a0))

# An HTTP batch: a new user late in the past (2025-11-15, the middle of every window above), a
# new event name, and events of the last days (in the clock's windows).
before=$(dau_on 2025-11-15)
d1=$(date -u -d '-2 days' +%FT10:00:00Z)
d2=$(date -u -d '-1 days' +%FT11:00:00Z)
http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [
  {\"type\": \"track\", \"userId\": \"late-1\", \"event\": \"cache probe\", \"messageId\": \"c-1\",
   \"timestamp\": \"2025-11-15T10:00:00Z\", \"context\": {\"groupId\": \"$acct\"}},
  {\"type\": \"track\", \"userId\": \"late-1\", \"event\": \"cache probe\", \"messageId\": \"c-2\",
   \"timestamp\": \"$d1\", \"context\": {\"groupId\": \"$acct\"}},
  {\"type\": \"track\", \"userId\": \"late-2\", \"event\": \"report viewed\", \"messageId\": \"c-3\",
   \"timestamp\": \"$d2\", \"context\": {\"groupId\": \"$acct\"}}]}"
check_eq "the batch is durable" "200 3" "$status $(jfield '$.inserted')"
c0=$(counter periods computed)
check_eq "the day late in the past has one user more" "$((before + 1))" "$(dau_on 2025-11-15)"
check_eq "… and is the one day of the 90 computed again" 1 $(($(counter periods computed) - c0))
metrics_as_cli "after an HTTP batch"

# Another process imports events: the server's next answers hold them.
before=$(dau_on 2025-12-20)
{
    printf '{"type": "track", "userId": "imp-1", "event": "cache probe", "messageId": "i-1", "timestamp": "2025-12-20T09:00:00Z", "context": {"groupId": "%s"}}\n' "$acct"
    printf '{"type": "track", "userId": "imp-1", "event": "cache probe", "messageId": "i-2", "timestamp": "%s", "context": {"groupId": "%s"}}\n' "$(date -u -d '-3 days' +%FT08:00:00Z)" "$acct"
} >"$SCRATCH/more.ndjson"
run_lf import events "$SCRATCH/more.ndjson"
check_eq "the CLI imports two events" 0 "$rc"
check_eq "the imported day has one user more" "$((before + 1))" "$(dau_on 2025-12-20)"
metrics_as_cli "after a CLI import"

# An account changes plan, segment and start: the grouped, filtered and curve answers follow.
http PATCH "/v1/accounts/$acct" -u "$a:" "${JSON[@]}" \
    -d "{\"plan\": \"cache-plan\", \"segment\": \"$seg\", \"customer_since\": \"2025-08-01\"}"
check_eq "the account changes" 200 "$status"
http GET "/v1/metrics/mau?now=$NOW&by=plan" "${auth[@]}"
check "its plan is a group of mau by plan" grep -q '"cache-plan"' "$SCRATCH/body"
metrics_as_cli "after an account's change"

# On PostgreSQL, a second node writes; the first one's kept answers follow.
if ! on_sqlite; then
    serve_start --no-snapshot
    URL_B=$URL
    URL=$URL_B http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [
      {\"type\": \"track\", \"userId\": \"node-b\", \"event\": \"cache probe\", \"messageId\": \"b-1\",
       \"timestamp\": \"2025-10-20T10:00:00Z\", \"context\": {\"groupId\": \"$acct\"}}]}"
    check_eq "node B stores a batch" "200 1" "$status $(jfield '$.inserted')"
    URL=$URL_B http PATCH "/v1/accounts/$acct" -u "$a:" "${JSON[@]}" -d '{"plan": "node-b-plan"}'
    check_eq "node B changes the account" 200 "$status"
    URL=$URL_A
    metrics_as_cli "after another node's writes"
    http GET "/v1/metrics/mau?now=$NOW&by=plan" "${auth[@]}"
    check "node A groups by node B's plan" grep -q '"node-b-plan"' "$SCRATCH/body"
    serve_stop
fi

# The same answers without the cache (LANDFALL_USAGE_CACHE=0): the CLI's again.
SERVER_PID=$PID_A serve_stop
export LANDFALL_USAGE_CACHE=0
serve_start --no-snapshot
metrics_as_cli "a server without the cache"
serve_stop
finish

#!/usr/bin/env bash
# ingest.sh - Segment's and PostHog's endpoints over curl: what lands in which table, message-id
# de-duplication, clock-skew correction, partial batches, gzip bodies. Expected rows are written
# out by hand from the calls sent; the store is read with sqlite3.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
serve_start

# identify → a contact with its traits; group → an account with its traits, the user joins it
http POST /v1/identify -u "$w:" "${JSON[@]}" -d '{"userId": "u1", "messageId": "i1",
  "traits": {"email": "ann@acme.test", "firstName": "Ann", "lastName": "Lee", "role": "champion"}}'
check_eq "identify: 200" 200 "$status"
check_eq "identify: stored" '{"success": true, "received": 1, "accepted": 1, "inserted": 0, "duplicates": 0, "rejected": []}' "$body"
check_eq "identify: the contact" "u1|ann@acme.test|Ann Lee|champion|" \
    "$(sql "SELECT ext_id, email, name, role, account_id FROM contacts")"
http POST /v1/group -u "$w:" "${JSON[@]}" -d '{"userId": "u1", "groupId": "acme",
  "traits": {"name": "Acme Inc", "plan": "pro", "seats": 25, "industry": "retail"}}'
check_eq "group: 200" 200 "$status"
check_eq "group: the account, other traits kept as attributes" 'acme|Acme Inc|pro|25|retail' \
    "$(sql "SELECT ext_id, name, plan, seats, json_extract(attrs, '$.industry') FROM accounts")"
check_eq "group: the user now belongs to the account" acme \
    "$(sql "SELECT a.ext_id FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.ext_id = 'u1'")"

# track: the event takes the user's account (from the earlier group call); context.groupId names
# another account for a new user. The batch's sentAt is 10 s after the first event by the
# device's clock, which is off: the events land at receipt - 10 s and receipt - 4 s.
before=$(date +%s%3N)
http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"sentAt": "2020-01-01T00:00:10Z", "batch": [
  {"type": "track", "userId": "u1", "event": "Report Built", "messageId": "t1",
   "timestamp": "2020-01-01T00:00:00Z", "properties": {"value": 3.5, "kind": "nps"}},
  {"type": "track", "userId": "u2", "event": "Signed In", "messageId": "t2",
   "timestamp": "2020-01-01T00:00:06Z", "context": {"groupId": "globex"}},
  {"type": "page", "anonymousId": "anon-9", "name": "Pricing", "messageId": "p1"},
  {"type": "track", "userId": "u1", "messageId": "bad1"},
  {"type": "screen", "userId": 5, "messageId": "bad2"}]}'
after=$(date +%s%3N)
check_eq "a partial batch is a 200" 200 "$status"
check_eq "... 5 received, 3 stored" "5 3 3" "$(jfield '$.received') $(jfield '$.accepted') $(jfield '$.inserted')"
check_eq "... the bad ones by index" "3 event 4 userId" \
    "$(jfield '$.rejected[0].index') $(jfield '$.rejected[0].field') $(jfield '$.rejected[1].index') $(jfield '$.rejected[1].field')"
check_eq "the events with their accounts and contacts" \
    "t1|Report Built|acme|u1|3.5|nps
t2|Signed In|globex|u2||
p1|page||anon-9||" \
    "$(sql "SELECT e.message_id, n.name, a.ext_id, c.ext_id, e.value, json_extract(e.props, '$.kind')
            FROM events e JOIN event_names n ON n.id = e.name_id LEFT JOIN accounts a ON a.id = e.account_id
            LEFT JOIN contacts c ON c.id = e.contact_id ORDER BY e.id")"
t1=$(sql "SELECT ts FROM events WHERE message_id = 't1'")
t2=$(sql "SELECT ts FROM events WHERE message_id = 't2'")
check "skew: t1 is 10 s before receipt" test "$t1" -ge $((before - 10000)) -a "$t1" -le $((after - 10000))
check_eq "skew: t2 is 6 s after t1, as the device saw it" 6000 $((t2 - t1))
check_eq "the new user joined globex (context.groupId)" globex \
    "$(sql "SELECT a.ext_id FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.ext_id = 'u2'")"

# the same batch again (a client retry): nothing new
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u1", "event": "Report Built", "messageId": "t1", "timestamp": "2020-01-01T00:00:00Z"}'
check_eq "a retried message id is a duplicate" "200 0 1" "$status $(jfield '$.inserted') $(jfield '$.duplicates')"
check_eq "... stored once" 3 "$(sql "SELECT count(*) FROM events")"
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u3", "event": "No Id", "timestamp": "2020-01-02T00:00:00Z"}'
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u3", "event": "No Id", "timestamp": "2020-01-02T00:00:00Z"}'
check_eq "a call without messageId, sent twice, is stored once" "200 1" "$status $(jfield '$.duplicates')"
check_eq "... with a derived id" 1 "$(sql "SELECT count(*) FROM events WHERE message_id LIKE 'h:%'")"
http POST /v1/batch "${JSON[@]}" -d "{\"writeKey\": \"$w\", \"batch\": [{\"type\": \"track\", \"userId\": \"u4\", \"event\": \"Body Key\"}]}"
check_eq "the write key may be in the body (writeKey)" "200 1" "$status $(jfield '$.inserted')"

# PostHog: /batch/ with the key in the body, $identify, $groupidentify, $groups; with and without
# the trailing slash; a gzip body as posthog-node sends it
http POST /batch/ "${JSON[@]}" -d "{\"api_key\": \"$w\", \"batch\": [
  {\"event\": \"\$identify\", \"distinct_id\": \"ph1\", \"uuid\": \"ph-a\", \"properties\": {\"\$set\": {\"email\": \"ph1@initech.test\"}}},
  {\"event\": \"\$groupidentify\", \"distinct_id\": \"\$company_initech\", \"uuid\": \"ph-b\",
   \"properties\": {\"\$group_type\": \"company\", \"\$group_key\": \"initech\", \"\$group_set\": {\"name\": \"Initech\"}}},
  {\"event\": \"dashboard viewed\", \"distinct_id\": \"ph1\", \"uuid\": \"ph-c\", \"properties\": {\"\$groups\": {\"company\": \"initech\"}}}]}"
check_eq "posthog /batch/: 200, 3 accepted" "200 3" "$status $(jfield '$.accepted')"
check_eq "posthog: contact, account and event" "ph1@initech.test|Initech|dashboard viewed|initech|ph1" \
    "$(sql "SELECT (SELECT email FROM contacts WHERE ext_id = 'ph1'), (SELECT name FROM accounts WHERE ext_id = 'initech'),
            n.name, a.ext_id, c.ext_id FROM events e JOIN event_names n ON n.id = e.name_id
            JOIN accounts a ON a.id = e.account_id JOIN contacts c ON c.id = e.contact_id WHERE e.message_id = 'ph-c'")"
http POST /capture "${JSON[@]}" -d "{\"api_key\": \"$w\", \"event\": \"one\", \"distinct_id\": \"ph2\", \"uuid\": \"ph-d\"}"
check_eq "posthog /capture (no slash): 200" "200 1" "$status $(jfield '$.inserted')"
printf '%s' "{\"api_key\": \"$w\", \"batch\": [{\"event\": \"zipped\", \"distinct_id\": \"ph3\", \"uuid\": \"ph-e\"}]}" | gzip >"$SCRATCH/body.gz"
http POST /i/v0/e/ "${JSON[@]}" -H 'Content-Encoding: gzip' --data-binary @"$SCRATCH/body.gz"
check_eq "posthog /i/v0/e/ with a gzip body: 200" "200 1" "$status $(jfield '$.inserted')"
check_eq "... stored" 1 "$(sql "SELECT count(*) FROM events WHERE message_id = 'ph-e'")"

# the access log is one JSON object per request, with the key's prefix and the item counts
last=$(grep '"/i/v0/e/"' "$SCRATCH/access.log" | tail -1)
check "the access log names the key prefix" grep -q "\"key\": \"${w:0:11}\"" <<<"$last"
check "the access log has status and items" grep -q '"status": 200, .*"items": 1, "inserted": 1' <<<"$last"
# /metrics counts the events new to the store: t1 t2 p1, the derived-id one, the body-key one,
# and the three PostHog events (identify and group calls are no events) = 8
curl -s "$URL/metrics" >"$SCRATCH/metrics"
check_eq "metrics: events ingested" "landfall_events_ingested_total 8" "$(grep '^landfall_events_ingested_total' "$SCRATCH/metrics")"
check_eq "metrics: rejected items" "landfall_items_rejected_total 2" "$(grep '^landfall_items_rejected_total' "$SCRATCH/metrics")"
check "metrics: requests by route and status" grep -q '^landfall_http_requests_total{route="/v1/batch",method="POST",status="200"} 2$' "$SCRATCH/metrics"
check "metrics: commit latency histogram" grep -q '^landfall_store_commit_duration_seconds_count [1-9]' "$SCRATCH/metrics"
check_eq "events in the store" 8 "$(sql "SELECT count(*) FROM events")"

# analytics.js (@segment/analytics-next, Segment's browser library) posts each call to the first
# letter of its type (plugins/segmentio/index.ts: `${remote}/${path}`, path = type.charAt(0)) and
# its batches to /b (batched-dispatcher.ts), as text/plain with the write key in the body, from
# the customer's site: these were 404, and the answers had no Access-Control-Allow-Origin
TEXT=(-H 'Content-Type: text/plain' -H 'Origin: https://app.example.test')
http POST /v1/t "${TEXT[@]}" -D "$SCRATCH/headers" -d "{\"type\": \"track\", \"event\": \"Clicked\",
  \"userId\": \"br-u\", \"messageId\": \"br-1\", \"writeKey\": \"$w\", \"context\": {\"groupId\": \"acme\"}}"
check_eq "analytics.js: /v1/t is a track call" "200 1" "$status $(jfield '$.inserted')"
check "... its answer readable from another origin" grep -qi '^Access-Control-Allow-Origin: \*' "$SCRATCH/headers"
http POST /v1/i "${TEXT[@]}" -d "{\"type\": \"identify\", \"userId\": \"br-u\", \"messageId\": \"br-2\",
  \"traits\": {\"email\": \"br@acme.test\"}, \"writeKey\": \"$w\"}"
check_eq "analytics.js: /v1/i is an identify call" "200 br@acme.test" "$status $(sql "SELECT email FROM contacts WHERE ext_id = 'br-u'")"
http POST /v1/b "${TEXT[@]}" -d "{\"writeKey\": \"$w\", \"batch\": [
  {\"type\": \"page\", \"userId\": \"br-u\", \"name\": \"Home\", \"messageId\": \"br-3\"},
  {\"type\": \"track\", \"userId\": \"br-u\", \"event\": \"Left\", \"messageId\": \"br-4\"}]}"
check_eq "analytics.js: /v1/b is a batch" "200 2" "$status $(jfield '$.inserted')"
check_eq "... stored: the three events of br-u in acme (a page call is the event 'page')" \
    "br-1|Clicked|br-u|acme br-3|page|br-u|acme br-4|Left|br-u|acme" \
    "$(sql "SELECT e.message_id, n.name, c.ext_id, a.ext_id FROM events e
            JOIN event_names n ON n.id = e.name_id JOIN contacts c ON c.id = e.contact_id
            JOIN accounts a ON a.id = e.account_id WHERE e.message_id LIKE 'br-%' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
# posthog-js posts application/json from the customer's site: the browser asks first (a CORS
# preflight), which was a 405, so the browser never sent the events
curl -s -o /dev/null -D "$SCRATCH/headers" -w '%{http_code}' -X OPTIONS -H 'Origin: https://app.example.test' \
    -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type' \
    "$URL/e/" >"$SCRATCH/status"
check_eq "a preflight of /e/: 204" 204 "$(cat "$SCRATCH/status")"
check "... allowing any origin" grep -qi '^Access-Control-Allow-Origin: \*' "$SCRATCH/headers"
check "... to post JSON" grep -qi '^Access-Control-Allow-Headers: .*Content-Type' "$SCRATCH/headers"
http OPTIONS /v1/accounts
check_eq "no preflight elsewhere: the API is not for other sites' scripts" "405 method_not_allowed" \
    "$status $(jfield '$.error.code')"
serve_stop
check_eq "clean stop" 0 "$stop_rc"
check_eq "integrity" ok "$(store_intact "$LANDFALL_DB")"
finish

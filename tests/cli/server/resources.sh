#!/usr/bin/env bash
# resources.sh - the REST resources over HTTP: create (201), get, list with filters, sort and
# cursors, PUT replaces, PATCH merges, DELETE is audited, scopes, and the JSON errors.
source "$(dirname "$0")/server_lib.sh"

r=$(new_key read)
a=$(new_key admin)
w=$(new_key write)
serve_start
admin=(-H "Authorization: Bearer $a" "${JSON[@]}")
read=(-H "Authorization: Bearer $r")

http POST /v1/accounts "${admin[@]}" -d '{"id":"acme","name":"Acme","plan":"growth","segment":"smb","mrr":50000,"customer_since":"2025-03-01"}'
check_eq "create: 201" 201 "$status"
check_eq "the row as stored" "acme growth 50000 USD 2025-03-01" \
    "$(jfield '$.id') $(jfield '$.plan') $(jfield '$.mrr') $(jfield '$.currency') $(jfield '$.customer_since')"
check_eq "its MRR starts its history at customer_since" "50000" \
    "$(sql "SELECT mrr FROM mrr_changes WHERE date = strftime('%s','2025-03-01') * 1000")"
http POST /v1/accounts "${admin[@]}" -d '{"id":"acme"}'
check_eq "a duplicate: 409" "409 conflict" "$status $(jfield '$.error.code')"

for i in 1 2 3 4 5; do
    http POST /v1/accounts "${admin[@]}" -d "{\"id\":\"b$i\",\"plan\":\"starter\",\"seats\":$((i * 10))}"
done
http GET "/v1/accounts?plan=starter&sort=-seats&limit=2" "${read[@]}"
check_eq "filter + sort + limit: the first page" "200 2 b5 b4" "$status $(jlen '$.data') $(jfield '$.data[0].id') $(jfield '$.data[1].id')"
cursor=$(jfield '$.next_cursor')
http GET "/v1/accounts?plan=starter&sort=-seats&limit=2&cursor=$cursor" "${read[@]}"
check_eq "the second page continues" "b3 b2" "$(jfield '$.data[0].id') $(jfield '$.data[1].id')"
cursor=$(jfield '$.next_cursor')
http GET "/v1/accounts?plan=starter&sort=-seats&limit=2&cursor=$cursor" "${read[@]}"
check_eq "the last page ends the listing" "1 b1 " "$(jlen '$.data') $(jfield '$.data[0].id') $(jfield '$.next_cursor')"
http GET "/v1/accounts?colour=red" "${read[@]}"
check_eq "an unknown filter: 400 naming it" "400 colour" "$status $(jfield '$.error.field')"
http GET "/v1/accounts?limit=0" "${read[@]}"
check_eq "a bad limit: 400" "400 limit" "$status $(jfield '$.error.field')"

# an id is any text: one with a '/' (%2F) or '?' (%3F) is one path segment, decoded once
# routed; the router matched the decoded path, so org/7 was "no endpoint '/v1/accounts/org/7'"
http POST /v1/accounts "${admin[@]}" -d '{"id":"org/7","name":"Slash"}'
check_eq "an account 'org/7'" 201 "$status"
http GET /v1/accounts/org%2F7 "${read[@]}"
check_eq "... is found at /v1/accounts/org%2F7" "200 org/7 Slash" "$status $(jfield '$.id') $(jfield '$.name')"
http PATCH /v1/accounts/org%2f7 "${admin[@]}" -d '{"plan":"pro"}'
check_eq "... changed there (lowercase %2f)" "200 pro" "$status $(jfield '$.plan')"
http POST /v1/accounts "${admin[@]}" -d '{"id":"q?a b","name":"Query"}'
http GET "/v1/accounts/q%3Fa%20b" "${read[@]}"
check_eq "an account 'q?a b' at /v1/accounts/q%3Fa%20b" "200 q?a b" "$status $(jfield '$.id')"
http GET /v1/accounts/org/7 "${read[@]}"
check_eq "a '/' as sent still separates segments" "404 no endpoint '/v1/accounts/org/7'" \
    "$status $(jfield '$.error.message')"

http PATCH /v1/accounts/acme "${admin[@]}" -d '{"plan":"business"}'
check_eq "PATCH merges" "200 Acme business" "$status $(jfield '$.name') $(jfield '$.plan')"
http PUT /v1/accounts/acme "${admin[@]}" -d '{"plan":"enterprise"}'
check_eq "PUT replaces: the name is cleared" "200 enterprise " "$status $(jfield '$.plan') $(jfield '$.name')"
http PUT /v1/accounts/acme "${admin[@]}" -d '{"id":"other"}'
check_eq "a body id that is not the URL's: 422" "422 id" "$status $(jfield '$.error.field')"
http PATCH /v1/accounts/acme "${admin[@]}" -d '{"seats":"ten"}'
check_eq "a wrong type: 422 naming the field" "422 invalid seats" "$status $(jfield '$.error.code') $(jfield '$.error.field')"
http PATCH /v1/accounts/acme "${admin[@]}" -d '{"seats":'
check_eq "malformed JSON: 400" "400 bad_request" "$status $(jfield '$.error.code')"
http PATCH /v1/accounts/ghost "${admin[@]}" -d '{"seats":1}'
check_eq "PATCH of a missing row: 404" 404 "$status"

http POST /v1/contacts "${admin[@]}" -d '{"id":"u1","account_id":"acme","email":"ann@acme.test","role":"champion"}'
check_eq "a contact of acme" "201 acme" "$status $(jfield '$.account_id')"
http POST /v1/responses "${admin[@]}" -d '{"id":"r1","ts":"2025-06-01T10:00:00Z","account_id":"acme","contact_id":"u1","survey":"nps","score":9,"comment":"great"}'
check_eq "a response" "201 nps 9" "$status $(jfield '$.survey') $(jfield '$.score')"
http POST /v1/responses "${admin[@]}" -d '{"id":"r2","ts":"2025-06-01T10:00:00Z","survey":"csat","score":6}'
check_eq "a score outside its scale: 422" "422 score" "$status $(jfield '$.error.field')"
http POST /v1/tasks "${admin[@]}" -d '{"account_id":"acme","kind":"risk","title":"call the champion","due_date":"2025-07-01"}'
check_eq "a task gets a numeric id and is open" "201 open" "$status $(jfield '$.status')"
task=$(jfield '$.id')
http PATCH "/v1/tasks/$task" "${admin[@]}" -d '{"status":"done","note":"renewed"}'
check_eq "closing it" "200 done renewed" "$status $(jfield '$.status') $(jfield '$.note')"
http POST /v1/mrr_changes "${admin[@]}" -d '{"account_id":"acme","date":"2025-09-01","mrr":0,"reason":"budget cuts"}'
check_eq "a churn point" 201 "$status"
http GET /v1/accounts/acme "${read[@]}"
check_eq "moves the account's MRR to 0" 0 "$(jfield '$.mrr')"

http POST /v1/accounts "${read[@]}" "${JSON[@]}" -d '{"id":"x"}'
check_eq "a read key cannot write" 403 "$status"
http GET /v1/accounts -H "Authorization: Bearer $w"
check_eq "a write key cannot read" 403 "$status"
http GET /v1/accounts
check_eq "no key: 401" 401 "$status"

http DELETE /v1/accounts/acme "${admin[@]}"
check_eq "an account with contacts cannot go: 409" 409 "$status"
http DELETE /v1/contacts/u1 "${admin[@]}"
check_eq "a contact with responses cannot go either" 409 "$status"
http DELETE /v1/responses/r1 "${admin[@]}"
check_eq "deleting a response" '200 {"deleted": true}' "$status $body"
http GET /v1/responses/r1 "${read[@]}"
check_eq "it is gone" 404 "$status"
check_eq "the delete is audited with the key and the row" "responses r1 9" \
    "$(sql "SELECT resource, row_key, json_extract(data, '$.score') FROM audit_log" | tr '|' ' ')"
check "the actor is the admin key's prefix" grep -q "^key:${a:0:11}$" <(sql "SELECT actor FROM audit_log")

# Events name their account without a foreign key: the account stays while they do.
http POST /v1/accounts "${admin[@]}" -d '{"id":"quiet"}'
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"anonymousId":"anon-1","event":"login","messageId":"q-1","context":{"groupId":"quiet"}}'
check_eq "an event of account quiet" 200 "$status"
# a number filter is a finite number: NaN is bound as NULL, so ?value=nan listed the events
# without a value, and ?value=inf listed none, both as if answered
for v in nan inf -inf; do
    http GET "/v1/events?value=$v" "${read[@]}"
    check_eq "?value=$v: 400 naming the field" "400 value" "$status $(jfield '$.error.field')"
done
http GET "/v1/events?value=1.5" "${read[@]}"
check_eq "?value=1.5 is a filter (no event has it)" "200 0" "$status $(jlen '$.data')"
http DELETE /v1/accounts/quiet "${admin[@]}"
check_eq "an account with events cannot go: 409 naming them" \
    "409 account 'quiet' is still referred to by events; delete those first" \
    "$status $(jfield '$.error.message')"
serve_stop
finish

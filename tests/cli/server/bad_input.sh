#!/usr/bin/env bash
# bad_input.sh - every kind of bad request gets its status and a JSON error, and the server keeps
# serving: malformed JSON, wrong types, missing ids, bodies over the limit, bad UTF-8, keys that
# are absent, wrong, of the wrong scope or revoked, unknown routes and methods, rate limits.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
r=$(new_key read)
serve_start --max-body 2K

# expect STATUS CODE DESCRIPTION: the last answer has this status and error code, and the
# server still answers /healthz.
expect() {
    check_eq "$3: status" "$1" "$status"
    check_eq "$3: error code" "$2" "$(jfield '$.error.code')"
    check "$3: a message" test -n "$(jfield '$.error.message')"
    check "$3: the server keeps serving" curl -sf -o /dev/null "$URL/healthz"
}

http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": [{"type": "track",'
expect 400 bad_request "malformed JSON"
check "... says where" grep -q "line 1, column" <<<"$(jfield '$.error.message')"
http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": {"type": "track"}}'
expect 400 bad_request "batch is not an array"
http POST /v1/batch -u "$w:" "${JSON[@]}" -d '[1, 2]'
expect 400 bad_request "a body that is no object"
printf '{"userId": "u\xff", "event": "e"}' >"$SCRATCH/bad.json"
http POST /v1/track -u "$w:" "${JSON[@]}" --data-binary @"$SCRATCH/bad.json"
expect 400 bad_request "bad UTF-8"
# {"userId": "u is 13 bytes: the bad one is at offset 13
check_eq "... at its offset" "the body is not UTF-8: bad byte at offset 13" "$(jfield '$.error.message')"
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"event": "e", "properties": {}}'
expect 422 invalid "no userId and no anonymousId"
check_eq "... names the field" userId "$(jfield '$.error.field')"
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": ["u"], "event": "e"}'
expect 422 invalid "userId of the wrong type"
check_eq "... says why" "'userId' must be a string" "$(jfield '$.rejected[0].message')"
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u", "event": "e", "properties": "p"}'
expect 422 invalid "properties of the wrong type"
check_eq "... names the field" properties "$(jfield '$.error.field')"
http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": [{"type": "track", "userId": "u"}, {"type": "fly"}]}'
expect 422 invalid "a batch with no valid item"
check_eq "... lists each by index" "0 event 1 type" \
    "$(jfield '$.rejected[0].index') $(jfield '$.rejected[0].field') $(jfield '$.rejected[1].index') $(jfield '$.rejected[1].field')"
http POST /v1/identify -u "$w:" "${JSON[@]}" -d '{"userId": "u", "traits": {"email": "not-an-address"}}'
expect 422 invalid "a trait the store refuses"
check "... says which" grep -q "traits.email" <<<"$(jfield '$.rejected[0].message')"
check_eq "nothing of those was stored" "0 0" "$(sql "SELECT count(*) FROM events") $(sql "SELECT count(*) FROM contacts")"
check_eq "... the store refused nothing: the parse did (field named)" traits.email "$(jfield '$.rejected[0].field')"

# sizes: 2 KB here (--max-body 2K); the default is 4 MB
head -c 3000 /dev/zero | tr '\0' 'x' | sed 's/.*/{"userId": "u", "event": "&"}/' >"$SCRATCH/big.json"
http POST /v1/track -u "$w:" "${JSON[@]}" --data-binary @"$SCRATCH/big.json"
expect 413 payload_too_large "a body over the limit"
head -c 3000 /dev/zero | gzip >"$SCRATCH/bomb.gz"
http POST /v1/track -u "$w:" "${JSON[@]}" -H 'Content-Encoding: gzip' --data-binary @"$SCRATCH/bomb.gz"
expect 413 payload_too_large "a small gzip body that inflates over the limit"
http POST /v1/track -u "$w:" "${JSON[@]}" -H 'Content-Encoding: gzip' -d 'not gzip'
expect 400 bad_request "a corrupt gzip body"
http POST /v1/track -u "$w:" "${JSON[@]}" -H 'Content-Encoding: br' -d '{}'
expect 415 unsupported_media_type "an unknown content encoding"
http POST /v1/track -u "$w:" -H 'Content-Type: application/xml' -d '<track/>'
expect 415 unsupported_media_type "a body that is not JSON by its type"
http POST /v1/track -u "$w:" -H 'Content-Type: application/jsonp' -d '{"userId": "u", "event": "e"}'
expect 415 unsupported_media_type "application/jsonp, which only starts like JSON's type"
http POST /v1/track -u "$w:" -H 'Content-Type: Application/JSON; charset=utf-8' \
    -d '{"userId": "u", "event": "e", "messageId": "ct-1"}'
check_eq "JSON's type in another case, with a parameter: taken" 200 "$status"
http POST /v1/track -u "$w:" "${JSON[@]}" -H 'Content-Length: 31' -H 'Content-Length: 60' \
    -d '{"userId": "u", "event": "e"}  '
expect 400 bad_request "two Content-Length headers that differ"

# paths: what a client sent is echoed as UTF-8 (U+FFFD for what is not), and a NUL is refused
a=$(new_key admin)
http GET /v1/accounts/%ff -H "Authorization: Bearer $a"
expect 400 bad_request "a path that is not UTF-8"
check "... answered in UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$SCRATCH/body"
check_eq "... the byte replaced" "the path '/v1/accounts/$(printf '\xef\xbf\xbd')' is not UTF-8" \
    "$(jfield '$.error.message')"
check "... and so is the access log" iconv -f UTF-8 -t UTF-8 -o /dev/null "$SCRATCH/access.log"
http GET /v1/nothing%c3%28 -H "Authorization: Bearer $a"
expect 400 bad_request "an unknown path that is not UTF-8"
http GET /v1/accounts/a%00b -H "Authorization: Bearer $a"
expect 400 bad_request "a NUL byte in the path (not account 'a')"
check_eq "... said so" "the URL holds a NUL byte (%00)" "$(jfield '$.error.message')"

# a NUL character in a string, escaped (\u0000) or a raw 0 byte (not JSON at all), is refused
# on every JSON body naming the field that holds it (jansson's own message named none): no text
# may hold one (C strings end there; PostgreSQL's text refuses it)
# nul DESCRIPTION FIELD METHOD PATH BODY-FILE CURL-ARGS...: a 400 naming FIELD and why
events_before=$(sql "SELECT count(*) FROM events")
nul() {
    local d=$1 f=$2 m=$3 p=$4 file=$5
    shift 5
    http "$m" "$p" "${JSON[@]}" --data-binary @"$file" "$@"
    check_eq "$d: 400 naming '$f'" "400 bad_request $f" \
        "$status $(jfield '$.error.code') $(jfield '$.error.field')"
    check "... saying why ($(jfield '$.error.message'))" grep -qF "'$f' holds a NUL character" \
        <<<"$(jfield '$.error.message')"
}
printf '{"userId": "u", "event": "e", "properties": {"message": "a\\u0000b"}}' >"$SCRATCH/nul1.json"
nul "track: an escaped NUL in a property" properties.message POST /v1/track "$SCRATCH/nul1.json" -u "$w:"
printf '{"batch": [{"type": "track", "userId": "u\0", "event": "e"}]}' >"$SCRATCH/nul2.json"
nul "batch: a raw NUL in an item's userId" "batch[0].userId" POST /v1/batch "$SCRATCH/nul2.json" -u "$w:"
printf '{"id": "n1", "name": "a\\u0000b"}' >"$SCRATCH/nul3.json"
nul "a REST create: an escaped NUL in a name" name POST /v1/accounts "$SCRATCH/nul3.json" -H "Authorization: Bearer $a"
printf '{"id": "n1", "attributes": {"tags": ["x", "y\0z"]}}' >"$SCRATCH/nul4.json"
nul "... a raw NUL deep in attributes" "attributes.tags[1]" POST /v1/accounts "$SCRATCH/nul4.json" -H "Authorization: Bearer $a"
printf '{"texts": ["ok", "a\\u0000"]}' >"$SCRATCH/nul5.json"
nul "text analysis" "texts[1]" POST /v1/text/analyze "$SCRATCH/nul5.json" -H "Authorization: Bearer $r"
printf '{"scope": "read", "name": "k\\u0000"}' >"$SCRATCH/nul6.json"
nul "a key's name" name POST /v1/keys "$SCRATCH/nul6.json" -H "Authorization: Bearer $a"
printf '{"name": "s\\u0000", "measures": []}' >"$SCRATCH/nul7.json"
nul "a scorecard's name" name POST /v1/scorecards "$SCRATCH/nul7.json" -H "Authorization: Bearer $a"
check_eq "none of them stored anything" "$events_before 0" \
    "$(sql "SELECT count(*) FROM events") $(sql "SELECT count(*) FROM accounts WHERE id = 'n1'")"
# a raw 0 byte after a whole scorecard: the library reads it as a C string, and took the
# document before the 0 (what followed unread); the 0 is its 95th byte (offset 94)
{ printf '{"name": "nul", "measures": [{"measure": "nps", "weight": 1, "concerning": 0, "healthy": 50}]}'; printf '\0{"x": 1}'; } >"$SCRATCH/nul8.json"
http POST /v1/scorecards "${JSON[@]}" --data-binary @"$SCRATCH/nul8.json" -H "Authorization: Bearer $a"
expect 400 bad_request "a scorecard followed by a raw 0 byte and more"
check_eq "... saying where" "the body is not JSON: a raw 0 byte at offset 94, outside any string (line 1, column 95)" \
    "$(jfield '$.error.message')"

# a key given twice is refused on every JSON body: which of the two counts is a guess a proxy or
# a WAF in front may make otherwise ({"scope": "read", "scope": "admin"} made an admin key)
keys_before=$(sql "SELECT count(*) FROM api_keys")
http POST /v1/keys -H "Authorization: Bearer $a" "${JSON[@]}" -d '{"scope": "read", "scope": "admin"}'
expect 400 bad_request "a key's scope given twice"
check_eq "... says so, and where" "the body is not JSON: duplicate object key near '\"scope\"' (line 1, column 25)" \
    "$(jfield '$.error.message')"
check_eq "... and made no key" "$keys_before" "$(sql "SELECT count(*) FROM api_keys")"
http POST /v1/users -H "Authorization: Bearer $a" "${JSON[@]}" \
    -d '{"name": "dup", "role": "viewer", "role": "admin", "password": "long enough"}'
expect 400 bad_request "a user's role given twice"
check_eq "... and made no user" 0 "$(sql "SELECT count(*) FROM users WHERE name = 'dup'")"
http PATCH /v1/workspace -H "Authorization: Bearer $a" "${JSON[@]}" \
    -d '{"time_zone": "UTC", "time_zone": "Europe/Paris"}'
expect 400 bad_request "a setting given twice"
http POST /v1/session "${JSON[@]}" -d '{"user": "a", "user": "b", "password": "long enough"}'
expect 400 bad_request "a sign-in's user given twice"
http POST /v1/keys -H "Authorization: Bearer $a" "${JSON[@]}" -d '{"scope": "read",'
expect 400 bad_request "a key's body cut short"
check "... says where (was: 'the body must be a JSON object')" grep -q "line 1, column" <<<"$(jfield '$.error.message')"

# keys
body_ok='{"userId": "u", "event": "e", "messageId": "ok-1"}'
http POST /v1/track "${JSON[@]}" -d "$body_ok"
expect 401 unauthorized "no key"
http POST /v1/track -u "lf_nope:" "${JSON[@]}" -d "$body_ok"
expect 401 unauthorized "a malformed key"
http POST /v1/track -u "${w:0:20}AAAAAAAAAAAAAAAAAAAAAAAAAAA:" "${JSON[@]}" -d "$body_ok"
expect 401 unauthorized "a wrong key with a real prefix"
http POST /v1/track -u "$r:" "${JSON[@]}" -d "$body_ok"
expect 403 forbidden "a read key writing"
http GET /v1/reports/nps -H "Authorization: Bearer $w"
expect 403 forbidden "a write key reading"
http GET /v1/reports/nps
expect 401 unauthorized "a read without a key"
gone=$(new_key write)
"$LANDFALL" keys revoke "${gone:0:11}" >/dev/null
http POST /v1/track -u "$gone:" "${JSON[@]}" -d "$body_ok"
expect 401 unauthorized "a revoked key"
check_eq "none of those was stored but the one with a charset" 1 "$(sql "SELECT count(*) FROM events")"

# routes and methods
http GET /v1/nothing -H "Authorization: Bearer $r"
expect 404 not_found "an unknown route"
http POST /v2/batch -u "$w:" "${JSON[@]}" -d "$body_ok"
expect 404 not_found "an unknown version"
http GET /v1/batch -u "$w:"
expect 405 method_not_allowed "GET on an ingestion route"
check_eq "... with Allow" "Allow: POST" "$(curl -s -o /dev/null -D - "$URL/v1/batch" | tr -d '\r' | grep '^Allow:')"
http DELETE /v1/reports/nps -H "Authorization: Bearer $r"
expect 405 method_not_allowed "DELETE on a report"
http GET /v1/reports/nothing -H "Authorization: Bearer $r"
expect 404 not_found "an unknown report"
# HEAD wherever GET (RFC 9110, 9.1): the GET's status and headers, no body
head=$(curl -s -I "$URL/healthz" | tr -d '\r')
check_eq "HEAD /healthz: GET's status" "HTTP/1.1 200 OK" "$(head -1 <<<"$head")"
check_eq "... and GET's length ({\"status\": \"ok\", \"version\": \"...\"})" \
    "Content-Length: $(curl -s "$URL/healthz" | wc -c)" "$(grep '^Content-Length:' <<<"$head")"
check_eq "... no body" 0 "$(curl -s -X HEAD --max-time 5 "$URL/healthz" | wc -c)"
check_eq "HEAD of a report: with its key's check" 401 "$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/v1/reports/nps")"
# a 405's Allow lists every method of the path (RFC 9110, 15.5.6)
allow() { curl -s -o /dev/null -D - -X "$1" -H "Authorization: Bearer $a" "$URL$2" | tr -d '\r' | grep '^Allow:'; }
check_eq "Allow of an account" "Allow: GET, HEAD, PUT, PATCH, DELETE" "$(allow POST /v1/accounts/x)"
check_eq "Allow of a route that takes PATCH only" "Allow: PATCH" "$(allow GET /v1/followups/rules/x)"
# an id of 256 bytes (the store's limit) is a path segment like any other
long=$(printf 'L%.0s' $(seq 256))
http POST /v1/accounts -H "Authorization: Bearer $a" "${JSON[@]}" -d "{\"id\": \"$long\", \"name\": \"Long\"}"
check_eq "an account of a 256-byte id is created" 201 "$status"
http GET "/v1/accounts/$long" -H "Authorization: Bearer $a"
check_eq "... and found by its path (was 404 'no endpoint' past 127 bytes)" "200 Long" "$status $(jfield '$.name')"
http GET "/v1/accounts/${long}L" -H "Authorization: Bearer $a"
check_eq "an id past the limit is no account" "404 not_found" "$status $(jfield '$.error.code')"

# after all that, a good call still works and is stored once
http POST /v1/track -u "$w:" "${JSON[@]}" -d "$body_ok"
check_eq "a good call after the bad ones" "200 1" "$status $(jfield '$.inserted')"
check_eq "stored" 2 "$(sql "SELECT count(*) FROM events")"
serve_stop
check_eq "clean stop" 0 "$stop_rc"

# rate limit: 3 requests an hour per key; the 4th is a 429 with Retry-After (20 min = 1200 s
# until the next token); another key has its own budget
serve_start --rate-limit 3/h
for i in 1 2 3; do
    http POST /v1/track -u "$w:" "${JSON[@]}" -d "{\"userId\": \"u\", \"event\": \"e\", \"messageId\": \"rl-$i\"}"
    check_eq "request $i within the limit" 200 "$status"
done
retry=$(curl -s -o "$SCRATCH/body" -D - -u "$w:" "${JSON[@]}" -d "$body_ok" "$URL/v1/track" | tr -d '\r' | sed -n 's/^Retry-After: //p')
check_eq "the 4th: rate_limited" rate_limited "$(jfield '$.error.code')"
check "... with Retry-After close to 1200 s" test "$retry" -ge 1190 -a "$retry" -le 1200
http POST /v1/track -u "$(new_key write):" "${JSON[@]}" -d "$body_ok"
check_eq "another key is not limited" 200 "$status"
serve_stop
finish

#!/usr/bin/env bash
# keyless.sh - what a request without a valid key may cost the server: a key in the header is
# checked before the body is read; a body is searched for a valid key before it is parsed (the
# key it declares is what counts); an address that keeps presenting no valid key is answered
# 429 before its bodies are read; a gzip body inflating past 100 times its size is a bomb.
# The access log's bytes_in tells whether a body was read.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
bogus=lf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
serve_start --bad-key-limit 4/min
# last_bytes_in: what the last logged request read of its body
last_bytes_in() { tail -1 "$SCRATCH/access.log" | grep -o '"bytes_in": [0-9]*' | cut -d' ' -f2; }

# A 1 MB body behind a wrong key in the header. curl asks to send it (Expect: 100-continue) and
# waits; the answer comes first, so the body is never sent.
head -c 1000000 /dev/zero | tr '\0' ' ' | sed 's/^/{"batch": [/; s/$/]}/' >"$SCRATCH/big.json"
EXPECT=(-H 'Expect: 100-continue' --expect100-timeout 30)
http POST /v1/batch -u "$bogus:" "${JSON[@]}" "${EXPECT[@]}" --data-binary @"$SCRATCH/big.json"
check_eq "a wrong key in the header: 401" 401 "$status"
check_eq "... before the body was read" 0 "$(last_bytes_in)"
http POST /v1/batch -u "$w:" "${JSON[@]}" "${EXPECT[@]}" --data-binary @"$SCRATCH/big.json"
check_eq "the right key: the body is read (1 MB and 13 bytes) and parsed" "200 1000013" \
    "$status $(last_bytes_in)"

# Keys in bodies (the 401s count against this address: 1 so far, 4 a minute allowed)
http POST /batch/ "${JSON[@]}" -d "{\"api_key\": \"$w\", \"batch\": ["
check_eq "a valid key in a body that is not JSON: the body's fault is told (400)" \
    "400 bad_request" "$status $(jfield '$.error.code')"
http POST /batch/ "${JSON[@]}" -d "{\"batch\": [{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": {\"note\": \"$w\"}}]}"
check_eq "a valid key only in a property is no key (401)" 401 "$status"
http POST /batch/ "${JSON[@]}" -d '{"batch": ['
check_eq "no key and no JSON: 401, the key first" 401 "$status"
http POST /v1/batch "${JSON[@]}" -d "{\"writeKey\": \"$bogus\", \"batch\": []}"
check_eq "an unknown key in the body: 401 saying so" "401 the API key is not valid" \
    "$status $(jfield '$.error.message')"
check_eq "nothing of those was stored" 0 "$(sql "SELECT count(*) FROM events")"

# 4 failures this minute: this address's bodies are no longer read without a key in the header
retry=$(curl -s -o "$SCRATCH/body" -D - "${JSON[@]}" "${EXPECT[@]}" --data-binary @"$SCRATCH/big.json" \
    "$URL/batch/" | tr -d '\r' | sed -n 's/^Retry-After: //p')
check_eq "over the budget of failed keys: 429" rate_limited "$(jfield '$.error.code')"
check "... with Retry-After up to 15 s (4 a minute: a token every 15 s)" \
    test "$retry" -ge 1 -a "$retry" -le 15
check_eq "... before the body was read" 0 "$(last_bytes_in)"
http POST /v1/batch "${JSON[@]}" -d "{\"writeKey\": \"$w\", \"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}]}"
check_eq "... even for a valid key in a body, from this address" 429 "$status"
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u", "event": "e", "messageId": "k-1"}'
check_eq "a key in the header is still taken from this address" "200 1" "$status $(jfield '$.inserted')"
status=$(curl -s -o "$SCRATCH/body" -w '%{http_code}' --interface 127.0.0.2 "${JSON[@]}" \
    -d "{\"writeKey\": \"$w\", \"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", \"messageId\": \"k-2\"}]}" \
    "$URL/v1/batch")
check_eq "another address (127.0.0.2) has its own budget" 200 "$status"

# A gzip bomb: 4 MB of spaces compress to about 4 KB (1000:1); the limit is 100:1 past 64 KiB
head -c 4000000 /dev/zero | tr '\0' ' ' | gzip -9 >"$SCRATCH/bomb.gz"
http POST /v1/track -u "$w:" "${JSON[@]}" -H 'Content-Encoding: gzip' --data-binary @"$SCRATCH/bomb.gz"
check_eq "a gzip bomb: 413" "413 payload_too_large" "$status $(jfield '$.error.code')"
check "... said to be one" grep -q "compression bomb" <<<"$(jfield '$.error.message')"
# a real batch compresses far less than 100:1 and passes
for i in $(seq 200); do
    printf '{"type": "track", "userId": "u%d", "event": "Page %d", "messageId": "z-%d"},' "$i" $((i % 7)) "$i"
done | sed 's/^/{"batch": [/; s/,$/]}/' | gzip >"$SCRATCH/batch.gz"
http POST /v1/batch -u "$w:" "${JSON[@]}" -H 'Content-Encoding: gzip' --data-binary @"$SCRATCH/batch.gz"
check_eq "a real gzip batch of 200 events: stored" "200 200" "$status $(jfield '$.inserted')"
serve_stop
check_eq "clean stop" 0 "$stop_rc"
finish

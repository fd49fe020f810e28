#!/usr/bin/env bash
# keys.sh - `landfall keys create|list|revoke`: a key is shown once, stored only as its BLAKE2b
# hash under its prefix, listed, revoked; and a running server honours the revocation at once.
source "$(dirname "$0")/server_lib.sh"

run_lf keys create --scope write --name ingest
check_eq "create exits 0" 0 "$rc"
w=$out
check "a key is lf_ and 43 base64url characters" grep -Eqx 'lf_[A-Za-z0-9_-]{43}' <<<"$w"
run_lf keys create --scope admin
a=$out
run_lf keys create --scope root
check_eq "an unknown scope is a usage error" 2 "$rc"
run_lf keys create
check_eq "--scope is required" 2 "$rc"

# The store holds the prefix and a hash, never the key: BLAKE2b-256 (libsodium's
# crypto_generichash without a key), recomputed here with Python's hashlib.
check_eq "the prefix is the key's first 11 characters" "${w:0:11}" \
    "$(sql "SELECT prefix FROM api_keys WHERE name = 'ingest'")"
if command -v python3 >/dev/null; then
    want=$(python3 -c 'import hashlib,sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest())' "$w")
    check_eq "the stored hash is BLAKE2b-256 of the key" "$want" \
        "$(sql "SELECT hash FROM api_keys WHERE name = 'ingest'")"
fi
if on_sqlite; then
    check "the key itself is nowhere in the database" bash -c "! grep -q -- '$w' '$LANDFALL_DB'*"
else
    _pg_bin pg_dump -d "$LANDFALL_DB" >"$SCRATCH/dump.sql"
    check "the dump holds the rows (the key's hash)" \
        grep -q -- "$(sql "SELECT hash FROM api_keys WHERE name = 'ingest'")" "$SCRATCH/dump.sql"
    check "the key itself is nowhere in the database (pg_dump)" bash -c "! grep -q -- '$w' '$SCRATCH/dump.sql'"
fi
check_eq "scopes as created" "write|admin" "$(sql "SELECT group_concat(scope, '|') FROM api_keys")"

run_lf keys list --json
echo "$out" >"$SCRATCH/body"
check_eq "list: 2 keys" 2 "$(jlen '$.rows')"
check_eq "list: the first is the write key" "write ingest" "$(jfield '$.rows[0].scope') $(jfield '$.rows[0].name')"
check "list shows the prefix, never the key" bash -c "grep -q -- '${w:0:11}' <<<'$out' && ! grep -q -- '$w' <<<'$out'"

serve_start
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u1", "event": "e", "messageId": "k1"}'
check_eq "the write key ingests" 200 "$status"
run_lf keys revoke "${w:0:11}"
check_eq "revoke exits 0" 0 "$rc"
check_eq "revoke says which" "revoked ${w:0:11}" "$out"
check "revoked_at is set" test -n "$(sql "SELECT revoked_at FROM api_keys WHERE name = 'ingest'")"
http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u1", "event": "e", "messageId": "k2"}'
check_eq "a revoked key is refused by the running server" 401 "$status"
check_eq "... with its reason" "the API key 'lf_${w:3:8}' was revoked" "$(jfield '$.error.message')"
run_lf keys revoke "${w:0:11}"
check_eq "revoking twice fails (no live key)" 4 "$rc"
check "... saying so" grep -q "no live key has prefix" <<<"$errout"

# GET /v1/keys: admin only, paged by cursor
for i in 1 2 3; do new_key read >/dev/null; done
http GET '/v1/keys?limit=2' -H "Authorization: Bearer $a"
check_eq "admin lists keys" 200 "$status"
check_eq "first page: ids 1, 2" "1,2" "$(jfield '$.data[0].id'),$(jfield '$.data[1].id')"
cursor=$(jfield '$.next_cursor')
http GET "/v1/keys?limit=2&cursor=$cursor" -H "Authorization: Bearer $a"
check_eq "second page: ids 3, 4" "3,4" "$(jfield '$.data[0].id'),$(jfield '$.data[1].id')"
http GET "/v1/keys?limit=2&cursor=$(jfield '$.next_cursor')" -H "Authorization: Bearer $a"
check_eq "last page: id 5, no cursor" "5," "$(jfield '$.data[0].id'),$(jfield '$.next_cursor')"
check_eq "the revoked key shows when" 1 "$(curl -s -H "Authorization: Bearer $a" "$URL/v1/keys" | grep -c '"revoked": "20')"
http GET '/v1/keys?limit=0' -H "Authorization: Bearer $a"
check_eq "a bad limit is a 400" "400 limit" "$status $(jfield '$.error.field')"
http GET '/v1/keys?cursor=zz' -H "Authorization: Bearer $a"
check_eq "a bad cursor is a 400" "400 cursor" "$status $(jfield '$.error.field')"
http GET /v1/keys -H "Authorization: Bearer $(new_key read)"
check_eq "a read key cannot list keys" 403 "$status"
# POST /v1/keys takes the four scopes of docs/api.md; its refusal named three (not survey)
http POST /v1/keys -H "Authorization: Bearer $a" "${JSON[@]}" -d '{"scope": "root"}'
check_eq "an unknown scope: 422 naming the four" "422 scope the scope is write, read, admin or survey" \
    "$status $(jfield '$.error.field') $(jfield '$.error.message')"
http POST /v1/keys -H "Authorization: Bearer $a" "${JSON[@]}" -d '{"scope": "survey", "name": "snippet"}'
check_eq "... survey is one" "201 survey" "$status $(jfield '$.scope')"
serve_stop
check_eq "the server stops cleanly on SIGTERM" 0 "$stop_rc"
finish

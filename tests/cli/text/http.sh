#!/usr/bin/env bash
# http.sh - POST /v1/text/analyze: the answer `landfall text analyze --json` prints, a read key,
# and the bounds of a request: 400 naming the field of a bad body, 413 for more than 1000 texts
# or a text over 16384 bytes.
source "$(dirname "$0")/../server/server_lib.sh"

read_key=$(new_key read)
write_key=$(new_key write)
admin_key=$(new_key admin)
serve_start
R=(-H "Authorization: Bearer $read_key" "${JSON[@]}")

texts='["The book was good.", "Das ist schlecht", "", "<p>Thanks, support fixed the invoice!</p>"]'
http POST /v1/text/analyze "${R[@]}" -d "{\"texts\": $texts}"
check_eq "200 with a read key" 200 "$status"
printf '%s' "$body" >"$SCRATCH/http.json"
run_lf text analyze --json "The book was good." "Das ist schlecht" "" \
    "<p>Thanks, support fixed the invoice!</p>"
same=$(sqlite3 :memory: "SELECT json(CAST(readfile('$SCRATCH/http.json') AS TEXT)) =
                                json(CAST(readfile('$SCRATCH/out') AS TEXT))")
check_eq "the CLI's document, to the byte of its JSON" 1 "$same"
check_eq "a row per text" 4 "$(jlen '$.rows')"
check_eq "VADER's published 'The book was good.'" 0.4404 "$(jfield '$.rows[0].compound')"
check_eq "German: marked, not scored" "de|" "$(jfield '$.rows[1].language')|$(jfield '$.rows[1].compound')"
check_eq "markup noted" html "$(jfield '$.rows[3].notes')"
http POST /v1/text/analyze -H "Authorization: Bearer $admin_key" "${JSON[@]}" -d '{"texts": []}'
check_eq "an admin key may too; no text, no row" "200 0" "$status $(jlen '$.rows')"

# ---- who may call ----
http POST /v1/text/analyze "${JSON[@]}" -d '{"texts": ["hi"]}'
check_eq "no key: 401" 401 "$status"
http POST /v1/text/analyze -H "Authorization: Bearer $write_key" "${JSON[@]}" -d '{"texts": ["hi"]}'
check_eq "a write (ingestion) key: 403" 403 "$status"

# ---- bad bodies: 400 naming the field ----
http POST /v1/text/analyze "${R[@]}" -d '{"text": ["hi"]}'
check_eq "no texts: 400" "400 bad_request texts" \
    "$status $(jfield '$.error.code') $(jfield '$.error.field')"
http POST /v1/text/analyze "${R[@]}" -d '{"texts": "hi"}'
check_eq "texts not an array: 400" "400 texts" "$status $(jfield '$.error.field')"
http POST /v1/text/analyze "${R[@]}" -d '{"texts": ["ok", null]}'
check_eq "a text that is not a string: 400 naming it" "400 texts[1]" \
    "$status $(jfield '$.error.field')"
http POST /v1/text/analyze "${R[@]}" -d '{"texts": ["ok"'
check_eq "not JSON: 400" 400 "$status"

# ---- bounds: 413 naming the field ----
awk 'BEGIN { printf "{\"texts\": ["; for (i = 0; i < 1001; i++) printf "%s\"t\"", i ? "," : ""; print "]}" }' \
    >"$SCRATCH/many.json"
http POST /v1/text/analyze "${R[@]}" --data-binary "@$SCRATCH/many.json"
check_eq "1001 texts: 413 naming texts" "413 payload_too_large texts" \
    "$status $(jfield '$.error.code') $(jfield '$.error.field')"
check_eq "it says how many" "1001 texts, more than 1000 in one request" "$(jfield '$.error.message')"
awk 'BEGIN { printf "{\"texts\": ["; for (i = 0; i < 1000; i++) printf "%s\"t\"", i ? "," : ""; print "]}" }' \
    >"$SCRATCH/1000.json"
http POST /v1/text/analyze "${R[@]}" --data-binary "@$SCRATCH/1000.json"
check_eq "1000 texts are fine" "200 1000" "$status $(jlen '$.rows')"
# 16384 bytes are fine, 16385 are not: "é" is 2 bytes, so 8192 of them are 16384 bytes
long=$(printf 'é%.0s' $(seq 8192))
http POST /v1/text/analyze "${R[@]}" -d "{\"texts\": [\"ok\", \"$long\"]}"
check_eq "a text of 16384 bytes is fine, and not cut (no note: null)" "200 null" \
    "$status $(sqlite3 :memory: "SELECT json_type(CAST(readfile('$SCRATCH/body') AS TEXT), '\$.rows[1].notes')")"
http POST /v1/text/analyze "${R[@]}" -d "{\"texts\": [\"ok\", \"${long}x\"]}"
check_eq "16385 bytes: 413 naming texts[1]" "413 texts[1]" "$status $(jfield '$.error.field')"
check_eq "it says how long" "texts[1] has 16385 bytes, more than 16384" "$(jfield '$.error.message')"
serve_stop
check_eq "the server stops cleanly" 0 "$stop_rc"
finish

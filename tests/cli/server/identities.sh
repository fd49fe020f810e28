#!/usr/bin/env bash
# identities.sh - one person under two ids made one: Segment's alias (POST /v1/alias, and in a
# batch), PostHog's $identify with $anon_distinct_id and $create_alias, and PATCH
# /v1/contacts/ID {"merged_into"}. Checked from outside: the contact list, the old id's
# contact, the events under each id, and the users a running server's engine counts before and
# after (2 anonymous visitors and 1 user become 1 user), the same as the CLI's afterwards.
# u-2 has no event: merging dup into it changes no figure.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
r=$(new_key admin)
auth=(-H "Authorization: Bearer $r")
serve_start

track() { # MESSAGE_ID ID_FIELD ID: a track call on 2026-01-05
    printf '{"type": "track", "messageId": "%s", "%s": "%s", "event": "Viewed", "timestamp": "2026-01-05T10:00:00Z"}' \
        "$1" "$2" "$3"
}
http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [$(track m1 anonymousId anon-1),
    $(track m2 anonymousId anon-1), $(track m3 userId u-1), $(track m4 anonymousId anon-2)]}"
check_eq "3 ids' events stored" "200 4" "$status $(jfield '$.inserted')"
dau() {
    http GET "/v1/metrics/dau?from=2026-01-05&to=2026-01-06&now=2026-01-06" "${auth[@]}"
    jfield '$.rows[0].users'
}
check_eq "the engine counts 3 users" 3 "$(dau)"

# Segment's alias: anon-1 was u-1
http POST /v1/alias -u "$w:" "${JSON[@]}" -d '{"previousId": "anon-1", "userId": "u-1"}'
check_eq "alias: 200, no event counted" "200 1 0" "$status $(jfield '$.accepted') $(jfield '$.inserted')"
check_eq "the running server's engine counts 2 users" 2 "$(dau)"
http GET /v1/contacts "${auth[@]}"
check_eq "anon-1 is no longer listed" "u-1 anon-2" "$(jfield '$.data[0].id') $(jfield '$.data[1].id')"
http GET /v1/contacts/anon-1 "${auth[@]}"
check_eq "its id names u-1" "200 u-1" "$status $(jfield '$.id')"
http GET "/v1/events?user_id=u-1" "${auth[@]}"
check_eq "u-1's events include anon-1's" "3 u-1" "$(jlen '$.data') $(jfield '$.data[0].user_id')"
http POST /v1/track -u "$w:" "${JSON[@]}" -d "$(track m5 anonymousId anon-1)"
check_eq "a late event under anon-1 is u-1's" "u-1" \
    "$(sql "SELECT c.ext_id FROM events e JOIN contacts c ON c.id = e.contact_id WHERE message_id = 'm5'")"

# a merge is final: anon-1 cannot become another person's; in a batch only that item fails
http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [
    {\"type\": \"alias\", \"previousId\": \"anon-1\", \"userId\": \"u-9\"}, $(track m6 userId u-1)]}"
check_eq "a second alias of anon-1: that item rejected, naming userId" \
    "200 1 userId contact 'anon-1' was merged into 'u-1' already: a merge is final" \
    "$status $(jfield '$.accepted') $(jfield '$.rejected[0].field') $(jfield '$.rejected[0].message')"
http POST /v1/alias -u "$w:" "${JSON[@]}" -d '{"userId": "u-1"}'
check_eq "an alias without previousId: 422 naming it" "422 previousId" \
    "$status $(jfield '$.rejected[0].field')"

# PostHog: $identify names the anonymous id it replaces; $create_alias adds another id
ph() { printf '{"api_key": "%s", "batch": [%s]}' "$w" "$1"; }
http POST /batch/ "${JSON[@]}" -d "$(ph '{"event": "$identify", "distinct_id": "u-1",
    "properties": {"$anon_distinct_id": "anon-2", "$set": {"email": "one@acme.test"}},
    "timestamp": "2026-01-05T11:00:00Z"}')"
check_eq "\$identify with \$anon_distinct_id: anon-2 is u-1" "200 u-1|one@acme.test" \
    "$status $(sql "SELECT i.ext_id, i.email FROM contacts c JOIN contacts i ON i.id = c.merged_into WHERE c.ext_id = 'anon-2'")"
http POST /batch/ "${JSON[@]}" -d "$(ph '{"event": "$identify", "distinct_id": "u-3",
    "properties": {"$anon_distinct_id": "anon-2"}, "timestamp": "2026-01-05T11:00:00Z"}')"
check_eq "anon-2 identified again as another: the identify taken, the merge skipped (as PostHog)" \
    "200 1 u-1" "$status $(jfield '$.accepted') $(sql "SELECT i.ext_id FROM contacts c JOIN contacts i ON i.id = c.merged_into WHERE c.ext_id = 'anon-2'")"
check_eq "the running server's engine counts 1 user" 1 "$(dau)"
http POST /batch/ "${JSON[@]}" -d "$(ph '{"event": "$create_alias", "distinct_id": "u-2",
    "properties": {"alias": "u-2-crm"}}')"
check_eq "\$create_alias: the alias names u-2" "200 u-2" \
    "$status $(sql "SELECT i.ext_id FROM contacts c JOIN contacts i ON i.id = c.merged_into WHERE c.ext_id = 'u-2-crm'")"
http POST /batch/ "${JSON[@]}" -d "$(ph '{"event": "$create_alias", "distinct_id": "u-2", "properties": {}}')"
check_eq "\$create_alias without an alias: 422 naming it" "422 properties.alias" \
    "$status $(jfield '$.rejected[0].field')"

# the REST API: PATCH merged_into, alone
http POST /v1/contacts "${auth[@]}" "${JSON[@]}" -d '{"id": "dup", "email": "dup@acme.test"}'
http PATCH /v1/contacts/dup "${auth[@]}" "${JSON[@]}" -d '{"merged_into": "u-2", "name": "x"}'
check_eq "merged_into with another field: 422 naming it" "422 name" "$status $(jfield '$.error.field')"
http PATCH /v1/contacts/dup "${auth[@]}" "${JSON[@]}" -d '{"merged_into": "u-2"}'
check_eq "PATCH merged_into: the answer is u-2, which took dup's email" "200 u-2 dup@acme.test" \
    "$status $(jfield '$.id') $(jfield '$.email')"
check_eq "merged_into is never read back" "" "$(jfield '$.merged_into')"
http GET "/v1/contacts?merged_into=u-2" "${auth[@]}"
check_eq "nor filtered on" "400 merged_into" "$status $(jfield '$.error.field')"

check_eq "the server's engine still counts 1 user" 1 "$(dau)"
serve_stop
check_eq "the CLI agrees" 1 "$("$LANDFALL" usage dau --from 2026-01-05 --to 2026-01-06 \
    --now 2026-01-06 --csv | sed -n 2p | cut -d, -f2)"

# another process merges: a snapshot made before it is stale, the next CLI rebuilds
cli_dau() {
    "$LANDFALL" usage dau --from 2026-01-05 --to 2026-01-06 --now 2026-01-06 --csv 2>>"$SCRATCH/cli.err" |
        sed -n 2p | cut -d, -f2
}
printf '%s\n' "$(track m7 anonymousId anon-3)" >"$SCRATCH/later.ndjson"
"$LANDFALL" import events "$SCRATCH/later.ndjson" >/dev/null 2>&1
check_eq "a new visitor: 2 users, the snapshot saved with them" 2 "$(cli_dau)"
printf '{"type": "alias", "previousId": "anon-3", "userId": "u-1"}\n' >"$SCRATCH/alias.ndjson"
"$LANDFALL" import events "$SCRATCH/alias.ndjson" >/dev/null 2>&1
check_eq "merged by an import: 1 user, not the snapshot's 2" 1 "$(cli_dau)"
check "the CLI said why it rebuilt" grep -q "contacts were merged since" "$SCRATCH/cli.err"
finish

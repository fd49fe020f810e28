#!/usr/bin/env bash
# openapi.sh - the OpenAPI document: the committed docs/openapi.json is what `landfall openapi`
# prints and GET /openapi.json serves (so changing a route, a metric or a resource field fails
# here until the copy is regenerated); a real validator from npm finds it a valid OpenAPI 3.1
# document whose schemas are valid JSON Schema 2020-12; and it covers every route of the route
# table (read from src/http/router.c), every parameter, dimension and column of every metric
# (as GET /v1/metrics declares them) and every field of every resource (as real rows hold them).
source "$(dirname "$0")/server_lib.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
committed="$root/docs/openapi.json"
tools="$root/tests/openapi"
if [ ! -f "$tools/node_modules/.package-lock.json" ]; then
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/openapi failed"; exit 1; }
fi
doc="$SCRATCH/openapi.json"

# ---- the committed copy is the binary's document ----
run_lf openapi
check_eq "landfall openapi exits 0" 0 "$rc"
cp "$SCRATCH/out" "$doc"
check "docs/openapi.json is what \`landfall openapi\` prints (regenerate it: landfall openapi > docs/openapi.json)" \
    cmp -s "$doc" "$committed"
run_lf openapi extra
check_eq "landfall openapi takes no argument" 2 "$rc"

run_lf demo --accounts 20 --seed 5 --months 12 --end 2026-01-01
check_eq "demo data for the real rows" 0 "$rc"
admin=$(new_key admin)
serve_start
http GET /openapi.json
check_eq "GET /openapi.json needs no key" 200 "$status"
check "GET /openapi.json serves the same bytes" cmp -s "$SCRATCH/body" "$doc"
check_eq "served as JSON" "application/json" \
    "$(curl -s -o /dev/null -w '%{content_type}' "$URL/openapi.json")"

# ---- a real validator: OpenAPI 3.1, and every schema valid JSON Schema 2020-12 ----
node "$tools/check.mjs" doc "$doc" >"$SCRATCH/validate.out" 2>&1
check_eq "the validator accepts the document: $(tail -3 "$SCRATCH/validate.out")" 0 "$?"
check_eq "as OpenAPI 3.1" "valid 3.1" "$(head -1 "$SCRATCH/validate.out")"
check_eq "the document says 3.1.0" 3.1.0 "$(jq -r .openapi "$doc")"

# ---- every route of router.c, read from its source (the generator reads the table) ----
router="$root/src/http/router.c"
# RESOURCE_ROUTES(name)'s rows: METHOD and the path after "/v1/" name
macro=$(sed -n '/^#define RESOURCE_ROUTES/,/^$/p' "$router" |
    sed -nE 's/.*\{"([A-Z]+)", "\/v1\/" name( "([^"]*)")?,.*/\1 \3/p')
check_eq "RESOURCE_ROUTES has six rows" 6 "$(echo "$macro" | wc -l)"
routes=$(sed -n '/^const struct route http_routes/,/^};/p' "$router" | while read -r line; do
    if [[ $line =~ ^\{\"([A-Z]+)\",\ \"([^\"]+)\", ]]; then
        echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
    elif [[ $line =~ ^RESOURCE_ROUTES\(\"([a-z_]+)\"\) ]]; then
        name=${BASH_REMATCH[1]}
        echo "$macro" | while read -r m suffix; do echo "$m /v1/$name$suffix"; done
    fi
done)
nroutes=$(echo "$routes" | wc -l)
check "router.c has routes (read $nroutes)" test "$nroutes" -ge 70
# "GET /v1/accounts/:id" is the operation .paths["/v1/accounts/{id}"].get
missing=$(sed -E 's/:([a-z_]+)/{\1}/g' <<<"$routes" | jq -Rr --slurpfile d "$doc" '
    split(" ") as [$m, $p] | select($d[0].paths[$p][$m | ascii_downcase] | type != "object") | .')
check_eq "every route of router.c is an operation" "" "$missing"
check "openapi.json, healthz and the Prometheus metrics are routes" \
    grep -qx "GET /openapi.json" <<<"$routes"
# the operations are the routes plus one path per metric, nothing invented
nmetrics=$(curl -s -H "Authorization: Bearer $admin" "$URL/v1/metrics" | jq '.metrics | length')
check_eq "operations: the $nroutes routes and the $nmetrics metrics' own paths" \
    $((nroutes + nmetrics)) "$(jq '[.paths[] | keys[] | select(test("^(get|post|put|patch|delete)$"))] | length' "$doc")"
check_eq "every operation has an operationId, all different" \
    $((nroutes + nmetrics)) "$(jq '[.paths[][] | .operationId] | unique | length' "$doc")"
# who may call: the auth column of router.c
check_eq "no key for /healthz" "[]" "$(jq -c '.paths["/healthz"].get.security' "$doc")"
check_eq "a read key for a metric, bearer or basic, or a session with its CSRF token" \
    '[{"bearerKey":["read"]},{"basicKey":["read"]},{"sessionCookie":[],"csrfHeader":[]}]' \
    "$(jq -c '.paths["/v1/metrics/{name}"].get.security' "$doc")"
check_eq "an admin key to delete, or an admin's session" \
    '[{"bearerKey":["admin"]},{"basicKey":["admin"]},{"sessionCookie":["admin"],"csrfHeader":[]}]' \
    "$(jq -c '.paths["/v1/accounts/{id}"].delete.security' "$doc")"
check_eq "a saved view: a session whose role may change things, not a key" \
    '[{"sessionCookie":["admin","lead","csm"],"csrfHeader":[]}]' \
    "$(jq -c '.paths["/v1/views"].post.security' "$doc")"
check_eq "ingestion: a write key in a header, or none (the key is then in the body)" \
    '[{"bearerKey":["write"]},{"basicKey":["write"]},{}]' \
    "$(jq -c '.paths["/v1/track"].post.security' "$doc")"

# ---- every metric's every parameter, dimension and column, as GET /v1/metrics tells them ----
http GET /v1/metrics -H "Authorization: Bearer $admin"
cp "$SCRATCH/body" "$SCRATCH/metrics.json"
mismatch=$(jq -r --slurpfile d "$doc" '
    .metrics[] as $m | $d[0].paths["/v1/metrics/" + $m.name].get as $op |
    ($d[0].components.schemas[$op.responses["200"].content["application/json"].schema["$ref"] | sub(".*/"; "")]) as $res |
    ($d[0].components.schemas[$res.properties.rows.items["$ref"] | sub(".*/"; "")]) as $row |
    [ (if ([$m.params[].name] != [$op.parameters[].name]) then "\($m.name): parameters" else empty end),
      (if ($m.dimensions | length) > 0 and
          ($m.dimensions != ($op.parameters[] | select(.name == "by") | .schema.items.enum))
       then "\($m.name): by" else empty end),
      (if ([$m.columns[].name] - ($row.properties | keys)) != [] then "\($m.name): columns" else empty end),
      (if ($m.filters | length) > 0 and
          ($op.parameters[] | select(.name == "where") | .schema.items.pattern) !=
          "^(" + ($m.filters | join("|")) + ")="
       then "\($m.name): where" else empty end),
      ($m.params[] | select(.type == "choice") as $p |
          if $p.choices != ($op.parameters[] | select(.name == $p.name) | .schema.enum)
          then "\($m.name): \($p.name) choices" else empty end)
    ] | .[]' "$SCRATCH/metrics.json")
check_eq "each metric's path has its parameters, dimensions, filters, choices and columns" "" "$mismatch"
check_eq "the metrics: $nmetrics, each with a path" "$nmetrics" \
    "$(jq --slurpfile d "$doc" '[.metrics[] | select($d[0].paths["/v1/metrics/" + .name].get)] | length' \
        "$SCRATCH/metrics.json")"
check_eq "nps by takes its 14 dimensions, at most 2" "14 2" \
    "$(jq -r '.paths["/v1/metrics/nps"].get.parameters[] | select(.name == "by") | "\(.schema.items.enum | length) \(.schema.maxItems)"' "$doc")"
check_eq "cohorts' basis is a choice of the declaration" '["activity","revenue"]' \
    "$(jq -c '.paths["/v1/cohorts"].get.parameters[] | select(.name == "basis") | .schema.enum' "$doc")"
check_eq "clv's margin is a number within its declared bounds" '{"type":"number","minimum":0.0001,"maximum":1}' \
    "$(jq -c '.paths["/v1/metrics/clv"].get.parameters[] | select(.name == "margin") | .schema' "$doc")"

# ---- every resource field: a real row of each resource has exactly its schema's properties ----
for r in tasks outcomes; do
    case $r in
    tasks) body='{"account_id": "acc-000001", "kind": "risk", "title": "call the champion"}' ;;
    outcomes) body='{"account_id": "acc-000001", "statement": "cut onboarding to a week"}' ;;
    esac
    http POST "/v1/$r" -H "Authorization: Bearer $admin" "${JSON[@]}" -d "$body"
    check_eq "a row of $r to read back" 201 "$status"
done
resources=$(echo "$routes" | sed -nE 's/^GET \/v1\/([a-z_]+)\/:id$/\1/p')
check_eq "the resources of router.c" "accounts contacts mrr_changes orders events touchpoints surveys responses tasks outcomes" \
    "$(echo $resources)"
for r in $resources; do
    http GET "/v1/$r?limit=1" -H "Authorization: Bearer $admin"
    schema=$(jq -r --arg p "/v1/$r/{id}" '.paths[$p].get.responses["200"].content["application/json"].schema["$ref"] | sub(".*/"; "")' "$doc")
    check_eq "$r: a row's fields are the $schema schema's properties" \
        "$(jq -c '.data[0] | keys' "$SCRATCH/body")" \
        "$(jq -c --arg s "$schema" '.components.schemas[$s].properties | keys' "$doc")"
done
check_eq "survey kinds come from the vocabulary" '["nps","csat","ces","custom"]' \
    "$(jq -c '.components.schemas.SurveyCreate.properties.kind.enum' "$doc")"
check_eq "a task needs account_id, kind and title to be created" '["account_id","kind","title"]' \
    "$(jq -c '.components.schemas.TaskCreate.required' "$doc")"
check_eq "an account's id is required on create, nothing on PATCH" '["id"] null' \
    "$(jq -c '.components.schemas.AccountCreate.required, .components.schemas.AccountPatch.required' "$doc" | paste -sd' ')"
check_eq "stub is read-only and never in a body" "true false" \
    "$(jq -r '.components.schemas.Account.properties.stub.readOnly, (.components.schemas.AccountCreate.properties | has("stub"))' "$doc" | paste -sd' ')"
check_eq "a touchpoint's text holds 65536 bytes" 65536 \
    "$(jq '.components.schemas.Touchpoint.properties.text.maxLength' "$doc")"
check_eq "events are only listed, read and posted" "get post | get" \
    "$(jq -r '(.paths["/v1/events"] | keys | join(" ")) + " | " + (.paths["/v1/events/{id}"] | keys | join(" "))' "$doc")"
check_eq "error codes: the table of errors.c" \
    '["bad_request","unauthorized","forbidden","not_found","method_not_allowed","conflict","payload_too_large","unsupported_media_type","invalid","rate_limited","internal","unavailable"]' \
    "$(jq -c '.components.schemas.Error.properties.error.properties.code.enum' "$doc")"
serve_stop
finish

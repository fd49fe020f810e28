#!/usr/bin/env bash
# dashboard.sh - the dashboard's server side, over HTTP with curl: its pages and files (CSP,
# ETags, a year of caching under the build's URL, gzip), signing in and out (cookie flags, a
# sign-in from another site refused, the lock after repeated failures, expiry), the session
# accepted by the JSON API only with its CSRF token, what each role may change, keys and users
# managed over HTTP, and the book and the account overview checked against SQL and the REST
# lists. The browser tests (tests/web) drive the pages themselves.
source "$(dirname "$0")/server_lib.sh"

run_lf demo --accounts 40 --seed 3 --months 12 --end 2026-01-01
check_eq "demo data" 0 "$rc"
for u in ana:admin lea:lead maria.lopez:csm vic:viewer; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
done
run_lf users list --csv
check_eq "four users, one per role, by name" \
    "ana admin|lea lead|maria.lopez csm|vic viewer" \
    "$(tail -n +2 "$SCRATCH/out" | awk -F, '{ printf "%s%s %s", (NR > 1 ? "|" : ""), $1, $4 }')"
admin_key=$(new_key admin)
serve_start --bad-key-limit 0

# ---- the pages and their files ----
headers() { curl -s -D - -o "$SCRATCH/body" "$@"; }
h=$(headers "$URL/portfolio")
check "a page is HTML" grep -qi '^content-type: text/html' <<<"$h"
policy=$(grep -i '^content-security-policy:' <<<"$h")
check "its Content-Security-Policy allows scripts from the server only" \
    grep -q "script-src 'self';" <<<"$policy"
check "… and nothing inline" test -z "$(grep -o "unsafe-inline\|unsafe-eval" <<<"$policy")"
check "… and no framing" grep -q "frame-ancestors 'none'" <<<"$policy"
check "pages are not cached without asking" grep -qi '^cache-control: no-cache' <<<"$h"
check "nosniff" grep -qi '^x-content-type-options: nosniff' <<<"$h"
check "the shell loads no file from elsewhere (no CDN)" \
    test -z "$(grep -oE '(src|href)="(https?:)?//' "$SCRATCH/body")"
etag=$(grep -i '^etag:' <<<"$h" | cut -d' ' -f2 | tr -d '\r')
check_eq "GET / with its ETag: not modified" 304 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$URL/")"
app=$(grep -o '/assets/[0-9a-f]\{16\}/app.js' "$SCRATCH/body")
build=$(cut -d/ -f3 <<<"$app")
check "the shell names app.js under its build" test -n "$build"
h=$(headers "$URL$app")
check "app.js is JavaScript" grep -qi '^content-type: text/javascript' <<<"$h"
check "cached for a year, immutable" grep -qi '^cache-control: public, max-age=31536000, immutable' \
    <<<"$h"
cp "$SCRATCH/body" "$SCRATCH/app.js"
curl -s -H 'Accept-Encoding: gzip' -D "$SCRATCH/gz.h" -o "$SCRATCH/app.js.gz" "$URL$app"
check "gzip when asked" grep -qi '^content-encoding: gzip' "$SCRATCH/gz.h"
check "… the same file" cmp -s <(gzip -dc "$SCRATCH/app.js.gz") "$SCRATCH/app.js"
check_eq "ECharts is served from the binary" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/assets/$build/echarts.esm.min.js")"
check_eq "another build's file: 404" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/assets/0000000000000000/app.js")"
check_eq "no such file: 404" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/assets/$build/nope.js")"

# ---- signing in ----
# signin USER PASSWORD [CURL ARGS]: the cookie jar $SCRATCH/USER.jar; $status, $body
signin() {
    local user=$1 pass=$2
    shift 2
    rm -f "$SCRATCH/$user.jar"
    http POST /v1/session -c "$SCRATCH/$user.jar" -D "$SCRATCH/$user.h" "${JSON[@]}" "$@" \
        -d "{\"user\": \"$user\", \"password\": \"$pass\"}"
}
csrf_of() { awk '$6 == "lf_csrf" { print $7 }' "$SCRATCH/$1.jar"; }
# as USER METHOD PATH [CURL ARGS]: a request of USER's session with its CSRF token
as() {
    local user=$1 method=$2 path=$3
    shift 3
    http "$method" "$path" -b "$SCRATCH/$user.jar" -H "X-CSRF-Token: $(csrf_of "$user")" "$@"
}

signin ana wrong-password
check_eq "a wrong password: 401" 401 "$status"
wrong=$(jfield '$.error.message')
signin nobody wrong-password
check_eq "an unknown user is told the same" "$wrong" "$(jfield '$.error.message')"
signin ana password-of-ana -H 'Origin: http://evil.example'
check_eq "a sign-in from another site's page: 403" 403 "$status"
signin ana password-of-ana -H 'Sec-Fetch-Site: cross-site'
check_eq "… as the browser tells it" 403 "$status"
signin ana password-of-ana -H "Origin: $URL" -H 'Sec-Fetch-Site: same-origin'
check_eq "a sign-in from the server's own page: 201" 201 "$status"
check_eq "the session's user" "ana admin" "$(jfield '$.user.name') $(jfield '$.user.role')"
cookie=$(grep -i '^set-cookie: lf_session=' "$SCRATCH/ana.h")
check "the session cookie is HttpOnly" grep -q 'HttpOnly' <<<"$cookie"
check "… SameSite=Strict, for the whole site" grep -q 'Path=/; Max-Age=604800; HttpOnly; SameSite=Strict' \
    <<<"$cookie"
csrf_cookie=$(grep -i '^set-cookie: lf_csrf=' "$SCRATCH/ana.h")
check "the CSRF cookie is readable by the page" test -z "$(grep -o HttpOnly <<<"$csrf_cookie")"
check_eq "the answer's CSRF token is the cookie's" "$(csrf_of ana)" "$(jfield '$.csrf')"
check_eq "the workspace's settings come with it" "UTC en-US USD" \
    "$(jfield '$.workspace.time_zone') $(jfield '$.workspace.locale') $(jfield '$.workspace.currency')"

# ---- the JSON API takes the session only with its CSRF token ----
http GET /v1/metrics/nps -b "$SCRATCH/ana.jar"
check_eq "the cookie without the CSRF token: 403" 403 "$status"
check "… saying why" grep -q 'X-CSRF-Token' <<<"$body"
http GET /v1/metrics/nps -b "$SCRATCH/ana.jar" -H "X-CSRF-Token: $(csrf_of ana)x"
check_eq "with a wrong token: 403" 403 "$status"
http POST /v1/views -b "$SCRATCH/ana.jar" "${JSON[@]}" -d '{"page": "portfolio", "name": "x", "query": ""}'
check_eq "a write without it: 403, nothing written" "403 0" "$status $(sql 'SELECT count(*) FROM views')"
as ana GET "/v1/metrics/nps?by=quarter&now=2026-01-01"
check_eq "with its token: 200" 200 "$status"
cp "$SCRATCH/body" "$SCRATCH/nps.session"
http GET "/v1/metrics/nps?by=quarter&now=2026-01-01" -H "Authorization: Bearer $admin_key"
check "the same answer as with a key" cmp -s "$SCRATCH/body" "$SCRATCH/nps.session"
as ana GET /v1/session
check_eq "who is signed in" "200 ana" "$status $(jfield '$.user.name')"
http GET /v1/session -H "Authorization: Bearer $admin_key"
check_eq "a key is nobody's session" 401 "$status"
grep -q '"route": "/v1/session", "status": 200, .*"user": "ana"' "$SCRATCH/access.log"
check_eq "the access log names the session's user" 0 $?

# ---- what each role may change ----
signin vic password-of-vic
signin maria.lopez password-of-maria.lopez
signin lea password-of-lea
as vic GET "/v1/metrics/book?limit=2"
check_eq "a viewer reads" 200 "$status"
for req in "POST /v1/views {\"page\":\"portfolio\",\"name\":\"mine\",\"query\":\"\"}" \
    "POST /v1/keys {\"scope\":\"read\"}" \
    "PATCH /v1/workspace {\"locale\":\"de-DE\"}" \
    "POST /v1/accounts {\"id\":\"vics\"}" \
    "PATCH /v1/accounts/acc-000001 {\"owner\":\"vic\"}" \
    "POST /v1/users {\"name\":\"eve\",\"role\":\"admin\",\"password\":\"long enough\"}" \
    "PATCH /v1/users/vic {\"role\":\"admin\"}" \
    "DELETE /v1/accounts/acc-000001"; do
    read -r method path data <<<"$req"
    as vic "$method" "$path" "${JSON[@]}" ${data:+-d "$data"}
    check_eq "a viewer cannot $method $path" 403 "$status"
done
check_eq "… and nothing changed" "0 1 0 viewer" \
    "$(sql "SELECT (SELECT count(*) FROM views), (SELECT count(*) FROM api_keys),
            (SELECT count(*) FROM settings), (SELECT role FROM users WHERE ext_id = 'vic')" |
        tr '|' ' ')"
check_eq "acc-000001 keeps its owner" 1 \
    "$(sql "SELECT count(*) FROM accounts WHERE ext_id = 'acc-000001' AND owner IS NOT 'vic'")"
as maria.lopez POST /v1/views "${JSON[@]}" \
    -d '{"page": "portfolio", "name": "renewing", "query": "renewal=90"}'
check_eq "a CSM saves a view of their own" 201 "$status"
view=$(jfield '$.id')
as maria.lopez POST /v1/keys "${JSON[@]}" -d '{"scope": "read"}'
check_eq "… but makes no key" 403 "$status"
as maria.lopez PATCH /v1/accounts/acc-000001 "${JSON[@]}" -d '{"owner": "maria.lopez"}'
check_eq "… nor changes an account" 403 "$status"
as lea GET /v1/views
check_eq "a lead does not see a CSM's views" 0 "$(jlen '$.data')"
as lea DELETE "/v1/views/$view"
check_eq "… nor deletes them" 404 "$status"
as maria.lopez GET "/v1/views?page=portfolio"
check_eq "the CSM's view" "renewing renewal=90" "$(jfield '$.data[0].name') $(jfield '$.data[0].query')"
as maria.lopez DELETE "/v1/views/$view"
check_eq "… deleted by its owner" 200 "$status"

# ---- an admin's session: keys, users, settings ----
as ana POST /v1/keys "${JSON[@]}" -d '{"scope": "read", "name": "from the dashboard"}'
check_eq "an admin creates a key" "201 read" "$status $(jfield '$.scope')"
key=$(jfield '$.key')
prefix=$(jfield '$.prefix')
check_eq "the key is its prefix and 36 characters more" "$prefix" "${key:0:11}"
http GET /v1/metrics/nps -H "Authorization: Bearer $key"
check_eq "the new key reads" 200 "$status"
as ana DELETE "/v1/keys/$prefix"
check_eq "… and revokes it" 200 "$status"
http GET /v1/metrics/nps -H "Authorization: Bearer $key"
check_eq "a revoked key: 401" 401 "$status"
as ana POST /v1/users "${JSON[@]}" -d '{"name": "nina", "role": "csm", "password": "long enough"}'
check_eq "an admin adds a user" "201 csm" "$status $(jfield '$.role')"
as ana PATCH /v1/users/nina "${JSON[@]}" -d '{"role": "lead", "email": "nina@example.test"}'
check_eq "… changes her role" "200 lead nina@example.test" \
    "$status $(jfield '$.role') $(jfield '$.email')"
as ana PATCH /v1/users/nina "${JSON[@]}" -d '{"role": "boss"}'
check_eq "… to a role that exists" "422 role" "$status $(jfield '$.error.field')"
as ana GET /v1/users
check_eq "the users" "ana lea maria.lopez nina vic" \
    "$(jq -r '[.data[].name] | join(" ")' "$SCRATCH/body")"
as ana DELETE /v1/users/nina
check_eq "… deletes her" 200 "$status"
as ana DELETE /v1/users/ana
check_eq "not the last admin" 409 "$status"
as ana PATCH /v1/workspace "${JSON[@]}" -d '{"time_zone": "Europe/Berlin", "locale": "de-DE"}'
check_eq "an admin sets the time zone and locale" "200 Europe/Berlin de-DE" \
    "$status $(jfield '$.time_zone') $(jfield '$.locale')"
as ana PATCH /v1/workspace "${JSON[@]}" -d '{"time_zone": "Moon/Base"}'
check_eq "… a zone that exists" "422 time_zone" "$status $(jfield '$.error.field')"
run_lf workspace --json
check_eq "the CLI sees the zone" "Europe/Berlin" "$(jq -r .time_zone <<<"$out")"
as ana PATCH /v1/workspace "${JSON[@]}" -d '{"time_zone": "UTC", "locale": "en-US"}'
run_lf workspace --currency EUR --milestone 'report "viewed"' --json
check_eq "the CLI sets the currency and the milestone (a quote kept)" 'EUR report "viewed"' \
    "$(jq -r '.currency + " " + .milestone' <<<"$out")"
as ana GET /v1/workspace
check_eq "… the API sees them" 'EUR report "viewed"' "$(jfield '$.currency') $(jfield '$.milestone')"
run_lf workspace --currency XX
check_eq "… a currency that exists (usage error)" 2 "$rc"
run_lf workspace --currency USD --milestone '' --json
check_eq "… '' unsets the milestone" "USD null" "$(jq -r '.currency + " " + (.milestone | tostring)' <<<"$out")"

# ---- the book and the overview against SQL and the REST lists ----
owner=maria.lopez
as maria.lopez GET "/v1/metrics/book?where=owner%3D$owner&sort=-mrr&limit=5"
check_eq "a CSM's book: the accounts they own" \
    "$(sql "SELECT count(*) FROM accounts WHERE owner = '$owner'")" "$(jfield '$.total')"
check_eq "… the first has the highest MRR" \
    "$(sql "SELECT max(mrr) FROM accounts WHERE owner = '$owner'")" "$(jfield '$.rows[0].mrr')"
check_eq "… a page of 5" 5 "$(jlen '$.rows')"
first=$(jfield '$.rows[0].account')
check_eq "its open tickets" \
    "$(sql "SELECT count(*) FROM touchpoints t JOIN accounts a ON a.id = t.account_id
            WHERE a.ext_id = '$first' AND t.status = 'open'")" "$(jfield '$.rows[0].open_tickets')"
latest=$(sql "SELECT r.score FROM responses r JOIN accounts a ON a.id = r.account_id
              JOIN surveys s ON s.id = r.survey_id WHERE a.ext_id = '$first' AND s.kind = 'nps'
              ORDER BY r.ts DESC, r.id DESC LIMIT 1")
check_eq "its latest NPS" "${latest:-null}" "$(jfield '$.rows[0].nps_last' | sed 's/^$/null/')"
as maria.lopez GET "/v1/metrics/book?q=ACC-00001&sort=account&limit=100"
check_eq "a search" "$(sql "SELECT count(*) FROM accounts WHERE ext_id LIKE '%acc-00001%' OR name LIKE '%acc-00001%'")" \
    "$(jfield '$.total')"
as maria.lopez GET "/v1/metrics/book?limit=0&where=owner%3D$owner" -H 'Accept: text/csv'
check "the book as CSV" grep -q '^account,name,owner,plan,segment,stage,currency,mrr' "$SCRATCH/body"
check_eq "… every row of the view" "$(sql "SELECT count(*) FROM accounts WHERE owner = '$owner'")" \
    "$(($(wc -l <"$SCRATCH/body") - 1))"
as maria.lopez GET "/v1/accounts/$first/overview?now=2026-01-01"
check_eq "the overview of an account" "200 $first" "$status $(jfield '$.account.id')"
cp "$SCRATCH/body" "$SCRATCH/overview"
http GET "/v1/mrr_changes?account_id=$first&sort=date&limit=100" -H "Authorization: Bearer $admin_key"
check_eq "its MRR history is the REST list's" "$(jq -c .data "$SCRATCH/body")" \
    "$(jq -c .mrr.data "$SCRATCH/overview")"
http GET "/v1/responses?account_id=$first&sort=-ts&limit=100" -H "Authorization: Bearer $admin_key"
check_eq "its responses are the REST list's" "$(jq -c .data "$SCRATCH/body")" \
    "$(jq -c .responses.data "$SCRATCH/overview")"
http GET "/v1/metrics/dau?account=$first&from=2025-10-04&to=2026-01-01&now=2026-01-01" \
    -H "Authorization: Bearer $admin_key"
check_eq "its daily users are the dau metric's (90 days up to now)" "$(jq -c .rows "$SCRATCH/body")" \
    "$(jq -c .usage.dau "$SCRATCH/overview")"
as maria.lopez GET /v1/accounts/no-such-account/overview
check_eq "an unknown account: 404" 404 "$status"

# ---- signing out, expiry, the lock ----
as ana DELETE /v1/session -D "$SCRATCH/out.h"
check_eq "signing out" 200 "$status"
check "… clears the cookies" grep -qi '^set-cookie: lf_session=; Path=/; Max-Age=0' "$SCRATCH/out.h"
as ana GET /v1/session
check_eq "the old cookie is signed out" 401 "$status"
signin lea password-of-lea
store_exec "$LANDFALL_DB" "UPDATE sessions SET expires_at = 1 WHERE ended_at IS NULL AND user_id = (SELECT id FROM users WHERE ext_id = 'lea')"
as lea GET /v1/session
check_eq "an expired session: 401" "401 the session expired; sign in again" "$status $(jfield '$.error.message')"
for i in 1 2 3 4 5; do signin vic nope; done
check_eq "5 wrong passwords in a row: refused, no lock yet" "401 5 0" \
    "$status $(store_exec "$LANDFALL_DB" "SELECT failed_logins, locked_until FROM users WHERE ext_id = 'vic'" | tr '|' ' ')"
# as if 9 had failed: the 10th locks for 2^(10 - 6) = 16 s (1 s after the 6th, doubling)
store_exec "$LANDFALL_DB" "UPDATE users SET failed_logins = 9 WHERE ext_id = 'vic'"
signin vic nope
check_eq "the 10th" 401 "$status"
signin vic password-of-vic -D "$SCRATCH/lock.h"
check_eq "then even the right password waits" 429 "$status"
wait_s=$(awk 'tolower($1) == "retry-after:" { print $2 + 0 }' "$SCRATCH/lock.h")
check "… up to 16 s, as Retry-After says ($wait_s)" test "$wait_s" -ge 1 -a "$wait_s" -le 16
serve_stop
finish

#!/usr/bin/env bash
# dashboard_pg.sh - the dashboard's tables on PostgreSQL (migration 007's twin, pg/007_users.sql):
# users and roles, sessions (sign-in, the CSRF token, sign-out, expiry, the lock), saved views,
# workspace settings and the book, over HTTP against a server on PostgreSQL
# (the suite's server, or a throwaway one of scripts/pg on a Unix socket: tests/cli/pg/pg_lib.sh).
# dashboard.sh tests the same on SQLite, and more.
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/../pg/pg_lib.sh"
pg_start
export LANDFALL_DB
LANDFALL_DB=$(pg_db dash) || { echo "FAIL: a database on PostgreSQL"; exit 1; }
psql_q() { psql -qtA "$LANDFALL_DB" -c "$1"; }

run_lf demo --accounts 20 --seed 3 --months 12 --end 2026-01-01
check_eq "demo data on PostgreSQL" 0 "$rc"
for u in ana:admin maria.lopez:csm vic:viewer; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
done
check_eq "three users, their roles" "ana|admin maria.lopez|csm vic|viewer" \
    "$(psql_q "SELECT ext_id || '|' || role FROM users ORDER BY ext_id" | tr '\n' ' ' | sed 's/ $//')"
check "… an Argon2id hash each" test "$(psql_q "SELECT count(*) FROM users
                                             WHERE password_hash LIKE '\$argon2id\$%'")" = 3
run_lf workspace --currency EUR --milestone 'report "viewed"' --json
check_eq "settings kept in PostgreSQL" 'EUR report "viewed"' \
    "$(psql_q "SELECT string_agg(value, ' ' ORDER BY name) FROM settings")"
serve_start

signin() {
    rm -f "$SCRATCH/$1.jar"
    http POST /v1/session -c "$SCRATCH/$1.jar" "${JSON[@]}" -d "{\"user\": \"$1\", \"password\": \"$2\"}"
}
as() {
    local user=$1 method=$2 path=$3
    shift 3
    http "$method" "$path" -b "$SCRATCH/$user.jar" \
        -H "X-CSRF-Token: $(awk '$6 == "lf_csrf" { print $7 }' "$SCRATCH/$user.jar")" "$@"
}
signin ana password-of-ana
check_eq "signing in" "201 admin EUR" "$status $(jfield '$.user.role') $(jfield '$.workspace.currency')"
check_eq "… a session row holding a hash of the token, not the token" 1 \
    "$(psql_q "SELECT count(*) FROM sessions WHERE token_hash <> '$(awk '$6 == "lf_session" { print $7 }' "$SCRATCH/ana.jar")'")"
http GET /v1/session -b "$SCRATCH/ana.jar"
check_eq "the cookie without its CSRF token: 403" 403 "$status"
as ana GET /v1/session
check_eq "… with it: 200" "200 ana" "$status $(jfield '$.user.name')"

signin maria.lopez password-of-maria.lopez
as maria.lopez POST /v1/views "${JSON[@]}" -d '{"page": "portfolio", "name": "renewing", "query": "renewal=90"}'
check_eq "a CSM saves a view" 201 "$status"
as maria.lopez POST /v1/views "${JSON[@]}" -d '{"page": "revenue", "name": "enterprise", "query": "segment=enterprise"}'
as maria.lopez POST /v1/views "${JSON[@]}" -d '{"page": "portfolio", "name": "renewing", "query": "x=1"}'
check_eq "… a name once per page: 409" 409 "$status"
# the page's filter is a statement of its own: PostgreSQL could not type "?2 IS NULL OR page = ?2"
as maria.lopez GET "/v1/views?page=portfolio"
check_eq "the views of one page" "200 1 renewing" "$status $(jlen '$.data') $(jfield '$.data[0].name')"
as maria.lopez GET /v1/views
check_eq "… of every page, by page" "renewing enterprise" \
    "$(jfield '$.data[0].name') $(jfield '$.data[1].name')"
signin vic password-of-vic
as vic POST /v1/views "${JSON[@]}" -d '{"page": "portfolio", "name": "mine", "query": ""}'
check_eq "a viewer saves nothing: 403" 403 "$status"

as maria.lopez GET "/v1/metrics/book?sort=-mrr&limit=3"
check_eq "the book: every account" "$(psql_q "SELECT count(*) FROM accounts")" "$(jfield '$.total')"
check_eq "… the first has the highest MRR" "$(psql_q "SELECT max(mrr) FROM accounts")" \
    "$(jfield '$.rows[0].mrr')"
first=$(jfield '$.rows[0].account')
check_eq "… its open tickets (the partial index of migration 005)" \
    "$(psql_q "SELECT count(*) FROM touchpoints t JOIN accounts a ON a.id = t.account_id
               WHERE a.ext_id = '$first' AND t.status = 'open'")" "$(jfield '$.rows[0].open_tickets')"

as ana PATCH /v1/workspace "${JSON[@]}" -d '{"time_zone": "Europe/Berlin", "locale": "de-DE"}'
check_eq "an admin sets the zone and locale" "200 Europe/Berlin de-DE" \
    "$status $(psql_q "SELECT timezone FROM workspaces") $(psql_q "SELECT value FROM settings WHERE name = 'locale'")"
as ana PATCH /v1/users/maria.lopez "${JSON[@]}" -d '{"role": "lead"}'
check_eq "… changes a role (lead: migration 005's new check)" "200 lead" \
    "$status $(psql_q "SELECT role FROM users WHERE ext_id = 'maria.lopez'")"
as maria.lopez GET /v1/session
check_eq "… which signs her out" 401 "$status"
as ana DELETE /v1/users/maria.lopez
check_eq "… deletes her, her views with her" "200 0" "$status $(psql_q "SELECT count(*) FROM views")"

as ana DELETE /v1/session
check_eq "signing out" 200 "$status"
as ana GET /v1/session
check_eq "… the cookie is signed out" 401 "$status"
signin ana password-of-ana
psql_q "UPDATE sessions SET expires_at = 1 WHERE ended_at IS NULL"
as ana GET /v1/session
check_eq "an expired session: 401" 401 "$status"
psql_q "UPDATE users SET failed_logins = 9 WHERE ext_id = 'vic'"
signin vic nope
signin vic password-of-vic
check_eq "the 10th failure locks even the right password" 429 "$status"
serve_stop
check_eq "the server stopped cleanly" 0 "$stop_rc"
finish

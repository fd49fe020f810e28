#!/usr/bin/env bash
# path_ids.sh - an id that import accepts can be asked for over HTTP: an account id holding a
# '/' (a CRM's "acme/emea"), a space or a '%' is sent percent-encoded (as the dashboard's
# encodeURIComponent writes it) and routed as one path segment, decoded after the path is split;
# its REST resource, its overview and its dashboard page answer 200, and a missing one 404.
source "$(dirname "$0")/server_lib.sh"

printf 'id,name\nacme/emea,Acme EMEA\na b,Spaced\n100%%,Percent\n' >"$SCRATCH/acc.csv"
run_lf import accounts "$SCRATCH/acc.csv"
check_eq "the ids are imported" 0 "$rc"
r=$(new_key read)
serve_start
for enc in acme%2Femea:'acme/emea' a%20b:'a b' 100%25:'100%'; do
    http GET "/v1/accounts/${enc%%:*}" -H "Authorization: Bearer $r"
    check_eq "GET /v1/accounts/${enc%%:*}" "200 ${enc#*:}" "$status $(jfield '$.id')"
done
http GET /v1/accounts/acme%2Femea/overview -H "Authorization: Bearer $r"
check_eq "the overview of acme/emea" "200 Acme EMEA" "$status $(jfield '$.account.name')"
http GET /accounts/acme%2Femea
check_eq "the dashboard's page of acme/emea" 200 "$status"
http GET /v1/accounts/acme%2Fnone -H "Authorization: Bearer $r"
check_eq "a missing id with a '/'" "404 not_found" "$status $(jfield '$.error.code')"
serve_stop
finish

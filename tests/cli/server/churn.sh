#!/usr/bin/env bash
# churn.sh - the churn model over HTTP: 404 before a model exists, POST /v1/churn/models trains
# and stores one (201, admin only), and /v1/churn/models, /v1/churn/scores answer the documents
# `landfall churn models|score --json` print; /v1/accounts/ID/churn the explanation.
source "$(dirname "$0")/server_lib.sh"

NOW=2026-11-01
store_demo --accounts 300 --seed 5 --months 24 --end "$NOW"
check_eq "demo data" 0 "$rc"
r=$(new_key read)
a=$(new_key admin)
serve_start
read_auth=(-H "Authorization: Bearer $r")
admin_auth=(-H "Authorization: Bearer $a")

http GET "/v1/churn/scores?now=$NOW" "${read_auth[@]}"
check_eq "no model yet: 404" "404 not_found" "$status $(jfield '$.error.code')"
http POST "/v1/churn/models?now=$NOW" "${read_auth[@]}"
check_eq "training needs an admin key" 403 "$status"
http POST "/v1/churn/models?now=$NOW&horizon=0" "${admin_auth[@]}"
check_eq "a bad horizon: 400 on field horizon" "400 horizon" "$status $(jfield '$.error.field')"
http POST "/v1/churn/models?now=$NOW&min_churners=100000" "${admin_auth[@]}"
check_eq "too few churners: 422" "422 invalid" "$status $(jfield '$.error.code')"
http POST "/v1/churn/models?now=$NOW&seed=3" "${admin_auth[@]}"
check_eq "train: 201" 201 "$status"
check_eq "version 1" 1 "$(jfield '$.version')"
check_eq "10 deciles of calibration" 10 "$(jlen '$.calibration.rows')"
auc=$(sqlite3 :memory: "SELECT json_extract(value, '\$.value') FROM json_each(CAST(readfile('$SCRATCH/body') AS TEXT), '\$.summary.rows') WHERE json_extract(value, '\$.figure') = 'test auc'")

same_as_cli() {
    local path=$1
    shift
    "$LANDFALL" "$@" --json >"$SCRATCH/cli.json" 2>/dev/null
    http GET "$path" "${read_auth[@]}"
    check_eq "$path: 200" 200 "$status"
    check_eq "$path: the CLI's document" "$(cat "$SCRATCH/cli.json")" "$body"
}
same_as_cli "/v1/churn/models" churn models
check_num "the stored model's test AUC is the one trained" "$auc" "$(jfield '$.rows[0].test_auc')"
same_as_cli "/v1/churn/scores?now=$NOW" churn score --now "$NOW"
same_as_cli "/v1/churn/scores?now=$NOW&limit=5&drivers=2" churn score --now "$NOW" --limit 5 \
    --drivers 2
top=$(jfield '$.rows[0].account')
risk=$(jfield '$.rows[0].risk')
"$LANDFALL" churn explain "$top" --now "$NOW" --json >"$SCRATCH/cli.json" 2>/dev/null
http GET "/v1/accounts/$top/churn?now=$NOW" "${read_auth[@]}"
check_eq "explain: 200" 200 "$status"
check_num "its risk is the score's" "$risk" "$(jfield '$.risk')"
check_eq "its features are the CLI's" \
    "$(sqlite3 :memory: "SELECT json(CAST(readfile('$SCRATCH/cli.json') AS TEXT))")" \
    "$(sqlite3 :memory: "SELECT json_extract(CAST(readfile('$SCRATCH/body') AS TEXT), '\$.features')")"
http GET "/v1/accounts/nobody/churn" "${read_auth[@]}"
check_eq "an unknown account: 404 on field account" "404 account" \
    "$status $(jfield '$.error.field')"
http GET "/v1/churn/scores?model=9" "${read_auth[@]}"
check_eq "an unknown version: 404 on field model" "404 model" "$status $(jfield '$.error.field')"
serve_stop
finish

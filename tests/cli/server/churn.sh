#!/usr/bin/env bash
# churn.sh - the churn model over HTTP: 404 before a model exists, POST /v1/churn/models trains
# and stores one (201: an admin key, an admin's or a lead's session), refusing parameters out of
# their bounds with 400 naming them; /v1/churn/models, /v1/churn/scores,
# /v1/metrics/churn-calibration and /v1/metrics/churn-backtest answer the documents `landfall
# churn models|score|calibration|backtest --json` print; /v1/accounts/ID/churn the explanation.
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
http GET "/v1/metrics/churn-calibration" "${read_auth[@]}"
check_eq "no model yet: no calibration" "200 0" "$status $(jlen '$.rows')"
http POST "/v1/churn/models?now=$NOW" "${read_auth[@]}"
check_eq "training needs an admin key" 403 "$status"
http POST "/v1/churn/models?now=$NOW&horizon=0" "${admin_auth[@]}"
check_eq "a bad horizon: 400 on field horizon" "400 horizon" "$status $(jfield '$.error.field')"
# what a caller may ask is bounded: 240 month starts, a horizon of 3650 days
for bad in snapshots=241 snapshots=1 snapshots=x horizon=3651 seed=-1; do
    http POST "/v1/churn/models?now=$NOW&$bad" "${admin_auth[@]}"
    check_eq "$bad: 400 on its field" "400 bad_request ${bad%%=*}" \
        "$status $(jfield '$.error.code') $(jfield '$.error.field')"
done
# sessions: a lead may train (the role lets the request in: a bad horizon is then refused,
# before any training), a csm may not
for u in lea:lead maria:csm; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
    http POST /v1/session -c "$SCRATCH/${u%%:*}.jar" "${JSON[@]}" \
        -d "{\"user\": \"${u%%:*}\", \"password\": \"password-of-${u%%:*}\"}"
    check_eq "${u%%:*} signs in" 201 "$status"
    csrf=$(awk '$6 == "lf_csrf" { print $7 }' "$SCRATCH/${u%%:*}.jar")
    http POST "/v1/churn/models?now=$NOW&horizon=0" -b "$SCRATCH/${u%%:*}.jar" \
        -H "X-CSRF-Token: $csrf"
    want=$([ "${u#*:}" = lead ] && echo "400 horizon" || echo "403 ")
    check_eq "a ${u#*:}'s session: $want" "$want" "$status $(jfield '$.error.field')"
done
http POST "/v1/churn/models?now=$NOW&min_churners=100000" "${admin_auth[@]}"
check_eq "too few churners: 422" "422 invalid" "$status $(jfield '$.error.code')"
http POST "/v1/churn/models?now=$NOW&seed=3" "${admin_auth[@]}"
check_eq "train: 201" 201 "$status"
check_eq "version 1" 1 "$(jfield '$.version')"
check_eq "10 deciles of calibration" 10 "$(jlen '$.calibration.rows')"
cp "$SCRATCH/body" "$SCRATCH/train.json"
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

# ---- the stored calibration is the one training answered, decile by decile ----
same_as_cli "/v1/metrics/churn-calibration" churn calibration
deciles() { # FILE: rows, lowest, highest, predicted, observed of each decile
    sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.rows') || ' ' || json_extract(value, '\$.lowest') || ' ' || json_extract(value, '\$.highest') || ' ' || json_extract(value, '\$.predicted') || ' ' || json_extract(value, '\$.observed'), '|') FROM json_each(CAST(readfile('$1') AS TEXT), '\$.$2')"
}
check_eq "the stored calibration is the trained one" \
    "$(deciles "$SCRATCH/train.json" calibration.rows)" "$(deciles "$SCRATCH/body" rows)"
check_eq "of version 1" 1 "$(jfield '$.rows[9].model')"
same_as_cli "/v1/metrics/churn-calibration?model=1" churn calibration --model 1
http GET "/v1/metrics/churn-calibration?model=9" "${read_auth[@]}"
check_eq "an unknown version: 404 on field model" "404 model" "$status $(jfield '$.error.field')"
http GET "/v1/metrics/churn-calibration?model=0" "${read_auth[@]}"
check_eq "version 0: 400 on field model" "400 model" "$status $(jfield '$.error.field')"

# ---- the model beside the default scorecard: the CLI's document; both rows count the same
# observations; the model's are its test rows, so with seed 3 its AUC is the one training
# reported when the scorecard scores every one of them (it scores every paying account here) ----
same_as_cli "/v1/metrics/churn-backtest?now=$NOW&seed=3" churn backtest --now "$NOW" --seed 3
check_eq "the two methods" "churn model|scorecard default" \
    "$(jfield '$.rows[0].method')|$(jfield '$.rows[1].method')"
check_eq "the same observations and churners" \
    "$(jfield '$.rows[0].observations') $(jfield '$.rows[0].churned')" \
    "$(jfield '$.rows[1].observations') $(jfield '$.rows[1].churned')"
check_eq "the observations are the model's test rows" \
    "$(sqlite3 :memory: "SELECT json_extract(value, '\$.count') FROM json_each(CAST(readfile('$SCRATCH/train.json') AS TEXT), '\$.summary.rows') WHERE json_extract(value, '\$.figure') = 'test rows'")" \
    "$(jfield '$.rows[0].observations')"
check_num "the model's AUC is the trained one" "$auc" "$(jfield '$.rows[0].auc')" 1e-6
for bad in horizon=0 snapshots=241 seed=-1 scorecard=nosuch; do
    http GET "/v1/metrics/churn-backtest?now=$NOW&$bad" "${read_auth[@]}"
    check_eq "backtest $bad: 400 on its field" "400 bad_request ${bad%%=*}" \
        "$status $(jfield '$.error.code') $(jfield '$.error.field')"
done
serve_stop
finish

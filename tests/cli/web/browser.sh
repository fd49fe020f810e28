#!/usr/bin/env bash
# browser.sh - the dashboard in a real browser: the parts tests/web/dashboard.mjs (every page,
# the portfolio's views, keys, roles), cx.mjs (the CX overview, comments, surveys and the closed
# loop) and health.mjs (health, risk and value), run at once by tests/web/run.mjs in one Chromium
# (playwright-core and axe-core from npm, tests/web/package-lock.json, driving Debian's
# chromium). The store is built once: the demo business up to today, a churn model trained on it,
# a day of the health history a week before today (each server writes today's when it starts)
# and a user of each role; each part gets a copy of it (they change it: outcomes, tasks, keys,
# surveys, scorecards) and a `landfall serve` of its own on 127.0.0.1. A failure is named
# "FAIL: PART: check". Screenshots of the pages go to $LANDFALL_SCREENSHOTS when it is set (no
# check looks at them, and their 27 cost some 7 s of CPU: none are taken without it).
source "$(dirname "$0")/../server/server_lib.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
web="$root/tests/web"
if [ ! -f "$web/node_modules/.package-lock.json" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/web failed"; exit 1; }
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "FAIL: no $chromium (scripts/setup installs Debian's chromium)"; exit 1; }

# the demo business up to today (the pages show the clock's figures), smaller than the default:
# 150 accounts (300 cost the browser and the servers a sixth more) still give every check's
# filter rows of its own (seed 1: 1513 texts of the year, 1175 of them tickets; 17 detractors'
# texts on pricing; 15 of the disappointed negative ones say "money"; 17 enterprise accounts;
# 11 with a churn risk of 30 % or more; every name holds an "a": three pages of the portfolio)
store_demo --accounts 150 --seed 1
check_eq "demo data" 0 "$rc"
run_lf churn train
check_eq "a churn model" 0 "$rc"
run_lf health snapshot --date "$(date -u -d '7 days ago' +%F)"
check_eq "the history of a week ago" 0 "$rc"
for u in ana:admin lee:lead maria.lopez:csm vic:viewer; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
    check_eq "user ${u%%:*}" 0 $?
done

# LANDFALL_BROWSER_PARTS="cx health" runs only those parts
read -r -a parts <<<"${LANDFALL_BROWSER_PARTS:-dashboard cx health}"
urls=()
pids=()
for part in "${parts[@]}"; do
    db=$(store_copy "$LANDFALL_DB" "$part")
    check_eq "$part: a copy of the store" 0 $?
    LANDFALL_DB=$db serve_start
    urls+=("$part=$URL")
    pids+=("$SERVER_PID")
done
SCREENSHOTS=${LANDFALL_SCREENSHOTS:-} CHROMIUM=$chromium \
    node "$web/run.mjs" "${urls[@]}"
check_eq "the browser tests pass" 0 $?
for i in "${!parts[@]}"; do
    SERVER_PID=${pids[$i]}
    serve_stop
    check_eq "${parts[$i]}: the server stopped cleanly" 0 "$stop_rc"
done
finish

#!/usr/bin/env bash
# health.sh - the health, risk and value pages in a real browser (tests/web/health.mjs, with
# dashboard.sh's playwright-core, axe-core and Debian's chromium) against a `landfall serve` on
# 127.0.0.1 with the demo business, a churn model trained on it and a day of the health history
# a week before today (the server writes today's when it starts), an admin and a viewer.
# Screenshots go to $LANDFALL_SCREENSHOTS.
source "$(dirname "$0")/../server/server_lib.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
web="$root/tests/web"
if [ ! -f "$web/node_modules/.package-lock.json" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/web failed"; exit 1; }
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "FAIL: no $chromium (scripts/setup installs Debian's chromium)"; exit 1; }

# the demo business up to today; on PostgreSQL made in SQLite and copied (landfall migrate:
# COPY), ten times faster than the demo writing to PostgreSQL row by row
if on_sqlite; then
    run_lf demo --accounts 300 --seed 1
else
    LANDFALL_DB="$SCRATCH/demo.db" run_lf demo --accounts 300 --seed 1 &&
        run_lf migrate --from "$SCRATCH/demo.db" --to "$LANDFALL_DB" --quiet
fi
check_eq "demo data" 0 "$rc"
run_lf churn train
check_eq "a churn model" 0 "$rc"
run_lf health snapshot --date "$(date -u -d '7 days ago' +%F)"
check_eq "the history of a week ago" 0 "$rc"
for u in ana:admin vic:viewer; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
    check_eq "user ${u%%:*}" 0 $?
done
serve_start
SCREENSHOTS=${LANDFALL_SCREENSHOTS:-$SCRATCH/screenshots} CHROMIUM=$chromium \
    node "$web/health.mjs" "$URL"
check_eq "the browser tests pass" 0 $?
serve_stop
check_eq "the server stopped cleanly" 0 "$stop_rc"
finish

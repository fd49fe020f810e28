#!/usr/bin/env bash
# dashboard.sh - the dashboard's browser tests (tests/web/dashboard.mjs: playwright-core and
# axe-core from npm, tests/web/package-lock.json, driving Debian's chromium) against a
# `landfall serve` on 127.0.0.1 with the demo business and a user of each role; screenshots of
# every page go to $LANDFALL_SCREENSHOTS (the build folder's tests/cli/web/screenshots).
source "$(dirname "$0")/../server/server_lib.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
web="$root/tests/web"
if [ ! -f "$web/node_modules/.package-lock.json" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/web failed"; exit 1; }
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "FAIL: no $chromium (scripts/setup installs Debian's chromium)"; exit 1; }

# the demo business up to today (the pages show the clock's figures), smaller than the default
run_lf demo --accounts 300 --seed 1
check_eq "demo data" 0 "$rc"
for u in ana:admin maria.lopez:csm vic:viewer; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
    check_eq "user ${u%%:*}" 0 $?
done
run_lf workspace --json
serve_start
SCREENSHOTS=${LANDFALL_SCREENSHOTS:-$SCRATCH/screenshots} CHROMIUM=$chromium \
    node "$web/dashboard.mjs" "$URL"
check_eq "the browser tests pass" 0 $?
serve_stop
check_eq "the server stopped cleanly" 0 "$stop_rc"
finish

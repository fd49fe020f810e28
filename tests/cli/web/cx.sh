#!/usr/bin/env bash
# cx.sh - the voice of the customer's pages in a real browser (tests/web/cx.mjs: the CX
# overview's text figures, the comments explorer, the surveys page with its editor, send, skip
# log, follow-ups and recovery report) against a `landfall serve` on 127.0.0.1 with the demo
# business and a user of each role; screenshots go to $LANDFALL_SCREENSHOTS.
source "$(dirname "$0")/../server/server_lib.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
web="$root/tests/web"
if [ ! -f "$web/node_modules/.package-lock.json" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/web failed"; exit 1; }
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "FAIL: no $chromium (scripts/setup installs Debian's chromium)"; exit 1; }

run_lf demo --accounts 120 --seed 1
check_eq "demo data" 0 "$rc"
for u in ana:admin lee:lead maria.lopez:csm vic:viewer; do
    echo "password-of-${u%%:*}" | "$LANDFALL" users create "${u%%:*}" --role "${u#*:}" \
        --password-stdin 2>/dev/null
    check_eq "user ${u%%:*}" 0 $?
done
serve_start
SCREENSHOTS=${LANDFALL_SCREENSHOTS:-$SCRATCH/screenshots} CHROMIUM=$chromium \
    node "$web/cx.mjs" "$URL"
check_eq "the browser tests pass" 0 $?
serve_stop
check_eq "the server stopped cleanly" 0 "$stop_rc"
finish

#!/usr/bin/env bash
# dashboard.sh - the dashboard's benchmark (not a test), on `landfall demo --accounts 100000`
# (about 20 M events, bench/engine.sh's store): the server's time (its access log's "ms", from
# the request line to the answer) for
#   - the portfolio page's requests: the book of one CSM sorted by MRR and of everyone sorted
#     by active users, filtered by plan, with a search, one page of 50; the filters' values;
#   - the account page of the largest account (the most events): its overview in one call;
# each REQUESTS times over a signed-in session (cookie and CSRF token, as the pages send them),
# after one untimed request that fills the book's cache (reported apart, with the time to
# start); p50, p95 and max. Then, in Chromium (playwright-core from tests/web), the time from
# navigating to an account page, and to the usage page, to its first chart drawn, RUNS times.
#
#   bench/dashboard.sh [DB]   DB defaults to /tmp/bench.db (generated when missing: minutes)
#   env: LANDFALL (default build/src/cli/landfall), NOW (default 2026-06-01: the demo's end, and
#        the `now` of the timed requests, so that the usage figures are those of the data),
#        REQUESTS (default 200), RUNS (default 5), ACCOUNTS (100000)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-/tmp/bench.db}
NOW=${NOW:-2026-06-01}
REQUESTS=${REQUESTS:-200}
RUNS=${RUNS:-5}
ACCOUNTS=${ACCOUNTS:-100000}
LANDFALL=${LANDFALL:-build/src/cli/landfall}
[ -x "$LANDFALL" ] || { echo "dashboard.sh: build landfall first (scripts/build)" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "dashboard.sh: needs chromium (scripts/setup)" >&2; exit 2; }
if [ ! -f tests/web/node_modules/.package-lock.json ]; then
    (cd tests/web && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
if [ ! -s "$DB" ]; then
    echo "generating $DB: $ACCOUNTS accounts (minutes)" >&2
    "$LANDFALL" --db "$DB" demo --accounts "$ACCOUNTS" --seed 1 --end "$NOW" >&2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-dash.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
"$LANDFALL" --db "$DB" users delete bench >/dev/null 2>&1 || true
echo "$pw" | "$LANDFALL" --db "$DB" users create bench --role admin --password-stdin 2>/dev/null
csm=$(sqlite3 "$DB" "SELECT owner FROM accounts WHERE owner IS NOT NULL GROUP BY owner
                     ORDER BY count(*) DESC LIMIT 1")
largest=$(sqlite3 "$DB" "SELECT a.ext_id FROM accounts a JOIN (SELECT account_id, count(*) n
                         FROM events GROUP BY account_id ORDER BY n DESC LIMIT 1) e
                         ON e.account_id = a.id")
plan=$(sqlite3 "$DB" "SELECT plan FROM accounts WHERE plan IS NOT NULL LIMIT 1")

# the server, loading (or building) the engine before it answers
mkfifo "$work/ready"
start=$(date +%s%N)
"$LANDFALL" --db "$DB" serve --listen 127.0.0.1:0 --access-log "$work/access.log" \
    --rate-limit 0 >"$work/ready" 2>"$work/serve.err" &
pid=$!
read -r line <"$work/ready"
url=${line#landfall: serving }
started_ms=$((($(date +%s%N) - start) / 1000000))
curl -s -c "$work/jar" -H 'Content-Type: application/json' "$url/v1/session" \
    -d "{\"user\": \"bench\", \"password\": \"$pw\"}" >/dev/null
csrf=$(awk '$6 == "lf_csrf" { print $7 }' "$work/jar")
get() { curl -s -o /dev/null -b "$work/jar" -H "X-CSRF-Token: $csrf" "$url$1"; }

# server milliseconds of the access log's lines for route ROUTE after line FROM
times() { tail -n +"$(($2 + 1))" "$work/access.log" | jq -r --arg r "$1" 'select(.route == $r) | .ms'; }
stats() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit; p = int(NR * 0.95 + 0.999);
    printf "%8.2f %8.2f %8.2f %6d\n", v[int((NR + 1) / 2)], v[p > NR ? NR : p], v[NR], NR }'; }
lines() { wc -l <"$work/access.log"; }

book="/v1/metrics/book"
views=(
    "$book?where=owner%3D$csm&sort=-mrr&limit=50&offset=0&now=$NOW"
    "$book?sort=-users&limit=50&offset=0&now=$NOW"
    "$book?where=plan%3D$plan&sort=renewal_date&limit=50&offset=50&now=$NOW"
    "$book?q=labs&sort=name&limit=50&offset=0&now=$NOW"
)
at=$(lines)
get "${views[0]}"
cold=$(times /v1/metrics/:name "$at" | head -1)
at=$(lines)
for ((i = 0; i < REQUESTS; i++)); do
    get "${views[$((i % ${#views[@]}))]}"
    get "/v1/metrics/account-values"
done
times /v1/metrics/:name "$at" >"$work/portfolio.ms"
# the book's requests alone: every other line
awk 'NR % 2 == 1' "$work/portfolio.ms" >"$work/book.ms"
awk 'NR % 2 == 0' "$work/portfolio.ms" >"$work/values.ms"
get "/v1/accounts/$largest/overview?now=$NOW" # untimed: the first
at=$(lines)
for ((i = 0; i < REQUESTS; i++)); do
    get "/v1/accounts/$largest/overview?now=$NOW"
done
times /v1/accounts/:id/overview "$at" >"$work/account.ms"
events=$(sqlite3 "$DB" "SELECT count(*) FROM events e JOIN accounts a ON a.id = e.account_id
                        WHERE a.ext_id = '$largest'")

# the browser: navigation to the first chart drawn
cat >"$work/load.mjs" <<EOF
import { chromium } from '$PWD/tests/web/node_modules/playwright-core/index.mjs';
const [url, pw, runs, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(url + '/signin');
await page.fill('input[name=user]', 'bench');
await page.fill('input[name=password]', pw);
await page.click('button[type=submit]');
await page.waitForURL(/portfolio/);
for (const p of paths) {
  for (let i = 0; i < Number(runs); i++) {
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(url + p);
    await page.waitForSelector('figure.chart canvas', { timeout: 120000 });
    console.log(p.split('?')[0].replace(/\/[^/]*$/, '') || p, Date.now() - t0);
  }
}
await browser.close();
EOF
node "$work/load.mjs" "$url" "$pw" "$RUNS" "/accounts/$largest" "/usage" >"$work/load.ms"

kill -TERM "$pid"
wait "$pid" || true
pid=
"$LANDFALL" --db "$DB" users delete bench >/dev/null 2>&1 || true

echo "store: $DB ($ACCOUNTS accounts); now $NOW; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "server ready in ${started_ms} ms; the book's first answer (cache filled): ${cold} ms"
printf '%-52s %8s %8s %8s %6s\n' "server time (ms)" p50 p95 max n
printf '%-52s %s\n' "portfolio: book, one page of 50 (4 views)" "$(stats <"$work/book.ms")"
printf '%-52s %s\n' "portfolio: the filters' values (account-values)" "$(stats <"$work/values.ms")"
printf '%-52s %s\n' "account page: overview of $largest ($events events)" "$(stats <"$work/account.ms")"
printf '\n%-52s %8s %8s %8s %6s\n' "Chromium: navigation to first chart (ms)" p50 p95 max n
for p in /accounts /usage; do
    printf '%-52s %s\n' "$p" "$(awk -v p="$p" '$1 == p { print $2 }' "$work/load.ms" | stats)"
done

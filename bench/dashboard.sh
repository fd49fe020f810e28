#!/usr/bin/env bash
# dashboard.sh - the dashboard's benchmark (not a test), on `landfall demo --accounts 100000`
# (about 20 M events, bench/engine.sh's store): the server's time (its access log's "ms", from
# the request line to the answer) for
#   - the portfolio page's requests: the book of one CSM sorted by MRR, of everyone sorted by
#     active users, filtered by plan (second page), with a search, one page of 50 each; the
#     filters' values (account-values);
#   - the account page of the largest account (the most events): its overview in one call
#     (header, usage, experience, tickets, MRR history, contacts, touchpoints, outcomes, tasks),
#     and its health panel's two computed calls: the account's health (measures, points) and
#     its expansion signals (expansion where account=ID);
# over a signed-in session (cookie and CSRF token, as the pages send them), after one untimed
# request of each (the first fills the book's cache: reported apart, with the time to start).
# ROUNDS rounds of REQUESTS requests of each call, interleaved (book, values, overview, book…)
# so that the machine's load hits them alike; per call the median over the rounds of each
# round's p50 and p95, and the max of all. Then the server's CPU time per request of each call
# (REQUESTS in a row, from /proc: what an answer costs, whatever the other processes do), the
# same pages as plain SQL on the store (sqlite3: what a dashboard without landfall's cache
# would run), and in Chromium (playwright-core from tests/web) the time from navigating to the
# portfolio to its table, and to the account and usage pages to their first chart, RUNS times.
#
#   bench/dashboard.sh [DB]   DB defaults to /tmp/bench.db (generated when missing: minutes)
#   env: LANDFALL (default build/src/cli/landfall), NOW (default 2026-06-01: the demo's end, and
#        the `now` of the timed requests, so that the usage figures are those of the data),
#        ROUNDS (default 5), REQUESTS (per round and call, default 40), RUNS (default 5),
#        ACCOUNTS (100000), LARGEST (the account of the account page; default: the one with
#        the most events, one scan of the events), SQL_RUNS (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-/tmp/bench.db}
NOW=${NOW:-2026-06-01}
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-40}
RUNS=${RUNS:-5}
SQL_RUNS=${SQL_RUNS:-3}
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

csm=$(sqlite3 "$DB" "SELECT owner FROM accounts WHERE owner IS NOT NULL GROUP BY owner
                     ORDER BY count(*) DESC LIMIT 1")
largest=${LARGEST:-$(sqlite3 "$DB" "SELECT a.ext_id FROM accounts a JOIN (SELECT account_id,
                     count(*) n FROM events GROUP BY account_id ORDER BY n DESC LIMIT 1) e
                     ON e.account_id = a.id")}
plan=$(sqlite3 "$DB" "SELECT plan FROM accounts WHERE plan IS NOT NULL LIMIT 1")

# the server, loading (or building) the engine before it answers, signed in
source bench/dashboard_lib.sh
dashboard_serve

# p50 p95 max n of numbers, one a line
stats() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit; p = int(NR * 0.95 + 0.999);
    printf "%.2f %.2f %.2f %d\n", v[int((NR + 1) / 2)], v[(p > NR) ? NR : p], v[NR], NR }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit;
    printf "%.2f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

book="/v1/metrics/book"
views=(
    "$book?where=owner%3D$csm&sort=-mrr&limit=50&offset=0&now=$NOW"
    "$book?sort=-users&limit=50&offset=0&now=$NOW"
    "$book?where=plan%3D$plan&sort=renewal_date&limit=50&offset=50&now=$NOW"
    "$book?q=labs&sort=name&limit=50&offset=0&now=$NOW"
)
values="/v1/metrics/account-values"
overview="/v1/accounts/$largest/overview?now=$NOW"
health="/v1/accounts/$largest/health?now=$NOW"
expansion="/v1/metrics/expansion?where=account%3D$largest&now=$NOW"

at=$(lines)
get "${views[0]}"
cold=$(tail -n +"$((at + 1))" "$work/access.log" | jq -r '.ms' | head -1)
get "$values"
get "$overview"
get "$health"
get "$expansion"

# the rounds: book (a view in turn), values, overview, health, expansion, book, …
for c in book values account health expansion; do : >"$work/$c.rounds"; : >"$work/$c.all"; done
for ((r = 0; r < ROUNDS; r++)); do
    at=$(lines)
    for ((i = 0; i < REQUESTS; i++)); do
        get "${views[$(((i + r) % ${#views[@]}))]}"
        get "$values"
        get "$overview"
        get "$health"
        get "$expansion"
    done
    tail -n +"$((at + 1))" "$work/access.log" >"$work/round.log"
    jq -r 'select(.path == "/v1/metrics/book") | .ms' "$work/round.log" >"$work/book.ms"
    jq -r 'select(.path == "/v1/metrics/account-values") | .ms' "$work/round.log" >"$work/values.ms"
    jq -r 'select(.route == "/v1/accounts/:id/overview") | .ms' "$work/round.log" >"$work/account.ms"
    jq -r 'select(.route == "/v1/accounts/:id/health") | .ms' "$work/round.log" >"$work/health.ms"
    jq -r 'select(.path == "/v1/metrics/expansion") | .ms' "$work/round.log" >"$work/expansion.ms"
    for c in book values account health expansion; do
        stats <"$work/$c.ms" >>"$work/$c.rounds"
        cat "$work/$c.ms" >>"$work/$c.all"
    done
done
# the medians over the rounds of p50 and of p95; the max of every request; their number
summary() {
    printf '%8s %8s %8s %6s' "$(awk '{ print $1 }' "$work/$1.rounds" | median)" \
        "$(awk '{ print $2 }' "$work/$1.rounds" | median)" \
        "$(stats <"$work/$1.all" | cut -d' ' -f3)" "$(wc -l <"$work/$1.all")"
}

# the CPU the server spends per request of a call: its ticks over REQUESTS requests in a row
cpu_of() {
    local a b
    a=$(cpu_ticks)
    for ((i = 0; i < REQUESTS; i++)); do get "$1"; done
    b=$(cpu_ticks)
    awk -v t=$((b - a)) -v n="$REQUESTS" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.1f\n", t * 1000 / hz / n }'
}
cpu_book=$(for v in "${views[@]}"; do cpu_of "$v"; done | median)
cpu_values=$(cpu_of "$values")
cpu_account=$(cpu_of "$overview")
cpu_health=$(cpu_of "$health")
cpu_expansion=$(cpu_of "$expansion")
events=$(sqlite3 "$DB" "SELECT count(*) FROM events e JOIN accounts a ON a.id = e.account_id
                        WHERE a.ext_id = '$largest'")

# the browser: navigation to the portfolio's table, to the account's and usage's first chart
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
  const what = p.startsWith('/portfolio') ? '#accounts tbody tr[data-row]' : 'figure.chart canvas';
  for (let i = 0; i < Number(runs); i++) {
    await page.goto('about:blank');
    const t0 = Date.now();
    try {
      await page.goto(url + p, { timeout: 120000 });
      await page.waitForSelector(what, { timeout: 120000 });
      console.log('/' + p.split(/[/?]/)[1], Date.now() - t0);
    } catch (e) { // a load slower than 2 minutes: counted apart, the next run goes on
      console.log('/' + p.split(/[/?]/)[1], 'timeout');
    }
  }
}
await browser.close();
EOF
node "$work/load.mjs" "$url" "$pw" "$RUNS" "/portfolio?sort=-mrr" "/accounts/$largest?now=$NOW" \
    "/usage" >"$work/load.ms"

kill -TERM "$pid"
wait "$pid" || true
pid=
"$LANDFALL" --db "$DB" users delete bench >/dev/null 2>&1 || true

# the peer: the same pages as plain SQL on the store (sqlite3, its own process; the fastest of
# SQL_RUNS): the CSM's book sorted by MRR with the store's figures of the book (latest NPS and
# CSAT, open tickets), and everyone's sorted by active users in the 30 days before now
to_ms=$(($(date -u -d "$NOW" +%s) * 1000))
from_ms=$((to_ms - 30 * 86400000))
store_cols="a.ext_id, a.name, a.owner, a.plan, a.segment, a.mrr, a.renewal_date,
  (SELECT r.score FROM responses r JOIN surveys s ON s.id = r.survey_id
   WHERE r.account_id = a.id AND s.kind = 'nps' ORDER BY r.ts DESC, r.id DESC LIMIT 1) nps,
  (SELECT r.score FROM responses r JOIN surveys s ON s.id = r.survey_id
   WHERE r.account_id = a.id AND s.kind = 'csat' ORDER BY r.ts DESC, r.id DESC LIMIT 1) csat,
  (SELECT count(*) FROM touchpoints t WHERE t.workspace_id = a.workspace_id
   AND t.account_id = a.id AND t.status = 'open') open_tickets"
sql_owner="SELECT $store_cols FROM accounts a WHERE a.owner = '$csm'
  ORDER BY a.mrr DESC, a.id LIMIT 50 OFFSET 0;"
sql_users="WITH u AS (SELECT account_id, count(DISTINCT contact_id) users FROM events
  WHERE ts >= $from_ms AND ts < $to_ms GROUP BY account_id)
  SELECT $store_cols, u.users FROM accounts a LEFT JOIN u ON u.account_id = a.id
  ORDER BY u.users DESC NULLS LAST, a.id LIMIT 50 OFFSET 0;"
sql_time() {
    local best='' t0 t
    for ((i = 0; i < SQL_RUNS; i++)); do
        t0=$(date +%s%N)
        sqlite3 -readonly "$DB" "$1" >/dev/null
        t=$((($(date +%s%N) - t0) / 1000000))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    echo "$best"
}
peer_owner=$(sql_time "$sql_owner")
peer_users=$(sql_time "$sql_users")

echo "store: $DB ($ACCOUNTS accounts); now $NOW; $(nproc) cores, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "server ready in ${started_ms} ms; the book's first answer (cache filled): ${cold} ms"
printf '\n%-52s %8s %8s %8s %6s %8s\n' "server time, ms ($ROUNDS rounds: medians)" p50 p95 max n \
    "cpu/req"
printf '%-52s %s %8s\n' "portfolio: book, one page of 50 (4 views)" "$(summary book)" \
    "$cpu_book"
printf '%-52s %s %8s\n' "portfolio: the filters' values (account-values)" "$(summary values)" \
    "$cpu_values"
printf '%-52s %s %8s\n' "account page: overview of $largest ($events events)" \
    "$(summary account)" "$cpu_account"
printf '%-52s %s %8s\n' "account page: its health (measures, points)" "$(summary health)" \
    "$cpu_health"
printf '%-52s %s %8s\n' "account page: its expansion signals" "$(summary expansion)" \
    "$cpu_expansion"
printf '\n%-52s %8s\n' "the peer: the same page as SQL (sqlite3), ms" fastest
printf '%-52s %8s\n' "  the book of $csm by MRR (store's figures)" "$peer_owner"
printf '%-52s %8s\n' "  everyone by active users (30 days)" "$peer_users"
printf '\n%-52s %8s %8s %8s %6s %8s\n' "Chromium: navigation to first table/chart, ms" p50 p95 \
    max n "> 2 min"
for p in /portfolio /accounts /usage; do
    printf '%-52s %s %8s\n' "$p" "$(awk -v p="$p" '$1 == p && $2 != "timeout" { print $2 }' \
        "$work/load.ms" | stats | awk '{ printf "%8s %8s %8s %6s", $1, $2, $3, $4 }')" \
        "$(awk -v p="$p" '$1 == p && $2 == "timeout"' "$work/load.ms" | wc -l)"
done

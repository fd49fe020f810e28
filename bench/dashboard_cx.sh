#!/usr/bin/env bash
# dashboard_cx.sh - the dashboard's benchmark of the experience, comments, surveys and health
# pages (not a test; bench/dashboard.sh measures the portfolio, account and usage pages), on
# `landfall demo --accounts 100000`: the server's time (its access log's "ms") of every request
# those pages make (web/page_experience.js, page_comments.js, page_surveys.js, page_health.js),
# with their parameters as the pages send them pinned to NOW (a page opened with ?now=NOW):
#   - a first ask of each, apart (it may fill what the server keeps);
#   - then ROUNDS asks of each, interleaved (one round asks every request once), so that the
#     machine's load hits them alike: p50, p95 and max of the ROUNDS, and the server's CPU time
#     per request (its ticks from /proc over the request, averaged over the ROUNDS: 10 ms ticks,
#     so a figure under ~2 ms is noise).
# over a signed-in session (cookie and CSRF token, as the pages send them). With ANSWERS=DIR
# every answer of the first ask is written to DIR/NN.json (the requests in the table's order),
# to compare two builds' answers with `cmp` (the figures must not change).
#
#   bench/dashboard_cx.sh DB
#   env: LANDFALL (default build/src/cli/landfall), NOW (default 2026-06-01: the demo's end),
#        ROUNDS (default 5), ONLY (a regular expression: only the requests whose label matches),
#        ANSWERS (a directory for the first answers), SKIP_LONG=1 (leave out health-backtest,
#        which replays a year of history: seconds to minutes at 100 k accounts)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:?usage: bench/dashboard_cx.sh DB}
NOW=${NOW:-2026-06-01}
ROUNDS=${ROUNDS:-5}
ONLY=${ONLY:-.}
LANDFALL=${LANDFALL:-build/src/cli/landfall}
[ -x "$LANDFALL" ] || { echo "dashboard_cx.sh: build landfall first (scripts/build)" >&2; exit 2; }
[ -s "$DB" ] || { echo "dashboard_cx.sh: no store $DB" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-dashcx.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

source bench/dashboard_lib.sh
dashboard_serve

# the window of a page opened with ?now=NOW: the first day of the month 11 months before
from=$(date -u -d "$(date -u -d "$NOW" +%Y-%m-01) -11 months" +%Y-%m-%d)
m=/v1/metrics
c="from=$from&now=$NOW"
labels=() paths=()
add() { if [[ $1 =~ $ONLY ]]; then labels+=("$1"); paths+=("$2"); fi; }
# the experience page: the filters, then the figures (12 months, by team)
add "cx: account-values" "$m/account-values"
add "cx: text-summary by team" "$m/text-summary?from=$from&by=team&now=$NOW"
add "cx: text-summary by touchpoint" "$m/text-summary?from=$from&by=touchpoint&now=$NOW"
for s in nps csat ces; do add "cx: $s" "$m/$s?$c"; done
for s in nps csat ces; do add "cx: $s by month" "$m/$s?$c&by=month"; done
for s in nps csat ces; do add "cx: $s by team" "$m/$s?$c&by=team"; done
for s in nps csat ces; do add "cx: scores of $s" "$m/scores?$c&survey=$s"; done
add "cx: text-comments (25)" "$m/text-comments?$c&source=response&limit=25"
add "cx: text-summary by month" "$m/text-summary?$c&by=month"
add "cx: text-emotions" "$m/text-emotions?$c"
add "cx: text-topics" "$m/text-topics?$c"
# the comments page (its window: the same 12 months)
add "comments: surveys" "/v1/surveys?limit=1000"
add "comments: text-comments (50)" "$m/text-comments?$c&limit=50"
# the surveys page
add "surveys: survey-results" "/v1/survey-results"
add "surveys: survey-settings" "/v1/survey-settings"
add "surveys: survey-skips" "/v1/survey-skips"
add "surveys: followups" "/v1/followups"
add "surveys: followups/recovery" "/v1/followups/recovery"
# the health page
add "health: health-measures" "$m/health-measures"
add "health: expansion" "$m/expansion?now=$NOW"
add "health: churn models" "/v1/churn/models"
add "health: churn-calibration" "$m/churn-calibration"
add "health: scorecards" "$m/scorecards"
if [ -z "${SKIP_LONG:-}" ]; then
    add "health: health-backtest" "$m/health-backtest?scorecard=default&versus=engagement&now=$NOW"
fi
n=${#paths[@]}

# the server's time of request i of the log lines from `at` on (sequential requests: in order)
ms_since() { sleep 0.2; tail -n +"$(($1 + 1))" "$work/access.log" | jq -r '.ms'; }

[ -n "${ANSWERS:-}" ] && mkdir -p "$ANSWERS"
at=$(lines)
for ((i = 0; i < n; i++)); do
    get "${paths[$i]}" "${ANSWERS:+$ANSWERS/$(printf %02d "$i").json}"
done
mapfile -t first < <(ms_since "$at")

declare -A all cpu
for ((r = 0; r < ROUNDS; r++)); do
    at=$(lines)
    for ((i = 0; i < n; i++)); do
        a=$(cpu_ticks)
        get "${paths[$i]}"
        b=$(cpu_ticks)
        cpu[$i]=$((${cpu[$i]:-0} + b - a))
    done
    mapfile -t ms < <(ms_since "$at")
    for ((i = 0; i < n; i++)); do all[$i]="${all[$i]:-} ${ms[$i]}"; done
done
kill -TERM "$pid"
wait "$pid" || true
pid=
"$LANDFALL" --db "$DB" users delete bench >/dev/null 2>&1 || true

hz=$(getconf CLK_TCK)
echo "store: $DB; now $NOW (window from $from); $(nproc) cores, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "server ready in ${started_ms} ms"
printf '\n%-34s %9s %9s %9s %9s %3s %9s  %s\n' "server time, ms" first p50 p95 max n cpu/req \
    request
for ((i = 0; i < n; i++)); do
    s=$(tr ' ' '\n' <<<"${all[$i]}" | grep . | sort -g | awk '{ v[NR] = $1 } END {
        p = int(NR * 0.95 + 0.999); printf "%9.1f %9.1f %9.1f %3d", v[int((NR + 1) / 2)],
        v[(p > NR) ? NR : p], v[NR], NR }')
    printf '%-34s %9.1f %s %9.1f  %s\n' "${labels[$i]}" "${first[$i]}" "$s" \
        "$(awk -v t="${cpu[$i]}" -v r="$ROUNDS" -v hz="$hz" 'BEGIN { print t * 1000 / hz / r }')" \
        "${paths[$i]}"
done

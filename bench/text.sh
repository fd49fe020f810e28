#!/usr/bin/env bash
# text.sh - the text analytics benchmark (not a test). Sentences per second of landfall's VADER
# beside the npm port vader-sentiment 1.1.3 run by node (tests/text), on the 3,000 UCI sentences,
# both in each round, interleaved; the table gives the medians of the per-round rates and of the
# per-round ratios (the machine's load changes between rounds, less within one). Then the whole
# enrichment (markup, language, sentiment, emotions, topics) of the demo's comments and ticket
# texts, texts per second. One thread each; seconds are CPU seconds of the process (these
# machines are shared: the wall clock counts the others' work).
# Usage: bench/text.sh [ROUNDS] [DEMO_ACCOUNTS]  (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
accounts=${2:-300}
dir=${BUILD_DIR:-build}
[ -x "$dir/src/cli/landfall" ] || scripts/build
ninja -C "$dir" >/dev/null
lf="$dir/src/cli/landfall"
tb="$dir/bench/text_bench"
port=tests/text
[ -f "$port/node_modules/.package-lock.json" ] ||
    (cd "$port" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for f in amazon_cells imdb yelp; do
    sed 's/\t[01]\r\{0,1\}$//' "tests/data/sentiment/${f}_labelled.txt"
done >"$work/uci.txt"
n=$(wc -l <"$work/uci.txt")

# the demo's texts: response comments and touchpoint (ticket) texts
LANDFALL_DB="$work/demo.db" "$lf" demo --accounts "$accounts" --seed 7 >/dev/null
sqlite3 "$work/demo.db" "SELECT replace(comment, char(10), ' ') FROM responses WHERE comment <> ''
                         UNION ALL
                         SELECT replace(text, char(10), ' ') FROM touchpoints WHERE text <> ''" \
    >"$work/demo.txt"
dn=$(wc -l <"$work/demo.txt")

# each side runs about as long: node passes over the sentences, landfall many more
js_passes=3
lf_passes=300
: >"$work/rounds"
for ((r = 1; r <= rounds; r++)); do
    read -r js _ < <(node "$port/vader_port.js" --time "$js_passes" <"$work/uci.txt")
    read -r lfs _ < <("$tb" sentiment "$lf_passes" <"$work/uci.txt")
    read -r full _ < <("$tb" analyze 20 <"$work/demo.txt")
    awk -v n="$n" -v dn="$dn" -v js="$js" -v lfs="$lfs" -v full="$full" -v jp="$js_passes" \
        -v lp="$lf_passes" 'BEGIN { j = n * jp / js; l = n * lp / lfs;
            printf "%.0f %.0f %.2f %.0f\n", j, l, l / j, dn * 20 / full }' >>"$work/rounds"
done
col() { awk -v c="$1" '{ print $c }' "$work/rounds" | median; }
echo "text analytics, $rounds rounds (medians), one thread each, $(nproc) cores, $(date -u +%F)"
printf '  %-52s %12s\n' "sentiment, npm vader-sentiment 1.1.3 (node $(node --version))" "$(col 1) sentences/s"
printf '  %-52s %12s\n' "sentiment, landfall (VADER in C)" "$(col 2) sentences/s"
printf '  %-52s %12s\n' "landfall / npm port (median of per-round ratios)" "$(col 3)×"
printf '  %-52s %12s\n' "full enrichment, landfall, $dn demo texts" "$(col 4) texts/s"

#!/bin/bash
# docs.sh - docs/metrics.md's reference is the registry's: every metric, parameter, dimension and
# column `landfall metric --json` declares, and nothing else (scripts/metrics-doc --check).
source "$(dirname "$0")/../lib.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
check "docs/metrics.md matches the registry" "$root/scripts/metrics-doc" --check "$LANDFALL"
# and the registry as the CLI lists it is the registry the library holds: 21 metrics today,
# each named once
names=$("$LANDFALL" metric --json | jq -r '.metrics[].name')
check_eq "metric names are unique" "$(sort <<<"$names" | uniq -d)" ""
check_eq "every metric has a help line in 'landfall help metric'" \
    "$(wc -l <<<"$names")" \
    "$("$LANDFALL" help metric | grep -cE "^  ($(paste -sd'|' <<<"$names")) ")"
finish

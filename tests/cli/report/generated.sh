#!/bin/bash
# generated.sh - every report against independent SQL over a generated business: 300 accounts
# from gen.awk (seed 7), imported with `landfall import`, over a 12-month window and a window
# whose first and last months are cut.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/crosscheck.sh"

awk -v n=300 -v seed=7 -v dir="$SCRATCH" -f "$(dirname "$0")/gen.awk"
for kind in accounts contacts mrr_changes orders touchpoints responses; do
    run_lf import "$kind" "$SCRATCH/$kind.csv"
    check_eq "import $kind: exit" 0 "$rc"
done
# Every generated row made it into the store (the SQL below reads the store, not the CSVs).
check_eq "mrr changes stored" "$(($(wc -l <"$SCRATCH/mrr_changes.csv") - 1))" \
    "$(store_sql "$LANDFALL_DB" 'SELECT COUNT(*) FROM mrr_changes')"
check_eq "responses stored" "$(($(wc -l <"$SCRATCH/responses.csv") - 1))" \
    "$(store_sql "$LANDFALL_DB" 'SELECT COUNT(*) FROM responses')"

crosscheck 2025-07-01 2026-07-01
crosscheck 2025-01-15 2026-03-10

finish

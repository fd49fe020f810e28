#!/bin/bash
# demo.sh - every report against independent SQL over the demo business
# (`landfall demo --accounts 300 --seed 7 --end 2026-06-30`).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/crosscheck.sh"

store_demo --accounts 300 --seed 7 --end 2026-06-30
check_eq "demo: exit" 0 "$rc"

crosscheck 2025-07-01 2026-07-01
crosscheck 2025-04-10 2026-06-30

finish

#!/bin/bash
# sets.sh - the public data sets copied into tests/data are the sources' files byte for byte
# (SHA256SUMS, taken from the originals) and hold the counts their sources publish
# (tests/data/README.md); a test needing the test-only sets outside the repository skips, saying
# why, when they are absent.
source "$(dirname "$0")/../lib.sh"

cd "$TESTDATA" || exit 1
# Byte for byte: this also catches a checkout that rewrote line ends (CDNOW_sample.txt is CRLF;
# tests/data/.gitattributes marks the sets -text).
check "every copy matches SHA256SUMS" sha256sum --check --quiet SHA256SUMS

# CDNOW (Fader, Hardie & Lee 2005): 6,919 transactions of 2,357 customers; in the 39-week
# calibration summaries 946 of them made a repeat purchase.
check_eq "cdnow: transactions" 6919 "$(wc -l <cdnow/CDNOW_sample.txt)"
check_eq "cdnow: customers" 2357 "$(awk '{ print $1 }' cdnow/CDNOW_sample.txt | sort -u | wc -l)"
for f in cdnow/cdnow_customers_summary.csv cdnow/cdnow_customers_summary_with_transactions.csv; do
    check_eq "$f: customers, repeaters" "2357 946" \
        "$(awk -F, 'NR > 1 { n++; if ($2 > 0) r++ } END { print n, r }' "$f")"
done

# UCI sentences (Kotzias et al. 2015): 1,000 per source, 500 positive (label after the last tab).
for f in sentiment/amazon_cells_labelled.txt sentiment/imdb_labelled.txt \
    sentiment/yelp_labelled.txt; do
    check_eq "$f: sentences, positive" "1000 500" \
        "$(awk -F'\t' '{ n++; if ($NF + 0 == 1) p++ } END { print n, p }' "$f")"
done

# GoEmotions (Demszky et al. 2020): dev has 5,426 comments; 28 labels, the last 'neutral'; the
# Ekman mapping has six groups.
check_eq "emotions: dev rows" 5426 "$(wc -l <emotions/dev.tsv)"
check_eq "emotions: labels" "28 neutral" "$(awk 'END { print NR, $0 }' emotions/emotions.txt)"
check_eq "emotions: ekman groups" "anger disgust fear joy sadness surprise" \
    "$(jq -r 'keys | join(" ")' emotions/ekman_mapping.json)"

# Fader & Hardie 2007: 1,000 customers per segment at year 0, then years 1..12; the year-7
# survivors the sBG fit ends on are 241 (regular) and 491 (high end).
check_eq "retention: years" "13 1000 1000" \
    "$(awk -F, 'NR > 1 { n++ } NR == 2 { a = $2; b = $3 } END { print n, a, b }' \
        retention/fader_hardie_2007_survivors.csv)"
check_eq "retention: year 7" "7,241,491" "$(sed -n 9p retention/fader_hardie_2007_survivors.csv)"

# UCI Online Retail (Chen, Sain & Guo 2012), cleaned and aggregated: 18,532 invoices of 4,338
# customers, revenue £8,911,407.90; the RFM reference has one row per customer.
check_eq "retail: invoices, customers, revenue" "18532 4338 8911407.90" \
    "$(awk -F, 'NR > 1 { n++; c[$3] = 1; s += $4 } END { printf "%d %d %.2f", n, length(c), s }' \
        retail/online_retail_invoices.csv)"
check_eq "retail: rfm customers" 4338 "$(awk 'END { print NR - 1 }' retail/rfm_scores_reference.csv)"

# need_shared_data skips (exit 77, meson's SKIP) with a message naming what is missing, both
# when LANDFALL_SHARED_DATA is unset and when the file is not in it.
lib=$(cd "$(dirname "$0")/.." && pwd)/lib.sh
skip_out=$(LANDFALL_SHARED_DATA= bash -c 'source "$1"; need_shared_data telco/telco_churn.csv
    echo "not skipped"' skip-unset "$lib")
check_eq "unset: exit 77" 77 "$?"
check_eq "unset: the message" "SKIP: skip-unset needs telco/telco_churn.csv of the test-only data \
kept outside the repository, and LANDFALL_SHARED_DATA is not set (see tests/data/README.md)" \
    "$skip_out"
skip_out=$(LANDFALL_SHARED_DATA="$SCRATCH" bash -c 'source "$1"; need_shared_data x/y.csv
    echo "not skipped"' skip-missing "$lib")
check_eq "missing: exit 77" 77 "$?"
check_eq "missing: the message" "SKIP: skip-missing needs '$SCRATCH/x/y.csv', which is not there \
(LANDFALL_SHARED_DATA; see tests/data/README.md)" "$skip_out"
mkdir -p "$SCRATCH/x" && : >"$SCRATCH/x/y.csv"
skip_out=$(LANDFALL_SHARED_DATA="$SCRATCH" bash -c 'source "$1"; need_shared_data x/y.csv
    echo "not skipped"' present "$lib")
check_eq "present: the test goes on" "0 not skipped" "$? $skip_out"

finish

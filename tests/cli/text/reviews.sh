#!/usr/bin/env bash
# reviews.sh - `landfall import reviews`: a rating of 1..5 and a text become a response to the
# survey 'review' rating a touchpoint of channel and kind review, and the text is analysed as
# it is stored.
source "$(dirname "$0")/../lib.sh"

sql() { store_sql "$LANDFALL_DB" "$1"; }

# VADER's published scores (tests/cli/text/analyze.sh): "The book was good." 0.4404, "Today
# SUX!" -0.5461; "The invoice was good." 0.4404 too, about billing.
cat >"$SCRATCH/reviews.csv" <<'CSV'
id,ts,account_id,contact_id,rating,text,site,title
g2-1,2026-03-01,acme,,5,The book was good.,g2,Fine
g2-2,2026-03-02,beta,,1,Today SUX!,capterra,No
g2-3,2026-03-03,,carol,2,The invoice was good.,g2,
g2-4,2026-03-04,acme,,6,Too good,g2,
g2-5,2026-03-05,,,4,No author,g2,
CSV
run_lf import reviews "$SCRATCH/reviews.csv"
check_eq "some rows rejected: exit 1" 1 "$rc"
check "a rating past 5 is refused, naming the column" grep -q "reviews.csv:5:rating: rating 6 is outside 1..5\|reviews.csv:5: rating 6 is outside 1..5" "$SCRATCH/err"
check "a review names its author" grep -q "reviews.csv:6: a review needs account_id or contact_id" "$SCRATCH/err"
check_eq "the survey 'review': custom, 1..5" "custom|1|5|1" \
    "$(sql "SELECT kind, scale_min, scale_max, higher_is_better FROM surveys WHERE ext_id = 'review'")"
check_eq "a response per review, rating its touchpoint" "g2-1|5|review:g2-1;g2-2|1|review:g2-2;g2-3|2|review:g2-3" \
    "$(sql "SELECT group_concat(r.ext_id || '|' || r.score || '|' || t.ext_id, ';') FROM (SELECT * FROM responses ORDER BY ext_id) r JOIN touchpoints t ON t.id = r.touchpoint_id")"
check_eq "the touchpoint: channel, kind, stage, the other columns as attributes" \
    'review|review|advocacy|{"site":"g2","title":"Fine"}' \
    "$(sql "SELECT channel, kind, stage, attrs FROM touchpoints WHERE ext_id = 'review:g2-1'")"
check_eq "each text analysed once (on the response)" "3" "$(sql 'SELECT count(*) FROM text_results')"
run_lf text comments --survey review --from 2026-01-01 --to 2026-06-01 --csv
check_eq "text comments --survey review" "g2-3,,review,2,review,en,positive,0.4404|g2-2,beta,review,1,review,en,negative,-0.5461|g2-1,acme,review,5,review,en,positive,0.4404" \
    "$(tail -n +2 "$SCRATCH/out" | cut -d, -f3-10 | tr '\n' '|' | sed 's/|$//')"
# on 0..10, 1 → 0 and 2 → 2.5 are detractors, 5 → 10 a promoter: billing is in 1 of the 2
# detractors' comments (50 %) and none of the promoter's
run_lf text topics --survey review --from 2026-01-01 --to 2026-06-01 --csv
check_eq "text topics --survey review" "billing,1,50,0,0,,2,1" "$(sed -n 2p "$SCRATCH/out")"
run_lf import reviews "$SCRATCH/reviews.csv"
check "importing again changes nothing" grep -q "0 inserted, 0 updated, 3 unchanged" "$SCRATCH/out"
finish

#!/usr/bin/env bash
# one_account.sh - the health metrics of ONE account (the account page's calls: health-explain,
# and health, expansion, health-history with where account=ID) read only that account's rows,
# and answer exactly what the answer over every account says of it: its row of health, expansion
# and health-history byte for byte, at two instants, over the CLI and over HTTP; health-explain's
# score, band, scorecard, measures used and costliest measure are those of its row of health,
# and its measures' values, points and weights those the daily snapshot kept (which reads every
# account). An account without a ticket reads 0 open tickets, not "no data": tickets are tracked
# in the workspace (other accounts have some), which its own rows cannot tell. Both engines.
source "$(dirname "$0")/../server/server_lib.sh"

NOW=2026-06-01
EARLY=2025-11-15
store_demo --accounts 60 --seed 7 --end "$NOW"
check_eq "demo data" 0 "$rc"
# three days of history, written by the snapshot (every account read)
for d in 2026-05-30 2026-05-31 2026-06-01; do
    run_lf health snapshot --date "$d"
    check_eq "snapshot $d" 0 "$rc"
done
snap=(--snapshot "$SCRATCH/one.engine")
hist=(--from 2026-05-01 --to 2026-06-02)

# rows FILE [ACCOUNT]: the lines of the rows of a JSON answer (one row a line), of ACCOUNT only
# when given, without the comma between rows
rows() {
    if [ -n "${2:-}" ]; then
        grep -F "  {\"account\": \"$2\"," "$1" | sed 's/,$//'
    else
        grep '^  {' "$1" | sed 's/,$//'
    fi
}

"$LANDFALL" metric health "${snap[@]}" --now "$NOW" --json >"$SCRATCH/health.json"
"$LANDFALL" metric expansion "${snap[@]}" --now "$NOW" --json >"$SCRATCH/expansion.json"
# the accounts: the lowest score, the most expansion points, the most tickets, a non-customer
# without a ticket (not in health's rows)
low=$(jq -r '.rows[0].account' "$SCRATCH/health.json")
lead=$(jq -r '.rows[0].account' "$SCRATCH/expansion.json")
ticketed=$(store_sql "$LANDFALL_DB" "SELECT a.ext_id FROM accounts a JOIN touchpoints t ON
    t.account_id = a.id WHERE t.status IS NOT NULL OR t.kind = 'ticket' GROUP BY a.id
    ORDER BY count(*) DESC, a.ext_id LIMIT 1")
customers=$(jq -r '.rows[].account' "$SCRATCH/health.json" | paste -sd' ')
quiet=
for a in $(store_sql "$LANDFALL_DB" "SELECT ext_id FROM accounts a WHERE NOT EXISTS (SELECT 1
        FROM touchpoints t WHERE t.account_id = a.id AND (t.status IS NOT NULL OR
        t.kind = 'ticket')) ORDER BY ext_id"); do
    case " $customers " in *" $a "*) ;; *) quiet=$a; break ;; esac
done
check "the demo has a ticketless non-customer" test -n "$quiet"
check "... and tickets (the workspace tracks them)" test -n "$ticketed"
accounts=("$low" "$lead" "$ticketed" "$quiet")

# ---- the CLI ----
for now in "$NOW" "$EARLY"; do
    "$LANDFALL" metric health "${snap[@]}" --now "$now" --json >"$SCRATCH/all.health"
    "$LANDFALL" metric expansion "${snap[@]}" --now "$now" --json >"$SCRATCH/all.expansion"
    for a in "${accounts[@]}"; do
        for m in health expansion; do
            "$LANDFALL" metric "$m" "${snap[@]}" --now "$now" --where "account=$a" --json \
                >"$SCRATCH/one.$m"
            check_eq "cli $m $a $now: its row of every account's" \
                "$(rows "$SCRATCH/all.$m" "$a")" "$(rows "$SCRATCH/one.$m")"
        done
    done
done
"$LANDFALL" metric health-history "${hist[@]}" --json >"$SCRATCH/all.history"
check_eq "the history holds three days of the customers" \
    "$((3 * $(jq '[.rows[] | select(.score != null)] | length' "$SCRATCH/health.json")))" \
    "$(jq '.rows | length' "$SCRATCH/all.history")"
for a in "${accounts[@]}"; do
    "$LANDFALL" metric health-history "${hist[@]}" --where "account=$a" --json \
        >"$SCRATCH/one.history"
    check_eq "cli health-history $a: its rows of every account's" \
        "$(rows "$SCRATCH/all.history" "$a")" "$(rows "$SCRATCH/one.history")"
done
check "the customers have history rows" test -n "$(rows "$SCRATCH/all.history" "$low")"
check "the lead has expansion signals" test -n "$(rows "$SCRATCH/expansion.json" "$lead")"

# health-explain: nothing over every account to compare with but what health and the snapshot
# (both reading every account) say of the account
for a in "$low" "$lead" "$ticketed"; do
    "$LANDFALL" metric health-explain "${snap[@]}" --now "$NOW" --account "$a" --json \
        >"$SCRATCH/explain.json"
    check_eq "explain $a: score, band, scorecard, measures used, costliest: health's" \
        "$(jq -r --arg a "$a" '.rows[] | select(.account == $a) |
            "\(.score) \(.band) \(.scorecard) \(.measures_used) \(.concern) \(.concern_points)"' \
            "$SCRATCH/health.json")" \
        "$(jq -r '.rows[0] as $r | ($r | if .pulled_down > 0 then "\(.measure) \(.pulled_down)"
            else "null null" end) as $c | "\($r.score) \($r.band) \($r.scorecard) \([.rows[] |
            select(.points != null)] | length) \($c)"' "$SCRATCH/explain.json")"
    # the snapshot kept value, points and weight of each measure with points, to 6 digits
    jq -r --arg a "$a" '.rows[] | select(.account == $a and .day == "2026-06-01") | .components
        | fromjson | to_entries[] | "\(.key) \(.value[0]) \(.value[1]) \(.value[2])"' \
        "$SCRATCH/all.history" | sort >"$SCRATCH/kept"
    jq -r '.rows[] | select(.points != null) | "\(.measure) \(.value) \(.points) \(.weight)"' \
        "$SCRATCH/explain.json" | sort >"$SCRATCH/explained"
    check_eq "explain $a: the snapshot's measures" "$(cut -d' ' -f1 "$SCRATCH/kept")" \
        "$(cut -d' ' -f1 "$SCRATCH/explained")"
    check_eq "explain $a: their values, points and weights (6 digits)" "" \
        "$(paste -d' ' "$SCRATCH/kept" "$SCRATCH/explained" | awk '
            function off(x, y) { d = x - y; if (d < 0) d = -d; m = y < 0 ? -y : y;
                                 return d > 1e-5 * (m > 1 ? m : 1) }
            off($2, $6) || off($3, $7) || off($4, $8) { print $1 }')"
done
"$LANDFALL" metric health-explain "${snap[@]}" --now "$NOW" --account "$quiet" --json \
    >"$SCRATCH/explain.json"
check_eq "explain $quiet: no score, not a customer; 0 tickets open, not no data" \
    "null not a customer at this time: no score 0" \
    "$(jq -r '"\(.rows[0].score) \(.rows[0].note) \(.rows[] | select(.measure ==
        "open_tickets") | .value)"' "$SCRATCH/explain.json")"
# an account that does not exist is refused before anything is read
for m in "health --where" "expansion --where" "health-history --account" \
    "health-explain --account"; do
    opt=${m#* }
    m=${m%% *}
    run_lf metric "$m" "${snap[@]}" --now "$NOW" "$opt" "$([ "$opt" = --where ] &&
        echo account=)nobody" --json
    check_eq "cli $m of an account that does not exist: refused" "4 landfall: no account 'nobody'" \
        "$rc $errout"
done

# ---- over HTTP: the same, from a server ----
r=$(new_key read)
serve_start
auth=(-H "Authorization: Bearer $r")
for now in "$NOW" "$EARLY"; do
    for m in health expansion; do
        http GET "/v1/metrics/$m?now=$now" "${auth[@]}"
        echo "$body" >"$SCRATCH/all.$m"
        for a in "${accounts[@]}"; do
            http GET "/v1/metrics/$m?now=$now&where=account%3D$a" "${auth[@]}"
            echo "$body" >"$SCRATCH/one.$m"
            check_eq "http $m $a $now: its row of every account's" \
                "$status $(rows "$SCRATCH/all.$m" "$a")" "200 $(rows "$SCRATCH/one.$m")"
        done
    done
done
http GET "/v1/metrics/health-history?from=2026-05-01&to=2026-06-02" "${auth[@]}"
echo "$body" >"$SCRATCH/all.history"
for a in "${accounts[@]}"; do
    http GET "/v1/metrics/health-history?from=2026-05-01&to=2026-06-02&account=$a" "${auth[@]}"
    echo "$body" >"$SCRATCH/one.history"
    check_eq "http health-history $a: its rows of every account's" \
        "$status $(rows "$SCRATCH/all.history" "$a")" "200 $(rows "$SCRATCH/one.history")"
done
for a in "$low" "$lead" "$ticketed" "$quiet"; do
    "$LANDFALL" metric health-explain "${snap[@]}" --now "$NOW" --account "$a" --json \
        >"$SCRATCH/cli.json"
    http GET "/v1/accounts/$a/health?now=$NOW" "${auth[@]}"
    check_eq "http explain $a: the CLI's document" "200 $(cat "$SCRATCH/cli.json")" \
        "$status $body"
done
for p in "metrics/health?where=account%3Dnobody" "metrics/expansion?where=account%3Dnobody" \
    "metrics/health-history?account=nobody" "accounts/nobody/health"; do
    http GET "/v1/$p" "${auth[@]}"
    check_eq "http $p: 404" 404 "$status"
done
serve_stop
finish

# gen.awk - a random but seeded business as CSV files for the report cross-checks: accounts in two
# currencies with MRR histories (new, expansion, contraction, churn with reasons, reactivation),
# contacts, orders, touchpoints and NPS/CSAT/CES responses, dated 2024-01-01 .. 2026-06-30.
# Usage: awk -v n=ACCOUNTS -v seed=SEED -v dir=OUTDIR -f gen.awk
# Times are written as unix seconds (day starts for MRR changes).
function pick(list,    a, k) { k = split(list, a, ","); return a[int(rand() * k) + 1] }
function between(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
BEGIN {
    srand(seed)
    d0 = 19723          # 2024-01-01 in days since the epoch
    dend = 20634        # 2026-06-30
    A = dir "/accounts.csv"; M = dir "/mrr_changes.csv"; C = dir "/contacts.csv"
    O = dir "/orders.csv"; T = dir "/touchpoints.csv"; R = dir "/responses.csv"
    print "id,name,plan,segment,currency" > A
    print "account_id,date,mrr,reason" > M
    print "id,account_id,email,name,role" > C
    print "id,customer_id,ts,amount" > O
    print "id,ts,account_id,contact_id,channel,stage,team,kind" > T
    print "id,ts,account_id,contact_id,survey,score,comment,touchpoint_id" > R
    norders = 0; ntp = 0; nresp = 0
    for (i = 1; i <= n; i++) {
        id = sprintf("acc%04d", i)
        printf "%s,Account %d,%s,%s,%s\n", id, i, pick("basic,pro,enterprise,"),
               pick("smb,mid,enterprise,"), (rand() < 0.2 ? "EUR" : "USD") > A
        # MRR history: 85 % of the accounts subscribe, one change every 20..45 days.
        if (rand() < 0.85) {
            day = between(d0, dend - 10)
            mrr = between(50, 2000); paid = 1
            printf "%s,%d,%d.%02d,\n", id, day * 86400, mrr, between(0, 99) > M
            for (day += between(20, 45); day <= dend; day += between(20, 45)) {
                u = rand()
                if (paid && u < 0.05) {
                    printf "%s,%d,0,%s\n", id, day * 86400,
                           pick("price,budget,competitor,no value,") > M
                    paid = 0
                } else if (!paid && u < 0.25) {
                    mrr = between(50, 2000); paid = 1
                    printf "%s,%d,%d,\n", id, day * 86400, mrr > M
                } else if (paid && u < 0.12) {
                    mrr = int(mrr * (1.1 + rand() * 0.5))
                    printf "%s,%d,%d,\n", id, day * 86400, mrr > M
                } else if (paid && u < 0.16) {
                    mrr = int(mrr * (0.5 + rand() * 0.4)) + 1
                    printf "%s,%d,%d,downgrade\n", id, day * 86400, mrr > M
                }
            }
        }
        nc = between(0, 2)
        for (j = 1; j <= nc; j++)
            printf "c%04d_%d,%s,u%d_%d@example.com,User %d %d,%s\n", i, j, id, i, j, i, j,
                   pick("champion,end user,decision maker") > C
        # Orders: 40 % of the accounts order 1..6 times, as the account or as a contact.
        if (rand() < 0.4) {
            k = between(1, 6)
            for (j = 1; j <= k; j++) {
                who = (nc > 0 && rand() < 0.5) ? sprintf("c%04d_%d", i, between(1, nc)) : id
                printf "o%d,%s,%d,%d.%02d\n", ++norders, who,
                       between(d0, dend) * 86400 + between(0, 86399), between(5, 300),
                       between(0, 99) > O
            }
        }
        ktp = between(0, 3)
        for (j = 1; j <= ktp; j++) {
            tid[j] = sprintf("t%d", ++ntp)
            printf "%s,%d,%s,,%s,%s,%s,%s\n", tid[j],
                   between(d0, dend) * 86400 + between(0, 86399), id,
                   pick("email,phone,chat,in-app,meeting,web"),
                   pick("onboarding,adoption,renewal,expansion"),
                   pick("support,success,onboarding,billing,sales"),
                   pick("ticket,qbr,demo call,onboarding call") > T
        }
        kr = between(0, 8)
        for (j = 1; j <= kr; j++) {
            sv = pick("nps,nps,csat,ces")
            score = sv == "nps" ? between(0, 10) : sv == "csat" ? between(1, 5) : between(1, 7)
            printf "r%d,%d,%s,,%s,%d,,%s\n", ++nresp,
                   between(d0, dend) * 86400 + between(0, 86399), id, sv, score,
                   (ktp > 0 && rand() < 0.6) ? tid[between(1, ktp)] : "" > R
        }
    }
}

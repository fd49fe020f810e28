/* retention.c - logo churn, GRR and NRR by the endpoint method, and contractual CLV. */
#include "cs.h"

#include <math.h>

#include "base/time.h"
#include "base/tz.h"

void cs_retention_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                          struct cs_retention *out)
{
    *out = (struct cs_retention){0};
    for (size_t i = 0; i < nr; i++) {
        int64_t s = cs_mrr_at(&a[i], from);
        if (s <= 0)
            continue;
        int64_t e = cs_mrr_at(&a[i], to);
        out->accounts_start++;
        out->mrr_start += s;
        out->mrr_end += e;
        out->mrr_retained += e < s ? e : s;
        if (e == 0)
            out->churned++;
    }
    out->logo_churn_rate = out->grr = out->nrr = NAN;
    if (out->accounts_start == 0)
        return;
    out->logo_churn_rate = (double)out->churned / (double)out->accounts_start;
    out->grr = (double)out->mrr_retained / (double)out->mrr_start;
    out->nrr = (double)out->mrr_end / (double)out->mrr_start;
}

void cs_clv_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to, double margin,
                    const struct tz *z, struct cs_clv *out)
{
    *out = (struct cs_clv){.margin = margin, .arpa = NAN, .monthly_churn_rate = NAN, .clv = NAN};
    int64_t total = 0;
    for (size_t i = 0; i < nr; i++) {
        int64_t m = cs_mrr_at(&a[i], to);
        if (m > 0) {
            out->paying++;
            total += m;
        }
    }
    for (int64_t m = tz_period_start(z, TZ_MONTH, from); m < to;
         m = tz_period_add(z, TZ_MONTH, m, 1)) {
        struct cs_retention r;
        int64_t next = tz_period_add(z, TZ_MONTH, m, 1);
        cs_retention_compute(a, nr, m < from ? from : m, next > to ? to : next, &r);
        out->churned += r.churned;
        out->at_risk += r.accounts_start;
    }
    if (out->paying)
        out->arpa = (double)total / (double)out->paying;
    if (out->at_risk)
        out->monthly_churn_rate = (double)out->churned / (double)out->at_risk;
    if (out->paying && out->churned)
        out->clv = out->arpa * margin / out->monthly_churn_rate;
}

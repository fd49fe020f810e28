/* revenue.c - an account's MRR at an instant, the MRR movement table and the churn reasons. */
#include "cs.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strmap.h"

int64_t cs_mrr_at(const struct cs_account *a, int64_t t)
{
    /* Binary search for the first change dated at or after t; the one before it applies. */
    size_t lo = 0, hi = a->changes_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->changes[mid].date < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? a->changes[lo - 1].mrr : 0;
}

/* True when the account paid (MRR > 0) at some time before t. */
static bool paid_before(const struct cs_account *a, int64_t t)
{
    for (size_t i = 0; i < a->changes_nr && a->changes[i].date < t; i++)
        if (a->changes[i].mrr > 0)
            return true;
    return false;
}

void cs_movement_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                         struct cs_movement *out)
{
    *out = (struct cs_movement){0};
    for (size_t i = 0; i < nr; i++) {
        int64_t s = cs_mrr_at(&a[i], from), e = cs_mrr_at(&a[i], to);
        out->starting += s;
        out->ending += e;
        if (s == 0 && e > 0) {
            if (paid_before(&a[i], from)) {
                out->reactivation += e;
                out->reactivated++;
            } else {
                out->new_mrr += e;
                out->new_accounts++;
            }
        } else if (s > 0 && e == 0) {
            out->churn += s;
            out->churned++;
        } else if (e > s) {
            out->expansion += e - s;
            out->expanded++;
        } else if (e < s) {
            out->contraction += s - e;
            out->contracted++;
        }
    }
}

static int reason_cmp(const void *pa, const void *pb)
{
    const struct cs_reason *x = pa, *y = pb;
    if (x->churned != y->churned)
        return x->churned > y->churned ? -1 : 1;
    if (x->lost_mrr != y->lost_mrr)
        return x->lost_mrr > y->lost_mrr ? -1 : 1;
    return strcmp(x->reason, y->reason);
}

size_t cs_churn_reasons(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                        struct cs_reason **out)
{
    struct cs_reason *r = NULL;
    size_t r_nr = 0, r_cap = 0;
    int64_t total = 0;
    struct strmap index;
    strmap_init(&index);
    for (size_t i = 0; i < nr; i++) {
        const struct mrr_change *c = a[i].changes;
        for (size_t j = 1; j < a[i].changes_nr; j++) {
            if (c[j].date < from || c[j].date >= to || c[j].mrr != 0 || c[j - 1].mrr <= 0)
                continue;
            const char *why = c[j].reason && *c[j].reason ? c[j].reason : "(none)";
            int64_t k;
            if (!strmap_get(&index, why, strlen(why), &k)) {
                r = xgrow(r, sizeof(*r), r_nr + 1, &r_cap);
                r[r_nr] = (struct cs_reason){.reason = why};
                k = (int64_t)r_nr++;
                strmap_put(&index, why, strlen(why), k);
            }
            r[k].churned++;
            r[k].lost_mrr += c[j - 1].mrr;
            total++;
        }
    }
    strmap_release(&index);
    for (size_t k = 0; k < r_nr; k++)
        r[k].share = (double)r[k].churned / (double)total;
    if (r_nr)
        qsort(r, r_nr, sizeof(*r), reason_cmp);
    *out = r;
    return r_nr;
}

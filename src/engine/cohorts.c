/* cohorts.c - retention matrices: cohorts of users or accounts by the week or month they started,
 * and the share of each still active (or paying) k periods later. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

struct coh_ctx {
    const struct engine *e;
    int level;
    uint32_t day0_s, now_s;
    uint32_t *day_period; /* day since day0 → period */
    size_t words;         /* 64-bit words per member's bitset */
    uint64_t *bits;       /* members × words: the periods a member was active in */
};

static void coh_work(void *p, int wi, uint32_t first, uint32_t end)
{
    (void)wi;
    struct coh_ctx *c = p;
    const struct engine *e = c->e;
    struct eng_scratch scratch = {0};
    for (uint32_t a = first ? first : 1; a < end; a++) {
        struct eng_run r;
        eng_run_get(e, a, &scratch, &r);
        size_t hi = eng_lower(&r, c->now_s);
        uint64_t *acc_bits = c->bits + (size_t)a * c->words;
        for (size_t i = 0; i < hi; i++) {
            uint32_t pi = c->day_period[(r.ts[i] - c->day0_s) / SECS_PER_DAY];
            uint64_t bit = 1ULL << (pi & 63);
            if (c->level == ENGINE_ACCOUNT) {
                acc_bits[pi >> 6] |= bit;
                continue;
            }
            uint32_t u = r.user[i];
            if (!u)
                continue;
            uint64_t *w = c->bits + (size_t)u * c->words + (pi >> 6);
            if (*w & bit)
                continue;
            if (e->user_multi[u]) /* other workers may set bits of this user too */
                __atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
            else
                *w |= bit;
        }
    }
    eng_scratch_release(&scratch);
}

/* The MRR an account pays after the last change dated before `t`. */
static int64_t mrr_before(const struct eng_account *a, int64_t t)
{
    int64_t m = 0;
    for (size_t i = 0; i < a->mrr_nr && a->mrr[i].date < t; i++)
        m = a->mrr[i].mrr;
    return m;
}

static uint32_t first_bit(const uint64_t *w, size_t words)
{
    for (size_t i = 0; i < words; i++)
        if (w[i])
            return (uint32_t)(i * 64 + (size_t)__builtin_ctzll(w[i]));
    return UINT32_MAX;
}

static size_t period_of(const int64_t *starts, size_t nr, int64_t t)
{
    size_t lo = 0, hi = nr;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (starts[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int engine_cohorts(struct engine *e, const struct engine_query *q, int period, int basis,
                   int level, int start, struct engine_cohorts *out, struct lf_err *err)
{
    *out = (struct engine_cohorts){0};
    if (period != ENGINE_WEEK && period != ENGINE_MONTH)
        return err_set(err, LF_EUSAGE, "cohorts are by week or by month");
    if (basis == ENGINE_REVENUE && level == ENGINE_USER)
        return err_set(err, LF_EUSAGE, "revenue cohorts are of accounts: users do not pay; "
                                       "use --level account");
    if (basis == ENGINE_REVENUE && start == ENGINE_FIRST_ACTIVITY)
        return err_set(err, LF_EUSAGE, "revenue cohorts start when accounts became customers; "
                                       "use --start customer-since");
    pthread_rwlock_rdlock(&e->lock);
    int rc = 0;
    int64_t *starts = NULL, *size = NULL, *retained = NULL;
    size_t starts_cap = 0, P = 0;
    struct coh_ctx c = {.e = e, .level = level, .now_s = eng_sec(q->now)};
    /* the first period: of the first event, or of the first account start */
    int64_t first = q->now;
    for (size_t a = 1; a < e->acc_nr; a++) {
        const struct eng_account *ac = &e->acc[a];
        if (basis == ENGINE_ACTIVITY) {
            if (e->off[a + 1] > e->off[a] && (int64_t)e->ts[e->off[a]] * 1000 < first)
                first = (int64_t)e->ts[e->off[a]] * 1000;
            if (ac->tail && ac->tail->nr && (int64_t)ac->tail->ts[0] * 1000 < first)
                first = (int64_t)ac->tail->ts[0] * 1000;
        }
        if (ac->start != LF_UNSET && ac->start < first)
            first = ac->start;
    }
    if (first < 0)
        first = 0;
    for (int64_t p = eng_period_start(period, first); p < q->now;
         p = eng_period_next(period, p)) {
        starts = xgrow(starts, sizeof(*starts), P + 1, &starts_cap);
        starts[P++] = p;
    }
    if (P == 0)
        goto out;
    size = xcalloc(P, sizeof(*size));
    retained = xcalloc(P * P, sizeof(*retained));
    if (basis == ENGINE_ACTIVITY) {
        c.day0_s = (uint32_t)(starts[0] / 1000);
        int64_t days = (q->now - starts[0]) / MS_PER_DAY + 1;
        c.day_period = xmalloc((size_t)days * sizeof(*c.day_period));
        for (int64_t d = 0; d < days; d++)
            c.day_period[d] = (uint32_t)period_of(starts, P, starts[0] + d * MS_PER_DAY);
        c.words = (P + 63) / 64;
        size_t members = level == ENGINE_USER ? e->user_nr : e->acc_nr;
        c.bits = xcalloc(members * c.words, sizeof(*c.bits));
        eng_parallel(e, eng_workers(e), coh_work, &c);
        for (size_t m = 1; m < members; m++) {
            const uint64_t *w = c.bits + m * c.words;
            uint32_t a = level == ENGINE_USER ? e->user_home[m] : (uint32_t)m;
            if (!a)
                continue; /* users never seen with an account have no customer-since */
            size_t ci;
            if (start == ENGINE_FIRST_ACTIVITY) {
                ci = first_bit(w, c.words);
                if (ci == UINT32_MAX)
                    continue;
            } else {
                int64_t s = e->acc[a].start;
                if (s == LF_UNSET || s >= q->now)
                    continue;
                ci = period_of(starts, P, s);
            }
            if (q->account && e->acc[a].id != q->account)
                continue;
            size[ci]++;
            for (size_t wi = ci >> 6; wi < c.words; wi++) /* the set bits from ci on */
                for (uint64_t b = w[wi]; b; b &= b - 1) {
                    size_t pi = wi * 64 + (size_t)__builtin_ctzll(b);
                    if (pi >= ci)
                        retained[ci * P + (pi - ci)]++;
                }
        }
    } else {
        for (size_t a = 1; a < e->acc_nr; a++) {
            const struct eng_account *ac = &e->acc[a];
            if (ac->start == LF_UNSET || ac->start >= q->now ||
                (q->account && ac->id != q->account))
                continue;
            size_t ci = period_of(starts, P, ac->start);
            size[ci]++;
            for (size_t k = 0; ci + k < P; k++) {
                int64_t end = ci + k + 1 < P ? starts[ci + k + 1] : q->now;
                if (mrr_before(ac, end) > 0)
                    retained[ci * P + k]++;
            }
        }
    }
    size_t cap = 0;
    for (size_t ci = 0; ci < P; ci++) {
        if (!size[ci] || starts[ci] < q->from || starts[ci] >= q->to)
            continue;
        for (size_t k = 0; ci + k < P; k++) {
            out->rows = xgrow(out->rows, sizeof(*out->rows), out->nr + 1, &cap);
            int64_t ret = retained[ci * P + k];
            out->rows[out->nr++] = (struct engine_cohort_row){
                starts[ci], (int)k, size[ci], ret, (double)ret / (double)size[ci]};
        }
    }
out:
    free(c.day_period);
    free(c.bits);
    free(starts);
    free(size);
    free(retained);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_cohorts_free(struct engine_cohorts *c)
{
    if (!c)
        return;
    free(c->rows);
    *c = (struct engine_cohorts){0};
}

/* cohorts.c - retention matrices: cohorts of users or accounts by the week or month they started,
 * and the share of each still active (or paying) k periods later. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

struct coh_worker {
    int64_t *size, *retained; /* P, P × P */
    uint32_t *listed;         /* users this worker put in `global` first */
    size_t listed_nr, listed_cap;
};

struct coh_ctx {
    const struct engine *e;
    int level, start;
    uint32_t only;          /* --account, or UINT32_MAX */
    bool all_global;        /* user level restricted to one account: every user goes global */
    int64_t now;
    uint32_t now_s;
    struct eng_periods per; /* the periods from the first one to the one holding `now` */
    size_t words;           /* 64-bit words of a member's bitset of active periods */
    /* users whose events an account's own pass cannot see all of (seen in several accounts,
     * or first seen after the users were last numbered): bitsets by user, set by any worker */
    uint64_t *global;
    uint8_t *listed;
    struct coh_worker w[64];
};

static uint32_t first_bit(const uint64_t *w, size_t words)
{
    for (size_t i = 0; i < words; i++)
        if (w[i])
            return (uint32_t)(i * 64 + (size_t)__builtin_ctzll(w[i]));
    return UINT32_MAX;
}

/* The period holding instant ms (ms >= per->ms[0]). */
static size_t period_of(const struct eng_periods *p, int64_t ms)
{
    size_t lo = 0, hi = p->nr;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->ms[mid] <= ms)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The cohort of account a's members under customer-since starts: the period of its start, or
 * UINT32_MAX when it has not started at now. */
static uint32_t start_period(const struct coh_ctx *c, uint32_t a)
{
    const struct eng_account *ac = &c->e->acc[a];
    return eng_started(ac, c->now) ? (uint32_t)period_of(&c->per, ac->start) : UINT32_MAX;
}

/* Counts one member with active periods `bits`; `start` is its account's start_period (with
 * customer-since starts). A user is a member once seen (before now), an account from its
 * start. */
static inline void fold(const struct coh_ctx *c, struct coh_worker *w, uint32_t start,
                        const uint64_t *bits)
{
    size_t W = c->words;
    uint32_t ci = start;
    if (c->start == ENGINE_FIRST_ACTIVITY)
        ci = first_bit(bits, W);
    else if (c->level == ENGINE_USER && ci != UINT32_MAX && first_bit(bits, W) == UINT32_MAX)
        return;
    if (ci == UINT32_MAX)
        return;
    w->size[ci]++;
    int64_t *row = w->retained + (size_t)ci * c->per.nr - ci;
    size_t wi = ci >> 6;
    uint64_t b = bits[wi] & (~0ULL << (ci & 63)); /* the set bits from ci on */
    for (;;) {
        for (; b; b &= b - 1)
            row[wi * 64 + (size_t)__builtin_ctzll(b)]++;
        if (++wi >= W)
            break;
        b = bits[wi];
    }
}

/* Sets period pi of user u in `global` and lists u the first time (by one worker). */
static void set_global(struct coh_ctx *c, struct coh_worker *w, uint32_t u, size_t pi)
{
    uint64_t bit = 1ULL << (pi & 63), *word = c->global + (size_t)u * c->words + (pi >> 6);
    if (*word & bit)
        return;
    /* a user of several accounts may be set by several workers at once */
    __atomic_fetch_or(word, bit, __ATOMIC_RELAXED);
    if (!__atomic_load_n(&c->listed[u], __ATOMIC_RELAXED) &&
        !__atomic_exchange_n(&c->listed[u], 1, __ATOMIC_RELAXED)) {
        w->listed = xgrow(w->listed, sizeof(*w->listed), w->listed_nr + 1, &w->listed_cap);
        w->listed[w->listed_nr++] = u;
    }
}

/* Sets the active periods of run r's events in `local` (users [ub, ub + nloc) of the account,
 * W words each; with `users` false, one bitset for the account), others in `global`. `users` is
 * a constant where it is called: one tight loop each. */
static inline __attribute__((always_inline)) void
mark(struct coh_ctx *c, struct coh_worker *w, const struct eng_run *r, uint64_t *local, uint32_t ub,
     uint32_t nloc, bool users)
{
    const uint32_t *ts = r->ts, *user = r->user;
    size_t W = c->words, n = r->nr, pi = 0, wo = 0;
    uint32_t next = 0; /* the end of period pi: an account's events of one period come together,
                        * so the period is looked up only when it changes */
    uint64_t bit = 0;
    for (size_t i = 0; i < n; i++) {
        if (ts[i] >= next) {
            pi = eng_periods_at(&c->per, ts[i]);
            next = c->per.s[pi + 1];
            wo = pi >> 6;
            bit = 1ULL << (pi & 63);
        }
        if (!users) {
            local[wo] |= bit;
            continue;
        }
        uint32_t u = user[i], j = u - ub;
        if (j < nloc)
            local[(size_t)j * W + wo] |= bit;
        else if (u)
            set_global(c, w, u, pi);
    }
}

static void coh_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    struct coh_ctx *c = p;
    struct coh_worker *w = &c->w[wi];
    const struct engine *e = c->e;
    size_t W = c->words;
    bool users = c->level == ENGINE_USER;
    for (uint32_t a = first ? first : 1; a < end; a++) {
        if (!users && c->only != UINT32_MAX && a != c->only)
            continue;
        uint32_t start = c->start == ENGINE_CUSTOMER_SINCE ? start_period(c, a) : UINT32_MAX;
        if (c->start == ENGINE_CUSTOMER_SINCE && start == UINT32_MAX && !users)
            continue; /* not a member, and its events count for no one else */
        /* an account's own users are numbered together: their bitsets are local to its pass;
         * others (seen first elsewhere, or since the users were last numbered) go global */
        uint32_t ub = e->user_base[a], nloc = users && !c->all_global ? e->user_base[a + 1] - ub
                                                                       : !users;
        uint64_t *local = eng_scratch_words(s, (size_t)nloc * W); /* zero: left so below */
        struct eng_run r;
        eng_run_window(e, a, 0, c->now_s, s, &r);
        if (users)
            mark(c, w, &r, local, ub, nloc, true);
        else
            mark(c, w, &r, local, ub, nloc, false);
        for (uint32_t j = 0; j < nloc; j++) {
            uint64_t *bits = local + (size_t)j * W;
            uint32_t u = ub + j;
            if (users && (e->user_multi[u] & ENG_MULTI_ACCOUNTS)) {
                /* its events in other accounts went global: join them there */
                for (size_t k = 0; k < W; k++)
                    for (uint64_t b = bits[k]; b; b &= b - 1)
                        set_global(c, w, u, k * 64 + (size_t)__builtin_ctzll(b));
            } else {
                fold(c, w, start, bits); /* a local user's home is a */
            }
            for (size_t k = 0; k < W; k++)
                bits[k] = 0;
        }
    }
}

/* The MRR an account pays after the last change dated before `t`. */
static int64_t mrr_before(const struct eng_account *a, int64_t t)
{
    int64_t m = 0;
    for (size_t i = 0; i < a->mrr_nr && a->mrr[i].date < t; i++)
        m = a->mrr[i].mrr;
    return m;
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
    struct coh_ctx c = {.e = e, .level = level, .start = start, .now = q->now,
                        .now_s = eng_sec(q->now)};
    int workers = 0;
    int rc = eng_only(e, q, &c.only, err);
    if (rc < 0)
        goto out;
    /* the first period: of the first event, or of the first account start */
    int64_t first = q->now;
    for (size_t a = 1; a < e->acc_nr; a++) {
        const struct eng_span sp = e->span[a];
        if (basis == ENGINE_ACTIVITY && sp.min <= sp.max && (int64_t)sp.min * 1000 < first)
            first = (int64_t)sp.min * 1000;
        if (eng_started(&e->acc[a], first))
            first = e->acc[a].start;
    }
    if (first < 0)
        first = 0;
    if ((rc = eng_periods_make(&c.per, q->tz, period, first, q->now, err)) < 0)
        goto out;
    size_t P = c.per.nr;
    /* cohorts × periods cells: a bound on what a request may make it allocate */
    if (P > ENGINE_COHORT_PERIODS) {
        rc = err_set_field(err, "from", LF_EINVAL,
                           "%zu cohort periods from the first one to now, over the limit of %d: "
                           "give a later from, an earlier now or a longer period",
                           P, ENGINE_COHORT_PERIODS);
        goto out;
    }
    if (P == 0)
        goto out;
    workers = basis == ENGINE_ACTIVITY ? eng_workers(e) : 1;
    for (int w = 0; w < workers; w++) {
        c.w[w].size = xcalloc(P, sizeof(int64_t));
        c.w[w].retained = xcalloc(P * P, sizeof(int64_t));
    }
    struct coh_worker *t = &c.w[0];
    if (basis == ENGINE_ACTIVITY) {
        c.words = (P + 63) / 64;
        c.all_global = level == ENGINE_USER && c.only != UINT32_MAX;
        if (level == ENGINE_USER) {
            /* zero pages on demand: only the users that go global touch theirs */
            c.global = eng_zeroed_alloc(e->user_nr * c.words * sizeof(*c.global));
            c.listed = eng_zeroed_alloc(e->user_nr);
        }
        int used = eng_parallel(e, workers, coh_work, &c);
        for (int w = 0; w < used; w++)
            for (size_t i = 0; i < c.w[w].listed_nr; i++) {
                uint32_t u = c.w[w].listed[i];
                if (c.only == UINT32_MAX || e->user_home[u] == c.only)
                    fold(&c, t, start_period(&c, e->user_home[u]), c.global + (size_t)u * c.words);
            }
        for (int w = 1; w < used; w++) {
            for (size_t i = 0; i < P; i++)
                t->size[i] += c.w[w].size[i];
            for (size_t i = 0; i < P * P; i++)
                t->retained[i] += c.w[w].retained[i];
        }
    } else {
        for (size_t a = 1; a < e->acc_nr; a++) {
            const struct eng_account *ac = &e->acc[a];
            if (!eng_started(ac, q->now) || (c.only != UINT32_MAX && a != c.only))
                continue;
            size_t ci = period_of(&c.per, ac->start);
            t->size[ci]++;
            for (size_t k = 0; ci + k < P; k++) {
                int64_t end = ci + k + 1 < P ? c.per.ms[ci + k + 1] : q->now;
                if (mrr_before(ac, end) > 0)
                    t->retained[ci * P + k]++;
            }
        }
    }
    size_t cap = 0;
    for (size_t ci = 0; ci < P; ci++) {
        if (!t->size[ci] || c.per.ms[ci] < q->from || c.per.ms[ci] >= q->to)
            continue;
        for (size_t k = 0; ci + k < P; k++) {
            out->rows = xgrow(out->rows, sizeof(*out->rows), out->nr + 1, &cap);
            int64_t ret = t->retained[ci * P + k];
            out->rows[out->nr++] = (struct engine_cohort_row){
                c.per.ms[ci], (int)k, t->size[ci], ret, (double)ret / (double)t->size[ci]};
        }
    }
out:
    for (int w = 0; w < workers; w++) {
        free(c.w[w].size);
        free(c.w[w].retained);
        free(c.w[w].listed);
    }
    if (c.global) {
        eng_zeroed_free(c.global, e->user_nr * c.words * sizeof(*c.global));
        eng_zeroed_free(c.listed, e->user_nr);
    }
    eng_periods_release(&c.per);
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

/* health_measures.c - the health measures of every account as of an instant, from the store's
 * history (responses, tickets, touchpoints, MRR changes) and the engine's usage scans, each using
 * only what happened before that instant. */
#include "health.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "cx/cx.h"

const struct health_measure_def health_measures_defs[HM_NR] = {
    [HM_ACTIVE_USERS] = {"active_users", "usage", "users",
                         "users with an event in the 30 days before"},
    [HM_DAU_MAU] = {"dau_mau", "usage", "fraction", "DAU / MAU over the 30 days before"},
    [HM_SEAT_UTILISATION] = {"seat_utilisation", "usage", "fraction",
                             "users active in the 30 days before / seats (now's seats)"},
    [HM_BREADTH] = {"breadth", "usage", "fraction",
                    "event names used in the 30 days before / names in the catalogue"},
    [HM_DEPTH] = {"depth", "usage", "events", "events per active user in the 30 days before"},
    [HM_USAGE_TREND] = {"usage_trend", "usage", "fraction",
                        "slope of the weekly users of the 8 weeks before, as a share of their "
                        "mean per week"},
    [HM_DAYS_SINCE_SEEN] = {"days_since_seen", "usage", "days",
                            "calendar days since the account's last event"},
    [HM_NPS] = {"nps", "experience", "points",
                "the account's NPS (-100..100) over its responses of the 180 days before"},
    [HM_CSAT] = {"csat", "experience", "points",
                 "its CSAT (0..100, share of 4-5 of 5) over the 180 days before"},
    [HM_CES] = {"ces", "experience", "points", "its mean CES (1..7) over the 180 days before"},
    [HM_DETRACTOR_90D] = {"detractor_90d", "experience", "0/1",
                          "1 when one of its NPS responses of the 90 days before is a "
                          "detractor's (0-6), 0 when none is"},
    [HM_OPEN_TICKETS] = {"open_tickets", "support", "tickets", "its tickets open at the time"},
    [HM_STALE_TICKETS] = {"stale_tickets", "support", "tickets",
                          "its tickets open at the time for 14 days or more"},
    [HM_TICKETS_30D] = {"tickets_30d", "support", "tickets",
                        "its tickets opened in the 30 days before"},
    [HM_RESOLUTION_HOURS] = {"resolution_hours", "support", "hours",
                             "median time to resolution of its tickets resolved in the 90 "
                             "days before"},
    [HM_DAYS_SINCE_CSM] = {"days_since_csm", "support", "days",
                           "days since the success team's last touchpoint with it"},
    [HM_MRR_TREND] = {"mrr_trend", "commercial", "fraction",
                      "(MRR − MRR 90 days before) / MRR 90 days before"},
    [HM_CONTRACTION_90D] = {"contraction_90d", "commercial", "0/1",
                            "1 when its MRR fell to a lower positive amount in the 90 days "
                            "before, else 0"},
    [HM_DAYS_TO_RENEWAL] = {"days_to_renewal", "commercial", "days",
                            "days to its renewal date (now's renewal date; none when past)"},
};

int health_measure_find(const char *name)
{
    for (int i = 0; i < HM_NR; i++)
        if (strcmp(health_measures_defs[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- loading ---- */

struct acc {
    int64_t id;
    int64_t customer_since, renewal; /* local day starts, LF_UNSET when unknown */
    struct mrr_point {
        int64_t at, mrr;
    } *mrr;
    size_t mrr_nr, mrr_cap;
};

struct load {
    struct health_set *s;
    struct acc *acc;
    size_t cap;
    const struct tz *tz;
    struct survey *surveys;
    size_t surveys_nr, surveys_cap;
    int64_t at;
    int64_t account; /* the one account read, 0: all */
    /* the account being read by a scan, and its lists */
    struct cx_score *nps, *csat, *ces;
    size_t nps_nr, csat_nr, ces_nr, cap_scores;
    int64_t cur;
    double *durations;
    size_t dur_nr, dur_cap;
};

/* A stored date (its UTC midnight) as the instant its local day starts. */
static int64_t local_date(const struct tz *tz, int64_t date)
{
    int64_t day = date >= 0 ? date / MS_PER_DAY : -((-date + MS_PER_DAY - 1) / MS_PER_DAY);
    return tz_day_start(tz, day);
}

static struct health_row *row_of(struct load *l, int64_t id, size_t *index)
{
    size_t lo = 0, hi = l->s->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->s->rows[mid].account_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == l->s->nr || l->s->rows[lo].account_id != id)
        return NULL;
    if (index)
        *index = lo;
    return &l->s->rows[lo];
}

static int on_account(void *ctx, const struct account *a, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    if (l->s->nr == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->s->rows = xrealloc(l->s->rows, l->cap * sizeof(*l->s->rows));
        l->acc = xrealloc(l->acc, l->cap * sizeof(*l->acc));
    }
    struct health_row *r = &l->s->rows[l->s->nr];
    *r = (struct health_row){.account_id = a->id,
                             .ext_id = xstrdup(a->ext_id),
                             .segment = xstrdup(a->segment),
                             .plan = xstrdup(a->plan),
                             .owner = xstrdup(a->owner)};
    for (int k = 0; k < HM_NR; k++)
        r->v[k] = NAN;
    l->acc[l->s->nr++] = (struct acc){
        .id = a->id,
        .customer_since =
            a->customer_since == LF_UNSET ? LF_UNSET : local_date(l->tz, a->customer_since),
        .renewal = a->renewal_date == LF_UNSET ? LF_UNSET : local_date(l->tz, a->renewal_date)};
    return 0;
}

static int on_mrr(void *ctx, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    size_t i;
    if (!row_of(l, m->account_id, &i))
        return 0;
    struct acc *a = &l->acc[i];
    if (a->mrr_nr == a->mrr_cap) {
        a->mrr_cap = a->mrr_cap ? 2 * a->mrr_cap : 8;
        a->mrr = xrealloc(a->mrr, a->mrr_cap * sizeof(*a->mrr));
    }
    a->mrr[a->mrr_nr++] = (struct mrr_point){local_date(l->tz, m->date), m->mrr};
    return 0;
}

/* The MRR of the last change dated before t (as cs_mrr_at); -1 without one. */
static int64_t mrr_at(const struct acc *a, int64_t t)
{
    int64_t m = -1;
    for (size_t i = 0; i < a->mrr_nr && a->mrr[i].at < t; i++)
        m = a->mrr[i].mrr;
    return m;
}

static void commercial(struct load *l, struct health_row *r, const struct acc *a)
{
    int64_t at = l->at, before = tz_day_start(l->tz, tz_local_day(l->tz, at) - 90);
    int64_t now = mrr_at(a, at), then = mrr_at(a, before);
    /* a customer: started (customer since, else a paid change) and not churned at `at` */
    bool started = a->customer_since != LF_UNSET ? a->customer_since < at : false;
    for (size_t i = 0; !started && i < a->mrr_nr && a->mrr[i].at < at; i++)
        started = a->mrr[i].mrr > 0;
    if (a->customer_since == LF_UNSET && a->mrr_nr == 0)
        started = true; /* nothing says when: a customer the data knows nothing against */
    r->customer = started && now != 0;
    if (then > 0 && now >= 0)
        r->v[HM_MRR_TREND] = (double)(now - then) / (double)then;
    if (now >= 0 || then >= 0) {
        int64_t prev = then;
        r->v[HM_CONTRACTION_90D] = 0;
        for (size_t i = 0; i < a->mrr_nr && a->mrr[i].at < at; i++) {
            if (a->mrr[i].at < before)
                continue;
            if (prev > 0 && a->mrr[i].mrr > 0 && a->mrr[i].mrr < prev)
                r->v[HM_CONTRACTION_90D] = 1;
            prev = a->mrr[i].mrr;
        }
    }
    if (a->renewal != LF_UNSET && a->renewal >= tz_day_start(l->tz, tz_local_day(l->tz, at)))
        r->v[HM_DAYS_TO_RENEWAL] =
            (double)(tz_local_day(l->tz, a->renewal) - tz_local_day(l->tz, at));
}

static int on_survey(void *ctx, const struct survey *s, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    if (l->surveys_nr == l->surveys_cap) {
        l->surveys_cap = l->surveys_cap ? 2 * l->surveys_cap : 8;
        l->surveys = xrealloc(l->surveys, l->surveys_cap * sizeof(*l->surveys));
    }
    l->surveys[l->surveys_nr] = *s;
    l->surveys[l->surveys_nr].ext_id = NULL; /* borrowed for the callback only */
    l->surveys[l->surveys_nr++].name = NULL;
    return 0;
}

static void flush_scores(struct load *l)
{
    struct health_row *r = row_of(l, l->cur, NULL);
    if (r) {
        struct cx_nps n;
        struct cx_csat c;
        struct cx_ces e;
        cx_nps_compute(l->nps, l->nps_nr, &n);
        cx_csat_compute(l->csat, l->csat_nr, &c);
        cx_ces_compute(l->ces, l->ces_nr, &e);
        r->v[HM_NPS] = n.nps;
        r->v[HM_CSAT] = c.csat;
        r->v[HM_CES] = e.ces;
    }
    l->nps_nr = l->csat_nr = l->ces_nr = 0;
}

static int on_score(void *ctx, const struct store_score *s, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    if (s->account_id != l->cur) {
        flush_scores(l);
        l->cur = s->account_id;
    }
    if (s->ts >= l->at)
        return 0;
    const struct survey *sv = NULL;
    for (size_t i = 0; i < l->surveys_nr && !sv; i++)
        if (l->surveys[i].id == s->survey_id)
            sv = &l->surveys[i];
    if (!sv)
        return 0;
    int64_t day = tz_local_day(l->tz, l->at);
    struct cx_score cs = cx_score_make(sv, s->score);
    if (sv->kind == SURVEY_NPS && s->ts >= tz_day_start(l->tz, day - 90)) {
        struct cx_nps one;
        struct health_row *r = row_of(l, s->account_id, NULL);
        cx_nps_compute(&cs, 1, &one);
        if (r && (one.detractors > 0 || isnan(r->v[HM_DETRACTOR_90D])))
            r->v[HM_DETRACTOR_90D] = one.detractors > 0 ? 1 : 0;
    }
    if (s->ts < tz_day_start(l->tz, day - 180) || sv->kind == SURVEY_CUSTOM)
        return 0;
    if (l->nps_nr + l->csat_nr + l->ces_nr + 1 > l->cap_scores) {
        l->cap_scores = l->cap_scores ? 2 * l->cap_scores : 64;
        l->nps = xrealloc(l->nps, l->cap_scores * sizeof(*l->nps));
        l->csat = xrealloc(l->csat, l->cap_scores * sizeof(*l->csat));
        l->ces = xrealloc(l->ces, l->cap_scores * sizeof(*l->ces));
    }
    if (sv->kind == SURVEY_NPS)
        l->nps[l->nps_nr++] = cs;
    else if (sv->kind == SURVEY_CSAT)
        l->csat[l->csat_nr++] = cs;
    else
        l->ces[l->ces_nr++] = cs;
    return 0;
}

static int dbl_cmp(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The median resolution of the account read so far, then a fresh list. */
static void flush_touches(struct load *l)
{
    struct health_row *r = row_of(l, l->cur, NULL);
    if (r && l->dur_nr) {
        qsort(l->durations, l->dur_nr, sizeof(double), dbl_cmp);
        size_t n = l->dur_nr;
        double med = n % 2 ? l->durations[n / 2]
                           : (l->durations[n / 2 - 1] + l->durations[n / 2]) / 2;
        r->v[HM_RESOLUTION_HOURS] = med / 60.0;
    }
    l->dur_nr = 0;
}

static int on_touch(void *ctx, const struct store_touch *t, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    if (t->account_id != l->cur) {
        flush_touches(l);
        l->cur = t->account_id;
    }
    struct health_row *r = row_of(l, t->account_id, NULL);
    if (!r || t->ts >= l->at)
        return 0;
    int64_t day = tz_local_day(l->tz, l->at);
    if (t->success) {
        double d = (double)(day - tz_local_day(l->tz, t->ts));
        if (isnan(r->v[HM_DAYS_SINCE_CSM]) || d < r->v[HM_DAYS_SINCE_CSM])
            r->v[HM_DAYS_SINCE_CSM] = d;
    }
    if (!t->ticket)
        return 0;
    for (int k = HM_OPEN_TICKETS; k <= HM_TICKETS_30D; k++)
        if (isnan(r->v[k]))
            r->v[k] = 0;
    /* open at `at`: stored open, or resolved after it (its time to resolution says when) */
    bool has_dur = !isnan(t->duration_minutes);
    int64_t resolved_at = has_dur ? t->ts + (int64_t)(t->duration_minutes * 60000.0) : LF_UNSET;
    bool open = t->open || (t->resolved && has_dur && resolved_at > l->at);
    if (open) {
        r->v[HM_OPEN_TICKETS] += 1;
        if (t->ts <= l->at - 14 * MS_PER_DAY)
            r->v[HM_STALE_TICKETS] += 1;
    }
    if (t->ts >= tz_day_start(l->tz, day - 30))
        r->v[HM_TICKETS_30D] += 1;
    if (t->resolved && has_dur && resolved_at <= l->at &&
        resolved_at >= tz_day_start(l->tz, day - 90)) {
        if (l->dur_nr == l->dur_cap) {
            l->dur_cap = l->dur_cap ? 2 * l->dur_cap : 16;
            l->durations = xrealloc(l->durations, l->dur_cap * sizeof(double));
        }
        l->durations[l->dur_nr++] = t->duration_minutes;
    }
    return 0;
}

static int usage(struct load *l, struct engine *e, struct lf_err *err)
{
    struct engine_accounts a;
    int64_t day = tz_local_day(l->tz, l->at);
    struct engine_query q = {.from = tz_day_start(l->tz, day - 30) + (l->at - tz_day_start(l->tz, day)),
                             .to = l->at,
                             .now = l->at,
                             .by = ENGINE_BY_ACCOUNT,
                             .account = l->account,
                             .tz = l->tz};
    if (engine_accounts(e, &q, ENGINE_ACC_ALL, &a, err) < 0) {
        if (!l->account || err->code != LF_ENOENT)
            return -1;
        *err = (struct lf_err){0}; /* no events at all: as absent from the pass over all */
        return 0;
    }
    for (size_t i = 0; i < a.nr; i++) {
        const struct engine_account_row *u = &a.rows[i];
        struct health_row *r = row_of(l, u->account_id, NULL);
        if (!r || u->days_since == LF_UNSET)
            continue; /* never seen before `at`: no usage data, not zero usage */
        r->v[HM_ACTIVE_USERS] = (double)u->mau;
        r->v[HM_DAU_MAU] = u->mau > 0 ? u->stickiness : 0;
        r->v[HM_SEAT_UTILISATION] = u->utilisation;
        r->v[HM_BREADTH] = u->breadth;
        r->v[HM_DEPTH] = u->mau > 0 ? u->depth : 0;
        r->v[HM_USAGE_TREND] = isnan(u->trend) ? NAN : u->trend / 100.0;
        r->v[HM_DAYS_SINCE_SEEN] = (double)u->days_since;
    }
    engine_accounts_free(&a);
    return 0;
}

/* ---- the data, read once; the measures at any instant from it ---- */

struct health_data {
    const struct tz *tz;
    int64_t account;        /* the one account read, 0: every account */
    int64_t first_ticket;   /* the workspace's first ticket (any account), LF_UNSET: none */
    struct health_set tmpl; /* the accounts, their strings owned here; measures unset */
    struct acc *acc;        /* beside tmpl.rows */
    struct survey *surveys;
    size_t surveys_nr;
    struct store_score *scores; /* by account, time */
    size_t scores_nr, scores_cap;
    struct store_touch *touches; /* by account, time */
    size_t touches_nr, touches_cap;
};

static int keep_score(void *ctx, const struct store_score *sc, struct lf_err *err)
{
    (void)err;
    struct health_data *d = ctx;
    if (d->scores_nr == d->scores_cap) {
        d->scores_cap = d->scores_cap ? 2 * d->scores_cap : 256;
        d->scores = xrealloc(d->scores, d->scores_cap * sizeof(*d->scores));
    }
    d->scores[d->scores_nr++] = *sc;
    return 0;
}

static int keep_touch(void *ctx, const struct store_touch *t, struct lf_err *err)
{
    (void)err;
    struct health_data *d = ctx;
    if (d->touches_nr == d->touches_cap) {
        d->touches_cap = d->touches_cap ? 2 * d->touches_cap : 256;
        d->touches = xrealloc(d->touches, d->touches_cap * sizeof(*d->touches));
    }
    d->touches[d->touches_nr++] = *t;
    return 0;
}

int health_data_load(struct store *st, int64_t ws, int64_t account, const struct tz *tz,
                     struct health_data **out, struct lf_err *err)
{
    struct health_data *d = xcalloc(1, sizeof(*d));
    struct load l = {.s = &d->tmpl, .tz = tz ? tz : tz_utc()};
    d->tz = l.tz;
    d->account = account;
    *out = NULL;
    /* every read below is of that one account's rows (through their indexes) but the surveys
     * (a handful, shared) and whether the workspace tracks tickets (one indexed step) */
    int rc = account ? store_accounts_some(st, ws, &account, 1, on_account, &l, err)
                     : store_accounts_scan(st, ws, on_account, &l, err);
    d->acc = l.acc;
    if (rc < 0 || store_mrr_changes_scan(st, ws, account, on_mrr, &l, err) < 0 ||
        store_surveys_scan(st, ws, on_survey, &l, err) < 0 ||
        store_tickets_first(st, ws, &d->first_ticket, err) < 0) {
        d->surveys = l.surveys;
        health_data_free(d);
        return -1;
    }
    d->surveys = l.surveys;
    d->surveys_nr = l.surveys_nr;
    if (store_scores_scan(st, ws, account, keep_score, d, err) < 0 ||
        store_touches_scan(st, ws, account, keep_touch, d, err) < 0) {
        health_data_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

void health_data_free(struct health_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; d->acc && i < d->tmpl.nr; i++)
        free(d->acc[i].mrr);
    for (size_t i = 0; i < d->tmpl.nr; i++) {
        free((char *)d->tmpl.rows[i].ext_id);
        free((char *)d->tmpl.rows[i].segment);
        free((char *)d->tmpl.rows[i].plan);
        free((char *)d->tmpl.rows[i].owner);
    }
    free(d->tmpl.rows);
    free(d->acc);
    free(d->surveys);
    free(d->scores);
    free(d->touches);
    free(d);
}

int health_measures_at(const struct health_data *d, struct engine *e, int64_t at,
                       struct health_set *out, struct lf_err *err)
{
    *out = (struct health_set){.at = at, .nr = d->tmpl.nr};
    out->rows = xcalloc(d->tmpl.nr ? d->tmpl.nr : 1, sizeof(*out->rows));
    for (size_t i = 0; i < d->tmpl.nr; i++) {
        out->rows[i] = d->tmpl.rows[i]; /* its strings borrowed from d */
        for (int k = 0; k < HM_NR; k++)
            out->rows[i].v[k] = NAN;
    }
    struct load l = {.s = out, .acc = d->acc, .tz = d->tz, .at = at, .account = d->account,
                     .surveys = d->surveys, .surveys_nr = d->surveys_nr};
    int ret = -1;
    for (size_t i = 0; i < out->nr; i++)
        commercial(&l, &out->rows[i], &l.acc[i]);
    for (size_t i = 0; i < d->scores_nr; i++)
        on_score(&l, &d->scores[i], err);
    flush_scores(&l);
    l.cur = 0;
    for (size_t i = 0; i < d->touches_nr; i++)
        on_touch(&l, &d->touches[i], err);
    flush_touches(&l);
    /* tickets are tracked (the workspace had one before `at`, whichever account's): an account
     * without one has none open */
    if (d->first_ticket != LF_UNSET && d->first_ticket < at)
        for (size_t i = 0; i < out->nr; i++)
            for (int k = HM_OPEN_TICKETS; k <= HM_TICKETS_30D; k++)
                if (isnan(out->rows[i].v[k]))
                    out->rows[i].v[k] = 0;
    if (e && usage(&l, e, err) < 0)
        goto out;
    ret = 0;
out:
    free(l.nps);
    free(l.csat);
    free(l.ces);
    free(l.durations);
    if (ret < 0)
        health_set_release(out);
    return ret;
}

int health_measures(struct store *st, struct engine *e, int64_t ws, int64_t account,
                    const struct tz *tz, int64_t at, struct health_set *out, struct lf_err *err)
{
    struct health_data *d;
    *out = (struct health_set){.at = at};
    if (health_data_load(st, ws, account, tz, &d, err) < 0)
        return -1;
    if (health_measures_at(d, e, at, out, err) < 0) {
        health_data_free(d);
        return -1;
    }
    out->own = d;
    return 0;
}

void health_set_release(struct health_set *s)
{
    free(s->rows);
    health_data_free(s->own);
    s->rows = NULL;
    s->own = NULL;
    s->nr = 0;
}

const struct health_row *health_set_find(const struct health_set *s, int64_t account_id)
{
    size_t lo = 0, hi = s->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->rows[mid].account_id < account_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nr && s->rows[lo].account_id == account_id ? &s->rows[lo] : NULL;
}

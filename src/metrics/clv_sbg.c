/* clv_sbg.c - contractual lifetime value from the MRR histories: every subscription's lifetime in
 * periods (start to first churn, as `landfall survival` counts it), the shifted-beta-geometric
 * model fitted per group, each paying account's discounted expected residual lifetime and CLV,
 * and the projected retention of every cohort. The models are src/cs/clv.h's; the definitions
 * docs/metrics.md's ("Lifetime value models"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cs/clv.h"
#include "dataset.h"
#include "report/table.h"

static const int group_dims[] = {DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE, DIM_END};
static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};

static const char *const periods[] = {"month", "quarter", "year", NULL};
static const int period_months[] = {1, 3, 12};
static const int period_tz[] = {TZ_MONTH, TZ_QUARTER, TZ_YEAR};

static double param_real(const struct metric_ctx *c, const char *name, double dflt)
{
    int i = metric_param(c, name);
    return i >= 0 && c->p[i].given ? c->p[i].r : dflt;
}

static int64_t param_int(const struct metric_ctx *c, const char *name, int64_t dflt)
{
    int i = metric_param(c, name);
    return i >= 0 && c->p[i].given ? c->p[i].i : dflt;
}

/* A subscription as of now. */
struct sub {
    const char *labels[METRIC_BY_MAX];
    const struct metric_account *a;
    const struct ds_account *d;
    int64_t start, start_day, cohort; /* cohort: the start of its start's period */
    bool churned;
    int64_t t;   /* churned: the period it churned in (T >= 1); else the periods it renewed */
    int64_t age; /* the periods it would have renewed by now had it stayed */
    size_t group;
};

struct fit {
    size_t first, nr;
    struct sbg_fit f;
};

struct run {
    struct metric_ctx *c;
    struct dataset d;
    struct sub *s;
    size_t nr, cap;
    struct fit *fits;
    size_t fits_nr;
    int period; /* index into periods */
    int months;
    int64_t today;
};

static void run_release(struct run *r)
{
    dataset_release(&r->d);
    free(r->s);
    free(r->fits);
}

static int nullstr_cmp(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "");
}

static int labels_cmp(const struct sub *x, const struct sub *y)
{
    for (size_t k = 0; k < METRIC_BY_MAX; k++) {
        int d = nullstr_cmp(x->labels[k], y->labels[k]);
        if (d)
            return d;
    }
    return 0;
}

/* By group, cohort, account. */
static int sub_cmp(const void *pa, const void *pb)
{
    const struct sub *x = pa, *y = pb;
    int d = labels_cmp(x, y);
    if (d)
        return d;
    if (x->cohort != y->cohort)
        return x->cohort < y->cohort ? -1 : 1;
    return nullstr_cmp(x->a->ext_id, y->a->ext_id);
}

/* Loads the MRR histories, makes every subscription started before now a lifetime in periods,
 * groups them and fits the sBG to each group. */
static int run_start(struct run *r, struct metric_ctx *c, struct lf_err *err)
{
    *r = (struct run){.c = c};
    int pi = metric_param(c, "period");
    r->period = pi >= 0 && c->p[pi].given ? (int)c->p[pi].i : 0;
    r->months = period_months[r->period];
    r->today = tz_local_day(c->tz, c->now);
    if (dataset_load(&r->d, c, LOAD_MRR, 0, 0, NULL, NULL, err) < 0)
        return -1;
    for (size_t i = 0; i < c->acc_nr; i++) {
        const struct ds_account *d = &r->d.acc[i];
        if (!metric_account_passes(c, d->a))
            continue;
        struct cs_account ca = {d->changes, d->changes_nr, LF_UNSET};
        int64_t start, churned_at, first_paid = LF_UNSET;
        sbg_lifetime(&ca, d->a->customer_since, &start, &churned_at);
        for (size_t k = 0; k < d->changes_nr && first_paid == LF_UNSET; k++)
            if (d->changes[k].mrr > 0)
                first_paid = d->changes[k].date;
        /* a subscription: started, and paid, before now (as survival counts them: an account
         * that never paid, a consumer without a subscription, cannot churn) */
        if (start == LF_UNSET || start >= c->now || first_paid == LF_UNSET ||
            first_paid >= c->now)
            continue;
        struct sub s = {.a = d->a, .d = d, .start = start};
        for (size_t k = 0; k < c->by_nr; k++)
            s.labels[k] = metric_account_value(d->a, c->by[k]);
        s.start_day = tz_local_day(c->tz, start);
        s.cohort = tz_period_start(c->tz, period_tz[r->period], start);
        s.age = sbg_periods_started(s.start_day, r->today, r->months) - 1;
        s.churned = churned_at != LF_UNSET && churned_at < c->now;
        if (s.churned) {
            /* the period starts before the churn's day: it paid for each of them */
            s.t = sbg_periods_started(s.start_day, tz_local_day(c->tz, churned_at) - 1, r->months);
            if (s.t < 1)
                s.t = 1;
        } else {
            s.t = s.age;
        }
        r->s = xgrow(r->s, sizeof(*r->s), r->nr + 1, &r->cap);
        r->s[r->nr++] = s;
    }
    if (r->nr > 1)
        qsort(r->s, r->nr, sizeof(*r->s), sub_cmp);
    struct sbg_obs *o = xmalloc((r->nr ? r->nr : 1) * sizeof(*o));
    size_t cap = 0;
    for (size_t i = 0; i < r->nr;) {
        size_t j = i;
        for (; j < r->nr && labels_cmp(&r->s[i], &r->s[j]) == 0; j++) {
            r->s[j].group = r->fits_nr;
            o[j - i] = (struct sbg_obs){r->s[j].t, r->s[j].churned, 1};
        }
        struct fit f = {.first = i, .nr = j - i};
        sbg_fit(o, f.nr, &f.f);
        r->fits = xgrow(r->fits, sizeof(*r->fits), r->fits_nr + 1, &cap);
        r->fits[r->fits_nr++] = f;
        i = j;
    }
    free(o);
    return 0;
}

static void set_real(struct lf_table *t, size_t row, size_t col, double v)
{
    if (isfinite(v))
        table_set_real(t, row, col, v);
}

/* The annual discount rate as a rate per period. */
static double period_rate(const struct run *r, double annual)
{
    return pow(1 + annual, (double)r->months / 12) - 1;
}

/* ---- the fit per group ---- */

static int compute_fit(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, err) < 0)
        goto out;
    double d = period_rate(&r, param_real(c, "discount", 0.1));
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t g = 0; g < r.fits_nr; g++) {
        const struct fit *f = &r.fits[g];
        const struct sbg_params *p = &f->f.p;
        bool ok = f->f.status == CLV_FIT_OK;
        size_t row = metric_row(c, t, r.s[f->first].labels), col = first;
        table_set_text(t, row, col++, periods[r.period]);
        table_set_int(t, row, col++, (int64_t)f->f.customers);
        table_set_int(t, row, col++, (int64_t)f->f.churned);
        set_real(t, row, col++, p->gamma);
        set_real(t, row, col++, p->delta);
        set_real(t, row, col++, f->f.ll);
        set_real(t, row, col++, ok ? sbg_churn(p, 1) : NAN);
        set_real(t, row, col++, ok ? sbg_mean_lifetime(p) : NAN);
        set_real(t, row, col++, ok ? sbg_del(p, d) : NAN);
        if (!ok)
            table_set_text(t, row, col, f->f.why);
        else if (p->geometric)
            table_set_text(t, row, col,
                           "no heterogeneity: one churn probability fits all (the sBG's "
                           "geometric limit, gamma and delta infinite)");
    }
    ret = 0;
out:
    run_release(&r);
    return ret;
}

/* ---- per paying account ---- */

/* The start of the account's current paid spell: its lifetime's start, or, when it churned and
 * came back, the last change before now from 0 (or nothing) to a positive MRR. */
static int64_t spell_start(const struct sub *s, int64_t now)
{
    if (!s->churned)
        return s->start;
    int64_t cur = 0, at = s->start;
    for (size_t i = 0; i < s->d->changes_nr && s->d->changes[i].date < now; i++) {
        if (cur == 0 && s->d->changes[i].mrr > 0)
            at = s->d->changes[i].date;
        cur = s->d->changes[i].mrr;
    }
    return at;
}

static int account_cmp(const void *pa, const void *pb)
{
    const struct sub *x = *(const struct sub *const *)pa, *y = *(const struct sub *const *)pb;
    int d = labels_cmp(x, y);
    return d ? d : nullstr_cmp(x->a->ext_id, y->a->ext_id);
}

static int compute_customers(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    const struct sub **paying = NULL;
    if (run_start(&r, c, err) < 0)
        goto out;
    double d = period_rate(&r, param_real(c, "discount", 0.1));
    double margin = param_real(c, "margin", 0.8);
    size_t n = 0;
    paying = xmalloc((r.nr ? r.nr : 1) * sizeof(*paying));
    for (size_t i = 0; i < r.nr; i++) {
        struct cs_account ca = {r.s[i].d->changes, r.s[i].d->changes_nr, LF_UNSET};
        if (cs_mrr_at(&ca, c->now) > 0)
            paying[n++] = &r.s[i];
    }
    qsort(paying, n, sizeof(*paying), account_cmp);
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < n; i++) {
        const struct sub *s = paying[i];
        const struct fit *f = &r.fits[s->group];
        struct cs_account ca = {s->d->changes, s->d->changes_nr, LF_UNSET};
        int64_t mrr = cs_mrr_at(&ca, c->now), start = spell_start(s, c->now);
        int64_t k = sbg_periods_started(tz_local_day(c->tz, start), r.today, r.months) - 1;
        char label[16];
        tz_format_period(c->tz, period_tz[r.period], start, label);
        size_t row = metric_row(c, t, s->labels), col = first;
        table_set_text(t, row, col++, s->a->currency);
        table_set_text(t, row, col++, s->a->ext_id);
        table_set_text(t, row, col++, label);
        table_set_int(t, row, col++, k);
        table_set_int(t, row, col++, mrr);
        if (f->f.status != CLV_FIT_OK)
            continue;
        const struct sbg_params *p = &f->f.p;
        double derl = sbg_derl(p, (double)k, d);
        set_real(t, row, col++, sbg_survival(p, (double)k + 1) / sbg_survival(p, (double)k));
        set_real(t, row, col++, derl);
        if (isfinite(derl))
            table_set_int(t, row, col, llround((double)mrr * r.months * margin * derl));
    }
    ret = 0;
out:
    free(paying);
    run_release(&r);
    return ret;
}

/* ---- projected retention per cohort ---- */

static int compute_projected(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, err) < 0)
        goto out;
    int64_t ahead = param_int(c, "periods", 12);
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < r.nr;) {
        /* one cohort of one group: r.s[i..j) */
        size_t j = i;
        int64_t max_age = 0, min_alive = INT64_MAX;
        for (; j < r.nr && labels_cmp(&r.s[i], &r.s[j]) == 0 && r.s[j].cohort == r.s[i].cohort;
             j++) {
            max_age = r.s[j].age > max_age ? r.s[j].age : max_age;
            if (!r.s[j].churned && r.s[j].t < min_alive)
                min_alive = r.s[j].t;
        }
        const struct fit *f = &r.fits[r.s[i].group];
        bool ok = f->f.status == CLV_FIT_OK;
        char label[16];
        tz_format_period(c->tz, period_tz[r.period], r.s[i].cohort, label);
        for (int64_t k = 1; k <= max_age + ahead; k++) {
            int64_t kept = 0;
            double expected = 0;
            for (size_t m = i; m < j; m++) {
                const struct sub *s = &r.s[m];
                if (s->churned || k <= s->t) {
                    kept += s->churned ? s->t > k : 1;
                    expected += s->churned ? s->t > k : 1;
                } else if (ok) {
                    /* alive after s->t periods: P(T > k | T > t) = S(k) / S(t) */
                    expected += sbg_survival(&f->f.p, (double)k) /
                                sbg_survival(&f->f.p, (double)s->t);
                } else {
                    expected = NAN;
                }
            }
            size_t row = metric_row(c, t, r.s[i].labels), col = first;
            table_set_text(t, row, col++, label);
            table_set_int(t, row, col++, k);
            table_set_int(t, row, col++, (int64_t)(j - i));
            if (k <= min_alive)
                table_set_int(t, row, col, kept);
            col++;
            set_real(t, row, col++, expected);
            set_real(t, row, col++, expected / (double)(j - i));
            set_real(t, row, col, ok ? sbg_survival(&f->f.p, (double)k) : NAN);
        }
        i = j;
    }
    ret = 0;
out:
    run_release(&r);
    return ret;
}

/* ---- declarations ---- */

static const struct lf_param_info fit_params[] = {
    {"period", LF_PARAM_CHOICE, "month", "the renewal period", periods},
    {"discount", LF_PARAM_REAL, "0.1", "annual discount rate (of del)", NULL, 0, 10},
};
static const struct lf_param_info customer_params[] = {
    {"period", LF_PARAM_CHOICE, "month", "the renewal period", periods},
    {"discount", LF_PARAM_REAL, "0.1", "annual discount rate of the CLV", NULL, 0, 10},
    {"margin", LF_PARAM_REAL, "0.8", "gross margin as a fraction", NULL, 0.0001, 1},
};
static const struct lf_param_info projected_params[] = {
    {"period", LF_PARAM_CHOICE, "month", "the renewal period and the cohorts'", periods},
    {"periods", LF_PARAM_INT, "12", "periods projected past the oldest member's age", NULL, 1,
     600},
};
static const struct lf_column_info fit_cols[] = {
    {"period", LF_COL_TEXT, "the renewal period the model counts"},
    {"accounts", LF_COL_INT, "subscriptions started before now"},
    {"churned", LF_COL_INT, "of them, those that churned before now"},
    {"gamma", LF_COL_REAL, "sBG: churn probabilities' beta distribution, gamma"},
    {"delta", LF_COL_REAL, "sBG: and delta"},
    {"log_likelihood", LF_COL_REAL, "the maximised log-likelihood"},
    {"churn_first", LF_COL_PERCENT,
     "P(T = 1) = gamma / (gamma + delta): churn in the first period"},
    {"mean_lifetime", LF_COL_REAL, "E[T] in periods; null when infinite (gamma <= 1)"},
    {"del", LF_COL_REAL, "a new subscription's discounted expected lifetime, in periods"},
    {"note", LF_COL_TEXT, "why the model was not fitted, or that it is its geometric limit"},
};
static const struct lf_column_info customer_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217 (the account's)"},
    {"account", LF_COL_TEXT, ""},
    {"cohort", LF_COL_TEXT, "the period its current paid spell started in"},
    {"renewals", LF_COL_INT, "periods of the spell completed by now"},
    {"mrr", LF_COL_MONEY, "MRR at now"},
    {"renewal", LF_COL_PERCENT, "P(it renews for the next period) = S(k + 1) / S(k)"},
    {"derl", LF_COL_REAL, "discounted expected residual lifetime, in periods (F&H 2010)"},
    {"clv", LF_COL_MONEY, "mrr × months per period × margin × derl"},
};
static const struct lf_column_info projected_cols[] = {
    {"cohort", LF_COL_TEXT, "the period its members started in"},
    {"period", LF_COL_INT, "t: periods after each member's start"},
    {"size", LF_COL_INT, "members of the cohort"},
    {"retained", LF_COL_INT, "members active after t periods (null until every member got there)"},
    {"expected", LF_COL_REAL, "retained, and for members not there yet P(T > t | their history)"},
    {"rate", LF_COL_PERCENT, "expected / size"},
    {"curve", LF_COL_PERCENT, "the group's fitted S(t): a new cohort's share active after t"},
};

#define COLS(a) .columns = a, .columns_nr = sizeof(a) / sizeof(a[0])
#define PARAMS(a) .own = a, .own_nr = sizeof(a) / sizeof(a[0])
#define SBG_COMMON (COMMON_NOW | COMMON_BY | COMMON_WHERE)

const struct metric_def metric_clv_sbg = {
    .name = "clv-sbg", .group = "clv",
    .summary = "the shifted-beta-geometric retention model fitted to the subscriptions",
    .help = "Every subscription's lifetime in periods (start to first churn, censored at now) "
            "and the sBG (Fader & Hardie 2007) fitted to them by maximum likelihood, per "
            "group; null with a note when the data do not identify it (e.g. no churn).",
    .common = SBG_COMMON, PARAMS(fit_params), .dims = group_dims, .filters = account_dims,
    COLS(fit_cols), .compute = compute_fit};
const struct metric_def metric_clv_sbg_customers = {
    .name = "clv-sbg-customers", .group = "clv",
    .summary = "per paying account: renewal probability, DERL and contractual CLV (sBG)",
    .help = "For every account paying at now, from its group's sBG: the probability it renews "
            "next, its discounted expected residual lifetime (DERL, Fader & Hardie 2010) and the "
            "CLV mrr × months per period × margin × DERL.",
    .common = SBG_COMMON, PARAMS(customer_params), .dims = group_dims, .filters = account_dims,
    COLS(customer_cols), .compute = compute_customers};
const struct metric_def metric_survival_projected = {
    .name = "survival-projected", .group = "survival",
    .summary = "retention per cohort, observed and projected by the sBG",
    .help = "Per cohort (the period its subscriptions started in) and period t: its members, "
            "those active after t periods, and the expected number from the group's sBG fit "
            "for the members not there yet (landfall survival --project).",
    .common = SBG_COMMON, PARAMS(projected_params), .dims = group_dims, .filters = account_dims,
    COLS(projected_cols), .compute = compute_projected};

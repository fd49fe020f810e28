/* sbg.c - the shifted-beta-geometric model of contractual retention (Fader & Hardie 2007): its
 * likelihood and fit, survival and churn probabilities, the discounted expected (residual)
 * lifetimes DEL and DERL (Fader & Hardie 2010), and a subscription's lifetime in periods. */
#include "clv.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "base/time.h"
#include "mle.h"

/* ---- the likelihood ---- */

struct data {
    struct sbg_obs *o; /* merged: one per (t, churned) */
    size_t nr;
    double n; /* Σ weights */
};

static int obs_cmp(const void *pa, const void *pb)
{
    const struct sbg_obs *x = pa, *y = pb;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (int)x->churned - (int)y->churned;
}

static void data_init(struct data *d, const struct sbg_obs *o, size_t nr)
{
    *d = (struct data){.o = xmalloc((nr ? nr : 1) * sizeof(*d->o))};
    struct sbg_obs *all = xmalloc((nr ? nr : 1) * sizeof(*all));
    size_t k = 0;
    for (size_t i = 0; i < nr; i++)
        if (o[i].n > 0)
            all[k++] = o[i];
    qsort(all, k, sizeof(*all), obs_cmp);
    for (size_t i = 0; i < k; i++) {
        if (d->nr && obs_cmp(&d->o[d->nr - 1], &all[i]) == 0)
            d->o[d->nr - 1].n += all[i].n;
        else
            d->o[d->nr++] = all[i];
        d->n += all[i].n;
    }
    free(all);
}

/* The mean negative log-likelihood at u = ln(γ, δ) and its gradient in u (F&H 2007, eq. 4):
 *   ln P(T = t) = ln γ + ln Γ(δ + t - 1) - ln Γ(γ + δ + t) + ln Γ(γ + δ) - ln Γ(δ)
 *   ln S(t)     = ln Γ(δ + t) - ln Γ(γ + δ + t) + ln Γ(γ + δ) - ln Γ(δ) */
static double objective(void *ctx, const double *u, double *grad)
{
    const struct data *d = ctx;
    double g = exp(u[0]), de = exp(u[1]);
    double lgd = mle_lgamma(g + de), ld = mle_lgamma(de);
    double pgd = grad ? mle_digamma(g + de) : 0, pd = grad ? mle_digamma(de) : 0;
    double ll = 0, gg = 0, gd = 0;
    for (size_t i = 0; i < d->nr; i++) {
        const struct sbg_obs *o = &d->o[i];
        double t = (double)o->t, n = o->n, lgdt = mle_lgamma(g + de + t);
        double pgdt = grad ? mle_digamma(g + de + t) : 0;
        if (o->churned) {
            ll += n * (log(g) + mle_lgamma(de + t - 1) - lgdt + lgd - ld);
            if (grad) {
                gg += n * (1 / g - pgdt + pgd);
                gd += n * (mle_digamma(de + t - 1) - pgdt + pgd - pd);
            }
        } else {
            ll += n * (mle_lgamma(de + t) - lgdt + lgd - ld);
            if (grad) {
                gg += n * (pgd - pgdt);
                gd += n * (mle_digamma(de + t) - pgdt + pgd - pd);
            }
        }
    }
    if (grad) {
        grad[0] = -gg * g / d->n;
        grad[1] = -gd * de / d->n;
    }
    return -ll / d->n;
}

double sbg_ll(const struct sbg_params *p, const struct sbg_obs *o, size_t nr)
{
    mle_gsl_init();
    struct data d;
    data_init(&d, o, nr);
    double u[2] = {log(p->gamma), log(p->delta)};
    double ll = d.n > 0 ? -objective(&d, u, NULL) * d.n : 0;
    free(d.o);
    return ll;
}

#define LOG_EDGE 16.0

/* The geometric maximum: θ = churns / renewal decisions (a churn in period t made t of them, a
 * subscription renewed t times and still active t), and its log-likelihood. */
static double geometric_fit(const struct data *d, double *theta)
{
    double churns = 0, decisions = 0;
    for (size_t i = 0; i < d->nr; i++) {
        decisions += d->o[i].n * (double)d->o[i].t;
        if (d->o[i].churned)
            churns += d->o[i].n;
    }
    *theta = churns / decisions;
    double ll = churns * log(*theta);
    if (decisions > churns)
        ll += (decisions - churns) * log1p(-*theta);
    return ll;
}

int sbg_fit(const struct sbg_obs *o, size_t nr, struct sbg_fit *out)
{
    *out = (struct sbg_fit){.p = {NAN, NAN, false, NAN}, .ll = NAN, .ll_geometric = NAN};
    for (size_t i = 0; i < nr; i++) {
        out->customers += o[i].n;
        if (o[i].churned)
            out->churned += o[i].n;
    }
    if (out->customers <= 0) {
        out->status = CLV_FIT_EMPTY;
        out->why = "no subscriptions";
        return -1;
    }
    if (out->churned <= 0) {
        /* Σ n ln S(t) grows to 0 as γ → 0: every θ = 0 fits best */
        out->status = CLV_FIT_UNIDENTIFIED;
        out->why = "no subscription churned: the sBG is not identified";
        return -1;
    }
    struct data d;
    data_init(&d, o, nr);
    double u[2] = {0, 0}, f, theta;
    int rc = mle_minimize(objective, &d, 2, u, &f, &out->iterations);
    double n = d.n, ll = isfinite(f) ? -f * n : -INFINITY;
    out->ll_geometric = geometric_fit(&d, &theta);
    free(d.o);
    /* The geometric limit is the supremum when no (γ, δ) found beats it, or when the search ran
     * off towards γ + δ → ∞ (the polarisation 1 / (1 + γ + δ) below 1e-4: no heterogeneity to
     * speak of, the likelihood flat along that ridge and within a hair of the limit's).
     * Otherwise the sBG's maximum must be inside, converged, and curved every way. */
    double tol = 1e-7 * fmax(n, fabs(out->ll_geometric)); /* below the functions' rounding */
    bool interior = rc == 0 && fabs(u[0]) <= LOG_EDGE && fabs(u[1]) <= LOG_EDGE;
    bool runaway = !interior && 1 / (1 + exp(u[0]) + exp(u[1])) < 1e-4;
    if (ll <= out->ll_geometric + tol || runaway) {
        out->p = (struct sbg_params){INFINITY, INFINITY, true, theta};
        out->ll = out->ll_geometric;
        out->status = CLV_FIT_OK;
        return 0;
    }
    if (rc == -2 || fabs(u[0]) > LOG_EDGE || fabs(u[1]) > LOG_EDGE) {
        out->status = CLV_FIT_UNIDENTIFIED;
        out->why = "the retention likelihood has no maximum inside the parameter space: the "
                   "sBG is not identified";
        return -1;
    }
    if (rc < 0) {
        out->status = CLV_FIT_NO_CONVERGENCE;
        out->why = "the sBG fit did not converge";
        return -1;
    }
    out->p = (struct sbg_params){exp(u[0]), exp(u[1]), false, NAN};
    out->ll = ll;
    out->status = CLV_FIT_OK;
    return 0;
}

/* ---- what a fit tells ---- */

double sbg_survival(const struct sbg_params *p, double t)
{
    if (t <= 0)
        return 1;
    if (p->geometric)
        return pow(1 - p->theta, t);
    return exp(mle_lgamma(p->delta + t) - mle_lgamma(p->gamma + p->delta + t) +
               mle_lgamma(p->gamma + p->delta) - mle_lgamma(p->delta));
}

double sbg_churn(const struct sbg_params *p, double t)
{
    if (t < 1)
        return 0;
    if (p->geometric)
        return p->theta * pow(1 - p->theta, t - 1);
    return exp(log(p->gamma) + mle_lgamma(p->delta + t - 1) -
               mle_lgamma(p->gamma + p->delta + t) + mle_lgamma(p->gamma + p->delta) -
               mle_lgamma(p->delta));
}

/* 2F1(1, b; c; 1 / (1 + d)); at d = 0, Gauss's sum Γ(c) Γ(c - 1 - b) / (Γ(c - 1) Γ(c - b)) =
 * (c - 1) / (c - 1 - b), infinite unless c - 1 - b > 0. */
static double f_1bc(double b, double c, double d)
{
    if (d <= 0)
        return c - 1 - b > 0 ? (c - 1) / (c - 1 - b) : NAN;
    return mle_hyperg_2f1(1, b, c, 1 / (1 + d));
}

double sbg_derl(const struct sbg_params *p, double k, double d)
{
    /* geometric: Σ_{j >= 1} (1 - θ)^j / (1 + d)^(j - 1) */
    if (p->geometric)
        return d > 0 || p->theta > 0 ? (1 - p->theta) / (1 - (1 - p->theta) / (1 + d)) : NAN;
    double g = p->gamma, de = p->delta;
    return (de + k) / (g + de + k) * f_1bc(de + k + 1, g + de + k + 1, d);
}

double sbg_del(const struct sbg_params *p, double d)
{
    if (p->geometric)
        return d > 0 || p->theta > 0 ? 1 / (1 - (1 - p->theta) / (1 + d)) : NAN;
    return f_1bc(p->delta, p->gamma + p->delta, d);
}

double sbg_mean_lifetime(const struct sbg_params *p)
{
    if (p->geometric)
        return 1 / p->theta;
    return p->gamma > 1 ? (p->gamma + p->delta - 1) / (p->gamma - 1) : NAN;
}

/* ---- lifetimes in periods ---- */

void sbg_lifetime(const struct cs_account *a, int64_t customer_since, int64_t *start,
                  int64_t *churned_at)
{
    *start = customer_since;
    *churned_at = LF_UNSET;
    for (size_t i = 0; *start == LF_UNSET && i < a->changes_nr; i++)
        if (a->changes[i].mrr > 0)
            *start = a->changes[i].date;
    if (*start == LF_UNSET)
        return;
    int64_t cur = 0;
    for (size_t i = 0; i < a->changes_nr; i++) {
        if (a->changes[i].mrr == 0 && cur > 0 && a->changes[i].date >= *start) {
            *churned_at = a->changes[i].date;
            return;
        }
        cur = a->changes[i].mrr;
    }
}

/* The j-th period start after start (y, m, d): j × months months on, the day clamped. */
static int64_t anniversary(int y, int m, int d, int64_t j, int months)
{
    int64_t mi = (int64_t)y * 12 + (m - 1) + j * months;
    int yy = (int)(mi / 12), mm = (int)(mi % 12) + 1;
    int64_t first = time_days_from_civil(yy, mm, 1);
    int64_t next = mm == 12 ? time_days_from_civil(yy + 1, 1, 1)
                            : time_days_from_civil(yy, mm + 1, 1);
    int64_t dim = next - first;
    return first + (d <= dim ? d : dim) - 1;
}

int64_t sbg_periods_started(int64_t start_day, int64_t day, int months)
{
    if (day < start_day)
        return 0;
    int y, m, d, y2, m2, d2;
    time_civil_from_days(start_day, &y, &m, &d);
    time_civil_from_days(day, &y2, &m2, &d2);
    int64_t j = (((int64_t)y2 - y) * 12 + (m2 - m)) / months;
    while (j > 0 && anniversary(y, m, d, j, months) > day)
        j--;
    while (anniversary(y, m, d, j + 1, months) <= day)
        j++;
    return j + 1;
}

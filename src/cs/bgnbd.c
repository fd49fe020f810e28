/* bgnbd.c - the BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005): its likelihood and
 * gradient, the maximum-likelihood fit, P(alive), the expected purchases of a new customer and
 * of a customer with a history, a simulator, and the calibration summary of a customer's orders. */
#include "clv.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "base/mem.h"
#include "mle.h"

/* ---- the likelihood ---- */

/* The data of a fit. Customers with the same summary are one row with a weight (summaries made
 * from days, as landfall's are, repeat a lot: every customer without a repeat purchase whose
 * first order fell on a given day is the same row), and the terms that depend on x only
 * (log-gamma and digamma of r + x, b + x, a + b + x) are computed once per evaluation for each
 * distinct x rather than per customer. */
struct row {
    double x, t_x, T;
    double count; /* customers with this summary */
    uint32_t xi;  /* index into xs */
};

struct data {
    struct row *rows; /* by x, t_x, T */
    size_t nr;
    double n;      /* customers: Σ count */
    double *xs;    /* distinct x, ascending */
    size_t xs_nr;
    double *terms; /* xs_nr × TERMS scratch */
};

enum { P1, P2, P3, GR, GA, GB2, GB3, TERMS };

static int row_cmp(const void *pa, const void *pb)
{
    const struct row *p = pa, *q = pb;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->t_x != q->t_x)
        return p->t_x < q->t_x ? -1 : 1;
    return p->T < q->T ? -1 : p->T > q->T;
}

static void data_init(struct data *d, const struct bgnbd_customer *c, size_t nr)
{
    *d = (struct data){.n = (double)nr};
    d->rows = xmalloc((nr ? nr : 1) * sizeof(*d->rows));
    for (size_t i = 0; i < nr; i++)
        d->rows[i] = (struct row){c[i].x, c[i].t_x, c[i].T, 1, 0};
    qsort(d->rows, nr, sizeof(*d->rows), row_cmp);
    d->xs = xmalloc((nr ? nr : 1) * sizeof(*d->xs));
    for (size_t i = 0; i < nr; i++) {
        struct row *r = &d->rows[i];
        if (d->nr && row_cmp(&d->rows[d->nr - 1], r) == 0) {
            d->rows[d->nr - 1].count++;
            continue;
        }
        if (!d->xs_nr || d->xs[d->xs_nr - 1] != r->x)
            d->xs[d->xs_nr++] = r->x;
        r->xi = (uint32_t)(d->xs_nr - 1);
        d->rows[d->nr++] = *r;
    }
    d->terms = xmalloc((d->xs_nr ? d->xs_nr : 1) * TERMS * sizeof(*d->terms));
}

static void data_release(struct data *d)
{
    free(d->rows);
    free(d->xs);
    free(d->terms);
}

/* The per-x terms of eq. 6 at θ: with lnB the log beta function,
 *   ln L = P1 + ln(exp(P2 - (r + x) ln(α + T)) + [x > 0] exp(P3 - (r + x) ln(α + t_x)))
 *   P1 = ln Γ(r + x) - ln Γ(r) + r ln α
 *   P2 = lnB(a, b + x) - lnB(a, b),  P3 = lnB(a + 1, b + x - 1) - lnB(a, b)
 * and the parts of the gradient that depend on x only. */
static void terms_compute(struct data *d, double r, double alpha, double a, double b, bool grad)
{
    double lr = mle_lgamma(r), lab = mle_lgamma(a + b), lb = mle_lgamma(b), la = log(a);
    double pr = grad ? mle_digamma(r) : 0, pab = grad ? mle_digamma(a + b) : 0;
    double pb = grad ? mle_digamma(b) : 0, lalpha = log(alpha);
    for (size_t k = 0; k < d->xs_nr; k++) {
        double x = d->xs[k], *t = &d->terms[k * TERMS];
        double labx = mle_lgamma(a + b + x);
        t[P1] = mle_lgamma(r + x) - lr + r * lalpha;
        t[P2] = mle_lgamma(b + x) - labx + lab - lb;
        t[P3] = x > 0 ? la + mle_lgamma(b + x - 1) - labx + lab - lb : -INFINITY;
        if (!grad)
            continue;
        double pabx = mle_digamma(a + b + x);
        t[GR] = mle_digamma(r + x) - pr + lalpha;
        t[GA] = pab - pabx;
        t[GB2] = pab - pabx - pb + mle_digamma(b + x);
        t[GB3] = x > 0 ? pab - pabx - pb + mle_digamma(b + x - 1) : 0;
    }
}

/* The mean negative log-likelihood at u = ln θ, and its gradient in u. The sums run in blocks
 * of 1,024 rows added to the totals block by block: over a million customers a plain sum's
 * rounding (about 1e-13 of the mean) would hide the last steps of the line search. */
static double objective(void *ctx, const double *u, double *grad)
{
    struct data *d = ctx;
    double r = exp(u[0]), alpha = exp(u[1]), a = exp(u[2]), b = exp(u[3]);
    terms_compute(d, r, alpha, a, b, grad != NULL);
    double tot[5] = {0}; /* ll, then the gradient in r, α, a, b */
    for (size_t lo = 0; lo < d->nr; lo += 1024) {
        size_t hi = lo + 1024 < d->nr ? lo + 1024 : d->nr;
        double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
        for (size_t i = lo; i < hi; i++) {
            const struct row *c = &d->rows[i];
            const double *t = &d->terms[c->xi * TERMS];
            double ltT = log(alpha + c->T), a2 = t[P2] - (r + c->x) * ltT, li, w = 0, ltx = 0;
            if (c->x > 0) {
                /* ln(e^a2 + e^a3) = max + ln(1 + e^-|a2 - a3|); w = e^a3 / (e^a2 + e^a3) */
                ltx = log(alpha + c->t_x);
                double a3 = t[P3] - (r + c->x) * ltx, e = exp(-fabs(a2 - a3));
                li = (a2 > a3 ? a2 : a3) + log1p(e);
                w = a3 > a2 ? 1 / (1 + e) : e / (1 + e);
            } else {
                li = a2;
            }
            ll += c->count * (t[P1] + li);
            if (!grad)
                continue;
            gr += c->count * (t[GR] - (1 - w) * ltT - w * ltx);
            galpha += c->count * (r / alpha - (r + c->x) * ((1 - w) / (alpha + c->T) +
                                                          w / (alpha + c->t_x)));
            ga += c->count * (t[GA] + w / a);
            gb += c->count * (t[GB2] * (1 - w) + t[GB3] * w);
        }
        tot[0] += ll;
        tot[1] += gr;
        tot[2] += galpha;
        tot[3] += ga;
        tot[4] += gb;
    }
    double n = d->n;
    if (grad) {
        grad[0] = -tot[1] * r / n;
        grad[1] = -tot[2] * alpha / n;
        grad[2] = -tot[3] * a / n;
        grad[3] = -tot[4] * b / n;
    }
    return -tot[0] / n;
}

double bgnbd_ll(const struct bgnbd_params *p, const struct bgnbd_customer *c, size_t nr)
{
    mle_gsl_init();
    struct data d;
    data_init(&d, c, nr);
    double u[4] = {log(p->r), log(p->alpha), log(p->a), log(p->b)};
    double ll = nr ? -objective(&d, u, NULL) * (double)nr : 0;
    data_release(&d);
    return ll;
}

/* A parameter whose logarithm runs past this has gone to the edge of the space: the data do not
 * pin it down (e.g. one customer: a Poisson rate known exactly, nobody dropping out). A maximum
 * that is flat in some direction (mle_minimize's -2) is the same thing seen from inside. */
#define LOG_EDGE 16.0

int bgnbd_fit(const struct bgnbd_customer *c, size_t nr, struct bgnbd_fit *out)
{
    *out = (struct bgnbd_fit){.customers = nr, .p = {NAN, NAN, NAN, NAN}, .ll = NAN};
    double mean_T = 0;
    for (size_t i = 0; i < nr; i++) {
        out->repeaters += c[i].x > 0;
        mean_T += c[i].T / (double)nr;
    }
    if (nr == 0) {
        out->status = CLV_FIT_EMPTY;
        out->why = "no customers";
        return -1;
    }
    if (out->repeaters == 0) {
        /* every x = 0: the likelihood (α / (α + T))^r grows without bound as r → 0 */
        out->status = CLV_FIT_UNIDENTIFIED;
        out->why = "no customer made a repeat purchase: BG/NBD is not identified";
        return -1;
    }
    struct data d;
    data_init(&d, c, nr);
    /* r = 1, α = the mean observation span, a = 1, b = 3: a mild start CLVTools uses too */
    double u[4] = {0, log(mean_T > 0 ? mean_T : 1), 0, log(3)}, f;
    int rc = mle_minimize(objective, &d, 4, u, &f, &out->iterations);
    data_release(&d);
    bool edge = rc == -2;
    for (int k = 0; k < 4; k++)
        edge |= fabs(u[k]) > LOG_EDGE;
    if (edge) {
        out->status = CLV_FIT_UNIDENTIFIED;
        out->why = "the likelihood has no maximum inside the parameter space (too few "
                   "customers or too little variation): BG/NBD is not identified";
        return -1;
    }
    if (rc < 0) {
        out->status = CLV_FIT_NO_CONVERGENCE;
        out->why = "the BG/NBD fit did not converge";
        return -1;
    }
    out->p = (struct bgnbd_params){exp(u[0]), exp(u[1]), exp(u[2]), exp(u[3])};
    out->ll = -f * (double)nr;
    out->status = CLV_FIT_OK;
    return 0;
}

/* ---- what a fit tells ---- */

/* The ratio a / (b + x - 1) ((α + T) / (α + t_x))^(r + x) of P(alive) and eq. 10 (0 for x = 0). */
static double dead_odds(const struct bgnbd_params *p, const struct bgnbd_customer *c)
{
    if (c->x <= 0)
        return 0;
    return p->a / (p->b + c->x - 1) *
           exp((p->r + c->x) * (log(p->alpha + c->T) - log(p->alpha + c->t_x)));
}

double bgnbd_p_alive(const struct bgnbd_params *p, const struct bgnbd_customer *c)
{
    return 1.0 / (1.0 + dead_odds(p, c));
}

/* a = 1 makes (a + b + x - 1) / (a - 1) and the bracket both 0/0; the limit is smooth, so a
 * parameter within 1e-9 of 1 is evaluated a hair away from it. */
static double a_away_from_1(double a)
{
    return fabs(a - 1) < 1e-9 ? 1 + 1e-9 : a;
}

/* (a + b + x - 1) / (a - 1) × [1 - ((α + T) / (α + T + t))^(r + x) 2F1(r + x, b + x; a + b + x -
 * 1; z)], z = t / (α + T + t), the numerator of eq. 10 (T = 0, x = 0: eq. 7). By Euler's
 * transformation 2F1(A, B; C; z) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z), the power and the
 * 2F1 make (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z): its numerator parameters
 * do not grow with x, so its series converges fast for frequent buyers too. */
static double expected_part(const struct bgnbd_params *p, double x, double T, double t)
{
    double a = a_away_from_1(p->a), c = a + p->b + x - 1;
    double z = t / (p->alpha + T + t), one_z = (p->alpha + T) / (p->alpha + T + t);
    double f = mle_hyperg_2f1(a + p->b - 1 - p->r, a - 1, c, z);
    return c / (a - 1) * (1 - pow(one_z, a - 1) * f);
}

double bgnbd_expected(const struct bgnbd_params *p, double t)
{
    if (t <= 0)
        return 0;
    return expected_part(p, 0, 0, t);
}

double bgnbd_conditional(const struct bgnbd_params *p, const struct bgnbd_customer *c, double t)
{
    if (t <= 0)
        return 0;
    return expected_part(p, c->x, c->T, t) / (1.0 + dead_odds(p, c));
}

void bgnbd_simulate(const struct bgnbd_params *p, const double *T, size_t nr, uint64_t seed,
                    struct bgnbd_customer *out)
{
    mle_gsl_init();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)seed);
    for (size_t i = 0; i < nr; i++) {
        double lambda = gsl_ran_gamma(rng, p->r, 1.0 / p->alpha);
        double drop = gsl_ran_beta(rng, p->a, p->b);
        struct bgnbd_customer c = {0, 0, T[i]};
        for (double now = 0; lambda > 0;) {
            now += gsl_ran_exponential(rng, 1.0 / lambda);
            if (now > T[i])
                break;
            c.x++;
            c.t_x = now;
            if (gsl_rng_uniform(rng) < drop)
                break;
        }
        out[i] = c;
    }
    gsl_rng_free(rng);
}

void bgnbd_summarize(const int64_t *day, const int64_t *amount, size_t nr, int64_t last_day,
                     struct bgnbd_summary *out)
{
    int64_t days = 0, repeat_total = 0;
    for (size_t i = 0; i < nr; i++) {
        if (i == 0 || day[i] != day[i - 1])
            days++;
        if (day[i] != day[0])
            repeat_total += amount[i];
    }
    out->c.x = (double)(days - 1);
    out->c.t_x = (double)(day[nr - 1] - day[0]) / 7.0;
    out->c.T = (double)(last_day - day[0]) / 7.0;
    out->mean_spend = days > 1 ? (double)repeat_total / (double)(days - 1) : NAN;
}

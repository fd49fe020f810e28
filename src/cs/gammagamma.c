/* gammagamma.c - the Gamma-Gamma model of spend per transaction (Fader & Hardie 2013 note; Colombo
 * & Jiang 1999): its likelihood and gradient, the maximum-likelihood fit and a customer's
 * expected mean spend. */
#include "clv.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "mle.h"

struct data {
    const struct gammagamma_customer *c;
    size_t nr;
    double *xs; /* distinct x, ascending */
    size_t xs_nr;
    uint32_t *xi;
    double *terms; /* per distinct x: ln Γ(px + q) - ln Γ(px), ψ(px + q), ψ(px) */
    double sum_m;  /* Σ m, for the start */
};

static int dbl_cmp(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return x < y ? -1 : x > y;
}

static void data_init(struct data *d, const struct gammagamma_customer *c, size_t nr)
{
    *d = (struct data){.c = c, .nr = nr};
    double *all = xmalloc((nr ? nr : 1) * sizeof(*all));
    for (size_t i = 0; i < nr; i++) {
        all[i] = c[i].x;
        d->sum_m += c[i].m;
    }
    qsort(all, nr, sizeof(*all), dbl_cmp);
    d->xs = xmalloc((nr ? nr : 1) * sizeof(*d->xs));
    for (size_t i = 0; i < nr; i++)
        if (i == 0 || all[i] != all[i - 1])
            d->xs[d->xs_nr++] = all[i];
    free(all);
    d->xi = xmalloc((nr ? nr : 1) * sizeof(*d->xi));
    for (size_t i = 0; i < nr; i++) {
        const double *hit = bsearch(&c[i].x, d->xs, d->xs_nr, sizeof(*d->xs), dbl_cmp);
        d->xi[i] = (uint32_t)(hit - d->xs);
    }
    d->terms = xmalloc((d->xs_nr ? d->xs_nr : 1) * 3 * sizeof(*d->terms));
}

static void data_release(struct data *d)
{
    free(d->xs);
    free(d->xi);
    free(d->terms);
}

/* The mean negative log-likelihood at u = ln(p, q, γ) and its gradient in u. A customer's mean
 * m of x transactions has the density (note, eq. 3)
 *   Γ(px + q) / (Γ(px) Γ(q)) γ^q m^(px - 1) x^(px) / (γ + m x)^(px + q). */
static double objective(void *ctx, const double *u, double *grad)
{
    struct data *d = ctx;
    double p = exp(u[0]), q = exp(u[1]), g = exp(u[2]);
    for (size_t k = 0; k < d->xs_nr; k++) {
        double px = p * d->xs[k], *t = &d->terms[3 * k];
        t[0] = mle_lgamma(px + q) - mle_lgamma(px);
        if (grad) {
            t[1] = mle_digamma(px + q);
            t[2] = mle_digamma(px);
        }
    }
    double lq = mle_lgamma(q), lg = log(g), pq = grad ? mle_digamma(q) : 0;
    double ll = 0, gp = 0, gq = 0, gg = 0;
    for (size_t i = 0; i < d->nr; i++) {
        double x = d->c[i].x, m = d->c[i].m, px = p * x;
        const double *t = &d->terms[3 * d->xi[i]];
        double lx = log(x), lm = log(m), lgm = log(g + m * x);
        ll += t[0] - lq + q * lg + px * lx + (px - 1) * lm - (px + q) * lgm;
        if (!grad)
            continue;
        gp += x * (t[1] - t[2] + lx + lm - lgm);
        gq += t[1] - pq + lg - lgm;
        gg += q / g - (px + q) / (g + m * x);
    }
    double n = (double)d->nr;
    if (grad) {
        grad[0] = -gp * p / n;
        grad[1] = -gq * q / n;
        grad[2] = -gg * g / n;
    }
    return -ll / n;
}

double gammagamma_ll(const struct gammagamma_params *p, const struct gammagamma_customer *c,
                     size_t nr)
{
    mle_gsl_init();
    struct data d;
    data_init(&d, c, nr);
    double u[3] = {log(p->p), log(p->q), log(p->gamma)};
    double ll = nr ? -objective(&d, u, NULL) * (double)nr : 0;
    data_release(&d);
    return ll;
}

#define LOG_EDGE 16.0

int gammagamma_fit(const struct gammagamma_customer *c, size_t nr, struct gammagamma_fit *out)
{
    *out = (struct gammagamma_fit){.customers = nr, .p = {NAN, NAN, NAN}, .ll = NAN};
    if (nr == 0) {
        out->status = CLV_FIT_EMPTY;
        out->why = "no repeat transaction with a positive amount: spend is not modelled";
        return -1;
    }
    struct data d;
    data_init(&d, c, nr);
    /* p = 1, q = 2, γ = the mean of the means: then E(M) = p γ / (q - 1) = that mean */
    double u[3] = {0, log(2), log(d.sum_m > 0 ? d.sum_m / (double)nr : 1)}, f;
    int rc = mle_minimize(objective, &d, 3, u, &f, &out->iterations);
    data_release(&d);
    /* γ is in money: its edge is measured from the scale of the means */
    double scale = fabs(log(d.sum_m > 0 ? d.sum_m / (double)nr : 1));
    bool edge = rc == -2 || fabs(u[0]) > LOG_EDGE || fabs(u[1]) > LOG_EDGE ||
                fabs(u[2]) > LOG_EDGE + scale;
    if (edge) {
        out->status = CLV_FIT_UNIDENTIFIED;
        out->why = "the spend likelihood has no maximum inside the parameter space (too few "
                   "customers or identical means): Gamma-Gamma is not identified";
        return -1;
    }
    if (rc < 0) {
        out->status = CLV_FIT_NO_CONVERGENCE;
        out->why = "the Gamma-Gamma fit did not converge";
        return -1;
    }
    out->p = (struct gammagamma_params){exp(u[0]), exp(u[1]), exp(u[2])};
    out->ll = -f * (double)nr;
    out->status = CLV_FIT_OK;
    return 0;
}

double gammagamma_expected(const struct gammagamma_params *p, double x, double m)
{
    if (x <= 0)
        return p->q > 1 ? p->p * p->gamma / (p->q - 1) : NAN;
    if (!(m > 0))
        return NAN;
    double den = p->p * x + p->q - 1;
    return den > 0 ? p->p * (p->gamma + x * m) / den : NAN;
}

/* clv.h - customer lifetime value models fitted by maximum likelihood: BG/NBD purchases and
 * Gamma-Gamma spend for non-contractual customers (orders), the shifted-beta-geometric model of
 * retention for contractual ones (subscriptions), and the figures each model gives per customer.
 *
 * The functions are pure: customers' summaries in, parameters and figures out, no store. Time is
 * in the caller's unit (the metrics use weeks for BG/NBD, as the paper, and calendar periods for
 * the sBG); money in the caller's unit too. A figure that is undefined is NAN. A fit that does
 * not identify its parameters says so (status and why) and leaves them NAN: no made-up numbers.
 * References: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "Counting your customers" the
 * easy way, Marketing Science 24(2); P. S. Fader and B. G. S. Hardie (2013), The Gamma-Gamma
 * model of monetary value; P. S. Fader and B. G. S. Hardie (2007), How to project customer
 * retention, Journal of Interactive Marketing 21(1), and (2010), Customer-base valuation in a
 * contractual setting: the perils of ignoring heterogeneity, Marketing Science 29(1).
 * Definitions as landfall uses them: docs/metrics.md, "Lifetime value models". */
#ifndef CS_CLV_H
#define CS_CLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs.h"

/* How a fit ended. */
enum clv_fit_status {
    CLV_FIT_OK,            /* a maximum of the likelihood inside the parameter space */
    CLV_FIT_EMPTY,         /* no data at all */
    CLV_FIT_UNIDENTIFIED,  /* the data cannot tell the parameters apart (why says how) */
    CLV_FIT_NO_CONVERGENCE /* the optimiser stopped without a maximum */
};

/* ---- BG/NBD (bgnbd.c) ---- */

struct bgnbd_params {
    double r, alpha; /* purchase rates λ ~ Gamma(shape r, rate alpha) */
    double a, b;     /* drop-out probabilities p ~ Beta(a, b) */
};

/* A customer's calibration summary: x repeat transactions, the last at t_x after the first, and
 * T the time from the first to the end of the calibration (0 <= t_x <= T). */
struct bgnbd_customer {
    double x, t_x, T;
};

struct bgnbd_fit {
    int status;         /* enum clv_fit_status */
    const char *why;    /* static text when status is not CLV_FIT_OK, else NULL */
    struct bgnbd_params p; /* NAN unless CLV_FIT_OK */
    double ll;          /* the maximised log-likelihood (NAN unless CLV_FIT_OK) */
    size_t customers, repeaters; /* repeaters: customers with x >= 1 */
    int iterations;
};

/* Fits BG/NBD to nr customers by maximum likelihood (FHL 2005, eq. 6), BFGS on the logarithms
 * of the parameters with the analytic gradient (GSL), Nelder-Mead when BFGS stalls. Returns 0
 * when fitted, -1 when not (out->status and out->why say why: no customer, nobody bought twice,
 * or a likelihood whose supremum lies on the edge of the parameter space). */
int bgnbd_fit(const struct bgnbd_customer *c, size_t nr, struct bgnbd_fit *out);
/* The log-likelihood of the customers at p (FHL 2005, eq. 6, summed). */
double bgnbd_ll(const struct bgnbd_params *p, const struct bgnbd_customer *c, size_t nr);
/* P(alive | x, t_x, T): the probability the customer has not dropped out by T (FHL 2005 note
 * "Computing P(alive) using the BG/NBD model"): 1 when x = 0. */
double bgnbd_p_alive(const struct bgnbd_params *p, const struct bgnbd_customer *c);
/* E[X(t)]: the expected purchases of a new customer in a span t after the first (eq. 7). */
double bgnbd_expected(const struct bgnbd_params *p, double t);
/* E[Y(t) | x, t_x, T]: the customer's expected purchases in the span t after T (eq. 10). */
double bgnbd_conditional(const struct bgnbd_params *p, const struct bgnbd_customer *c, double t);
/* Draws nr customers from the BG/NBD process with parameters p, customer i observed for T[i]
 * after its first purchase (a Poisson process of rate λ; after each repeat purchase it drops out
 * with probability p). Deterministic for a seed. */
void bgnbd_simulate(const struct bgnbd_params *p, const double *T, size_t nr, uint64_t seed,
                    struct bgnbd_customer *out);

/* A customer's transactions, one per day: day numbers (any origin, ascending, repeats allowed:
 * the orders of one day are one transaction, as in the paper) and amounts. */
struct bgnbd_summary {
    struct bgnbd_customer c; /* in weeks */
    double mean_spend;       /* the mean of the repeat transactions' amounts, NAN when x = 0 */
};
/* Summarises orders of one customer placed on days day[0..nr) (ascending; several on one day
 * are one transaction, their amounts summed) for a calibration whose last day is `last_day`
 * (>= every day): x = transaction days - 1, t_x = (last - first day) / 7, T = (last_day - first
 * day) / 7; the first transaction's amount is not in mean_spend (FHL and the Gamma-Gamma note
 * model the repeat transactions). nr must be >= 1. */
void bgnbd_summarize(const int64_t *day, const int64_t *amount, size_t nr, int64_t last_day,
                     struct bgnbd_summary *out);

/* ---- Gamma-Gamma spend (gammagamma.c) ---- */

struct gammagamma_params {
    double p, q, gamma; /* spend z ~ Gamma(p, ν), ν ~ Gamma(q, gamma) across customers */
};

/* A customer with x >= 1 transactions of mean value m > 0. */
struct gammagamma_customer {
    double x, m;
};

struct gammagamma_fit {
    int status;
    const char *why;
    struct gammagamma_params p;
    double ll; /* log-likelihood of the observed means (Fader & Hardie 2013, eq. 3) */
    size_t customers;
    int iterations;
};

/* Fits the Gamma-Gamma model to nr customers (all with x >= 1, m > 0) as bgnbd_fit does.
 * Returns 0 when fitted, -1 when not (out->why). */
int gammagamma_fit(const struct gammagamma_customer *c, size_t nr, struct gammagamma_fit *out);
double gammagamma_ll(const struct gammagamma_params *p, const struct gammagamma_customer *c,
                     size_t nr);
/* E(M | p, q, gamma, m_x, x) = p (gamma + x m) / (p x + q - 1) (note, eq. 5); for x = 0 the
 * population mean p gamma / (q - 1). NAN when that is infinite (q <= 1) or m <= 0 with x > 0. */
double gammagamma_expected(const struct gammagamma_params *p, double x, double m);

/* ---- shifted-beta-geometric retention (sbg.c) ---- */

/* Churn probabilities θ ~ Beta(gamma, delta) across customers; or, in the model's limit
 * gamma, delta → ∞ with gamma / (gamma + delta) = theta (no heterogeneity: the geometric
 * distribution), geometric with gamma = delta = INFINITY. */
struct sbg_params {
    double gamma, delta;
    bool geometric;
    double theta; /* when geometric */
};

/* n customers (a weight: a count, or 1 for one account) who churned in period t >= 1 (were
 * active in periods 1..t and did not renew for t + 1), or, censored, are known to have
 * renewed t >= 0 times and are still active. */
struct sbg_obs {
    int64_t t;
    bool churned;
    double n;
};

struct sbg_fit {
    int status;
    const char *why;
    struct sbg_params p;
    double ll; /* Σ n ln P(T = t) over churns + Σ n ln S(t) over the censored (F&H 2007, eq. 4) */
    double ll_geometric; /* the same at the geometric maximum, for comparison */
    double customers, churned;
    int iterations;
};

/* Fits the sBG by maximum likelihood. When no (gamma, delta) does better than the geometric
 * limit, or the maximum runs off towards gamma + delta → ∞ (past 1e4: the data show no more
 * heterogeneity than one churn probability for all), the fit is that limit: status
 * CLV_FIT_OK, p.geometric, p.theta the geometric maximum (churns / renewal decisions). Returns 0 when fitted, -1 when not (no
 * subscription, no churn, or no convergence; out->why). */
int sbg_fit(const struct sbg_obs *o, size_t nr, struct sbg_fit *out);
double sbg_ll(const struct sbg_params *p, const struct sbg_obs *o, size_t nr);
/* S(t) = B(gamma, delta + t) / B(gamma, delta) (geometric: (1 - theta)^t): the share still
 * active after t periods. The functions below take the geometric limit likewise. */
double sbg_survival(const struct sbg_params *p, double t);
/* P(T = t) = B(gamma + 1, delta + t - 1) / B(gamma, delta), t >= 1. */
double sbg_churn(const struct sbg_params *p, double t);
/* DERL(d | k renewals) (Fader & Hardie 2010, eq. 6, with n - 1 = k): the expected discounted
 * number of further payments of a customer who has renewed k times, valued just before the next
 * renewal, which is not discounted: Σ_{t > k} S(t) / S(k) / (1 + d)^(t - k - 1)
 * = (delta + k) / (gamma + delta + k) 2F1(1, delta + k + 1; gamma + delta + k + 1; 1 / (1 + d)).
 * d is the discount rate per period (> 0). */
double sbg_derl(const struct sbg_params *p, double k, double d);
/* DEL(d): the expected discounted lifetime of a new customer in periods, its first payment
 * undiscounted: Σ_{t >= 0} S(t) / (1 + d)^t = 2F1(1, delta; gamma + delta; 1 / (1 + d)). */
double sbg_del(const struct sbg_params *p, double d);
/* E[T] = (gamma + delta - 1) / (gamma - 1) (geometric: 1 / theta): the mean lifetime in
 * periods; NAN (infinite) when gamma <= 1. */
double sbg_mean_lifetime(const struct sbg_params *p);

/* A subscription's lifetime from its MRR history, as the analytics engine defines it for
 * `landfall survival` (src/engine/build.c): it starts at customer_since (LF_UNSET when unknown),
 * else at its first change to MRR > 0; it churns at its first change to MRR 0 from a positive
 * MRR, dated on or after the start. *start and *churned_at are LF_UNSET when there is none. */
void sbg_lifetime(const struct cs_account *a, int64_t customer_since, int64_t *start,
                  int64_t *churned_at);
/* How many periods of `months` months (1, 3 or 12) start on or before `day`, counting from
 * start_day: start_day itself, then the same day of the month every `months` months (the last
 * day of a shorter month). Days are days since 1970-01-01; 0 when day < start_day. */
int64_t sbg_periods_started(int64_t start_day, int64_t day, int months);

#endif

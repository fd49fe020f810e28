/* mle.c - the maximiser of the CLV models' likelihoods (GSL's BFGS, Nelder-Mead when it stalls)
 * and GSL's special functions behind calls that never abort. */
#include "mle.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_hyperg.h>
#include <gsl/gsl_sf_psi.h>

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

static void gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

void mle_gsl_init(void)
{
    pthread_once(&gsl_once, gsl_quiet);
}

double mle_lgamma(double x)
{
    gsl_sf_result r;
    return gsl_sf_lngamma_e(x, &r) == GSL_SUCCESS ? r.val : NAN;
}

double mle_digamma(double x)
{
    gsl_sf_result r;
    return gsl_sf_psi_e(x, &r) == GSL_SUCCESS ? r.val : NAN;
}

/* The power series of 2F1, for where GSL gives up (near z = 1 it needs many terms). */
static double series_2f1(double a, double b, double c, double z)
{
    double sum = 1.0, term = 1.0;
    for (long k = 0; k < 20000000; k++) {
        term *= (a + (double)k) * (b + (double)k) / ((c + (double)k) * (double)(k + 1)) * z;
        sum += term;
        if (!isfinite(sum))
            return NAN;
        if (fabs(term) <= 1e-16 * fabs(sum) && (double)k > fabs(a * b) * z)
            return sum;
    }
    return NAN;
}

double mle_hyperg_2f1(double a, double b, double c, double z)
{
    mle_gsl_init();
    gsl_sf_result r;
    if (z == 0)
        return 1.0;
    if (gsl_sf_hyperg_2F1_e(a, b, c, z, &r) == GSL_SUCCESS && isfinite(r.val))
        return r.val;
    return series_2f1(a, b, c, z);
}

/* ---- the minimiser ---- */

struct problem {
    mle_fn fn;
    void *ctx;
    size_t dim;
    /* the last point evaluated, with its value and gradient: GSL's line search often asks for
     * the gradient where it just took the value, and each evaluation is a pass over the data */
    double u[MLE_DIM_MAX], f, grad[MLE_DIM_MAX];
    bool cached;
};

/* f and its gradient at v, from the cache when v is its point. */
static double eval(const gsl_vector *v, void *p, gsl_vector *g)
{
    struct problem *pr = p;
    bool same = pr->cached;
    for (size_t i = 0; i < pr->dim && same; i++)
        same = gsl_vector_get(v, i) == pr->u[i];
    if (!same) {
        for (size_t i = 0; i < pr->dim; i++)
            pr->u[i] = gsl_vector_get(v, i);
        pr->f = pr->fn(pr->ctx, pr->u, pr->grad);
        /* outside the function's domain: a wall the line search backs off from */
        bool bad = !isfinite(pr->f);
        for (size_t i = 0; i < pr->dim; i++)
            bad |= !isfinite(pr->grad[i]);
        if (bad) {
            pr->f = GSL_POSINF;
            for (size_t i = 0; i < pr->dim; i++)
                pr->grad[i] = 0;
        }
        pr->cached = true;
    }
    for (size_t i = 0; g && i < pr->dim; i++)
        gsl_vector_set(g, i, pr->grad[i]);
    return pr->f;
}

static double f_only(const gsl_vector *v, void *p)
{
    return eval(v, p, NULL);
}

static void df_only(const gsl_vector *v, void *p, gsl_vector *g)
{
    eval(v, p, g);
}

static void f_and_df(const gsl_vector *v, void *p, double *f, gsl_vector *g)
{
    *f = eval(v, p, g);
}

#define GRAD_TOL 1e-7

/* BFGS from x; returns 0 when the gradient vanished. x and *f are the best point found. */
static int bfgs(struct problem *pr, gsl_vector *x, double *f, int *iterations)
{
    gsl_multimin_function_fdf fdf = {f_only, df_only, f_and_df, pr->dim, pr};
    gsl_multimin_fdfminimizer *m =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, pr->dim);
    int ret = -1;
    if (gsl_multimin_fdfminimizer_set(m, &fdf, x, 0.1, 0.1) != GSL_SUCCESS ||
        !isfinite(m->f))
        goto out;
    for (int it = 0; it < 1000; it++) {
        int st = gsl_multimin_fdfminimizer_iterate(m);
        ++*iterations;
        if (gsl_multimin_test_gradient(m->gradient, GRAD_TOL) == GSL_SUCCESS) {
            ret = 0;
            break;
        }
        if (st != GSL_SUCCESS)
            break; /* no progress along the search direction */
    }
    if (isfinite(m->f) && m->f <= *f) {
        gsl_vector_memcpy(x, m->x);
        *f = m->f;
    }
out:
    gsl_multimin_fdfminimizer_free(m);
    return ret;
}

static bool near_stationary(struct problem *pr, const gsl_vector *x)
{
    gsl_vector *g = gsl_vector_alloc(pr->dim);
    df_only(x, pr, g);
    bool near = gsl_multimin_test_gradient(g, 1e2 * GRAD_TOL) == GSL_SUCCESS;
    gsl_vector_free(g);
    return near;
}

/* Nelder-Mead from x, for where BFGS's line search gets stuck; x and *f improved in place. */
static void simplex(struct problem *pr, gsl_vector *x, double *f, int *iterations)
{
    gsl_multimin_function fn = {f_only, pr->dim, pr};
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, pr->dim);
    gsl_vector *step = gsl_vector_alloc(pr->dim);
    gsl_vector_set_all(step, 0.5);
    if (gsl_multimin_fminimizer_set(m, &fn, x, step) == GSL_SUCCESS) {
        for (int it = 0; it < 20000; it++) {
            ++*iterations;
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS ||
                gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-10) == GSL_SUCCESS)
                break;
        }
        if (isfinite(m->fval) && m->fval <= *f) {
            gsl_vector_memcpy(x, m->x);
            *f = m->fval;
        }
    }
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(m);
}

/* The smallest eigenvalue of the Hessian of fn at u, by central differences of its gradient. A
 * maximum the data pin down has a clearly positive one; one at the end of a ridge or a plateau
 * (a parameter, or a combination, running off to the edge of the space) about 0. */
static double hessian_min_eigen(struct problem *pr, const double *u)
{
    size_t n = pr->dim;
    gsl_matrix *h = gsl_matrix_alloc(n, n);
    gsl_vector *ev = gsl_vector_alloc(n);
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(n);
    double v[MLE_DIM_MAX], gp[MLE_DIM_MAX], gm[MLE_DIM_MAX], step = 1e-4, min = NAN;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < n; k++)
            v[k] = u[k];
        v[i] = u[i] + step;
        double fp = pr->fn(pr->ctx, v, gp);
        v[i] = u[i] - step;
        double fm = pr->fn(pr->ctx, v, gm);
        if (!isfinite(fp) || !isfinite(fm))
            goto out;
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(h, i, j, (gp[j] - gm[j]) / (2 * step));
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double m = (gsl_matrix_get(h, i, j) + gsl_matrix_get(h, j, i)) / 2;
            gsl_matrix_set(h, i, j, m);
            gsl_matrix_set(h, j, i, m);
        }
    if (gsl_eigen_symm(h, ev, w) == GSL_SUCCESS)
        min = gsl_vector_min(ev);
out:
    gsl_eigen_symm_free(w);
    gsl_vector_free(ev);
    gsl_matrix_free(h);
    return min;
}

int mle_minimize(mle_fn fn, void *ctx, size_t dim, double *u, double *fmin, int *iterations)
{
    mle_gsl_init();
    struct problem pr = {.fn = fn, .ctx = ctx, .dim = dim};
    gsl_vector *x = gsl_vector_alloc(dim);
    for (size_t i = 0; i < dim; i++)
        gsl_vector_set(x, i, u[i]);
    double f = f_only(x, &pr);
    *iterations = 0;
    int ret = isfinite(f) ? bfgs(&pr, x, &f, iterations) : -1;
    /* BFGS may stop a hair short of its tolerance at the optimum, where the function's rounding
     * stops the line search; only when it stalled further away does Nelder-Mead take over */
    if (ret < 0 && isfinite(f) && near_stationary(&pr, x))
        ret = 0;
    if (ret < 0 && isfinite(f)) {
        simplex(&pr, x, &f, iterations);
        ret = bfgs(&pr, x, &f, iterations);
        if (ret < 0 && isfinite(f) && near_stationary(&pr, x))
            ret = 0;
    }
    for (size_t i = 0; i < dim; i++)
        u[i] = gsl_vector_get(x, i);
    *fmin = f;
    gsl_vector_free(x);
    if (ret == 0) {
        double e = hessian_min_eigen(&pr, u);
        if (!(e > MLE_FLAT))
            ret = -2;
    }
    return ret;
}

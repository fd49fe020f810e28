/* mle.h - the maximiser the CLV models share (an internal header of src/cs): a smooth function
 * of a few unconstrained variables (the logarithms of the parameters) minimised with GSL's
 * BFGS and its analytic gradient, Nelder-Mead when BFGS stalls, and GSL's special functions
 * made safe to call from a library. */
#ifndef CS_MLE_H
#define CS_MLE_H

#include <stddef.h>

#define MLE_DIM_MAX 4

/* The function to minimise: f(u), and its gradient into grad when grad is not NULL. It returns
 * a non-finite value where it is not defined. */
typedef double (*mle_fn)(void *ctx, const double *u, double *grad);

/* The smallest curvature (eigenvalue of the Hessian, per customer, in the logarithms of the
 * parameters) of a minimum the data identify; below it the minimum is a flat ridge. */
#define MLE_FLAT 1e-6

/* Minimises fn from u[0..dim) (updated in place to the minimiser); *fmin gets the minimum and
 * *iterations the steps taken. Returns 0 when it converged to a minimum whose curvature is
 * positive in every direction, -1 when it did not converge, -2 when the minimum is flat in some
 * direction (the parameters are not identified). */
int mle_minimize(mle_fn fn, void *ctx, size_t dim, double *u, double *fmin, int *iterations);

/* Turns GSL's default error handler (abort()) off, once per process: the library checks the
 * status of every GSL call it makes instead. */
void mle_gsl_init(void);

/* log Γ(x) and ψ(x) for x > 0 (GSL's). */
double mle_lgamma(double x);
double mle_digamma(double x);
/* 2F1(a, b; c; z) for 0 <= z < 1 (GSL's; the power series summed directly where GSL reports
 * an error); NAN when neither converges. */
double mle_hyperg_2f1(double a, double b, double c, double z);

#endif

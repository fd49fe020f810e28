#!/usr/bin/env python3
"""clv_fit.py - bench/clv.sh's peer: the BG/NBD maximum-likelihood fit a user would write with
NumPy and SciPy (the likelihood of Fader, Hardie & Lee 2005, eq. 6, vectorised, with its
analytic gradient, minimised by scipy.optimize.minimize's BFGS on the logarithms of the
parameters, as lifetimes does), timing the fit alone.
    clv_fit.py FILE   prints "seconds r alpha a b log_likelihood iterations"
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln


def negative_ll(u, x, tx, T):
    """The mean negative log-likelihood at u = log(r, alpha, a, b), and its gradient in u."""
    r, alpha, a, b = np.exp(u)
    n = len(x)
    p1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    lab = gammaln(a + b) - gammaln(b)
    lT = np.log(alpha + T)
    ltx = np.log(alpha + tx)
    a2 = gammaln(b + x) - gammaln(a + b + x) + lab - (r + x) * lT
    rep = x > 0
    a3 = np.full(n, -np.inf)
    a3[rep] = (np.log(a) + gammaln(b + x[rep] - 1) - gammaln(a + b + x[rep]) + lab
               - (r + x[rep]) * ltx[rep])
    m = np.maximum(a2, a3)
    e2, e3 = np.exp(a2 - m), np.exp(a3 - m)
    ll = p1 + m + np.log(e2 + e3)
    w = e3 / (e2 + e3)
    pab, pabx = digamma(a + b), digamma(a + b + x)
    gr = digamma(r + x) - digamma(r) + np.log(alpha) - (1 - w) * lT - w * ltx
    galpha = r / alpha - (r + x) * ((1 - w) / (alpha + T) + w / (alpha + tx))
    ga = pab - pabx + w / a
    psi_b3 = np.zeros(n)
    psi_b3[rep] = digamma(b + x[rep] - 1)
    gb = pab - pabx - digamma(b) + (1 - w) * digamma(b + x) + w * psi_b3
    grad = -np.array([gr.sum() * r, galpha.sum() * alpha, ga.sum() * a, gb.sum() * b]) / n
    return -ll.sum() / n, grad


def main():
    data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, ndmin=2)
    x, tx, T = data[:, 0], data[:, 1], data[:, 2]
    # the start bgnbd_fit takes: r 1, alpha the mean T, a 1, b 3
    u0 = np.log([1.0, T.mean(), 1.0, 3.0])
    t0 = time.perf_counter()
    res = minimize(negative_ll, u0, args=(x, tx, T), jac=True, method="BFGS",
                   options={"gtol": 1e-7, "maxiter": 1000})
    t1 = time.perf_counter()
    r, alpha, a, b = np.exp(res.x)
    print(f"{t1 - t0:.6f} {r:.7g} {alpha:.7g} {a:.7g} {b:.7g} {-res.fun * len(x):.6f} {res.nit}")


if __name__ == "__main__":
    main()

/* rand.h - a small seeded generator (xoshiro256**) and the distributions the demo needs. */
#ifndef BASE_RAND_H
#define BASE_RAND_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double rng_uniform(struct rng *r);                 /* [0, 1) */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi); /* [lo, hi] */
double rng_normal(struct rng *r, double mean, double sd);
double rng_exponential(struct rng *r, double mean);
int rng_poisson(struct rng *r, double mean);
int rng_bernoulli(struct rng *r, double p);
/* Picks an index by weight; weights need not sum to 1. */
int rng_pick(struct rng *r, const double *weights, int nr);

#endif

/* rand.c - xoshiro256** seeded through splitmix64 (Blackman & Vigna), plus distributions. */
#include "rand.h"

#include <math.h>

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_uniform(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

double rng_normal(struct rng *r, double mean, double sd)
{
    double u = rng_uniform(r), v = rng_uniform(r);
    return mean + sd * sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

double rng_exponential(struct rng *r, double mean)
{
    return -mean * log(1.0 - rng_uniform(r));
}

int rng_poisson(struct rng *r, double mean)
{
    if (mean <= 0)
        return 0;
    if (mean > 30) {
        double x = rng_normal(r, mean, sqrt(mean));
        return x < 0 ? 0 : (int)(x + 0.5);
    }
    double l = exp(-mean), p = 1.0;
    int k = 0;
    do {
        k++;
        p *= rng_uniform(r);
    } while (p > l);
    return k - 1;
}

int rng_bernoulli(struct rng *r, double p)
{
    return rng_uniform(r) < p;
}

int rng_pick(struct rng *r, const double *w, int nr)
{
    double sum = 0;
    for (int i = 0; i < nr; i++)
        sum += w[i];
    double x = rng_uniform(r) * sum;
    for (int i = 0; i < nr; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return nr - 1;
}

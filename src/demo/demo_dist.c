/* demo_dist.c - the samplers and calendar steps the generator needs beyond base/rand.h. */
#include "demo_int.h"

#include <math.h>

double demo_sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* Marsaglia & Tsang (2000); a shape below 1 is boosted by U^(1/shape). */
double demo_gamma(struct rng *r, double shape, double rate)
{
    if (shape < 1.0) {
        double u = rng_uniform(r);
        return demo_gamma(r, shape + 1.0, rate) * pow(1.0 - u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = rng_normal(r, 0.0, 1.0), v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        double u = 1.0 - rng_uniform(r);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v / rate;
    }
}

double demo_beta(struct rng *r, double a, double b)
{
    double x = demo_gamma(r, a, 1.0), y = demo_gamma(r, b, 1.0);
    return x / (x + y);
}

double demo_lognormal(struct rng *r, double median, double sigma)
{
    return median * exp(rng_normal(r, 0.0, sigma));
}

int demo_binomial(struct rng *r, int n, double p)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += rng_bernoulli(r, p);
    return k;
}

int demo_score(double x, int lo, int hi)
{
    double v = floor(x + 0.5);
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int)v;
}

int64_t demo_between(struct rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo));
}

uint64_t demo_mix(uint64_t seed, uint64_t index)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL ^ (index + 1) * 0xd1b54a32d192ed03ULL;
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 29)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 32);
}

int64_t demo_add_months(int64_t anchor, int k)
{
    int64_t day0 = time_day_start(anchor), month = time_month_start(day0);
    int64_t day = (day0 - month) / MS_PER_DAY; /* 0-based day of the month */
    int64_t target = time_add_months(month, k), next = time_add_months(month, k + 1);
    int64_t last = (next - target) / MS_PER_DAY - 1;
    return target + (day < last ? day : last) * MS_PER_DAY;
}

/* cache.c - the slots in which metrics keep figures between calls of a running system (one per
 * metric of the registry, per workspace: core holds them). */
#include <stdlib.h>

#include "base/mem.h"
#include "metrics.h"

static size_t count(void)
{
    size_t n = 0;
    while (metric_defs[n])
        n++;
    return n;
}

size_t metric_index(const struct metric_def *def)
{
    size_t i = 0;
    while (metric_defs[i] && metric_defs[i] != def)
        i++;
    return i;
}

struct metric_cache *metric_caches_new(void)
{
    size_t n = count();
    struct metric_cache *c = xcalloc(n, sizeof(*c));
    for (size_t i = 0; i < n; i++)
        pthread_mutex_init(&c[i].mu, NULL);
    return c;
}

void metric_caches_free(struct metric_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0, n = count(); i < n; i++) {
        if (c[i].data && c[i].release)
            c[i].release(c[i].data);
        pthread_mutex_destroy(&c[i].mu);
    }
    free(c);
}

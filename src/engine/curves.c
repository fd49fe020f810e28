/* curves.c - per-feature adoption curves: the share of customers that used each feature within
 * k days of becoming a customer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

struct curve_ctx {
    const struct engine *e;
    const struct eng_grouping *g;
    const int *days;
    size_t days_nr;
    int64_t now;
    int64_t eligible[64][32];  /* per worker, per k */
    int64_t *adopted[64];      /* per worker: names × days_nr */
    /* per worker: the latest start + k days at or before now, the first after it */
    int64_t valid_from[64], valid_until[64];
};

static void curve_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    struct curve_ctx *c = p;
    const struct engine *e = c->e;
    size_t K = c->days_nr;
    uint32_t *seen = s->names;
    int64_t *adopted = c->adopted[wi];
    uint32_t now_s = eng_sec(c->now);
    for (uint32_t a = first ? first : 1; a < end; a++) {
        const struct eng_account *ac = &e->acc[a];
        if (c->g->of[a] == UINT32_MAX || ac->start == LF_UNSET)
            continue;
        /* the answer changes when now reaches an account's start + k days (it becomes
         * eligible for k): the instants around now bound the now it holds for */
        for (size_t k = 0; k < K; k++) {
            int64_t at = ac->start + (int64_t)c->days[k] * MS_PER_DAY;
            if (at <= c->now && at > c->valid_from[wi])
                c->valid_from[wi] = at;
            else if (at > c->now && at < c->valid_until[wi])
                c->valid_until[wi] = at;
        }
        if (!eng_started(ac, c->now))
            continue;
        size_t eligible_k = 0; /* the k of days[] (ascending) this account is observed for */
        while (eligible_k < K && ac->start + (int64_t)c->days[eligible_k] * MS_PER_DAY <= c->now)
            c->eligible[wi][eligible_k++]++;
        if (!eligible_k)
            continue;
        struct eng_run r;
        eng_run_window(e, a, 0, now_s, s, &r);
        uint32_t stamp = eng_stamp(s);
        for (size_t i = 0; i < r.nr; i++) {
            uint16_t n = r.name[i];
            if (seen[n] == stamp)
                continue;
            seen[n] = stamp;
            int64_t delay = (int64_t)r.ts[i] * 1000 - ac->start;
            for (size_t k = 0; k < eligible_k; k++)
                if (delay < (int64_t)c->days[k] * MS_PER_DAY)
                    adopted[(size_t)n * K + k]++;
        }
    }
}

static int int_cmp(const void *pa, const void *pb)
{
    int x = *(const int *)pa, y = *(const int *)pb;
    return x < y ? -1 : x > y;
}

struct named {
    const char *name;
    size_t code;
};

static int named_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct named *)pa)->name, ((const struct named *)pb)->name);
}

int engine_curves(struct engine *e, const struct engine_query *q, const int *days,
                  size_t days_nr, struct engine_curves *out, struct lf_err *err)
{
    *out = (struct engine_curves){0};
    if (days_nr == 0 || days_nr > 32)
        return err_set(err, LF_EUSAGE, "give 1 to 32 day counts for the adoption curves");
    int *sorted = xmalloc(days_nr * sizeof(*sorted));
    memcpy(sorted, days, days_nr * sizeof(*sorted));
    qsort(sorted, days_nr, sizeof(*sorted), int_cmp);
    for (size_t k = 0; k < days_nr; k++)
        if (sorted[k] <= 0 || (k && sorted[k] == sorted[k - 1])) {
            free(sorted);
            return err_set(err, LF_EUSAGE, "adoption curve days must be distinct and above 0");
        }
    pthread_rwlock_rdlock(&e->lock);
    struct curve_ctx *c = xcalloc(1, sizeof(*c));
    *c = (struct curve_ctx){.e = e, .days = sorted, .days_nr = days_nr, .now = q->now};
    struct eng_grouping g = {0};
    struct named *codes = NULL;
    int workers = eng_workers(e);
    int rc = eng_grouping_make(e, q, &g, err);
    if (rc < 0)
        goto out;
    c->g = &g;
    for (int w = 0; w < workers; w++) {
        c->adopted[w] = xcalloc((e->names_nr + 1) * days_nr, sizeof(int64_t));
        c->valid_from[w] = INT64_MIN;
        c->valid_until[w] = INT64_MAX;
    }
    int used = eng_parallel(e, workers, curve_work, c);
    out->valid_from = c->valid_from[0];
    out->valid_until = c->valid_until[0];
    for (int w = 1; w < used; w++) {
        if (c->valid_from[w] > out->valid_from)
            out->valid_from = c->valid_from[w];
        if (c->valid_until[w] < out->valid_until)
            out->valid_until = c->valid_until[w];
        for (size_t k = 0; k < days_nr; k++)
            c->eligible[0][k] += c->eligible[w][k];
        for (size_t i = 0; i < (e->names_nr + 1) * days_nr; i++)
            c->adopted[0][i] += c->adopted[w][i];
    }
    codes = xmalloc((e->names_nr + 1) * sizeof(*codes));
    for (size_t n = 0; n < e->names_nr; n++)
        codes[n] = (struct named){e->names[n], n};
    qsort(codes, e->names_nr, sizeof(*codes), named_cmp);
    out->rows = xcalloc(e->names_nr * days_nr + 1, sizeof(*out->rows));
    for (size_t i = 0; i < e->names_nr; i++)
        for (size_t k = 0; k < days_nr; k++) {
            int64_t el = c->eligible[0][k], ad = c->adopted[0][codes[i].code * days_nr + k];
            out->rows[out->nr++] = (struct engine_curve_row){
                codes[i].name, sorted[k], el, ad,
                el ? (double)ad / (double)el : NAN};
        }
out:
    for (int w = 0; w < workers; w++)
        free(c->adopted[w]);
    eng_grouping_release(&g);
    free(codes);
    free(c);
    free(sorted);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_curves_free(struct engine_curves *c)
{
    if (!c)
        return;
    free(c->rows);
    *c = (struct engine_curves){0};
}

/* names.c - feature usage: per event name, the events and the accounts that used it in a
 * window, over the accounts a query keeps (one account, a filter, or all). */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "engine_int.h"

struct names_worker {
    int64_t *events, *accounts; /* by name code */
    int64_t active;             /* accounts with an event in the window */
};

struct names_ctx {
    const struct engine *e;
    const struct eng_grouping *g;
    uint32_t from_s, to_s;
    struct names_worker w[64];
};

static void names_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    struct names_ctx *c = p;
    const struct engine *e = c->e;
    struct names_worker *w = &c->w[wi];
    uint32_t *seen = xcalloc(e->names_nr + 1, sizeof(*seen));
    for (uint32_t a = first ? first : 1; a < end; a++) { /* slot 0 is no account */
        if (c->g->of[a] == UINT32_MAX)
            continue;
        struct eng_run r;
        eng_run_window(e, a, c->from_s, c->to_s, s, &r);
        if (r.nr)
            w->active++;
        for (size_t i = 0; i < r.nr; i++) {
            uint16_t n = r.name[i];
            w->events[n]++;
            if (seen[n] != a) {
                seen[n] = a;
                w->accounts[n]++;
            }
        }
    }
    free(seen);
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct engine_name_row *x = pa, *y = pb;
    if (x->accounts != y->accounts)
        return x->accounts > y->accounts ? -1 : 1;
    return strcmp(x->name, y->name);
}

int engine_names(struct engine *e, const struct engine_query *q, struct engine_names *out,
                 struct lf_err *err)
{
    struct eng_grouping g;
    *out = (struct engine_names){0};
    if (q->to <= q->from)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    pthread_rwlock_rdlock(&e->lock);
    if (eng_grouping_make(e, q, &g, err) < 0) {
        pthread_rwlock_unlock(&e->lock);
        return -1;
    }
    struct names_ctx c = {.e = e, .g = &g, .from_s = eng_sec(q->from), .to_s = eng_sec(q->to)};
    int workers = eng_workers(e);
    size_t n = e->names_nr + 1;
    for (int k = 0; k < workers; k++) {
        c.w[k].events = xcalloc(n, sizeof(int64_t));
        c.w[k].accounts = xcalloc(n, sizeof(int64_t));
    }
    int used = eng_parallel(e, workers, names_work, &c);
    (void)used;
    for (int k = 1; k < workers; k++) {
        for (size_t i = 0; i < n; i++) {
            c.w[0].events[i] += c.w[k].events[i];
            c.w[0].accounts[i] += c.w[k].accounts[i];
        }
        c.w[0].active += c.w[k].active;
    }
    out->active = c.w[0].active;
    out->catalogue = e->names_nr;
    out->rows = xmalloc((e->names_nr ? e->names_nr : 1) * sizeof(*out->rows));
    for (size_t i = 0; i < e->names_nr; i++) {
        if (!c.w[0].events[i])
            continue;
        out->rows[out->nr++] = (struct engine_name_row){.name = xstrdup(e->names[i]),
                                                        .events = c.w[0].events[i],
                                                        .accounts = c.w[0].accounts[i]};
    }
    qsort(out->rows, out->nr, sizeof(*out->rows), row_cmp);
    for (int k = 0; k < workers; k++) {
        free(c.w[k].events);
        free(c.w[k].accounts);
    }
    eng_grouping_release(&g);
    pthread_rwlock_unlock(&e->lock);
    return 0;
}

void engine_names_free(struct engine_names *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nr; i++)
        free(n->rows[i].name);
    free(n->rows);
    *n = (struct engine_names){0};
}

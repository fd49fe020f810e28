/* ttv.c - time to value: when each customer first reached its value milestone (an event name). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

struct ttv_ctx {
    const struct engine *e;
    int code;
    int64_t now;
    uint32_t now_s;
    int64_t *first; /* by dense account: the milestone's first time, ms, or LF_UNSET */
};

static void ttv_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    (void)wi;
    struct ttv_ctx *c = p;
    for (uint32_t a = first; a < end; a++) {
        if (!eng_started(&c->e->acc[a], c->now))
            continue;
        struct eng_run r;
        eng_run_window(c->e, a, 0, c->now_s, s, &r);
        for (size_t i = 0; i < r.nr; i++)
            if (r.name[i] == c->code) {
                c->first[a] = (int64_t)r.ts[i] * 1000;
                break;
            }
    }
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct engine_ttv_row *x = pa, *y = pb;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->account_id < y->account_id ? -1 : x->account_id > y->account_id;
}

int engine_ttv(struct engine *e, const struct engine_query *q, const char *milestone,
               struct engine_ttv *out, struct lf_err *err)
{
    *out = (struct engine_ttv){0};
    pthread_rwlock_rdlock(&e->lock);
    int rc = 0;
    struct ttv_ctx c = {.e = e, .code = eng_name_find(e, milestone),
                        .now = q->now, .now_s = eng_sec(q->now)};
    if (c.code < 0) {
        rc = err_set(err, LF_ENOENT, "no event named '%s' in this workspace", milestone);
        goto out;
    }
    c.first = xmalloc(e->acc_nr * sizeof(*c.first));
    for (size_t a = 0; a < e->acc_nr; a++)
        c.first[a] = LF_UNSET;
    if (q->account) {
        /* one account (the account page's expansion signals): its run alone, not every
         * account's history; an account the engine does not know has no row either way */
        uint32_t a = eng_idmap_get(&e->acc_map, q->account);
        if (a) {
            struct eng_scratch *s = eng_scratch_get(e);
            ttv_work(&c, 0, s, a - 1, a);
            eng_scratch_put(e, s);
        }
    } else {
        eng_parallel(e, eng_workers(e), ttv_work, &c);
    }
    out->rows = xcalloc(e->acc_nr, sizeof(*out->rows));
    for (size_t a = 1; a < e->acc_nr; a++) {
        const struct eng_account *ac = &e->acc[a];
        if (!eng_started(ac, q->now) || (q->account && ac->id != q->account))
            continue;
        struct engine_ttv_row *r = &out->rows[out->nr++];
        r->account_id = ac->id;
        r->ext_id = ac->ext_id ? ac->ext_id : "";
        r->start = ac->start;
        r->reached_at = c.first[a];
        r->days = NAN;
        if (r->reached_at != LF_UNSET)
            r->days = r->reached_at > ac->start
                          ? (double)(r->reached_at - ac->start) / MS_PER_DAY : 0.0;
        r->churned = ac->churned_at != LF_UNSET && ac->churned_at < q->now;
    }
    qsort(out->rows, out->nr, sizeof(*out->rows), row_cmp);
    free(c.first);
out:
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_ttv_free(struct engine_ttv *t)
{
    if (!t)
        return;
    free(t->rows);
    *t = (struct engine_ttv){0};
}

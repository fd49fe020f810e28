/* dataset.c - loading the rows of the store-based metrics once per computation, and splitting
 * them into the groups of `by`. */
#include "dataset.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* ---- loading ---- */

static struct ds_account *ds_of(const struct dataset *d, int64_t id)
{
    const struct metric_account *a = metric_account(d->c, id);
    return a ? &d->acc[a - d->c->acc] : NULL;
}

static int on_mrr(void *p, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct dataset *d = p;
    struct ds_account *a = ds_of(d, m->account_id);
    if (!a)
        return 0;
    a->changes = xgrow(a->changes, sizeof(*a->changes), a->changes_nr + 1, &a->changes_cap);
    a->changes[a->changes_nr++] = (struct mrr_change){.id = m->id,
                                                      .account_id = m->account_id,
                                                      .date = metric_local_date(d->c, m->date),
                                                      .mrr = m->mrr,
                                                      .reason = metric_keep(d->c, m->reason)};
    return 0;
}

static int on_order(void *p, const struct order *o, struct lf_err *err)
{
    (void)err;
    struct dataset *d = p;
    struct ds_account *a = ds_of(d, o->account_id);
    if (!metric_account_passes(d->c, a ? a->a : NULL))
        return 0;
    d->orders = xgrow(d->orders, sizeof(*d->orders), d->orders_nr + 1, &d->orders_cap);
    d->orders[d->orders_nr++] = (struct order){.id = o->id,
                                               .account_id = o->account_id,
                                               .contact_id = o->contact_id,
                                               .ts = o->ts,
                                               .amount = o->amount};
    if (a && (a->first_order == LF_UNSET || o->ts < a->first_order))
        a->first_order = o->ts;
    return 0;
}

static int on_survey(void *p, const struct survey *s, struct lf_err *err)
{
    (void)err;
    struct dataset *d = p;
    d->surveys = xgrow(d->surveys, sizeof(*d->surveys), d->surveys_nr + 1, &d->surveys_cap);
    struct survey *k = &d->surveys[d->surveys_nr++];
    *k = *s;
    k->ext_id = metric_keep(d->c, s->ext_id);
    k->name = NULL;
    return 0;
}

static int on_touchpoint(void *p, const struct touchpoint *t, struct lf_err *err)
{
    (void)err;
    struct dataset *d = p;
    d->tps = xgrow(d->tps, sizeof(*d->tps), d->tps_nr + 1, &d->tps_cap);
    d->tps[d->tps_nr++] = (struct ds_touchpoint){t->id, metric_keep_name(d->c, &d->names, t->team),
                                                 metric_keep_name(d->c, &d->names, t->kind),
                                                 metric_keep_name(d->c, &d->names, t->channel)};
    return 0;
}

static int tp_cmp(const void *pa, const void *pb)
{
    const struct ds_touchpoint *x = pa, *y = pb;
    return x->id < y->id ? -1 : x->id > y->id;
}

static const struct ds_touchpoint *tp_find(const struct dataset *d, int64_t id)
{
    struct ds_touchpoint key = {.id = id};
    return d->tps_nr ? bsearch(&key, d->tps, d->tps_nr, sizeof(*d->tps), tp_cmp) : NULL;
}

static const struct survey *survey_by_id(const struct dataset *d, int64_t id)
{
    for (size_t i = 0; i < d->surveys_nr; i++)
        if (d->surveys[i].id == id)
            return &d->surveys[i];
    return NULL;
}

struct resp_load {
    struct dataset *d;
    int64_t from, to;
    bool (*keep)(void *ctx, const struct survey *s);
    void *keep_ctx;
};

/* Whether a response passes the filters on its own fields (its account's are checked too). */
static bool response_passes(const struct metric_ctx *c, const struct ds_response *r)
{
    if (!metric_account_passes(c, r->a))
        return false;
    for (size_t i = 0; i < c->where_nr; i++)
        if (!dim_of_account(c->where[i].dim) &&
            strcmp(dataset_response_value(r, c->where[i].dim), c->where[i].value) != 0)
            return false;
    return true;
}

static int on_response(void *p, const struct response *r, struct lf_err *err)
{
    (void)err;
    struct resp_load *l = p;
    struct dataset *d = l->d;
    if (r->ts < l->from || r->ts >= l->to)
        return 0;
    const struct survey *s = survey_by_id(d, r->survey_id);
    if (!s || (l->keep && !l->keep(l->keep_ctx, s)))
        return 0;
    struct ds_response x = {.ts = r->ts,
                            .a = r->account_id ? metric_account(d->c, r->account_id) : NULL,
                            .survey = s,
                            .tp = r->touchpoint_id ? tp_find(d, r->touchpoint_id) : NULL,
                            .score = r->score};
    if (!response_passes(d->c, &x))
        return 0;
    d->resp = xgrow(d->resp, sizeof(*d->resp), d->resp_nr + 1, &d->resp_cap);
    d->resp[d->resp_nr++] = x;
    return 0;
}

static int load_store(struct dataset *d, struct metric_ctx *c, unsigned what, int64_t from,
                      int64_t to, bool (*keep)(void *ctx, const struct survey *s), void *keep_ctx,
                      struct lf_err *err)
{
    memset(d, 0, sizeof(*d));
    d->c = c;
    if (metric_accounts(c, err) < 0)
        return -1;
    d->acc = xcalloc(c->acc_nr ? c->acc_nr : 1, sizeof(*d->acc));
    for (size_t i = 0; i < c->acc_nr; i++)
        d->acc[i] = (struct ds_account){.a = &c->acc[i], .first_order = LF_UNSET};
    if ((what & LOAD_MRR) && store_mrr_changes_scan(c->st, c->ws, 0, on_mrr, d, err) < 0)
        return -1;
    if ((what & LOAD_ORDERS) && store_orders_scan(c->st, c->ws, on_order, d, err) < 0)
        return -1;
    if (what & LOAD_RESPONSES) {
        struct resp_load l = {d, from, to, keep, keep_ctx};
        if (store_surveys_scan(c->st, c->ws, on_survey, d, err) < 0 ||
            store_touchpoints_scan(c->st, c->ws, on_touchpoint, d, err) < 0)
            return -1;
        if (d->tps_nr)
            qsort(d->tps, d->tps_nr, sizeof(*d->tps), tp_cmp);
        if (store_responses_scan(c->st, c->ws, on_response, &l, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- the responses kept between calls ---- */

/* Every response of the workspace (of a known survey), read at change-log position seq by a
 * context of its own, which owns the accounts and strings they point to. */
struct kept {
    struct metric_ctx kc;
    struct dataset d;
    int64_t seq;
    bool have;
    struct metric_answers answers; /* computed from them */
};

static void kept_free(void *p)
{
    struct kept *k = p;
    if (k->have) {
        dataset_release(&k->d);
        metric_ctx_release(&k->kc);
    }
    metric_answers_release(&k->answers);
    free(k);
}

struct metric_answers *dataset_answers(const struct dataset *d)
{
    return d->held ? &((struct kept *)d->held->data)->answers : NULL;
}

/* what the kept responses are made of: a change to any of them reads them again (not contacts:
 * a response names its account itself, and a contact's merge moves no response) */
static const struct resource_def *const kept_defs[] = {
    &resource_accounts, &resource_touchpoints, &resource_surveys, &resource_responses, NULL};

/* The kept responses of c's snapshot, made when stale; with the cache's mutex held (1), or 0
 * (not held) when c's snapshot is older than what is kept: c reads the store itself. */
static int kept_get(struct metric_ctx *c, struct kept **out, struct lf_err *err)
{
    pthread_mutex_lock(&c->cache->mu);
    if (!c->cache->data) {
        c->cache->data = xcalloc(1, sizeof(struct kept));
        c->cache->release = kept_free;
    }
    struct kept *k = c->cache->data;
    int64_t now;
    int fresh = metric_kept_fresh(c, k->have, k->seq, kept_defs, &now, err);
    if (fresh < 0 || (!fresh && k->have && k->seq > now)) {
        pthread_mutex_unlock(&c->cache->mu);
        return fresh < 0 ? -1 : 0;
    }
    if (fresh) {
        k->seq = now;
    } else {
        if (k->have) {
            dataset_release(&k->d);
            metric_ctx_release(&k->kc);
            k->have = false;
        }
        metric_answers_release(&k->answers);
        /* a context without filters, in c's snapshot: every response */
        k->kc = (struct metric_ctx){.def = c->def, .st = c->st, .ws = c->ws, .tz = c->tz,
                                    .now = c->now, .from = LF_UNSET, .to = LF_UNSET};
        int rc = load_store(&k->d, &k->kc, LOAD_RESPONSES, INT64_MIN, INT64_MAX, NULL, NULL, err);
        if (rc < 0) {
            dataset_release(&k->d);
            metric_ctx_release(&k->kc);
            pthread_mutex_unlock(&c->cache->mu);
            return -1;
        }
        k->kc.st = NULL; /* c's connection is not kept */
        k->seq = now;
        k->have = true;
    }
    *out = k;
    return 1;
}

int dataset_load(struct dataset *d, struct metric_ctx *c, unsigned what, int64_t from, int64_t to,
                 bool (*keep)(void *ctx, const struct survey *s), void *keep_ctx,
                 struct lf_err *err)
{
    struct kept *k = NULL;
    memset(d, 0, sizeof(*d)); /* released by the caller even when this fails */
    int got = what == LOAD_RESPONSES && metric_keeps(c, "LANDFALL_CX_CACHE")
                  ? kept_get(c, &k, err)
                  : 0;
    if (got <= 0)
        return got < 0 ? -1 : load_store(d, c, what, from, to, keep, keep_ctx, err);
    /* the same responses, in the same order, as a read of the store would keep */
    memset(d, 0, sizeof(*d));
    d->c = c;
    d->held = c->cache;
    d->surveys = k->d.surveys;
    d->surveys_nr = k->d.surveys_nr;
    d->tps = k->d.tps;
    d->tps_nr = k->d.tps_nr;
    for (size_t i = 0; i < k->d.resp_nr; i++) {
        const struct ds_response *r = &k->d.resp[i];
        if (r->ts < from || r->ts >= to || (keep && !keep(keep_ctx, r->survey)) ||
            !response_passes(c, r))
            continue;
        d->resp = xgrow(d->resp, sizeof(*d->resp), d->resp_nr + 1, &d->resp_cap);
        d->resp[d->resp_nr++] = *r;
    }
    return 0;
}

void dataset_release(struct dataset *d)
{
    if (d->held) { /* the surveys and touchpoints are the kept ones */
        free(d->resp);
        strmap_release(&d->names);
        pthread_mutex_unlock(&d->held->mu);
        memset(d, 0, sizeof(*d));
        return;
    }
    for (size_t i = 0; d->acc && i < d->c->acc_nr; i++)
        free(d->acc[i].changes);
    free(d->acc);
    free(d->orders);
    free(d->surveys);
    free(d->tps);
    free(d->resp);
    strmap_release(&d->names);
    memset(d, 0, sizeof(*d));
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

const char *dataset_response_value(const struct ds_response *r, int dim)
{
    switch (dim) {
    case DIM_TEAM:
        return or_none(r->tp ? r->tp->team : NULL);
    case DIM_TOUCHPOINT:
        return or_none(r->tp ? r->tp->kind : NULL);
    case DIM_CHANNEL:
        return or_none(r->tp ? r->tp->channel : NULL);
    case DIM_SURVEY:
        return r->survey->ext_id;
    default:
        return metric_account_value(r->a, dim);
    }
}

/* ---- groups ---- */

void groups_init(struct groups *gs)
{
    memset(gs, 0, sizeof(*gs));
    strmap_init(&gs->index);
}

void groups_release(struct groups *gs)
{
    for (size_t i = 0; i < gs->nr; i++) {
        free(gs->g[i].acc);
        free(gs->g[i].scores);
        free(gs->g[i].orders);
    }
    free(gs->g);
    strmap_release(&gs->index);
    buf_release(&gs->key);
}

struct group *groups_get(struct groups *gs, const struct metric_ctx *c, const char *const *labels,
                         const char *currency)
{
    buf_reset(&gs->key);
    for (size_t k = 0; k < c->by_nr; k++) {
        if (!dim_is_period(c->by[k]))
            buf_adds(&gs->key, labels[k]);
        buf_addc(&gs->key, '\x1f');
    }
    buf_adds(&gs->key, currency ? currency : "");
    int64_t i;
    if (!strmap_get(&gs->index, gs->key.ptr, gs->key.len, &i)) {
        gs->g = xgrow(gs->g, sizeof(*gs->g), gs->nr + 1, &gs->cap);
        struct group *g = &gs->g[gs->nr];
        *g = (struct group){.currency = currency};
        for (size_t k = 0; k < c->by_nr; k++)
            g->labels[k] = dim_is_period(c->by[k]) ? NULL : labels[k];
        i = (int64_t)gs->nr++;
        strmap_put(&gs->index, gs->key.ptr, gs->key.len, i);
    }
    return &gs->g[i];
}

static const struct metric_ctx *sorting; /* groups_sort's context (qsort has none) */

static int nullstr_cmp(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "");
}

static int group_cmp(const void *pa, const void *pb)
{
    const struct group *x = pa, *y = pb;
    for (size_t k = 0; k < sorting->by_nr; k++) {
        int d = nullstr_cmp(x->labels[k], y->labels[k]);
        if (d)
            return d;
    }
    return nullstr_cmp(x->currency, y->currency);
}

static int score_cmp(const void *pa, const void *pb)
{
    const struct timed_score *x = pa, *y = pb;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

void groups_sort(struct groups *gs, const struct metric_ctx *c)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    strmap_release(&gs->index);
    strmap_init(&gs->index);
    for (size_t i = 0; i < gs->nr; i++)
        if (gs->g[i].scores_nr > 1)
            qsort(gs->g[i].scores, gs->g[i].scores_nr, sizeof(*gs->g[i].scores), score_cmp);
    if (gs->nr < 2)
        return;
    pthread_mutex_lock(&mu);
    sorting = c;
    qsort(gs->g, gs->nr, sizeof(*gs->g), group_cmp);
    pthread_mutex_unlock(&mu);
}

/* The first score of g at or after ts. */
static size_t score_lower(const struct group *g, int64_t ts)
{
    size_t lo = 0, hi = g->scores_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->scores[mid].ts < ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t group_scores(const struct group *g, int64_t from, int64_t to, struct cx_score *out)
{
    size_t n = 0;
    for (size_t i = score_lower(g, from); i < g->scores_nr && g->scores[i].ts < to; i++)
        out[n++] = g->scores[i].s;
    return n;
}

void group_labels(const struct metric_ctx *c, const struct metric_period *p,
                  const struct group *g, const char *labels[METRIC_BY_MAX])
{
    for (size_t k = 0; k < c->by_nr; k++)
        labels[k] = dim_is_period(c->by[k]) ? p->label : g->labels[k];
}

void groups_each(const struct metric_ctx *c, const struct metric_period *periods,
                 size_t periods_nr, const struct groups *gs, row_fn fn, void *ctx)
{
    bool period_first = c->by_nr && dim_is_period(c->by[0]);
    if (period_first || metric_period_dim(c) < 0) {
        for (size_t p = 0; p < periods_nr; p++)
            for (size_t i = 0; i < gs->nr; i++)
                fn(ctx, &periods[p], &gs->g[i]);
    } else {
        for (size_t i = 0; i < gs->nr; i++)
            for (size_t p = 0; p < periods_nr; p++)
                fn(ctx, &periods[p], &gs->g[i]);
    }
}

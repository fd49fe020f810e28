/* usage_cache.c - the usage page's answers (activity per period, feature usage, adoption
 * curves) kept between calls of a running system, each checked against the engine's changes
 * since it was computed, so that what is served is what the engine would compute now.
 *
 * An activity series is kept period by period (a day, a week, a month: each one's figures
 * depend only on its own events), with the engine's state when it was computed: a request
 * takes the periods whose events did not change since (engine_changed over the period) and
 * computes the others, in runs of neighbours, with one engine_activity each. A period the
 * window cuts (the first, from a `from` in its middle; the last, at a `to` of now) is taken
 * when the kept one was cut at the same instants, or when the engine held no event between the
 * kept cut and the asked one (the events nearest the cut, engine_events_around, kept with it)
 * and none was added there since: the same events, the same figures.
 * Feature usage is kept whole the same way (its window as one period); adoption curves with the
 * range of `now` they hold for (engine_curves' valid_from, valid_until) and the engine's state.
 *
 * The groupings of `by` and `where` are kept too (usage_groups_recall), while the change log
 * holds no account's change since their accounts were read.
 *
 * Bounds: at most CACHE_ENTRIES answers (an activity series is one) and CACHE_BYTES bytes; the
 * least recently used go first, and an answer bigger than the bound alone is not kept. And
 * GROUPINGS_KEPT groupings (12 bytes an account with a group: 1.2 MB at 100 000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "usage_int.h"

#define CACHE_ENTRIES 64
#define CACHE_BYTES ((size_t)64 << 20)

enum kind { K_ACTIVITY, K_NAMES, K_CURVES };

/* A group's figures in one period (groups without an event are not kept). */
struct cell {
    uint32_t group;
    int64_t users, accounts, events;
};

/* The events nearest the ends of a window when an answer over it was computed
 * (engine_events_around), for a window cut elsewhere: unknown ends serve only the same cut. */
struct ends {
    bool lo_known, hi_known;
    int64_t lo_before, lo_after, hi_before, hi_after;
};

/* One period of an activity series: its events in [lo, hi) as of engine state st. */
struct period {
    int64_t start, lo, hi;
    struct engine_state st;
    struct ends ends;
    struct cell *cells; /* by group */
    size_t nr;
};

struct entry {
    char *key;
    int kind;
    size_t bytes;
    struct entry *prev, *next; /* most recently used first */
    /* K_ACTIVITY: by start */
    struct period *per;
    size_t per_nr, per_cap;
    /* K_NAMES and K_CURVES: one answer, computed at st over [lo, hi) (names) or for any now
     * in [lo, hi) (curves) */
    struct engine_state st;
    int64_t lo, hi;
    struct ends ends;
    struct engine_names names;   /* names' strings owned */
    struct engine_curves curves; /* features' strings owned */
};

/* A grouping (usage_groups_recall): of `spec` (by and where), made from the accounts of
 * change-log position seq. */
#define GROUPINGS_KEPT 8
struct grouping {
    char *spec;
    int64_t seq;
    char **labels;
    size_t nr;
    bool with_unknown;
    char key[64];
    int64_t *ids;
    uint32_t *ids_group;
    size_t ids_nr;
    uint64_t used; /* the cache's clock when last used */
};

struct cache {
    struct entry *head, *tail;
    size_t nr, bytes;
    struct usage_cache_stats stats;
    struct grouping groupings[GROUPINGS_KEPT]; /* spec NULL: free */
    uint64_t clock;
};

static void period_release(struct period *p)
{
    free(p->cells);
    p->cells = NULL;
    p->nr = 0;
}

static void entry_free(struct entry *x)
{
    for (size_t i = 0; i < x->per_nr; i++)
        period_release(&x->per[i]);
    free(x->per);
    engine_names_free(&x->names);
    usage_curves_free(&x->curves);
    free(x->key);
    free(x);
}

static void grouping_release(struct grouping *g)
{
    for (size_t i = 0; i < g->nr; i++)
        free(g->labels[i]);
    free(g->labels);
    free(g->ids);
    free(g->ids_group);
    free(g->spec);
    *g = (struct grouping){0};
}

static void cache_free(void *p)
{
    struct cache *k = p;
    for (size_t i = 0; i < GROUPINGS_KEPT; i++)
        grouping_release(&k->groupings[i]);
    for (struct entry *x = k->head, *next; x; x = next) {
        next = x->next;
        entry_free(x);
    }
    free(k);
}

static void unlink_entry(struct cache *k, struct entry *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        k->head = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        k->tail = x->prev;
    x->prev = x->next = NULL;
}

static void push_front(struct cache *k, struct entry *x)
{
    x->next = k->head;
    x->prev = NULL;
    if (k->head)
        k->head->prev = x;
    k->head = x;
    if (!k->tail)
        k->tail = x;
}

static void drop(struct cache *k, struct entry *x)
{
    unlink_entry(k, x);
    k->nr--;
    k->bytes -= x->bytes;
    entry_free(x);
}

/* Whether the call keeps its answers: not without a running system's cache, nor for one
 * account (the account page: each of many accounts would push the usage page's answers out,
 * and the engine computes one account's quickly), nor with LANDFALL_USAGE_CACHE=0. */
static bool cache_on(const struct metric_ctx *c)
{
    return metric_keeps(c, "LANDFALL_USAGE_CACHE");
}

/* The cache of the call (its mutex held), or NULL when the call computes afresh. */
static struct cache *cache_lock(struct metric_ctx *c)
{
    if (!cache_on(c))
        return NULL;
    pthread_mutex_lock(&c->cache->mu);
    if (!c->cache->data) {
        c->cache->data = xcalloc(1, sizeof(struct cache));
        c->cache->release = cache_free;
    }
    return c->cache->data;
}

static void cache_unlock(struct metric_ctx *c)
{
    pthread_mutex_unlock(&c->cache->mu);
}

/* The entry of key (made when missing), most recently used now. */
static struct entry *entry_of(struct cache *k, const char *key, int kind)
{
    struct entry *x = k->head;
    while (x && strcmp(x->key, key) != 0)
        x = x->next;
    if (x) {
        unlink_entry(k, x);
    } else {
        x = xcalloc(1, sizeof(*x));
        x->key = xstrdup(key);
        x->kind = kind;
        x->bytes = sizeof(*x) + strlen(key) + 1;
        k->nr++;
        k->bytes += x->bytes;
    }
    push_front(k, x);
    return x;
}

/* Sets x's size to bytes and evicts the least recently used until the bounds hold (x too,
 * when it alone is over them). */
static void resize(struct cache *k, struct entry *x, size_t bytes)
{
    k->bytes = k->bytes - x->bytes + bytes;
    x->bytes = bytes;
    while (k->tail && (k->nr > CACHE_ENTRIES || k->bytes > CACHE_BYTES))
        drop(k, k->tail);
}

/* Whether what was computed over [lo, hi) at state st (with the events nearest its ends) is
 * what [from, to) reads now: no event was added in either range since, and none was between
 * the two windows' ends when it was computed. */
static bool same_events(struct engine *e, const struct engine_state *st, int64_t lo, int64_t hi,
                        const struct ends *n, int64_t from, int64_t to)
{
    if (lo != from && (!n->lo_known || (from > lo ? n->lo_after < from : n->lo_before >= from)))
        return false;
    if (hi != to && (!n->hi_known || (to > hi ? n->hi_after < to : n->hi_before >= to)))
        return false;
    return !engine_changed(e, st, lo < from ? lo : from, hi > to ? hi : to, false);
}

void usage_cache_stats(struct metric_cache *cache, struct usage_cache_stats *out)
{
    *out = (struct usage_cache_stats){0};
    pthread_mutex_lock(&cache->mu);
    const struct cache *k = cache->data;
    if (k) {
        *out = k->stats;
        out->entries = k->nr;
        out->bytes = k->bytes;
    }
    pthread_mutex_unlock(&cache->mu);
}

/* ---- groupings ---- */

/* `by` and `where` as text: the spec of a grouping. */
static char *spec_of(const struct metric_ctx *c)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < c->by_nr; i++)
        buf_addf(&b, "by %d\x1f", c->by[i]);
    for (size_t i = 0; i < c->where_nr; i++)
        buf_addf(&b, "where %d %s\x1f", c->where[i].dim, c->where[i].value);
    return buf_detach(&b);
}

static int on_change(void *ctx, const struct store_change_rec *r, struct lf_err *err)
{
    (void)err;
    bool *accounts = ctx;
    if (r->resource == 0 || r->resource == resource_accounts.code) /* a reset, an account */
        *accounts = true;
    return 0;
}

bool usage_groups_recall(struct usage_groups *u, struct metric_ctx *c)
{
    int64_t seq, events;
    struct lf_err err = {0};
    if (!cache_on(c) || store_feed_position(c->st, c->ws, &seq, &events, &err) < 0)
        return false;
    char *spec = spec_of(c);
    struct cache *k = cache_lock(c);
    struct grouping *g = NULL;
    for (size_t i = 0; i < GROUPINGS_KEPT && !g; i++)
        if (k->groupings[i].spec && !strcmp(k->groupings[i].spec, spec))
            g = &k->groupings[i];
    bool ok = false;
    if (g && g->seq <= seq) {
        bool accounts = false;
        /* the changes since it was made: no account among them, it is this snapshot's too */
        if (g->seq == seq ||
            (store_changes_scan(c->st, c->ws, g->seq, seq, on_change, &accounts, &err) == 0 &&
             !accounts)) {
            g->seq = seq;
            ok = true;
        } else if (accounts) {
            grouping_release(g);
        }
    }
    if (ok) {
        g->used = ++k->clock;
        u->labels = xmalloc((g->nr ? g->nr : 1) * sizeof(*u->labels));
        for (size_t i = 0; i < g->nr; i++)
            u->labels[i] = xstrdup(g->labels[i]);
        u->nr = g->nr;
        u->with_unknown = g->with_unknown;
        memcpy(u->key, g->key, sizeof(u->key));
        u->ids = xmalloc((g->ids_nr ? g->ids_nr : 1) * sizeof(*u->ids));
        u->ids_group = xmalloc((g->ids_nr ? g->ids_nr : 1) * sizeof(*u->ids_group));
        if (g->ids_nr) {
            memcpy(u->ids, g->ids, g->ids_nr * sizeof(*u->ids));
            memcpy(u->ids_group, g->ids_group, g->ids_nr * sizeof(*u->ids_group));
        }
        u->ids_nr = g->ids_nr;
    }
    cache_unlock(c);
    free(spec);
    return ok;
}

void usage_groups_remember(const struct usage_groups *u, struct metric_ctx *c)
{
    int64_t seq, events;
    struct lf_err err = {0};
    if (!cache_on(c) || !u->of || store_feed_position(c->st, c->ws, &seq, &events, &err) < 0)
        return;
    struct grouping g = {.spec = spec_of(c), .seq = seq, .nr = u->nr,
                         .with_unknown = u->with_unknown};
    memcpy(g.key, u->key, sizeof(g.key));
    g.labels = xmalloc((u->nr ? u->nr : 1) * sizeof(*g.labels));
    for (size_t i = 0; i < u->nr; i++)
        g.labels[i] = xstrdup(u->labels[i]);
    g.ids = xmalloc((c->acc_nr ? c->acc_nr : 1) * sizeof(*g.ids));
    g.ids_group = xmalloc((c->acc_nr ? c->acc_nr : 1) * sizeof(*g.ids_group));
    for (size_t i = 0; i < c->acc_nr; i++) /* c->acc is by id */
        if (u->of[i] != ENGINE_NO_GROUP) {
            g.ids[g.ids_nr] = c->acc[i].id;
            g.ids_group[g.ids_nr++] = u->of[i];
        }
    struct cache *k = cache_lock(c);
    /* in place of the one of the same spec, else of a free or the least recently used slot */
    size_t at = 0;
    for (size_t i = 0; i < GROUPINGS_KEPT; i++) {
        const struct grouping *h = &k->groupings[i];
        if (h->spec && !strcmp(h->spec, g.spec)) {
            at = i;
            break;
        }
        if (!h->spec || (k->groupings[at].spec && h->used < k->groupings[at].used))
            at = i;
    }
    if (k->groupings[at].spec && k->groupings[at].seq > seq) { /* a newer one stays */
        cache_unlock(c);
        grouping_release(&g);
        return;
    }
    grouping_release(&k->groupings[at]);
    g.used = ++k->clock;
    k->groupings[at] = g;
    cache_unlock(c);
}

/* ---- activity ---- */

static const int period_dims[] = {[ENGINE_DAY] = DIM_DAY, [ENGINE_WEEK] = DIM_WEEK,
                                  [ENGINE_MONTH] = DIM_MONTH};

static struct period *find_period(struct entry *x, int64_t start)
{
    size_t lo = 0, hi = x->per_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->per[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->per_nr && x->per[lo].start == start ? &x->per[lo] : NULL;
}

/* Puts p (taking its cells) into x, in place of the one of the same start. */
static size_t put_period(struct entry *x, struct period *p)
{
    struct period *old = find_period(x, p->start);
    size_t delta = p->nr * sizeof(*p->cells);
    if (old) {
        delta -= old->nr * sizeof(*old->cells);
        period_release(old);
        *old = *p;
        return delta;
    }
    x->per = xgrow(x->per, sizeof(*x->per), x->per_nr + 1, &x->per_cap);
    size_t i = x->per_nr;
    while (i > 0 && x->per[i - 1].start > p->start) {
        x->per[i] = x->per[i - 1];
        i--;
    }
    x->per[i] = *p;
    x->per_nr++;
    return delta + sizeof(*p);
}

static struct cell *copy_cells(const struct cell *cells, size_t nr)
{
    struct cell *out = xmalloc((nr ? nr : 1) * sizeof(*out));
    if (nr)
        memcpy(out, cells, nr * sizeof(*out));
    return out;
}

/* Computes the periods per[i..j] of per[0..P) (their cut [from, to) as the request asks) into
 * got[]; the first period of the request, when cut, and its last one keep the events nearest
 * their ends (their windows move with the clock). */
static int compute_run(struct metric_ctx *c, const struct engine_query *q, int period,
                       size_t groups, const struct metric_period *per, size_t P_all, size_t i,
                       size_t j, struct period *got, struct lf_err *err)
{
    struct engine_query r = *q;
    struct engine_activity a;
    struct engine_state st;
    r.from = per[i].from;
    r.to = per[j].to;
    engine_state(c->e, &st);
    if (engine_activity(c->e, &r, period, &a, err) < 0)
        return -1;
    size_t P = j - i + 1;
    for (size_t k = i; k <= j; k++)
        got[k] = (struct period){.start = per[k].start, .lo = per[k].from, .hi = per[k].to,
                                 .st = st};
    if (i == 0 && per[0].from != per[0].start) {
        got[0].ends.lo_known = true;
        engine_events_around(c->e, per[0].from, &got[0].ends.lo_before, &got[0].ends.lo_after);
    }
    if (j == P_all - 1) {
        got[j].ends.hi_known = true;
        engine_events_around(c->e, per[j].to, &got[j].ends.hi_before, &got[j].ends.hi_after);
    }
    size_t *cap = xcalloc(P, sizeof(*cap));
    int ret = 0;
    /* rows: every period of a group with activity, in order (engine_activity) */
    for (size_t n = 0; n < a.nr; n++) {
        const struct engine_activity_row *row = &a.rows[n];
        size_t k = i + n % P;
        if (row->period != per[k].start || row->group >= groups) {
            ret = err_set(err, LF_EINTERNAL, "the engine's periods are not the metric's (%lld)",
                          (long long)row->period);
            break;
        }
        if (!row->events)
            continue;
        struct period *p = &got[k];
        p->cells = xgrow(p->cells, sizeof(*p->cells), p->nr + 1, &cap[k - i]);
        p->cells[p->nr++] = (struct cell){(uint32_t)row->group, row->users, row->accounts,
                                          row->events};
    }
    free(cap);
    engine_activity_free(&a);
    return ret;
}

static const struct cell *find_cell(const struct period *p, size_t group)
{
    size_t lo = 0, hi = p->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->cells[mid].group < group)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->nr && p->cells[lo].group == group ? &p->cells[lo] : NULL;
}

int usage_activity(struct metric_ctx *c, const struct usage_groups *u,
                   const struct engine_query *q, int period, struct engine_activity_row **rows,
                   size_t *nr, struct lf_err *err)
{
    struct metric_period *per = NULL;
    struct period *got = NULL;
    bool *have = NULL;
    int ret = -1;
    *rows = NULL;
    *nr = 0;
    struct cache *k;
    if (!cache_on(c)) { /* afresh: the engine's rows as they are */
        struct engine_activity a;
        if (engine_activity(c->e, q, period, &a, err) < 0)
            return -1;
        *rows = a.rows;
        *nr = a.nr;
        a.rows = NULL;
        engine_activity_free(&a);
        return 0;
    }
    if (q->to <= q->from)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    int P = metric_periods(c, period_dims[period], q->from, q->to, &per, err);
    if (P < 0)
        return -1;
    got = xcalloc((size_t)P + 1, sizeof(*got));
    have = xcalloc((size_t)P + 1, sizeof(*have));
    char key[128];
    snprintf(key, sizeof(key), "activity %d %s", period, u->key);

    /* what the cache holds that still reads the same events */
    k = cache_lock(c);
    struct entry *x = entry_of(k, key, K_ACTIVITY);
    for (int i = 0; i < P; i++) {
        struct period *p = find_period(x, per[i].start);
        if (p && same_events(c->e, &p->st, p->lo, p->hi, &p->ends, per[i].from, per[i].to)) {
            got[i] = *p;
            got[i].cells = copy_cells(p->cells, p->nr);
            have[i] = true;
            k->stats.periods_kept++;
        }
    }
    cache_unlock(c);

    /* the others, in runs of neighbours */
    for (int i = 0; i < P;) {
        if (have[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < P && !have[j + 1])
            j++;
        if (compute_run(c, q, period, u->nr, per, (size_t)P, (size_t)i, (size_t)j, got, err) < 0)
            goto out;
        k = cache_lock(c);
        x = entry_of(k, key, K_ACTIVITY);
        size_t bytes = x->bytes;
        for (int n = i; n <= j; n++) {
            struct period p = got[n];
            p.cells = copy_cells(got[n].cells, got[n].nr);
            bytes += put_period(x, &p);
        }
        k->stats.periods_computed += (uint64_t)(j - i + 1);
        resize(k, x, bytes);
        cache_unlock(c);
        i = j + 1;
    }

    /* every period of every group with an event; one group always (engine_activity) */
    size_t cap = 0;
    for (size_t g = 0; g < u->nr; g++) {
        bool any = u->nr == 1;
        for (int i = 0; i < P && !any; i++)
            any = find_cell(&got[i], g) != NULL;
        if (!any)
            continue;
        for (int i = 0; i < P; i++) {
            const struct cell *cl = find_cell(&got[i], g);
            *rows = xgrow(*rows, sizeof(**rows), *nr + 1, &cap);
            (*rows)[(*nr)++] = (struct engine_activity_row){
                g, per[i].start, cl ? cl->users : 0, cl ? cl->accounts : 0,
                cl ? cl->events : 0};
        }
    }
    ret = 0;
out:
    for (int i = 0; i < P; i++)
        free(got[i].cells);
    free(got);
    free(have);
    free(per);
    if (ret < 0) {
        free(*rows);
        *rows = NULL;
        *nr = 0;
    }
    return ret;
}

/* ---- feature usage ---- */

static void names_copy(const struct engine_names *from, struct engine_names *to)
{
    *to = *from;
    to->rows = xmalloc((from->nr ? from->nr : 1) * sizeof(*to->rows));
    for (size_t i = 0; i < from->nr; i++) {
        to->rows[i] = from->rows[i];
        to->rows[i].name = xstrdup(from->rows[i].name);
    }
}

static size_t names_bytes(const struct engine_names *n)
{
    size_t b = n->nr * sizeof(*n->rows);
    for (size_t i = 0; i < n->nr; i++)
        b += strlen(n->rows[i].name) + 1;
    return b;
}

int usage_names(struct metric_ctx *c, const struct usage_groups *u, const struct engine_query *q,
                struct engine_names *out, struct lf_err *err)
{
    char key[128];
    struct engine_state st;
    struct cache *k = cache_lock(c);
    if (!k)
        return engine_names(c->e, q, out, err);
    /* windows of other days apart (the page's, moving with the clock, and others): the
     * same grouping asks for several */
    snprintf(key, sizeof(key), "names %lld %lld %s", (long long)(q->from / MS_PER_DAY),
             (long long)(q->to / MS_PER_DAY), u->key);
    struct entry *x = entry_of(k, key, K_NAMES);
    if (x->names.rows && same_events(c->e, &x->st, x->lo, x->hi, &x->ends, q->from, q->to)) {
        names_copy(&x->names, out);
        k->stats.answers_kept++;
        cache_unlock(c);
        return 0;
    }
    cache_unlock(c);
    engine_state(c->e, &st);
    if (engine_names(c->e, q, out, err) < 0)
        return -1;
    struct ends ends = {.lo_known = true, .hi_known = true};
    engine_events_around(c->e, q->from, &ends.lo_before, &ends.lo_after);
    engine_events_around(c->e, q->to, &ends.hi_before, &ends.hi_after);
    k = cache_lock(c);
    x = entry_of(k, key, K_NAMES);
    size_t bytes = x->bytes - names_bytes(&x->names);
    engine_names_free(&x->names);
    names_copy(out, &x->names);
    x->st = st;
    x->lo = q->from;
    x->hi = q->to;
    x->ends = ends;
    k->stats.answers_computed++;
    resize(k, x, bytes + names_bytes(&x->names));
    cache_unlock(c);
    return 0;
}

/* ---- adoption curves ---- */

void usage_curves_free(struct engine_curves *out)
{
    if (!out)
        return;
    for (size_t i = 0; i < out->nr; i++)
        free((char *)out->rows[i].feature);
    free(out->rows);
    *out = (struct engine_curves){0};
}

static void curves_copy(const struct engine_curves *from, struct engine_curves *to)
{
    *to = *from;
    to->rows = xmalloc((from->nr ? from->nr : 1) * sizeof(*to->rows));
    for (size_t i = 0; i < from->nr; i++) {
        to->rows[i] = from->rows[i];
        to->rows[i].feature = xstrdup(from->rows[i].feature);
    }
}

static size_t curves_bytes(const struct engine_curves *v)
{
    size_t b = v->nr * sizeof(*v->rows);
    for (size_t i = 0; i < v->nr; i++)
        b += strlen(v->rows[i].feature) + 1;
    return b;
}

int usage_curves(struct metric_ctx *c, const struct usage_groups *u, const struct engine_query *q,
                 const int *days, size_t days_nr, struct engine_curves *out, struct lf_err *err)
{
    char ds[256], key[384];
    struct engine_state st;
    struct engine_curves fresh;
    size_t len = 0;
    ds[0] = '\0';
    for (size_t i = 0; i < days_nr && len < sizeof(ds); i++) /* 32 of 1..3650 fit */
        len += (size_t)snprintf(ds + len, sizeof(ds) - len, "%s%d", i ? "," : "", days[i]);
    /* one answer a day of now: the page's (now the clock) and others apart */
    snprintf(key, sizeof(key), "curves %s %lld %s", ds, (long long)(q->now / MS_PER_DAY),
             u->key);
    struct cache *k = cache_lock(c);
    if (!k) {
        if (engine_curves(c->e, q, days, days_nr, &fresh, err) < 0)
            return -1;
        curves_copy(&fresh, out);
        engine_curves_free(&fresh);
        return 0;
    }
    struct entry *x = entry_of(k, key, K_CURVES);
    /* the same answer for a now in [lo, hi) while the events before lo, the accounts and the
     * names stay as they were (engine_curves) */
    if (x->curves.rows && q->now >= x->lo && q->now < x->hi &&
        !engine_changed(c->e, &x->st, INT64_MIN, x->lo, true)) {
        curves_copy(&x->curves, out);
        k->stats.answers_kept++;
        cache_unlock(c);
        return 0;
    }
    cache_unlock(c);
    engine_state(c->e, &st);
    if (engine_curves(c->e, q, days, days_nr, &fresh, err) < 0)
        return -1;
    curves_copy(&fresh, out);
    engine_curves_free(&fresh);
    k = cache_lock(c);
    x = entry_of(k, key, K_CURVES);
    size_t bytes = x->bytes - curves_bytes(&x->curves);
    usage_curves_free(&x->curves);
    curves_copy(out, &x->curves);
    x->st = st;
    x->lo = out->valid_from;
    x->hi = out->valid_until;
    k->stats.answers_computed++;
    resize(k, x, bytes + curves_bytes(&x->curves));
    cache_unlock(c);
    return 0;
}

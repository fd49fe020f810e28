/* build.c - filling the engine from the store: accounts and their MRR history, the bulk build of
 * the columns (staged, partitioned by account, sorted by time), appends and catch-up. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/progress.h"
#include "engine_int.h"

/* ---- dimensions ---- */

/* The instant a stored date (its UTC midnight, as the store keeps dates) begins in the
 * engine's zone: its local midnight. */
static int64_t local_date(const struct engine *e, int64_t date)
{
    if (!e->tz || date == LF_UNSET)
        return date;
    int64_t day = date >= 0 ? date / MS_PER_DAY : -((-date + MS_PER_DAY - 1) / MS_PER_DAY);
    return tz_day_start(e->tz, day);
}

/* Sets the attributes of the account with store id `id` (created when new) and empties its MRR
 * history; returns its dense index. The one place a build and engine_accounts_put set them. */
static uint32_t account_set(struct engine *e, int64_t id, const char *ext_id, const char *segment,
                            const char *plan, int64_t seats, int64_t customer_since)
{
    uint32_t ai = eng_account_of(e, id); /* may move e->acc */
    struct eng_account *a = &e->acc[ai];
    a->ext_id = eng_intern(e, ext_id);
    a->segment = eng_intern(e, segment);
    a->plan = eng_intern(e, plan);
    a->seats = seats;
    a->customer_since = local_date(e, customer_since);
    a->mrr_nr = 0;
    return ai;
}

static int on_account(void *p, const struct account *ac, struct lf_err *err)
{
    (void)err;
    account_set(p, ac->id, ac->ext_id, ac->segment, ac->plan, ac->seats, ac->customer_since);
    return 0;
}

struct mrr_ctx {
    struct engine *e;
    size_t *caps; /* by dense account */
    size_t caps_nr;
};

static int on_mrr(void *p, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct mrr_ctx *c = p;
    uint32_t ai = eng_idmap_get(&c->e->acc_map, m->account_id);
    if (!ai-- || ai >= c->caps_nr)
        return 0; /* an account of the accounts scan always matches */
    struct eng_account *a = &c->e->acc[ai];
    a->mrr = xgrow(a->mrr, sizeof(*a->mrr), a->mrr_nr + 1, &c->caps[ai]);
    a->mrr[a->mrr_nr++] = (struct eng_mrr){local_date(c->e, m->date), m->mrr};
    return 0;
}

/* The start of a customer's life and its first churn after it (DESIGN.md: churn = MRR to 0),
 * from customer since and the MRR history (by date). */
static void lifetime(struct eng_account *a)
{
    a->first_paid = LF_UNSET;
    a->churned_at = LF_UNSET;
    for (size_t i = 0; i < a->mrr_nr; i++)
        if (a->mrr[i].mrr > 0) {
            a->first_paid = a->mrr[i].date;
            break;
        }
    a->start = a->customer_since != LF_UNSET ? a->customer_since : a->first_paid;
    if (a->start == LF_UNSET)
        return;
    int64_t cur = 0;
    for (size_t i = 0; i < a->mrr_nr; i++) {
        if (a->mrr[i].mrr == 0 && cur > 0 && a->mrr[i].date >= a->start) {
            a->churned_at = a->mrr[i].date;
            return;
        }
        cur = a->mrr[i].mrr;
    }
}

int eng_load_dims(struct engine *e, struct store *st, struct lf_err *err)
{
    int ret = -1;
    if (store_accounts_scan(st, e->ws, on_account, e, err) < 0)
        return -1;
    struct mrr_ctx c = {e, xcalloc(e->acc_nr, sizeof(size_t)), e->acc_nr};
    for (size_t a = 0; a < e->acc_nr; a++) {
        free(e->acc[a].mrr);
        e->acc[a].mrr = NULL;
        e->acc[a].mrr_nr = 0;
    }
    if (store_mrr_changes_scan(st, e->ws, 0, on_mrr, &c, err) < 0)
        goto out;
    for (size_t a = 1; a < e->acc_nr; a++)
        lifetime(&e->acc[a]);
    ret = 0;
out:
    free(c.caps);
    return ret;
}

int engine_refresh(struct engine *e, struct store *st, struct lf_err *err)
{
    pthread_rwlock_wrlock(&e->lock);
    int rc = eng_load_dims(e, st, err);
    eng_changes_note(e, true); /* even half loaded: what caches read is gone */
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

int engine_accounts_put(struct engine *e, const struct engine_account_in *in, size_t nr,
                        struct lf_err *err)
{
    for (size_t i = 0; i < nr; i++)
        if (in[i].id <= 0)
            return err_set(err, LF_EINVAL, "account %zu: id %lld is not a store id", i,
                           (long long)in[i].id);
    pthread_rwlock_wrlock(&e->lock);
    for (size_t i = 0; i < nr; i++) {
        const struct engine_account_in *x = &in[i];
        uint32_t ai = account_set(e, x->id, x->ext_id, x->segment, x->plan, x->seats,
                                  x->customer_since);
        struct eng_account *a = &e->acc[ai];
        free(a->mrr);
        a->mrr = x->mrr_nr ? xmalloc(x->mrr_nr * sizeof(*a->mrr)) : NULL;
        for (size_t k = 0; k < x->mrr_nr; k++)
            a->mrr[k] = (struct eng_mrr){local_date(e, x->mrr[k].date), x->mrr[k].mrr};
        a->mrr_nr = x->mrr_nr;
        /* by date, stably (the store holds one change a day per account; histories are short) */
        for (size_t k = 1; k < a->mrr_nr; k++) {
            struct eng_mrr m = a->mrr[k];
            size_t j = k;
            for (; j > 0 && a->mrr[j - 1].date > m.date; j--)
                a->mrr[j] = a->mrr[j - 1];
            a->mrr[j] = m;
        }
        lifetime(a);
    }
    eng_changes_note(e, nr > 0);
    pthread_rwlock_unlock(&e->lock);
    return 0;
}

/* ---- events one by one: appends and catch-up ---- */

/* Seconds since the epoch when they fit the uint32 column. */
static bool event_secs(int64_t ms, uint32_t *out)
{
    if (ms < 0 || ms / 1000 > (int64_t)UINT32_MAX)
        return false;
    *out = (uint32_t)(ms / 1000);
    return true;
}

uint64_t eng_message_hash(const char *message_id)
{
    return message_id ? hash_bytes(message_id, strlen(message_id)) : 0;
}

/* Reads the event at the high-water mark again, stopping the scan there. */
struct fp_ctx {
    int64_t id;
    uint64_t hash;
    bool seen;
};

static int on_first_event(void *p, const struct event *ev, struct lf_err *err)
{
    (void)err;
    struct fp_ctx *c = p;
    c->seen = true;
    c->id = ev->id;
    c->hash = eng_message_hash(ev->message_id);
    return -1; /* one row is enough */
}

int eng_store_event_hash(struct store *st, int64_t ws, int64_t id, uint64_t *hash)
{
    struct fp_ctx c = {0};
    struct lf_err stopped = {0};
    store_events_scan(st, ws, id - 1, on_first_event, &c, &stopped);
    if (!c.seen || c.id != id)
        return 0;
    *hash = c.hash;
    return 1;
}

int eng_fingerprint(struct engine *e, struct store *st, struct lf_err *err)
{
    if (e->high_water && !eng_store_event_hash(st, e->ws, e->high_water, &e->high_water_hash))
        return err_set(err, LF_ESTORE, "the store's event %lld vanished while it was read",
                       (long long)e->high_water);
    return store_users_stamp(st, e->ws, &e->users_stamp, err);
}

bool eng_add_event(struct engine *e, const struct event *ev)
{
    if (ev->id > e->high_water) {
        e->high_water = ev->id;
        e->high_water_hash = eng_message_hash(ev->message_id);
    }
    uint32_t ts;
    if (!event_secs(ev->ts, &ts)) {
        e->skipped++;
        return false;
    }
    uint32_t a = eng_account_of(e, ev->account_id);
    uint32_t u = eng_user_of(e, ev->contact_id, a);
    uint16_t n = eng_name_code(e, ev->name ? ev->name : "");
    eng_tail_add(e, a, ts, u, n, ev->has_value ? (float)ev->value : NAN);
    return true;
}

int engine_append(struct engine *e, const struct event *ev, size_t nr, struct lf_err *err)
{
    (void)err;
    pthread_rwlock_wrlock(&e->lock);
    for (size_t i = 0; i < nr; i++)
        if (ev[i].id == 0 || ev[i].id > e->high_water)
            eng_add_event(e, &ev[i]);
    eng_maybe_compact(e);
    eng_changes_note(e, false);
    pthread_rwlock_unlock(&e->lock);
    return 0;
}

struct sync_ctx {
    struct engine *e;
    size_t added;
};

static int on_sync_event(void *p, const struct event *ev, struct lf_err *err)
{
    (void)err;
    struct sync_ctx *c = p;
    eng_add_event(c->e, ev);
    c->added++;
    if ((c->added & 0xffff) == 0)
        eng_maybe_compact(c->e);
    return 0;
}

int engine_sync(struct engine *e, struct store *st, size_t *added, struct lf_err *err)
{
    pthread_rwlock_wrlock(&e->lock);
    struct sync_ctx c = {e, 0};
    int rc = store_events_scan_brief(st, e->ws, e->high_water, INT64_MAX, on_sync_event, &c, err);
    eng_maybe_compact(e);
    eng_changes_note(e, false); /* what it added, even when the scan failed half way */
    pthread_rwlock_unlock(&e->lock);
    if (added)
        *added = c.added;
    return rc;
}

/* ---- the bulk build ---- */

struct raw;
static size_t raw_count(struct raw *r);

/* Events as read from the store, before partitioning. */
struct stage {
    struct engine *e;
    uint32_t *acc, *ts, *user;
    uint16_t *name;
    float *value;
    size_t nr, cap;
    struct progress bar;
    /* the brief scan hands equal names as one pointer: codes cached by pointer */
    const char *name_ptr[64];
    uint16_t name_code[64];
    struct raw *raw; /* the second reader, whose count the bar adds */
};

static int on_stage_event(void *p, const struct event *ev, struct lf_err *err)
{
    (void)err;
    struct stage *s = p;
    struct engine *e = s->e;
    if (ev->id > e->high_water)
        e->high_water = ev->id; /* its message id's hash: eng_fingerprint */
    uint32_t ts;
    if (!event_secs(ev->ts, &ts)) {
        e->skipped++;
        return 0;
    }
    if (s->nr == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1 << 16;
        s->acc = xrealloc(s->acc, s->cap * sizeof(*s->acc));
        s->ts = xrealloc(s->ts, s->cap * sizeof(*s->ts));
        s->user = xrealloc(s->user, s->cap * sizeof(*s->user));
        s->name = xrealloc(s->name, s->cap * sizeof(*s->name));
        s->value = xrealloc(s->value, s->cap * sizeof(*s->value));
    }
    uint32_t a = eng_account_of(e, ev->account_id);
    const char *nm = ev->name ? ev->name : "";
    size_t slot = ((uintptr_t)nm >> 4) & 63;
    if (s->name_ptr[slot] != nm) {
        s->name_ptr[slot] = nm;
        s->name_code[slot] = eng_name_code(e, nm);
    }
    uint16_t code = s->name_code[slot];
    size_t i = s->nr++;
    s->acc[i] = a;
    s->ts[i] = ts;
    s->user[i] = eng_user_of(e, ev->contact_id, a);
    s->name[i] = code;
    s->value[i] = ev->has_value ? (float)ev->value : NAN;
    if ((s->nr & 0xffff) == 0)
        progress_update(&s->bar, s->nr + (s->raw ? raw_count(s->raw) : 0));
    return 0;
}

static void stage_release(struct stage *s) /* safe to call twice */
{
    free(s->acc);
    free(s->ts);
    free(s->user);
    free(s->name);
    free(s->value);
    s->acc = s->ts = s->user = NULL;
    s->name = NULL;
    s->value = NULL;
    s->nr = s->cap = 0;
}

struct sort_item {
    uint32_t ts, pos;
};

static int item_cmp(const void *pa, const void *pb)
{
    const struct sort_item *x = pa, *y = pb;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sorts each account's run by time, keeping the store order among equal times. */
static void sort_runs(void *p, int worker, struct eng_scratch *scratch, uint32_t first,
                      uint32_t end)
{
    (void)worker;
    (void)scratch;
    struct engine *e = p;
    struct sort_item *items = NULL;
    uint32_t *tmp32 = NULL;
    uint16_t *tmp16 = NULL;
    float *tmpf = NULL;
    size_t cap = 0;
    for (uint32_t a = first; a < end; a++) {
        size_t lo = e->off[a], n = e->off[a + 1] - lo;
        size_t i = 1;
        while (i < n && e->ts[lo + i - 1] <= e->ts[lo + i])
            i++;
        if (i >= n)
            continue;
        if (n > cap) {
            cap = n;
            items = xrealloc(items, cap * sizeof(*items));
            tmp32 = xrealloc(tmp32, cap * sizeof(*tmp32));
            tmp16 = xrealloc(tmp16, cap * sizeof(*tmp16));
            tmpf = xrealloc(tmpf, cap * sizeof(*tmpf));
        }
        for (size_t k = 0; k < n; k++)
            items[k] = (struct sort_item){e->ts[lo + k], (uint32_t)k};
        qsort(items, n, sizeof(*items), item_cmp);
        for (size_t k = 0; k < n; k++)
            e->ts[lo + k] = items[k].ts;
        for (size_t k = 0; k < n; k++)
            tmp32[k] = e->user[lo + items[k].pos];
        memcpy(e->user + lo, tmp32, n * sizeof(*tmp32));
        for (size_t k = 0; k < n; k++)
            tmp16[k] = e->name[lo + items[k].pos];
        memcpy(e->name + lo, tmp16, n * sizeof(*tmp16));
        for (size_t k = 0; k < n; k++)
            tmpf[k] = e->value[lo + items[k].pos];
        memcpy(e->value + lo, tmpf, n * sizeof(*tmpf));
    }
    free(items);
    free(tmp32);
    free(tmp16);
    free(tmpf);
}

/* Partitions the staged events by account (a stable counting sort) into the columns. */
static void partition(struct engine *e, struct stage *s)
{
    uint64_t *off = xcalloc(e->acc_nr + 1, sizeof(*off));
    for (size_t i = 0; i < s->nr; i++)
        off[s->acc[i] + 1]++;
    for (size_t a = 0; a < e->acc_nr; a++)
        off[a + 1] += off[a];
    free(e->off);
    e->off = off;
    e->nr = s->nr;
    e->ts = eng_big_alloc(s->nr * sizeof(*e->ts) + 1);
    e->user = eng_big_alloc(s->nr * sizeof(*e->user) + 1);
    e->name = eng_big_alloc(s->nr * sizeof(*e->name) + 1);
    e->value = eng_big_alloc(s->nr * sizeof(*e->value) + 1);
    uint64_t *next = xmalloc(e->acc_nr * sizeof(*next));
    memcpy(next, off, e->acc_nr * sizeof(*next));
    for (size_t i = 0; i < s->nr; i++) {
        uint64_t o = next[s->acc[i]]++;
        e->ts[o] = s->ts[i];
        e->user[o] = s->user[i];
        e->name[o] = s->name[i];
        e->value[o] = s->value[i];
    }
    free(next);
}

/* The second half of the events, read by a second connection on another thread; ids and
 * names are mapped afterwards, in id order, so the result is the same as one reader's. */
struct raw {
    struct store *st;
    int64_t ws, after, upto, high_water;
    int64_t *acc_id, *user_id;
    uint32_t *ts;
    uint16_t *name; /* local codes: names[] */
    float *value;
    size_t nr, cap, skipped;
    const char *name_ptr[64];
    uint16_t name_code[64];
    struct strmap name_codes;
    char **names;
    size_t names_nr;
    int rc;
    struct lf_err err;
};

static int on_raw_event(void *p, const struct event *ev, struct lf_err *err)
{
    (void)err;
    struct raw *r = p;
    if (ev->id > r->high_water)
        r->high_water = ev->id;
    uint32_t ts;
    if (!event_secs(ev->ts, &ts)) {
        r->skipped++;
        return 0;
    }
    if (r->nr == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1 << 16;
        r->acc_id = xrealloc(r->acc_id, r->cap * sizeof(*r->acc_id));
        r->user_id = xrealloc(r->user_id, r->cap * sizeof(*r->user_id));
        r->ts = xrealloc(r->ts, r->cap * sizeof(*r->ts));
        r->name = xrealloc(r->name, r->cap * sizeof(*r->name));
        r->value = xrealloc(r->value, r->cap * sizeof(*r->value));
    }
    const char *nm = ev->name ? ev->name : "";
    size_t slot = ((uintptr_t)nm >> 4) & 63;
    if (r->name_ptr[slot] != nm) {
        int64_t code;
        if (!strmap_get(&r->name_codes, nm, strlen(nm), &code)) {
            code = (int64_t)r->names_nr;
            r->names = xrealloc(r->names, (r->names_nr + 1) * sizeof(*r->names));
            r->names[r->names_nr++] = xstrdup(nm);
            strmap_put(&r->name_codes, nm, strlen(nm), code);
        }
        r->name_ptr[slot] = nm;
        r->name_code[slot] = (uint16_t)code; /* a scan has far fewer names than 65536 */
    }
    size_t i = r->nr;
    r->acc_id[i] = ev->account_id;
    r->user_id[i] = ev->contact_id;
    r->ts[i] = ts;
    r->name[i] = r->name_code[slot];
    r->value[i] = ev->has_value ? (float)ev->value : NAN;
    __atomic_store_n(&r->nr, i + 1, __ATOMIC_RELAXED); /* the progress bar reads it */
    return 0;
}

static size_t raw_count(struct raw *r)
{
    return __atomic_load_n(&r->nr, __ATOMIC_RELAXED);
}

static void *raw_run(void *p)
{
    struct raw *r = p;
    r->rc = store_events_scan_brief(r->st, r->ws, r->after, r->upto, on_raw_event, r, &r->err);
    return NULL;
}

static void raw_release(struct raw *r)
{
    free(r->acc_id);
    free(r->user_id);
    free(r->ts);
    free(r->name);
    free(r->value);
    for (size_t i = 0; i < r->names_nr; i++)
        free(r->names[i]);
    free(r->names);
    strmap_release(&r->name_codes);
    store_free(r->st);
}

/* Appends the second reader's events to the stage, mapping ids and names. */
static void raw_merge(struct stage *s, struct raw *r)
{
    struct engine *e = s->e;
    uint16_t *codes = xmalloc((r->names_nr + 1) * sizeof(*codes));
    for (size_t i = 0; i < r->names_nr; i++)
        codes[i] = eng_name_code(e, r->names[i]);
    size_t want = s->nr + r->nr;
    if (want > s->cap) {
        s->cap = want;
        s->acc = xrealloc(s->acc, s->cap * sizeof(*s->acc));
        s->ts = xrealloc(s->ts, s->cap * sizeof(*s->ts));
        s->user = xrealloc(s->user, s->cap * sizeof(*s->user));
        s->name = xrealloc(s->name, s->cap * sizeof(*s->name));
        s->value = xrealloc(s->value, s->cap * sizeof(*s->value));
    }
    for (size_t i = 0; i < r->nr; i++) {
        size_t o = s->nr++;
        uint32_t a = eng_account_of(e, r->acc_id[i]);
        s->acc[o] = a;
        s->user[o] = eng_user_of(e, r->user_id[i], a);
        s->ts[o] = r->ts[i];
        s->name[o] = codes[r->name[i]];
        s->value[o] = r->value[i];
    }
    e->skipped += r->skipped;
    if (r->high_water > e->high_water)
        e->high_water = r->high_water;
    free(codes);
}

/* Reads the store's events into the stage: two connections on two threads for stores of more
 * than `split` events. */
static int stage_read(struct stage *s, struct store *st, int64_t ws, int threads, int64_t split,
                      struct lf_err *err)
{
    int64_t max_id;
    if (store_events_max_id(st, ws, &max_id, err) < 0)
        return -1;
    struct raw r = {.ws = ws, .upto = max_id};
    pthread_t thread;
    bool two = threads > 1 && max_id > split;
    if (two) {
        r.after = max_id / 2;
        strmap_init(&r.name_codes);
        if (store_clone(st, &r.st, err) < 0)
            return -1;
        if (pthread_create(&thread, NULL, raw_run, &r) != 0) {
            raw_release(&r);
            two = false;
        }
    }
    s->raw = two ? &r : NULL;
    int rc = store_events_scan_brief(st, ws, 0, two ? r.after : max_id, on_stage_event, s, err);
    s->raw = NULL;
    if (two) {
        pthread_join(thread, NULL);
        if (rc == 0 && r.rc < 0) {
            *err = r.err;
            rc = -1;
        }
        if (rc == 0)
            raw_merge(s, &r);
        raw_release(&r);
    }
    return rc;
}

int engine_build(struct store *st, int64_t ws, const struct engine_opts *opts,
                 struct engine **out, struct lf_err *err)
{
    *out = NULL;
    struct engine *e = eng_new(ws, opts ? opts->threads : 0);
    e->tz = opts ? opts->tz : NULL;
    struct stage s = {.e = e};
    int64_t max_id;
    int64_t split = opts && opts->split_read > 0 ? opts->split_read : ENGINE_SPLIT_READ;
    int ret = -1;
    /* the bar's total: ids grow by one an event, so the last id is about the count */
    if (store_events_max_id(st, ws, &max_id, err) < 0 || eng_load_dims(e, st, err) < 0)
        goto out;
    progress_init(&s.bar, "engine", (uint64_t)max_id, opts && opts->progress);
    if (stage_read(&s, st, ws, e->threads, split, err) < 0 || eng_fingerprint(e, st, err) < 0)
        goto out;
    partition(e, &s);
    stage_release(&s); /* before the sort: the staging copy is the peak of memory */
    eng_parallel(e, eng_workers(e), sort_runs, e);
    eng_spans_compute(e);
    eng_users_regroup(e);
    *out = e;
    e = NULL;
    ret = 0;
out:
    if (s.bar.active)
        progress_finish(&s.bar);
    stage_release(&s);
    engine_free(e);
    return ret;
}

/* columns.c - the engine's storage: id maps, the name dictionary, interned attributes,
 * per-account tails and spans, their merge into the columns, and the numbering of users. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/mem.h"
#include "engine_int.h"

#define HUGE_PAGE (2u << 20)

void *eng_big_alloc(size_t n)
{
    if (n < HUGE_PAGE)
        return xmalloc(n);
    size_t size = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *p = aligned_alloc(HUGE_PAGE, size);
    if (!p)
        return xmalloc(n); /* which aborts when there is no memory at all */
#ifdef MADV_HUGEPAGE
    /* a scan jumps from account to account: with 4 KiB pages nearly every jump is a TLB miss */
    madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

#define ZEROED_MMAP (1u << 20) /* from a megabyte on */

void *eng_zeroed_alloc(size_t n)
{
    if (n < ZEROED_MMAP)
        return xcalloc(1, n);
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        abort(); /* no address space left: as xmalloc does */
    return p;
}

void eng_zeroed_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < ZEROED_MMAP)
        free(p);
    else
        munmap(p, n);
}

uint32_t eng_idmap_get(const struct eng_idmap *m, int64_t id)
{
    if (id <= 0 || (uint64_t)id >= m->cap)
        return 0;
    return m->slot[id];
}

void eng_idmap_set(struct eng_idmap *m, int64_t id, uint32_t v)
{
    if ((uint64_t)id >= m->cap) {
        size_t cap = m->cap ? m->cap : 1024;
        while (cap <= (uint64_t)id)
            cap *= 2;
        m->slot = xrealloc(m->slot, cap * sizeof(*m->slot));
        memset(m->slot + m->cap, 0, (cap - m->cap) * sizeof(*m->slot));
        m->cap = cap;
    }
    m->slot[id] = v;
}

void eng_idmap_release(struct eng_idmap *m)
{
    free(m->slot);
    m->slot = NULL;
    m->cap = 0;
}

struct engine *eng_new(int64_t ws, int threads)
{
    struct engine *e = xcalloc(1, sizeof(*e));
    pthread_rwlock_init(&e->lock, NULL);
    e->ws = ws;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    e->threads = threads > 64 ? 64 : threads;
    eng_changes_init(e);
    strmap_init(&e->name_codes);
    strmap_init(&e->strings);
    pthread_mutex_init(&e->scratch_lock, NULL);
    /* the "no account" slot and the "no user" slot */
    e->acc = xgrow(NULL, sizeof(*e->acc), 1, &e->acc_cap);
    e->acc[0] = (struct eng_account){.seats = LF_UNSET, .customer_since = LF_UNSET,
                                     .first_paid = LF_UNSET, .start = LF_UNSET,
                                     .churned_at = LF_UNSET};
    e->span = xmalloc(e->acc_cap * sizeof(*e->span));
    e->span[0] = (struct eng_span){UINT32_MAX, 0};
    e->user_base = xcalloc(e->acc_cap + 1, sizeof(*e->user_base));
    e->user_base[0] = e->user_base[1] = 1;
    e->acc_nr = 1;
    e->off = xcalloc(2, sizeof(*e->off));
    e->user_id = xgrow(NULL, sizeof(*e->user_id), 1, &e->user_cap);
    e->user_home = xmalloc(e->user_cap * sizeof(*e->user_home));
    e->user_multi = xmalloc(e->user_cap);
    e->user_id[0] = 0;
    e->user_home[0] = 0;
    e->user_multi[0] = 0;
    e->user_nr = 1;
    return e;
}

static void tail_free(struct eng_tail *t)
{
    if (!t)
        return;
    free(t->ts);
    free(t->user);
    free(t->name);
    free(t->value);
    free(t);
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    for (size_t a = 0; a < e->acc_nr; a++) {
        free(e->acc[a].mrr);
        tail_free(e->acc[a].tail);
    }
    free(e->acc);
    free(e->span);
    free(e->user_base);
    for (size_t i = 0; i < e->strs_nr; i++)
        free(e->strs[i]);
    free(e->strs);
    strmap_release(&e->strings);
    eng_scratch_free_all(e);
    pthread_mutex_destroy(&e->scratch_lock);
    free(e->off);
    free(e->ts);
    free(e->user);
    free(e->name);
    free(e->value);
    eng_idmap_release(&e->acc_map);
    eng_idmap_release(&e->user_map);
    free(e->user_id);
    free(e->user_home);
    free(e->user_multi);
    for (size_t i = 0; i < e->names_nr; i++)
        free(e->names[i]);
    free(e->names);
    strmap_release(&e->name_codes);
    pthread_rwlock_destroy(&e->lock);
    free(e);
}

uint32_t eng_account_of(struct engine *e, int64_t id)
{
    if (id <= 0)
        return 0;
    uint32_t a = eng_idmap_get(&e->acc_map, id);
    if (a)
        return a - 1;
    size_t cap = e->acc_cap;
    e->acc = xgrow(e->acc, sizeof(*e->acc), e->acc_nr + 1, &e->acc_cap);
    if (e->acc_cap != cap) {
        e->span = xrealloc(e->span, e->acc_cap * sizeof(*e->span));
        e->user_base = xrealloc(e->user_base, (e->acc_cap + 1) * sizeof(*e->user_base));
    }
    e->acc[e->acc_nr] = (struct eng_account){.id = id, .seats = LF_UNSET,
                                             .customer_since = LF_UNSET, .first_paid = LF_UNSET,
                                             .start = LF_UNSET, .churned_at = LF_UNSET};
    e->span[e->acc_nr] = (struct eng_span){UINT32_MAX, 0};
    /* no users have it as home yet: an empty range */
    e->user_base[e->acc_nr + 1] = e->user_base[e->acc_nr];
    /* a new account has an empty run at the end of the columns */
    e->off = xrealloc(e->off, (e->acc_nr + 2) * sizeof(*e->off));
    e->off[e->acc_nr + 1] = e->nr;
    eng_idmap_set(&e->acc_map, id, (uint32_t)e->acc_nr + 1);
    return (uint32_t)e->acc_nr++;
}

uint32_t eng_user_of(struct engine *e, int64_t id, uint32_t account)
{
    if (id <= 0)
        return 0;
    uint32_t u = eng_idmap_get(&e->user_map, id);
    if (u) {
        u--;
        uint32_t home = e->user_home[u];
        if (account != home) {
            /* Segment's track before group: a user's first events often have no account; its
             * home is the first account it is seen in all the same */
            e->user_multi[u] |= home && account ? ENG_MULTI_ACCOUNTS : ENG_MULTI_ANON;
            if (!home)
                e->user_home[u] = account;
        }
        return u;
    }
    size_t cap = e->user_cap;
    e->user_id = xgrow(e->user_id, sizeof(*e->user_id), e->user_nr + 1, &e->user_cap);
    if (e->user_cap != cap) {
        e->user_home = xrealloc(e->user_home, e->user_cap * sizeof(*e->user_home));
        e->user_multi = xrealloc(e->user_multi, e->user_cap);
    }
    u = (uint32_t)e->user_nr++;
    e->user_id[u] = id;
    e->user_home[u] = account;
    e->user_multi[u] = 0;
    eng_idmap_set(&e->user_map, id, u + 1);
    return u;
}

uint16_t eng_name_code(struct engine *e, const char *name)
{
    size_t len = strlen(name);
    int64_t code;
    if (strmap_get(&e->name_codes, name, len, &code))
        return (uint16_t)code;
    if (e->names_nr < ENGINE_MAX_NAMES - 1) {
        code = (int64_t)e->names_nr;
        e->names = xrealloc(e->names, (e->names_nr + 1) * sizeof(*e->names));
        e->names[e->names_nr++] = xstrdup(name);
    } else {
        /* the dictionary is full: every later name shares the last code, "(other)" */
        code = ENGINE_MAX_NAMES - 1;
        if (e->names_nr == ENGINE_MAX_NAMES - 1) {
            e->names = xrealloc(e->names, ENGINE_MAX_NAMES * sizeof(*e->names));
            e->names[e->names_nr++] = xstrdup("(other)");
        }
    }
    strmap_put(&e->name_codes, name, len, code);
    return (uint16_t)code;
}

const char *eng_intern(struct engine *e, const char *s)
{
    if (!s || !*s)
        return NULL;
    size_t len = strlen(s);
    int64_t i;
    if (strmap_get(&e->strings, s, len, &i))
        return e->strs[i];
    e->strs = xgrow(e->strs, sizeof(*e->strs), e->strs_nr + 1, &e->strs_cap);
    e->strs[e->strs_nr] = xstrdup(s);
    strmap_put(&e->strings, s, len, (int64_t)e->strs_nr);
    return e->strs[e->strs_nr++];
}

int eng_name_find(const struct engine *e, const char *name)
{
    int64_t code;
    if (!strmap_get(&e->name_codes, name, strlen(name), &code))
        return -1;
    return (int)code;
}

void eng_tail_add(struct engine *e, uint32_t account, uint32_t ts, uint32_t user, uint16_t name,
                  float value)
{
    struct eng_account *a = &e->acc[account];
    if (!a->tail)
        a->tail = xcalloc(1, sizeof(*a->tail));
    struct eng_tail *t = a->tail;
    if (t->nr == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->ts = xrealloc(t->ts, t->cap * sizeof(*t->ts));
        t->user = xrealloc(t->user, t->cap * sizeof(*t->user));
        t->name = xrealloc(t->name, t->cap * sizeof(*t->name));
        t->value = xrealloc(t->value, t->cap * sizeof(*t->value));
    }
    /* events mostly arrive in time order: find the place from the end (after equal times) */
    size_t i = t->nr;
    while (i > 0 && t->ts[i - 1] > ts)
        i--;
    size_t move = t->nr - i;
    memmove(t->ts + i + 1, t->ts + i, move * sizeof(*t->ts));
    memmove(t->user + i + 1, t->user + i, move * sizeof(*t->user));
    memmove(t->name + i + 1, t->name + i, move * sizeof(*t->name));
    memmove(t->value + i + 1, t->value + i, move * sizeof(*t->value));
    t->ts[i] = ts;
    t->user[i] = user;
    t->name[i] = name;
    t->value[i] = value;
    t->nr++;
    e->tail_nr++;
    eng_changes_event(e, ts);
    struct eng_span *sp = &e->span[account];
    if (ts < sp->min)
        sp->min = ts;
    if (ts > sp->max)
        sp->max = ts;
}

void eng_spans_compute(struct engine *e)
{
    for (size_t a = 0; a < e->acc_nr; a++) {
        struct eng_span sp = {UINT32_MAX, 0};
        if (e->off[a + 1] > e->off[a])
            sp = (struct eng_span){e->ts[e->off[a]], e->ts[e->off[a + 1] - 1]};
        const struct eng_tail *t = e->acc[a].tail;
        if (t && t->nr) {
            if (t->ts[0] < sp.min)
                sp.min = t->ts[0];
            if (t->ts[t->nr - 1] > sp.max)
                sp.max = t->ts[t->nr - 1];
        }
        e->span[a] = sp;
    }
}

void eng_users_regroup(struct engine *e)
{
    /* a stable counting sort of the users by home account */
    size_t A = e->acc_nr, U = e->user_nr;
    uint32_t *base = e->user_base;
    memset(base, 0, (A + 1) * sizeof(*base));
    for (size_t u = 1; u < U; u++)
        base[e->user_home[u] + 1]++;
    base[0] = 1; /* user 0 is "no user" and stays */
    for (size_t a = 0; a < A; a++)
        base[a + 1] += base[a];
    uint32_t *to = xmalloc(U * sizeof(*to));
    uint32_t *next = xmalloc(A * sizeof(*next));
    memcpy(next, base, A * sizeof(*next));
    bool same = true;
    to[0] = 0;
    for (size_t u = 1; u < U; u++) {
        to[u] = next[e->user_home[u]]++;
        same &= to[u] == u;
    }
    free(next);
    if (same) {
        free(to);
        return;
    }
    int64_t *id = xmalloc(e->user_cap * sizeof(*id));
    uint32_t *home = xmalloc(e->user_cap * sizeof(*home));
    uint8_t *multi = xmalloc(e->user_cap);
    for (size_t u = 0; u < U; u++) {
        id[to[u]] = e->user_id[u];
        home[to[u]] = e->user_home[u];
        multi[to[u]] = e->user_multi[u];
    }
    free(e->user_id);
    free(e->user_home);
    free(e->user_multi);
    e->user_id = id;
    e->user_home = home;
    e->user_multi = multi;
    for (size_t u = 1; u < U; u++)
        eng_idmap_set(&e->user_map, id[u], (uint32_t)u + 1);
    for (size_t i = 0; i < e->nr; i++)
        e->user[i] = to[e->user[i]];
    for (size_t a = 0; a < A; a++) {
        struct eng_tail *t = e->acc[a].tail;
        for (size_t i = 0; t && i < t->nr; i++)
            t->user[i] = to[t->user[i]];
    }
    free(to);
}

void eng_compact(struct engine *e)
{
    if (!e->tail_nr)
        return;
    size_t total = e->nr + e->tail_nr;
    uint64_t *off = xmalloc((e->acc_nr + 1) * sizeof(*off));
    uint32_t *ts = eng_big_alloc(total * sizeof(*ts));
    uint32_t *user = eng_big_alloc(total * sizeof(*user));
    uint16_t *name = eng_big_alloc(total * sizeof(*name));
    float *value = eng_big_alloc(total * sizeof(*value));
    size_t o = 0;
    for (size_t a = 0; a < e->acc_nr; a++) {
        off[a] = o;
        size_t i = e->off[a], end = e->off[a + 1];
        struct eng_tail *t = e->acc[a].tail;
        size_t j = 0, tend = t ? t->nr : 0;
        /* a stable merge: on equal times the columns' (older) events come first */
        while (i < end || j < tend) {
            if (j == tend || (i < end && e->ts[i] <= t->ts[j])) {
                ts[o] = e->ts[i];
                user[o] = e->user[i];
                name[o] = e->name[i];
                value[o++] = e->value[i++];
            } else {
                ts[o] = t->ts[j];
                user[o] = t->user[j];
                name[o] = t->name[j];
                value[o++] = t->value[j++];
            }
        }
        tail_free(t);
        e->acc[a].tail = NULL;
    }
    off[e->acc_nr] = o;
    free(e->off);
    free(e->ts);
    free(e->user);
    free(e->name);
    free(e->value);
    e->off = off;
    e->ts = ts;
    e->user = user;
    e->name = name;
    e->value = value;
    e->nr = total;
    e->tail_nr = 0;
    eng_users_regroup(e);
}

void eng_maybe_compact(struct engine *e)
{
    if (e->tail_nr >= 65536 && e->tail_nr > e->nr / 8)
        eng_compact(e);
}

size_t eng_bytes(const struct engine *e)
{
    size_t per_event = sizeof(*e->ts) + sizeof(*e->user) + sizeof(*e->name) + sizeof(*e->value);
    size_t b = e->nr * per_event + (e->acc_nr + 1) * sizeof(*e->off);
    for (size_t a = 0; a < e->acc_nr; a++)
        if (e->acc[a].tail)
            b += sizeof(struct eng_tail) + e->acc[a].tail->cap * per_event;
    b += e->acc_map.cap * sizeof(*e->acc_map.slot) + e->user_map.cap * sizeof(*e->user_map.slot);
    b += e->user_cap * (sizeof(*e->user_id) + sizeof(*e->user_home) + sizeof(*e->user_multi));
    b += e->acc_cap * (sizeof(*e->span) + sizeof(*e->user_base));
    return b;
}

void engine_info(struct engine *e, struct engine_info *out)
{
    pthread_rwlock_rdlock(&e->lock);
    *out = (struct engine_info){
        .ws = e->ws, .high_water = e->high_water, .events = e->nr + e->tail_nr,
        .tail_events = e->tail_nr, .skipped = e->skipped, .accounts = e->acc_nr - 1,
        .users = e->user_nr - 1, .names = e->names_nr, .bytes = eng_bytes(e),
        .threads = e->threads};
    out->bytes_per_event = out->events ? (double)out->bytes / (double)out->events : NAN;
    pthread_rwlock_unlock(&e->lock);
}

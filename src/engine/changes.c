/* changes.c - what the caches of the engine's answers ask it: its state (a number of its own, a
 * version moved by every change), whether the events of a time range changed since a state, and
 * whether it holds any event in a range. */
#include <stdatomic.h>
#include <string.h>

#include "engine_int.h"

/* Engines of one process are numbered from 1: an answer cached from an engine that was
 * replaced since (a rebuild) never passes for the new one's. */
static atomic_uint_fast64_t next_uid;

void eng_changes_init(struct engine *e)
{
    e->uid = (uint64_t)atomic_fetch_add(&next_uid, 1) + 1;
    e->version = 0;
    e->changes_nr = 0;
    e->pend = (struct eng_change){0};
}

void eng_changes_note(struct engine *e, bool dims)
{
    if (!e->pend.nr && !dims)
        return;
    if (e->changes_nr == ENG_CHANGES) {
        /* the two oldest become one covering both: later checks see a wider change */
        struct eng_change *a = &e->changes[0], *b = &e->changes[1];
        for (size_t i = 0; i < a->nr; i++)
            eng_ranges_add(b->r, &b->nr, a->r[i].min, a->r[i].max);
        b->dims = b->dims || a->dims;
        memmove(e->changes, e->changes + 1, (ENG_CHANGES - 1) * sizeof(*e->changes));
        e->changes_nr--;
    }
    e->version++;
    struct eng_change *c = &e->changes[e->changes_nr++];
    *c = e->pend;
    c->version = e->version;
    c->dims = dims;
    e->pend = (struct eng_change){0};
}

void engine_state(struct engine *e, struct engine_state *out)
{
    pthread_rwlock_rdlock(&e->lock);
    *out = (struct engine_state){.uid = e->uid, .version = e->version, .names = e->names_nr};
    pthread_rwlock_unlock(&e->lock);
}

bool engine_changed(struct engine *e, const struct engine_state *s, int64_t from, int64_t to,
                    bool dims)
{
    /* an event at second t is in [from, to) when eng_sec(from) <= t < eng_sec(to) */
    uint32_t lo = eng_sec(from), hi = eng_sec(to);
    bool changed = false;
    pthread_rwlock_rdlock(&e->lock);
    if (s->uid != e->uid || s->version > e->version || (dims && s->names != e->names_nr)) {
        changed = true;
        goto out;
    }
    /* the log is by version: the changes after s are its last ones */
    for (size_t i = e->changes_nr; i-- > 0 && e->changes[i].version > s->version;) {
        const struct eng_change *c = &e->changes[i];
        changed = dims && c->dims;
        for (size_t k = 0; k < c->nr && !changed; k++)
            changed = c->r[k].min < hi && c->r[k].max >= lo;
        if (changed)
            break;
    }
out:
    pthread_rwlock_unlock(&e->lock);
    return changed;
}

/* Narrows [*last, *first] to the times of ts[0..nr) around second s: the last below it and
 * the first at or above it. */
static void around(const uint32_t *ts, size_t nr, uint32_t s, int64_t *last, int64_t *first)
{
    size_t i = eng_ts_lower(ts, 0, nr, s);
    if (i > 0 && (int64_t)ts[i - 1] > *last)
        *last = ts[i - 1];
    if (i < nr && (int64_t)ts[i] < *first)
        *first = ts[i];
}

void engine_events_around(struct engine *e, int64_t t, int64_t *before, int64_t *after)
{
    uint32_t s = eng_sec(t);
    int64_t last = -1, first = INT64_MAX; /* in seconds */
    pthread_rwlock_rdlock(&e->lock);
    for (size_t k = 0; k < e->acc_nr; k++) {
        const struct eng_span sp = e->span[k];
        if (sp.min > sp.max)
            continue;
        if (sp.min >= s) { /* all of it at or after t */
            if (sp.min < first)
                first = sp.min;
            continue;
        }
        if (sp.max < s) { /* all of it before t */
            if (sp.max > last)
                last = sp.max;
            continue;
        }
        const struct eng_tail *tl = e->acc[k].tail;
        around(e->ts + e->off[k], e->off[k + 1] - e->off[k], s, &last, &first);
        if (tl)
            around(tl->ts, tl->nr, s, &last, &first);
    }
    pthread_rwlock_unlock(&e->lock);
    *before = last < 0 ? INT64_MIN : last * 1000;
    *after = first == INT64_MAX ? INT64_MAX : first * 1000;
}

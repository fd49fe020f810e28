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

/* Whether ts[lo, end) (sorted) holds a time in [a, b). */
static bool holds(const uint32_t *ts, size_t lo, size_t end, uint32_t a, uint32_t b)
{
    size_t hi = end;
    while (lo < hi) { /* the first time >= a */
        size_t mid = lo + (hi - lo) / 2;
        if (ts[mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && ts[lo] < b;
}

bool engine_has_events(struct engine *e, int64_t from, int64_t to)
{
    uint32_t a = eng_sec(from), b = eng_sec(to);
    bool found = false;
    if (a >= b)
        return false;
    pthread_rwlock_rdlock(&e->lock);
    for (size_t k = 0; k < e->acc_nr && !found; k++) {
        const struct eng_span sp = e->span[k];
        if (sp.min > sp.max || sp.max < a || sp.min >= b)
            continue;
        if (sp.min >= a || sp.max < b) { /* an end of the span is inside the window */
            found = true;
            break;
        }
        size_t lo = e->off[k], hi = e->off[k + 1];
        const struct eng_tail *t = e->acc[k].tail;
        found = holds(e->ts, lo, hi, a, b) || (t && holds(t->ts, 0, t->nr, a, b));
    }
    pthread_rwlock_unlock(&e->lock);
    return found;
}

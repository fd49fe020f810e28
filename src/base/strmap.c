/* strmap.c - linear probing over a power-of-two table, grown at 70 % load. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

uint64_t hash_bytes(const void *p, size_t len)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(struct strmap *m)
{
    m->slots = NULL;
    m->nr = m->cap = 0;
}

void strmap_release(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    strmap_init(m);
}

static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strncmp(s->key, key, len) == 0 && s->key[len] == '\0'))
            return s;
    }
}

bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value)
{
    if (!m->cap)
        return false;
    struct strmap_slot *s = find(m, key, len, hash_bytes(key, len));
    if (!s->key)
        return false;
    *value = s->value;
    return true;
}

static void grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->slots = xcalloc(m->cap, sizeof(*m->slots));
    for (size_t i = 0; i < old.cap; i++) {
        struct strmap_slot *o = &old.slots[i];
        if (o->key)
            *find(m, o->key, strlen(o->key), o->hash) = *o;
    }
    free(old.slots);
}

void strmap_put(struct strmap *m, const char *key, size_t len, int64_t value)
{
    if ((m->nr + 1) * 10 > m->cap * 7)
        grow(m);
    uint64_t h = hash_bytes(key, len);
    struct strmap_slot *s = find(m, key, len, h);
    if (!s->key) {
        s->key = xstrndup(key, len);
        s->hash = h;
        m->nr++;
    }
    s->value = value;
}

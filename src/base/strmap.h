/* strmap.h - an open-addressing hash map from strings to int64 values (ids, dictionary codes). */
#ifndef BASE_STRMAP_H
#define BASE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
    char *key; /* owned; NULL marks an empty slot */
    uint64_t hash;
    int64_t value;
};

struct strmap {
    struct strmap_slot *slots;
    size_t nr, cap; /* cap is 0 or a power of two */
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* Returns true and sets *value when key is present. */
bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value);
/* Inserts or overwrites; the key is copied. */
void strmap_put(struct strmap *m, const char *key, size_t len, int64_t value);

uint64_t hash_bytes(const void *p, size_t len); /* FNV-1a, 64 bit */

#endif

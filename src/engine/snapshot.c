/* snapshot.c - the engine's snapshot file: written atomically, verified on load (format, store
 * schema, checksum, agreement with the store's events), else ignored and rebuilt. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "engine_int.h"

#define SNAP_MAGIC "LFENGINE"
#define SNAP_FORMAT 3 /* 2: users numbered by home account, multi bits; 3: users_stamp */

struct snap_header {
    char magic[8];
    uint32_t format, store_schema;
    int64_t ws, high_water;
    uint64_t high_water_hash;
    int64_t users_stamp;
    uint64_t events, skipped, acc_nr, user_nr, names_nr, names_bytes;
    uint64_t payload_bytes, checksum;
};

/* ---- a fast 64-bit checksum, section by section ---- */

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= rotl(v * 0x9E3779B97F4A7C15ULL, 31) * 0xC2B2AE3D27D4EB4FULL;
    return rotl(h, 27) * 0x9E3779B97F4A7C15ULL + 0x165667B19E3779F9ULL;
}

static uint64_t checksum(uint64_t seed, const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t h[4] = {seed, seed ^ 0x1, seed ^ 0x2, seed ^ 0x3};
    size_t i = 0;
    for (; i + 32 <= len; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t v;
            memcpy(&v, b + i + 8 * k, 8);
            h[k] = mix(h[k], v);
        }
    uint64_t r = mix(mix(mix(mix((uint64_t)len, h[0]), h[1]), h[2]), h[3]);
    for (; i < len; i++)
        r = mix(r, b[i]);
    return r;
}

/* ---- writing ---- */

struct writer {
    FILE *f;
    uint64_t sum, bytes;
    bool failed;
};

static void put(struct writer *w, const void *p, size_t len)
{
    w->sum = checksum(w->sum, p, len);
    w->bytes += len;
    if (len && fwrite(p, 1, len, w->f) != len)
        w->failed = true;
}

static void write_sections(struct writer *w, const struct engine *e)
{
    /* each section in one piece: the reader checksums the same pieces */
    put(w, e->off, (e->acc_nr + 1) * sizeof(*e->off));
    int64_t *ids = xmalloc(e->acc_nr * sizeof(*ids));
    for (size_t a = 0; a < e->acc_nr; a++)
        ids[a] = e->acc[a].id;
    put(w, ids, e->acc_nr * sizeof(*ids));
    free(ids);
    put(w, e->user_id, e->user_nr * sizeof(*e->user_id));
    put(w, e->user_home, e->user_nr * sizeof(*e->user_home));
    put(w, e->user_multi, e->user_nr);
    put(w, e->ts, e->nr * sizeof(*e->ts));
    put(w, e->user, e->nr * sizeof(*e->user));
    put(w, e->name, e->nr * sizeof(*e->name));
    put(w, e->value, e->nr * sizeof(*e->value));
    struct buf names = BUF_INIT;
    for (size_t i = 0; i < e->names_nr; i++)
        buf_add(&names, e->names[i], strlen(e->names[i]) + 1);
    put(w, names.ptr, names.len);
    buf_release(&names);
}

int engine_save(struct engine *e, const char *path, struct lf_err *err)
{
    struct buf tmp = BUF_INIT;
    buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    pthread_rwlock_wrlock(&e->lock);
    eng_compact(e);
    int rc = -1;
    FILE *f = fopen(tmp.ptr, "wb");
    if (!f) {
        err_set(err, LF_EIO, "cannot write '%s': %s", tmp.ptr, strerror(errno));
        goto out;
    }
    struct snap_header h = {.format = SNAP_FORMAT, .store_schema = (uint32_t)store_schema_version(),
                            .ws = e->ws, .high_water = e->high_water,
                            .high_water_hash = e->high_water_hash,
                            .users_stamp = e->users_stamp, .events = e->nr,
                            .skipped = e->skipped, .acc_nr = e->acc_nr, .user_nr = e->user_nr,
                            .names_nr = e->names_nr};
    memcpy(h.magic, SNAP_MAGIC, 8);
    for (size_t i = 0; i < e->names_nr; i++)
        h.names_bytes += strlen(e->names[i]) + 1;
    struct writer w = {.f = f};
    /* the header goes first with the checksum left 0, and again at the end with it */
    if (fwrite(&h, sizeof(h), 1, f) != 1)
        w.failed = true;
    write_sections(&w, e);
    h.payload_bytes = w.bytes;
    h.checksum = w.sum;
    if (fseek(f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof(h), 1, f) != 1)
        w.failed = true;
    if (fclose(f) != 0 || w.failed) {
        err_set(err, LF_EIO, "cannot write '%s': %s", tmp.ptr, strerror(errno));
        unlink(tmp.ptr);
        goto out;
    }
    if (rename(tmp.ptr, path) != 0) {
        err_set(err, LF_EIO, "cannot rename '%s' to '%s': %s", tmp.ptr, path, strerror(errno));
        unlink(tmp.ptr);
        goto out;
    }
    rc = 0;
out:
    pthread_rwlock_unlock(&e->lock);
    buf_release(&tmp);
    return rc;
}

/* ---- reading ---- */

struct reader {
    FILE *f;
    uint64_t sum, left;
    bool failed;
};

static void *get(struct reader *r, size_t len)
{
    void *p = eng_big_alloc(len ? len : 1);
    if (r->failed || len > r->left || (len && fread(p, 1, len, r->f) != len)) {
        r->failed = true;
        memset(p, 0, len ? len : 1);
        return p;
    }
    r->left -= len;
    r->sum = checksum(r->sum, p, len);
    return p;
}

/* Reads the snapshot into a new engine; returns NULL with the reason in why[512]. */
static struct engine *snap_read(const char *path, int64_t ws, int threads, char *why)
{
    struct engine *e = NULL;
    struct snap_header h;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, 512, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    long size = 0;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    rewind(f);
    if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, SNAP_MAGIC, 8) != 0) {
        snprintf(why, 512, "'%s' is not an engine snapshot", path);
        goto out;
    }
    if (h.format != SNAP_FORMAT || h.store_schema != (uint32_t)store_schema_version()) {
        snprintf(why, 512, "'%s' is of snapshot format %u and store schema %u; this landfall "
                           "uses format %u and schema %d", path, h.format, h.store_schema,
                 SNAP_FORMAT, store_schema_version());
        goto out;
    }
    if (h.ws != ws) {
        snprintf(why, 512, "'%s' is of another workspace", path);
        goto out;
    }
    if (size < 0 || (uint64_t)size != sizeof(h) + h.payload_bytes || h.acc_nr == 0 ||
        h.user_nr == 0 || h.acc_nr > UINT32_MAX || h.user_nr > UINT32_MAX ||
        h.names_nr > ENGINE_MAX_NAMES || h.events > h.payload_bytes) {
        snprintf(why, 512, "'%s' is truncated or damaged (its sizes do not add up)", path);
        goto out;
    }
    struct reader r = {.f = f, .left = h.payload_bytes};
    e = eng_new(ws, threads);
    free(e->off);
    free(e->user_id);
    free(e->user_home);
    free(e->user_multi);
    e->off = get(&r, (h.acc_nr + 1) * sizeof(*e->off));
    int64_t *acc_ids = get(&r, h.acc_nr * sizeof(*acc_ids));
    e->user_id = get(&r, h.user_nr * sizeof(*e->user_id));
    e->user_home = get(&r, h.user_nr * sizeof(*e->user_home));
    e->user_multi = get(&r, h.user_nr);
    e->user_nr = e->user_cap = h.user_nr;
    e->ts = get(&r, h.events * sizeof(*e->ts));
    e->user = get(&r, h.events * sizeof(*e->user));
    e->name = get(&r, h.events * sizeof(*e->name));
    e->value = get(&r, h.events * sizeof(*e->value));
    char *names = get(&r, h.names_bytes);
    if (r.failed || r.sum != h.checksum || r.left != 0) {
        snprintf(why, 512, "'%s' is damaged (its checksum does not match)", path);
        free(acc_ids);
        free(names);
        engine_free(e);
        e = NULL;
        goto out;
    }
    e->nr = h.events;
    e->skipped = h.skipped;
    e->high_water = h.high_water;
    e->high_water_hash = h.high_water_hash;
    e->users_stamp = h.users_stamp;
    /* accounts and users in their dense order, with their id maps */
    for (size_t a = 1; a < h.acc_nr; a++) {
        e->acc = xgrow(e->acc, sizeof(*e->acc), e->acc_nr + 1, &e->acc_cap);
        e->acc[e->acc_nr] = (struct eng_account){.id = acc_ids[a], .seats = LF_UNSET,
                                                 .customer_since = LF_UNSET,
                                                 .first_paid = LF_UNSET, .start = LF_UNSET,
                                                 .churned_at = LF_UNSET};
        eng_idmap_set(&e->acc_map, acc_ids[a], (uint32_t)++e->acc_nr);
    }
    e->span = xrealloc(e->span, e->acc_cap * sizeof(*e->span));
    e->user_base = xrealloc(e->user_base, (e->acc_cap + 1) * sizeof(*e->user_base));
    bool homes_ok = true;
    for (size_t u = 0; u < h.user_nr; u++)
        homes_ok &= e->user_home[u] < e->acc_nr;
    for (size_t u = 1; u < h.user_nr; u++)
        eng_idmap_set(&e->user_map, e->user_id[u], (uint32_t)u + 1);
    const char *p = names, *end = names + h.names_bytes;
    for (size_t i = 0; i < h.names_nr && p < end; i++) {
        size_t len = strnlen(p, (size_t)(end - p));
        char *s = xstrndup(p, len);
        eng_name_code(e, s);
        free(s);
        p += len + 1;
    }
    free(acc_ids);
    free(names);
    if (e->names_nr != h.names_nr || e->off[e->acc_nr] != e->nr || !homes_ok) {
        snprintf(why, 512, "'%s' is damaged (its dictionary or index is inconsistent)", path);
        engine_free(e);
        e = NULL;
        goto out;
    }
    eng_spans_compute(e);
    eng_users_regroup(e); /* saved grouped: this only sets user_base */
out:
    fclose(f);
    return e;
}

/* Checks the snapshot against the store; returns 1 when they agree, 0 (why set) when not. */
static int agrees(struct engine *e, struct store *st, char *why)
{
    uint64_t hash;
    int64_t stamp;
    struct lf_err err;
    if (store_users_stamp(st, e->ws, &stamp, &err) < 0 || stamp != e->users_stamp) {
        snprintf(why, 512, "the snapshot is stale: contacts were merged since it was made");
        return 0;
    }
    if (e->high_water == 0)
        return 1;
    if (!eng_store_event_hash(st, e->ws, e->high_water, &hash) || hash != e->high_water_hash) {
        snprintf(why, 512, "the snapshot is stale: the store's event %lld is not the one it "
                           "was built up to", (long long)e->high_water);
        return 0;
    }
    return 1;
}

int engine_open(struct store *st, int64_t ws, const char *snapshot,
                const struct engine_opts *opts, struct engine **out,
                struct engine_open_info *info, struct lf_err *err)
{
    *out = NULL;
    *info = (struct engine_open_info){.origin = ENGINE_BUILT};
    int threads = opts ? opts->threads : 0;
    if (snapshot && access(snapshot, F_OK) == 0) {
        struct engine *e = snap_read(snapshot, ws, threads, info->warning);
        if (e)
            e->tz = opts ? opts->tz : NULL; /* before the dimensions are loaded */
        if (e && agrees(e, st, info->warning)) {
            int64_t max_id;
            if (eng_load_dims(e, st, err) < 0 || engine_sync(e, st, &info->caught_up, err) < 0 ||
                store_events_max_id(st, ws, &max_id, err) < 0) {
                engine_free(e);
                return -1;
            }
            if (max_id == e->high_water) {
                info->origin = ENGINE_LOADED;
                *out = e;
                return 0;
            }
            snprintf(info->warning, sizeof(info->warning),
                     "the snapshot is stale: it goes up to event %lld, the store to %lld",
                     (long long)e->high_water, (long long)max_id);
        }
        engine_free(e);
        info->origin = ENGINE_REBUILT;
    }
    return engine_build(st, ws, opts, out, err);
}

/* write.c - the one write path: every row of every source (import, demo, ingestion, REST) is
 * validated against its resource's definition, its references resolved, and written by SQL
 * generated from that definition, with the hooks it names and an entry in the change log. */
#include "store_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"

#define BIT(i) ((uint64_t)1 << (i))

void store_row_init(struct store_row *r, const struct resource_def *def, int mode)
{
    /* a row is read only through its given fields: the values need no clearing (a row is
     * 1.5 KB, and ingestion makes one per event) */
    r->def = def;
    r->mode = mode;
    r->given = 0;
    r->unit = 0;
    r->id = 0;
    r->change = STORE_UNCHANGED;
    r->err.code = 0;
    r->err.field[0] = r->err.msg[0] = '\0';
    r->culprit = false;
    r->stubbed = 0;
}

void store_row_text(struct store_row *r, size_t i, const char *s)
{
    r->v[i] = (struct value){.null = !s, .s = s};
    r->given |= BIT(i);
}

void store_row_int(struct store_row *r, size_t i, int64_t v)
{
    r->v[i] = (struct value){.i = v};
    r->given |= BIT(i);
}

void store_row_real(struct store_row *r, size_t i, double v)
{
    r->v[i] = (struct value){.r = v};
    r->given |= BIT(i);
}

void store_row_null(struct store_row *r, size_t i)
{
    r->v[i] = (struct value){.null = true};
    r->given |= BIT(i);
}

void store_row_ref(struct store_row *r, size_t i, const char *ext_id, int64_t id)
{
    r->v[i] = (struct value){.null = !ext_id && !id, .s = ext_id, .i = id};
    r->given |= BIT(i);
}

/* ---- what phase one decides for a row ---- */

struct plan {
    int64_t id;           /* the existing row, 0 when it is to be created */
    uint64_t stub;        /* REF fields whose row is to be created (STORE_STUBS) */
    int64_t old_account;  /* for the change log: the account of an existing row, when known */
    int merge;            /* a merge (FIELD_MERGE given): 1 to do, 2 done already */
};

/* The first REF field to accounts, or -1: the account a row belongs to. */
static int account_field(const struct resource_def *def)
{
    if (def == &resource_accounts)
        return -1;
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].type == FIELD_REF && def->fields[i].ref == &resource_accounts)
            return (int)i;
    return -1;
}

static int contact_field(const struct resource_def *def)
{
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].type == FIELD_REF && def->fields[i].ref == &resource_contacts)
            return (int)i;
    return -1;
}

static bool stubbable(const struct resource_def *ref)
{
    return ref == &resource_accounts || ref == &resource_contacts;
}

/* ---- cache keys, by hand: snprintf for each row's statement lookups cost 2 % of ingestion ---- */

/* "PREFIX:NAME", then ":HEX" of cols when `hex`; returns out. */
static char *stmt_key(char out[96], const char *prefix, const char *name, bool hex, uint64_t cols)
{
    size_t p = strlen(prefix), n = strlen(name);
    if (p + n + 20 > 96)
        n = 96 - 20 - p;
    memcpy(out, prefix, p);
    out[p++] = ':';
    memcpy(out + p, name, n);
    p += n;
    if (hex) {
        out[p++] = ':';
        for (int shift = 60; shift >= 0; shift -= 4)
            out[p++] = "0123456789abcdef"[cols >> shift & 15];
    }
    out[p] = '\0';
    return out;
}

/* The decimal text of v in out; returns its length. */
static size_t id_key(char out[24], int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while (u /= 10);
    size_t len = 0;
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = tmp[--n];
    out[len] = '\0';
    return len;
}

/* ---- SQL of writes ---- */

struct shape {
    const struct resource_def *def;
    uint64_t cols;  /* the fields written */
    bool returning; /* the insert answers the new row's id (engines without inserted_id) */
};

static void build_insert(struct buf *sql, const void *arg)
{
    const struct shape *s = arg;
    struct buf vals = BUF_INIT;
    int p = 2;
    buf_addf(sql, "INSERT INTO %s(workspace_id", s->def->name);
    buf_adds(&vals, "?1");
    for (size_t i = 0; i < s->def->fields_nr; i++)
        if (s->cols >> i & 1) {
            buf_addf(sql, ", %s", s->def->fields[i].column);
            buf_addf(&vals, ", ?%d", p++);
        }
    /* a row another writer inserted meanwhile is found again and updated instead */
    buf_addf(sql, ") VALUES (%s) ON CONFLICT DO NOTHING%s", buf_str(&vals),
             s->returning ? " RETURNING id" : "");
    buf_release(&vals);
}

/* UPDATE … SET the fields WHERE one of them differs, so that the change count tells updated
 * from unchanged. */
static void build_update(struct buf *sql, const void *arg)
{
    const struct shape *s = arg;
    struct buf differs = BUF_INIT;
    int p = 2;
    buf_addf(sql, "UPDATE %s SET ", s->def->name);
    for (size_t i = 0; i < s->def->fields_nr; i++)
        if (s->cols >> i & 1) {
            const char *col = s->def->fields[i].column;
            buf_addf(sql, "%s%s = ?%d", p > 2 ? ", " : "", col, p);
            buf_addf(&differs, "%s%s IS DISTINCT FROM ?%d", p > 2 ? " OR " : "", col, p);
            p++;
        }
    buf_addf(sql, " WHERE id = ?1 AND (%s)", buf_str(&differs));
    buf_release(&differs);
}

static struct sql *shaped(struct store *st, char op, const struct shape *s,
                          void (*build)(struct buf *, const void *), struct lf_err *err)
{
    char key[96], prefix[2] = {op, '\0'};
    return sql_cached(st, stmt_key(key, prefix, s->def->name, true, s->cols), build, s, err);
}

/* Binds the written fields of a shape from ?2 on. */
static void bind_shape(struct store *st, struct sql *q, const struct shape *s,
                       const struct value *v)
{
    int p = 2;
    for (size_t i = 0; i < s->def->fields_nr; i++)
        if (s->cols >> i & 1)
            sql_bind_value(st, q, p++, &s->def->fields[i], &v[i]);
}

/* ---- lookups through the transaction's caches ---- */

static int cache_slot(const struct resource_def *def)
{
    if (def == &resource_accounts)
        return 0;
    if (def == &resource_contacts)
        return 1;
    if (def == &resource_touchpoints)
        return 2;
    if (def == &resource_surveys)
        return 3;
    return -1;
}

static void find_sql(struct buf *sql, const void *arg)
{
    sql_find_key(sql, arg);
}

static int find_ext(struct store *st, int64_t ws, const struct resource_def *def, const char *ext,
                    int64_t *id, struct lf_err *err)
{
    char key[96];
    stmt_key(key, "f", def->name, false, 0);
    struct sql *q = sql_cached(st, key, find_sql, def, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, ext);
    return sql_lookup(st, q, id, err);
}

/* A writer that keeps to itself keeps its ids across transactions (store_begin): without a
 * bound a server ingesting millions of new contacts, or an import of millions, would hold
 * ~100 bytes for each until it stops. Past the bound the map starts afresh: the ids are looked
 * up again, once each. 2^18 ids: ~25 MB a map at most. */
#define STORE_ID_CACHE_MAX (1u << 18)

static void cache_put(struct strmap *m, const char *key, size_t len, int64_t id)
{
    if (m->nr >= STORE_ID_CACHE_MAX) {
        strmap_release(m);
        strmap_init(m);
    }
    strmap_put(m, key, len, id);
}

int store_cached_find(struct store *st, int64_t ws, const struct resource_def *def,
                      const char *ext, int64_t *id, struct lf_err *err)
{
    int slot = cache_slot(def);
    if (st->cache_ws != ws) {
        store_caches_drop(st);
        st->cache_ws = ws;
    }
    if (slot >= 0 && st->in_write && strmap_get(&st->cache[slot], ext, strlen(ext), id))
        return 1;
    int found = find_ext(st, ws, def, ext, id, err);
    if (found == 1 && slot >= 0 && st->in_write)
        cache_put(&st->cache[slot], ext, strlen(ext), *id);
    return found;
}

void store_cache_put(struct store *st, int64_t ws, const struct resource_def *def,
                     const char *ext, int64_t id)
{
    int slot = cache_slot(def);
    if (slot < 0 || !st->in_write)
        return;
    if (st->cache_ws != ws) {
        store_caches_drop(st);
        st->cache_ws = ws;
    }
    cache_put(&st->cache[slot], ext, strlen(ext), id);
}

static void identity_sql(struct buf *sql, const void *arg)
{
    const struct resource_def *def = arg;
    int p = 2;
    buf_addf(sql, "SELECT id FROM %s WHERE workspace_id = ?1", def->name);
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].flags & FIELD_IDENTITY)
            buf_addf(sql, " AND %s = ?%d", def->fields[i].column, p++);
}

static bool has_identity(const struct resource_def *def)
{
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].flags & FIELD_IDENTITY)
            return true;
    return false;
}

/* Finds a serial-keyed row by its identity fields (all given and resolved). */
static int find_identity(struct store *st, int64_t ws, const struct resource_def *def,
                         const struct value *v, int64_t *id, struct lf_err *err)
{
    char key[96];
    stmt_key(key, "fi", def->name, false, 0);
    struct sql *q = sql_cached(st, key, identity_sql, def, err);
    if (!q)
        return -1;
    int p = 2;
    sql_bind_int(st, q, 1, ws);
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].flags & FIELD_IDENTITY)
            sql_bind_value(st, q, p++, &def->fields[i], &v[i]);
    return sql_lookup(st, q, id, err);
}

static void by_id_sql(struct buf *sql, const void *arg)
{
    const struct resource_def *def = arg;
    buf_addf(sql, "SELECT id FROM %s WHERE workspace_id = ?1 AND id = ?2", def->name);
}

static int find_id(struct store *st, int64_t ws, const struct resource_def *def, int64_t id,
                   struct lf_err *err)
{
    char key[96];
    int64_t found_id;
    stmt_key(key, "fid", def->name, false, 0);
    struct sql *q = sql_cached(st, key, by_id_sql, def, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, id);
    return sql_lookup(st, q, &found_id, err);
}

int store_find(struct store *st, int64_t ws, const struct resource_def *def,
               const struct value *key, int64_t *id, struct lf_err *err)
{
    if (def->ext_key)
        return key->s ? store_cached_find(st, ws, def, key->s, id, err) : 0;
    int found = find_id(st, ws, def, key->i, err);
    if (found == 1)
        *id = key->i;
    return found;
}

/* The transaction's knowledge of a contact's account: 1 with *account (0: none), 0 unknown. */
static int known_account(struct store *st, int64_t contact, int64_t *account)
{
    char key[24];
    size_t n = id_key(key, contact);
    return st->in_write && strmap_get(&st->contact_account, key, n, account);
}

static void know_account(struct store *st, int64_t contact, int64_t account)
{
    char key[24];
    size_t n = id_key(key, contact);
    if (st->in_write)
        cache_put(&st->contact_account, key, n, account);
}

/* The account of contact `id` (0 when it has none). */
static int contact_account(struct store *st, int64_t contact, int64_t *account,
                           struct lf_err *err)
{
    if (known_account(st, contact, account))
        return 0;
    struct sql *q = sql_static(st, "SELECT account_id FROM contacts WHERE id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, contact);
    int rc = sql_step(st, q, err);
    *account = rc == 1 ? sql_id(st, q, 0) : 0;
    sql_done(st, q);
    if (rc == 1)
        know_account(st, contact, *account);
    return rc < 0 ? -1 : 0;
}

/* ---- phase one: validation ---- */

/* Refuses row r (validate's answer for a row that is not written): returns 0. */
static int refused(struct store_row *r, int code, const char *field, const char *fmt,
                   const char *a, const char *b)
{
    err_set_field(&r->err, field ? field : "", code, fmt, a, b);
    return 0;
}

static int check_survey_scale(struct store *st, int64_t ws, struct store_row *r,
                              struct lf_err *err)
{
    if (!(r->given >> RESP_SCORE & 1) || r->v[RESP_SCORE].null ||
        !(r->given >> RESP_SURVEY & 1) || !r->v[RESP_SURVEY].i)
        return 0;
    struct sql *q = sql_static(st, "SELECT ext_id, scale_min, scale_max FROM surveys "
                                   "WHERE id = ?1 AND workspace_id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, r->v[RESP_SURVEY].i);
    sql_bind_int(st, q, 2, ws);
    int rc = sql_step(st, q, err);
    if (rc == 1) {
        int64_t score = r->v[RESP_SCORE].i, lo = sql_int(st, q, 1), hi = sql_int(st, q, 2);
        if (score < lo || score > hi)
            err_set_field(&r->err, "score", LF_EINVAL,
                          "score %lld is outside %s's scale %lld..%lld",
                          (long long)score, sql_text(st, q, 0), (long long)lo, (long long)hi);
    }
    sql_done(st, q);
    return rc < 0 ? -1 : 0;
}

/* Validates one row and decides how it is written: 0 (r->err set when it is refused), or -1
 * when the store failed. */
static int validate(struct store *st, int64_t ws, struct store_row *r, struct plan *p,
                    int64_t now, unsigned flags, struct lf_err *err)
{
    const struct resource_def *def = r->def;
    const struct value *key = &r->v[RESOURCE_KEY];
    *p = (struct plan){0};
    if (resource_check(def, r->v, r->given, now, &r->err) < 0)
        return 0;
    if ((def->hooks & HOOK_BUILTIN) && (r->given & 1) && key->s &&
        (!strcmp(key->s, "nps") || !strcmp(key->s, "csat") || !strcmp(key->s, "ces")))
        return refused(r, LF_ECONFLICT, NULL, "%s '%s' is built in and cannot change",
                      def->singular, key->s);
    /* references */
    for (size_t i = 0; i < def->fields_nr; i++) {
        struct value *v = &r->v[i];
        const struct field_def *f = &def->fields[i];
        if (f->type != FIELD_REF || !(r->given >> i & 1) || v->null || !v->s)
            continue;
        int found = store_cached_find(st, ws, f->ref, v->s, &v->i, err);
        if (found < 0)
            return -1;
        if (found)
            continue;
        if ((flags & STORE_STUBS) && stubbable(f->ref)) {
            p->stub |= BIT(i);
            v->i = 0;
            continue;
        }
        return refused(r, LF_EINVAL, f->name, "%s '%s' does not exist", f->ref->singular,
                       v->s);
    }
    /* the row itself */
    int found = 0;
    if (def->ext_key && (!(r->given & 1) || !key->s))
        return refused(r, LF_EINVAL, def->fields[0].name, "'%s' is required",
                       def->fields[0].name, NULL);
    int m = resource_merge_field(def);
    if (m >= 0 && (r->given >> m & 1)) {
        int rc = store_merge_check(st, ws, def, key->s, &r->v[m], &p->id, &r->err, err);
        if (rc < 0)
            return -1;
        p->merge = rc;
        if (!r->err.code && p->id && r->mode == STORE_CREATE)
            return refused(r, LF_ECONFLICT, NULL, "%s '%s' exists already", def->singular,
                           key->s);
        if (!r->err.code && !p->id && r->mode == STORE_MERGE)
            return refused(r, LF_ENOENT, NULL, "no %s '%s'", def->singular, key->s);
        return 0;
    }
    if (def->append_only) {
        found = 0; /* the insert skips a known key */
    } else if (def->ext_key) {
        found = store_cached_find(st, ws, def, key->s, &p->id, err);
    } else if (r->mode == STORE_REPLACE || r->mode == STORE_MERGE) {
        found = find_id(st, ws, def, key->i, err);
        p->id = key->i;
    } else if (has_identity(def)) {
        /* a complete identity naming no row created just now (a stub) may name a stored one */
        bool complete = true;
        for (size_t i = 0; i < def->fields_nr; i++)
            if ((def->fields[i].flags & FIELD_IDENTITY) &&
                (!(r->given >> i & 1) || r->v[i].null || (p->stub >> i & 1)))
                complete = false;
        if (complete)
            found = find_identity(st, ws, def, r->v, &p->id, err);
    }
    if (found < 0)
        return -1;
    if (!found)
        p->id = 0;
    /* a serial key is read only where the caller names a row by it */
    char keytext[32] = "";
    const char *name = def->ext_key ? key->s : keytext;
    if (!def->ext_key && (r->mode == STORE_REPLACE || r->mode == STORE_MERGE))
        snprintf(keytext, sizeof(keytext), "%lld", (long long)key->i);
    if (found && r->mode == STORE_CREATE)
        return refused(r, LF_ECONFLICT, NULL, "%s '%s' exists already", def->singular,
                      def->ext_key ? name : "with this identity");
    if (!found && (r->mode == STORE_MERGE || (r->mode == STORE_REPLACE && !def->ext_key)))
        return refused(r, LF_ENOENT, NULL, "no %s '%s'", def->singular, name);
    /* required fields: present on a new row (and a replace), never cleared */
    bool creating = !found || r->mode == STORE_REPLACE;
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (!(f->flags & FIELD_REQUIRED))
            continue;
        bool given = r->given >> i & 1;
        if ((creating && !given) || (given && r->v[i].null))
            return refused(r, LF_EINVAL, f->name, "'%s' is required", f->name, NULL);
    }
    if (def->hooks & HOOK_CONTACT_ACCOUNT) {
        int ai = account_field(def), ci = contact_field(def);
        if (ai < 0 || ci < 0)
            return err_set(err, LF_EINTERNAL, "%s: HOOK_CONTACT_ACCOUNT needs both references",
                           def->name);
        bool account_given = (r->given >> ai & 1) && !r->v[ai].null;
        if (!account_given && (r->given >> ci & 1) && r->v[ci].i) {
            int64_t account;
            if (contact_account(st, r->v[ci].i, &account, err) < 0)
                return -1;
            if (account)
                store_row_ref(r, (size_t)ai, NULL, account);
        }
    }
    if ((def->hooks & HOOK_SURVEY_SCALE) && check_survey_scale(st, ws, r, err) < 0)
        return -1;
    return 0;
}

/* ---- phase two: writing ---- */

struct writer {
    struct store *st;
    int64_t ws, now, today;
    struct store_write_stats *stats;
    const struct store_write_opts *opts;
};

static int write_row(struct writer *w, struct store_row *r, struct plan *p, struct lf_err *err);

/* Creates the row a reference names (a stub account, a bare contact) and points v at it. */
static int create_stub(struct writer *w, struct store_row *r, size_t i, struct lf_err *err)
{
    const struct field_def *f = &r->def->fields[i];
    struct value *v = &r->v[i];
    struct writer quiet = *w; /* a stub is counted as a stub, not as a row of the batch */
    quiet.stats = NULL;
    /* a row of the same unit may have created it already */
    int found = store_cached_find(w->st, w->ws, f->ref, v->s, &v->i, err);
    if (found != 0)
        return found < 0 ? -1 : 0;
    struct store_row stub;
    struct plan sp = {0};
    store_row_init(&stub, f->ref, STORE_UPSERT);
    store_row_text(&stub, RESOURCE_KEY, v->s);
    if (f->ref == &resource_accounts) {
        store_row_int(&stub, ACCOUNT_STUB, 1);
    } else { /* a bare contact, in the row's account when it names one */
        int ai = account_field(r->def);
        if (ai >= 0 && (r->given >> ai & 1) && r->v[ai].i)
            store_row_ref(&stub, CONTACT_ACCOUNT, NULL, r->v[ai].i);
    }
    if (write_row(&quiet, &stub, &sp, err) < 0)
        return -1;
    if (w->stats)
        w->stats->stubs++;
    v->i = stub.id;
    r->stubbed |= BIT(i);
    return 0;
}

/* The fields an insert or update writes. */
static uint64_t written_cols(const struct resource_def *def, uint64_t given, bool insert,
                             bool replace)
{
    uint64_t cols = 0;
    for (size_t i = 0; i < def->fields_nr; i++) {
        unsigned fl = def->fields[i].flags;
        if (fl & FIELD_DERIVED)
            continue;
        if (fl & FIELD_KEY) {
            if (insert && def->ext_key)
                cols |= BIT(i);
            continue;
        }
        if ((fl & (FIELD_READONLY | FIELD_MERGE)) && !(given >> i & 1))
            continue;
        if ((given >> i & 1) || replace || (insert && def->fields[i].dflt))
            cols |= BIT(i);
    }
    return cols;
}

/* Values of fields written but not given: their default, else null. */
static void fill_defaults(const struct resource_def *def, uint64_t cols, struct store_row *r)
{
    for (size_t i = 0; i < def->fields_nr; i++)
        if ((cols >> i & 1) && !(r->given >> i & 1))
            r->v[i] = def->fields[i].dflt ? (struct value){.s = def->fields[i].dflt}
                                          : (struct value){.null = true};
}

static int insert(struct writer *w, struct store_row *r, struct lf_err *err)
{
    const struct store_ops *ops = w->st->ops;
    if (r->def->append_only && (w->opts->flags & STORE_BULK) && ops->insert_many) {
        /* written with many others later (bulk.c): its fate reaches opts->appended; an
         * engine without a bulk path writes it now, as without STORE_BULK */
        if (store_pending_add(w->st, w->ws, r->def, r->v, r->given, w->opts->appended,
                              w->opts->ctx, err) < 0)
            return -1;
        r->change = STORE_PENDING;
        return 1;
    }
    struct shape s = {r->def, written_cols(r->def, r->given, true, r->mode == STORE_REPLACE),
                      !ops->inserted_id};
    fill_defaults(r->def, s.cols, r);
    struct sql *q = shaped(w->st, 'i', &s, build_insert, err);
    if (!q)
        return -1;
    if (ops->before_insert && ops->before_insert(w->st, r->def, r->v, err) < 0)
        return -1;
    sql_bind_int(w->st, q, 1, w->ws);
    bind_shape(w->st, q, &s, r->v);
    int rc = sql_step(w->st, q, err);
    if (rc == 1) { /* RETURNING id */
        r->id = sql_id(w->st, q, 0);
        r->change = STORE_INSERTED;
    } else if (rc == 0 && ops->inserted_id && ops->changes(q) > 0) {
        r->id = ops->inserted_id(q);
        r->change = STORE_INSERTED;
        rc = 1;
    }
    sql_done(w->st, q);
    if (rc < 0)
        return err_prefix(err, "cannot write %s", r->def->singular);
    return rc; /* 0: a conflict, the row exists */
}

static int update(struct writer *w, struct store_row *r, struct lf_err *err)
{
    struct shape s = {r->def, written_cols(r->def, r->given, false, r->mode == STORE_REPLACE)};
    r->change = STORE_UNCHANGED;
    if (!s.cols)
        return 0;
    fill_defaults(r->def, s.cols, r);
    struct sql *q = shaped(w->st, 'u', &s, build_update, err);
    if (!q)
        return -1;
    sql_bind_int(w->st, q, 1, r->id);
    bind_shape(w->st, q, &s, r->v);
    int rc = sql_step(w->st, q, err);
    if (rc >= 0 && sql_changes(w->st, q) > 0)
        r->change = STORE_UPDATED;
    sql_done(w->st, q);
    return rc < 0 ? err_prefix(err, "cannot write %s", r->def->singular) : 0;
}

/* The account a written row belongs to, for the change log. */
static int row_account(struct writer *w, const struct store_row *r, int64_t *account,
                       struct lf_err *err)
{
    int ai = account_field(r->def);
    if (ai >= 0 && (r->given >> ai & 1)) {
        *account = r->v[ai].null ? 0 : r->v[ai].i;
        return 0;
    }
    return store_account_of(w->st, r->def, r->id, account, err);
}

/* HOOK_CONTACT_ACCOUNT's second half: a contact without an account joins the one a row names
 * together with it (an event with userId and context.groupId, as a group call would). */
static int link_contact(struct writer *w, const struct store_row *r, struct lf_err *err)
{
    int ai = account_field(r->def), ci = contact_field(r->def);
    int64_t known;
    if (ai < 0 || ci < 0 || !(r->given >> ai & 1) || !(r->given >> ci & 1) || !r->v[ai].i ||
        !r->v[ci].i)
        return 0;
    if (known_account(w->st, r->v[ci].i, &known) && known)
        return 0; /* it has one: nothing to link */
    struct sql *q = sql_static(w->st, "UPDATE contacts SET account_id = ?2 WHERE id = ?1 AND "
                                      "account_id IS NULL", err);
    if (!q)
        return -1;
    sql_bind_int(w->st, q, 1, r->v[ci].i);
    sql_bind_int(w->st, q, 2, r->v[ai].i);
    int rc = sql_step(w->st, q, err);
    bool linked = rc >= 0 && sql_changes(w->st, q) > 0;
    sql_done(w->st, q);
    if (rc < 0)
        return -1;
    if (linked) /* else it had another one, which the next lookup reads */
        know_account(w->st, r->v[ci].i, r->v[ai].i);
    return linked ? store_log_change(w->st, w->ws, &resource_contacts, r->v[ci].i, r->v[ai].i,
                                     STORE_UPDATED, err)
                  : 0;
}

static int write_row(struct writer *w, struct store_row *r, struct plan *p, struct lf_err *err)
{
    const struct resource_def *def = r->def;
    for (size_t i = 0; i < def->fields_nr; i++)
        if ((p->stub >> i & 1) && create_stub(w, r, i, err) < 0)
            return -1;
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].type == FIELD_DICT && (r->given >> i & 1) && !r->v[i].null &&
            store_name_code(w->st, w->ws, r->v[i].s, &r->v[i].i, err) < 0)
            return -1;
    /* a row written by a caller is no longer a stub */
    if (def == &resource_accounts && !(r->given >> ACCOUNT_STUB & 1))
        store_row_int(r, ACCOUNT_STUB, 0);
    r->id = p->id;
    r->change = STORE_UNCHANGED;
    if (p->merge == 2) { /* merged into that one already */
        if (w->stats)
            w->stats->unchanged++;
        return 0;
    }
    if (!r->id) {
        int rc = insert(w, r, err);
        if (rc < 0)
            return -1;
        if (rc == 0 && !def->append_only) {
            /* another writer created it after our lookup: update that one */
            int found = def->ext_key ? find_ext(w->st, w->ws, def, r->v[0].s, &r->id, err)
                                     : find_identity(w->st, w->ws, def, r->v, &r->id, err);
            if (found <= 0)
                return found < 0 ? -1
                                 : err_set(err, LF_ECONFLICT, "%s breaks a uniqueness rule",
                                           def->singular);
        }
        if (def->ext_key && r->id && !def->append_only)
            store_cache_put(w->st, w->ws, def, r->v[0].s, r->id);
    }
    if (r->id && r->change != STORE_INSERTED && !def->append_only && update(w, r, err) < 0)
        return -1;
    if (w->stats) {
        w->stats->inserted += r->change == STORE_INSERTED;
        w->stats->updated += r->change == STORE_UPDATED;
        w->stats->unchanged += r->change == STORE_UNCHANGED;
        w->stats->pending += r->change == STORE_PENDING;
    }
    if ((def->hooks & HOOK_CONTACT_ACCOUNT) && link_contact(w, r, err) < 0)
        return -1;
    if (def == &resource_contacts && (r->given >> CONTACT_ACCOUNT & 1))
        know_account(w->st, r->id, r->v[CONTACT_ACCOUNT].null ? 0 : r->v[CONTACT_ACCOUNT].i);
    if (def->append_only)
        return 0;
    if (p->merge)
        return store_merge_apply(w->st, w->ws, def, r->id, r->v[resource_merge_field(def)].i,
                                 r->change != STORE_INSERTED, err);
    if ((def->hooks & HOOK_MRR_POINT) && (r->given >> ACCOUNT_MRR & 1) &&
        !r->v[ACCOUNT_MRR].null) {
        int changed = store_hook_mrr_point(w->st, w->ws, r->id, r->v[ACCOUNT_MRR].i, w->today,
                                           err);
        if (changed < 0)
            return -1;
        if (changed && r->change == STORE_UNCHANGED)
            r->change = STORE_UPDATED;
    }
    if (r->change == STORE_UNCHANGED)
        return 0;
    int64_t account;
    if (row_account(w, r, &account, err) < 0 ||
        store_log_change(w->st, w->ws, def, r->id, account, r->change, err) < 0)
        return -1;
    if ((def->hooks & HOOK_MRR_SYNC) && store_mrr_sync(w->st, account, err) < 0)
        return -1;
    return 0;
}

/* ---- the entry point ---- */

/* Copies the first refusal of a unit onto every row of it. */
static void refuse_unit(struct store_row *rows, size_t lo, size_t hi, size_t bad)
{
    for (size_t k = lo; k < hi; k++) {
        rows[k].err = rows[bad].err;
        rows[k].change = STORE_UNCHANGED;
        rows[k].culprit = k == bad;
    }
}

int store_write(struct store *st, int64_t ws, struct store_row *rows, size_t nr,
                const struct store_write_opts *opts, struct store_write_stats *stats,
                struct lf_err *err)
{
    static const struct store_write_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    if (!st->in_write)
        return err_set(err, LF_EINTERNAL, "store_write outside a transaction");
    struct writer w = {.st = st, .ws = ws, .stats = stats, .opts = opts};
    w.now = opts->now ? opts->now : time_now_ms();
    w.today = time_day_start(w.now);
    struct plan *plans = xmalloc((nr ? nr : 1) * sizeof(*plans));
    int ret = -1;
    size_t lo = 0;
    while (lo < nr) {
        size_t hi = lo + 1;
        while (rows[lo].unit && hi < nr && rows[hi].unit == rows[lo].unit)
            hi++;
        size_t bad = hi;
        for (size_t k = lo; k < hi; k++) {
            rows[k].err = (struct lf_err){0};
            rows[k].change = STORE_UNCHANGED;
            rows[k].id = 0;
            rows[k].culprit = false;
            rows[k].stubbed = 0;
        }
        for (size_t k = lo; k < hi && bad == hi; k++) {
            if (validate(st, ws, &rows[k], &plans[k], w.now, opts->flags, err) < 0)
                goto out;
            if (rows[k].err.code)
                bad = k;
        }
        if (bad < hi) {
            refuse_unit(rows, lo, hi, bad);
            if (stats)
                stats->rejected += hi - lo;
        } else {
            for (size_t k = lo; k < hi; k++)
                if (write_row(&w, &rows[k], &plans[k], err) < 0)
                    goto out;
        }
        lo = hi;
    }
    ret = 0;
out:
    free(plans);
    return ret;
}

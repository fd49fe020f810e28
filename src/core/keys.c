/* keys.c - API keys: random 32-byte secrets shown once, stored as a BLAKE2b hash under a prefix. */
#include <sodium.h>
#include <string.h>

#include "base/time.h"
#include "core.h"
#include "report/table.h"

static const char *const scope_names[] = {"write", "read", "admin", "survey"};

int lf_scope_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, scope_names[i]) == 0)
            return i;
    return -1;
}

const char *lf_scope_name(int scope)
{
    return scope >= 0 && scope < 4 ? scope_names[scope] : "?";
}

static int init_sodium(struct lf_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, LF_EINTERNAL, "cannot initialise libsodium");
    return 0;
}

/* A key has 256 random bits, so a fast hash cannot be brute-forced: no need for a slow password
 * hash, which would cost every request tens of milliseconds (docs/api.md). */
static void key_hash(const char *key, char hex[2 * crypto_generichash_BYTES + 1])
{
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof(h), (const unsigned char *)key, strlen(key), NULL, 0);
    sodium_bin2hex(hex, 2 * crypto_generichash_BYTES + 1, h, sizeof(h));
}

static void key_info(const struct api_key *k, struct lf_key *out)
{
    memset(out, 0, sizeof(*out));
    out->id = k->id;
    snprintf(out->prefix, sizeof(out->prefix), "%.*s", LF_KEY_PREFIX_LEN, k->prefix);
    out->scope = lf_scope_parse(k->scope);
    out->workspace = k->ws;
    out->created_ms = k->created_at;
    out->revoked_ms = k->revoked_at == LF_UNSET ? 0 : k->revoked_at;
}

int lf_key_create(struct lf *lf, int scope, const char *name, char key_out[LF_KEY_SIZE],
                  struct lf_key *info, struct lf_err *err)
{
    if (scope < LF_SCOPE_WRITE || scope > LF_SCOPE_SURVEY)
        return err_set(err, LF_EUSAGE, "unknown key scope %d", scope);
    if (init_sodium(err) < 0)
        return -1;
    /* A prefix collision (48 random bits) is retried with a fresh key. */
    for (int attempt = 0; attempt < 3; attempt++) {
        unsigned char secret[32];
        char hash[2 * crypto_generichash_BYTES + 1], prefix[LF_KEY_PREFIX_LEN + 1];
        randombytes_buf(secret, sizeof(secret));
        memcpy(key_out, "lf_", 3);
        sodium_bin2base64(key_out + 3, LF_KEY_SIZE - 3, secret, sizeof(secret),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(secret, sizeof(secret));
        memcpy(prefix, key_out, LF_KEY_PREFIX_LEN);
        prefix[LF_KEY_PREFIX_LEN] = '\0';
        key_hash(key_out, hash);
        struct api_key k = {.ws = lf->w->info.id,
                            .created_at = time_now_ms(),
                            .revoked_at = LF_UNSET};
        snprintf(k.name, sizeof(k.name), "%s", name ? name : "");
        snprintf(k.prefix, sizeof(k.prefix), "%s", prefix);
        snprintf(k.hash, sizeof(k.hash), "%s", hash);
        snprintf(k.scope, sizeof(k.scope), "%s", scope_names[scope]);
        struct store *st;
        if (core_tx_begin_lf(lf, &st, err) < 0)
            break;
        if (store_api_key_insert(st, lf->w->info.id, &k, &k.id, err) == 0 &&
            core_tx_commit_lf(lf, err) == 0) {
            if (info)
                key_info(&k, info);
            return 0;
        }
        core_tx_abort(lf->w->core);
        if (err && err->code != LF_ECONFLICT)
            break;
    }
    sodium_memzero(key_out, LF_KEY_SIZE);
    return -1;
}

static int list_row(void *ctx, const struct api_key *k, struct lf_err *err)
{
    (void)err;
    struct lf_table *t = ctx;
    char when[32];
    size_t r = table_add_row(t);
    table_set_int(t, r, 0, k->id);
    table_set_text(t, r, 1, k->prefix);
    table_set_text(t, r, 2, k->scope);
    if (k->name[0])
        table_set_text(t, r, 3, k->name);
    time_format_iso(k->created_at, when);
    table_set_text(t, r, 4, when);
    if (k->revoked_at != LF_UNSET) {
        time_format_iso(k->revoked_at, when);
        table_set_text(t, r, 5, when);
    }
    return 0;
}

int lf_keys_list(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    static const char *const cols[] = {"prefix", "scope", "name", "created", "revoked"};
    struct lf_table *t = table_new("keys");
    table_add_column(t, "id", LF_COL_INT);
    for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
        table_add_column(t, cols[i], LF_COL_TEXT);
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_api_keys_scan(st, lf->w->info.id, list_row, t, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

int lf_key_revoke(struct lf *lf, const char *prefix_or_key, struct lf_err *err)
{
    char prefix[LF_KEY_PREFIX_LEN + 1];
    if (strlen(prefix_or_key) < LF_KEY_PREFIX_LEN)
        return err_set(err, LF_ENOENT, "'%s' is not a key prefix (lf_ and 8 characters)",
                       prefix_or_key);
    memcpy(prefix, prefix_or_key, LF_KEY_PREFIX_LEN);
    prefix[LF_KEY_PREFIX_LEN] = '\0';
    struct store *st;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int found = store_api_key_revoke(st, lf->w->info.id, prefix, time_now_ms(), err);
    if (found <= 0)
        core_tx_abort(lf->w->core);
    else if (core_tx_commit_lf(lf, err) < 0)
        return -1;
    if (found < 0)
        return -1;
    if (!found)
        return err_set(err, LF_ENOENT, "no live key has prefix '%s'", prefix);
    return 0;
}

int lf_key_verify(struct lf *lf, const char *key, struct lf_key *out, struct lf_err *err)
{
    size_t len = strlen(key);
    if (len != LF_KEY_SIZE - 1 || strncmp(key, "lf_", 3) != 0)
        return err_set(err, LF_EAUTH, "the API key is malformed");
    if (init_sodium(err) < 0)
        return -1;
    char prefix[LF_KEY_PREFIX_LEN + 1], hash[2 * crypto_generichash_BYTES + 1];
    memcpy(prefix, key, LF_KEY_PREFIX_LEN);
    prefix[LF_KEY_PREFIX_LEN] = '\0';
    struct api_key k;
    struct store *st = core_read_begin(lf, err);
    int found = st ? store_api_key_find(st, prefix, &k, err) : -1;
    core_read_end(lf, st);
    if (found < 0)
        return -1;
    key_hash(key, hash);
    if (!found || strlen(k.hash) != strlen(hash) ||
        sodium_memcmp(k.hash, hash, strlen(hash)) != 0)
        return err_set(err, LF_EAUTH, "the API key is not valid");
    if (k.revoked_at != LF_UNSET)
        return err_set(err, LF_EAUTH, "the API key '%s' was revoked", prefix);
    key_info(&k, out);
    return 0;
}

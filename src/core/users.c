/* users.c - the dashboard's people: users and roles, passwords hashed with Argon2id, sign-in
 * with a lock that doubles after repeated failures, sessions (a random token of which only a
 * hash is stored, and the CSRF token derived from it), saved views and the workspace's
 * settings for people. */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "base/utf8.h"
#include "core.h"
#include "ingest/ingest.h"
#include "report/table.h"
#include "store/users.h"

static const char *const role_names[] = {"admin", "lead", "csm", "viewer"};
#define ROLES_NR 4

/* A session's last use is written at most this often: a write per request would cost every
 * page view a commit. */
#define SEEN_EVERY_MS (5 * 60 * 1000)

int lf_role_parse(const char *name)
{
    for (int i = 0; i < ROLES_NR; i++)
        if (name && strcmp(name, role_names[i]) == 0)
            return i;
    return -1;
}

const char *lf_role_name(int role)
{
    return role >= 0 && role < ROLES_NR ? role_names[role] : "?";
}

static int init_sodium(struct lf_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, LF_EINTERNAL, "cannot initialise libsodium");
    return 0;
}

/* ---- checks of what people type ---- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '@';
}

static int check_name(const char *name, struct lf_err *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return err_set_field(err, "name", LF_EINVAL, "a user name has 1 to 64 characters");
    for (size_t i = 0; i < n; i++)
        if (!name_char(name[i]))
            return err_set_field(err, "name", LF_EINVAL,
                                 "user name '%s': only letters, digits and . _ - @", name);
    return 0;
}

static int check_text(const char *field, const char *s, size_t max, struct lf_err *err)
{
    size_t n = strlen(s);
    if (n > max || !utf8_valid(s, n, NULL))
        return err_set_field(err, field, LF_EINVAL, "'%s' must be UTF-8 of at most %zu bytes",
                             field, max);
    return 0;
}

static int check_email(const char *s, struct lf_err *err)
{
    const char *at = strchr(s, '@');
    if (!*s)
        return 0;
    if (check_text("email", s, 254, err) < 0)
        return -1;
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || strpbrk(s, " \t\r\n"))
        return err_set_field(err, "email", LF_EINVAL, "'%s' is not an email address", s);
    return 0;
}

static int check_fields(const struct lf_user_fields *f, struct lf_err *err)
{
    if (f->email && check_email(f->email, err) < 0)
        return -1;
    if (f->display_name && check_text("display_name", f->display_name, 255, err) < 0)
        return -1;
    if (f->role != -1 && (f->role < 0 || f->role >= ROLES_NR))
        return err_set_field(err, "role", LF_EINVAL, "the role is admin, lead, csm or viewer");
    if (f->password) {
        size_t n = strlen(f->password);
        if (n < LF_PASSWORD_MIN || n > 1024 || !utf8_valid(f->password, n, NULL))
            return err_set_field(err, "password", LF_EINVAL,
                                 "a password has %d to 1024 characters", LF_PASSWORD_MIN);
    }
    return 0;
}

/* Argon2id at libsodium's interactive cost (64 MiB, about 0.1 s): a guess costs an attacker
 * who stole the store that much, a sign-in costs the server that much once. */
static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                         struct lf_err *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return err_set(err, LF_EINTERNAL, "cannot hash the password: out of memory");
    return 0;
}

static void user_info(const struct store_user *u, struct lf_user *out)
{
    memset(out, 0, sizeof(*out));
    out->id = u->id;
    snprintf(out->name, sizeof(out->name), "%s", u->name);
    snprintf(out->email, sizeof(out->email), "%s", u->email);
    snprintf(out->display_name, sizeof(out->display_name), "%s", u->display);
    out->role = lf_role_parse(u->role);
    out->workspace = u->ws;
    out->created_ms = u->created_at;
}

/* ---- users ---- */

int lf_user_create(struct lf *lf, const char *name, const struct lf_user_fields *f,
                   struct lf_user *out, struct lf_err *err)
{
    struct store_user u = {.created_at = time_now_ms()};
    struct store *st;
    if (check_name(name, err) < 0 || check_fields(f, err) < 0 || init_sodium(err) < 0)
        return -1;
    snprintf(u.name, sizeof(u.name), "%s", name);
    snprintf(u.email, sizeof(u.email), "%s", f->email ? f->email : "");
    snprintf(u.display, sizeof(u.display), "%s", f->display_name ? f->display_name : "");
    snprintf(u.role, sizeof(u.role), "%s", lf_role_name(f->role == -1 ? LF_ROLE_VIEWER : f->role));
    if (f->password && hash_password(f->password, u.hash, err) < 0)
        return -1;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (store_user_insert(st, lf->w->info.id, &u, &u.id, err) < 0) {
        core_tx_abort(lf->w->core);
        return -1;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        return -1;
    u.ws = lf->w->info.id;
    if (out)
        user_info(&u, out);
    return 0;
}

int lf_user_get(struct lf *lf, const char *name, struct lf_user *out, struct lf_err *err)
{
    struct store_user u;
    struct store *st = core_read_begin(lf, err);
    int found = st ? store_user_find(st, lf->w->info.id, name, 0, &u, err) : -1;
    core_read_end(lf, st);
    if (found < 0)
        return -1;
    if (!found)
        return err_set(err, LF_ENOENT, "no user '%s'", name);
    user_info(&u, out);
    return 0;
}

/* LF_ECONFLICT when user u (an admin) is the workspace's last admin. */
static int keep_an_admin(struct store *st, const struct store_user *u, struct lf_err *err)
{
    int64_t admins;
    if (strcmp(u->role, "admin") != 0)
        return 0;
    if (store_users_count(st, u->ws, "admin", &admins, err) < 0)
        return -1;
    if (admins <= 1)
        return err_set(err, LF_ECONFLICT, "'%s' is the workspace's last admin", u->name);
    return 0;
}

int lf_user_update(struct lf *lf, const char *name, const struct lf_user_fields *f,
                   struct lf_user *out, struct lf_err *err)
{
    char hash[crypto_pwhash_STRBYTES] = "";
    struct store_user u;
    struct store *st;
    if (check_fields(f, err) < 0 || init_sodium(err) < 0)
        return -1;
    if (f->password && hash_password(f->password, hash, err) < 0)
        return -1;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int found = store_user_find(st, lf->w->info.id, name, 0, &u, err);
    if (found == 0)
        err_set(err, LF_ENOENT, "no user '%s'", name);
    if (found <= 0)
        goto fail;
    bool demoted = f->role != -1 && strcmp(u.role, lf_role_name(f->role)) != 0;
    if (demoted && f->role != LF_ROLE_ADMIN && keep_an_admin(st, &u, err) < 0)
        goto fail;
    if (f->email)
        snprintf(u.email, sizeof(u.email), "%s", f->email);
    if (f->display_name)
        snprintf(u.display, sizeof(u.display), "%s", f->display_name);
    if (f->role != -1)
        snprintf(u.role, sizeof(u.role), "%s", lf_role_name(f->role));
    if (f->password)
        snprintf(u.hash, sizeof(u.hash), "%s", hash);
    /* a new password or role signs the user out everywhere: a stolen session ends with it */
    if (store_user_update(st, lf->w->info.id, &u, err) < 0 ||
        ((f->password || demoted) && store_sessions_end_user(st, u.id, time_now_ms(), err) < 0) ||
        (f->password && store_user_failures(st, u.id, 0, 0, err) < 0))
        goto fail;
    if (core_tx_commit_lf(lf, err) < 0)
        return -1;
    if (out)
        user_info(&u, out);
    return 0;
fail:
    core_tx_abort(lf->w->core);
    return -1;
}

int lf_user_delete(struct lf *lf, const char *name, struct lf_err *err)
{
    struct store_user u;
    struct store *st;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int found = store_user_find(st, lf->w->info.id, name, 0, &u, err);
    if (found == 0)
        err_set(err, LF_ENOENT, "no user '%s'", name);
    if (found <= 0 || keep_an_admin(st, &u, err) < 0 ||
        store_user_delete(st, lf->w->info.id, u.id, err) < 0) {
        core_tx_abort(lf->w->core);
        return -1;
    }
    return core_tx_commit_lf(lf, err);
}

static int list_row(void *ctx, const struct store_user *u, struct lf_err *err)
{
    (void)err;
    struct lf_table *t = ctx;
    char when[32];
    size_t r = table_add_row(t);
    table_set_text(t, r, 0, u->name);
    if (u->email[0])
        table_set_text(t, r, 1, u->email);
    if (u->display[0])
        table_set_text(t, r, 2, u->display);
    table_set_text(t, r, 3, u->role);
    time_format_iso(u->created_at, when);
    table_set_text(t, r, 4, when);
    return 0;
}

int lf_users_list(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    static const char *const cols[] = {"name", "email", "display_name", "role", "created"};
    struct lf_table *t = table_new("users");
    for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
        table_add_column(t, cols[i], LF_COL_TEXT);
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_users_scan(st, lf->w->info.id, list_row, t, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

void lf_password_new(char out[LF_PASSWORD_NEW_SIZE])
{
    unsigned char secret[15];
    if (sodium_init() < 0)
        abort(); /* libsodium cannot start: no randomness to be had */
    randombytes_buf(secret, sizeof(secret));
    sodium_bin2base64(out, LF_PASSWORD_NEW_SIZE, secret, sizeof(secret),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(secret, sizeof(secret));
}

/* ---- sessions ---- */

/* The hex BLAKE2b-256 of a token: what the store keeps. */
static void token_hash(const char *token, char hex[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* The CSRF token of a session: a keyed hash of its token (the store's hash of the token tells
 * nothing of it), so that it need not be stored. */
static void csrf_of(const char *token, char out[LF_TOKEN_SIZE])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)"landfall csrf", 13,
                       (const unsigned char *)token, 32);
    sodium_bin2base64(out, LF_TOKEN_SIZE, h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool token_shaped(const char *token)
{
    size_t n = token ? strlen(token) : 0;
    if (n != LF_TOKEN_SIZE - 1)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char(token[i]) || token[i] == '.' || token[i] == '@')
            return false;
    return true;
}

/* The hash a sign-in of an unknown user is checked against, so that it takes as long as one
 * of a known user and the time tells nobody which names exist. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    struct lf_err ignored = {0};
    hash_password("not a password of anyone", dummy_hash, &ignored);
}

static const char wrong[] = "wrong user name or password";

/* The lock after the n-th consecutive failure: none for the first few, then 1 s doubling. */
static int64_t lock_ms(int64_t failures)
{
    if (failures <= LF_LOGIN_FREE_FAILURES)
        return 0;
    int64_t s = 1;
    for (int64_t i = LF_LOGIN_FREE_FAILURES + 1; i < failures && s < LF_LOGIN_MAX_LOCK_S; i++)
        s *= 2;
    return (s < LF_LOGIN_MAX_LOCK_S ? s : LF_LOGIN_MAX_LOCK_S) * 1000;
}

/* Counts a failed sign-in of user id (read again in the write transaction, so that failures
 * at the same moment all count). */
static int record_failure(struct lf *lf, int64_t id, struct lf_err *err)
{
    struct store_user u;
    struct store *st;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int found = store_user_find(st, lf->w->info.id, NULL, id, &u, err);
    int64_t lock = found ? lock_ms(u.failed + 1) : 0;
    if (found < 0 || (found && store_user_failures(st, id, u.failed + 1,
                                                   lock ? time_now_ms() + lock : 0, err) < 0)) {
        core_tx_abort(lf->w->core);
        return -1;
    }
    return core_tx_commit_lf(lf, err);
}

static void session_info(const struct store_session *s, const struct store_user *u,
                         const char *token, struct lf_session *out)
{
    memset(out, 0, sizeof(*out));
    out->id = s->id;
    user_info(u, &out->user);
    out->user.workspace = s->ws;
    out->created_ms = s->created_at;
    int64_t idle = s->seen_at + LF_SESSION_IDLE_MS;
    out->expires_ms = idle < s->expires_at ? idle : s->expires_at;
    csrf_of(token, out->csrf);
}

int lf_login(struct lf *lf, const char *name, const char *password, char token[LF_TOKEN_SIZE],
             struct lf_session *out, unsigned *retry_after, struct lf_err *err)
{
    struct store_user u;
    struct store *st;
    if (retry_after)
        *retry_after = 0;
    if (init_sodium(err) < 0)
        return -1;
    pthread_once(&dummy_once, make_dummy);
    int found = 0;
    if (name && check_name(name, NULL) == 0) {
        st = core_read_begin(lf, err);
        found = st ? store_user_find(st, lf->w->info.id, name, 0, &u, err) : -1;
        core_read_end(lf, st);
        if (found < 0)
            return -1;
    }
    int64_t now = time_now_ms();
    if (found && u.locked_until > now) {
        unsigned s = (unsigned)((u.locked_until - now + 999) / 1000);
        if (retry_after)
            *retry_after = s;
        return err_set(err, LF_ELIMIT, "too many failed sign-ins of '%s'; retry in %u s", name,
                       s);
    }
    const char *hash = found && u.hash[0] ? u.hash : dummy_hash;
    size_t len = password ? strlen(password) : 0;
    bool ok = crypto_pwhash_str_verify(hash, password ? password : "", len) == 0 &&
              found && u.hash[0];
    if (!ok) {
        if (found && record_failure(lf, u.id, err) < 0)
            return -1;
        return err_set(err, LF_EAUTH, "%s", wrong);
    }
    unsigned char secret[32];
    char hex[65];
    randombytes_buf(secret, sizeof(secret));
    sodium_bin2base64(token, LF_TOKEN_SIZE, secret, sizeof(secret),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(secret, sizeof(secret));
    token_hash(token, hex);
    struct store_session s = {.ws = lf->w->info.id,
                              .user_id = u.id,
                              .created_at = now,
                              .seen_at = now,
                              .expires_at = now + LF_SESSION_MAX_MS,
                              .ended_at = LF_UNSET};
    if (core_tx_begin_lf(lf, &st, err) < 0)
        goto fail;
    if ((u.failed && store_user_failures(st, u.id, 0, 0, err) < 0) ||
        store_session_insert(st, s.ws, u.id, hex, now, s.expires_at, &s.id, err) < 0) {
        core_tx_abort(lf->w->core);
        goto fail;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto fail;
    session_info(&s, &u, token, out);
    return 0;
fail:
    sodium_memzero(token, LF_TOKEN_SIZE);
    return -1;
}

/* The session of a token, live or not: 1, 0 when unknown, -1. */
static int find_session(struct lf *lf, const char *token, struct store_session *s,
                        struct store_user *u, struct lf_err *err)
{
    char hex[65];
    if (!token_shaped(token))
        return 0;
    if (init_sodium(err) < 0)
        return -1;
    token_hash(token, hex);
    struct store *st = core_read_begin(lf, err);
    int found = st ? store_session_find(st, hex, s, u, err) : -1;
    core_read_end(lf, st);
    return found;
}

int lf_session_verify(struct lf *lf, const char *token, struct lf_session *out,
                      struct lf_err *err)
{
    struct store_session s;
    struct store_user u;
    int found = find_session(lf, token, &s, &u, err);
    if (found < 0)
        return -1;
    int64_t now = time_now_ms();
    if (!found)
        return err_set(err, LF_EAUTH, "the session is not valid; sign in");
    if (s.ended_at != LF_UNSET)
        return err_set(err, LF_EAUTH, "the session was signed out; sign in");
    if (now >= s.expires_at || now >= s.seen_at + LF_SESSION_IDLE_MS)
        return err_set(err, LF_EAUTH, "the session expired; sign in again");
    if (now - s.seen_at >= SEEN_EVERY_MS) {
        struct store *st;
        if (core_tx_begin_lf(lf, &st, err) < 0)
            return -1;
        if (store_session_seen(st, s.id, now, err) < 0) {
            core_tx_abort(lf->w->core);
            return -1;
        }
        if (core_tx_commit_lf(lf, err) < 0)
            return -1;
        s.seen_at = now;
    }
    session_info(&s, &u, token, out);
    return 0;
}

int lf_session_end(struct lf *lf, const char *token, struct lf_err *err)
{
    struct store_session s;
    struct store_user u;
    struct store *st;
    int found = find_session(lf, token, &s, &u, err);
    if (found <= 0 || s.ended_at != LF_UNSET)
        return found < 0 ? -1 : 0;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (store_session_end(st, s.id, time_now_ms(), err) < 0) {
        core_tx_abort(lf->w->core);
        return -1;
    }
    return core_tx_commit_lf(lf, err);
}

/* ---- saved views ---- */

static int json_answer(json_t *doc, char **json_out)
{
    *json_out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!*json_out)
        abort(); /* only out of memory makes jansson fail here */
    return 0;
}

static json_t *view_json(const struct store_view *v)
{
    char when[32];
    time_format_iso(v->created_at, when);
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)v->id, "page", v->page,
                     "name", v->name, "query", v->query, "created", when);
}

static int add_view(void *ctx, const struct store_view *v, struct lf_err *err)
{
    (void)err;
    json_array_append_new(ctx, view_json(v));
    return 0;
}

int lf_views_list(struct lf *lf, int64_t user_id, const char *page, char **json_out,
                  struct lf_err *err)
{
    json_t *data = json_array();
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_views_scan(st, user_id, page, add_view, data, err) : -1;
    core_read_end(lf, st);
    if (rc < 0) {
        json_decref(data);
        return -1;
    }
    return json_answer(json_pack("{s:o}", "data", data), json_out);
}

/* Member `name` of object o as a string of 1..max UTF-8 bytes. */
static const char *member(json_t *o, const char *name, size_t max, struct lf_err *err)
{
    json_t *v = json_object_get(o, name);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s || !*s || strlen(s) > max) {
        err_set_field(err, name, LF_EINVAL, "'%s' must be a string of 1 to %zu bytes", name, max);
        return NULL;
    }
    return s;
}

static json_t *parse_object(const char *body, size_t len, struct lf_err *err)
{
    json_t *o = ingest_json_load(body, len, LF_EUSAGE, err);
    if (!o)
        return NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        err_set(err, LF_EUSAGE, "the body must be a JSON object");
        return NULL;
    }
    return o;
}

/* The views a user may keep: each is up to 4 KB, and GET /v1/views lists them all. */
#define VIEWS_MAX 100

static int count_view(void *ctx, const struct store_view *v, struct lf_err *err)
{
    (void)v;
    (void)err;
    ++*(size_t *)ctx;
    return 0;
}

int lf_view_create(struct lf *lf, int64_t user_id, const char *body, size_t len,
                   char **json_out, struct lf_err *err)
{
    size_t kept = 0;
    json_t *o = parse_object(body, len, err);
    struct store *st;
    int ret = -1;
    if (!o)
        return -1;
    struct store_view v = {.user_id = user_id, .created_at = time_now_ms()};
    if (!(v.page = member(o, "page", 64, err)) || !(v.name = member(o, "name", 200, err)))
        goto out;
    json_t *q = json_object_get(o, "query");
    v.query = json_is_string(q) ? json_string_value(q) : NULL;
    if (!v.query || strlen(v.query) > 4000) {
        err_set_field(err, "query", LF_EINVAL, "'query' must be a string of at most 4000 bytes");
        goto out;
    }
    if (core_tx_begin_lf(lf, &st, err) < 0)
        goto out;
    int rc = store_views_scan(st, user_id, NULL, count_view, &kept, err);
    if (rc == 0 && kept >= VIEWS_MAX)
        rc = err_set(err, LF_ECONFLICT, "a user keeps at most %d saved views: delete one first",
                     VIEWS_MAX);
    if (rc < 0 || store_view_insert(st, lf->w->info.id, &v, &v.id, err) < 0) {
        core_tx_abort(lf->w->core);
        goto out;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto out;
    ret = json_answer(view_json(&v), json_out);
out:
    json_decref(o);
    return ret;
}

int lf_view_delete(struct lf *lf, int64_t user_id, int64_t id, struct lf_err *err)
{
    struct store *st;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int found = store_view_delete(st, user_id, id, err);
    if (found <= 0) {
        core_tx_abort(lf->w->core);
        return found < 0 ? -1 : err_set(err, LF_ENOENT, "no view %lld", (long long)id);
    }
    return core_tx_commit_lf(lf, err);
}

/* ---- settings ---- */

static const struct {
    const char *name, *dflt;
} settings[] = {{"locale", "en-US"}, {"currency", "USD"}, {"milestone", ""}};

/* A BCP 47 tag as browsers' Intl takes it: a language of 2 or 3 letters, then subtags of 1 to
 * 8 letters or digits ("en-US", "de-CH", "zh-Hant-TW"). */
static bool locale_valid(const char *s)
{
    size_t n = strlen(s), lang = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (n > 35 || lang < 2 || lang > 3)
        return false;
    for (const char *p = s + lang; *p;) {
        if (*p++ != '-')
            return false;
        size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (k < 1 || k > 8)
            return false;
        p += k;
    }
    return true;
}

int lf_setting(struct lf *lf, const char *name, char *out, size_t n, struct lf_err *err)
{
    size_t i = 0;
    while (i < sizeof(settings) / sizeof(*settings) && strcmp(settings[i].name, name) != 0)
        i++;
    if (i == sizeof(settings) / sizeof(*settings))
        return err_set(err, LF_EUSAGE, "no setting '%s'", name);
    char *v = NULL;
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_setting_get(st, lf->w->info.id, name, &v, err) : -1;
    core_read_end(lf, st);
    if (rc == 0)
        snprintf(out, n, "%s", v ? v : settings[i].dflt);
    free(v);
    return rc;
}

int lf_settings_json(struct lf *lf, char **json_out, struct lf_err *err)
{
    char locale[64], currency[16], milestone[300];
    struct lf_workspace_info in;
    if (lf_setting(lf, "locale", locale, sizeof(locale), err) < 0 ||
        lf_setting(lf, "currency", currency, sizeof(currency), err) < 0 ||
        lf_setting(lf, "milestone", milestone, sizeof(milestone), err) < 0)
        return -1;
    lf_workspace_info(lf, &in);
    return json_answer(json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", in.name, "time_zone",
                                 in.time_zone, "locale", locale, "currency", currency,
                                 "milestone", milestone[0] ? json_string(milestone) : json_null()),
                       json_out);
}

int lf_settings_patch(struct lf *lf, const char *body, size_t len, char **json_out,
                      struct lf_err *err)
{
    json_t *o = parse_object(body, len, err), *v;
    const char *key, *tz = NULL, *locale = NULL, *currency = NULL, *milestone = NULL;
    struct store *st;
    int ret = -1;
    if (json_out)
        *json_out = NULL;
    if (!o)
        return -1;
    json_object_foreach(o, key, v) {
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (!strcmp(key, "time_zone"))
            tz = s;
        else if (!strcmp(key, "locale"))
            locale = s;
        else if (!strcmp(key, "currency"))
            currency = s;
        else if (!strcmp(key, "milestone"))
            milestone = s ? s : json_is_null(v) ? "" : NULL;
        else {
            err_set_field(err, key, LF_EINVAL, "'%s' is not a setting (time_zone, locale, "
                                               "currency, milestone)", key);
            goto out;
        }
        if (!strcmp(key, "milestone") && milestone)
            continue;
        if (!s) {
            err_set_field(err, key, LF_EINVAL, "'%s' must be a string", key);
            goto out;
        }
    }
    if (locale && !locale_valid(locale)) {
        err_set_field(err, "locale", LF_EINVAL, "'%s' is not a BCP 47 locale (en-US, de-DE…)",
                      locale);
        goto out;
    }
    if (currency && !model_currency_valid(currency)) {
        err_set_field(err, "currency", LF_EINVAL, "'%s' is not an ISO 4217 currency", currency);
        goto out;
    }
    if (tz) {
        struct tz *z;
        if (tz_load(tz, &z, err) < 0) {
            snprintf(err->field, sizeof(err->field), "time_zone");
            goto out;
        }
        tz_free(z);
    }
    if (milestone && check_text("milestone", milestone, 256, err) < 0)
        goto out;
    if (locale || currency || milestone) {
        if (core_tx_begin_lf(lf, &st, err) < 0)
            goto out;
        if ((locale && store_setting_set(st, lf->w->info.id, "locale", locale, err) < 0) ||
            (currency && store_setting_set(st, lf->w->info.id, "currency", currency, err) < 0) ||
            (milestone && store_setting_set(st, lf->w->info.id, "milestone", milestone, err) < 0)) {
            core_tx_abort(lf->w->core);
            goto out;
        }
        if (core_tx_commit_lf(lf, err) < 0)
            goto out;
    }
    if (tz && lf_workspace_set_tz(lf, tz, err) < 0)
        goto out;
    ret = json_out ? lf_settings_json(lf, json_out, err) : 0;
out:
    json_decref(o);
    return ret;
}

int lf_settings_set(struct lf *lf, const char *name, const char *value, struct lf_err *err)
{
    json_t *o = json_object();
    bool unset = !strcmp(name, "milestone") && (!value || !*value);
    json_object_set_new(o, name, unset || !value ? json_null() : json_string(value));
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!body)
        return err_set_field(err, name, LF_EINVAL, "'%s' must be UTF-8", name);
    int rc = lf_settings_patch(lf, body, strlen(body), NULL, err);
    free(body);
    return rc;
}

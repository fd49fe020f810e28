/* users.c - the dashboard's people through the public API: Argon2id passwords, roles and the
 * last admin, sign-in and its lock that doubles after repeated failures, sessions (their CSRF
 * token, sign-out, expiry, a new password ending them), saved views, workspace settings. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "landfall.h"
#include "store/store_int.h"
#include "store/users.h"
#include "../scratch_db.h"

static char path[SCRATCH_DB_MAX];
static struct lf *lf;
static struct lf_err err;

static void setup(void)
{
    scratch_db_name(path, sizeof(path), "users");
    cr_assert_eq(lf_open(path, &lf, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
    lf_close(lf);
    scratch_db_remove(path);
}

TestSuite(users, .init = setup, .fini = teardown);

static void add(const char *name, int role, const char *password)
{
    struct lf_user_fields f = {.role = role, .password = password};
    cr_assert_eq(lf_user_create(lf, name, &f, NULL, &err), 0, "%s", err.msg);
}

/* The stored row of user `name`, read through the store as the library wrote it. */
static struct store_user stored(const char *name)
{
    struct store *st;
    struct store_user u;
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_user_find(st, 1, name, 0, &u, &err), 1);
    store_free(st);
    return u;
}

static void sql(const char *text)
{
    struct store *st;
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(sql_exec(st, text, &err), 0, "%s", err.msg);
    store_free(st);
}

static int login(const char *name, const char *password, char token[LF_TOKEN_SIZE],
                 struct lf_session *s, unsigned *wait)
{
    err = (struct lf_err){0};
    return lf_login(lf, name, password, token, s, wait, &err);
}

Test(users, passwords_are_stored_as_argon2id_hashes_only)
{
    add("ana", LF_ROLE_ADMIN, "correct horse");
    struct store_user u = stored("ana");
    /* libsodium's crypto_pwhash_str writes the PHC string of Argon2id, never the password */
    cr_assert_eq(strncmp(u.hash, "$argon2id$", 10), 0, "%s", u.hash);
    cr_assert_null(strstr(u.hash, "correct horse"));
    cr_assert_str_eq(u.role, "admin");
}

Test(users, names_roles_and_passwords_are_checked)
{
    struct lf_user_fields f = {.role = LF_ROLE_CSM, .password = "short"};
    cr_assert_eq(lf_user_create(lf, "bo", &f, NULL, &err), -1);
    cr_assert_str_eq(err.field, "password"); /* fewer than LF_PASSWORD_MIN = 8 characters */
    f.password = "long enough";
    cr_assert_eq(lf_user_create(lf, "no spaces", &f, NULL, &err), -1);
    cr_assert_str_eq(err.field, "name");
    f.email = "bo at example";
    cr_assert_eq(lf_user_create(lf, "bo", &f, NULL, &err), -1);
    cr_assert_str_eq(err.field, "email");
    f.email = "bo@example.test";
    cr_assert_eq(lf_user_create(lf, "bo", &f, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(lf_user_create(lf, "bo", &f, NULL, &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
    cr_assert_eq(lf_role_parse("lead"), LF_ROLE_LEAD);
    cr_assert_eq(lf_role_parse("manager"), -1); /* 001's manager became lead (migration 005) */
}

Test(users, the_last_admin_stays)
{
    add("ana", LF_ROLE_ADMIN, "password one");
    struct lf_user_fields viewer = {.role = LF_ROLE_VIEWER};
    cr_assert_eq(lf_user_update(lf, "ana", &viewer, NULL, &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
    cr_assert_eq(lf_user_delete(lf, "ana", &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
    add("bea", LF_ROLE_ADMIN, "password two");
    cr_assert_eq(lf_user_update(lf, "ana", &viewer, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(lf_user_delete(lf, "ana", &err), 0, "%s", err.msg);
    struct lf_user u;
    cr_assert_eq(lf_user_get(lf, "ana", &u, &err), -1);
    cr_assert_eq(err.code, LF_ENOENT);
}

Test(users, sign_in_makes_a_session_with_its_csrf_token)
{
    char token[LF_TOKEN_SIZE];
    struct lf_session s, v;
    add("ana", LF_ROLE_CSM, "correct horse");
    cr_assert_eq(login("ana", "correct horse", token, &s, NULL), 0, "%s", err.msg);
    cr_assert_eq(strlen(token), 43);      /* 32 random bytes in base64url */
    cr_assert_eq(strlen(s.csrf), 43);     /* a keyed BLAKE2b of the token */
    cr_assert_str_neq(s.csrf, token);
    cr_assert_str_eq(s.user.name, "ana");
    cr_assert_eq(s.user.role, LF_ROLE_CSM);
    cr_assert_eq(lf_session_verify(lf, token, &v, &err), 0, "%s", err.msg);
    cr_assert_str_eq(v.csrf, s.csrf, "the token derived again is the same");
    cr_assert_eq(v.id, s.id);
    /* the store holds a hash of the token, not the token */
    struct store *st;
    struct store_session ss;
    struct store_user su;
    cr_assert_eq(store_open(path, NULL, &st, &err), 0);
    cr_assert_eq(store_session_find(st, token, &ss, &su, &err), 0);
    store_free(st);
    /* another sign-in is another session */
    char other[LF_TOKEN_SIZE];
    cr_assert_eq(login("ana", "correct horse", other, &v, NULL), 0);
    cr_assert_str_neq(other, token);
    cr_assert_str_neq(v.csrf, s.csrf);
}

Test(users, wrong_passwords_and_unknown_users_say_the_same)
{
    char token[LF_TOKEN_SIZE];
    struct lf_session s;
    add("ana", LF_ROLE_CSM, "correct horse");
    cr_assert_eq(login("ana", "wrong horse", token, &s, NULL), -1);
    cr_assert_eq(err.code, LF_EAUTH);
    char wrong[sizeof(err.msg)];
    snprintf(wrong, sizeof(wrong), "%s", err.msg);
    cr_assert_eq(login("nobody", "wrong horse", token, &s, NULL), -1);
    cr_assert_eq(err.code, LF_EAUTH);
    cr_assert_str_eq(err.msg, wrong);
    cr_assert_eq(stored("ana").failed, 1);
}

Test(users, repeated_failures_lock_the_user_for_twice_as_long_each_time)
{
    char token[LF_TOKEN_SIZE];
    struct lf_session s;
    unsigned wait = 0;
    add("ana", LF_ROLE_CSM, "correct horse");
    /* LF_LOGIN_FREE_FAILURES (5) failures lock nothing */
    for (int i = 1; i <= 5; i++) {
        cr_assert_eq(login("ana", "wrong", token, &s, &wait), -1);
        cr_assert_eq(err.code, LF_EAUTH);
        cr_assert_eq(stored("ana").locked_until, 0, "failure %d", i);
    }
    /* the 6th locks for 1 s, the 7th for 2 s, the 8th for 4 s: the lock is written as an
     * instant, checked against the clock around the call */
    int64_t expect[] = {1000, 2000, 4000};
    for (int i = 0; i < 3; i++) {
        int64_t before = time_now_ms();
        cr_assert_eq(login("ana", "wrong", token, &s, &wait), -1);
        int64_t after = time_now_ms();
        struct store_user u = stored("ana");
        cr_assert_eq(u.failed, 6 + i);
        cr_assert(u.locked_until >= before + expect[i] && u.locked_until <= after + expect[i],
                  "failure %d: locked until %lld, %lld ms after", 6 + i,
                  (long long)u.locked_until, (long long)(u.locked_until - before));
        /* while locked, even the right password is refused, unchecked */
        cr_assert_eq(login("ana", "correct horse", token, &s, &wait), -1);
        cr_assert_eq(err.code, LF_ELIMIT);
        cr_assert(wait >= 1 && wait <= expect[i] / 1000, "retry after %u s", wait);
        cr_assert_eq(stored("ana").failed, 6 + i, "a refusal while locked is no failure");
        sql("UPDATE users SET locked_until = 0"); /* as if the lock had run out */
    }
    /* the right password signs in and forgets the failures */
    cr_assert_eq(login("ana", "correct horse", token, &s, &wait), 0, "%s", err.msg);
    cr_assert_eq(stored("ana").failed, 0);
    cr_assert_eq(stored("ana").locked_until, 0);
}

Test(users, sessions_end_by_sign_out_expiry_and_a_new_password)
{
    char token[LF_TOKEN_SIZE];
    struct lf_session s, v;
    add("ana", LF_ROLE_CSM, "correct horse");
    cr_assert_eq(login("ana", "correct horse", token, &s, NULL), 0);
    /* idle or absolute expiry, whichever is sooner: 12 h idle at first */
    cr_assert(s.expires_ms - s.created_ms == LF_SESSION_IDLE_MS);
    cr_assert_eq(lf_session_end(lf, token, &err), 0);
    cr_assert_eq(lf_session_verify(lf, token, &v, &err), -1);
    cr_assert_eq(err.code, LF_EAUTH);
    cr_assert(strstr(err.msg, "signed out"), "%s", err.msg);
    cr_assert_eq(lf_session_end(lf, token, &err), 0, "ending it again is no error");

    cr_assert_eq(login("ana", "correct horse", token, &s, NULL), 0);
    sql("UPDATE sessions SET expires_at = 1 WHERE ended_at IS NULL");
    cr_assert_eq(lf_session_verify(lf, token, &v, &err), -1);
    cr_assert(strstr(err.msg, "expired"), "%s", err.msg);

    cr_assert_eq(login("ana", "correct horse", token, &s, NULL), 0);
    sql("UPDATE sessions SET seen_at = seen_at - 43200001 WHERE ended_at IS NULL");
    cr_assert_eq(lf_session_verify(lf, token, &v, &err), -1, "idle for 12 h and 1 ms");
    cr_assert(strstr(err.msg, "expired"), "%s", err.msg);

    cr_assert_eq(login("ana", "correct horse", token, &s, NULL), 0);
    struct lf_user_fields f = {.role = -1, .password = "a new horse"};
    cr_assert_eq(lf_user_update(lf, "ana", &f, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(lf_session_verify(lf, token, &v, &err), -1, "a new password signs out");
    cr_assert_eq(login("ana", "correct horse", token, &s, NULL), -1);
    cr_assert_eq(login("ana", "a new horse", token, &s, NULL), 0);

    cr_assert_eq(lf_session_verify(lf, "not a token", &v, &err), -1);
    cr_assert_eq(err.code, LF_EAUTH);
}

Test(users, saved_views_are_their_users)
{
    char *json = NULL;
    struct lf_user ana, bo;
    struct lf_user_fields f = {.role = LF_ROLE_CSM, .password = "password one"};
    cr_assert_eq(lf_user_create(lf, "ana", &f, &ana, &err), 0);
    cr_assert_eq(lf_user_create(lf, "bo", &f, &bo, &err), 0);
    const char *body = "{\"page\": \"portfolio\", \"name\": \"renewing soon\", "
                       "\"query\": \"renewal=90&sort=renewal_date\"}";
    cr_assert_eq(lf_view_create(lf, ana.id, body, strlen(body), &json, &err), 0, "%s", err.msg);
    json_t *v = json_loads(json, 0, NULL);
    free(json);
    cr_assert_str_eq(json_string_value(json_object_get(v, "query")),
                     "renewal=90&sort=renewal_date");
    int64_t id = json_integer_value(json_object_get(v, "id"));
    json_decref(v);
    cr_assert_eq(lf_view_create(lf, ana.id, body, strlen(body), &json, &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
    cr_assert_eq(lf_views_list(lf, bo.id, NULL, &json, &err), 0);
    cr_assert_str_eq(json, "{\"data\":[]}", "bo sees none of ana's views");
    free(json);
    cr_assert_eq(lf_view_delete(lf, bo.id, id, &err), -1, "nor deletes them");
    cr_assert_eq(err.code, LF_ENOENT);
    cr_assert_eq(lf_views_list(lf, ana.id, "portfolio", &json, &err), 0);
    v = json_loads(json, 0, NULL);
    free(json);
    cr_assert_eq(json_array_size(json_object_get(v, "data")), 1);
    json_decref(v);
    cr_assert_eq(lf_view_delete(lf, ana.id, id, &err), 0, "%s", err.msg);
    const char *bad = "{\"page\": \"portfolio\", \"query\": \"\"}";
    cr_assert_eq(lf_view_create(lf, ana.id, bad, strlen(bad), &json, &err), -1);
    cr_assert_str_eq(err.field, "name");
}

/* Every size a caller chooses has a bound: a user keeps at most 100 views (of up to 4 KB each,
 * all listed by GET /v1/views); a CSM could save views without end */
Test(users, saved_views_are_bounded)
{
    char *json = NULL, body[128];
    struct lf_user cy, di;
    struct lf_user_fields f = {.role = LF_ROLE_CSM, .password = "password one"};
    cr_assert_eq(lf_user_create(lf, "cy", &f, &cy, &err), 0);
    cr_assert_eq(lf_user_create(lf, "di", &f, &di, &err), 0);
    int64_t first = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(body, sizeof(body), "{\"page\": \"%s\", \"name\": \"v%d\", \"query\": \"\"}",
                 i % 2 ? "portfolio" : "health", i);
        cr_assert_eq(lf_view_create(lf, cy.id, body, strlen(body), &json, &err), 0, "%d: %s", i,
                     err.msg);
        if (!first) {
            json_t *v = json_loads(json, 0, NULL);
            first = json_integer_value(json_object_get(v, "id"));
            json_decref(v);
        }
        free(json);
    }
    const char *more = "{\"page\": \"portfolio\", \"name\": \"one more\", \"query\": \"\"}";
    cr_assert_eq(lf_view_create(lf, cy.id, more, strlen(more), &json, &err), -1, "the 101st");
    cr_assert_eq(err.code, LF_ECONFLICT);
    cr_assert_str_eq(err.msg, "a user keeps at most 100 saved views: delete one first");
    cr_assert_eq(lf_view_create(lf, di.id, more, strlen(more), &json, &err), 0,
                 "another user's count is their own: %s", err.msg);
    free(json);
    cr_assert_eq(lf_view_delete(lf, cy.id, first, &err), 0, "%s", err.msg);
    cr_assert_eq(lf_view_create(lf, cy.id, more, strlen(more), &json, &err), 0,
                 "one deleted, one more: %s", err.msg);
    free(json);
}

Test(users, workspace_settings)
{
    char *json = NULL;
    cr_assert_eq(lf_settings_json(lf, &json, &err), 0);
    cr_assert_str_eq(json, "{\"name\":\"default\",\"time_zone\":\"UTC\",\"locale\":\"en-US\","
                           "\"currency\":\"USD\",\"milestone\":null}");
    free(json);
    const char *bad = "{\"locale\": \"english please\"}";
    cr_assert_eq(lf_settings_patch(lf, bad, strlen(bad), NULL, &err), -1);
    cr_assert_str_eq(err.field, "locale");
    bad = "{\"currency\": \"EURO\", \"locale\": \"de-DE\"}";
    cr_assert_eq(lf_settings_patch(lf, bad, strlen(bad), NULL, &err), -1);
    cr_assert_str_eq(err.field, "currency");
    bad = "{\"time_zone\": \"Mars/Olympus\"}";
    cr_assert_eq(lf_settings_patch(lf, bad, strlen(bad), NULL, &err), -1);
    cr_assert_str_eq(err.field, "time_zone");
    const char *good = "{\"locale\": \"de-DE\", \"currency\": \"EUR\", \"time_zone\": "
                       "\"Europe/Berlin\", \"milestone\": \"report_shared\"}";
    cr_assert_eq(lf_settings_patch(lf, good, strlen(good), &json, &err), 0, "%s", err.msg);
    cr_assert_str_eq(json, "{\"name\":\"default\",\"time_zone\":\"Europe/Berlin\",\"locale\":"
                           "\"de-DE\",\"currency\":\"EUR\",\"milestone\":\"report_shared\"}");
    free(json);
    const char *unset = "{\"milestone\": null}";
    cr_assert_eq(lf_settings_patch(lf, unset, strlen(unset), &json, &err), 0, "%s", err.msg);
    cr_assert(strstr(json, "\"milestone\":null"), "%s", json);
    free(json);
}

/* api_users.c - the dashboard's people over HTTP: signing in and out (/v1/session, its cookies),
 * users and roles (/v1/users), saved views (/v1/views) and the workspace's settings
 * (/v1/workspace). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/time.h"
#include "http_int.h"

static void answer(struct http_req *r, int status, char *json)
{
    http_json(r, status, json);
    free(json);
}

static void fail(struct http_req *r, const struct lf_err *err)
{
    http_fail_err(r, err, err->field[0] ? err->field : NULL);
}

/* Member `name` of o: its text, NULL when absent; *bad when it is there but not a string. */
static const char *text_member(json_t *o, const char *name, bool *bad)
{
    json_t *v = json_object_get(o, name);
    if (v && !json_is_string(v))
        *bad = true;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void add_user(struct buf *b, const struct lf_user *u)
{
    char when[32];
    buf_adds(b, "{\"name\": ");
    buf_add_json_str(b, u->name, strlen(u->name));
    buf_adds(b, ", \"email\": ");
    if (u->email[0])
        buf_add_json_str(b, u->email, strlen(u->email));
    else
        buf_adds(b, "null");
    buf_adds(b, ", \"display_name\": ");
    if (u->display_name[0])
        buf_add_json_str(b, u->display_name, strlen(u->display_name));
    else
        buf_adds(b, "null");
    time_format_iso(u->created_ms, when);
    buf_addf(b, ", \"role\": \"%s\", \"created\": \"%s\"}", lf_role_name(u->role), when);
}

/* ---- /v1/session ---- */

/* Whether the request comes from a page of this server: a browser says where a request came
 * from (Origin, Sec-Fetch-Site); another site's page must not sign its visitor in here (login
 * CSRF). A client that is not a browser sends neither. */
static bool same_origin(struct http_req *r)
{
    const char *site = http_header(r, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return false;
    const char *origin = http_header(r, "Origin"), *host = http_header(r, "Host");
    if (!origin)
        return true;
    const char *sep = strstr(origin, "://");
    return sep && host && strcasecmp(sep + 3, host) == 0;
}

/* The two cookies of a session (max_age 0 deletes them). The session's is HttpOnly: no script
 * reads it; the CSRF token's is read by the pages, which send it back in a header. */
static void set_cookies(struct http_req *r, const char *token, const char *csrf, long max_age)
{
    char v[256];
    const char *proto = http_header(r, "X-Forwarded-Proto");
    const char *secure = proto && !strcasecmp(proto, "https") ? "; Secure" : "";
    snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
             HTTP_SESSION_COOKIE, token, max_age, secure);
    http_add_header(r, "Set-Cookie", v);
    snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%ld; SameSite=Strict%s", HTTP_CSRF_COOKIE,
             csrf, max_age, secure);
    http_add_header(r, "Set-Cookie", v);
}

/* {"user": …, "csrf", "expires", "workspace": {name, time_zone, locale, currency}} */
static void session_doc(struct http_req *r, struct lf *lf, const struct lf_session *s,
                        int status)
{
    char when[32], *settings = NULL;
    struct lf_err err = {0};
    if (lf_settings_json(lf, &settings, &err) < 0) {
        fail(r, &err);
        return;
    }
    time_format_iso(s->expires_ms, when);
    r->status = status;
    buf_reset(&r->resp);
    buf_adds(&r->resp, "{\"user\": ");
    add_user(&r->resp, &s->user);
    buf_addf(&r->resp, ", \"csrf\": \"%s\", \"expires\": \"%s\", \"workspace\": %s}", s->csrf,
             when, settings);
    free(settings);
}

void api_session_create(struct http_req *r)
{
    bool bad = false;
    struct lf_err err = {0};
    if (!same_origin(r)) {
        http_fail(r, HE_FORBIDDEN, NULL, "a sign-in must come from this server's own page");
        return;
    }
    unsigned wait = auth_failures_wait(r);
    if (wait) {
        r->retry_after = wait;
        http_fail(r, HE_RATE_LIMITED, NULL,
                  "too many failed sign-ins from this address; retry in %u s", wait);
        return;
    }
    json_t *o = http_body_object(r);
    if (!o)
        return;
    const char *user = text_member(o, "user", &bad), *password = text_member(o, "password", &bad),
               *ws = text_member(o, "workspace", &bad);
    struct lf *lf = http_lf(r), *other = NULL;
    if (bad || !user || !password) {
        http_fail(r, HE_BAD_REQUEST, NULL, "the body is {\"user\": NAME, \"password\": TEXT}");
        goto out;
    }
    if (ws) { /* another workspace of the store, by name */
        struct lf_workspace_info in;
        if (lf_workspace(lf, ws, false, &other, &err) < 0) {
            http_fail(r, HE_UNAUTHORIZED, NULL, "wrong user name or password");
            goto out;
        }
        lf_workspace_info(other, &in);
        lf_close(other);
        if (!(lf = http_workspace(r->srv, in.id, &err))) {
            fail(r, &err);
            goto out;
        }
    }
    char token[LF_TOKEN_SIZE];
    struct lf_session s;
    unsigned retry = 0;
    if (lf_login(lf, user, password, token, &s, &retry, &err) < 0) {
        if (err.code == LF_EAUTH) /* a guess counts against its address's budget */
            auth_failed(r);
        r->retry_after = retry;
        fail(r, &err);
        goto out;
    }
    set_cookies(r, token, s.csrf, (long)(LF_SESSION_MAX_MS / 1000));
    memset(token, 0, sizeof(token));
    session_doc(r, lf, &s, 201);
out:
    json_decref(o);
}

void api_session_get(struct http_req *r)
{
    session_doc(r, http_lf(r), &r->session, 200);
}

void api_session_delete(struct http_req *r)
{
    struct lf_err err = {0};
    if (lf_session_end(http_lf(r), http_cookie(r, HTTP_SESSION_COOKIE), &err) < 0) {
        fail(r, &err);
        return;
    }
    set_cookies(r, "", "", 0);
    http_json(r, 200, "{\"signed_out\": true}");
}

/* ---- /v1/users ---- */

void api_users_list(struct http_req *r)
{
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if (lf_users_list(http_lf(r), &t, &err) < 0) {
        fail(r, &err);
        return;
    }
    /* columns of lf_users_list: name, email, display_name, role, created */
    static const char *const keys[] = {"name", "email", "display_name", "role", "created"};
    r->status = 200;
    buf_adds(&r->resp, "{\"data\": [");
    for (size_t i = 0; i < lf_table_rows(t); i++) {
        buf_adds(&r->resp, i ? ", {" : "{");
        for (size_t c = 0; c < 5; c++) {
            const char *v = lf_table_is_null(t, i, c) ? NULL : lf_table_text(t, i, c);
            buf_addf(&r->resp, "%s\"%s\": ", c ? ", " : "", keys[c]);
            if (v)
                buf_add_json_str(&r->resp, v, strlen(v));
            else
                buf_adds(&r->resp, "null");
        }
        buf_adds(&r->resp, "}");
    }
    buf_adds(&r->resp, "]}");
    lf_table_free(t);
}

/* The fields of a user's body; false with the answer set. */
static bool user_fields(struct http_req *r, json_t *o, bool create, const char **name,
                        struct lf_user_fields *f)
{
    static const char *const known[] = {"name", "email", "display_name", "role", "password",
                                        NULL};
    const char *key, *role;
    json_t *v;
    bool bad = false;
    json_object_foreach(o, key, v) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i] || (!create && i == 0)) {
            http_fail(r, HE_INVALID, key, "'%s' is not a field of a user", key);
            return false;
        }
        if (!json_is_string(v) && !(json_is_null(v) && (i == 1 || i == 2))) {
            http_fail(r, HE_INVALID, key, "'%s' must be a string", key);
            return false;
        }
    }
    *name = text_member(o, "name", &bad);
    f->email = json_is_null(json_object_get(o, "email")) ? "" : text_member(o, "email", &bad);
    f->display_name = json_is_null(json_object_get(o, "display_name"))
                          ? ""
                          : text_member(o, "display_name", &bad);
    f->password = text_member(o, "password", &bad);
    f->role = -1;
    if ((role = text_member(o, "role", &bad)) && (f->role = lf_role_parse(role)) < 0) {
        http_fail(r, HE_INVALID, "role", "the role is admin, lead, csm or viewer, not '%s'",
                  role);
        return false;
    }
    if (create && (!*name || f->role < 0 || !f->password)) {
        http_fail(r, HE_INVALID, !*name ? "name" : f->role < 0 ? "role" : "password",
                  "a new user needs a name, a role and a password");
        return false;
    }
    return true;
}

static void write_user(struct http_req *r, bool create)
{
    const char *name = NULL;
    struct lf_user_fields f;
    struct lf_user u;
    struct lf_err err = {0};
    json_t *o = http_body_object(r);
    if (!o)
        return;
    if (user_fields(r, o, create, &name, &f)) {
        int rc = create ? lf_user_create(http_lf(r), name, &f, &u, &err)
                        : lf_user_update(http_lf(r), r->params[0], &f, &u, &err);
        if (rc < 0) {
            fail(r, &err);
        } else {
            r->status = create ? 201 : 200;
            buf_reset(&r->resp);
            add_user(&r->resp, &u);
        }
    }
    json_decref(o);
}

void api_users_create(struct http_req *r)
{
    write_user(r, true);
}

void api_users_update(struct http_req *r)
{
    write_user(r, false);
}

void api_users_delete(struct http_req *r)
{
    struct lf_err err = {0};
    if (lf_user_delete(http_lf(r), r->params[0], &err) < 0)
        fail(r, &err);
    else
        http_json(r, 200, "{\"deleted\": true}");
}

/* ---- /v1/views: the signed-in user's ---- */

void api_views_list(struct http_req *r)
{
    char *json = NULL;
    struct lf_err err = {0};
    if (lf_views_list(http_lf(r), r->session.user.id, http_query(r, "page"), &json, &err) < 0)
        fail(r, &err);
    else
        answer(r, 200, json);
}

void api_views_create(struct http_req *r)
{
    char *json = NULL;
    struct lf_err err = {0};
    if (lf_view_create(http_lf(r), r->session.user.id, r->body, r->body_len, &json, &err) < 0) {
        if (err.code == LF_EUSAGE)
            http_fail(r, HE_BAD_REQUEST, NULL, "%s", err.msg);
        else
            fail(r, &err);
    } else {
        answer(r, 201, json);
    }
}

void api_views_delete(struct http_req *r)
{
    struct lf_err err = {0};
    int64_t id = 0;
    if (text_int(r->params[0], &id) < 0 || id <= 0) {
        http_fail(r, HE_NOT_FOUND, NULL, "no view '%s'", r->params[0]);
        return;
    }
    if (lf_view_delete(http_lf(r), r->session.user.id, id, &err) < 0)
        fail(r, &err);
    else
        http_json(r, 200, "{\"deleted\": true}");
}

/* ---- /v1/workspace ---- */

void api_workspace_get(struct http_req *r)
{
    char *json = NULL;
    struct lf_err err = {0};
    if (lf_settings_json(http_lf(r), &json, &err) < 0)
        fail(r, &err);
    else
        answer(r, 200, json);
}

void api_workspace_patch(struct http_req *r)
{
    char *json = NULL;
    struct lf_err err = {0};
    if (lf_settings_patch(http_lf(r), r->body, r->body_len, &json, &err) < 0) {
        if (err.code == LF_EUSAGE)
            http_fail(r, HE_BAD_REQUEST, NULL, "%s", err.msg);
        else
            fail(r, &err);
    } else {
        answer(r, 200, json);
    }
}

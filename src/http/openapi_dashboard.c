/* openapi_dashboard.c - the OpenAPI document's dashboard and what it manages: its pages and
 * files, sessions, users and roles, saved views, the workspace's settings, API keys, and the
 * account page's 360° view. */
#include "openapi_int.h"

#include <string.h>

#include "model/resource.h"

/* ---- the dashboard and what it manages ---- */

/* {"type": "string", "description": …} */
static json_t *text_prop(const char *description)
{
    return described_string(description);
}

static json_t *object_of(json_t *props, const char *const *required)
{
    json_t *o = typed("object");
    set(o, "properties", props);
    if (required)
        set(o, "required", names(required));
    set(o, "additionalProperties", json_false());
    return o;
}

static json_t *roles_enum(void)
{
    json_t *e = json_array();
    for (int r = LF_ROLE_ADMIN; r <= LF_ROLE_VIEWER; r++)
        push(e, str(lf_role_name(r)));
    return e;
}

/* The schemas the dashboard's routes share, made once. */
void openapi_dashboard_schemas(struct doc *d)
{
    if (json_object_get(d->schemas, "User"))
        return;
    json_t *p = json_object(), *role = typed("string");
    set(role, "enum", roles_enum());
    set(role, "description",
        str("admin: everything; lead: reads everything, sees every account "
            "by default; csm: reads everything, sees their own book by "
            "default; viewer: reads, changes nothing"));
    set(p, "name", text_prop("the user name, which accounts' owner field holds"));
    set(p, "email", nullable("string"));
    set(p, "display_name", nullable("string"));
    set(p, "role", role);
    set(p, "created", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(d->schemas, "User",
        object_of(p,
                  (const char *const[]){"name", "email", "display_name", "role", "created", NULL}));
    json_t *list = json_object(), *arr = typed("array");
    set(arr, "items", ref("schemas", "User"));
    set(list, "data", arr);
    set(d->schemas, "UserList", object_of(list, (const char *const[]){"data", NULL}));
    for (int create = 0; create < 2; create++) {
        json_t *b = json_object(), *r = typed("string"), *pw = typed("string");
        set(r, "enum", roles_enum());
        set(pw, "minLength", json_integer(LF_PASSWORD_MIN));
        set(pw, "maxLength", json_integer(1024));
        set(pw, "description",
            str("only an Argon2id hash of it is stored; a new one signs the "
                "user out everywhere"));
        if (create) {
            json_t *n = typed("string");
            set(n, "pattern", str("^[A-Za-z0-9._@-]{1,64}$"));
            set(b, "name", n);
        }
        set(b, "role", r);
        set(b, "email", nullable("string"));
        set(b, "display_name", nullable("string"));
        set(b, "password", pw);
        set(d->schemas, create ? "UserCreate" : "UserPatch",
            object_of(b, create ? (const char *const[]){"name", "role", "password", NULL} : NULL));
    }
    json_t *w = json_object();
    set(w, "name", text_prop("the workspace"));
    set(w, "time_zone", text_prop("IANA zone days, weeks and months are cut in"));
    set(w, "locale", text_prop("BCP 47 locale figures are written in (default en-US)"));
    set(w, "currency", text_prop("ISO 4217 currency of figures over accounts (default USD)"));
    set(w, "milestone", nullable("string"));
    set(d->schemas, "Workspace",
        object_of(w, (const char *const[]){"name", "time_zone", "locale", "currency", "milestone",
                                           NULL}));
    json_t *wp = json_object();
    set(wp, "time_zone", typed("string"));
    set(wp, "locale", typed("string"));
    set(wp, "currency", json_pack("{s:s, s:s}", "type", "string", "pattern", "^[A-Z]{3}$"));
    set(wp, "milestone", nullable("string"));
    set(d->schemas, "WorkspacePatch", object_of(wp, NULL));
    json_t *sp = json_object();
    set(sp, "user", ref("schemas", "User"));
    set(sp, "csrf",
        text_prop("the session's CSRF token (also the lf_csrf cookie): every "
                  "request of the session sends it in X-CSRF-Token"));
    set(sp, "expires", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(sp, "workspace", ref("schemas", "Workspace"));
    set(d->schemas, "Session",
        object_of(sp, (const char *const[]){"user", "csrf", "expires", "workspace", NULL}));
    json_t *vp = json_object();
    set(vp, "id", typed("integer"));
    set(vp, "page", text_prop("the page it belongs to (portfolio…)"));
    set(vp, "name", typed("string"));
    set(vp, "query", text_prop("the page's query string, without '?'"));
    set(vp, "created", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(d->schemas, "View",
        object_of(vp, (const char *const[]){"id", "page", "name", "query", "created", NULL}));
    json_t *vl = json_object(), *va = typed("array");
    set(va, "items", ref("schemas", "View"));
    set(vl, "data", va);
    set(d->schemas, "ViewList", object_of(vl, (const char *const[]){"data", NULL}));
    json_t *vc = json_object();
    set(vc, "page",
        json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1, "maxLength", 64));
    set(vc, "name",
        json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1, "maxLength", 200));
    set(vc, "query", json_pack("{s:s, s:i}", "type", "string", "maxLength", 4000));
    set(d->schemas, "ViewCreate",
        object_of(vc, (const char *const[]){"page", "name", "query", NULL}));
}

/* "/accounts/:id" → "page_accounts_id", "/" → "page_root" */
static void page_id(const char *pattern, char out[96])
{
    size_t n = (size_t)snprintf(out, 96, "page_");
    if (!strcmp(pattern, "/"))
        snprintf(out + n, 96 - n, "root");
    for (const char *p = pattern + 1; *p && n + 1 < 96; p++)
        if (*p != ':')
            out[n++] = *p == '/' ? '_' : *p;
    if (strcmp(pattern, "/"))
        out[n] = '\0';
}

static void op_web_page(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)o;
    char id[96];
    page_id(rt->pattern, id);
    openapi_tag(d, op, "dashboard", NULL);
    set(op, "operationId", str(id));
    set(op, "summary",
        strf("the dashboard's page %s (the page shell; its scripts render it "
             "from this API)",
             rt->pattern));
    if (strchr(rt->pattern, ':'))
        push(params_of(op), param("path", "id", true, "an account's id", typed("string")));
    json_t *resp = json_object(), *content = json_object(), *media = json_object();
    set(resp, "description", str("the page shell, with its Content-Security-Policy and ETag"));
    set(media, "schema", typed("string"));
    set(content, "text/html", media);
    set(resp, "content", content);
    set(responses_of(op), "200", resp);
    set(responses_of(op), "304",
        json_pack("{s:s}", "description", "not modified (If-None-Match named its ETag)"));
}

static void session_body(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *b = json_object();
    set(b, "user", typed("string"));
    set(b, "password", typed("string"));
    set(b, "workspace", text_prop("another workspace of the store than the server's, by name"));
    set(op, "requestBody",
        body_of("the credentials", object_of(b, (const char *const[]){"user", "password", NULL})));
}

static void keys_list_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                           json_t *op)
{
    (void)o, (void)rt;
    json_t *scopes = json_array();
    for (int s = LF_SCOPE_WRITE; s <= LF_SCOPE_SURVEY; s++)
        push(scopes, str(lf_scope_name(s)));
    json_t *key = json_pack(
        "{s:s, s:{s:{s:s}, s:{s:s, s:s}, s:{s:s, s:o}, s:{s:[s,s]}, s:{s:s, s:s}, "
        "s:{s:[s,s], s:s, s:s}}, s:[s,s,s,s,s,s], s:b}",
        "type", "object", "properties", "id", "type", "integer", "prefix", "type", "string",
        "description", "the key's first characters, which `landfall keys revoke` takes", "scope",
        "type", "string", "enum", scopes, "name", "type", "string", "null", "created", "type",
        "string", "format", "date-time", "revoked", "type", "string", "null", "format", "date-time",
        "description", "null while the key is live", "required", "id", "prefix", "scope", "name",
        "created", "revoked", "additionalProperties", 0);
    set(d->schemas, "Key", key);
    json_t *page = json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s,s]}}, s:[s,s], s:b}", "type", "object",
                             "properties", "data", "type", "array", "items", ref("schemas", "Key"),
                             "next_cursor", "type", "string", "null", "required", "data",
                             "next_cursor", "additionalProperties", 0);
    json_t *list = params_of(op), *limit = typed("integer");
    set(limit, "minimum", json_integer(1));
    set(limit, "maximum", json_integer(PAGE_MAX));
    set(limit, "default", json_integer(PAGE_DEFAULT));
    push(list, param("query", "limit", false, "keys a page holds", limit));
    push(list, param("query", "cursor", false, "the previous page's next_cursor", typed("string")));
    set(responses_of(op), "200", answer_of("a page of keys", page));
}

static void keys_create_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *scopes = json_array(), *b = json_object(), *sc = typed("string");
    for (int s = LF_SCOPE_WRITE; s <= LF_SCOPE_ADMIN; s++)
        push(scopes, str(lf_scope_name(s)));
    set(sc, "enum", scopes);
    set(b, "scope", sc);
    set(b, "name", nullable("string"));
    set(op, "requestBody",
        body_of("the key's scope and name", object_of(b, (const char *const[]){"scope", NULL})));
    json_t *k = json_object();
    set(k, "key", text_prop("the key itself: lf_ and 43 base64url characters"));
    set(k, "id", typed("integer"));
    set(k, "prefix", typed("string"));
    set(k, "scope", json_pack("{s:s, s:o}", "type", "string", "enum", json_incref(scopes)));
    set(k, "name", nullable("string"));
    set(k, "created", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(k, "revoked", json_pack("{s:s}", "type", "null"));
    set(responses_of(op), "201",
        answer_of("the new key",
                  object_of(k, (const char *const[]){"key", "id", "prefix", "scope", "name",
                                                     "created", "revoked", NULL})));
}

/* /v1/accounts/{id}/overview: the days of usage and the answer, made of the resources' and the
 * usage metrics' schemas */
static void account_overview_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                                  json_t *op)
{
    (void)o, (void)rt;
    json_t *days = typed("integer");
    set(days, "minimum", json_integer(1));
    set(days, "maximum", json_integer(3650));
    set(days, "default", json_integer(90));
    push(params_of(op), param("query", "days", false, "days of usage up to now", days));
    char row[128];
    json_t *u = json_object();
    set(u, "from", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(u, "to", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    static const struct {
        const char *key, *metric;
        bool many;
    } usage[] = {{"dau", "dau", true},
                 {"features", "feature-usage", true},
                 {"seats", "seats", false},
                 {"recency", "recency", false}};
    for (size_t i = 0; i < sizeof(usage) / sizeof(*usage); i++) {
        char result[128];
        openapi_metric_result(d, lf_metric_find(usage[i].metric), result);
        openapi_camel(usage[i].metric, "Row", row);
        if (usage[i].many) {
            json_t *a = typed("array");
            set(a, "items", ref("schemas", row));
            set(u, usage[i].key, a);
        } else {
            set(u, usage[i].key,
                json_pack("{s:[o,{s:s}]}", "oneOf", ref("schemas", row), "type", "null"));
        }
    }
    json_t *p = json_object();
    set(p, "account", openapi_resource_schema(d, resource_find("accounts"), ROW));
    set(p, "tenure_days", nullable("integer"));
    set(p, "renewal_days", nullable("integer"));
    set(p, "usage",
        object_of(
            u, (const char *const[]){"from", "to", "dau", "features", "seats", "recency", NULL}));
    static const struct {
        const char *key, *resource;
    } lists[] = {{"mrr", "mrr_changes"},     {"responses", "responses"},
                 {"tickets", "touchpoints"}, {"touchpoints", "touchpoints"},
                 {"contacts", "contacts"},   {"outcomes", "outcomes"},
                 {"tasks", "tasks"}};
    json_t *req = json_pack("[s,s,s,s]", "account", "tenure_days", "renewal_days", "usage");
    for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
        set(p, lists[i].key, openapi_resource_schema(d, resource_find(lists[i].resource), LIST));
        push(req, str(lists[i].key));
    }
    json_t *ov = object_of(p, NULL);
    set(ov, "required", req);
    set(d->schemas, "AccountOverview", ov);
}

const struct op_decl openapi_dashboard_described[] = {
    /* keys */
    {api_keys_list, "keys", "keys_list",
     "the workspace's keys, live and revoked (never the keys themselves)", .more = keys_list_more,
     .errors = ERR(HE_BAD_REQUEST)},
    {api_keys_create, "keys", "keys_create", "create a key: shown this once, only its hash is kept",
     .more = keys_create_more, .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {api_keys_revoke, "keys", "keys_revoke", "revoke a key at once, also for a running server",
     .params = {{"path", "prefix", "string", "the key's prefix (its first 11 characters)", true}},
     .answers = {{"200", "revoked", .flag = "revoked"}}, .errors = ERR(HE_NOT_FOUND)},
    {api_account_overview, "accounts", "accounts_overview",
     "an account's 360° view in one answer (the dashboard's account page)",
     .params = {{"path", "id", "string", "the account's id", true},
                {"query", "now", "string",
                 "the instant taken as now: ISO 8601 or unix seconds, a date or a time without "
                 "offset in the workspace's zone (default: the clock)"}},
     .more = account_overview_more,
     .answers = {{"200", "the account's view", .ref = "AccountOverview"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},

    /* the dashboard */
    {api_session_create, "dashboard", "session_create",
     "sign in: sets the session's cookies (lf_session, HttpOnly; lf_csrf)",
     "A browser's request must come from this server's page (Origin, Sec-Fetch-Site). A wrong "
     "user name or password is 401 and counts against the client address's budget; after 5 "
     "consecutive failures each further one locks the user for twice as long as the one before "
     "(1 s to 15 min), answered 429 with Retry-After.",
     .dashboard = true, .more = session_body, .answers = {{"201", "signed in", .ref = "Session"}},
     .errors =
         ERR(HE_BAD_REQUEST) | ERR(HE_UNAUTHORIZED) | ERR(HE_FORBIDDEN) | ERR(HE_RATE_LIMITED)},
    {api_session_get, "dashboard", "session_get", "who is signed in, and the workspace's settings",
     .dashboard = true, .answers = {{"200", "the session", .ref = "Session"}}},
    {api_session_delete, "dashboard", "session_delete",
     "sign out: ends the session and clears its cookies",
     .answers = {{"200", "signed out", .flag = "signed_out"}}},
    {api_users_list, "dashboard", "users_list", "the workspace's users and their roles",
     .dashboard = true, .answers = {{"200", "the users, by name", .ref = "UserList"}}},
    {api_users_create, "dashboard", "users_create", "add a user", .dashboard = true,
     .body = {.doc = "the user", .ref = "UserCreate"}, .answers = {{"201", "added", .ref = "User"}},
     .errors = ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_users_update, "dashboard", "users_update", "change a user's role, email, name or password",
     .dashboard = true, .params = {NAME_PARAM("the user name")},
     .body = {.doc = "what changes", .ref = "UserPatch"},
     .answers = {{"200", "changed", .ref = "User"}},
     .errors = ERR(HE_NOT_FOUND) | ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_users_delete, "dashboard", "users_delete",
     "delete a user, its sessions and saved views (not the last admin)",
     .params = {NAME_PARAM("the user name")}, .answers = {{"200", "deleted", .ref = "Deleted"}},
     .errors = ERR(HE_NOT_FOUND) | ERR(HE_CONFLICT)},
    {api_views_list, "dashboard", "views_list", "the signed-in user's saved views",
     .dashboard = true, .params = {{"query", "page", "string", "only those of this page"}},
     .answers = {{"200", "the views, by page and name", .ref = "ViewList"}}},
    {api_views_create, "dashboard", "views_create", "save a page's filters under a name",
     .dashboard = true, .body = {.doc = "the view", .ref = "ViewCreate"},
     .answers = {{"201", "saved", .ref = "View"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_views_delete, "dashboard", "views_delete",
     "delete one of the signed-in user's saved views",
     .params = {{"path", "id", "integer", "the view's id", true}},
     .answers = {{"200", "deleted", .ref = "Deleted"}}, .errors = ERR(HE_NOT_FOUND)},
    {api_workspace_get, "dashboard", "workspace_get",
     "the workspace's time zone, locale, currency and value milestone", .dashboard = true,
     .answers = {{"200", "the settings", .ref = "Workspace"}}},
    {api_workspace_patch, "dashboard", "workspace_update",
     "change the workspace's settings (a null milestone unsets it)", .dashboard = true,
     .body = {.doc = "what changes", .ref = "WorkspacePatch"},
     .answers = {{"200", "the settings", .ref = "Workspace"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {web_page, .more = op_web_page},
    {web_asset, "dashboard", "asset",
     "a file of the dashboard, embedded in the binary: cached for a year under its build's URL, "
     "gzip when accepted",
     .params = {{"path", "build", "string", "the build's hash, in the page shell", true},
                {"path", "file", "string", "the file (app.js, app.css…)", true}},
     .answers = {{"200", "the file, with its ETag", .type = "string", .media = "*/*"},
                 {"304", "not modified"}},
     .errors = ERR(HE_NOT_FOUND)},
    {NULL},
};

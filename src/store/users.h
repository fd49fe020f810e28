/* users.h - the dashboard's people in the store: users and their roles, failed sign-ins,
 * sessions (found by a hash of their token), the views each saves, and the workspace's
 * settings. Only hashes of passwords and tokens are stored; the core makes and checks them. */
#ifndef STORE_USERS_H
#define STORE_USERS_H

#include "store.h"

struct store_user {
    int64_t id, ws;
    char name[256];        /* the user name (users.ext_id): what accounts.owner names */
    char email[256];       /* "" when none */
    char display[256];     /* the full name, "" when none */
    char role[16];         /* admin | lead | csm | viewer */
    char hash[128];        /* crypto_pwhash_str's text, "" when no password is set */
    int64_t created_at;
    int64_t failed;        /* consecutive failed sign-ins */
    int64_t locked_until;  /* ms; 0 when not locked */
};
typedef int (*store_user_fn)(void *ctx, const struct store_user *u, struct lf_err *err);

/* Stores a new user of workspace ws (u->id and u->ws ignored) and sets *id. LF_ECONFLICT when
 * the name is taken. */
int store_user_insert(struct store *st, int64_t ws, const struct store_user *u, int64_t *id,
                      struct lf_err *err);
/* 1 and *out for user `name` of ws (or id when name is NULL), 0 when none, -1 on error. */
int store_user_find(struct store *st, int64_t ws, const char *name, int64_t id,
                    struct store_user *out, struct lf_err *err);
int store_users_scan(struct store *st, int64_t ws, store_user_fn fn, void *ctx,
                     struct lf_err *err); /* by name */
/* Writes u's email, display name, role and hash over user u->id of ws: 1, or 0 when none. */
int store_user_update(struct store *st, int64_t ws, const struct store_user *u,
                      struct lf_err *err);
/* Records the outcome of a sign-in: the count of consecutive failures and the lock. */
int store_user_failures(struct store *st, int64_t id, int64_t failed, int64_t locked_until,
                        struct lf_err *err);
/* Deletes user id of ws with its sessions and views: 1, or 0 when none. */
int store_user_delete(struct store *st, int64_t ws, int64_t id, struct lf_err *err);
/* The users of ws with this role. */
int store_users_count(struct store *st, int64_t ws, const char *role, int64_t *out,
                      struct lf_err *err);

struct store_session {
    int64_t id, ws, user_id;
    int64_t created_at, seen_at, expires_at, ended_at; /* ended_at LF_UNSET while live */
};

int store_session_insert(struct store *st, int64_t ws, int64_t user_id, const char *token_hash,
                         int64_t now, int64_t expires_at, int64_t *id, struct lf_err *err);
/* The session with this token hash, in any workspace, and its user: 1, 0 when none, -1. */
int store_session_find(struct store *st, const char *token_hash, struct store_session *out,
                       struct store_user *user, struct lf_err *err);
int store_session_seen(struct store *st, int64_t id, int64_t when, struct lf_err *err);
int store_session_end(struct store *st, int64_t id, int64_t when, struct lf_err *err);
/* Ends every live session of a user (a new password, another role). */
int store_sessions_end_user(struct store *st, int64_t user_id, int64_t when,
                            struct lf_err *err);

struct store_view {
    int64_t id, user_id;
    const char *page, *name, *query; /* borrowed for the callback */
    int64_t created_at;
};
typedef int (*store_view_fn)(void *ctx, const struct store_view *v, struct lf_err *err);

/* LF_ECONFLICT when the user has a view of that name on that page. */
int store_view_insert(struct store *st, int64_t ws, const struct store_view *v, int64_t *id,
                      struct lf_err *err);
/* A user's views, of one page (NULL: all), by page and name. */
int store_views_scan(struct store *st, int64_t user_id, const char *page, store_view_fn fn,
                     void *ctx, struct lf_err *err);
/* Deletes the user's view id: 1, or 0 when the user has none such. */
int store_view_delete(struct store *st, int64_t user_id, int64_t id, struct lf_err *err);

/* Workspace settings: text values by name. *out: a copy the caller frees, NULL when unset. */
int store_setting_get(struct store *st, int64_t ws, const char *name, char **out,
                      struct lf_err *err);
int store_setting_set(struct store *st, int64_t ws, const char *name, const char *value,
                      struct lf_err *err);

#endif

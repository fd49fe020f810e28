/* store_int.h - the function table an engine fills in; store.c dispatches through it. */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include "store.h"

struct store_ops {
    const char *name;
    void (*close)(struct store *st);
    int (*workspace_ensure)(struct store *, const char *, int64_t *, struct lf_err *);
    int (*workspace_clear)(struct store *, int64_t, struct lf_err *);
    int (*counts)(struct store *, int64_t, struct store_counts *, struct lf_err *);
    int (*begin)(struct store *, struct lf_err *);
    int (*commit)(struct store *, struct lf_err *);
    void (*rollback)(struct store *);
    int (*account_find)(struct store *, int64_t, const char *, int64_t *, struct lf_err *);
    int (*contact_find)(struct store *, int64_t, const char *, int64_t *, int64_t *,
                        struct lf_err *);
    int (*touchpoint_find)(struct store *, int64_t, const char *, int64_t *, struct lf_err *);
    int (*survey_find)(struct store *, int64_t, const char *, struct survey *, struct lf_err *);
    int (*account_upsert)(struct store *, int64_t, const struct account *, int64_t, int64_t *,
                          enum store_change *, struct lf_err *);
    int (*contact_upsert)(struct store *, int64_t, const struct contact *, int64_t *,
                          enum store_change *, struct lf_err *);
    int (*mrr_change_upsert)(struct store *, int64_t, const struct mrr_change *,
                             enum store_change *, struct lf_err *);
    int (*order_upsert)(struct store *, int64_t, const struct order *, enum store_change *,
                        struct lf_err *);
    int (*touchpoint_upsert)(struct store *, int64_t, const struct touchpoint *, int64_t *,
                             enum store_change *, struct lf_err *);
    int (*response_upsert)(struct store *, int64_t, const struct response *,
                           enum store_change *, struct lf_err *);
    int (*survey_upsert)(struct store *, int64_t, const struct survey *, int64_t *,
                         struct lf_err *);
    int (*event_append)(struct store *, int64_t, const struct event *, enum store_change *,
                        struct lf_err *);
    int (*accounts_scan)(struct store *, int64_t, store_account_fn, void *, struct lf_err *);
    int (*contacts_scan)(struct store *, int64_t, store_contact_fn, void *, struct lf_err *);
    int (*mrr_changes_scan)(struct store *, int64_t, store_mrr_fn, void *, struct lf_err *);
    int (*orders_scan)(struct store *, int64_t, store_order_fn, void *, struct lf_err *);
    int (*events_scan)(struct store *, int64_t, int64_t, store_event_fn, void *,
                       struct lf_err *);
    int (*events_scan_brief)(struct store *, int64_t, int64_t, int64_t, store_event_fn, void *,
                             struct lf_err *);
    int (*events_max_id)(struct store *, int64_t, int64_t *, struct lf_err *);
    int (*open_reader)(struct store *, struct store **, struct lf_err *);
    int (*touchpoints_scan)(struct store *, int64_t, store_touchpoint_fn, void *,
                            struct lf_err *);
    int (*surveys_scan)(struct store *, int64_t, store_survey_fn, void *, struct lf_err *);
    int (*responses_scan)(struct store *, int64_t, store_response_fn, void *, struct lf_err *);
    int (*api_key_insert)(struct store *, int64_t, const struct api_key *, int64_t *,
                          struct lf_err *);
    int (*api_key_find)(struct store *, const char *, struct api_key *, struct lf_err *);
    int (*api_key_revoke)(struct store *, int64_t, const char *, int64_t, struct lf_err *);
    int (*api_keys_scan)(struct store *, int64_t, store_api_key_fn, void *, struct lf_err *);
    int (*rows_list)(struct store *, int64_t, const struct resource_def *,
                     const struct row_query *, store_row_fn, void *, struct lf_err *);
    int (*row_get)(struct store *, int64_t, const struct resource_def *, const struct value *,
                   store_row_fn, void *, struct lf_err *);
    int (*row_write)(struct store *, int64_t, const struct resource_def *, const struct value *,
                     const struct value *, const bool *, int, int64_t *, enum store_change *,
                     struct lf_err *);
    int (*row_delete)(struct store *, int64_t, const struct resource_def *,
                      const struct value *, const char *, const char *, struct lf_err *);
    int (*account_mrr_sync)(struct store *, int64_t, struct lf_err *);
};

/* Every engine's handle starts with this header. */
struct store {
    const struct store_ops *ops;
};

/* Engines: each opens its own kind of URL. */
int store_sqlite_open(const char *path, struct store **out, struct lf_err *err);

#endif

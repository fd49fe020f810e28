/* store_rows.h - writing fixture rows through the store's one write path, for the unit tests of
 * the layers that read the store (the engine, the metrics). Each helper asserts the row was
 * written; the caller holds a write transaction. */
#ifndef TESTS_UNIT_STORE_ROWS_H
#define TESTS_UNIT_STORE_ROWS_H

#include <criterion/criterion.h>
#include <math.h>

#include "store/store.h"

/* Writes one row (stubs allowed for unknown references); returns its internal id. */
static inline int64_t fx_write(struct store *st, int64_t ws, struct store_row *r)
{
    struct lf_err err = {0};
    struct store_write_opts o = {.flags = STORE_STUBS, .now = INT64_MAX / 4};
    cr_assert_eq(store_write(st, ws, r, 1, &o, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(r->err.code, 0, "%s: %s", r->def->singular, r->err.msg);
    return r->id;
}

/* An account; NULL strings and LF_UNSET numbers are left out. */
static inline int64_t fx_account(struct store *st, int64_t ws, const char *ext,
                                 const char *segment, const char *plan, int64_t seats,
                                 int64_t customer_since)
{
    struct store_row r;
    store_row_init(&r, &resource_accounts, STORE_UPSERT);
    store_row_text(&r, ACCOUNT_ID, ext);
    if (segment)
        store_row_text(&r, ACCOUNT_SEGMENT, segment);
    if (plan)
        store_row_text(&r, ACCOUNT_PLAN, plan);
    if (seats != LF_UNSET)
        store_row_int(&r, ACCOUNT_SEATS, seats);
    if (customer_since != LF_UNSET)
        store_row_int(&r, ACCOUNT_SINCE, customer_since);
    return fx_write(st, ws, &r);
}

static inline void fx_mrr(struct store *st, int64_t ws, int64_t account, int64_t date,
                          int64_t mrr)
{
    struct store_row r;
    store_row_init(&r, &resource_mrr_changes, STORE_UPSERT);
    store_row_ref(&r, MRR_ACCOUNT, NULL, account);
    store_row_int(&r, MRR_DATE, date);
    store_row_int(&r, MRR_MRR, mrr);
    fx_write(st, ws, &r);
}

static inline int64_t fx_contact(struct store *st, int64_t ws, const char *ext, int64_t account)
{
    struct store_row r;
    store_row_init(&r, &resource_contacts, STORE_UPSERT);
    store_row_text(&r, CONTACT_ID, ext);
    if (account)
        store_row_ref(&r, CONTACT_ACCOUNT, NULL, account);
    return fx_write(st, ws, &r);
}

/* An event given as the model's struct (account and contact as internal ids, 0 = none);
 * returns whether it was new. */
static inline bool fx_event(struct store *st, int64_t ws, const struct event *e)
{
    struct store_row r;
    store_row_init(&r, &resource_events, STORE_UPSERT);
    store_row_text(&r, EVENT_ID, e->message_id);
    store_row_int(&r, EVENT_TS, e->ts);
    store_row_text(&r, EVENT_NAME, e->name);
    if (e->account_id)
        store_row_ref(&r, EVENT_ACCOUNT, NULL, e->account_id);
    if (e->contact_id)
        store_row_ref(&r, EVENT_CONTACT, NULL, e->contact_id);
    if (e->has_value)
        store_row_real(&r, EVENT_VALUE, e->value);
    fx_write(st, ws, &r);
    return r.change == STORE_INSERTED;
}

#endif

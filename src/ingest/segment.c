/* segment.c - Segment calls as landfall rows: track, page and screen become events, identify a
 * contact, group an account (and its member), alias merges one contact into another. */
#include "ingest_int.h"

#include <string.h>

/* Each schema starts with the columns of the mapper it feeds (EV_, CON_, ACC_ order); the
 * columns after those are fallbacks for the ones before. */
static const char *const track_cols[] = {"messageId",
                                         "timestamp",
                                         "context.groupId",
                                         "userId",
                                         "event",
                                         "properties.value",
                                         "originalTimestamp",
                                         "receivedAt",
                                         "sentAt",
                                         "properties.account_id",
                                         "anonymousId",
                                         "properties.revenue",
                                         NULL};
enum { T_ORIGINAL = EV_NR, T_RECEIVED, T_SENT, T_ACCOUNT, T_ANONYMOUS, T_REVENUE };

static const char *const identify_cols[] = {"userId",
                                            "traits.groupId",
                                            "traits.email",
                                            "traits.name",
                                            "traits.role",
                                            "traits.createdAt",
                                            "context.groupId",
                                            "traits.created_at",
                                            "traits.firstName",
                                            "traits.lastName",
                                            NULL};
enum { I_GROUP = CON_NR, I_CREATED, I_FIRST, I_LAST };

static const char *const group_cols[] = {"groupId",
                                         "traits.name",
                                         "traits.plan",
                                         "traits.segment",
                                         "traits.mrr",
                                         "traits.currency",
                                         "traits.seats",
                                         "traits.stage",
                                         "traits.owner",
                                         "traits.customer_since",
                                         "traits.renewal_date",
                                         "userId",
                                         "traits.createdAt",
                                         NULL};
enum { G_USER = ACC_NR, G_CREATED };

static const char *const alias_cols[] = {"previousId", "userId", NULL};

static const char *const call_types[] = {"track", "page",  "screen", "identify",
                                         "group", "alias", NULL};

bool segment_is_call(const struct json_t *obj)
{
    const char *type = ndjson_string(obj, "type");
    for (int i = 0; type && call_types[i]; i++)
        if (strcmp(type, call_types[i]) == 0)
            return true;
    return false;
}

/* Column k takes column alt's value (and name, for messages) when it has none. */
static void fallback(struct row *r, int k, int alt)
{
    if (!r->val[k].ptr && r->val[alt].ptr) {
        r->val[k] = r->val[alt];
        r->name[k] = r->name[alt];
    }
}

static int track(struct ingest *in, const struct json_t *obj, const char *type, struct row *r,
                 struct lf_err *err)
{
    row_reset(r, track_cols, r->line);
    if (ndjson_fill(obj, "properties", r, err) < 0)
        return -1;
    fallback(r, EV_TS, T_ORIGINAL);
    fallback(r, EV_TS, T_RECEIVED);
    fallback(r, EV_TS, T_SENT);
    fallback(r, EV_ACCOUNT, T_ACCOUNT);
    fallback(r, EV_USER, T_ANONYMOUS);
    fallback(r, EV_VALUE, T_REVENUE);
    if (strcmp(type, "track") != 0) /* page and screen calls are events named so */
        r->val[EV_NAME] = (struct span){type, strlen(type)};
    return map_event(in, 0, r, err);
}

static int identify(struct ingest *in, const struct json_t *obj, struct row *r,
                    struct lf_err *err)
{
    row_reset(r, identify_cols, r->line);
    if (ndjson_fill(obj, "traits", r, err) < 0)
        return -1;
    fallback(r, CON_ACCOUNT, I_GROUP);
    fallback(r, CON_CREATED, I_CREATED);
    if (!r->val[CON_NAME].ptr && (r->val[I_FIRST].ptr || r->val[I_LAST].ptr)) {
        struct buf *name = &r->text[CON_NAME];
        buf_reset(name);
        buf_adds(name, r->val[I_FIRST].ptr ? r->val[I_FIRST].ptr : "");
        if (r->val[I_FIRST].ptr && r->val[I_LAST].ptr)
            buf_addc(name, ' ');
        buf_adds(name, r->val[I_LAST].ptr ? r->val[I_LAST].ptr : "");
        r->val[CON_NAME] = (struct span){name->ptr, name->len};
    }
    return map_contact(in, 0, r, err);
}

static int group(struct ingest *in, const struct json_t *obj, struct row *r, struct lf_err *err)
{
    row_reset(r, group_cols, r->line);
    if (ndjson_fill(obj, "traits", r, err) < 0)
        return -1;
    fallback(r, ACC_SINCE, G_CREATED);
    if (map_account(in, 0, r, err) < 0)
        return -1;
    if (!r->val[G_USER].ptr)
        return 0;
    /* The user of a group call belongs to that account. */
    struct store_row *c = unit_row(in, 1, &resource_contacts);
    unit_text(in, 1, CONTACT_ID, r, G_USER);
    store_row_ref(c, CONTACT_ACCOUNT, row_str(r, ACC_ID), 0);
    return 0;
}

/* previousId is merged into userId: the contact it named, its events and answers, are
 * userId's from now on (store/merge.c). */
static int alias(struct ingest *in, const struct json_t *obj, struct row *r, struct lf_err *err)
{
    row_reset(r, alias_cols, r->line);
    if (ndjson_fill(obj, "traits", r, err) < 0 || row_need(r, 0, err) < 0 ||
        row_need(r, 1, err) < 0)
        return -1;
    unit_row(in, 0, &resource_contacts);
    unit_text(in, 0, CONTACT_ID, r, 0);
    unit_text(in, 0, CONTACT_MERGED, r, 1);
    return 0;
}

int segment_import(struct ingest *in, const struct json_t *obj, struct row *r,
                   enum store_change *change, struct lf_err *err)
{
    const char *type = ndjson_string(obj, "type");
    int rc;
    if (strcmp(type, "identify") == 0) {
        rc = identify(in, obj, r, err);
    } else if (strcmp(type, "group") == 0) {
        rc = group(in, obj, r, err);
    } else if (strcmp(type, "alias") == 0) {
        rc = alias(in, obj, r, err);
    } else {
        rc = track(in, obj, type, r, err);
    }
    if (rc < 0) {
        in->rows_nr = 0;
        return -1;
    }
    return unit_write(in, r, change, err);
}

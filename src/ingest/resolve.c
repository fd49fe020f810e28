/* resolve.c - external ids to internal ids for one file: cached, asked of the store once per id,
 * and created when unknown (stub accounts, bare contacts). */
#include "ingest_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static void refs_init(struct refs *rf)
{
    strmap_init(&rf->by_ext);
    strmap_init(&rf->by_id);
    rf->v = NULL;
    rf->nr = rf->cap = 0;
}

static void refs_release(struct refs *rf)
{
    strmap_release(&rf->by_ext);
    strmap_release(&rf->by_id);
    free(rf->v);
    refs_init(rf);
}

void resolve_init(struct ingest *in)
{
    refs_init(&in->accounts);
    refs_init(&in->contacts);
    strmap_init(&in->touchpoints);
    in->surveys = NULL;
    in->surveys_nr = in->surveys_cap = 0;
    in->preloaded = false;
}

void resolve_release(struct ingest *in)
{
    refs_release(&in->accounts);
    refs_release(&in->contacts);
    strmap_release(&in->touchpoints);
    for (size_t i = 0; i < in->surveys_nr; i++) {
        free((char *)in->surveys[i].ext_id);
        free((char *)in->surveys[i].name);
    }
    free(in->surveys);
    in->surveys = NULL;
    in->surveys_nr = in->surveys_cap = 0;
}

/* The cached entry of ext, or NULL. Valid until the next ref_put. */
static struct ref *ref_get(struct refs *rf, const char *ext)
{
    int64_t i;
    return strmap_get(&rf->by_ext, ext, strlen(ext), &i) ? &rf->v[i] : NULL;
}

static struct ref *ref_put(struct refs *rf, const char *ext, int64_t id)
{
    struct ref *x = ref_get(rf, ext);
    if (!x) {
        rf->v = xgrow(rf->v, sizeof(*rf->v), rf->nr + 1, &rf->cap);
        x = &rf->v[rf->nr];
        *x = (struct ref){0};
        strmap_put(&rf->by_ext, ext, strlen(ext), (int64_t)rf->nr++);
    }
    x->id = id;
    return x;
}

void resolve_account_put(struct ingest *in, const char *ext, int64_t id, const char *currency)
{
    struct ref *x = ref_put(&in->accounts, ext, id);
    if (!currency)
        return;
    char key[24];
    int n = snprintf(key, sizeof(key), "%lld", (long long)id);
    snprintf(x->currency, sizeof(x->currency), "%s", currency);
    strmap_put(&in->accounts.by_id, key, (size_t)n, x - in->accounts.v);
}

void resolve_contact_put(struct ingest *in, const char *ext, int64_t id, int64_t account_id)
{
    /* An upsert without an account keeps the stored one, which only the store knows unless
     * the cache has it already. */
    struct ref *x = ref_get(&in->contacts, ext);
    if (!x && !account_id)
        return;
    x = ref_put(&in->contacts, ext, id);
    if (account_id)
        x->account_id = account_id;
}

void resolve_touchpoint_put(struct ingest *in, const char *ext, int64_t id)
{
    strmap_put(&in->touchpoints, ext, strlen(ext), id);
}

static int preload_one(void *ctx, const struct account *a, struct lf_err *err)
{
    (void)err;
    resolve_account_put(ctx, a->ext_id, a->id, a->currency ? a->currency : "USD");
    return 0;
}

/* Accounts are looked up one by one until a currency is needed: then all are loaded once
 * (a scan), which also answers every later lookup. */
static int preload(struct ingest *in, struct lf_err *err)
{
    if (in->preloaded)
        return 0;
    if (store_accounts_scan(in->st, in->ws, preload_one, in, err) < 0)
        return -1;
    in->preloaded = true;
    return 0;
}

int resolve_currency(struct ingest *in, const char *account_ext, const char **out,
                     struct lf_err *err)
{
    if (preload(in, err) < 0)
        return -1;
    struct ref *x = ref_get(&in->accounts, account_ext);
    *out = x && x->currency[0] ? x->currency : NULL;
    return 0;
}

int resolve_currency_of(struct ingest *in, int64_t account_id, const char **out, struct lf_err *err)
{
    char key[24];
    int n = snprintf(key, sizeof(key), "%lld", (long long)account_id);
    int64_t i;
    if (preload(in, err) < 0)
        return -1;
    *out = strmap_get(&in->accounts.by_id, key, (size_t)n, &i) ? in->accounts.v[i].currency : NULL;
    return 0;
}

/* Looks ext up in the cache, then (unless every account was preloaded) in the store. */
static int find_account(struct ingest *in, const char *ext, int64_t *id, struct lf_err *err)
{
    struct ref *x = ref_get(&in->accounts, ext);
    if (x) {
        *id = x->id;
        return 1;
    }
    if (in->preloaded)
        return 0;
    int found = store_account_find(in->st, in->ws, ext, id, err);
    if (found == 1)
        resolve_account_put(in, ext, *id, NULL);
    return found;
}

static int find_contact(struct ingest *in, const char *ext, int64_t *id, int64_t *account_id,
                        struct lf_err *err)
{
    struct ref *x = ref_get(&in->contacts, ext);
    if (x) {
        *id = x->id;
        *account_id = x->account_id;
        return 1;
    }
    int found = store_contact_find(in->st, in->ws, ext, id, account_id, err);
    if (found == 1)
        ref_put(&in->contacts, ext, *id)->account_id = *account_id;
    return found;
}

int resolve_account(struct ingest *in, const struct row *r, int k, int64_t *id, struct lf_err *err)
{
    const char *ext = row_str(r, k);
    int found = find_account(in, ext, id, err);
    if (found != 0)
        return found < 0 ? -1 : 0;
    struct account a = {.ext_id = ext,
                        .mrr = LF_UNSET,
                        .seats = LF_UNSET,
                        .customer_since = LF_UNSET,
                        .renewal_date = LF_UNSET,
                        .stub = true};
    enum store_change change;
    if (store_account_upsert(in->st, in->ws, &a, in->today, id, &change, err) < 0)
        return -1;
    resolve_account_put(in, ext, *id, "USD");
    in->res->stubs++;
    ingest_note(in, r->line, "created stub account '%s'", ext);
    return 0;
}

int resolve_contact(struct ingest *in, const struct row *r, int k, int64_t account_id, int64_t *id,
                    int64_t *account_out, struct lf_err *err)
{
    const char *ext = row_str(r, k);
    int64_t acc = 0;
    int found = find_contact(in, ext, id, &acc, err);
    if (found < 0)
        return -1;
    if (!found) {
        struct contact c = {.ext_id = ext, .account_id = account_id, .created_at = LF_UNSET};
        enum store_change change;
        if (store_contact_upsert(in->st, in->ws, &c, id, &change, err) < 0)
            return -1;
        acc = account_id;
        ref_put(&in->contacts, ext, *id)->account_id = acc;
    }
    if (account_out)
        *account_out = acc;
    return 0;
}

int resolve_customer(struct ingest *in, const struct row *r, int k, int64_t *account_id,
                     int64_t *contact_id, struct lf_err *err)
{
    const char *ext = row_str(r, k);
    *contact_id = 0;
    if (preload(in, err) < 0)
        return -1;
    int found = find_account(in, ext, account_id, err);
    if (found != 0)
        return found;
    *account_id = 0;
    return find_contact(in, ext, contact_id, account_id, err);
}

int resolve_survey(struct ingest *in, const struct row *r, int k, const struct survey **out,
                   struct lf_err *err)
{
    const char *ext = row_str(r, k);
    for (size_t i = 0; i < in->surveys_nr; i++)
        if (strcmp(in->surveys[i].ext_id, ext) == 0) {
            *out = &in->surveys[i];
            return 0;
        }
    struct survey sv;
    int found = store_survey_find(in->st, in->ws, ext, &sv, err);
    if (found < 0)
        return -1;
    if (!found) {
        char shown[FIELD_SHOW];
        field_show(r->val[k], shown);
        err_set(err, LF_EINVAL, "'%s' is not a survey (nps, csat, ces or a custom survey's id)",
                shown);
        return row_fail(r, k, err);
    }
    in->surveys = xgrow(in->surveys, sizeof(*in->surveys), in->surveys_nr + 1, &in->surveys_cap);
    sv.ext_id = xstrdup(sv.ext_id);
    sv.name = xstrdup(sv.name);
    in->surveys[in->surveys_nr] = sv;
    *out = &in->surveys[in->surveys_nr++];
    return 0;
}

int resolve_touchpoint(struct ingest *in, const struct row *r, int k, int64_t *id,
                       struct lf_err *err)
{
    const char *ext = row_str(r, k);
    if (strmap_get(&in->touchpoints, ext, strlen(ext), id))
        return 0;
    int found = store_touchpoint_find(in->st, in->ws, ext, id, err);
    if (found < 0)
        return -1;
    if (!found) {
        char shown[FIELD_SHOW];
        field_show(r->val[k], shown);
        err_set(err, LF_EINVAL, "touchpoint '%s' does not exist (import touchpoints first)", shown);
        return row_fail(r, k, err);
    }
    resolve_touchpoint_put(in, ext, *id);
    return 0;
}

/* overview.c - an account's 360° view in one call (the dashboard's account page): its row,
 * tenure and renewal, its usage (daily active users, the features it used, seats, recency),
 * MRR history, survey responses, tickets, touchpoints, contacts, outcomes and tasks, each from
 * the same calls the REST API and the metrics answer with. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "core.h"

#define DEFAULT_DAYS 90
#define LIST_LIMIT 100

/* A metric's rows as a JSON array of objects, as lf_table_write writes them. */
static json_t *table_rows(const struct lf_table *t)
{
    json_t *rows = json_array();
    for (size_t r = 0; r < lf_table_rows(t); r++) {
        json_t *o = json_object();
        for (size_t c = 0; c < lf_table_columns(t); c++) {
            json_t *v;
            int type = lf_table_column_type(t, c);
            if (lf_table_is_null(t, r, c))
                v = json_null();
            else if (type == LF_COL_TEXT)
                v = json_string(lf_table_text(t, r, c));
            else if (type == LF_COL_INT || type == LF_COL_MONEY)
                v = json_integer((json_int_t)lf_table_int(t, r, c));
            else
                v = json_real(lf_table_real(t, r, c));
            json_object_set_new(o, lf_table_column_name(t, c), v);
        }
        json_array_append_new(rows, o);
    }
    return rows;
}

/* Metric `name` of the account over [from, to): its rows. */
static json_t *metric_rows(struct lf *lf, const char *name, const char *account, const char *from,
                           const char *to, const char *now, struct lf_err *err)
{
    struct lf_args *a = lf_args_new();
    struct lf_table *t = NULL;
    json_t *rows = NULL;
    lf_args_add(a, "account", account);
    if (from)
        lf_args_add(a, "from", from);
    if (to)
        lf_args_add(a, "to", to);
    lf_args_add(a, "now", now);
    if (lf_metric(lf, name, a, &t, err) == 0)
        rows = table_rows(t);
    lf_table_free(t);
    lf_args_free(a);
    return rows;
}

/* A page of resource rows of the account, newest first when sort is given. */
static json_t *rows_of(struct lf *lf, const char *resource, const char *account,
                       const char *kind, const char *sort, struct lf_err *err)
{
    const char *names[2] = {"account_id", "kind"}, *values[2] = {account, kind};
    struct lf_list_query q = {.filter_names = names, .filter_values = values,
                              .filters_nr = kind ? 2 : 1, .sort = sort, .limit = LIST_LIMIT};
    char *text = NULL;
    if (lf_resource_list(lf, resource, &q, &text, err) < 0)
        return NULL;
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    free(text);
    if (!doc)
        err_set(err, LF_EINTERNAL, "a list of %s is not JSON: %s", resource, je.text);
    return doc;
}

/* Days from the date text "YYYY-MM-DD" to the day of `now`; false without a date. */
static bool days_between(json_t *date, int64_t now, int64_t *out)
{
    int64_t ms;
    const char *why;
    if (!json_is_string(date) || time_parse(json_string_value(date), strlen(json_string_value(date)),
                                            &ms, &why) < 0)
        return false;
    *out = time_day_start(now) / MS_PER_DAY - ms / MS_PER_DAY;
    return true;
}

int lf_account_overview(struct lf *lf, const char *account, int64_t now, int days,
                        char **json_out, struct lf_err *err)
{
    char *text = NULL, from[32], to[32], at[32];
    json_t *doc = NULL, *row = NULL, *usage = NULL, *v;
    int ret = -1;
    *json_out = NULL;
    if (!now)
        now = time_now_ms();
    if (days <= 0)
        days = DEFAULT_DAYS;
    if (days > 3650)
        return err_set_field(err, "days", LF_EINVAL, "days is 1 to 3650");
    if (lf_resource_get(lf, "accounts", account, &text, err) < 0)
        return -1;
    json_error_t je;
    row = json_loads(text, 0, &je);
    free(text);
    if (!row)
        return err_set(err, LF_EINTERNAL, "the account is not JSON: %s", je.text);
    /* the usage window: the `days` whole days before today, and today so far */
    time_format_iso(time_day_start(now) - (int64_t)(days - 1) * MS_PER_DAY, from);
    time_format_iso(now, to);
    time_format_iso(now, at);
    doc = json_object();
    json_object_set_new(doc, "account", row);
    int64_t d;
    json_object_set_new(doc, "tenure_days", days_between(json_object_get(row, "customer_since"),
                                                         now, &d)
                                                ? json_integer(d)
                                                : json_null());
    json_object_set_new(doc, "renewal_days",
                        days_between(json_object_get(row, "renewal_date"), now, &d)
                            ? json_integer(-d)
                            : json_null());
    usage = json_object();
    json_object_set_new(doc, "usage", usage);
    json_object_set_new(usage, "from", json_string(from));
    json_object_set_new(usage, "to", json_string(to));
    static const struct {
        const char *key, *metric;
        bool window;
    } metrics[] = {{"dau", "dau", true},
                   {"features", "feature-usage", true},
                   {"seats", "seats", false},
                   {"recency", "recency", false}};
    for (size_t i = 0; i < sizeof(metrics) / sizeof(*metrics); i++) {
        json_t *rows = metric_rows(lf, metrics[i].metric, account,
                                   metrics[i].window ? from : NULL, metrics[i].window ? to : NULL,
                                   at, err);
        if (!rows)
            goto out;
        /* seats and recency have one row for one account */
        if (!metrics[i].window) {
            json_t *one = json_incref(json_array_get(rows, 0));
            json_decref(rows);
            rows = one ? one : json_null();
        }
        json_object_set_new(usage, metrics[i].key, rows);
    }
    static const struct {
        const char *key, *resource, *kind, *sort;
    } lists[] = {{"mrr", "mrr_changes", NULL, "date"},
                 {"responses", "responses", NULL, "-ts"},
                 {"tickets", "touchpoints", "ticket", "-ts"},
                 {"touchpoints", "touchpoints", NULL, "-ts"},
                 {"contacts", "contacts", NULL, NULL},
                 {"outcomes", "outcomes", NULL, NULL},
                 {"tasks", "tasks", NULL, NULL}};
    for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
        if (!(v = rows_of(lf, lists[i].resource, account, lists[i].kind, lists[i].sort, err)))
            goto out;
        json_object_set_new(doc, lists[i].key, v);
    }
    *json_out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!*json_out)
        abort(); /* only out of memory makes jansson fail here */
    ret = 0;
out:
    json_decref(doc);
    return ret;
}

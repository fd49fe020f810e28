/* survey_loop.c - the closed loop: a detractor's response opens a follow-up task for the account
 * owner, once per response, found by reading the change log past the loop's own position. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "report/table.h"

#define DAY_MS 86400000LL
#define RESPONSE_CODE 8 /* resource_responses.code */

struct ids {
    int64_t *v;
    size_t nr, cap;
};

static int change_row(void *ctx, const struct store_change_rec *c, struct lf_err *err)
{
    (void)err;
    struct ids *ids = ctx;
    if (c->resource != resource_responses.code ||
        (c->op != STORE_INSERTED && c->op != STORE_UPDATED))
        return 0;
    if (ids->nr == ids->cap) {
        ids->cap = ids->cap ? 2 * ids->cap : 16;
        ids->v = xrealloc(ids->v, ids->cap * sizeof(*ids->v));
    }
    ids->v[ids->nr++] = c->row_id;
    return 0;
}

struct resp {
    int64_t score, survey_id, account_id, ts;
    char ext[257], survey_ext[257], contact_ext[257], account_ext[257];
};

static int resp_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct resp *r = ctx;
    r->score = v[RESP_SCORE].i;
    r->ts = v[RESP_TS].i;
    r->survey_id = v[RESP_SURVEY].i;
    r->account_id = v[RESP_ACCOUNT].null ? 0 : v[RESP_ACCOUNT].i;
    snprintf(r->ext, sizeof(r->ext), "%s", v[RESP_ID].s ? v[RESP_ID].s : "");
    snprintf(r->survey_ext, sizeof(r->survey_ext), "%s", v[RESP_SURVEY].s ? v[RESP_SURVEY].s : "");
    snprintf(r->contact_ext, sizeof(r->contact_ext), "%s",
             !v[RESP_CONTACT].null && v[RESP_CONTACT].s ? v[RESP_CONTACT].s : "");
    snprintf(r->account_ext, sizeof(r->account_ext), "%s",
             !v[RESP_ACCOUNT].null && v[RESP_ACCOUNT].s ? v[RESP_ACCOUNT].s : "");
    return 0;
}

struct kind {
    char kind[16];
};

static int kind_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct kind *k = ctx;
    snprintf(k->kind, sizeof(k->kind), "%s", v[SURVEY_KIND].s ? v[SURVEY_KIND].s : "");
    return 0;
}

struct owner {
    char owner[1025];
};

static int owner_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct owner *o = ctx;
    snprintf(o->owner, sizeof(o->owner), "%s",
             !v[ACCOUNT_OWNER].null && v[ACCOUNT_OWNER].s ? v[ACCOUNT_OWNER].s : "");
    return 0;
}

/* The rule a response breaks, or NULL: a detractor (NPS 0-6), a dissatisfied CSAT (1-2). */
static const char *rule_of(const char *kind, int64_t score)
{
    if (!strcmp(kind, "nps") && score <= 6)
        return "nps_detractor";
    if (!strcmp(kind, "csat") && score <= 2)
        return "csat_low";
    return NULL;
}

/* The UTC day start `n` business days (Monday to Friday) after the day of `ms`. */
static int64_t business_days_after(int64_t ms, int64_t n)
{
    int64_t day = ms >= 0 ? ms / DAY_MS : (ms - DAY_MS + 1) / DAY_MS;
    while (n > 0) {
        day++;
        int64_t wd = ((day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: 0 is Sunday */
        if (wd != 0 && wd != 6)
            n--;
    }
    return day * DAY_MS;
}

/* Opens the follow-up of response `id` when it breaks a rule: 1 opened, 0 not, -1. */
static int follow(struct store *st, int64_t ws, int64_t id, int64_t now, int64_t sla_days,
                  struct lf_err *err)
{
    char ext[257];
    struct resp r = {0};
    struct kind k = {{0}};
    struct owner o = {{0}};
    int rc = store_key_of(st, ws, &resource_responses, id, ext, err);
    struct value key = {.s = ext};
    if (rc > 0)
        rc = store_get(st, ws, &resource_responses, &key, resp_row, &r, err);
    if (rc <= 0)
        return rc; /* deleted since */
    key.s = r.survey_ext;
    if ((rc = store_get(st, ws, &resource_surveys, &key, kind_row, &k, err)) <= 0)
        return rc;
    const char *rule = rule_of(k.kind, r.score);
    /* a task belongs to an account: a response without one has nobody to follow it up */
    if (!rule || !r.account_id)
        return 0;
    struct followup f = {.response_id = id,
                         .opened_at = now,
                         .due_date = business_days_after(now, sla_days)};
    snprintf(f.rule, sizeof(f.rule), "%s", rule);
    if ((rc = store_followup_insert(st, ws, &f, err)) <= 0)
        return rc; /* followed up already */
    key.s = r.account_ext;
    if (store_get(st, ws, &resource_accounts, &key, owner_row, &o, err) < 0)
        return -1;
    char title[1024];
    snprintf(title, sizeof(title), "Follow up: %s score %lld from %s (response %s)", k.kind,
             (long long)r.score, r.contact_ext[0] ? r.contact_ext : "an anonymous contact",
             r.ext);
    struct store_row t;
    store_row_init(&t, &resource_tasks, STORE_CREATE);
    store_row_ref(&t, TASK_ACCOUNT, NULL, r.account_id);
    store_row_text(&t, TASK_KIND, "follow-up");
    store_row_text(&t, TASK_TITLE, title);
    if (o.owner[0])
        store_row_text(&t, TASK_OWNER, o.owner);
    store_row_int(&t, TASK_DUE, f.due_date);
    store_row_text(&t, TASK_STATUS, "open");
    store_row_int(&t, TASK_CREATED, now);
    struct store_write_opts wo = {.now = now, .actor = "closed loop"};
    if (store_write(st, ws, &t, 1, &wo, NULL, err) < 0)
        return -1;
    if (t.err.code)
        return err_set(err, LF_EINTERNAL, "the follow-up task of response '%s' was refused: %s",
                       r.ext, t.err.msg);
    return store_followup_set_task(st, ws, f.id, t.id, err) < 0 ? -1 : 1;
}

int lf_surveys_loop(struct lf *lf, int64_t now, size_t *opened, struct lf_err *err)
{
    struct survey_settings cfg;
    struct ids ids = {0};
    struct store *st;
    int64_t ws = lf->w->info.id, seq, events;
    struct lf_survey_settings ensure;
    *opened = 0;
    if (!now)
        now = time_now_ms();
    if (lf_survey_settings_get(lf, &ensure, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    /* inside the write transaction: two loops at once read one position after the other */
    if (store_survey_settings_get(st, ws, &cfg, err) < 0 ||
        store_feed_position(st, ws, &seq, &events, err) < 0 ||
        store_changes_scan(st, ws, cfg.loop_seq, seq, change_row, &ids, err) < 0)
        goto fail;
    for (size_t i = 0; i < ids.nr; i++) {
        int rc = follow(st, ws, ids.v[i], now, cfg.sla_days, err);
        if (rc < 0)
            goto fail;
        *opened += (size_t)rc;
    }
    if (store_survey_loop_seq(st, ws, seq, err) < 0 || core_tx_commit_lf(lf, err) < 0)
        goto fail;
    free(ids.v);
    return 0;
fail:
    core_tx_abort(lf->w->core);
    free(ids.v);
    *opened = 0;
    return -1;
}

static int followup_row(void *ctx, const struct followup *f, struct lf_err *err)
{
    (void)err;
    struct lf_table *t = ctx;
    char when[32];
    size_t r = table_add_row(t);
    table_set_int(t, r, 0, f->id);
    table_set_int(t, r, 1, f->response_id);
    table_set_text(t, r, 2, f->rule);
    time_format_iso(f->opened_at, when);
    table_set_text(t, r, 3, when);
    if (f->due_date != LF_UNSET) {
        time_format_iso(f->due_date, when);
        when[10] = '\0';
        table_set_text(t, r, 4, when);
    }
    if (f->task_id)
        table_set_int(t, r, 5, f->task_id);
    if (f->outcome[0])
        table_set_text(t, r, 6, f->outcome);
    return 0;
}

int lf_survey_followups(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    struct lf_table *t = table_new("survey_followups");
    table_add_column(t, "id", LF_COL_INT);
    table_add_column(t, "response", LF_COL_INT);
    table_add_column(t, "rule", LF_COL_TEXT);
    table_add_column(t, "opened", LF_COL_TEXT);
    table_add_column(t, "due", LF_COL_TEXT);
    table_add_column(t, "task", LF_COL_INT);
    table_add_column(t, "status", LF_COL_TEXT);
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_followups_scan(st, lf->w->info.id, followup_row, t, err) : -1;
    core_read_end(lf, st);
    if (rc < 0) {
        lf_table_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

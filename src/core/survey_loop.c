/* survey_loop.c - the closed loop: a detractor's response opens a follow-up task for the account
 * owner, once per response, found by reading the change log past the loop's own position. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
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

static void ids_add(struct ids *ids, int64_t id)
{
    if (ids->nr == ids->cap) {
        ids->cap = ids->cap ? 2 * ids->cap : 16;
        ids->v = xrealloc(ids->v, ids->cap * sizeof(*ids->v));
    }
    ids->v[ids->nr++] = id;
}

/* The responses written and the tasks changed: new detractors, and follow-ups closed. */
struct changed {
    struct ids responses, tasks;
};

static int change_row(void *ctx, const struct store_change_rec *c, struct lf_err *err)
{
    (void)err;
    struct changed *ch = ctx;
    if (c->op != STORE_INSERTED && c->op != STORE_UPDATED)
        return 0;
    if (c->resource == resource_responses.code)
        ids_add(&ch->responses, c->row_id);
    else if (c->resource == resource_tasks.code && c->op == STORE_UPDATED)
        ids_add(&ch->tasks, c->row_id);
    return 0;
}

static int task_status_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    snprintf(ctx, 16, "%s", v[TASK_STATUS].s ? v[TASK_STATUS].s : "");
    return 0;
}

/* A follow-up's task done or dismissed: the follow-up is closed, its outcome that status. */
static int close_task(struct store *st, int64_t ws, int64_t task_id, int64_t now,
                      struct lf_err *err)
{
    char status[16] = "";
    struct value key = {.i = task_id};
    int rc = store_get(st, ws, &resource_tasks, &key, task_status_row, status, err);
    if (rc <= 0 || (strcmp(status, "done") != 0 && strcmp(status, "dismissed") != 0))
        return rc < 0 ? -1 : 0;
    return store_followup_close(st, ws, task_id, now, status, err) < 0 ? -1 : 0;
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
    struct changed ch = {{0}, {0}};
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
        store_changes_scan(st, ws, cfg.loop_seq, seq, change_row, &ch, err) < 0)
        goto fail;
    for (size_t i = 0; i < ch.responses.nr; i++) {
        int rc = follow(st, ws, ch.responses.v[i], now, cfg.sla_days, err);
        if (rc < 0)
            goto fail;
        *opened += (size_t)rc;
    }
    for (size_t i = 0; i < ch.tasks.nr; i++)
        if (close_task(st, ws, ch.tasks.v[i], now, err) < 0)
            goto fail;
    if (store_survey_loop_seq(st, ws, seq, err) < 0 || core_tx_commit_lf(lf, err) < 0)
        goto fail;
    free(ch.responses.v);
    free(ch.tasks.v);
    return 0;
fail:
    core_tx_abort(lf->w->core);
    free(ch.responses.v);
    free(ch.tasks.v);
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
    if (f->closed_at != LF_UNSET) {
        time_format_iso(f->closed_at, when);
        table_set_text(t, r, 7, when);
    }
    return 0;
}

int lf_survey_followups(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    static const struct lf_column_info cols[] = {{"id", LF_COL_INT},      {"response", LF_COL_INT},
                                                 {"rule", LF_COL_TEXT},   {"opened", LF_COL_TEXT},
                                                 {"due", LF_COL_TEXT},    {"task", LF_COL_INT},
                                                 {"status", LF_COL_TEXT}, {"closed", LF_COL_TEXT}};
    struct lf_table *t = table_new_with("survey_followups", cols, sizeof(cols) / sizeof(*cols));
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_followups_scan(st, lf->w->info.id, followup_row, t, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

/* ---- the recovery report ---- */

struct recovery {
    struct store *st;
    int64_t ws;
    struct {
        char rule[32];
        int64_t opened, closed, again, good, bad;
        double days;
    } v[4];
    size_t nr;
};

static int recovery_row(void *ctx, const struct followup *f, struct lf_err *err)
{
    struct recovery *rc = ctx;
    size_t i = 0;
    while (i < rc->nr && strcmp(rc->v[i].rule, f->rule) != 0)
        i++;
    if (i == rc->nr) {
        if (rc->nr == sizeof(rc->v) / sizeof(*rc->v))
            return 0;
        memset(&rc->v[i], 0, sizeof(rc->v[i]));
        snprintf(rc->v[i].rule, sizeof(rc->v[i].rule), "%s", f->rule);
        rc->nr++;
    }
    rc->v[i].opened++;
    if (f->closed_at != LF_UNSET) {
        rc->v[i].closed++;
        rc->v[i].days += (double)(f->closed_at - f->opened_at) / (double)DAY_MS;
    }
    int64_t score;
    int found = store_response_again(rc->st, rc->ws, f->response_id, &score, err);
    if (found < 0)
        return -1;
    if (found) {
        bool nps = !strcmp(f->rule, "nps_detractor");
        rc->v[i].again++;
        /* NPS: promoters 9-10, detractors 0-6; CSAT: satisfied 4-5, dissatisfied 1-2 */
        rc->v[i].good += nps ? score >= 9 : score >= 4;
        rc->v[i].bad += nps ? score <= 6 : score <= 2;
    }
    return 0;
}

int lf_survey_recovery(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    struct recovery rc = {.ws = lf->w->info.id};
    static const struct lf_column_info cols[] = {{"rule", LF_COL_TEXT},
                                                 {"opened", LF_COL_INT},
                                                 {"closed", LF_COL_INT},
                                                 {"follow_up_rate", LF_COL_PERCENT},
                                                 {"mean_days_to_close", LF_COL_REAL},
                                                 {"answered_again", LF_COL_INT},
                                                 {"score_again", LF_COL_REAL}};
    struct lf_table *t = table_new_with("survey_recovery", cols, sizeof(cols) / sizeof(*cols));
    rc.st = core_read_begin(lf, err);
    int r = rc.st ? store_followups_scan(rc.st, rc.ws, recovery_row, &rc, err) : -1;
    core_read_end(lf, rc.st);
    if (r < 0) {
        lf_table_free(t);
        return -1;
    }
    for (size_t i = 0; i < rc.nr; i++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, 0, rc.v[i].rule);
        table_set_int(t, row, 1, rc.v[i].opened);
        table_set_int(t, row, 2, rc.v[i].closed);
        table_set_real(t, row, 3, 100.0 * (double)rc.v[i].closed / (double)rc.v[i].opened);
        if (rc.v[i].closed)
            table_set_real(t, row, 4, rc.v[i].days / (double)rc.v[i].closed);
        table_set_int(t, row, 5, rc.v[i].again);
        /* the NPS (or net CSAT) of those who answered again: % good − % bad */
        if (rc.v[i].again)
            table_set_real(t, row, 6,
                           100.0 * (double)(rc.v[i].good - rc.v[i].bad) / (double)rc.v[i].again);
    }
    *out = t;
    return 0;
}

/* ---- closing a follow-up from the dashboard ---- */

struct find_followup {
    int64_t id;
    struct followup found;
    bool hit;
};

static int find_row(void *ctx, const struct followup *f, struct lf_err *err)
{
    (void)err;
    struct find_followup *ff = ctx;
    if (f->id == ff->id) {
        ff->found = *f;
        ff->hit = true;
    }
    return 0;
}

int lf_survey_followup_close(struct lf *lf, int64_t id, const char *outcome, const char *note,
                             struct lf_err *err)
{
    struct find_followup ff = {.id = id};
    struct buf body = BUF_INIT;
    char key[32], *json = NULL;
    bool created;
    int ret = -1;
    if (!outcome || (strcmp(outcome, "done") != 0 && strcmp(outcome, "dismissed") != 0))
        return err_set_field(err, "outcome", LF_EINVAL,
                             "'outcome' must be done or dismissed, not '%s'",
                             outcome ? outcome : "");
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_followups_scan(st, lf->w->info.id, find_row, &ff, err) : -1;
    core_read_end(lf, st);
    if (rc < 0)
        return -1;
    if (!ff.hit || !ff.found.task_id)
        return err_set(err, LF_ENOENT, "no follow-up %lld", (long long)id);
    if (ff.found.closed_at != LF_UNSET)
        return err_set(err, LF_ECONFLICT, "follow-up %lld is closed already (%s)", (long long)id,
                       ff.found.outcome);
    /* through the task, as any other close: the loop's hook records the outcome */
    buf_adds(&body, "{\"status\": ");
    buf_add_json_str(&body, outcome, strlen(outcome));
    if (note && *note) {
        buf_adds(&body, ", \"note\": ");
        buf_add_json_str(&body, note, strlen(note));
    }
    buf_addc(&body, '}');
    snprintf(key, sizeof(key), "%lld", (long long)ff.found.task_id);
    if (lf_resource_write(lf, "tasks", key, body.ptr, body.len, LF_WRITE_MERGE, &json, &created,
                          err) < 0)
        goto out;
    ret = 0;
out:
    free(json);
    buf_release(&body);
    return ret;
}

/* survey_loop.c - the closed loop: a response that a rule of the workspace's `rules` (trigger
 * "response": a detractor, a dissatisfied CSAT, a very negative comment) matches opens a
 * follow-up task for the account owner, once per response, found by reading the change log
 * past the loop's own position. The rules are rows, so the playbooks can take them over. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "base/tz.h"
#include "core.h"
#include "report/table.h"
#include "surveys_int.h"

#define RESPONSE_CODE 8 /* resource_responses.code */

struct ids {
    int64_t *v;
    size_t nr, cap;
};

static void ids_add(struct ids *ids, int64_t id)
{
    ids->v = xgrow(ids->v, sizeof(*ids->v), ids->nr + 1, &ids->cap);
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

struct task_end {
    char status[16], note[1024];
};

static int task_status_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct task_end *e = ctx;
    snprintf(e->status, sizeof(e->status), "%s", v[TASK_STATUS].s ? v[TASK_STATUS].s : "");
    snprintf(e->note, sizeof(e->note), "%s",
             !v[TASK_NOTE].null && v[TASK_NOTE].s ? v[TASK_NOTE].s : "");
    return 0;
}

/* A follow-up's task done or dismissed: the follow-up is closed, its outcome that status and
 * the task's note (what the owner learnt). */
int survey_close_task(struct store *st, int64_t ws, int64_t task_id, int64_t now,
                      struct lf_err *err)
{
    struct task_end e = {"", ""};
    struct value key = {.i = task_id};
    int rc = store_get(st, ws, &resource_tasks, &key, task_status_row, &e, err);
    if (rc <= 0 || (strcmp(e.status, "done") != 0 && strcmp(e.status, "dismissed") != 0))
        return rc < 0 ? -1 : 0;
    return store_followup_close(st, ws, task_id, now, e.status, e.note, err) < 0 ? -1 : 0;
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

/* ---- the rules ---- */

/* The built-in rules, seeded into a workspace's `rules` whenever the loop runs (a rule of the
 * same name is left as the workspace changed it). -0.5 for a very negative comment: VADER's
 * "negative" starts at -0.05, which "The setup was a bit annoying" (-0.40) and "I am
 * disappointed" (-0.48) already are, too many to follow up; -0.5 takes a strongly negative word
 * ("horrible", -0.54) or several ("Support was terrible and the billing is a mess, I am
 * furious", -0.77), the comments an owner should hear about even when the score is fine. */
static const struct store_rule builtin_rules[] = {
    {.position = 10,
     .sla_days = LF_UNSET,
     .enabled = true,
     .name = "nps_detractor",
     .trigger = "response",
     .condition = "survey.kind = nps and score <= 6",
     .task_kind = "follow-up",
     .task_title = "Follow up: {kind} score {score} from {contact} (response {response})"},
    {.position = 20,
     .sla_days = LF_UNSET,
     .enabled = true,
     .name = "csat_low",
     .trigger = "response",
     .condition = "survey.kind = csat and score <= 2",
     .task_kind = "follow-up",
     .task_title = "Follow up: {kind} score {score} from {contact} (response {response})"},
    {.position = 30,
     .sla_days = LF_UNSET,
     .enabled = true,
     .name = "negative_comment",
     .trigger = "response",
     .condition = "sentiment <= -0.5",
     .task_kind = "follow-up",
     .task_title = "Follow up: a very negative comment from {contact} ({kind} score {score}, "
                   "response {response})"},
};

static int rule_row(void *ctx, const struct store_rule *r, struct lf_err *err)
{
    (void)err;
    struct survey_rules *rs = ctx;
    if (rs->nr == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 8;
        rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
        rs->cond = xrealloc(rs->cond, rs->cap * sizeof(*rs->cond));
    }
    rs->v[rs->nr++] = *r;
    return 0;
}

void survey_rules_free(struct survey_rules *rs)
{
    free(rs->v);
    free(rs->cond);
}

/* The workspace's rules of trigger "response", the built-in ones seeded, conditions parsed (a
 * rule whose condition does not parse — changed by hand in the store — fails the loop, saying
 * which: better than silently following nobody up). */
int survey_rules_load(struct store *st, int64_t ws, struct survey_rules *rs, struct lf_err *err)
{
    for (size_t i = 0; i < sizeof(builtin_rules) / sizeof(*builtin_rules); i++)
        if (store_rule_seed(st, ws, &builtin_rules[i], err) < 0)
            return -1;
    if (store_rules_scan(st, ws, "response", rule_row, rs, err) < 0)
        return -1;
    for (size_t i = 0; i < rs->nr; i++) {
        struct lf_err why = {0};
        if (rule_cond_parse(rs->v[i].condition, &rs->cond[i], &why) < 0)
            return err_set(err, LF_EINVAL, "rule '%s': %s", rs->v[i].name, why.msg);
    }
    return 0;
}

/* The first local day `n` business days (Monday to Friday) after local day `day` of the
 * workspace's zone. Holidays are not known: they count as business days. */
static int64_t business_days_after(int64_t day, int64_t n)
{
    while (n > 0) {
        day++;
        int64_t wd = ((day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: 0 is Sunday */
        if (wd != 0 && wd != 6)
            n--;
    }
    return day;
}

const struct store_rule *survey_rules_match(const struct survey_rules *rs,
                                            const struct rule_facts *facts)
{
    for (size_t i = 0; i < rs->nr; i++)
        if (rs->v[i].enabled && rule_cond_holds(&rs->cond[i], facts))
            return &rs->v[i];
    return NULL;
}

int64_t survey_due_date(const struct tz *tz, const struct store_rule *rule, int64_t sla_days,
                        int64_t opened)
{
    int64_t sla = rule->sla_days != LF_UNSET ? rule->sla_days : sla_days;
    return tz_day_start(tz, business_days_after(tz_local_day(tz, opened), sla));
}

/* The task's title: the rule's template with {kind}, {score}, {contact}, {response} filled. */
static void title_of(const char *tpl, const char *kind, const struct resp *r, char *out,
                     size_t size)
{
    static const char *const names[] = {"{kind}", "{score}", "{contact}", "{response}"};
    char score[24];
    snprintf(score, sizeof(score), "%lld", (long long)r->score);
    const char *values[] = {kind, score,
                            r->contact_ext[0] ? r->contact_ext : "an anonymous contact", r->ext};
    size_t n = 0;
    out[0] = '\0';
    while (*tpl && n + 1 < size) {
        size_t k = 0;
        while (k < 4 && strncmp(tpl, names[k], strlen(names[k])) != 0)
            k++;
        if (k < 4) {
            n += (size_t)snprintf(out + n, size - n, "%s", values[k]);
            if (n >= size)
                n = size - 1;
            tpl += strlen(names[k]);
        } else {
            out[n++] = *tpl++;
            out[n] = '\0';
        }
    }
}

int survey_follow(struct lf *lf, struct store *st, int64_t ws, const struct survey_rules *rs,
                  int64_t id, int64_t now, int64_t sla_days, int64_t *task_id, struct lf_err *err)
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
    /* a task belongs to an account: a response without one has nobody to follow it up */
    if (!r.account_id)
        return 0;
    /* the comment's sentiment as textstore.c stored it when the response was written, in the
     * same transaction: whichever way the comment came (import, HTTP, link page, reviews) */
    struct rule_facts facts = {.survey_kind = k.kind, .score = (double)r.score};
    if ((rc = store_text_compound(st, ws, STORE_TEXT_RESPONSE, id, &facts.sentiment, err)) < 0)
        return -1;
    facts.has_sentiment = rc == 1;
    const struct store_rule *rule = survey_rules_match(rs, &facts);
    if (!rule)
        return 0;
    struct followup f = {.response_id = id,
                         .opened_at = now,
                         .due_date = survey_due_date(core_tz(lf), rule, sla_days, now)};
    snprintf(f.rule, sizeof(f.rule), "%s", rule->name);
    if ((rc = store_followup_insert(st, ws, &f, err)) <= 0)
        return rc; /* followed up already */
    key.s = r.account_ext;
    if (store_get(st, ws, &resource_accounts, &key, owner_row, &o, err) < 0)
        return -1;
    char title[1024];
    title_of(rule->task_title, k.kind, &r, title, sizeof(title));
    struct store_row t;
    store_row_init(&t, &resource_tasks, STORE_CREATE);
    store_row_ref(&t, TASK_ACCOUNT, NULL, r.account_id);
    store_row_text(&t, TASK_KIND, rule->task_kind);
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
    if (task_id)
        *task_id = t.id;
    return store_followup_set_task(st, ws, f.id, t.id, rule->id, err) < 0 ? -1 : 1;
}

int lf_surveys_loop(struct lf *lf, int64_t now, size_t *opened, struct lf_err *err)
{
    struct survey_settings cfg;
    struct changed ch = {{0}, {0}};
    struct survey_rules rs = {0};
    struct store *st;
    int64_t ws = lf->w->info.id, seq, events;
    *opened = 0;
    if (!now)
        now = time_now_ms();
    if (survey_settings_ensure(lf, &cfg, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    /* inside the write transaction: two loops at once read one position after the other */
    if (store_survey_settings_get(st, ws, &cfg, err) < 0 ||
        store_feed_position(st, ws, &seq, &events, err) < 0 ||
        store_changes_scan(st, ws, cfg.loop_seq, seq, change_row, &ch, err) < 0 ||
        survey_rules_load(st, ws, &rs, err) < 0)
        goto fail;
    for (size_t i = 0; i < ch.responses.nr; i++) {
        int rc = survey_follow(lf, st, ws, &rs, ch.responses.v[i], now, cfg.sla_days, NULL, err);
        if (rc < 0)
            goto fail;
        *opened += (size_t)rc;
    }
    for (size_t i = 0; i < ch.tasks.nr; i++)
        if (survey_close_task(st, ws, ch.tasks.v[i], now, err) < 0)
            goto fail;
    if (store_survey_loop_seq(st, ws, seq, err) < 0 || core_tx_commit_lf(lf, err) < 0)
        goto fail;
    free(ch.responses.v);
    free(ch.tasks.v);
    survey_rules_free(&rs);
    return 0;
fail:
    core_tx_abort(lf->w->core);
    free(ch.responses.v);
    free(ch.tasks.v);
    survey_rules_free(&rs);
    *opened = 0;
    return -1;
}

struct followups {
    struct lf_table *t;
    const struct tz *tz;
};

static int followup_row(void *ctx, const struct followup *f, struct lf_err *err)
{
    (void)err;
    struct followups *fs = ctx;
    struct lf_table *t = fs->t;
    char when[32];
    size_t r = table_add_row(t);
    table_set_int(t, r, 0, f->id);
    table_set_int(t, r, 1, f->response_id);
    table_set_text(t, r, 2, f->rule);
    time_format_iso(f->opened_at, when);
    table_set_text(t, r, 3, when);
    if (f->due_date != LF_UNSET) { /* a date of the workspace's zone */
        char day[16];
        tz_format_period(fs->tz, TZ_DAY, f->due_date, day);
        table_set_text(t, r, 4, day);
    }
    if (f->task_id)
        table_set_int(t, r, 5, f->task_id);
    if (f->outcome[0])
        table_set_text(t, r, 6, f->outcome);
    if (f->closed_at != LF_UNSET) {
        time_format_iso(f->closed_at, when);
        table_set_text(t, r, 7, when);
    }
    if (f->note[0])
        table_set_text(t, r, 8, f->note);
    if (f->account[0])
        table_set_text(t, r, 9, f->account);
    if (f->owner[0])
        table_set_text(t, r, 10, f->owner);
    return 0;
}

int lf_survey_followups(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    static const struct lf_column_info cols[] = {
        {"id", LF_COL_INT},       {"response", LF_COL_INT}, {"rule", LF_COL_TEXT},
        {"opened", LF_COL_TEXT},  {"due", LF_COL_TEXT},     {"task", LF_COL_INT},
        {"status", LF_COL_TEXT},  {"closed", LF_COL_TEXT},  {"note", LF_COL_TEXT},
        {"account", LF_COL_TEXT}, {"owner", LF_COL_TEXT}};
    struct lf_table *t = table_new_with("survey_followups", cols, sizeof(cols) / sizeof(*cols));
    struct followups fs = {t, core_tz(lf)};
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_followups_scan(st, lf->w->info.id, followup_row, &fs, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

/* ---- the recovery report ---- */

struct recovery {
    struct store *st;
    int64_t ws;
    struct {
        char rule[128];
        int64_t opened, closed, again, scored, good, bad;
        double days;
    } v[16];
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
    char kind[16] = "";
    int found = store_response_again(rc->st, rc->ws, f->response_id, &score, kind, err);
    if (found < 0)
        return -1;
    if (found) {
        bool nps = !strcmp(kind, "nps"), csat = !strcmp(kind, "csat");
        rc->v[i].again++;
        /* NPS: promoters 9-10, detractors 0-6; CSAT: satisfied 4-5, dissatisfied 1-2; other
         * kinds (a negative comment on a CES or a review) have no net score to add to */
        if (nps || csat) {
            rc->v[i].scored++;
            rc->v[i].good += nps ? score >= 9 : score >= 4;
            rc->v[i].bad += nps ? score <= 6 : score <= 2;
        }
    }
    return 0;
}

int lf_survey_recovery(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    struct recovery rc = {.ws = lf->w->info.id};
    /* follow_up_rate is a percent, 0..100: a real (LF_COL_PERCENT is a fraction) */
    static const struct lf_column_info cols[] = {{"rule", LF_COL_TEXT},
                                                 {"opened", LF_COL_INT},
                                                 {"closed", LF_COL_INT},
                                                 {"follow_up_rate", LF_COL_REAL},
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
        if (rc.v[i].scored)
            table_set_real(t, row, 6,
                           100.0 * (double)(rc.v[i].good - rc.v[i].bad) / (double)rc.v[i].scored);
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
    /* The loop, which records the outcome, reads what was just committed: run here, the close
     * is whole when this returns (the follower ran it later: a page reading the follow-ups at
     * once still showed this one open, with its close form). As after a link's answer, the task
     * closed stands when the loop fails now: its next run finds the task in the change log. */
    size_t opened;
    struct lf_err ignored = {0};
    lf_surveys_loop(lf, 0, &opened, &ignored);
    ret = 0;
out:
    free(json);
    buf_release(&body);
    return ret;
}

/* ---- the rules, for people ---- */

static int rule_order(const void *a, const void *b)
{
    const struct store_rule *x = a, *y = b;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int lf_survey_rules(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    struct survey_rules rs = {0};
    int64_t ws = lf->w->info.id;
    /* a read: the built-in rules the loop has not seeded yet are shown as it will seed them */
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_rules_scan(st, ws, "response", rule_row, &rs, err) : -1;
    core_read_end(lf, st);
    if (rc < 0) {
        survey_rules_free(&rs);
        return -1;
    }
    size_t stored = rs.nr;
    for (size_t i = 0; i < sizeof(builtin_rules) / sizeof(*builtin_rules); i++) {
        size_t j = 0;
        while (j < stored && strcmp(rs.v[j].name, builtin_rules[i].name) != 0)
            j++;
        if (j == stored)
            rule_row(&rs, &builtin_rules[i], err);
    }
    if (rs.nr)
        qsort(rs.v, rs.nr, sizeof(*rs.v), rule_order);
    struct lf_table *t = table_new("survey_rules");
    table_add_column(t, "name", LF_COL_TEXT);
    table_add_column(t, "trigger", LF_COL_TEXT);
    table_add_column(t, "condition", LF_COL_TEXT);
    table_add_column(t, "action", LF_COL_TEXT);
    table_add_column(t, "sla_days", LF_COL_INT);
    table_add_column(t, "enabled", LF_COL_TEXT);
    for (size_t i = 0; i < rs.nr; i++) {
        char action[64];
        size_t r = table_add_row(t);
        table_set_text(t, r, 0, rs.v[i].name);
        table_set_text(t, r, 1, rs.v[i].trigger);
        table_set_text(t, r, 2, rs.v[i].condition);
        snprintf(action, sizeof(action), "task %s", rs.v[i].task_kind);
        table_set_text(t, r, 3, action);
        if (rs.v[i].sla_days != LF_UNSET)
            table_set_int(t, r, 4, rs.v[i].sla_days);
        table_set_text(t, r, 5, rs.v[i].enabled ? "yes" : "no");
    }
    survey_rules_free(&rs);
    *out = t;
    return 0;
}

int lf_survey_rule_set(struct lf *lf, const char *name, const char *condition, int64_t sla_days,
                       int enabled, struct lf_err *err)
{
    struct survey_rules rs = {0};
    struct rule_cond c;
    struct store *st;
    int64_t ws = lf->w->info.id;
    if (condition && rule_cond_parse(condition, &c, err) < 0)
        return -1;
    if (sla_days < -2 || sla_days > 3660)
        return err_set(err, LF_EINVAL, "an SLA must lie in 0..3660 business days, not %lld",
                       (long long)sla_days);
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (survey_rules_load(st, ws, &rs, err) < 0)
        goto fail;
    size_t i = 0;
    while (i < rs.nr && strcmp(rs.v[i].name, name) != 0)
        i++;
    if (i == rs.nr) {
        err_set(err, LF_ENOENT, "rule '%s' does not exist", name);
        goto fail;
    }
    struct store_rule r = rs.v[i];
    if (condition)
        snprintf(r.condition, sizeof(r.condition), "%s", condition);
    if (sla_days != -1)
        r.sla_days = sla_days == -2 ? LF_UNSET : sla_days;
    if (enabled >= 0)
        r.enabled = enabled != 0;
    if (store_rule_update(st, ws, &r, err) < 0 || core_tx_commit_lf(lf, err) < 0)
        goto fail;
    survey_rules_free(&rs);
    return 0;
fail:
    core_tx_abort(lf->w->core);
    survey_rules_free(&rs);
    return -1;
}

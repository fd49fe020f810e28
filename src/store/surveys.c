/* surveys.c - the rows of surveys landfall sends itself: settings, invitations, skips, follow-ups. */
#include "store_int.h"

#include <string.h>

static void copy_text(char *out, size_t size, const char *s)
{
    snprintf(out, size, "%s", s ? s : "");
}

/* What a scan hands its rows to: the caller's function (of the scan's kind) and context, as
 * sql_each passes them to the row functions below. */
struct sink {
    union {
        store_survey_send_fn send;
        store_survey_skip_fn skip;
        store_followup_fn followup;
        store_survey_rate_fn rate;
        store_rule_fn rule;
    } fn;
    void *ctx;
};

#define SETTINGS_COLUMNS                                                                       \
    "token_key, contact_days, account_max, account_days, quiet_days, link_days, sla_days, "    \
    "smtp_url, mail_from, base_url, loop_seq, trigger_seq, trigger_event"

int store_survey_settings_get(struct store *st, int64_t ws, struct survey_settings *out,
                              struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT " SETTINGS_COLUMNS " FROM survey_settings "
                                   "WHERE workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    int rc = sql_step(st, q, err);
    /* the DEFAULTs of the migrations' survey_settings (009_surveys.sql), which a first use
     * stores: tests/cli/surveys/loop.sh compares them with a stored row on both engines */
    *out = (struct survey_settings){.contact_days = 30, .account_max = 3, .account_days = 30,
                                    .quiet_days = 14, .link_days = 30, .sla_days = 2,
                                    .trigger_seq = -1, .trigger_event = -1};
    if (rc == 1) {
        copy_text(out->token_key, sizeof(out->token_key), sql_text(st, q, 0));
        out->contact_days = sql_int(st, q, 1);
        out->account_max = sql_int(st, q, 2);
        out->account_days = sql_int(st, q, 3);
        out->quiet_days = sql_int(st, q, 4);
        out->link_days = sql_int(st, q, 5);
        out->sla_days = sql_int(st, q, 6);
        copy_text(out->smtp_url, sizeof(out->smtp_url), sql_text(st, q, 7));
        copy_text(out->mail_from, sizeof(out->mail_from), sql_text(st, q, 8));
        copy_text(out->base_url, sizeof(out->base_url), sql_text(st, q, 9));
        out->loop_seq = sql_int(st, q, 10);
        out->trigger_seq = sql_int(st, q, 11);
        out->trigger_event = sql_int(st, q, 12);
    }
    sql_done(st, q);
    return rc;
}

int store_survey_settings_ensure(struct store *st, int64_t ws, const char *token_key,
                                 int64_t loop_seq, struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO survey_settings(workspace_id, token_key, "
                                   "loop_seq, trigger_seq) VALUES (?1, ?2, ?3, ?3) "
                                   "ON CONFLICT DO NOTHING", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, token_key);
    sql_bind_int(st, q, 3, loop_seq);
    return sql_run(st, q, err);
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int store_survey_settings_put(struct store *st, int64_t ws, const struct survey_settings *s,
                              struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE survey_settings SET contact_days = ?2, account_max = "
                                   "?3, account_days = ?4, quiet_days = ?5, link_days = ?6, "
                                   "sla_days = ?7, smtp_url = ?8, mail_from = ?9, base_url = "
                                   "?10, loop_seq = ?11 WHERE workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, s->contact_days);
    sql_bind_int(st, q, 3, s->account_max);
    sql_bind_int(st, q, 4, s->account_days);
    sql_bind_int(st, q, 5, s->quiet_days);
    sql_bind_int(st, q, 6, s->link_days);
    sql_bind_int(st, q, 7, s->sla_days);
    sql_bind_text(st, q, 8, or_null(s->smtp_url));
    sql_bind_text(st, q, 9, or_null(s->mail_from));
    sql_bind_text(st, q, 10, or_null(s->base_url));
    sql_bind_int(st, q, 11, s->loop_seq);
    return sql_run(st, q, err);
}

int store_survey_loop_seq(struct store *st, int64_t ws, int64_t seq, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE survey_settings SET loop_seq = ?2 "
                                   "WHERE workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, seq);
    return sql_run(st, q, err);
}

/* ---- invitations ---- */

#define SEND_COLUMNS                                                                           \
    "id, survey_id, contact_id, account_id, touchpoint_id, channel, reason, status, "          \
    "created_at, expires_at, sent_at, next_attempt_at, answered_at, attempts, response_id, "   \
    "last_error"

static void send_of(struct store *st, struct sql *q, struct survey_send *s)
{
    memset(s, 0, sizeof(*s));
    s->id = sql_id(st, q, 0);
    s->survey_id = sql_id(st, q, 1);
    s->contact_id = sql_id(st, q, 2);
    s->account_id = sql_id(st, q, 3);
    s->touchpoint_id = sql_id(st, q, 4);
    copy_text(s->channel, sizeof(s->channel), sql_text(st, q, 5));
    copy_text(s->reason, sizeof(s->reason), sql_text(st, q, 6));
    copy_text(s->status, sizeof(s->status), sql_text(st, q, 7));
    s->created_at = sql_int(st, q, 8);
    s->expires_at = sql_int(st, q, 9);
    s->sent_at = sql_int(st, q, 10);
    s->next_attempt_at = sql_int(st, q, 11);
    s->answered_at = sql_int(st, q, 12);
    s->attempts = sql_int(st, q, 13);
    s->response_id = sql_id(st, q, 14);
    copy_text(s->last_error, sizeof(s->last_error), sql_text(st, q, 15));
}

int store_survey_send_insert(struct store *st, int64_t ws, struct survey_send *s,
                             struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO survey_sends(workspace_id, survey_id, "
                                   "contact_id, account_id, touchpoint_id, channel, reason, "
                                   "status, created_at, expires_at, sent_at, attempts, "
                                   "next_attempt_at, last_error) VALUES (?1, ?2, ?3, ?4, ?5, "
                                   "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_id(st, q, 2, s->survey_id);
    sql_bind_id(st, q, 3, s->contact_id);
    sql_bind_id(st, q, 4, s->account_id);
    sql_bind_id(st, q, 5, s->touchpoint_id);
    sql_bind_text(st, q, 6, s->channel);
    sql_bind_text(st, q, 7, s->reason);
    sql_bind_text(st, q, 8, s->status);
    sql_bind_int(st, q, 9, s->created_at);
    sql_bind_int(st, q, 10, s->expires_at);
    sql_bind_int(st, q, 11, s->sent_at);
    sql_bind_int(st, q, 12, s->attempts);
    sql_bind_int(st, q, 13, s->next_attempt_at);
    sql_bind_text(st, q, 14, or_null(s->last_error));
    int rc = sql_lookup(st, q, &s->id, err);
    if (rc == 0)
        return err_set(err, LF_ESTORE, "the invitation was not stored");
    return rc < 0 ? -1 : 0;
}

int store_survey_send_get(struct store *st, int64_t ws, int64_t id, struct survey_send *out,
                          struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT " SEND_COLUMNS " FROM survey_sends "
                                   "WHERE workspace_id = ?1 AND id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, id);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        send_of(st, q, out);
    sql_done(st, q);
    return rc;
}

int store_survey_send_update(struct store *st, int64_t ws, const struct survey_send *s,
                             struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE survey_sends SET status = ?3, sent_at = ?4, "
                                   "attempts = ?5, next_attempt_at = ?6, last_error = ?7, "
                                   "response_id = ?8, answered_at = ?9 "
                                   "WHERE workspace_id = ?1 AND id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, s->id);
    sql_bind_text(st, q, 3, s->status);
    sql_bind_int(st, q, 4, s->sent_at);
    sql_bind_int(st, q, 5, s->attempts);
    sql_bind_int(st, q, 6, s->next_attempt_at);
    sql_bind_text(st, q, 7, or_null(s->last_error));
    sql_bind_id(st, q, 8, s->response_id);
    sql_bind_int(st, q, 9, s->answered_at);
    return sql_run(st, q, err);
}

static int send_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct sink *k = arg;
    struct survey_send s;
    send_of(st, q, &s);
    return k->fn.send(k->ctx, &s, err);
}

int store_survey_sends_scan(struct store *st, int64_t ws, int64_t survey_id, const char *status,
                            store_survey_send_fn fn, void *ctx, struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT " SEND_COLUMNS " FROM survey_sends WHERE workspace_id "
                                "= ?1 AND (?2 = 0 OR survey_id = ?2) AND (?3 = '' OR status = "
                                "?3) ORDER BY id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, survey_id);
    sql_bind_text(st, q, 3, status ? status : "");
    return sql_each(st, q, SQL_NEW, send_row, &(struct sink){.fn.send = fn, .ctx = ctx}, err);
}

static int lookup_opt(struct store *st, struct sql *q, int64_t *out, struct lf_err *err)
{
    int rc = sql_step(st, q, err);
    *out = rc == 1 ? sql_int(st, q, 0) : LF_UNSET;
    sql_done(st, q);
    return rc < 0 ? -1 : 0;
}

int store_survey_fatigue(struct store *st, int64_t ws, int64_t contact_id, int64_t account_id,
                         int64_t contact_since, int64_t account_since, int64_t quiet_since,
                         int64_t *contact_last, int64_t *account_nr, int64_t *escalated,
                         struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT max(created_at) FROM survey_sends WHERE workspace_id "
                                   "= ?1 AND contact_id = ?2 AND created_at >= ?3 AND status <> "
                                   "'failed'", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, contact_id);
    sql_bind_int(st, q, 3, contact_since);
    if (lookup_opt(st, q, contact_last, err) < 0)
        return -1;
    *account_nr = 0;
    *escalated = LF_UNSET;
    if (!account_id)
        return 0;
    q = sql_static(st, "SELECT count(*) FROM survey_sends WHERE workspace_id = ?1 AND "
                       "account_id = ?2 AND created_at >= ?3 AND status <> 'failed'", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, account_id);
    sql_bind_int(st, q, 3, account_since);
    if (sql_lookup(st, q, account_nr, err) < 0)
        return -1;
    q = sql_static(st, "SELECT max(ts) FROM touchpoints WHERE workspace_id = ?1 AND account_id "
                       "= ?2 AND ts >= ?3 AND kind = 'escalation'", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, account_id);
    sql_bind_int(st, q, 3, quiet_since);
    return lookup_opt(st, q, escalated, err);
}

/* ---- skips ---- */

int store_survey_skip_insert(struct store *st, int64_t ws, const struct survey_skip *k,
                             struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO survey_skips(workspace_id, survey_id, "
                                   "contact_id, account_id, touchpoint_id, at, reason, detail) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_id(st, q, 2, k->survey_id);
    sql_bind_id(st, q, 3, k->contact_id);
    sql_bind_id(st, q, 4, k->account_id);
    sql_bind_id(st, q, 5, k->touchpoint_id);
    sql_bind_int(st, q, 6, k->at);
    sql_bind_text(st, q, 7, k->reason);
    sql_bind_text(st, q, 8, or_null(k->detail));
    return sql_run(st, q, err);
}

static int skip_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct sink *k = arg;
    struct survey_skip s = {0};
    s.id = sql_id(st, q, 0);
    s.survey_id = sql_id(st, q, 1);
    s.contact_id = sql_id(st, q, 2);
    s.account_id = sql_id(st, q, 3);
    s.touchpoint_id = sql_id(st, q, 4);
    s.at = sql_int(st, q, 5);
    copy_text(s.reason, sizeof(s.reason), sql_text(st, q, 6));
    copy_text(s.detail, sizeof(s.detail), sql_text(st, q, 7));
    copy_text(s.survey_ext, sizeof(s.survey_ext), sql_text(st, q, 8));
    copy_text(s.contact_ext, sizeof(s.contact_ext), sql_text(st, q, 9));
    return k->fn.skip(k->ctx, &s, err);
}

int store_survey_skips_scan(struct store *st, int64_t ws, int64_t contact_id,
                            store_survey_skip_fn fn, void *ctx, struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT k.id, k.survey_id, k.contact_id, k.account_id, "
                                "k.touchpoint_id, k.at, k.reason, k.detail, s.ext_id, c.ext_id "
                                "FROM survey_skips k JOIN surveys s ON s.id = k.survey_id JOIN "
                                "contacts c ON c.id = k.contact_id WHERE k.workspace_id = ?1 AND "
                                "(?2 = 0 OR k.contact_id = ?2) ORDER BY k.id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, contact_id);
    return sql_each(st, q, SQL_NEW, skip_row, &(struct sink){.fn.skip = fn, .ctx = ctx}, err);
}

/* ---- the closed loop ---- */

int store_followup_insert(struct store *st, int64_t ws, struct followup *f, struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO followups(workspace_id, response_id, task_id, "
                                   "rule, opened_at, due_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                   "ON CONFLICT DO NOTHING RETURNING id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, f->response_id);
    sql_bind_id(st, q, 3, f->task_id);
    sql_bind_text(st, q, 4, f->rule);
    sql_bind_int(st, q, 5, f->opened_at);
    sql_bind_int(st, q, 6, f->due_date);
    return sql_lookup(st, q, &f->id, err);
}

static int followup_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct sink *k = arg;
    struct followup f = {0};
    f.id = sql_id(st, q, 0);
    f.response_id = sql_id(st, q, 1);
    f.task_id = sql_id(st, q, 2);
    f.opened_at = sql_int(st, q, 3);
    f.due_date = sql_int(st, q, 4);
    copy_text(f.rule, sizeof(f.rule), sql_text(st, q, 5));
    copy_text(f.outcome, sizeof(f.outcome), sql_text(st, q, 6));
    f.closed_at = sql_int(st, q, 7);
    copy_text(f.note, sizeof(f.note), sql_text(st, q, 8));
    copy_text(f.account, sizeof(f.account), sql_text(st, q, 9));
    copy_text(f.owner, sizeof(f.owner), sql_text(st, q, 10));
    return k->fn.followup(k->ctx, &f, err);
}

int store_followups_scan(struct store *st, int64_t ws, store_followup_fn fn, void *ctx,
                         struct lf_err *err)
{
    /* A follow-up's outcome is its task's status: the task is where the owner works. */
    struct sql *q = sql_new(st,
                            "SELECT f.id, f.response_id, f.task_id, f.opened_at, "
                            "f.due_date, f.rule, COALESCE(f.outcome, t.status), f.closed_at, "
                            "f.note, a.ext_id, t.owner "
                            "FROM followups f LEFT JOIN tasks t ON t.id = f.task_id "
                            "LEFT JOIN accounts a ON a.id = t.account_id WHERE "
                            "f.workspace_id = ?1 ORDER BY f.id",
                            err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_each(st, q, SQL_NEW, followup_row,
                    &(struct sink){.fn.followup = fn, .ctx = ctx}, err);
}

int store_followup_set_task(struct store *st, int64_t ws, int64_t id, int64_t task_id,
                            int64_t rule_id, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE followups SET task_id = ?3 WHERE workspace_id = ?1 "
                                   "AND id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, id);
    sql_bind_id(st, q, 3, task_id);
    if (sql_run(st, q, err) < 0)
        return -1;
    /* rule_id is not a field of the tasks resource (the write path does not know it): the rule
     * that opened a task is the store's to record */
    if (!(q = sql_static(st, "UPDATE tasks SET rule_id = ?3 WHERE workspace_id = ?1 AND id = ?2",
                         err)))
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, task_id);
    sql_bind_id(st, q, 3, rule_id);
    return sql_run(st, q, err);
}

/* ---- rules (the playbooks' table) that the closed loop runs ---- */

static int rule_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct sink *k = arg;
    struct store_rule r = {0};
    r.id = sql_id(st, q, 0);
    copy_text(r.name, sizeof(r.name), sql_text(st, q, 1));
    copy_text(r.trigger, sizeof(r.trigger), sql_text(st, q, 2));
    copy_text(r.condition, sizeof(r.condition), sql_text(st, q, 3));
    copy_text(r.task_kind, sizeof(r.task_kind), sql_text(st, q, 4));
    copy_text(r.task_title, sizeof(r.task_title), sql_text(st, q, 5));
    r.enabled = sql_int(st, q, 6) != 0;
    r.position = sql_int(st, q, 7);
    r.sla_days = sql_int(st, q, 8);
    return k->fn.rule(k->ctx, &r, err);
}

int store_rules_scan(struct store *st, int64_t ws, const char *trigger, store_rule_fn fn,
                     void *ctx, struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT id, name, COALESCE(trigger_kind, ''), condition, "
                                "task_kind, task_title, enabled, position, sla_days FROM rules "
                                "WHERE workspace_id = ?1 AND (?2 = '' OR trigger_kind = ?2) "
                                "ORDER BY position, id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, trigger ? trigger : "");
    return sql_each(st, q, SQL_NEW, rule_row, &(struct sink){.fn.rule = fn, .ctx = ctx}, err);
}

int store_rule_seed(struct store *st, int64_t ws, const struct store_rule *r, struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO rules(workspace_id, name, condition, task_kind, "
                                   "task_title, enabled, trigger_kind, position, sla_days) VALUES "
                                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
                               err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, r->name);
    sql_bind_text(st, q, 3, r->condition);
    sql_bind_text(st, q, 4, r->task_kind);
    sql_bind_text(st, q, 5, r->task_title);
    sql_bind_int(st, q, 6, r->enabled);
    sql_bind_text(st, q, 7, r->trigger);
    sql_bind_int(st, q, 8, r->position);
    sql_bind_int(st, q, 9, r->sla_days);
    int rc = sql_step(st, q, err);
    int64_t n = rc >= 0 ? sql_changes(st, q) : 0;
    sql_done(st, q);
    return rc < 0 ? -1 : n > 0;
}

int store_rule_update(struct store *st, int64_t ws, const struct store_rule *r,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE rules SET condition = ?3, sla_days = ?4, enabled = ?5 "
                                   "WHERE workspace_id = ?1 AND name = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, r->name);
    sql_bind_text(st, q, 3, r->condition);
    sql_bind_int(st, q, 4, r->sla_days);
    sql_bind_int(st, q, 5, r->enabled);
    int rc = sql_step(st, q, err);
    int64_t n = rc >= 0 ? sql_changes(st, q) : 0;
    sql_done(st, q);
    return rc < 0 ? -1 : n > 0;
}

int store_survey_handled(struct store *st, int64_t ws, int64_t survey_id, int64_t contact_id,
                         struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT 1 FROM (SELECT 1 FROM survey_sends WHERE "
                                   "workspace_id = ?1 AND survey_id = ?2 AND contact_id = ?3 "
                                   "UNION ALL SELECT 1 FROM survey_skips WHERE workspace_id = ?1 "
                                   "AND survey_id = ?2 AND contact_id = ?3) x LIMIT 1", err);
    int64_t one;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, survey_id);
    sql_bind_int(st, q, 3, contact_id);
    return sql_lookup(st, q, &one, err);
}

int store_survey_trigger_event(struct store *st, int64_t ws, int64_t event_id, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE survey_settings SET trigger_event = ?2 WHERE "
                                   "workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, event_id);
    return sql_run(st, q, err);
}

int store_key_of(struct store *st, int64_t ws, const struct resource_def *def, int64_t id,
                 char out[257], struct lf_err *err)
{
    char text[160];
    snprintf(text, sizeof(text), "SELECT %s FROM %s WHERE workspace_id = ?1 AND id = ?2",
             sql_key_column(def), def->name);
    struct sql *q = sql_static(st, text, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, id);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        copy_text(out, 257, sql_text(st, q, 0));
    sql_done(st, q);
    return rc;
}

static int rate_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct sink *k = arg;
    return k->fn.rate(k->ctx, sql_text(st, q, 0), sql_text(st, q, 1), sql_text(st, q, 2),
                 sql_int(st, q, 3), sql_int(st, q, 4), sql_int(st, q, 5), err);
}

int store_survey_rates(struct store *st, int64_t ws, const char *survey, store_survey_rate_fn fn,
                       void *ctx, struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT s.ext_id, d.channel, a.segment, "
                                "sum(CASE WHEN d.status IN ('sent', 'answered') THEN 1 ELSE 0 "
                                "END), sum(CASE WHEN d.status = 'answered' THEN 1 ELSE 0 END), "
                                "sum(CASE WHEN d.status IN ('pending', 'failed') THEN 1 ELSE 0 "
                                "END) FROM survey_sends d JOIN surveys s ON s.id = d.survey_id LEFT "
                                "JOIN accounts a ON a.id = d.account_id WHERE d.workspace_id = "
                                "?1 AND (?2 = '' OR s.ext_id = ?2) GROUP BY s.ext_id, d.channel, "
                                "a.segment ORDER BY s.ext_id, d.channel, COALESCE(a.segment, '')",
                            err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, survey ? survey : "");
    return sql_each(st, q, SQL_NEW, rate_row, &(struct sink){.fn.rate = fn, .ctx = ctx}, err);
}

int store_survey_trigger_seq(struct store *st, int64_t ws, int64_t seq, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE survey_settings SET trigger_seq = ?2 "
                                   "WHERE workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, seq);
    return sql_run(st, q, err);
}

int store_survey_sent_for(struct store *st, int64_t ws, int64_t survey_id, int64_t touchpoint_id,
                          struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT 1 FROM (SELECT 1 FROM survey_sends WHERE "
                                   "workspace_id = ?1 AND survey_id = ?2 AND touchpoint_id = ?3 "
                                   "UNION ALL SELECT 1 FROM survey_skips WHERE workspace_id = ?1 "
                                   "AND survey_id = ?2 AND touchpoint_id = ?3) x LIMIT 1", err);
    int64_t one;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, survey_id);
    sql_bind_int(st, q, 3, touchpoint_id);
    return sql_lookup(st, q, &one, err);
}

int store_followup_close(struct store *st, int64_t ws, int64_t task_id, int64_t when,
                         const char *outcome, const char *note, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE followups SET closed_at = ?3, outcome = ?4, note = ?5 "
                                   "WHERE workspace_id = ?1 AND task_id = ?2 AND closed_at IS "
                                   "NULL", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, task_id);
    sql_bind_int(st, q, 3, when);
    sql_bind_text(st, q, 4, outcome);
    sql_bind_text(st, q, 5, note && *note ? note : NULL);
    return sql_changed(st, q, err);
}

int store_response_again(struct store *st, int64_t ws, int64_t response_id, int64_t *score,
                         char kind[16], struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT r2.score, s.kind FROM responses r JOIN responses r2 "
                                   "ON r2.contact_id = r.contact_id AND r2.survey_id = "
                                   "r.survey_id AND r2.ts > r.ts JOIN surveys s ON s.id = "
                                   "r2.survey_id WHERE r.workspace_id = ?1 AND r.id = ?2 "
                                   "ORDER BY r2.ts DESC, r2.id DESC LIMIT 1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, response_id);
    int rc = sql_step(st, q, err);
    if (rc == 1) {
        *score = sql_int(st, q, 0);
        copy_text(kind, 16, sql_text(st, q, 1));
    }
    sql_done(st, q);
    return rc;
}

int store_survey_last_offer(struct store *st, int64_t ws, int64_t survey_id, int64_t contact_id,
                            int64_t *at, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT max(created_at) FROM survey_sends WHERE workspace_id "
                                   "= ?1 AND survey_id = ?2 AND contact_id = ?3 AND status <> "
                                   "'failed'", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, survey_id);
    sql_bind_int(st, q, 3, contact_id);
    if (lookup_opt(st, q, at, err) < 0)
        return -1;
    return *at != LF_UNSET;
}

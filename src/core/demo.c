/* demo.c - lf_demo: refuses a workspace holding data unless told to replace it, then generates
 * the demo business through write transactions of the handle's writer, its recent history with
 * the closed loop the workspace's rules run (opened and closed by the loop's own code), and
 * leaves the loop's position at the end of the change log. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "surveys_int.h"
#include "text/text.h"

struct demo_ctx {
    struct lf *lf;
    struct survey_rules rules;
    int64_t sla_days;
    const struct text_analyzer *analyzer;
    struct text_work *work;
};

static int sink_begin(void *ctx, struct store **st, struct lf_err *err)
{
    return core_tx_begin_lf(((struct demo_ctx *)ctx)->lf, st, err);
}

static int sink_commit(void *ctx, struct lf_err *err)
{
    return core_tx_commit_lf(((struct demo_ctx *)ctx)->lf, err);
}

static void sink_abort(void *ctx)
{
    core_tx_abort(((struct demo_ctx *)ctx)->lf->w->core);
}

/* The loop's rules on the facts of a response not yet stored: the comment's sentiment is what
 * textstore.c will store for it (the same analyzer and call), which the loop then reads. */
static bool sink_follows(void *ctx, const char *survey, int score, const char *comment)
{
    struct demo_ctx *d = ctx;
    struct rule_facts facts = {.survey_kind = survey, .score = (double)score};
    if (comment) {
        struct text_result r;
        struct lf_err bad = {0};
        if (!d->work)
            d->work = text_work_new();
        if (text_analyze(d->analyzer, d->work, comment, strlen(comment), 0, &r, &bad) == 0 &&
            r.scored) {
            facts.has_sentiment = true;
            facts.sentiment = r.sentiment.compound;
        }
    }
    return survey_rules_match(&d->rules, &facts) != NULL;
}

/* Opened as the loop opens it at the response's time; closed as a task is closed through the
 * product (its status and note written, then the loop's close of its follow-up). */
static int sink_followup(void *ctx, struct store *st, const struct demo_followup *f,
                         struct lf_err *err)
{
    struct demo_ctx *d = ctx;
    int64_t ws = d->lf->w->info.id, task = 0;
    int rc = survey_follow(d->lf, st, ws, &d->rules, f->response_id, f->opened_at, d->sla_days,
                           &task, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(err, LF_EINTERNAL,
                       "the demo followed up response %lld, which the loop's rules do not",
                       (long long)f->response_id);
    if (!f->outcome)
        return 0;
    struct store_row t;
    store_row_init(&t, &resource_tasks, STORE_MERGE);
    store_row_int(&t, TASK_ID, task);
    store_row_text(&t, TASK_STATUS, f->outcome);
    if (f->note)
        store_row_text(&t, TASK_NOTE, f->note);
    struct store_write_opts wo = {.now = f->closed_at, .actor = "demo"};
    if (store_write(st, ws, &t, 1, &wo, NULL, err) < 0)
        return -1;
    if (t.err.code)
        return err_set(err, LF_EINTERNAL, "closing the demo's task %lld was refused: %s",
                       (long long)task, t.err.msg);
    return survey_close_task(st, ws, task, f->closed_at, err);
}

/* The rules seeded and read, the settings' SLA: what the loop would run with. */
static int loop_prepare(struct demo_ctx *d, struct lf_err *err)
{
    struct survey_settings cfg;
    struct store *st;
    if (survey_settings_ensure(d->lf, &cfg, err) < 0 || core_text_builtin(&d->analyzer, err) < 0 ||
        core_tx_begin_lf(d->lf, &st, err) < 0)
        return -1;
    d->sla_days = cfg.sla_days;
    if (survey_rules_load(st, d->lf->w->info.id, &d->rules, err) < 0 ||
        core_tx_commit_lf(d->lf, err) < 0) {
        core_tx_abort(d->lf->w->core);
        return -1;
    }
    return 0;
}

/* As if the loop had run all along: its position at the end of the change log. The triggers'
 * too: they start where the log ended when surveys were first used, which the demo's history
 * does not hold (they would otherwise read every touchpoint the demo wrote, and a --replace
 * left them, and the loop, before the new business). */
static int loop_caught_up(struct lf *lf, struct lf_err *err)
{
    struct store *st;
    int64_t seq, events;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (store_feed_position(st, lf->w->info.id, &seq, &events, err) < 0 ||
        store_survey_loop_seq(st, lf->w->info.id, seq, err) < 0 ||
        store_survey_trigger_seq(st, lf->w->info.id, seq, err) < 0 ||
        core_tx_commit_lf(lf, err) < 0) {
        core_tx_abort(lf->w->core);
        return -1;
    }
    return 0;
}

int lf_demo(struct lf *lf, const struct lf_demo_opts *opts, struct lf_demo_result *out,
            struct lf_err *err)
{
    struct lf_demo_opts o = *opts;
    struct store_counts c;
    struct store *st;
    if (demo_opts_resolve(&o, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (store_counts(st, lf->w->info.id, &c, err) < 0)
        goto fail;
    int64_t rows =
        c.accounts + c.contacts + c.mrr_changes + c.orders + c.events + c.touchpoints + c.responses;
    if (rows > 0 && !o.replace) {
        err_set(err, LF_EUSAGE,
                "the store already holds data (%lld accounts, %lld events); use --replace to "
                "delete it and generate the demo",
                (long long)c.accounts, (long long)c.events);
        goto fail;
    }
    if (rows > 0 && store_workspace_clear(st, lf->w->info.id, err) < 0)
        goto fail;
    if (core_tx_commit_lf(lf, err) < 0)
        return -1;
    struct demo_ctx d = {.lf = lf};
    struct demo_sink sink = {sink_begin, sink_commit, sink_abort, sink_follows, sink_followup, &d};
    int ret = loop_prepare(&d, err) < 0 || demo_generate(&sink, lf->w->info.id, &o, out, err) < 0 ||
                      loop_caught_up(lf, err) < 0
                  ? -1
                  : 0;
    survey_rules_free(&d.rules);
    text_work_free(d.work);
    return ret;
fail:
    core_tx_abort(lf->w->core);
    return -1;
}

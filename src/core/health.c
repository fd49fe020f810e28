/* health.c - the health writes of the library: a scorecard applied from its JSON (a new version
 * when it changed), retired, and the daily snapshot of every customer's score into the history. */
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/progress.h"
#include "base/time.h"
#include "core.h"
#include "cs/health.h"

struct latest {
    const char *name;
    int64_t version;
    bool retired;
    char *definition;
};

static int on_version(void *ctx, const struct store_scorecard *s, struct lf_err *err)
{
    (void)err;
    struct latest *l = ctx;
    if (strcmp(s->name, l->name) != 0 || s->version < l->version)
        return 0;
    l->version = s->version;
    l->retired = s->retired_at != LF_UNSET;
    free(l->definition);
    l->definition = xstrdup(s->definition);
    return 0;
}

int lf_health_scorecard_apply(struct lf *lf, const char *json, char name[64], int64_t *version,
                              bool *changed, struct lf_err *err)
{
    struct health_scorecard sc;
    struct store *st;
    *changed = false;
    if (health_scorecard_parse(json, &sc, err) < 0)
        return -1;
    memcpy(name, sc.name, sizeof(sc.name));
    char *def = health_scorecard_json(&sc);
    struct latest l = {.name = sc.name};
    int ret = -1;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        goto out;
    if (store_scorecards_scan(st, lf->w->info.id, on_version, &l, err) < 0) {
        core_tx_abort(lf->w->core);
        goto out;
    }
    /* the same definition again changes nothing: applying a file twice is harmless */
    if (l.version > 0 && !l.retired && strcmp(l.definition, def) == 0) {
        core_tx_abort(lf->w->core);
        *version = l.version;
        ret = 0;
        goto out;
    }
    struct store_scorecard row = {.name = sc.name,
                                  .version = l.version + 1,
                                  .segment = sc.segment[0] ? sc.segment : NULL,
                                  .plan = sc.plan[0] ? sc.plan : NULL,
                                  .definition = def,
                                  .created_at = time_now_ms()};
    if (store_scorecard_insert(st, lf->w->info.id, &row, err) < 0) {
        core_tx_abort(lf->w->core);
        goto out;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto out;
    *version = row.version;
    *changed = true;
    ret = 0;
out:
    free(l.definition);
    free(def);
    return ret;
}

int lf_health_scorecard_retire(struct lf *lf, const char *name, struct lf_err *err)
{
    struct store *st;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int rc = store_scorecard_retire(st, lf->w->info.id, name, time_now_ms(), err);
    if (rc <= 0) {
        core_tx_abort(lf->w->core);
        return rc < 0 ? -1
                      : err_set_field(err, "name", LF_ENOENT, "no scorecard '%s' in force", name);
    }
    return core_tx_commit_lf(lf, err);
}

/* The parts of a score as the history keeps them: {"measure": [value, points, weight]…}. */
static char *components(const struct health_score *hs)
{
    struct buf b = BUF_INIT;
    buf_addc(&b, '{');
    for (size_t k = 0, n = 0; k < hs->total; k++) {
        const struct health_part *p = &hs->parts[k];
        if (isnan(p->points))
            continue;
        buf_addf(&b, "%s\"%s\": [%.6g, %.6g, %.6g]", n++ ? ", " : "",
                 health_measures_defs[p->measure].name, p->value, p->points, p->weight);
    }
    buf_addc(&b, '}');
    return buf_detach(&b);
}

int lf_health_snapshot(struct lf *lf, int64_t day, size_t *scored, struct lf_err *err)
{
    const struct tz *tz;
    struct health_set s = {0};
    struct health_cards cards = {0};
    struct store_health_score *rows = NULL;
    char **comps = NULL;
    size_t n = 0;
    int ret = -1;
    struct store *st = core_read_begin(lf, err);
    struct engine *e = NULL;
    if (!st)
        return -1;
    /* the scores of a day are the state at its local start: only what came before it */
    tz = core_tz(lf);
    int64_t at = tz_day_start(tz, tz_local_day(tz, day == 0 ? time_now_ms() : day));
    if (core_feed_publish(lf->w, st, err) < 0 || core_engine(lf, st, &e, err) < 0 ||
        health_cards_load(st, lf->w->info.id, &cards, err) < 0 ||
        health_measures(st, e, lf->w->info.id, 0, tz, at, &s, err) < 0) {
        core_read_end(lf, st);
        goto out;
    }
    core_read_end(lf, st);
    rows = xcalloc(s.nr ? s.nr : 1, sizeof(*rows));
    comps = xcalloc(s.nr ? s.nr : 1, sizeof(*comps));
    for (size_t i = 0; i < s.nr; i++) {
        const struct health_scorecard *sc = health_cards_pick(&cards, &s.rows[i]);
        struct health_score hs;
        health_score(sc, &s.rows[i], &hs);
        if (hs.score < 0)
            continue; /* no score is no row, never a made-up one */
        comps[n] = components(&hs);
        rows[n] = (struct store_health_score){.account_id = s.rows[i].account_id,
                                              .score = hs.score,
                                              .band = hs.band,
                                              .scorecard = sc->name,
                                              .version = sc->version,
                                              .measures_used = (int64_t)hs.used,
                                              .measures_total = (int64_t)hs.total,
                                              .components = comps[n]};
        n++;
    }
    /* stored days are UTC midnights of the local date, as other stored dates */
    int64_t stored_day = tz_local_day(tz, at) * MS_PER_DAY;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        goto out;
    if (store_health_day_put(st, lf->w->info.id, stored_day, rows, n, err) < 0) {
        core_tx_abort(lf->w->core);
        goto out;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto out;
    if (scored)
        *scored = n;
    ret = 0;
out:
    for (size_t i = 0; comps && i < n; i++)
        free(comps[i]);
    free(comps);
    free(rows);
    health_cards_release(&cards);
    health_set_release(&s);
    return ret;
}

int lf_health_backfill(struct lf *lf, int64_t from, int64_t to, bool progress, size_t *days,
                       size_t *scored, struct lf_err *err)
{
    const struct tz *tz = core_tz(lf);
    int64_t first = tz_local_day(tz, from), last = tz_local_day(tz, to ? to : time_now_ms());
    size_t n, total = 0;
    struct progress bar;
    if (last < first)
        return err_set_field(err, "from", LF_EINVAL, "the first day is after the last");
    if (last - first >= LF_HEALTH_BACKFILL_MAX_DAYS)
        return err_set_field(err, "from", LF_EINVAL, "%lld days: at most %d at once",
                             (long long)(last - first + 1), LF_HEALTH_BACKFILL_MAX_DAYS);
    progress_init(&bar, "health history", (uint64_t)(last - first + 1), progress);
    for (int64_t d = first; d <= last; d++) {
        if (lf_health_snapshot(lf, tz_day_start(tz, d), &n, err) < 0) {
            progress_finish(&bar);
            return -1;
        }
        total += n;
        progress_update(&bar, (uint64_t)(d - first + 1));
    }
    progress_finish(&bar);
    if (days)
        *days = (size_t)(last - first + 1);
    if (scored)
        *scored = total;
    return 0;
}

/* ---- the server's daily snapshot ---- */

struct lf_health_daily {
    struct lf *lf;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

/* Writes today's scores unless the history holds them already. */
static int daily_once(struct lf *lf, struct lf_err *err)
{
    const struct tz *tz = core_tz(lf);
    int64_t today = tz_local_day(tz, time_now_ms()), last;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    int rc = store_health_last_day(st, lf->w->info.id, (today + 1) * MS_PER_DAY, &last, err);
    core_read_end(lf, st);
    if (rc < 0)
        return -1;
    if (rc == 1 && last == today * MS_PER_DAY)
        return 0;
    return lf_health_snapshot(lf, 0, NULL, err);
}

static void *daily(void *arg)
{
    struct lf_health_daily *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stop) {
        /* checked every hour, so a day starts being scored within an hour of its start */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 3600;
        pthread_cond_timedwait(&d->cv, &d->mu, &until);
        if (d->stop)
            break;
        pthread_mutex_unlock(&d->mu);
        struct lf_err ignored = {0}; /* a failed day is tried again at the next check */
        daily_once(d->lf, &ignored);
        pthread_mutex_lock(&d->mu);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

int lf_health_daily_start(struct lf *lf, struct lf_health_daily **out, struct lf_err *err)
{
    *out = NULL;
    if (daily_once(lf, err) < 0)
        return -1;
    struct lf_health_daily *d = xcalloc(1, sizeof(*d));
    d->lf = lf;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    if (pthread_create(&d->thread, NULL, daily, d) != 0) {
        pthread_mutex_destroy(&d->mu);
        pthread_cond_destroy(&d->cv);
        free(d);
        return err_set(err, LF_EINTERNAL, "cannot start the daily health snapshot's thread");
    }
    *out = d;
    return 0;
}

void lf_health_daily_stop(struct lf_health_daily *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stop = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    free(d);
}

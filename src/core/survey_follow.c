/* survey_follow.c - the surveys' part of a running server: a thread that, woken by the change
 * feed when responses, touchpoints, tasks or events changed, runs the closed loop (follow-ups
 * opened and closed) and the triggers (touchpoints, milestones), and every hour for the
 * periodic surveys. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "core.h"

struct lf_survey_follower {
    struct lf *lf;
    int sub;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool pending, stop;
    struct lf_err last; /* the last run's failure, kept for whoever asks; the next batch retries
                         * (a run that fails advances no position) */
};

/* On the publishing thread: only a flag and a signal (the feed's subscribers may not write). */
static void on_batch(void *ctx, const struct lf_feed_batch *b)
{
    struct lf_survey_follower *f = ctx;
    bool wanted = false;
    for (size_t i = 0; i < b->nr && !wanted; i++)
        wanted = !strcmp(b->changes[i].resource, resource_responses.name) ||
                 !strcmp(b->changes[i].resource, resource_touchpoints.name) ||
                 !strcmp(b->changes[i].resource, resource_tasks.name) ||
                 !strcmp(b->changes[i].resource, resource_events.name);
    if (!wanted)
        return;
    pthread_mutex_lock(&f->mu);
    f->pending = true;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void *run(void *arg)
{
    struct lf_survey_follower *f = arg;
    pthread_mutex_lock(&f->mu);
    for (;;) {
        /* periodic surveys fall due with time, not with changes: an hourly run finds them */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 3600;
        while (!f->pending && !f->stop)
            if (pthread_cond_timedwait(&f->cv, &f->mu, &until) == ETIMEDOUT)
                f->pending = true;
        if (f->stop)
            break;
        f->pending = false;
        pthread_mutex_unlock(&f->mu);
        struct lf_err err = {0};
        size_t opened, sent, skipped;
        int rc = lf_surveys_loop(f->lf, 0, &opened, &err);
        if (rc == 0)
            rc = lf_surveys_trigger(f->lf, 0, &sent, &skipped, &err);
        pthread_mutex_lock(&f->mu);
        if (rc < 0)
            f->last = err;
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

int lf_survey_follow(struct lf *lf, struct lf_survey_follower **out, struct lf_err *err)
{
    struct lf_survey_follower *f = xcalloc(1, sizeof(*f));
    f->lf = lf;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        free(f);
        return err_set(err, LF_EINTERNAL, "cannot start the surveys' thread");
    }
    f->sub = lf_subscribe(lf, on_batch, f);
    *out = f;
    return 0;
}

void lf_survey_follower_free(struct lf_survey_follower *f)
{
    if (!f)
        return;
    lf_unsubscribe(f->lf, f->sub);
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}

/* demo_loop.c - the closed loop in the demo's recent history: the responses the workspace's
 * rules follow up (asked of the product's own rules through the sink, so the demo follows up
 * what the loop would), and when and how the account's owner works each task (docs/demo-data.md
 * "The closed loop"). */
#include "demo_int.h"

#include <math.h>

#include "base/mem.h"
#include "model/model.h"

static const char *const survey_kind[3] = {
    [SURVEY_NPS] = "nps", [SURVEY_CSAT] = "csat", [SURVEY_CES] = "ces"};

/* Left alone for good: more often by the owners who check in on fewer accounts. */
#define FORGET 0.02
#define FORGET_SLOW 0.06
#define DISMISS 0.10 /* dismissed rather than followed up */
#define DELAY 0.6    /* median days to a follow-up, times 1 / sqrt(the owner's proactiveness) */

static bool weekend(int64_t day)
{
    int64_t wd = ((day / MS_PER_DAY + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: 0 Sunday */
    return wd == 0 || wd == 6;
}

/* When an owner of proactiveness `speed` works a follow-up opened at `opened` of an account
 * `tz_minutes` from UTC: a lognormal number of days later (median DELAY / sqrt(speed): from
 * 0.63 days for the most proactive owner to 1.55 for the least), on the next weekday, in the
 * account's business hours. Every draw is taken, whatever the fate, so fates do not shift
 * the draws of the follow-ups after. */
static void schedule(struct sim_followup *f, struct rng *r, int64_t opened, int tz_minutes,
                     double speed)
{
    double u = rng_uniform(r);
    double days = demo_lognormal(r, DELAY / sqrt(speed), 0.9);
    int64_t minute = demo_between(r, 9 * 60, 17 * 60), soon = demo_between(r, 60, 240);
    int64_t local = (int64_t)tz_minutes * 60 * MS_PER_SEC;
    int64_t day = time_day_start(opened + local) + (int64_t)floor(days) * MS_PER_DAY;
    while (weekend(day))
        day += MS_PER_DAY;
    int64_t t = day + minute * 60 * MS_PER_SEC - local;
    if (t <= opened) /* the same day, after it came */
        t = opened + soon * 60 * MS_PER_SEC;
    double forget = FORGET + FORGET_SLOW * (1.0 - speed);
    f->work_at = u < forget ? INT64_MAX : t;
    f->dismiss = u >= forget && u < forget + DISMISS;
}

void loop_open(struct sim_account *a, const struct demo_loop *l, struct rng *r, size_t *seen,
               double speed)
{
    for (; *seen < a->resps_nr; (*seen)++) {
        const struct sim_response *s = &a->resps[*seen];
        if (s->ts < l->start ||
            !l->follows(l->ctx, survey_kind[s->survey], s->score, sim_str(a, s->comment)))
            continue;
        a->fus = xgrow(a->fus, sizeof(*a->fus), a->fus_nr + 1, &a->fus_cap);
        struct sim_followup *f = &a->fus[a->fus_nr++];
        *f = (struct sim_followup){.resp = (int)*seen};
        schedule(f, r, s->ts, a->tz_minutes, speed);
    }
}

void loop_consumer(struct sim_account *a, const struct demo_loop *l, struct rng *r, int64_t end)
{
    size_t seen = 0;
    loop_open(a, l, r, &seen, 0.6);
    for (size_t i = 0; i < a->fus_nr; i++) {
        struct sim_followup *f = &a->fus[i];
        if (f->work_at >= end)
            continue;
        f->worked = true;
        f->closed_at = f->work_at;
        if (f->dismiss) {
            f->note = "Dismissed: the order was sorted out by support already";
            continue;
        }
        f->note = "Follow-up e-mail: apologised and offered a discount on the next order";
        int tp = sim_add_touchpoint(a, f->work_at, a->resps[f->resp].contact, "email", "purchase",
                                    "support", "follow-up");
        a->tps[tp].text = sim_textf(a, "%s", f->note);
    }
}

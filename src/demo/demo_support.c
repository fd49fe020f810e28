/* demo_support.c - support tickets: arrival rising as engagement falls, resolution times, tickets
 * nobody resolves, and the CSAT a resolved ticket may get. */
#include "demo_int.h"

#include <math.h>

#include "base/mem.h"
#include "model/model.h"

static int pick_topic(struct b2b *b)
{
    bool onboarding = b->onboarding != ONB_DONE;
    double w[TOPIC_NR] = {0};
    w[TOPIC_EXPORT] = b->plan >= PLAN_GROWTH ? 1.5 * b->issue : 0.3 * b->issue;
    w[TOPIC_INTEGRATION] = b->plan >= PLAN_GROWTH ? 1.0 : 0.0;
    w[TOPIC_LOGIN] = b->plan == PLAN_ENTERPRISE ? 1.8 : 0.8;
    w[TOPIC_BILLING] = 0.8;
    w[TOPIC_PERFORMANCE] = 1.0 * b->issue;
    w[TOPIC_BUG] = 1.5 * b->issue;
    w[TOPIC_HOWTO] = onboarding ? 5.0 : 2.0;
    return rng_pick(b->r, w, TOPIC_NR);
}

static int reporter(struct b2b *b, int64_t t)
{
    struct sim_account *a = b->a;
    if (b->champion >= 0 && a->contacts[b->champion].created_at <= t && rng_bernoulli(b->r, 0.4))
        return b->champion;
    for (int tries = 0; tries < 8; tries++) {
        int i = (int)rng_range(b->r, 0, (int64_t)a->contacts_nr - 1);
        const struct sim_contact *c = &a->contacts[i];
        if (c->created_at <= t && (!c->left_at || c->left_at > t))
            return i;
    }
    return b->champion;
}

static void csat(struct b2b *b, int tp, int topic, double hours, int64_t resolved)
{
    struct rng *r = b->r;
    struct sim_account *a = b->a;
    int64_t ts = resolved + demo_between(r, 10 * 60, 2 * 24 * 3600) * MS_PER_SEC;
    if (ts >= b->end)
        return;
    double x = 4.9 - 0.55 * log(1.0 + hours / 4.0) + rng_normal(r, 0.0, 0.6);
    if (topic == TOPIC_BUG || topic == TOPIC_EXPORT)
        x -= 0.3;
    int score = demo_score(x, 1, 5);
    int i = sim_add_response(a, ts, a->tps[tp].contact, SURVEY_CSAT, score);
    a->resps[i].touchpoint = tp;
    if (rng_bernoulli(r, 0.5)) {
        size_t start = a->text.len;
        demo_text_csat(r, score, topic, &a->text);
        a->resps[i].comment = sim_text_end(a, start);
    }
    if (score <= 2)
        b->bad_csat_at = ts;
}

/* Opens a ticket on `topic` at ts: its resolution (or none), its touchpoint, maybe a CSAT. */
static void ticket(struct b2b *b, int64_t ts, int topic)
{
    struct rng *r = b->r;
    struct sim_account *a = b->a;
    const struct demo_plan *pl = &demo_plans[b->plan];
    bool hard = topic == TOPIC_BUG || topic == TOPIC_EXPORT || topic == TOPIC_INTEGRATION ||
                topic == TOPIC_PERFORMANCE;
    double p_never = 0.04 + (hard ? 0.08 * fmin(b->issue, 2.0) : 0.0);
    double scale = topic == TOPIC_HOWTO || topic == TOPIC_OFFBOARDING ? 0.5
                   : topic == TOPIC_BILLING                          ? 0.8
                   : hard                                            ? 1.6
                                                                     : 1.0;
    double hours = demo_lognormal(r, pl->resolve_hours * scale, 1.1);
    int64_t resolved =
        rng_bernoulli(r, p_never) ? INT64_MAX : ts + (int64_t)(hours * (double)HOUR_MS);
    static const char *const channels[] = {"chat", "email", "phone"};
    double cw[3] = {0.45, 0.40, b->plan == PLAN_ENTERPRISE ? 0.35 : 0.15};
    const char *stage = b->onboarding == ONB_RUNNING                          ? "onboarding"
                        : topic == TOPIC_BILLING || topic == TOPIC_OFFBOARDING ? "renewal"
                                                                               : "adoption";
    int tp = sim_add_touchpoint(a, ts, reporter(b, ts), channels[rng_pick(r, cw, 3)], stage,
                                topic == TOPIC_BILLING ? "billing" : "support", "ticket");
    struct sim_touchpoint *t = &a->tps[tp];
    size_t start = a->text.len;
    demo_text_ticket(r, topic, &a->text);
    t->text = sim_text_end(a, start);
    t->attrs = sim_textf(a, "{\"topic\":\"%s\"}", demo_topic_name(topic));
    if (resolved < b->end) {
        t->status = "resolved";
        t->duration = floor(hours * 60.0 + 0.5);
    } else {
        t->status = "open";
    }
    b->tickets = xgrow(b->tickets, sizeof(*b->tickets), b->tickets_nr + 1, &b->tickets_cap);
    b->tickets[b->tickets_nr++] =
        (struct ticket){.ts = ts, .resolved = resolved, .topic = topic, .tp = tp};
    if (resolved < b->end && rng_bernoulli(r, 0.45))
        csat(b, tp, topic, hours, resolved);
}

void support_week(struct b2b *b, int64_t from, int64_t to)
{
    double lambda = 0.03 * sqrt(b->users + 1.0) * (0.4 + 1.6 * (1.0 - b->e)) * b->issue *
                    (b->onboarding == ONB_RUNNING ? 1.5 : 1.0);
    int n = rng_poisson(b->r, lambda);
    for (int k = 0; k < n; k++) {
        int64_t ts = demo_between(b->r, from, to);
        ticket(b, ts, pick_topic(b));
    }
}

void support_offboarding(struct b2b *b, int64_t t)
{
    if (t < b->end)
        ticket(b, t, TOPIC_OFFBOARDING);
}

int support_open_old(const struct b2b *b, int64_t t)
{
    int n = 0;
    for (size_t i = 0; i < b->tickets_nr; i++)
        if (b->tickets[i].ts <= t - 14 * MS_PER_DAY && b->tickets[i].resolved > t)
            n++;
    return n;
}

int support_open_topic(const struct b2b *b, int64_t t)
{
    for (size_t i = 0; i < b->tickets_nr; i++)
        if (b->tickets[i].ts <= t && b->tickets[i].resolved > t)
            return b->tickets[i].topic;
    return -1;
}

void support_escalate(struct b2b *b, int64_t t)
{
    for (size_t i = 0; i < b->tickets_nr; i++) {
        struct ticket *k = &b->tickets[i];
        if (k->ts > t || k->resolved <= t)
            continue;
        k->resolved = t + demo_between(b->r, 4, 72) * HOUR_MS;
        if (k->resolved < b->end) {
            struct sim_touchpoint *tp = &b->a->tps[k->tp];
            tp->status = "resolved";
            tp->duration = (double)((k->resolved - k->ts) / (60 * MS_PER_SEC));
        }
        return;
    }
}

/* demo_usage.c - product usage: feature adoption curves per plan and the week's events per user. */
#include "demo_int.h"

void usage_adopt(struct b2b *b)
{
    bool slowed = b->onboarding == ONB_STALLED || (b->will_stall && b->onboarding == ONB_RUNNING);
    for (int f = 0; f < FEAT_NR; f++) {
        const struct demo_feature *ft = &demo_features[f];
        if (b->adopted[f] || ft->tier > b->plan)
            continue;
        /* Every account creates a project first; the rest follows engagement. */
        double p = f == FEAT_PROJECT ? 1.0 : ft->adopt * (0.2 + b->e) * (slowed ? 0.35 : 1.0);
        if (rng_bernoulli(b->r, p))
            b->adopted[f] = true;
    }
}

static int pick_feature(struct b2b *b)
{
    double w[FEAT_NR];
    for (int f = 0; f < FEAT_NR; f++)
        w[f] = b->adopted[f] ? demo_features[f].weight : 0.0;
    return rng_pick(b->r, w, FEAT_NR);
}

/* A working day's moment in the account's business hours, as UTC ms. */
static int64_t work_moment(struct b2b *b, int64_t from, int64_t to)
{
    int64_t day = time_day_start(demo_between(b->r, from, to));
    int64_t dow = (day / MS_PER_DAY + 3) % 7; /* 1970-01-01 was a Thursday: 0 = Monday */
    if (dow >= 5 && rng_bernoulli(b->r, 0.9))
        day -= (dow - 4) * MS_PER_DAY;
    int64_t local = (8 * 60 + 30 + demo_between(b->r, 0, 9 * 60)) * 60 * MS_PER_SEC;
    return day + local - (int64_t)b->a->tz_minutes * 60 * MS_PER_SEC +
           demo_between(b->r, 0, 60) * MS_PER_SEC;
}

void usage_week(struct b2b *b, int64_t from, int64_t to)
{
    struct sim_account *a = b->a;
    struct rng *r = b->r;
    double crowd = b->users > b->seats ? (double)b->seats / b->users : 1.0;
    for (size_t i = 0; i < a->contacts_nr; i++) {
        struct sim_contact *c = &a->contacts[i];
        int64_t until = c->left_at && c->left_at < to ? c->left_at : to;
        if (c->created_at >= until || until <= from)
            continue;
        double p = c->activity * (0.045 + 0.5 * b->e) * crowd;
        /* The champion of an account that has decided to leave goes quiet first. */
        if (b->decided_at && (int)i == b->champion)
            p *= 0.3;
        if (!rng_bernoulli(r, p < 0.97 ? p : 0.97))
            continue;
        int days = 1 + demo_binomial(r, 2, 0.55 * b->e);
        for (int d = 0; d < days; d++) {
            int64_t ts = work_moment(b, from, until);
            int n = 1 + rng_poisson(r, 0.9 * b->e);
            for (int k = 0; k < n; k++) {
                ts += demo_between(r, 1, 20 * 60) * MS_PER_SEC;
                if (ts < from || ts >= until || ts < c->created_at)
                    break;
                int f = pick_feature(b);
                sim_add_event(a, ts, (int)i, f, f == FEAT_API ? 1 + rng_poisson(r, 40.0) : -1);
                c->last_active = ts;
            }
        }
    }
}

int usage_active_users(const struct b2b *b, int64_t t)
{
    int n = 0;
    for (size_t i = 0; i < b->a->contacts_nr; i++) {
        const struct sim_contact *c = &b->a->contacts[i];
        if (c->last_active && c->last_active < t && t - c->last_active <= 28 * MS_PER_DAY)
            n++;
    }
    return n;
}

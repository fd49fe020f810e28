/* demo_b2b.c - one B2B account's life week by week: signup, staffing, latent engagement, the
 * champion, billing (the churn hazard, expansion, contraction) and reactivation. */
#include "demo_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void b2b_init(struct b2b *b)
{
    memset(b, 0, sizeof(*b));
}

void b2b_release(struct b2b *b)
{
    free(b->hist);
    free(b->tickets);
    b2b_init(b);
}

double b2b_engagement(const struct b2b *b, size_t from, size_t to)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = from; i < to && i < b->hist_nr; i++, n++)
        sum += b->hist[b->hist_nr - 1 - i];
    return n ? sum / (double)n : b->e;
}

int b2b_add_person(struct b2b *b, const char *role, int64_t at, double activity)
{
    struct sim_account *a = b->a;
    int i = sim_add_contact(a, role, at, activity);
    /* Walking both name lists with strides gives distinct names for the first 1,600 people. */
    const char *first = demo_first_names[(a->name_a + i * a->name_sa) % DEMO_NAMES_NR];
    const char *last =
        demo_last_names[(a->name_b + i * a->name_sb + i / DEMO_NAMES_NR) % DEMO_NAMES_NR];
    int round = i / (DEMO_NAMES_NR * DEMO_NAMES_NR);
    char tag[16] = "";
    if (round > 0)
        snprintf(tag, sizeof(tag), "%d", round + 1);
    size_t name = sim_textf(a, "%s %s%s%s", first, last, round ? " " : "", tag);
    a->contacts[i].name = name;
    a->contacts[i].email = sim_email(a, first, last, tag, a->domain);
    if (strcmp(role, "decision maker") != 0)
        b->users++;
    return i;
}

static int64_t mrr_of(const struct b2b *b)
{
    int64_t list = demo_plans[b->plan].seat_price * b->seats * b->discount / 100;
    return (list + 50) / 100 * 100; /* whole currency units */
}

static void reset(struct b2b *b, struct sim_account *a, struct rng *r, int64_t end)
{
    struct b2b keep = *b;
    memset(b, 0, sizeof(*b));
    b->hist = keep.hist;
    b->hist_cap = keep.hist_cap;
    b->tickets = keep.tickets;
    b->tickets_cap = keep.tickets_cap;
    b->loop = keep.loop;
    b->loop_r = keep.loop_r;
    b->a = a;
    b->r = r;
    b->end = end;
    b->champion = -1;
    b->kickoff = -1;
}

static void signup(struct b2b *b)
{
    struct sim_account *a = b->a;
    struct rng *r = b->r;
    double shares[PLAN_NR];
    for (int p = 0; p < PLAN_NR; p++)
        shares[p] = demo_plans[p].share;
    b->plan = rng_pick(r, shares, PLAN_NR);
    const struct demo_plan *pl = &demo_plans[b->plan];
    /* Smaller teams are more common within a plan. */
    b->seats = pl->seats_min +
               (int64_t)((double)(pl->seats_max - pl->seats_min + 1) * pow(rng_uniform(r), 1.5));
    b->discount = b->plan == PLAN_ENTERPRISE ? (int)rng_range(r, 14, 18) * 5
                  : b->plan == PLAN_BUSINESS ? (int)rng_range(r, 18, 20) * 5
                                             : 100;
    static const char *const segments[PLAN_NR][2] = {{"smb", "smb"},
                                                     {"smb", "mid-market"},
                                                     {"mid-market", "enterprise"},
                                                     {"enterprise", "enterprise"}};
    a->segment = segments[b->plan][rng_bernoulli(r, 0.3)];
    const struct demo_owner *owner = &demo_owners[rng_range(r, 0, demo_owners_nr - 1)];
    a->owner = owner->name;
    b->speed = owner->proactive;
    b->covered = rng_bernoulli(r, pl->coverage * owner->proactive);

    double cw[32];
    for (int i = 0; i < demo_countries_nr; i++)
        cw[i] = demo_countries[i].weight;
    const struct demo_country *country = &demo_countries[rng_pick(r, cw, demo_countries_nr)];
    a->tz_minutes = country->tz_minutes;
    const char *industry = demo_industries[rng_range(r, 0, demo_industries_nr - 1)];

    b->fit = rng_normal(r, 0.0, 1.0);
    b->drift = rng_normal(r, -0.004, 0.012);
    b->issue = demo_lognormal(r, 1.0, 0.5);
    b->budget = rng_normal(r, 0.0, 0.3);
    b->growth = rng_normal(r, 0.01, 0.02);
    b->headcount = (double)b->seats * (0.8 + 0.5 * rng_uniform(r));
    b->will_stall = rng_bernoulli(r, demo_sigmoid(-1.0 - 1.2 * b->fit - 0.4 * b->plan));

    struct buf domain = BUF_INIT;
    a->name = a->text.len;
    demo_company(a->index, &a->text, &domain);
    sim_text_end(a, a->name);
    snprintf(a->domain, sizeof(a->domain), "%s", buf_str(&domain));
    buf_release(&domain);
    static const int strides[] = {1, 3, 7, 9, 11, 13, 17, 19, 21, 23, 27, 29, 31, 33, 37, 39};
    a->name_a = (int)rng_range(r, 0, DEMO_NAMES_NR - 1);
    a->name_b = (int)rng_range(r, 0, DEMO_NAMES_NR - 1);
    a->name_sa = strides[rng_range(r, 0, 15)];
    a->name_sb = (int)rng_range(r, 1, DEMO_NAMES_NR - 1);
    a->attrs = sim_textf(a, "{\"industry\":\"%s\",\"country\":\"%s\",\"billing\":\"%s\"}", industry,
                         country->code, pl->annual ? "annual" : "monthly");
    a->plan = pl->name;

    int64_t since = a->customer_since;
    b->champion = b2b_add_person(b, "champion", since - demo_between(r, 20, 90) * MS_PER_DAY, 1.6);
    if (b->plan != PLAN_STARTER)
        b2b_add_person(b, "decision maker", since - demo_between(r, 1, 20) * MS_PER_DAY, 0.2);
    sim_add_mrr(a, since, mrr_of(b), NULL);
    b->alive = true;
    b->bill_anchor = since;
    b->bill_k = 1;
    b->z = -0.3 + 0.5 * b->fit + rng_normal(r, 0.0, 0.3);
    b->e = demo_sigmoid(b->z);
    b->onboarding = ONB_RUNNING;
    b->onboarding_end = since + pl->onboarding_weeks * WEEK_MS;
    b->next_checkin = since + demo_between(r, 21, 42) * MS_PER_DAY;
    b->next_qbr = since + 13 * WEEK_MS;
    b->next_newsletter = since + demo_between(r, 7, 60) * MS_PER_DAY;
    b->next_nps = since + demo_between(r, 8, 12) * WEEK_MS;
    journey_presale(b);
    journey_kickoff(b);
}

/* Brings the number of users up to what the seats, the headcount and onboarding allow. */
static void staff(struct b2b *b, int64_t from, int64_t to)
{
    const struct demo_plan *pl = &demo_plans[b->plan];
    double target = fmin((double)b->seats, floor(b->headcount));
    double weeks = (double)(from - b->a->customer_since) / WEEK_MS;
    double ramp = fmin(1.0, 0.3 + 0.7 * (weeks + 1) / pl->onboarding_weeks);
    if ((b->will_stall && b->onboarding == ONB_RUNNING) || b->onboarding == ONB_STALLED)
        ramp = fmin(ramp, 0.5);
    int want = (int)(target * ramp + 0.5);
    if (want < 1)
        want = 1;
    while (b->users < want) {
        bool admin = b->plan >= PLAN_BUSINESS && b->users == 1;
        b2b_add_person(b, admin ? "admin" : "end user", demo_between(b->r, from, to),
                       admin ? 1.3 : 0.4 + 0.8 * rng_uniform(b->r));
    }
}

/* The champion may leave (engagement and the hazard suffer until someone takes over). */
static void champion_week(struct b2b *b, int64_t from, int64_t to)
{
    struct rng *r = b->r;
    if (b->champion >= 0) {
        if (from - b->a->customer_since < 12 * WEEK_MS || !rng_bernoulli(r, 0.005))
            return;
        int64_t t = demo_between(r, from, to);
        int old = b->champion;
        b->a->contacts[old].left_at = t;
        b->champion = -1;
        b->users--;
        if (b->covered)
            journey_champion_change(b, t + demo_between(r, 7, 21) * MS_PER_DAY, old);
        return;
    }
    if (rng_bernoulli(r, b->covered ? 0.06 : 0.03)) {
        b->champion = b2b_add_person(b, "champion", demo_between(r, from, to), 1.6);
    }
}

/* How far an account that has decided to leave pulls its engagement target down. */
#define DISENGAGE 1.6

static void engage(struct b2b *b, int64_t from)
{
    double weeks = (double)(from - b->a->customer_since) / WEEK_MS;
    double target = 0.5 + 0.8 * b->fit + b->drift * fmin(weeks, 52.0);
    if (b->onboarding == ONB_RUNNING)
        target -= b->will_stall ? 0.8 : 0.2;
    else if (b->onboarding == ONB_STALLED)
        target -= 1.0;
    if (b->champion < 0)
        target -= 1.1;
    int open = support_open_old(b, from);
    target -= 0.35 * (open < 3 ? open : 3);
    if (b->bad_csat_at && from >= b->bad_csat_at && from - b->bad_csat_at <= 60 * MS_PER_DAY)
        target -= 0.3;
    if (b->last_checkin && from - b->last_checkin <= 56 * MS_PER_DAY)
        target += 0.15;
    if (b->decided_at)
        target -= DISENGAGE;
    b->z = 0.75 * b->z + 0.25 * target + rng_normal(b->r, 0.0, 0.3);
    b->e = demo_sigmoid(b->z);
    b->hist = xgrow(b->hist, sizeof(*b->hist), b->hist_nr + 1, &b->hist_cap);
    b->hist[b->hist_nr++] = b->e;
}

/* The drivers of the churn hazard at date d, in logit units (docs/demo-data.md). */
struct drivers {
    double adoption, onboarding, support, champion, detractor, promoter, checkin, price;
};

static double hazard_logit(const struct b2b *b, int64_t d, struct drivers *dr)
{
    double e4 = b2b_engagement(b, 0, 4);
    double e16 = b->hist_nr >= 16 ? b2b_engagement(b, 12, 16) : e4;
    int open = support_open_old(b, d);
    bool recent_nps = b->nps_at && d - b->nps_at <= 180 * MS_PER_DAY;
    dr->adoption = 2.5 * (0.55 - e4) + 2.5 * fmax(0.0, e16 - e4);
    dr->onboarding = b->onboarding == ONB_STALLED ? 0.7 : 0.0;
    dr->support = 0.6 * (open < 3 ? open : 3);
    dr->champion = b->champion < 0 ? 1.2 : 0.0;
    dr->detractor = recent_nps && b->nps_mean <= 6.0 ? 0.8 : 0.0;
    dr->promoter = recent_nps && b->nps_mean >= 9.0 ? -0.5 : 0.0;
    dr->checkin = b->last_checkin && d - b->last_checkin <= 45 * MS_PER_DAY ? -0.4 : 0.0;
    dr->price = b->budget;
    return demo_plans[b->plan].base_logit + dr->adoption + dr->onboarding + dr->support +
           dr->champion + dr->detractor + dr->promoter + dr->checkin + dr->price;
}

/* The churn's cause, drawn in proportion to what each driver added to the hazard. */
static int churn_cause(struct rng *r, const struct drivers *dr)
{
    double w[CAUSE_NR] = {0};
    w[CAUSE_NONE] = 0.4;
    /* Usage that fell after the champion left is put down to the champion, as a CSM would. */
    double adoption = fmax(0.0, dr->adoption);
    if (dr->champion > 0) {
        w[CAUSE_CHAMPION] += 0.7 * adoption;
        adoption *= 0.3;
    }
    w[CAUSE_ADOPTION] = adoption;
    w[CAUSE_ONBOARDING] = dr->onboarding;
    w[CAUSE_SUPPORT] = dr->support;
    w[CAUSE_CHAMPION] += dr->champion;
    w[CAUSE_PRODUCT] = dr->detractor;
    w[CAUSE_PRICE] = fmax(0.0, dr->price);
    return rng_pick(r, w, CAUSE_NR);
}

static void set_seats(struct b2b *b, int64_t d, int64_t seats, const char *reason)
{
    b->seats = seats;
    sim_add_mrr(b->a, d, mrr_of(b), reason);
}

/* The next renewal of an annual contract after the billing date bill_k - 1. */
static int64_t next_renewal(const struct b2b *b)
{
    return demo_add_months(b->bill_anchor, (b->bill_k + 11) / 12 * 12);
}

/* Each week an account may decide to leave, with the hazard of docs/demo-data.md spread over the
 * weeks so that a year holds the same churn as twelve monthly draws; it then cancels at the
 * first billing date 3 to 8 weeks on (an annual contract: at its renewal, deciding only in the
 * 16 weeks before it). The cause is the driver that weighed on the decision. */
static void decide(struct b2b *b, int64_t from)
{
    struct rng *r = b->r;
    const struct demo_plan *pl = &demo_plans[b->plan];
    if (b->decided_at || from - b->a->customer_since < 2 * WEEK_MS)
        return;
    int64_t renewal = pl->annual ? next_renewal(b) : 0;
    if (pl->annual && (renewal - from > 16 * WEEK_MS || renewal - from < 3 * WEEK_MS))
        return;
    struct drivers dr;
    double h = demo_sigmoid(hazard_logit(b, from, &dr));
    /* 52 weekly draws a year (annual: 13 or 14 before a renewal) for 12 monthly ones. */
    double q = 1.0 - pow(1.0 - h, pl->annual ? 12.0 / 13.0 : 12.0 / 52.0);
    if (!rng_bernoulli(r, q))
        return;
    b->decided_at = from + demo_between(r, 0, WEEK_MS);
    b->leave_at = pl->annual ? renewal : b->decided_at + demo_between(r, 21, 57) * MS_PER_DAY;
    b->leave_cause = churn_cause(r, &dr);
    b->offboard_at =
        rng_bernoulli(r, 0.5) ? b->decided_at + demo_between(r, 3, 29) * MS_PER_DAY : 0;
}

static void billing(struct b2b *b, int64_t d)
{
    struct rng *r = b->r;
    const struct demo_plan *pl = &demo_plans[b->plan];
    int k = b->bill_k++;
    bool renewal = !pl->annual || k % 12 == 0;
    if (pl->annual && k % 12 == 10)
        journey_renewal_call(b, d + demo_between(r, 0, 14) * MS_PER_DAY);
    if (renewal && b->decided_at && d >= b->leave_at) {
        int cause = b->leave_cause;
        /* A ticket that weighed on the decision may have been resolved since. */
        if (cause == CAUSE_SUPPORT && support_open_old(b, d) == 0)
            cause = CAUSE_PRODUCT;
        sim_add_mrr(b->a, d, 0, demo_churn_reason(r, cause));
        b->alive = false;
        b->churned_at = d;
        b->decided_at = b->leave_at = b->offboard_at = 0;
        return;
    }
    int active = usage_active_users(b, d);
    double util = (double)active / (double)b->seats;
    if (b->users >= b->seats && b->headcount > (double)b->seats + 0.5 && util >= 0.7 &&
        rng_bernoulli(r, 0.35)) {
        int64_t seats = (int64_t)ceil(b->headcount * (1.05 + 0.25 * rng_uniform(r)));
        if (b->plan < PLAN_BUSINESS && seats > pl->seats_max) {
            b->plan++;
            b->a->plan = demo_plans[b->plan].name;
        }
        journey_expansion_call(b, d - demo_between(r, 3, 10) * MS_PER_DAY);
        set_seats(b, d, seats, NULL);
        b->expanded_at = d;
    } else if (renewal && util < 0.35 && b2b_engagement(b, 0, 4) < 0.45 &&
               b->seats > pl->seats_min && rng_bernoulli(r, 0.2)) {
        int64_t seats = (int64_t)ceil(active * 1.3);
        if (seats < pl->seats_min)
            seats = pl->seats_min;
        if (seats < b->seats)
            set_seats(b, d, seats, rng_bernoulli(r, 0.7) ? "low adoption" : "budget cuts");
    }
}

/* A churned account may come back; returns the day it does, or 0. */
static int64_t dormant(struct b2b *b, int64_t from, int64_t to)
{
    struct rng *r = b->r;
    if (b->reactivated || from < b->churned_at + 28 * MS_PER_DAY)
        return 0;
    const char *reason = b->a->mrr[b->a->mrr_nr - 1].reason;
    double monthly =
        strcmp(reason, "price") == 0 || strcmp(reason, "budget cuts") == 0 ? 0.04 : 0.015;
    if (!rng_bernoulli(r, monthly / 4.35))
        return 0;
    int64_t d = time_day_start(demo_between(r, from, to));
    if (d < from)
        d += MS_PER_DAY;
    if (d >= to)
        return 0;
    const struct demo_plan *pl = &demo_plans[b->plan];
    int64_t seats = (int64_t)ceil((double)b->seats * (0.5 + 0.5 * rng_uniform(r)));
    journey_winback(b, d - demo_between(r, 3, 14) * MS_PER_DAY);
    set_seats(b, d, seats < pl->seats_min ? pl->seats_min : seats, NULL);
    b->alive = true;
    b->reactivated = true;
    b->onboarding = ONB_DONE;
    b->z = 0.2 + 0.5 * b->fit;
    if (b->champion < 0) {
        b->champion = b2b_add_person(b, "champion", d, 1.6);
    }
    b->bill_anchor = d;
    b->bill_k = 1;
    b->next_checkin = d + demo_between(r, 14, 35) * MS_PER_DAY;
    b->next_nps = d + demo_between(r, 8, 12) * WEEK_MS;
    b->nps_at = b->bad_csat_at = 0;
    return d;
}

static void live_week(struct b2b *b, int64_t from, int64_t to)
{
    struct rng *r = b->r;
    b->headcount *= 1.0 + b->growth / 4.35;
    int64_t limit = to, d;
    while (b->alive && (d = demo_add_months(b->bill_anchor, b->bill_k)) < to) {
        billing(b, d);
        if (!b->alive)
            limit = d;
    }
    if (limit <= from)
        return;
    decide(b, from);
    if (b->offboard_at && b->offboard_at >= from && b->offboard_at < limit)
        support_offboarding(b, b->offboard_at);
    staff(b, from, limit);
    champion_week(b, from, limit);
    engage(b, from);
    usage_adopt(b);
    usage_week(b, from, limit);
    support_week(b, from, limit);
    journey_week(b, from, limit);
    if (b->onboarding == ONB_RUNNING && from >= b->onboarding_end) {
        b->onboarding = b->will_stall ? ONB_STALLED : ONB_DONE;
        int64_t t = from + demo_between(r, 0, 3) * MS_PER_DAY;
        if (t < limit) {
            journey_onboarding_review(b, t);
            survey_ces(b, t);
        }
    } else if (b->onboarding == ONB_STALLED && rng_bernoulli(r, 0.005)) {
        b->onboarding = ONB_DONE;
    }
    if (from >= b->next_nps) {
        survey_nps_wave(b, from, limit);
        b->next_nps = from + demo_between(r, 11, 15) * WEEK_MS;
    }
}

static void finish(struct b2b *b)
{
    struct sim_account *a = b->a;
    a->seats = b->seats;
    if (!b->alive) {
        a->stage = "churned";
        return;
    }
    bool annual = demo_plans[b->plan].annual;
    int k = b->bill_k;
    while (annual && k % 12 != 0)
        k++;
    while ((a->renewal_date = demo_add_months(b->bill_anchor, k)) < b->end)
        k += annual ? 12 : 1;
    if (b->onboarding == ONB_RUNNING)
        a->stage = "onboarding";
    else if (annual && a->renewal_date - b->end <= 90 * MS_PER_DAY)
        a->stage = "renewal";
    else if (b->expanded_at && b->end - b->expanded_at <= 60 * MS_PER_DAY)
        a->stage = "expansion";
    else if (b->nps_at && b->nps_mean >= 9.0)
        a->stage = "advocacy";
    else
        a->stage = "adoption";
}

void demo_b2b_simulate(struct b2b *b, struct sim_account *a, struct rng *r, int64_t end)
{
    reset(b, a, r, end);
    signup(b);
    for (int64_t from = a->customer_since; from < end; from += WEEK_MS) {
        int64_t to = from + WEEK_MS < end ? from + WEEK_MS : end;
        if (b->alive) {
            live_week(b, from, to);
        } else {
            int64_t back = dormant(b, from, to);
            if (back)
                live_week(b, back, to);
        }
        if (b->loop) {
            loop_open(a, b->loop, b->loop_r, &b->loop_seen, b->speed);
            journey_followups(b, to);
        }
    }
    sim_sort_events(a);
    finish(b);
}

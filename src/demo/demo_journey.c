/* demo_journey.c - the touchpoints of the teams along the journey: marketing and sales before the
 * signup, onboarding, CSM check-ins and QBRs (which change the account's course), newsletters,
 * feature requests, renewal and expansion calls, advocacy and win-back. */
#include "demo_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"

/* Adds a touchpoint unless t is not in the past; returns its index or -1. */
static int add(struct b2b *b, int64_t t, int contact, const char *channel, const char *stage,
               const char *team, const char *kind, double minutes)
{
    if (t >= b->end)
        return -1;
    int i = sim_add_touchpoint(b->a, t, contact, channel, stage, team, kind);
    b->a->tps[i].duration = minutes;
    return i;
}

static void text(struct b2b *b, int tp, const char *s)
{
    if (tp >= 0)
        b->a->tps[tp].text = sim_textf(b->a, "%s", s);
}

/* A moment in business hours (09:00-17:00 local) of t's day. */
static int64_t at_work(struct b2b *b, int64_t t)
{
    int64_t local = demo_between(b->r, 9 * 60, 17 * 60) * 60 * MS_PER_SEC;
    return time_day_start(t) + local - (int64_t)b->a->tz_minutes * 60 * MS_PER_SEC;
}

/* Whom the company talks to: the champion, else the decision maker, else nobody known. */
static int someone(const struct b2b *b)
{
    if (b->champion >= 0)
        return b->champion;
    for (size_t i = 0; i < b->a->contacts_nr; i++)
        if (strcmp(b->a->contacts[i].role, "decision maker") == 0)
            return (int)i;
    return -1;
}

/* An annual account's renewal is less than 90 days after t. */
static bool renewal_near(const struct b2b *b, int64_t t)
{
    if (!demo_plans[b->plan].annual)
        return false;
    int k = (b->bill_k + 11) / 12 * 12;
    return demo_add_months(b->bill_anchor, k) - t <= 90 * MS_PER_DAY;
}

static int64_t days(struct b2b *b, int lo, int hi)
{
    return demo_between(b->r, lo, hi) * MS_PER_DAY;
}

void journey_presale(struct b2b *b)
{
    static const char *const aware[][2] = {{"webinar", "web"},
                                           {"ebook download", "web"},
                                           {"ad click", "social"},
                                           {"newsletter signup", "email"}};
    struct rng *r = b->r;
    int64_t since = b->a->customer_since, lead = b->a->contacts[b->champion].created_at;
    int n = 1 + rng_bernoulli(r, 0.5);
    for (int k = 0; k < n; k++) {
        int w = (int)rng_range(r, 0, 3);
        int64_t t = k == 0 ? lead : demo_between(r, lead, since - 7 * MS_PER_DAY);
        add(b, at_work(b, t), b->champion, aware[w][1], "awareness", "marketing", aware[w][0], NAN);
    }
    if (b->plan == PLAN_STARTER) {
        add(b, at_work(b, since - days(b, 1, 14)), b->champion, "web", "purchase", "sales",
            "trial signup", NAN);
        return;
    }
    int64_t demo = since - days(b, 5, 30);
    add(b, at_work(b, demo > lead ? demo : lead), b->champion, "meeting", "purchase", "sales",
        "demo call", rng_bernoulli(r, 0.5) ? 30 : 45);
    if (b->plan >= PLAN_BUSINESS)
        add(b, at_work(b, since - days(b, 1, 5)), 1, "email", "purchase", "sales", "proposal", NAN);
}

void journey_kickoff(struct b2b *b)
{
    int64_t since = b->a->customer_since;
    if (b->plan == PLAN_STARTER) {
        b->kickoff = add(b, at_work(b, since + days(b, 0, 2)), b->champion, "email", "onboarding",
                         "onboarding", "welcome email", NAN);
        text(b, b->kickoff, "Welcome aboard: three steps to your first project");
        return;
    }
    b->kickoff = add(b, at_work(b, since + days(b, 1, 5)), b->champion, "meeting", "onboarding",
                     "onboarding", "kickoff call", rng_bernoulli(b->r, 0.5) ? 45 : 60);
    text(b, b->kickoff, "Kickoff: goals, data import plan and the first project");
    int tp = add(b, at_work(b, since + days(b, 8, 16)), b->champion, "meeting", "onboarding",
                 "onboarding", "training session", 60);
    text(b, tp, "Team training on projects, reports and automations");
}

void journey_onboarding_review(struct b2b *b, int64_t t)
{
    bool stalled = b->onboarding == ONB_STALLED;
    int tp = add(b, t, someone(b), b->plan == PLAN_STARTER ? "in-app" : "email", "onboarding",
                 "onboarding", "onboarding review", NAN);
    text(b, tp,
         stalled ? "Onboarding stalled: data import unfinished and few users invited"
                 : "Onboarding complete: the team is live on projects and reports");
}

/* The chance that a check-in or QBR saves an account that has decided to leave. */
#define SAVE 0.4

static void checkin(struct b2b *b, int64_t from, int64_t to)
{
    static const char *const channels[] = {"meeting", "phone", "email"};
    static const double weights[] = {0.5, 0.25, 0.25};
    static const double minutes[] = {30, 20, NAN};
    struct rng *r = b->r;
    int64_t t = at_work(b, demo_between(r, from, to));
    int c = rng_pick(r, weights, 3);
    int tp = add(b, t, someone(b), channels[c], renewal_near(b, t) ? "renewal" : "adoption",
                 "success", "proactive check-in", minutes[c]);
    if (tp < 0)
        return;
    /* What the CSM finds is what the CSM works on: first a customer about to leave. */
    if (b->decided_at && b->decided_at <= t) {
        bool saved = rng_bernoulli(r, SAVE);
        text(b, tp,
             saved ? "Check-in: the customer was planning to leave; agreed on a recovery plan"
                   : "Check-in: the customer is planning to leave; could not change their mind");
        if (saved)
            b->decided_at = b->leave_at = b->offboard_at = 0;
    } else if (b->onboarding == ONB_STALLED) {
        text(b, tp, "Check-in: restarted the stalled onboarding with a new plan");
        if (rng_bernoulli(r, 0.2))
            b->onboarding = ONB_DONE;
    } else if (b->champion < 0) {
        text(b, tp, "Check-in: looking for a new owner after the champion left");
        if (rng_bernoulli(r, 0.25)) {
            b->champion = b2b_add_person(b, "champion", t, 1.6);
        }
    } else if (support_open_topic(b, t) >= 0) {
        text(b, tp, "Check-in: escalated the open support tickets");
        support_escalate(b, t);
    } else if (b2b_engagement(b, 0, 4) < 0.4) {
        text(b, tp, "Check-in: usage is down, agreed on a re-training session");
    } else {
        text(b, tp, "Monthly check-in: adoption on track, reviewed goals");
    }
    b->last_checkin = t;
    b->next_checkin = t + days(b, 24, 35);
}

void journey_week(struct b2b *b, int64_t from, int64_t to)
{
    struct rng *r = b->r;
    if (b->covered && from >= b->next_checkin)
        checkin(b, from, to);
    if (b->covered && b->plan == PLAN_ENTERPRISE && from >= b->next_qbr) {
        int64_t t = at_work(b, demo_between(r, from, to));
        bool low = b2b_engagement(b, 0, 4) < 0.45;
        bool leaving = b->decided_at && b->decided_at <= t;
        int tp = add(b, t, someone(b), "meeting", renewal_near(b, t) ? "renewal" : "adoption",
                     "success", "qbr", 60);
        text(b, tp,
             leaving ? "Quarterly business review: the customer is weighing leaving, agreed actions"
             : low   ? "Quarterly business review: adoption below plan, agreed actions"
                     : "Quarterly business review: outcomes on track");
        if (tp >= 0) {
            b->last_checkin = t;
            if (leaving && rng_bernoulli(r, SAVE))
                b->decided_at = b->leave_at = b->offboard_at = 0;
        }
        b->next_qbr = from + 13 * WEEK_MS;
    }
    if (!b->covered && from >= b->next_newsletter) {
        int tp = add(b, at_work(b, demo_between(r, from, to)), someone(b), "email", "adoption",
                     "marketing", "newsletter", NAN);
        text(b, tp, "Product newsletter: what is new this month");
        b->next_newsletter = from + days(b, 50, 70);
    }
    if (rng_bernoulli(r, 0.004 * sqrt((double)b->users))) {
        int tp = add(b, at_work(b, demo_between(r, from, to)), someone(b), "in-app", "adoption",
                     "product", "feature request", NAN);
        if (tp >= 0) {
            size_t start = b->a->text.len;
            demo_text_feature_request(r, &b->a->text);
            b->a->tps[tp].text = sim_text_end(b->a, start);
        }
    }
}

void journey_expansion_call(struct b2b *b, int64_t t)
{
    int tp =
        add(b, at_work(b, t), someone(b), "meeting", "expansion", "sales", "expansion call", 30);
    text(b, tp, "Expansion: more seats for the growing team");
}

void journey_renewal_call(struct b2b *b, int64_t t)
{
    int tp = add(b, at_work(b, t), someone(b), "meeting", "renewal", "success", "renewal call", 45);
    text(b, tp, "Renewal call: reviewed the value delivered and next year's plan");
}

void journey_champion_change(struct b2b *b, int64_t t, int old_champion)
{
    int tp = add(b, at_work(b, t), -1, "email", "adoption", "success", "champion change", NAN);
    if (tp < 0)
        return;
    char name[128]; /* a copy: appending to the account's text may move the original */
    snprintf(name, sizeof(name), "%s", sim_str(b->a, b->a->contacts[old_champion].name));
    b->a->tps[tp].text = sim_textf(b->a, "%s left the company; looking for a new champion", name);
}

void journey_advocacy(struct b2b *b, int64_t t, int contact)
{
    static const char *const kinds[][3] = {
        {"referral", "email", "Referred a peer company"},
        {"case study", "meeting", "Agreed to a customer case study"},
        {"review", "review", "Left a five-star review"},
    };
    int k = (int)rng_range(b->r, 0, 2);
    int tp = add(b, at_work(b, t), contact, kinds[k][1], "advocacy", "marketing", kinds[k][0],
                 k == 1 ? 45 : NAN);
    text(b, tp, kinds[k][2]);
}

void journey_winback(struct b2b *b, int64_t t)
{
    int tp = add(b, at_work(b, t), someone(b), "phone", "purchase", "sales", "win-back call", 20);
    text(b, tp, "Win-back call: agreed to restart the subscription");
}

void journey_followups(struct b2b *b, int64_t before)
{
    struct sim_account *a = b->a;
    for (size_t i = 0; i < a->fus_nr; i++) {
        struct sim_followup *f = &a->fus[i];
        int64_t t = f->work_at;
        if (f->worked || t >= before || t >= b->end)
            continue;
        const struct sim_response *s = &a->resps[f->resp];
        f->worked = true;
        f->closed_at = t;
        if (f->dismiss) {
            f->note = s->survey == SURVEY_CSAT ? "Dismissed: support reopened the ticket already"
                                               : "Dismissed: raised at the last check-in already";
            continue;
        }
        /* A conversation, as a check-in is: what the owner hears first is a customer about to
         * leave, whom it may save (SAVE, the loop's own generator drawing). */
        bool phone = rng_bernoulli(b->loop_r, 0.6);
        if (!b->alive) {
            f->note = "Follow-up: the customer has cancelled; noted their reasons";
        } else if (b->decided_at && b->decided_at <= t) {
            bool saved = rng_bernoulli(b->loop_r, SAVE);
            f->note =
                saved ? "Follow-up: the customer was planning to leave; agreed on a recovery plan"
                      : "Follow-up: the customer is planning to leave; could not change their mind";
            if (saved)
                b->decided_at = b->leave_at = b->offboard_at = 0;
        } else {
            f->note =
                s->survey == SURVEY_NPS
                    ? "Follow-up: heard out the concerns behind the score; agreed on next steps"
                : s->survey == SURVEY_CSAT
                    ? "Follow-up: apologised for the support experience; checked the fix"
                    : "Follow-up: talked through the comment; the customer felt heard";
        }
        int tp = add(b, t, s->contact, phone ? "phone" : "email",
                     renewal_near(b, t) ? "renewal" : "adoption", "success", "follow-up",
                     phone ? 20 : NAN);
        text(b, tp, f->note);
    }
}

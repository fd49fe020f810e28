/* demo_consumer.c - the B2C slice: people who buy without a contract. Purchases follow BG/NBD
 * (Poisson purchases at a Gamma-distributed rate, dropping out after any purchase with a
 * Beta-distributed probability) and spend follows Gamma-Gamma, with the true parameters below,
 * so CLV fitting can be checked against them (docs/demo-data.md). */
#include "demo_int.h"

#include <math.h>
#include <stdio.h>

#include "model/model.h"

#define BG_R 0.9 /* purchase rate per month ~ Gamma(r, alpha) */
#define BG_ALPHA 3.0
#define BG_A 1.2 /* dropout after each purchase ~ Beta(a, b) */
#define BG_B 3.0
#define GG_P 4.0 /* an order's amount ~ Gamma(p, nu), nu ~ Gamma(q, gamma) */
#define GG_Q 5.0
#define GG_GAMMA 40.0 /* gives a mean order of p * gamma / (q - 1) = 40.00 */
#define MONTH_MS (30.4375 * MS_PER_DAY)

const char *const demo_consumer_events[2] = {"product_viewed", "checkout_completed"};

static void person(struct sim_account *a, struct rng *r)
{
    double cw[32];
    for (int i = 0; i < demo_countries_nr; i++)
        cw[i] = demo_countries[i].weight;
    const struct demo_country *country = &demo_countries[rng_pick(r, cw, demo_countries_nr)];
    a->tz_minutes = country->tz_minutes;
    const char *first = demo_first_names[rng_range(r, 0, DEMO_NAMES_NR - 1)];
    const char *last = demo_last_names[rng_range(r, 0, DEMO_NAMES_NR - 1)];
    a->name = sim_textf(a, "%s %s", first, last);
    a->attrs = sim_textf(a, "{\"country\":\"%s\"}", country->code);
    int c = sim_add_contact(a, "customer", a->customer_since, 1.0);
    a->contacts[c].name = a->name;
    char tag[24];
    snprintf(tag, sizeof(tag), "%lld", (long long)a->index + 1);
    a->contacts[c].email = sim_email(a, first, last, tag, "mail.example");
}

/* A support ticket about an order, maybe rated; returns true when it went badly. */
static bool order_ticket(struct sim_account *a, struct rng *r, int64_t t, int64_t end)
{
    double hours = demo_lognormal(r, 10.0, 1.0);
    int64_t resolved = t + (int64_t)(hours * (double)HOUR_MS);
    int tp = sim_add_touchpoint(a, t, 0, rng_bernoulli(r, 0.6) ? "chat" : "email", "purchase",
                                "support", "ticket");
    size_t start = a->text.len;
    demo_text_ticket(r, TOPIC_ORDER, &a->text);
    a->tps[tp].text = sim_text_end(a, start);
    a->tps[tp].attrs = sim_textf(a, "{\"topic\":\"%s\"}", demo_topic_name(TOPIC_ORDER));
    a->tps[tp].status = resolved < end ? "resolved" : "open";
    if (resolved < end)
        a->tps[tp].duration = floor(hours * 60.0 + 0.5);
    int64_t ts = resolved + demo_between(r, 1, 24) * HOUR_MS;
    if (ts < end && rng_bernoulli(r, 0.5)) {
        int score = demo_score(4.9 - 0.55 * log(1.0 + hours / 4.0) + rng_normal(r, 0.0, 0.6), 1, 5);
        int i = sim_add_response(a, ts, 0, SURVEY_CSAT, score);
        a->resps[i].touchpoint = tp;
        if (rng_bernoulli(r, 0.5)) {
            start = a->text.len;
            demo_text_csat(r, score, TOPIC_ORDER, &a->text);
            a->resps[i].comment = sim_text_end(a, start);
        }
    }
    return hours > 24.0;
}

void demo_consumer_simulate(struct sim_account *a, struct rng *r, int64_t end)
{
    a->consumer = true;
    a->segment = "consumer";
    person(a, r);
    double lambda = demo_gamma(r, BG_R, BG_ALPHA) / MONTH_MS; /* purchases per ms */
    double dropout = demo_beta(r, BG_A, BG_B);
    double nu = demo_gamma(r, GG_Q, GG_GAMMA);
    int64_t local = -(int64_t)a->tz_minutes * 60 * MS_PER_SEC;
    if (rng_bernoulli(r, 0.7)) {
        int tp = sim_add_touchpoint(
            a, a->customer_since - demo_between(r, 1, 30) * MS_PER_DAY + 19 * HOUR_MS + local, 0,
            rng_bernoulli(r, 0.5) ? "social" : "web", "awareness", "marketing", "ad click");
        a->tps[tp].text = sim_textf(a, "%s", "Clicked a spring collection ad");
    }
    bool bad = false;
    int64_t t = a->customer_since + demo_between(r, 17 * 60, 23 * 60) * 60 * MS_PER_SEC + local;
    while (t < end) {
        int64_t amount = (int64_t)floor(demo_gamma(r, GG_P, nu) * 100.0 + 0.5);
        sim_add_order(a, t, amount < 100 ? 100 : amount, 0);
        int views = 1 + rng_poisson(r, 2.0);
        for (int v = views; v > 0; v--)
            sim_add_event(a, t - v * demo_between(r, 1, 8) * 60 * MS_PER_SEC, 0, CONSUMER_VIEW, -1);
        sim_add_event(a, t, 0, CONSUMER_CHECKOUT, (int32_t)(amount / 100));
        int64_t after = t + demo_between(r, 1, 10) * MS_PER_DAY;
        if (after < end && rng_bernoulli(r, 0.06))
            bad |= order_ticket(a, r, after, end);
        after += demo_between(r, 1, 7) * MS_PER_DAY;
        if (after < end && rng_bernoulli(r, 0.12)) {
            int score = demo_score(8.2 - (bad ? 3.5 : 0.0) + rng_normal(r, 0.0, 1.8), 0, 10);
            int i = sim_add_response(a, after, 0, SURVEY_NPS, score);
            if (rng_bernoulli(r, 0.6)) {
                size_t start = a->text.len;
                demo_text_nps(r, score, CAUSE_NONE, TOPIC_ORDER, true, false, &a->text);
                a->resps[i].comment = sim_text_end(a, start);
            }
        }
        if (rng_bernoulli(r, dropout))
            break;
        double gap = rng_exponential(r, 1.0 / lambda);
        if (gap >= (double)(end - t))
            break;
        t += (int64_t)gap;
    }
    sim_sort_events(a);
}

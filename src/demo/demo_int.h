/* demo_int.h - the insides of the demo generator: vocabularies, the simulated account each step
 * fills in, the state of a B2B simulation, samplers and wording (docs/demo-data.md). */
#ifndef DEMO_DEMO_INT_H
#define DEMO_DEMO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/rand.h"
#include "base/time.h"
#include "demo.h"

#define WEEK_MS (7 * MS_PER_DAY)
#define HOUR_MS (3600 * MS_PER_SEC)
#define NO_TEXT SIZE_MAX

/* ---- vocabularies (demo_vocab.c) ---- */

enum { PLAN_STARTER, PLAN_GROWTH, PLAN_BUSINESS, PLAN_ENTERPRISE, PLAN_NR };

struct demo_plan {
    const char *name;
    int seats_min, seats_max; /* at signup */
    int64_t seat_price;       /* minor units a seat a month */
    double share;             /* of the B2B accounts */
    double coverage;          /* chance of CSM check-ins, times the owner's proactiveness */
    double base_logit;        /* intercept of the monthly churn hazard */
    double resolve_hours;     /* median time to resolve a ticket */
    int onboarding_weeks;
    bool annual; /* churn only at the yearly renewal */
};
extern const struct demo_plan demo_plans[PLAN_NR];

enum {
    FEAT_PROJECT,
    FEAT_TASK,
    FEAT_COMMENT,
    FEAT_FILE,
    FEAT_REPORT_VIEW,
    FEAT_REPORT_SHARE,
    FEAT_EXPORT,
    FEAT_INTEGRATION,
    FEAT_AUTOMATION,
    FEAT_API,
    FEAT_DASHBOARD,
    FEAT_SSO,
    FEAT_AUDIT,
    FEAT_NR
}; /* report_shared is the value milestone (time to value) */

struct demo_feature {
    const char *name; /* the event name */
    int tier;         /* the cheapest plan that has it */
    double adopt;     /* weekly adoption hazard at full engagement */
    double weight;    /* its share of usage once adopted */
};
extern const struct demo_feature demo_features[FEAT_NR];

struct demo_owner {
    const char *name;
    double proactive; /* how many of the owner's accounts get check-ins */
};
extern const struct demo_owner demo_owners[];
extern const int demo_owners_nr;

struct demo_country {
    const char *code;
    double weight;
    int tz_minutes; /* offset of local business hours from UTC */
};
extern const struct demo_country demo_countries[];
extern const int demo_countries_nr;

extern const char *const demo_industries[];
extern const int demo_industries_nr;

#define DEMO_NAMES_NR 40
extern const char *const demo_first_names[DEMO_NAMES_NR];
extern const char *const demo_last_names[DEMO_NAMES_NR];

/* Appends the company name of account number `index` to name and its e-mail domain to domain;
 * every index gets a distinct name (a region, then a number, is added once the 9,000
 * combinations run out). */
void demo_company(int64_t index, struct buf *name, struct buf *domain);

/* ---- samplers (demo_dist.c) ---- */

double demo_sigmoid(double x);
double demo_gamma(struct rng *r, double shape, double rate); /* mean shape / rate */
double demo_beta(struct rng *r, double a, double b);
double demo_lognormal(struct rng *r, double median, double sigma);
int demo_binomial(struct rng *r, int n, double p);
int demo_score(double x, int lo, int hi);                    /* rounded and clamped to [lo, hi] */
int64_t demo_between(struct rng *r, int64_t lo, int64_t hi); /* uniform in [lo, hi) */
/* A well-mixed seed for account `index` of a run seeded with `seed`. */
uint64_t demo_mix(uint64_t seed, uint64_t index);
/* The k-th monthly anniversary of `anchor` (day clamped to the month's length). */
int64_t demo_add_months(int64_t anchor, int k);

/* ---- wording (demo_text.c) ---- */

enum demo_topic {
    TOPIC_EXPORT,
    TOPIC_INTEGRATION,
    TOPIC_LOGIN,
    TOPIC_BILLING,
    TOPIC_PERFORMANCE,
    TOPIC_BUG,
    TOPIC_HOWTO,
    TOPIC_OFFBOARDING, /* asked by an account that has decided to leave */
    TOPIC_ORDER,
    TOPIC_NR
};
/* What a dissatisfied customer complains about (and why an account churns). */
enum demo_cause {
    CAUSE_NONE,
    CAUSE_ADOPTION,
    CAUSE_ONBOARDING,
    CAUSE_SUPPORT,
    CAUSE_CHAMPION,
    CAUSE_PRICE,
    CAUSE_PRODUCT,
    CAUSE_NR
};

const char *demo_topic_name(int topic);
/* Each appends one text to out. */
void demo_text_ticket(struct rng *r, int topic, struct buf *out);
void demo_text_nps(struct rng *r, int score, int cause, int topic, bool consumer, bool covered,
                   struct buf *out);
void demo_text_csat(struct rng *r, int score, int topic, struct buf *out);
void demo_text_ces(struct rng *r, int score, struct buf *out);
void demo_text_feature_request(struct rng *r, struct buf *out);
/* The churn reason of an account that churned for `cause`. */
const char *demo_churn_reason(struct rng *r, int cause);

/* ---- the simulated account (demo_account.c) ---- */

struct sim_contact {
    size_t name, email; /* offsets into the account's text */
    const char *role;
    int64_t created_at;
    int64_t left_at;     /* 0 while at the account */
    int64_t last_active; /* the last event's time, 0 before the first */
    double activity;     /* how much this person uses the product */
    int64_t id;          /* the store's, once written */
};

struct sim_event {
    int64_t ts;
    int32_t contact;
    int16_t feature; /* FEAT_*, or a consumer event */
    int32_t value;   /* -1 when the event carries none */
};

struct sim_mrr {
    int64_t date, mrr;
    const char *reason;
};

struct sim_touchpoint {
    int64_t ts;
    int contact; /* -1 when none */
    const char *channel, *stage, *team, *kind, *status;
    double duration;    /* minutes; NAN when none */
    size_t text, attrs; /* offsets into the account's text, NO_TEXT when none */
    int64_t id;         /* the store's, once written */
};

struct sim_response {
    int64_t ts;
    int contact;
    int survey; /* SURVEY_NPS, SURVEY_CSAT, SURVEY_CES */
    int score;
    int touchpoint; /* index of the rated touchpoint, -1 when none */
    size_t comment; /* NO_TEXT when none */
};

struct sim_order {
    int64_t ts, amount;
    int contact;
};

/* A follow-up of the closed loop and how the owner works it. */
struct sim_followup {
    int resp;          /* the response followed up */
    int64_t work_at;   /* when the owner works it; INT64_MAX: never */
    bool dismiss;      /* the owner dismisses it rather than talking to the customer */
    bool worked;       /* worked (closed_at set) */
    int64_t closed_at; /* 0 while open */
    const char *note;
};

/* Everything generated for one account; reused from account to account (sim_reset). */
struct sim_account {
    int64_t index; /* 0-based, the order of signing up */
    bool consumer;
    const char *plan, *segment, *owner, *stage;
    size_t name, attrs; /* offsets into text */
    int64_t customer_since, renewal_date, seats;
    int tz_minutes;
    int name_a, name_b, name_sa, name_sb; /* how contact names are drawn */
    char domain[128];                     /* of the e-mail addresses */
    struct buf text;                      /* every string of the account, NUL-separated */

    struct sim_contact *contacts;
    size_t contacts_nr, contacts_cap;
    struct sim_event *events;
    size_t events_nr, events_cap;
    struct sim_mrr *mrr;
    size_t mrr_nr, mrr_cap;
    struct sim_touchpoint *tps;
    size_t tps_nr, tps_cap;
    struct sim_response *resps;
    size_t resps_nr, resps_cap;
    struct sim_order *orders;
    size_t orders_nr, orders_cap;
    struct sim_followup *fus;
    size_t fus_nr, fus_cap;
};

void sim_init(struct sim_account *a);
void sim_release(struct sim_account *a);
void sim_reset(struct sim_account *a, int64_t index);
/* The string at offset off of a's text (borrowed), NULL for NO_TEXT. */
const char *sim_str(const struct sim_account *a, size_t off);
/* Appends a formatted string to a's text; returns its offset. */
size_t sim_textf(struct sim_account *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends a string appended to a->text since offset `start`; returns start. */
size_t sim_text_end(struct sim_account *a, size_t start);
/* Appends "first.last" + tag + "@" + domain in lower case; returns its offset. The arguments
 * must not point into a's text (appending may move it). */
size_t sim_email(struct sim_account *a, const char *first, const char *last, const char *tag,
                 const char *domain);
/* Each adds a zeroed row and returns its index; the pointer a->x[i] is valid until the next add. */
int sim_add_contact(struct sim_account *a, const char *role, int64_t created_at, double activity);
int sim_add_touchpoint(struct sim_account *a, int64_t ts, int contact, const char *channel,
                       const char *stage, const char *team, const char *kind);
int sim_add_response(struct sim_account *a, int64_t ts, int contact, int survey, int score);
void sim_add_event(struct sim_account *a, int64_t ts, int contact, int feature, int32_t value);
void sim_add_mrr(struct sim_account *a, int64_t date, int64_t mrr, const char *reason);
void sim_add_order(struct sim_account *a, int64_t ts, int64_t amount, int contact);
/* Sorts the events by time (the order they are written in). */
void sim_sort_events(struct sim_account *a);

/* ---- the B2B simulation (demo_b2b.c and the steps it calls) ---- */

enum { ONB_RUNNING, ONB_DONE, ONB_STALLED };

struct ticket {
    int64_t ts, resolved; /* resolved is INT64_MAX for a ticket nobody resolves */
    int topic;
    int tp; /* its touchpoint */
};

struct b2b {
    struct rng *r;
    struct sim_account *a;
    int64_t end; /* "today": nothing happens at or after it */
    int plan;
    double fit;       /* product fit: the account's baseline engagement */
    double drift;     /* weekly trend of engagement (falling usage when negative) */
    double issue;     /* how often the product breaks for this account */
    double budget;    /* price pressure */
    double growth;    /* monthly headcount growth */
    double headcount; /* people who would use the product */
    int64_t seats;
    int discount;    /* percent of list price paid */
    bool covered;    /* gets proactive CSM check-ins */
    bool will_stall; /* onboarding is going to stall */
    int onboarding;  /* ONB_* */
    int64_t onboarding_end;
    int kickoff;  /* the touchpoint a CES response rates */
    int champion; /* contact index, -1 while there is none */
    int users;    /* contacts using the product now */
    bool adopted[FEAT_NR];
    double z, e;  /* latent engagement, and sigmoid(z) in 0..1 */
    double *hist; /* e of every simulated week */
    size_t hist_nr, hist_cap;
    struct ticket *tickets;
    size_t tickets_nr, tickets_cap;
    int64_t last_checkin, next_checkin, next_qbr, next_newsletter, next_nps;
    double nps_mean; /* the last NPS wave's mean score */
    int64_t nps_at, bad_csat_at, expanded_at;
    bool alive;
    int64_t churned_at;
    bool reactivated;
    int64_t bill_anchor;
    int bill_k; /* months since bill_anchor of the next billing date */
    /* The decision to leave, taken weeks before the cancellation (0 while none is pending): the
     * account disengages from decided_at and cancels at the first billing date on or after
     * leave_at, unless a check-in saves it. */
    int64_t decided_at, leave_at, offboard_at;
    int leave_cause; /* CAUSE_* drawn when deciding */
    /* The closed loop (NULL: none), with its own generator, so that an account without
     * follow-ups is the same with or without the loop; kept from account to account. */
    const struct demo_loop *loop;
    struct rng *loop_r;
    size_t loop_seen; /* responses looked at by the loop */
    double speed;     /* the owner's proactiveness: how soon follow-ups are worked */
};

void b2b_init(struct b2b *b);
void b2b_release(struct b2b *b);
/* Simulates B2B account a (a->index, a->customer_since set) until end. */
void demo_b2b_simulate(struct b2b *b, struct sim_account *a, struct rng *r, int64_t end);
/* Mean engagement over weeks [from, to) counted back from the latest (0 = latest). */
double b2b_engagement(const struct b2b *b, size_t from, size_t to);
/* Adds a person to the account with b's naming; returns the contact index. */
int b2b_add_person(struct b2b *b, const char *role, int64_t at, double activity);

/* demo_usage.c: feature adoption and the week's events. */
void usage_adopt(struct b2b *b);
void usage_week(struct b2b *b, int64_t from, int64_t to);
/* Contacts with an event in the 28 days before t. */
int usage_active_users(const struct b2b *b, int64_t t);

/* demo_support.c: tickets, their resolution and CSAT. */
void support_week(struct b2b *b, int64_t from, int64_t to);
/* Tickets opened 14 days or more before t and still open at t. */
int support_open_old(const struct b2b *b, int64_t t);
/* The topic of the oldest ticket open at t, -1 when none. */
int support_open_topic(const struct b2b *b, int64_t t);
/* A CSM escalates the oldest ticket open at t: it gets resolved within days. */
void support_escalate(struct b2b *b, int64_t t);
/* The ticket of an account leaving: how to export its data or cancel, at t. */
void support_offboarding(struct b2b *b, int64_t t);

/* demo_survey.c: NPS waves and the CES after onboarding. */
void survey_nps_wave(struct b2b *b, int64_t t, int64_t limit);
void survey_ces(struct b2b *b, int64_t t);

/* demo_loop.c: the closed loop in the last DEMO_LOOP_DAYS of the history. */
struct demo_loop {
    int64_t start; /* responses from then on are followed up */
    bool (*follows)(void *ctx, const char *survey, int score, const char *comment);
    void *ctx;
};
/* Opens the follow-ups of a's responses from *seen on that the loop's rules match, each with
 * when and how its owner (proactiveness `speed`) works it; *seen becomes a->resps_nr. */
void loop_open(struct sim_account *a, const struct demo_loop *l, struct rng *r, size_t *seen,
               double speed);
/* A consumer's follow-ups, all opened and worked by the support team (an e-mail each). */
void loop_consumer(struct sim_account *a, const struct demo_loop *l, struct rng *r, int64_t end);

/* demo_journey.c: touchpoints of marketing, sales, onboarding, success, product. */
void journey_presale(struct b2b *b);
void journey_kickoff(struct b2b *b);
void journey_onboarding_review(struct b2b *b, int64_t t);
void journey_week(struct b2b *b, int64_t from, int64_t to);
void journey_expansion_call(struct b2b *b, int64_t t);
void journey_renewal_call(struct b2b *b, int64_t t);
void journey_champion_change(struct b2b *b, int64_t t, int old_champion);
void journey_advocacy(struct b2b *b, int64_t t, int contact);
void journey_winback(struct b2b *b, int64_t t);
/* The follow-ups due to be worked before `before`: dismissed, or a conversation with the
 * customer (a touchpoint and, as a check-in, a chance to save an account that decided to
 * leave). */
void journey_followups(struct b2b *b, int64_t before);

/* ---- the B2C slice (demo_consumer.c) ---- */

/* Consumer events beyond the FEAT_* features. */
enum { CONSUMER_VIEW = FEAT_NR, CONSUMER_CHECKOUT };
extern const char *const demo_consumer_events[2];

/* Simulates consumer account a (a->index, a->customer_since set) until end. */
void demo_consumer_simulate(struct sim_account *a, struct rng *r, int64_t end);

/* ---- writing (demo_write.c) ---- */

/* The rows one account is written as, reused from account to account. */
struct demo_rows;
struct demo_rows *demo_rows_new(void);
void demo_rows_free(struct demo_rows *rs); /* NULL is a no-op */
/* Writes account a (its contacts, MRR history, touchpoints, responses, events, orders) inside
 * the caller's transaction; sets the contacts' ids; keeps its follow-ups (demo_rows_followups).
 * `today` is the business's last day. */
int demo_write(struct store *st, int64_t ws, struct sim_account *a, struct demo_rows *rs,
               int64_t today, struct lf_demo_result *out, struct lf_err *err);
/* The follow-ups of the accounts written since the last reset, in the order the loop would
 * have opened them (by time). */
const struct demo_followup *demo_rows_followups(struct demo_rows *rs, size_t *nr);
void demo_rows_followups_reset(struct demo_rows *rs);

#endif

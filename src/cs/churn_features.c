/* churn_features.c - the churn model's (account, snapshot date) rows from the store and the
 * analytics engine: features from before each date, labels from after it (churn_features.h). */
#include "churn_features.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/time.h"

#define DAY MS_PER_DAY

enum {
    F_TENURE,
    F_ANNIVERSARY,
    F_MRR,
    F_MRR_CHANGE_90,
    F_CONTRACTION_90,
    F_SEATS,
    F_ACTIVE,
    F_DAU,
    F_STICKINESS,
    F_EVENTS,
    F_BREADTH,
    F_DEPTH,
    F_UTILISATION,
    F_DAYS_SINCE,
    F_TREND,
    F_ACTIVE_CHANGE_30,
    F_ACTIVE_CHANGE_90,
    F_EVENTS_CHANGE_30,
    F_EVENTS_CHANGE_90,
    F_EVENTS_PER_SEAT,
    F_NPS_LAST,
    F_DETRACTOR,
    F_CSAT,
    F_RESPONSES,
    F_TICKETS_30,
    F_TICKETS_90,
    F_OPEN_TICKETS,
    F_OLD_TICKETS,
    F_RESOLUTION,
    F_CHAMPION,
    F_CHECKINS,
    F_CONTACTS,
    F_ACTIVE_SHARE,
    F_EVENTS_PER_CONTACT,
    F_ACTIVE_SHARE_CHANGE_90,
    F_NO_CHAMPION,
    F_NPS_WAVE,
    F_PROMOTER,
    F_CES_LAST,
    F_DAYS_SINCE_CHECKIN,
    F_NR
};

/* Names and descriptions, in the enum's order. A change ({pct}) is a ratio: 0.42 is +42 %. */
static const struct driver_text features[F_NR] = {
    {"tenure_days", "customer for {value} day{s}", NULL},
    {"days_to_anniversary", "{value} day{s} to the contract's anniversary", NULL},
    {"mrr", "MRR {value}", NULL},
    {"mrr_change_90d", "MRR {fell|held|rose} {abs_pct} in 90 days",
     "not a paying customer 90 days ago"},
    {"contraction_90d", "{no contraction|contracted} in 90 days", NULL},
    {"seats", "{value} seat{s}", "seats unknown"},
    {"active_users_30d", "{value} active user{s} in 30 days", NULL},
    {"dau", "{value} daily active user{s}", NULL},
    {"stickiness", "stickiness (DAU/MAU) {pct}", "no active user in 30 days"},
    {"events_30d", "{value} event{s} in 30 days", NULL},
    {"breadth", "uses {pct} of the features", NULL},
    {"depth", "{value} event{s} per active user", "no active user in 30 days"},
    {"seat_utilisation", "{pct} of seats active", "seats unknown"},
    {"days_since_seen", "last seen {value} day{s} ago", "never seen"},
    {"usage_trend", "weekly active users {fell|held|rose} {abs} % a week",
     "no active user in 8 weeks"},
    {"active_users_change_30d", "active users {fell|held|rose} {abs_pct} in 30 days",
     "no active user 30 days before"},
    {"active_users_change_90d", "active users {fell|held|rose} {abs_pct} in 90 days",
     "no active user 90 days before"},
    {"events_change_30d", "events {fell|held|rose} {abs_pct} in 30 days",
     "no event 30 days before"},
    {"events_change_90d", "events {fell|held|rose} {abs_pct} in 90 days",
     "no event 90 days before"},
    {"events_per_seat_30d", "{value} event{s} per seat in 30 days", "seats unknown"},
    {"nps_last_180d", "last NPS answer {value}", "no NPS answer in 180 days"},
    {"detractor_180d", "{no detractor|a detractor} in 180 days", "no NPS answer in 180 days"},
    {"csat_90d", "CSAT {value} on average in 90 days", "no CSAT answer in 90 days"},
    {"responses_90d", "{value} survey answer{s} in 90 days", NULL},
    {"tickets_30d", "{value} ticket{s} in 30 days", NULL},
    {"tickets_90d", "{value} ticket{s} in 90 days", NULL},
    {"open_tickets", "{value} ticket{s} open", NULL},
    {"open_tickets_14d", "{value} ticket{s} open for 14 days or more", NULL},
    {"resolution_hours_90d", "tickets took {value} hour{s} to resolve (median, 90 days)",
     "no ticket resolved in 90 days"},
    {"champion_changes_90d", "{no champion change|the champion changed} in 90 days", NULL},
    {"checkins_45d", "{value} check-in{s} in 45 days", NULL},
    {"contacts_present", "people known at the account: {value}", NULL},
    {"active_share_30d", "{pct} of the account's people active in 30 days",
     "no person known at the account"},
    {"events_per_contact_30d", "{value} event{s} per person in 30 days",
     "no person known at the account"},
    {"active_share_change_90d", "the share of people active {fell|held|rose} {abs_pct} in 90 days",
     "no person active 90 days before"},
    {"no_champion", "{a champion in place|no champion since the last one left}",
     "no champion ever named"},
    {"nps_wave_180d", "the last NPS wave averaged {value}", "no NPS answer in 180 days"},
    {"promoter_180d", "{no promoter wave|the last NPS wave averaged 9 or more} in 180 days",
     "no NPS answer in 180 days"},
    {"ces_last", "last CES answer {value}", "no CES answer"},
    {"days_since_checkin", "last check-in {value} day{s} ago", "no check-in yet"},
};

const size_t churn_features_nr = F_NR;

const struct driver_text *churn_feature(size_t i)
{
    return i < F_NR ? &features[i] : NULL;
}

struct point {
    int64_t date, mrr;
    size_t seq; /* the store's order, which breaks ties of date */
};

/* A person of an account: present from `from` until `left` (LF_UNSET: still there). */
struct person {
    int64_t from, left;
    bool champion;
};

struct acct {
    int64_t id, seats, start;
    struct person *people;
    size_t people_nr, people_cap;
    char *ext_id, *segment, *plan;
    struct point *mrr; /* by date */
    size_t mrr_nr, mrr_cap;
    size_t resp, resp_end, tp, tp_end; /* their ranges in the sorted arrays */
};

struct resp {
    int64_t acc, ts;
    int kind;     /* SURVEY_NPS, SURVEY_CSAT or SURVEY_CES */
    double score; /* NPS 0..10; CSAT and CES on their survey's scale */
};

enum { TP_TICKET, TP_CHAMPION, TP_CHECKIN };
struct tp {
    int64_t acc, ts, resolved; /* resolved: LF_UNSET while open (or not a ticket) */
    int kind;                  /* TP_* */
};

struct kind_of {
    int64_t id;
    int kind;
};

struct load {
    const struct churn_features_opts *o;
    struct acct *acc;
    size_t acc_nr, acc_cap;
    struct kind_of *surveys;
    size_t surveys_nr, surveys_cap;
    struct resp *resp;
    size_t resp_nr, resp_cap;
    struct tp *tps;
    size_t tps_nr, tps_cap;
};

/* A stored date (a UTC day start standing for a local date) as the instant the local day
 * starts, as the engine reads it. */
static int64_t local(const struct tz *tz, int64_t date)
{
    if (date == LF_UNSET || !tz)
        return date;
    int64_t day = date >= 0 ? date / DAY : -((-date + DAY - 1) / DAY);
    return tz_day_start(tz, day);
}

static struct acct *find(struct load *l, int64_t id)
{
    size_t lo = 0, hi = l->acc_nr;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->acc[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->acc_nr && l->acc[lo].id == id ? &l->acc[lo] : NULL;
}

static int on_account(void *ctx, const struct account *a, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    if (l->o->account && a->id != l->o->account)
        return 0;
    l->acc = xgrow(l->acc, sizeof(*l->acc), l->acc_nr + 1, &l->acc_cap);
    l->acc[l->acc_nr++] =
        (struct acct){.id = a->id,
                      .seats = a->seats,
                      .start = local(l->o->tz, a->customer_since),
                      .ext_id = xstrdup(a->ext_id ? a->ext_id : ""),
                      .segment = a->segment && *a->segment ? xstrdup(a->segment) : NULL,
                      .plan = a->plan && *a->plan ? xstrdup(a->plan) : NULL};
    return 0;
}

/* A contact's presence: from its creation until the date its attributes say it left
 * ({"left_at": "YYYY-MM-DD"}, as the demo and a CRM export write it). */
static int on_contact(void *ctx, const struct contact *c, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    struct acct *a = c->account_id ? find(l, c->account_id) : NULL;
    if (!a || c->created_at == LF_UNSET || c->created_at >= l->o->now)
        return 0;
    int64_t left = LF_UNSET;
    if (c->attrs_json && strstr(c->attrs_json, "left_at")) {
        json_t *j = json_loads(c->attrs_json, 0, NULL);
        const char *s = json_string_value(json_object_get(j, "left_at"));
        const char *why;
        int64_t t;
        if (s && time_parse(s, strlen(s), &t, &why) == 0)
            left = local(l->o->tz, time_day_start(t));
        json_decref(j);
    }
    a->people = xgrow(a->people, sizeof(*a->people), a->people_nr + 1, &a->people_cap);
    a->people[a->people_nr++] =
        (struct person){c->created_at, left, c->role && !strcmp(c->role, "champion")};
    return 0;
}

static int on_mrr(void *ctx, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    struct acct *a = find(l, m->account_id);
    int64_t date = local(l->o->tz, m->date);
    if (!a || date >= l->o->now)
        return 0;
    a->mrr = xgrow(a->mrr, sizeof(*a->mrr), a->mrr_nr + 1, &a->mrr_cap);
    a->mrr[a->mrr_nr] = (struct point){date, m->mrr, a->mrr_nr};
    a->mrr_nr++;
    return 0;
}

static int on_survey(void *ctx, const struct survey *s, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    l->surveys = xgrow(l->surveys, sizeof(*l->surveys), l->surveys_nr + 1, &l->surveys_cap);
    l->surveys[l->surveys_nr++] = (struct kind_of){s->id, s->kind};
    return 0;
}

static int on_response(void *ctx, const struct response *r, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    int kind = -1;
    for (size_t i = 0; i < l->surveys_nr; i++)
        if (l->surveys[i].id == r->survey_id)
            kind = l->surveys[i].kind;
    if ((kind != SURVEY_NPS && kind != SURVEY_CSAT && kind != SURVEY_CES) || !r->account_id || r->ts >= l->o->now ||
        !find(l, r->account_id))
        return 0;
    l->resp = xgrow(l->resp, sizeof(*l->resp), l->resp_nr + 1, &l->resp_cap);
    l->resp[l->resp_nr++] = (struct resp){r->account_id, r->ts, kind, r->score};
    return 0;
}

static int on_touchpoint(void *ctx, const struct touchpoint *t, struct lf_err *err)
{
    (void)err;
    struct load *l = ctx;
    const char *k = t->kind ? t->kind : "";
    bool ticket = !strcmp(k, "ticket");
    int kind = ticket                          ? TP_TICKET
               : !strcmp(k, "champion change") ? TP_CHAMPION
               : !strcmp(k, "proactive check-in") || !strcmp(k, "check-in") || !strcmp(k, "qbr")
                   ? TP_CHECKIN
                   : -1;
    if (kind < 0 || !t->account_id || t->ts >= l->o->now || !find(l, t->account_id))
        return 0;
    int64_t resolved = LF_UNSET;
    /* a resolved ticket's duration is its time to resolution; one without stays open */
    if (ticket && t->status && !strcmp(t->status, "resolved") && isfinite(t->duration_minutes))
        resolved = t->ts + (int64_t)(t->duration_minutes * 60000.0);
    l->tps = xgrow(l->tps, sizeof(*l->tps), l->tps_nr + 1, &l->tps_cap);
    l->tps[l->tps_nr++] = (struct tp){t->account_id, t->ts, resolved, kind};
    return 0;
}

static int by_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_resp(const void *a, const void *b)
{
    const struct resp *x = a, *y = b;
    if (x->acc != y->acc)
        return x->acc < y->acc ? -1 : 1;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int by_tp(const void *a, const void *b)
{
    const struct tp *x = a, *y = b;
    if (x->acc != y->acc)
        return x->acc < y->acc ? -1 : 1;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int by_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int load(struct store *st, int64_t ws, struct load *l, struct lf_err *err)
{
    if (store_accounts_scan(st, ws, on_account, l, err) < 0 ||
        store_contacts_scan(st, ws, on_contact, l, err) < 0 ||
        store_mrr_changes_scan(st, ws, l->o->account, on_mrr, l, err) < 0 ||
        store_surveys_scan(st, ws, on_survey, l, err) < 0 ||
        store_responses_scan(st, ws, on_response, l, err) < 0 ||
        store_touchpoints_scan(st, ws, on_touchpoint, l, err) < 0)
        return -1;
    if (l->resp_nr) /* NULL with nothing: undefined for qsort */
        qsort(l->resp, l->resp_nr, sizeof(*l->resp), by_resp);
    if (l->tps_nr) /* NULL with nothing: undefined for qsort */
        qsort(l->tps, l->tps_nr, sizeof(*l->tps), by_tp);
    size_t r = 0, t = 0;
    for (size_t i = 0; i < l->acc_nr; i++) {
        struct acct *a = &l->acc[i];
        if (a->mrr_nr) /* NULL with nothing: undefined for qsort */
            qsort(a->mrr, a->mrr_nr, sizeof(*a->mrr), by_point);
        if (a->start == LF_UNSET)
            for (size_t k = 0; k < a->mrr_nr && a->start == LF_UNSET; k++)
                if (a->mrr[k].mrr > 0)
                    a->start = a->mrr[k].date;
        while (r < l->resp_nr && l->resp[r].acc < a->id)
            r++;
        a->resp = r;
        while (r < l->resp_nr && l->resp[r].acc == a->id)
            r++;
        a->resp_end = r;
        while (t < l->tps_nr && l->tps[t].acc < a->id)
            t++;
        a->tp = t;
        while (t < l->tps_nr && l->tps[t].acc == a->id)
            t++;
        a->tp_end = t;
    }
    return 0;
}

static void load_release(struct load *l)
{
    for (size_t i = 0; i < l->acc_nr; i++) {
        free(l->acc[i].ext_id);
        free(l->acc[i].segment);
        free(l->acc[i].plan);
        free(l->acc[i].mrr);
        free(l->acc[i].people);
    }
    free(l->acc);
    free(l->surveys);
    free(l->resp);
    free(l->tps);
}

/* The account's MRR as known just before t (the last change before it), LF_UNSET before any:
 * a change on t itself is what happens at t, after the snapshot. */
static int64_t mrr_at(const struct acct *a, int64_t t)
{
    int64_t v = LF_UNSET;
    for (size_t k = 0; k < a->mrr_nr && a->mrr[k].date < t; k++)
        v = a->mrr[k].mrr;
    return v;
}

/* 1 when the MRR went to 0 in [d, d + h), 0 when it did not, NaN when d + h > now: a row whose
 * horizon has not passed is unknown even when the account has churned already, or the latest
 * dates would hold churners only (the stayers' labels are not known yet) and a test set reaching
 * them would count churners picked because they churned. */
static float label_of(const struct acct *a, int64_t d, int64_t h, int64_t now)
{
    if (d + h > now)
        return NAN;
    for (size_t k = 0; k < a->mrr_nr; k++)
        if (a->mrr[k].date >= d && a->mrr[k].date < d + h && a->mrr[k].mrr == 0)
            return 1;
    return 0;
}

/* How a column is made: a feature of the table, a one-hot value, or nothing (missing). */
struct column {
    int feature;       /* F_*, or -1 */
    int category;      /* 0 none, 1 segment, 2 plan */
    const char *value; /* the one-hot value, borrowed from the column's name */
};

static void column_of(const char *name, struct column *c)
{
    *c = (struct column){.feature = -1};
    for (int f = 0; f < F_NR; f++)
        if (!strcmp(name, features[f].feature))
            c->feature = f;
    if (!strncmp(name, "segment=", 8))
        *c = (struct column){-1, 1, name + 8};
    else if (!strncmp(name, "plan=", 5))
        *c = (struct column){-1, 2, name + 5};
}

/* Appends s with its braces doubled, as a template's literal text. */
static void add_literal(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '{' || *s == '}')
            buf_addc(b, *s);
        buf_addc(b, *s);
    }
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every feature, then segment=V and plan=V for the values the accounts hold, sorted. */
static char **all_names(const struct load *l, size_t *nr)
{
    size_t n = 0, cap = F_NR + 2 * l->acc_nr + 1;
    char **names = xmalloc(cap * sizeof(*names));
    for (int f = 0; f < F_NR; f++)
        names[n++] = xstrdup(features[f].feature);
    for (int which = 0; which < 2; which++) {
        size_t first = n;
        for (size_t i = 0; i < l->acc_nr; i++) {
            const char *v = which ? l->acc[i].plan : l->acc[i].segment;
            if (!v)
                continue;
            struct buf b = BUF_INIT;
            buf_addf(&b, "%s=%s", which ? "plan" : "segment", v);
            names[n++] = buf_detach(&b);
        }
        if (n - first) /* NULL with nothing: undefined for qsort */
            qsort(names + first, n - first, sizeof(*names), by_str);
        size_t k = first;
        for (size_t i = first; i < n; i++) {
            if (k > first && !strcmp(names[k - 1], names[i]))
                free(names[i]);
            else
                names[k++] = names[i];
        }
        n = k;
    }
    *nr = n;
    return names;
}

/* The usage rows of one window, by account index (NULL when the engine has none). */
struct usage {
    struct engine_accounts res;
    const struct engine_account_row **of; /* by index into l->acc */
};

static int usage_at(struct engine *e, struct load *l, int64_t to, unsigned what, struct usage *u,
                    struct lf_err *err)
{
    struct engine_query q = {
        .from = to - 30 * DAY, .to = to, .now = to, .account = l->o->account, .tz = l->o->tz};
    memset(u->of, 0, (l->acc_nr ? l->acc_nr : 1) * sizeof(*u->of));
    if (engine_accounts(e, &q, what, &u->res, err) < 0)
        return -1;
    for (size_t i = 0; i < u->res.nr; i++) {
        struct acct *a = find(l, u->res.rows[i].account_id);
        if (a)
            u->of[a - l->acc] = &u->res.rows[i];
    }
    return 0;
}

static double change(double now, double before)
{
    return before > 0 ? (now - before) / before : NAN;
}

static double num(double v)
{
    return isfinite(v) ? v : NAN;
}

static double count(int64_t v)
{
    return v == LF_UNSET ? NAN : (double)v;
}

/* The features of account a at date d into v[F_NR]. */
static void compute(const struct load *l, const struct acct *a, int64_t d,
                    const struct engine_account_row *cur, const struct engine_account_row *p30,
                    const struct engine_account_row *p90, double *scratch, double *v)
{
    for (int f = 0; f < F_NR; f++)
        v[f] = NAN;
    int64_t m = mrr_at(a, d), m90 = mrr_at(a, d - 90 * DAY);
    v[F_TENURE] = a->start != LF_UNSET ? (double)((d - a->start) / DAY) : NAN;
    /* annual contracts renew (or end) on the anniversary of the start */
    v[F_ANNIVERSARY] = isnan(v[F_TENURE]) ? NAN : floor(365.25 - fmod(v[F_TENURE], 365.25));
    v[F_MRR] = (double)m / 100.0;
    v[F_MRR_CHANGE_90] = m90 != LF_UNSET ? change((double)m, (double)m90) : NAN;
    v[F_CONTRACTION_90] = 0;
    int64_t prev = m90;
    for (size_t k = 0; k < a->mrr_nr && a->mrr[k].date < d; k++) {
        if (a->mrr[k].date >= d - 90 * DAY && prev != LF_UNSET && a->mrr[k].mrr < prev)
            v[F_CONTRACTION_90] = 1;
        if (a->mrr[k].date >= d - 90 * DAY)
            prev = a->mrr[k].mrr;
    }
    v[F_SEATS] = a->seats != LF_UNSET ? (double)a->seats : NAN;
    /* usage: an account the engine has no event of had none */
    v[F_ACTIVE] = cur ? (double)cur->mau : 0;
    v[F_DAU] = cur ? num(cur->dau) : 0;
    v[F_EVENTS] = cur ? (double)cur->events : 0;
    v[F_BREADTH] = cur ? num(cur->breadth) : 0;
    if (cur) {
        v[F_STICKINESS] = num(cur->stickiness);
        v[F_DEPTH] = num(cur->depth);
        v[F_UTILISATION] = num(cur->utilisation);
        v[F_DAYS_SINCE] = count(cur->days_since);
        v[F_TREND] = num(cur->trend);
    } else if (a->seats != LF_UNSET && a->seats > 0) {
        v[F_UTILISATION] = 0;
    }
    if (a->seats != LF_UNSET && a->seats > 0)
        v[F_EVENTS_PER_SEAT] = v[F_EVENTS] / (double)a->seats;
    double mau30 = p30 ? (double)p30->mau : 0, mau90 = p90 ? (double)p90->mau : 0;
    double ev30 = p30 ? (double)p30->events : 0, ev90 = p90 ? (double)p90->events : 0;
    v[F_ACTIVE_CHANGE_30] = change(v[F_ACTIVE], mau30);
    v[F_ACTIVE_CHANGE_90] = change(v[F_ACTIVE], mau90);
    v[F_EVENTS_CHANGE_30] = change(v[F_EVENTS], ev30);
    v[F_EVENTS_CHANGE_90] = change(v[F_EVENTS], ev90);
    /* experience: the answers of the 90 days before d (NPS: of 180 days, as waves are rare) */
    double csat = 0;
    int csat_n = 0, answers = 0;
    for (size_t k = a->resp; k < a->resp_end && l->resp[k].ts < d; k++) {
        const struct resp *r = &l->resp[k];
        if (r->ts < d - 180 * DAY)
            continue;
        if (r->kind == SURVEY_NPS) {
            v[F_NPS_LAST] = r->score;
            if (isnan(v[F_DETRACTOR]))
                v[F_DETRACTOR] = 0;
            if (r->score <= 6)
                v[F_DETRACTOR] = 1;
        }
        if (r->ts < d - 90 * DAY)
            continue;
        answers++;
        if (r->kind == SURVEY_CSAT) {
            csat += r->score;
            csat_n++;
        }
    }
    v[F_CSAT] = csat_n ? csat / csat_n : NAN;
    /* the last NPS wave: the answers of the 28 days up to the last one of 180 days (an
     * account's people answer a wave within days of each other) */
    int64_t last_nps = LF_UNSET;
    for (size_t k = a->resp; k < a->resp_end && l->resp[k].ts < d; k++) {
        const struct resp *r = &l->resp[k];
        if (r->kind == SURVEY_CES)
            v[F_CES_LAST] = r->score;
        if (r->kind == SURVEY_NPS && r->ts >= d - 180 * DAY)
            last_nps = r->ts;
    }
    if (last_nps != LF_UNSET) {
        double sum = 0;
        int n = 0;
        for (size_t k = a->resp; k < a->resp_end && l->resp[k].ts <= last_nps; k++)
            if (l->resp[k].kind == SURVEY_NPS && l->resp[k].ts > last_nps - 28 * DAY)
                sum += l->resp[k].score, n++;
        v[F_NPS_WAVE] = sum / n;
        v[F_PROMOTER] = v[F_NPS_WAVE] >= 9;
    }
    /* the people: present at d (arrived before it, not gone before it), and the champion */
    int present = 0, present90 = 0;
    bool champion_known = false, champion_now = false;
    for (size_t k = 0; k < a->people_nr; k++) {
        const struct person *p = &a->people[k];
        if (p->from >= d)
            continue;
        bool here = p->left == LF_UNSET || p->left >= d;
        present += here;
        present90 += p->from < d - 90 * DAY && (p->left == LF_UNSET || p->left >= d - 90 * DAY);
        champion_known |= p->champion;
        champion_now |= p->champion && here;
    }
    v[F_CONTACTS] = present;
    if (present) {
        v[F_ACTIVE_SHARE] = v[F_ACTIVE] / present;
        v[F_EVENTS_PER_CONTACT] = v[F_EVENTS] / present;
    }
    if (present && present90 && p90 && p90->mau > 0)
        v[F_ACTIVE_SHARE_CHANGE_90] =
            change(v[F_ACTIVE_SHARE], (double)p90->mau / (double)present90);
    if (champion_known)
        v[F_NO_CHAMPION] = !champion_now;
    v[F_RESPONSES] = answers;
    /* support and relationship */
    size_t resolved_nr = 0;
    v[F_TICKETS_30] = v[F_TICKETS_90] = v[F_OPEN_TICKETS] = v[F_OLD_TICKETS] = 0;
    v[F_CHAMPION] = v[F_CHECKINS] = 0;
    for (size_t k = a->tp; k < a->tp_end && l->tps[k].ts < d; k++) {
        const struct tp *t = &l->tps[k];
        if (t->kind == TP_CHAMPION) {
            v[F_CHAMPION] += t->ts >= d - 90 * DAY;
            continue;
        }
        if (t->kind == TP_CHECKIN) {
            v[F_CHECKINS] += t->ts >= d - 45 * DAY;
            v[F_DAYS_SINCE_CHECKIN] = (double)((d - t->ts) / DAY);
            continue;
        }
        v[F_TICKETS_30] += t->ts >= d - 30 * DAY;
        v[F_TICKETS_90] += t->ts >= d - 90 * DAY;
        /* open at d: not resolved before d (what the store calls resolved may have been
         * resolved after d) */
        bool open = t->resolved == LF_UNSET || t->resolved > d;
        v[F_OPEN_TICKETS] += open;
        v[F_OLD_TICKETS] += open && t->ts <= d - 14 * DAY;
        if (t->ts >= d - 90 * DAY && t->resolved != LF_UNSET && t->resolved <= d)
            scratch[resolved_nr++] = (double)(t->resolved - t->ts) / 3600000.0;
    }
    if (resolved_nr) {
        if (resolved_nr) /* NULL with nothing: undefined for qsort */
            qsort(scratch, resolved_nr, sizeof(*scratch), by_double);
        v[F_RESOLUTION] = resolved_nr % 2
                              ? scratch[resolved_nr / 2]
                              : (scratch[resolved_nr / 2 - 1] + scratch[resolved_nr / 2]) / 2;
    }
}

int churn_features_build(struct store *st, int64_t ws, struct engine *e,
                         const struct churn_features_opts *o, struct churn_matrix *out,
                         struct lf_err *err)
{
    struct load l = {.o = o};
    struct usage u[3] = {{{0}}};
    struct column *cols = NULL;
    char **names = NULL;
    size_t names_nr = 0;
    int64_t *dates = NULL;
    double *scratch = NULL;
    int rc = -1;
    *out = (struct churn_matrix){0};
    if (load(st, ws, &l, err) < 0)
        goto out;
    if (o->names) {
        names_nr = o->names_nr;
        names = xmalloc((names_nr ? names_nr : 1) * sizeof(*names));
        for (size_t c = 0; c < names_nr; c++)
            names[c] = xstrdup(o->names[c]);
    } else {
        names = all_names(&l, &names_nr);
    }
    churn_matrix_init(out, names_nr, (const char *const *)names);
    cols = xmalloc((names_nr ? names_nr : 1) * sizeof(*cols));
    for (size_t c = 0; c < names_nr; c++) {
        column_of(names[c], &cols[c]);
        if (cols[c].feature >= 0) {
            const struct driver_text *t = &features[cols[c].feature];
            churn_matrix_describe(out, c, t->text, t->missing);
        } else if (cols[c].category) {
            struct buf b = BUF_INIT;
            buf_adds(&b, cols[c].category == 1 ? "segment {is not|is} " : "plan {is not|is} ");
            add_literal(&b, cols[c].value);
            churn_matrix_describe(out, c, buf_str(&b), NULL);
            buf_release(&b);
        }
    }
    out->keys_nr = l.acc_nr;
    out->keys = xcalloc(l.acc_nr ? l.acc_nr : 1, sizeof(*out->keys));
    for (size_t i = 0; i < l.acc_nr; i++)
        out->keys[i] = xstrdup(l.acc[i].ext_id);
    for (int w = 0; w < 3; w++)
        u[w].of = xmalloc((l.acc_nr ? l.acc_nr : 1) * sizeof(*u[w].of));
    dates = xmalloc((o->dates_nr ? o->dates_nr : 1) * sizeof(*dates));
    if (o->dates_nr) { /* NULL with nothing: undefined for memcpy and qsort */
        memcpy(dates, o->dates, o->dates_nr * sizeof(*dates));
        qsort(dates, o->dates_nr, sizeof(*dates), by_i64);
    }
    size_t most_tps = 1;
    for (size_t i = 0; i < l.acc_nr; i++)
        if (l.acc[i].tp_end - l.acc[i].tp > most_tps)
            most_tps = l.acc[i].tp_end - l.acc[i].tp;
    scratch = xmalloc(most_tps * sizeof(*scratch));
    for (size_t di = 0; di < o->dates_nr; di++) {
        int64_t d = dates[di];
        if (di && d == dates[di - 1])
            continue;
        for (int w = 0; w < 3; w++)
            engine_accounts_free(&u[w].res);
        if (usage_at(e, &l, d, ENGINE_ACC_ALL, &u[0], err) < 0 ||
            usage_at(e, &l, d - 30 * DAY, ENGINE_ACC_ACTIVITY | ENGINE_ACC_ADOPTION, &u[1], err) <
                0 ||
            usage_at(e, &l, d - 90 * DAY, ENGINE_ACC_ACTIVITY | ENGINE_ACC_ADOPTION, &u[2], err) <
                0)
            goto out;
        for (size_t i = 0; i < l.acc_nr; i++) {
            const struct acct *a = &l.acc[i];
            int64_t m = mrr_at(a, d);
            /* only a paying customer just before d can churn from d on */
            if (m == LF_UNSET || m <= 0 || (a->start != LF_UNSET && a->start >= d))
                continue;
            double v[F_NR];
            compute(&l, a, d, u[0].of[i], u[1].of[i], u[2].of[i], scratch, v);
            size_t r = churn_matrix_add(out, (int64_t)i, d, label_of(a, d, o->horizon_ms, o->now));
            float *x = churn_matrix_row(out, r);
            for (size_t c = 0; c < names_nr; c++) {
                const char *held = cols[c].category == 1 ? a->segment : a->plan;
                if (cols[c].feature >= 0)
                    x[c] = (float)v[cols[c].feature];
                else if (cols[c].category)
                    x[c] = !held ? NAN : !strcmp(held, cols[c].value) ? 1.0f : 0.0f;
            }
        }
    }
    rc = 0;
out:
    if (rc < 0)
        churn_matrix_release(out);
    for (int w = 0; w < 3; w++) {
        engine_accounts_free(&u[w].res);
        free(u[w].of);
    }
    for (size_t c = 0; c < names_nr; c++)
        free(names[c]);
    free(names);
    free(cols);
    free(dates);
    free(scratch);
    load_release(&l);
    return rc;
}

int64_t *churn_snapshot_dates(const struct tz *tz, int64_t now, int n)
{
    int64_t *d = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(*d));
    int64_t last = tz_period_start(tz, TZ_MONTH, now);
    for (int i = 0; i < n; i++)
        d[i] = tz_period_add(tz, TZ_MONTH, last, -i);
    return d;
}

/* book.c - the portfolio ("book of business"): every account with its revenue, renewal,
 * usage, experience and support figures, filtered, searched, sorted and paged for the
 * dashboard's portfolio page.
 *
 * Its figures per account are kept between calls (metric_cache) so that a page of 50 of
 * 100 000 accounts costs a filter and a sort, not a read of the store: the accounts' fields,
 * their latest NPS and CSAT and their open tickets are brought up to date from the change log
 * (only the accounts it names are read again), and the usage of the last 30 days, one pass of
 * the engine over every account, is computed again when it is a minute old (or for another
 * `now`). The health columns are the daily history's (health_scores: the latest day on or
 * before now's local date and the day 7 days before it), read again when that day changes or
 * they are a minute old; the churn risk is the latest churn model's (scored by core: the model
 * is core's), scored again for a new model, another `now`, or when 10 minutes old. A column is
 * one row of `cols` below, with what fills it. A page is picked by a heap of offset + limit
 * rows, filters compare codes of the accounts' values, a search scans one text of every id and
 * name. account-values (the filters' choices) counts the same rows: it shares this cache
 * (cache_of) and keeps its unfiltered answer until the rows change. */
#include "metrics.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "base/tz.h"
#include "report/table.h"
#include "store/book.h"

#define USAGE_DAYS 30
#define USAGE_MAX_AGE_MS 60000 /* without `now`: usage as of at most a minute ago */
#define CHANGED_MAX 2000       /* more changed accounts than this: read them all again */

/* One account's figures. */
struct brow {
    int64_t id;
    char *ext_id, *name, *owner, *plan, *segment, *stage, *currency;
    /* segment, plan, owner, stage ("(none)" when unset) as codes of the book's `codes`: a
     * filter compares numbers in the row, not strings elsewhere in memory */
    int32_t code[4];
    int64_t mrr, seats, customer_since, renewal_date; /* LF_UNSET when unknown */
    int64_t nps, csat, nps_at, csat_at;                /* the latest scores; LF_UNSET: none */
    int64_t open_tickets;
    /* usage over the 30 days before the usage's `now` */
    int64_t users, last_seen; /* LF_UNSET when the engine has no such account */
    double trend, breadth;    /* NAN when undefined */
    /* health: the history's score of the latest day and of 7 days before (LF_UNSET: none) */
    int64_t health, health_before;
    int band;    /* enum band */
    double risk; /* the churn model's; NAN when not scored */
};

enum band { BAND_NONE, BAND_RED, BAND_YELLOW, BAND_GREEN };
static const char *const band_names[] = {NULL, "red", "yellow", "green"};
#define HEALTH_BACK_DAYS 7
#define CHURN_MAX_AGE_MS 600000 /* scoring every account costs a pass over the store */

struct book {
    struct brow *rows; /* by id */
    size_t nr, cap;
    struct strmap codes; /* every value of segment, plan, owner or stage seen: its code */
    int32_t codes_nr;
    /* the search's text: each row's id and name in lowercase, each ended by '\0', in the
     * rows' order (row i from at[i]); one scan of it finds a search's rows, where a
     * strstr per row spends its time starting 200 000 times (made again after a change) */
    char *text;
    size_t *at;
    bool text_ok;
    int64_t seq;       /* the change-log position the rows are at */
    bool loaded;
    /* the usage: as of usage_now, with the store's events up to usage_events */
    bool usage;
    int64_t usage_now, usage_events, usage_made; /* usage_made: the clock when computed */
    /* account-values' answer without filters, while the rows stay as they are (values_ok) */
    struct count *values;
    size_t values_nr;
    bool values_ok;
    /* the health columns: of history day health_day, read at the clock's health_made */
    bool health;
    int64_t health_day, health_made;
    /* the churn risks: of model churn_version as of churn_now, scored at the clock's churn_made */
    bool churn;
    int64_t churn_version, churn_now, churn_made;
};

/* A value of a field and the accounts with it (account-values' rows). */
struct count {
    int dim;
    const char *value; /* borrowed from a row, or in book.values a copy the book owns */
    int64_t n;
};

static void row_release(struct brow *r)
{
    free(r->ext_id);
    free(r->name);
    free(r->owner);
    free(r->plan);
    free(r->segment);
    free(r->stage);
    free(r->currency);
}

/* Forgets what is made from the rows (the search's text, account-values' answer): they change. */
static void derived_forget(struct book *b)
{
    b->text_ok = false;
    for (size_t i = 0; i < b->values_nr; i++)
        free((char *)b->values[i].value);
    free(b->values);
    b->values = NULL;
    b->values_nr = 0;
    b->values_ok = false;
}

static void book_free(void *p)
{
    struct book *b = p;
    for (size_t i = 0; i < b->nr; i++)
        row_release(&b->rows[i]);
    free(b->rows);
    derived_forget(b);
    strmap_release(&b->codes);
    free(b->text);
    free(b->at);
    free(b);
}

static struct brow *find(struct book *b, int64_t id)
{
    size_t lo = 0, hi = b->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->rows[mid].id == id)
            return &b->rows[mid];
        if (b->rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static char *dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static char *dup_lower(const char *s)
{
    char *d = dup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* ---- the store's part ---- */

static const char *dim_value(const struct brow *r, int dim)
{
    const char *v = dim == DIM_ACCOUNT   ? r->ext_id
                    : dim == DIM_SEGMENT ? r->segment
                    : dim == DIM_PLAN    ? r->plan
                    : dim == DIM_OWNER   ? r->owner
                                         : r->stage;
    return v && *v ? v : "(none)";
}

/* The code of value v (a new one when first seen). */
static int32_t code_of(struct book *b, const char *v)
{
    int64_t code;
    if (!strmap_get(&b->codes, v, strlen(v), &code)) {
        code = b->codes_nr++;
        strmap_put(&b->codes, v, strlen(v), code);
    }
    return (int32_t)code;
}

/* Sets an account's fields, adding its row (in id order) when new. */
static int put_account(void *ctx, const struct account *a, struct lf_err *err)
{
    (void)err;
    struct book *b = ctx;
    struct brow *r = find(b, a->id);
    if (!r) {
        size_t at = b->nr;
        while (at > 0 && b->rows[at - 1].id > a->id)
            at--; /* new accounts come last but for a row made again after a delete */
        b->rows = xgrow(b->rows, sizeof(*b->rows), b->nr + 1, &b->cap);
        memmove(&b->rows[at + 1], &b->rows[at], (b->nr - at) * sizeof(*b->rows));
        b->nr++;
        r = &b->rows[at];
        *r = (struct brow){.id = a->id, .nps = LF_UNSET, .csat = LF_UNSET, .nps_at = LF_UNSET,
                           .csat_at = LF_UNSET, .users = LF_UNSET, .last_seen = LF_UNSET, .trend = NAN, .breadth = NAN,
                           .health = LF_UNSET, .health_before = LF_UNSET, .risk = NAN};
        /* a new row has no health yet: read the history again (cheap); its churn risk waits
         * for the next scoring (scoring every account is not) */
        b->health = false;
    } else {
        row_release(r);
    }
    r->ext_id = dup(a->ext_id);
    r->name = dup(a->name);
    r->owner = dup(a->owner);
    r->plan = dup(a->plan);
    r->segment = dup(a->segment);
    r->stage = dup(a->stage);
    r->currency = dup(a->currency ? a->currency : "USD");
    r->mrr = a->mrr;
    r->seats = a->seats;
    r->customer_since = a->customer_since;
    r->renewal_date = a->renewal_date;
    for (int d = DIM_SEGMENT; d <= DIM_STAGE; d++)
        r->code[d - DIM_SEGMENT] = code_of(b, dim_value(r, d));
    return 0;
}

static int put_score(void *ctx, const struct store_last_score *s, struct lf_err *err)
{
    (void)err;
    struct brow *r = find(ctx, s->account_id);
    if (!r)
        return 0;
    if (s->kind == SURVEY_NPS) { /* by time: the last one is the latest */
        r->nps = s->score;
        r->nps_at = s->ts;
    } else {
        r->csat = s->score;
        r->csat_at = s->ts;
    }
    return 0;
}

static int put_tickets(void *ctx, int64_t account, int64_t n, struct lf_err *err)
{
    (void)err;
    struct brow *r = find(ctx, account);
    if (r)
        r->open_tickets = n;
    return 0;
}

static void clear_store_figures(struct brow *r)
{
    r->nps = r->csat = r->nps_at = r->csat_at = LF_UNSET;
    r->open_tickets = 0;
}

static int load_all(struct book *b, const struct metric_ctx *c, struct lf_err *err)
{
    for (size_t i = 0; i < b->nr; i++)
        row_release(&b->rows[i]);
    b->nr = 0;
    b->usage = false;
    b->health = b->churn = false;
    derived_forget(b);
    if (store_accounts_scan(c->st, c->ws, put_account, b, err) < 0 ||
        store_book_scores(c->st, c->ws, 0, put_score, b, err) < 0 ||
        store_book_open_tickets(c->st, c->ws, 0, put_tickets, b, err) < 0)
        return -1;
    b->loaded = true;
    return 0;
}

struct changed {
    int64_t *ids;
    size_t nr, cap;
};

static int add_changed(void *ctx, int64_t account, int64_t n, struct lf_err *err)
{
    (void)n, (void)err;
    struct changed *ch = ctx;
    ch->ids = xgrow(ch->ids, sizeof(*ch->ids), ch->nr + 1, &ch->cap);
    ch->ids[ch->nr++] = account;
    return 0;
}

static int id_cmp(const void *pa, const void *pb)
{
    int64_t x = *(const int64_t *)pa, y = *(const int64_t *)pb;
    return x < y ? -1 : x > y;
}

/* Reads again the accounts in ch (sorted, distinct): those that are gone leave the book. */
static int load_some(struct book *b, const struct metric_ctx *c, const struct changed *ch,
                     struct lf_err *err)
{
    derived_forget(b);
    for (size_t i = 0; i < ch->nr; i++) {
        struct brow *r = find(b, ch->ids[i]);
        if (r)
            r->currency[0] = '\0'; /* marks it: an account read again gets its currency back */
    }
    if (store_accounts_some(c->st, c->ws, ch->ids, ch->nr, put_account, b, err) < 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < b->nr; i++) {
        if (b->rows[i].currency && !b->rows[i].currency[0]) { /* deleted */
            row_release(&b->rows[i]);
            continue;
        }
        b->rows[o++] = b->rows[i];
    }
    b->nr = o;
    for (size_t i = 0; i < ch->nr; i++) {
        struct brow *r = find(b, ch->ids[i]);
        if (!r)
            continue;
        clear_store_figures(r);
        if (store_book_scores(c->st, c->ws, r->id, put_score, b, err) < 0 ||
            store_book_open_tickets(c->st, c->ws, r->id, put_tickets, b, err) < 0)
            return -1;
        /* its usage is the engine's, kept */
    }
    return 0;
}

/* Brings the store's part up to the snapshot's change-log position. */
static int update_store_part(struct book *b, const struct metric_ctx *c, int64_t seq,
                             struct lf_err *err)
{
    if (!b->loaded)
        return load_all(b, c, err) < 0 ? -1 : (b->seq = seq, 0);
    if (seq == b->seq)
        return 0;
    struct changed ch = {0};
    bool reset = false;
    int rc = store_book_changed(c->st, c->ws, b->seq, seq, add_changed, &ch, &reset, err);
    if (rc == 0 && (reset || seq < b->seq || ch.nr > CHANGED_MAX)) {
        rc = load_all(b, c, err);
    } else if (rc == 0 && ch.nr) {
        qsort(ch.ids, ch.nr, sizeof(*ch.ids), id_cmp);
        size_t o = 0;
        for (size_t i = 0; i < ch.nr; i++)
            if (!o || ch.ids[o - 1] != ch.ids[i])
                ch.ids[o++] = ch.ids[i];
        ch.nr = o;
        rc = load_some(b, c, &ch, err);
    }
    free(ch.ids);
    if (rc < 0) {
        b->loaded = false; /* half updated: read everything next time */
        return -1;
    }
    b->seq = seq;
    return 0;
}

/* ---- the engine's part ---- */

static int update_usage(struct book *b, const struct metric_ctx *c, int64_t events,
                        struct lf_err *err)
{
    int64_t clock = time_now_ms();
    bool fresh = b->usage && (c->now_given ? b->usage_now == c->now && b->usage_events == events
                                           : clock - b->usage_made < USAGE_MAX_AGE_MS &&
                                                 b->usage_made <= clock);
    if (fresh)
        return 0;
    struct engine_query q = {.now = c->now, .to = c->now,
                             .from = c->now - USAGE_DAYS * MS_PER_DAY};
    struct engine_accounts a;
    if (engine_accounts(c->e, &q, ENGINE_ACC_ALL, &a, err) < 0)
        return -1;
    for (size_t i = 0; i < b->nr; i++) {
        b->rows[i].users = b->rows[i].last_seen = LF_UNSET;
        b->rows[i].trend = b->rows[i].breadth = NAN;
    }
    for (size_t i = 0; i < a.nr; i++) {
        struct brow *r = find(b, a.rows[i].account_id);
        if (!r)
            continue;
        r->users = a.rows[i].mau;
        r->last_seen = a.rows[i].last_seen;
        r->trend = isnan(a.rows[i].trend) ? NAN : a.rows[i].trend / 100.0;
        r->breadth = a.rows[i].breadth;
    }
    engine_accounts_free(&a);
    b->usage = true;
    b->usage_now = c->now;
    b->usage_events = events;
    b->usage_made = clock;
    return 0;
}

/* ---- the health history's part ---- */

struct health_read {
    struct book *b;
    bool before; /* reading the day 7 days before */
};

static int put_health(void *ctx, const struct store_health_score *s, struct lf_err *err)
{
    (void)err;
    struct health_read *h = ctx;
    struct brow *r = find(h->b, s->account_id);
    if (!r)
        return 0;
    if (h->before) {
        r->health_before = s->score;
        return 0;
    }
    r->health = s->score;
    r->band = BAND_NONE;
    for (int k = BAND_RED; k <= BAND_GREEN; k++)
        if (s->band && !strcmp(s->band, band_names[k]))
            r->band = k;
    return 0;
}

static int update_health(struct book *b, const struct metric_ctx *c, struct lf_err *err)
{
    int64_t clock = time_now_ms(), day = LF_UNSET;
    /* the days are stored as the UTC midnight of their local date */
    int found = store_health_last_day(c->st, c->ws,
                                      (tz_local_day(c->tz, c->now) + 1) * MS_PER_DAY, &day, err);
    if (found < 0)
        return -1;
    if (!found)
        day = LF_UNSET;
    if (b->health && b->health_day == day && clock - b->health_made < USAGE_MAX_AGE_MS &&
        b->health_made <= clock)
        return 0;
    for (size_t i = 0; i < b->nr; i++) {
        b->rows[i].health = b->rows[i].health_before = LF_UNSET;
        b->rows[i].band = BAND_NONE;
    }
    if (found) {
        struct health_read now = {b, false}, before = {b, true};
        int64_t back = day - HEALTH_BACK_DAYS * MS_PER_DAY;
        if (store_health_scan(c->st, c->ws, 0, day, day + MS_PER_DAY, put_health, &now, err) < 0 ||
            store_health_scan(c->st, c->ws, 0, back, back + MS_PER_DAY, put_health, &before,
                              err) < 0)
            return -1;
    }
    b->health = true;
    b->health_day = day;
    b->health_made = clock;
    return 0;
}

/* ---- the churn model's part ---- */

static int ext_cmp(const void *pa, const void *pb)
{
    const struct brow *x = *(const struct brow *const *)pa, *y = *(const struct brow *const *)pb;
    return strcmp(x->ext_id, y->ext_id);
}

struct by_ext {
    struct brow **rows; /* by ext_id */
    size_t nr;
};

static int put_risk(void *ctx, const char *account, double risk, struct lf_err *err)
{
    (void)err;
    struct by_ext *x = ctx;
    struct brow key = {.ext_id = (char *)account}, *k = &key;
    struct brow **r = bsearch(&k, x->rows, x->nr, sizeof(*x->rows), ext_cmp);
    if (r)
        (*r)->risk = risk;
    return 0;
}

static int update_churn(struct book *b, const struct metric_ctx *c, struct lf_err *err)
{
    int64_t clock = time_now_ms(), version;
    if (!c->churn_risks || !c->e) /* no model without core */
        return 0;
    if (c->churn_risks(c, true, &version, NULL, NULL, err) < 0)
        return -1;
    bool fresh = b->churn && b->churn_version == version &&
                 (c->now_given ? b->churn_now == c->now
                               : clock - b->churn_made < CHURN_MAX_AGE_MS && b->churn_made <= clock);
    if (fresh)
        return 0;
    for (size_t i = 0; i < b->nr; i++)
        b->rows[i].risk = NAN;
    if (version) {
        struct by_ext x = {xmalloc((b->nr ? b->nr : 1) * sizeof(*x.rows)), 0};
        for (size_t i = 0; i < b->nr; i++)
            if (b->rows[i].ext_id)
                x.rows[x.nr++] = &b->rows[i];
        qsort(x.rows, x.nr, sizeof(*x.rows), ext_cmp);
        int rc = c->churn_risks(c, false, &version, put_risk, &x, err);
        free(x.rows);
        if (rc < 0)
            return -1;
    }
    b->churn = true;
    b->churn_version = version;
    b->churn_now = c->now;
    b->churn_made = clock;
    return 0;
}

/* ---- the columns ---- */

enum kind { K_TEXT, K_INT, K_REAL, K_DATE, K_TIME };

/* A cell of row r, for output and sorting: its kind says which member holds it. */
struct cell {
    const char *s;
    int64_t i; /* LF_UNSET: null */
    double d;  /* NAN: null */
};

typedef void (*cell_fn)(const struct brow *r, int64_t today, struct cell *out);

#define TEXT_CELL(field)                                                                       \
    static void c_##field(const struct brow *r, int64_t today, struct cell *o)                 \
    {                                                                                          \
        (void)today;                                                                           \
        o->s = r->field;                                                                       \
    }
#define INT_CELL(field)                                                                        \
    static void c_##field(const struct brow *r, int64_t today, struct cell *o)                 \
    {                                                                                          \
        (void)today;                                                                           \
        o->i = r->field;                                                                       \
    }
#define REAL_CELL(field)                                                                       \
    static void c_##field(const struct brow *r, int64_t today, struct cell *o)                 \
    {                                                                                          \
        (void)today;                                                                           \
        o->d = r->field;                                                                       \
    }
TEXT_CELL(ext_id)
TEXT_CELL(name)
TEXT_CELL(owner)
TEXT_CELL(plan)
TEXT_CELL(segment)
TEXT_CELL(stage)
TEXT_CELL(currency)
INT_CELL(mrr)
INT_CELL(seats)
INT_CELL(customer_since)
INT_CELL(renewal_date)
INT_CELL(users)
REAL_CELL(trend)
REAL_CELL(breadth)
INT_CELL(last_seen)
INT_CELL(nps)
INT_CELL(nps_at)
INT_CELL(csat)
INT_CELL(csat_at)
INT_CELL(open_tickets)

INT_CELL(health)
REAL_CELL(risk)

static void c_health_band(const struct brow *r, int64_t today, struct cell *o)
{
    (void)today;
    o->s = band_names[r->band];
}

static void c_health_change(const struct brow *r, int64_t today, struct cell *o)
{
    (void)today;
    o->i = r->health == LF_UNSET || r->health_before == LF_UNSET ? LF_UNSET
                                                                 : r->health - r->health_before;
}

static void c_renewal_days(const struct brow *r, int64_t today, struct cell *o)
{
    o->i = r->renewal_date == LF_UNSET ? LF_UNSET : r->renewal_date / MS_PER_DAY - today;
}

/* The columns, in order: name, type, help, kind, cell. A later figure (health) is a line here
 * and what fills it in struct brow. */
#define BOOK_COLUMNS(X)                                                                        \
    X("account", LF_COL_TEXT, "the account's id", K_TEXT, c_ext_id)                            \
    X("name", LF_COL_TEXT, "", K_TEXT, c_name)                                                 \
    X("owner", LF_COL_TEXT, "the user who owns it (its CSM)", K_TEXT, c_owner)                 \
    X("plan", LF_COL_TEXT, "", K_TEXT, c_plan)                                                 \
    X("segment", LF_COL_TEXT, "", K_TEXT, c_segment)                                           \
    X("stage", LF_COL_TEXT, "lifecycle stage", K_TEXT, c_stage)                                \
    X("currency", LF_COL_TEXT, "of mrr", K_TEXT, c_currency)                                   \
    X("mrr", LF_COL_MONEY, "current MRR", K_INT, c_mrr)                                        \
    X("seats", LF_COL_INT, "seats purchased", K_INT, c_seats)                                  \
    X("customer_since", LF_COL_TEXT, "a date", K_DATE, c_customer_since)                       \
    X("renewal_date", LF_COL_TEXT, "a date", K_DATE, c_renewal_date)                           \
    X("renewal_days", LF_COL_INT, "days from today (UTC) to the renewal date; < 0 when past",  \
      K_INT, c_renewal_days)                                                                   \
    X("users", LF_COL_INT, "active users in the 30 days before now", K_INT, c_users)           \
    X("trend", LF_COL_PERCENT, "weekly users' slope over 8 weeks, as a share of their mean",   \
      K_REAL, c_trend)                                                                         \
    X("breadth", LF_COL_PERCENT, "features used in the 30 days / event names in the catalogue",\
      K_REAL, c_breadth)                                                                       \
    X("last_seen", LF_COL_TEXT, "the last event before now", K_TIME, c_last_seen)              \
    X("nps_last", LF_COL_INT, "the latest NPS response's score (0..10)", K_INT, c_nps)         \
    X("nps_last_at", LF_COL_TEXT, "when it was given", K_TIME, c_nps_at)                       \
    X("csat_last", LF_COL_INT, "the latest CSAT response's score (1..5)", K_INT, c_csat)       \
    X("csat_last_at", LF_COL_TEXT, "when it was given", K_TIME, c_csat_at)                     \
    X("open_tickets", LF_COL_INT, "support tickets (touchpoints) with status open", K_INT,     \
      c_open_tickets)                                                                          \
    X("health", LF_COL_INT, "health score 0-100 of the history's latest day up to now",        \
      K_INT, c_health)                                                                         \
    X("health_band", LF_COL_TEXT, "its band: red, yellow or green", K_TEXT, c_health_band)     \
    X("health_change_7d", LF_COL_INT, "the score minus the history's score 7 days before",     \
      K_INT, c_health_change)                                                                  \
    X("churn_risk", LF_COL_PERCENT, "the latest churn model's probability of churning within "  \
      "its horizon; null without a model or for an account not paying", K_REAL, c_risk)

#define COL_INFO(n, t, h, k, f) {n, t, h},
#define COL_CELL(n, t, h, k, f) {k, f},
#define COL_SORTS(n, t, h, k, f) n, "-" n,
static const struct lf_column_info book_cols[] = {BOOK_COLUMNS(COL_INFO)};
static const struct {
    int kind; /* enum kind */
    cell_fn cell;
} cols[] = {BOOK_COLUMNS(COL_CELL)};
#define COLS_NR (sizeof(cols) / sizeof(*cols))
/* The sort choices: each column, ascending and (with '-') descending. */
static const char *const sorts[] = {BOOK_COLUMNS(COL_SORTS) NULL};
#define SORT_DEFAULT 15 /* -mrr */

static bool is_null(int kind, const struct cell *x)
{
    return kind == K_TEXT ? !x->s : kind == K_REAL ? isnan(x->d) : x->i == LF_UNSET;
}

/* ---- a request: filter, search, sort, page ---- */

struct view {
    const struct brow **rows;
    size_t nr;
    int col;   /* sorted by */
    bool desc;
    int64_t today;
};

static struct view *sorting; /* qsort has no context argument; guarded by the cache's mutex */

static int row_cmp(const void *pa, const void *pb)
{
    const struct brow *x = *(const struct brow *const *)pa, *y = *(const struct brow *const *)pb;
    int kind = cols[sorting->col].kind, d = 0;
    struct cell cx = {0}, cy = {0};
    cols[sorting->col].cell(x, sorting->today, &cx);
    cols[sorting->col].cell(y, sorting->today, &cy);
    bool nx = is_null(kind, &cx), ny = is_null(kind, &cy);
    if (nx || ny) /* undefined figures last, whichever the direction */
        d = nx && ny ? 0 : nx ? 1 : -1;
    else {
        if (kind == K_TEXT)
            d = strcmp(cx.s, cy.s);
        else if (kind == K_REAL)
            d = cx.d < cy.d ? -1 : cx.d > cy.d;
        else
            d = cx.i < cy.i ? -1 : cx.i > cy.i;
        if (sorting->desc)
            d = -d;
    }
    return d ? d : x->id < y->id ? -1 : x->id > y->id; /* a stable order for paging */
}

/* Moves the heap's root down to its place (a max-heap in row_cmp's order). */
static void sift_down(const struct brow **h, size_t nr, size_t at)
{
    for (;;) {
        size_t big = at, l = 2 * at + 1, r = l + 1;
        if (l < nr && row_cmp(&h[l], &h[big]) > 0)
            big = l;
        if (r < nr && row_cmp(&h[r], &h[big]) > 0)
            big = r;
        if (big == at)
            return;
        const struct brow *x = h[at];
        h[at] = h[big];
        h[big] = x;
        at = big;
    }
}

/* Sorts rows so that their first k are in order (those after k in none): a page near the top
 * of 100 000 rows needs the k smallest, which a heap of k finds in about one comparison a
 * row, where sorting them all takes 17. */
static void sort_first(const struct brow **rows, size_t nr, size_t k)
{
    if (k == 0)
        return;
    if (k > nr / 4) {
        qsort(rows, nr, sizeof(*rows), row_cmp);
        return;
    }
    for (size_t i = k / 2; i-- > 0;) /* rows[0..k): a max-heap */
        sift_down(rows, k, i);
    for (size_t i = k; i < nr; i++) {
        if (row_cmp(&rows[i], &rows[0]) < 0) { /* smaller than the largest kept: swap in */
            const struct brow *x = rows[0];
            rows[0] = rows[i];
            rows[i] = x;
            sift_down(rows, k, 0);
        }
    }
    qsort(rows, k, sizeof(*rows), row_cmp);
}

/* The first q[0..n) in [p, end), n > 0 (memmem is a GNU extension: memchr does the scan). */
static const char *find_text(const char *p, const char *end, const char *q, size_t n)
{
    while ((size_t)(end - p) >= n) {
        const char *c = memchr(p, q[0], (size_t)(end - p) - n + 1);
        if (!c)
            return NULL;
        if (!memcmp(c, q, n))
            return c;
        p = c + 1;
    }
    return NULL;
}

/* Marks hit[i] for the rows whose id or name contains q (lowercase). */
static void search(struct book *b, const char *q, bool *hit)
{
    if (!b->text_ok) {
        size_t len = 0;
        for (size_t i = 0; i < b->nr; i++)
            len += (b->rows[i].ext_id ? strlen(b->rows[i].ext_id) : 0) +
                   (b->rows[i].name ? strlen(b->rows[i].name) : 0) + 2;
        free(b->text);
        free(b->at);
        b->text = xmalloc(len ? len : 1);
        b->at = xmalloc((b->nr + 1) * sizeof(*b->at));
        char *p = b->text;
        for (size_t i = 0; i < b->nr; i++) {
            b->at[i] = (size_t)(p - b->text);
            const char *parts[2] = {b->rows[i].ext_id, b->rows[i].name};
            for (int k = 0; k < 2; k++) {
                for (const char *c = parts[k]; c && *c; c++)
                    *p++ = (char)tolower((unsigned char)*c);
                *p++ = '\0';
            }
        }
        b->at[b->nr] = len;
        b->text_ok = true;
    }
    size_t n = strlen(q), end = b->at[b->nr], from = 0;
    if (!n) { /* every text contains the empty one */
        for (size_t i = 0; i < b->nr; i++)
            hit[i] = true;
        return;
    }
    const char *found;
    while (from < end && (found = find_text(b->text + from, b->text + end, q, n))) {
        size_t off = (size_t)(found - b->text), lo = 0, hi = b->nr;
        while (hi - lo > 1) { /* the row whose text holds off: the last at[i] <= off */
            size_t mid = lo + (hi - lo) / 2;
            if (b->at[mid] <= off)
                lo = mid;
            else
                hi = mid;
        }
        hit[lo] = true; /* q has no '\0': it lies within one row's id or name */
        from = b->at[lo + 1];
    }
}

/* The filters of `where`, their values as the book's codes. */
struct want {
    int dim[METRIC_WHERE_MAX];
    int32_t code[METRIC_WHERE_MAX]; /* -1: the account's id, compared as text */
    const char *value[METRIC_WHERE_MAX];
    size_t nr;
    bool none; /* a value no account has: nothing passes */
};

static void want_make(const struct book *b, const struct metric_ctx *c, struct want *w)
{
    *w = (struct want){.nr = c->where_nr};
    for (size_t i = 0; i < c->where_nr; i++) {
        int64_t code = -1;
        w->dim[i] = c->where[i].dim;
        w->value[i] = c->where[i].value;
        if (c->where[i].dim != DIM_ACCOUNT &&
            !strmap_get(&b->codes, c->where[i].value, strlen(c->where[i].value), &code))
            w->none = true;
        w->code[i] = (int32_t)code;
    }
}

static bool passes(const struct want *w, const struct brow *r, int64_t within, int64_t today,
                   int band, double risk_min)
{
    if (band >= 0 && r->band != band)
        return false;
    if (!isnan(risk_min) && !(r->risk >= risk_min)) /* an account without a risk fails too */
        return false;
    for (size_t i = 0; i < w->nr; i++) {
        if (w->code[i] < 0 ? strcmp(r->ext_id ? r->ext_id : "(none)", w->value[i]) != 0
                           : r->code[w->dim[i] - DIM_SEGMENT] != w->code[i])
            return false;
    }
    if (within != LF_UNSET) {
        int64_t days = r->renewal_date == LF_UNSET ? LF_UNSET : r->renewal_date / MS_PER_DAY - today;
        if (days == LF_UNSET || days < 0 || days > within)
            return false;
    }
    return true;
}

static void put_cell(struct lf_table *t, size_t row, size_t col, int kind, const struct cell *x)
{
    char text[32];
    if (is_null(kind, x))
        return;
    switch (kind) {
    case K_TEXT:
        table_set_text(t, row, col, x->s);
        break;
    case K_REAL:
        table_set_real(t, row, col, x->d);
        break;
    case K_DATE:
        time_format_date(x->i, text);
        table_set_text(t, row, col, text);
        break;
    case K_TIME:
        time_format_iso(x->i, text);
        table_set_text(t, row, col, text);
        break;
    default:
        table_set_int(t, row, col, x->i);
    }
}

static int param_int(const struct metric_ctx *c, const char *name, int64_t dflt)
{
    int i = metric_param(c, name);
    return (int)(c->p[i].given ? c->p[i].i : dflt);
}

/* The book of a call, up to date with the snapshot (and its usage with `usage`), locked
 * until book_end: the running system's (c->cache), or one made for this call into *own. */
static struct book *book_begin(struct metric_ctx *c, struct metric_cache *own, bool usage,
                               struct lf_err *err)
{
    struct metric_cache *cache = c->cache ? c->cache : own;
    int64_t seq, events;
    if (!c->cache) /* a caller without a running system: a book for this call only */
        pthread_mutex_init(&own->mu, NULL);
    pthread_mutex_lock(&cache->mu);
    if (!cache->data) {
        cache->data = xcalloc(1, sizeof(struct book));
        cache->release = book_free;
    }
    struct book *b = cache->data;
    if (!c->cache && !usage) /* account-values once: the accounts' fields are all it reads */
        return store_accounts_scan(c->st, c->ws, put_account, b, err) < 0 ? NULL : b;
    if (store_feed_position(c->st, c->ws, &seq, &events, err) < 0 ||
        update_store_part(b, c, seq, err) < 0 ||
        (usage && (update_usage(b, c, events, err) < 0 || update_health(b, c, err) < 0 ||
                   update_churn(b, c, err) < 0)))
        return NULL;
    return b;
}

static void book_end(struct metric_ctx *c, struct metric_cache *own)
{
    struct metric_cache *cache = c->cache ? c->cache : own;
    pthread_mutex_unlock(&cache->mu);
    if (cache == own) {
        if (own->data)
            book_free(own->data);
        pthread_mutex_destroy(&own->mu);
    }
}

static int compute_book(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct metric_cache own = {.data = NULL};
    int ret = -1;
    struct book *b = book_begin(c, &own, true, err);
    if (!b)
        goto out;

    int si = metric_param(c, "sort"), qi = metric_param(c, "q");
    int sort = c->p[si].given ? (int)c->p[si].i : SORT_DEFAULT;
    char *q = c->p[qi].given ? dup_lower(c->p[qi].s) : NULL; /* letters of any case */
    int wi = metric_param(c, "renewal_within");
    int64_t within = c->p[wi].given ? c->p[wi].i : LF_UNSET;
    int64_t limit = param_int(c, "limit", 50), offset = param_int(c, "offset", 0);
    int ci = metric_param(c, "colour");
    /* the choices' order is enum band's, none first */
    int band = c->p[ci].given ? (int)c->p[ci].i : -1;
    int ri = metric_param(c, "risk_min");
    double risk_min = c->p[ri].given ? c->p[ri].r : NAN;
    struct view v = {.col = sort / 2, .desc = sort % 2, .today = c->now / MS_PER_DAY};
    if (c->now < 0)
        v.today = -((-c->now + MS_PER_DAY - 1) / MS_PER_DAY);
    struct want w;
    want_make(b, c, &w);
    bool *hit = NULL;
    if (q) {
        hit = xcalloc(b->nr ? b->nr : 1, sizeof(*hit));
        search(b, q, hit);
    }
    v.rows = xmalloc((b->nr ? b->nr : 1) * sizeof(*v.rows));
    for (size_t i = 0; i < b->nr && !w.none; i++)
        if ((!hit || hit[i]) && passes(&w, &b->rows[i], within, v.today, band, risk_min))
            v.rows[v.nr++] = &b->rows[i];
    free(hit);
    size_t from = (size_t)offset < v.nr ? (size_t)offset : v.nr;
    size_t to = limit == 0 || from + (size_t)limit > v.nr ? v.nr : from + (size_t)limit;
    sorting = &v;
    sort_first(v.rows, v.nr, to);
    sorting = NULL;

    size_t first = metric_columns(c, t);
    for (size_t i = from; i < to; i++) {
        size_t row = table_add_row(t);
        for (size_t k = 0; k < COLS_NR; k++) {
            struct cell x = {0};
            cols[k].cell(v.rows[i], v.today, &x);
            put_cell(t, row, first + k, cols[k].kind, &x);
        }
    }
    table_set_total(t, (int64_t)v.nr);
    free(v.rows);
    free(q);
    ret = 0;
out:
    book_end(c, &own);
    return ret;
}

/* ---- the declaration ---- */

static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};
static const int no_dims[] = {DIM_END};

static const char *const colours[] = {"none", "red", "yellow", "green", NULL};

static const struct lf_param_info book_params[] = {
    {"q", LF_PARAM_TEXT, "every account",
     "search: only accounts whose id or name contains it (letters of any case)"},
    {"sort", LF_PARAM_CHOICE, "-mrr", "the column to sort by; -column sorts descending "
                                      "(undefined figures come last either way)", sorts},
    {"limit", LF_PARAM_INT, "50", "rows of the page; 0: every row", NULL, 0, 100000},
    {"offset", LF_PARAM_INT, "0", "rows skipped before the page", NULL, 0, 100000000},
    {"renewal_within", LF_PARAM_INT, "any renewal",
     "only accounts renewing within this many days from today", NULL, 0, 36500},
    {"colour", LF_PARAM_CHOICE, "any", "only accounts of this health band (none: without a "
                                      "score in the history)", colours},
    {"risk_min", LF_PARAM_REAL, "any", "only accounts whose churn risk is at least this "
                                       "(a fraction; accounts without a risk are left out)",
     NULL, 0, 1},
};

const struct metric_def metric_book = {
    .name = "book",
    .group = "accounts",
    .summary = "the portfolio: every account with MRR, renewal, usage, last NPS/CSAT, open "
               "tickets; filtered, searched, sorted, paged",
    .help = "Every account (a CSM's book with where=owner=NAME) with its current MRR, plan, "
            "segment, owner, renewal, active users, trend and breadth over the 30 days before "
            "now, latest NPS and CSAT scores, open tickets and health (the daily history's "
            "score, band and change over 7 days) and the latest churn model's risk; filtered "
            "(where, q, renewal_within, colour, risk_min), sorted (sort) and paged (limit, "
            "offset), with the total count of "
            "the rows that pass. Kept up to date from the change log in a running server; "
            "usage as of at most a minute ago unless now is given.",
    .common = COMMON_NOW | COMMON_WHERE,
    .own = book_params,
    .own_nr = sizeof(book_params) / sizeof(*book_params),
    .dims = no_dims,
    .filters = account_dims,
    .columns = book_cols,
    .columns_nr = COLS_NR,
    .needs = NEEDS_ENGINE | NEEDS_CACHE | PAGED,
    .compute = compute_book,
};

/* ---- account-values: what the portfolio's filters offer ---- */

/* Its rows come from the book's accounts (the same cache: .cache_of), not from a read of the
 * store: counted per field in a hash map, and kept while the book's rows stay as they are
 * when no filter is given (what the portfolio page asks on every load). */

static const int value_fields[] = {DIM_OWNER, DIM_PLAN, DIM_SEGMENT, DIM_STAGE};

static int count_cmp(const void *pa, const void *pb)
{
    const struct count *x = pa, *y = pb;
    return x->dim != y->dim ? (x->dim < y->dim ? -1 : 1) : strcmp(x->value, y->value);
}

/* The counts of the rows that pass c's filters, by field (in value_fields' order) then value;
 * the values borrowed from the rows. */
static size_t values_count(const struct book *b, const struct metric_ctx *c, struct count **out)
{
    struct count *k = NULL;
    size_t nr = 0, cap = 0;
    struct want w;
    want_make(b, c, &w);
    for (size_t f = 0; f < sizeof(value_fields) / sizeof(*value_fields) && !w.none; f++) {
        struct strmap index;
        strmap_init(&index);
        for (size_t i = 0; i < b->nr; i++) {
            const struct brow *r = &b->rows[i];
            if (c->where_nr && !passes(&w, r, LF_UNSET, 0, -1, NAN))
                continue;
            const char *v = dim_value(r, value_fields[f]);
            int64_t at;
            if (strmap_get(&index, v, strlen(v), &at)) {
                k[at].n++;
                continue;
            }
            k = xgrow(k, sizeof(*k), nr + 1, &cap);
            k[nr] = (struct count){(int)f, v, 1};
            strmap_put(&index, v, strlen(v), (int64_t)nr++);
        }
        strmap_release(&index);
    }
    if (nr)
        qsort(k, nr, sizeof(*k), count_cmp);
    *out = k;
    return nr;
}

static int compute_values(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct metric_cache own = {.data = NULL};
    struct count *k = NULL;
    size_t nr;
    int ret = -1;
    struct book *b = book_begin(c, &own, false, err);
    if (!b)
        goto out;
    if (c->where_nr) {
        nr = values_count(b, c, &k);
    } else {
        if (!b->values_ok) {
            b->values_nr = values_count(b, c, &b->values);
            for (size_t i = 0; i < b->values_nr; i++) /* the rows' strings change with them */
                b->values[i].value = xstrdup(b->values[i].value);
            b->values_ok = true;
        }
        k = b->values;
        nr = b->values_nr;
    }
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < nr; i++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, first, dim_names[value_fields[k[i].dim]]);
        table_set_text(t, row, first + 1, k[i].value);
        table_set_int(t, row, first + 2, k[i].n);
    }
    ret = 0;
out:
    if (k != (b ? b->values : NULL))
        free(k);
    book_end(c, &own);
    return ret;
}

static const struct lf_column_info values_cols[] = {
    {"field", LF_COL_TEXT, "owner, plan, segment or stage"},
    {"value", LF_COL_TEXT, "a value of it; (none) for accounts without one"},
    {"accounts", LF_COL_INT, "accounts with that value"},
};

const struct metric_def metric_account_values = {
    .name = "account-values",
    .group = "accounts",
    .summary = "the values of the accounts' owner, plan, segment and stage, with their counts",
    .help = "Per account field (owner, plan, segment, stage) and value: the accounts that pass "
            "the filters with that value; what the portfolio's filters offer.",
    .common = COMMON_WHERE,
    .dims = no_dims,
    .filters = account_dims,
    .columns = values_cols,
    .columns_nr = sizeof(values_cols) / sizeof(*values_cols),
    .needs = NEEDS_CACHE,
    .cache_of = &metric_book,
    .compute = compute_values,
};

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
 * is core's), scored again for a new model, another `now`, or when 10 minutes old. A column is one row of `cols` below, with what fills it. */
#include "metrics.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
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
    int64_t seq;       /* the change-log position the rows are at */
    bool loaded;
    /* the usage: as of usage_now, with the store's events up to usage_events */
    bool usage;
    int64_t usage_now, usage_events, usage_made; /* usage_made: the clock when computed */
    /* the health columns: of history day health_day, read at the clock's health_made */
    bool health;
    int64_t health_day, health_made;
    /* the churn risks: of model churn_version as of churn_now, scored at the clock's churn_made */
    bool churn;
    int64_t churn_version, churn_now, churn_made;
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

static void book_free(void *p)
{
    struct book *b = p;
    for (size_t i = 0; i < b->nr; i++)
        row_release(&b->rows[i]);
    free(b->rows);
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

/* ---- the store's part ---- */

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
        *r = (struct brow){.id = a->id, .nps = LF_UNSET, .csat = LF_UNSET, .users = LF_UNSET,
                           .last_seen = LF_UNSET, .trend = NAN, .breadth = NAN,
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

/* Whether haystack contains needle, ASCII letters compared without case. */
static bool contains(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; p && *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static const char *dim_value(const struct brow *r, int dim)
{
    const char *v = dim == DIM_ACCOUNT   ? r->ext_id
                    : dim == DIM_SEGMENT ? r->segment
                    : dim == DIM_PLAN    ? r->plan
                    : dim == DIM_OWNER   ? r->owner
                                         : r->stage;
    return v && *v ? v : "(none)";
}

static bool passes(const struct metric_ctx *c, const struct brow *r, const char *q,
                   int64_t within, int64_t today, int band, double risk_min)
{
    if (band >= 0 && r->band != band)
        return false;
    if (!isnan(risk_min) && !(r->risk >= risk_min)) /* an account without a risk fails too */
        return false;
    for (size_t i = 0; i < c->where_nr; i++)
        if (strcmp(dim_value(r, c->where[i].dim), c->where[i].value) != 0)
            return false;
    if (q && !contains(r->ext_id, q) && !contains(r->name, q))
        return false;
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

static int compute_book(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct metric_cache *cache = c->cache, own = {.data = NULL};
    struct book *b;
    int64_t seq, events;
    int ret = -1;
    if (!cache) { /* a caller without a running system: a book for this call only */
        cache = &own;
        pthread_mutex_init(&own.mu, NULL);
    }
    pthread_mutex_lock(&cache->mu);
    if (!cache->data) {
        cache->data = xcalloc(1, sizeof(struct book));
        cache->release = book_free;
    }
    b = cache->data;
    if (store_feed_position(c->st, c->ws, &seq, &events, err) < 0 ||
        update_store_part(b, c, seq, err) < 0 || update_usage(b, c, events, err) < 0 ||
        update_health(b, c, err) < 0 || update_churn(b, c, err) < 0)
        goto out;

    int si = metric_param(c, "sort"), qi = metric_param(c, "q");
    int sort = c->p[si].given ? (int)c->p[si].i : SORT_DEFAULT;
    const char *q = c->p[qi].given ? c->p[qi].s : NULL;
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
    v.rows = xmalloc((b->nr ? b->nr : 1) * sizeof(*v.rows));
    for (size_t i = 0; i < b->nr; i++)
        if (passes(c, &b->rows[i], q, within, v.today, band, risk_min))
            v.rows[v.nr++] = &b->rows[i];
    sorting = &v;
    qsort(v.rows, v.nr, sizeof(*v.rows), row_cmp);
    sorting = NULL;

    size_t first = metric_columns(c, t);
    size_t from = (size_t)offset < v.nr ? (size_t)offset : v.nr;
    size_t to = limit == 0 || from + (size_t)limit > v.nr ? v.nr : from + (size_t)limit;
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
    ret = 0;
out:
    pthread_mutex_unlock(&cache->mu);
    if (cache == &own) {
        if (own.data)
            book_free(own.data);
        pthread_mutex_destroy(&own.mu);
    }
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
            "score, band and change over 7 days) and the latest churn model's risk; filtered (where, q, renewal_within, colour, risk_min), "
            "sorted (sort) and paged (limit, offset), with the total count of "
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

struct count {
    const char *value;
    int64_t n;
};

static int count_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct count *)pa)->value, ((const struct count *)pb)->value);
}

static int compute_values(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    static const int fields[] = {DIM_OWNER, DIM_PLAN, DIM_SEGMENT, DIM_STAGE};
    if (metric_accounts(c, err) < 0)
        return -1;
    size_t first = metric_columns(c, t);
    struct count *k = xmalloc((c->acc_nr ? c->acc_nr : 1) * sizeof(*k));
    for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
        size_t nr = 0;
        for (size_t i = 0; i < c->acc_nr; i++)
            if (metric_account_passes(c, &c->acc[i]))
                k[nr++] = (struct count){metric_account_value(&c->acc[i], fields[f]), 1};
        qsort(k, nr, sizeof(*k), count_cmp);
        for (size_t i = 0; i < nr;) {
            size_t j = i;
            while (j < nr && !strcmp(k[j].value, k[i].value))
                j++;
            size_t row = table_add_row(t);
            table_set_text(t, row, first, dim_names[fields[f]]);
            table_set_text(t, row, first + 1, k[i].value);
            table_set_int(t, row, first + 2, (int64_t)(j - i));
            i = j;
        }
    }
    free(k);
    return 0;
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
    .compute = compute_values,
};

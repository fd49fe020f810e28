/* report.c - lf_report: loads what a report needs from the store, groups it, calls cx/cs, builds
 * the result table. The definitions of the figures are in cx.h / cs.h and docs/metrics.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "cs/cs.h"
#include "cx/cx.h"
#include "report/table.h"

enum by { BY_NONE, BY_MONTH, BY_QUARTER, BY_SEGMENT, BY_PLAN, BY_TEAM, BY_TOUCHPOINT, BY_NR };

static const char *const by_names[BY_NR] = {"",     "month", "quarter",   "segment",
                                            "plan", "team",  "touchpoint"};

#define BIT(b) (1u << (b))
#define BY_PERIOD (BIT(BY_MONTH) | BIT(BY_QUARTER))
#define BY_ACCOUNT (BIT(BY_SEGMENT) | BIT(BY_PLAN))

/* What a report loads from the store. */
enum { NEED_MRR = 1, NEED_ORDERS = 2, NEED_RESPONSES = 4 };

/* An account as the reports see it; strings owned. */
struct acct {
    int64_t id;
    char *segment, *plan, *currency;
    struct mrr_change *changes; /* by date; reasons owned */
    size_t changes_nr, changes_cap;
    int64_t first_order;
};

struct resp {
    int64_t ts, account_id, survey_id, touchpoint_id;
    int score;
};

struct tp {
    int64_t id;
    char *team, *kind;
};

/* One calendar period of the window, cut to it. */
struct period {
    int64_t from, to;
    char label[16];
};

/* A row group: a key (period label or --by value; NULL without --by), a currency for money
 * reports, and the rows of data that fall in it. */
struct group {
    char *key;
    const char *currency; /* borrowed from an account */
    struct cs_account *acc;
    size_t acc_nr, acc_cap;
    struct cx_score *scores;
    size_t scores_nr, scores_cap;
};

struct groups {
    struct strmap index; /* "key\x1fcurrency" → index into g */
    struct group *g;
    size_t nr, cap;
};

struct ctx {
    struct lf *lf;
    const struct lf_report_opts *opts;
    const struct report_def *def;
    int by;
    int64_t from, to;
    struct period *periods;
    size_t periods_nr;
    struct acct *acc; /* by id */
    size_t acc_nr, acc_cap;
    struct order *orders; /* by ts */
    size_t orders_nr, orders_cap;
    struct survey *surveys; /* ext_id owned, name NULL */
    size_t surveys_nr, surveys_cap;
    struct resp *resp;
    size_t resp_nr, resp_cap;
    struct tp *tps; /* by id once loaded */
    size_t tps_nr, tps_cap;
    int col_key, col_currency; /* -1 when the table has none */
};

struct report_def {
    const char *name;
    const char *describe;
    unsigned by_mask;
    unsigned needs;
    bool money;     /* has a currency column and groups by it */
    int kind;       /* survey reports: enum survey_kind, else -1 */
    int by_default; /* the grouping without --by */
    void (*run)(struct ctx *c, struct lf_table *t);
};

/* ---- loading ---- */

static int on_account(void *p, const struct account *a, struct lf_err *err)
{
    (void)err;
    struct ctx *c = p;
    c->acc = xgrow(c->acc, sizeof(*c->acc), c->acc_nr + 1, &c->acc_cap);
    c->acc[c->acc_nr++] = (struct acct){.id = a->id,
                                        .segment = xstrdup(a->segment),
                                        .plan = xstrdup(a->plan),
                                        .currency = xstrdup(a->currency ? a->currency : "USD"),
                                        .first_order = LF_UNSET};
    return 0;
}

static struct acct *acct_find(const struct ctx *c, int64_t id)
{
    size_t lo = 0, hi = c->acc_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->acc[mid].id == id)
            return &c->acc[mid];
        if (c->acc[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int on_mrr(void *p, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct acct *a = acct_find(p, m->account_id);
    if (!a)
        return 0;
    a->changes = xgrow(a->changes, sizeof(*a->changes), a->changes_nr + 1, &a->changes_cap);
    a->changes[a->changes_nr++] = (struct mrr_change){.id = m->id,
                                                      .account_id = m->account_id,
                                                      .date = m->date,
                                                      .mrr = m->mrr,
                                                      .reason = xstrdup(m->reason)};
    return 0;
}

static int on_order(void *p, const struct order *o, struct lf_err *err)
{
    (void)err;
    struct ctx *c = p;
    c->orders = xgrow(c->orders, sizeof(*c->orders), c->orders_nr + 1, &c->orders_cap);
    c->orders[c->orders_nr++] = (struct order){.id = o->id,
                                               .account_id = o->account_id,
                                               .contact_id = o->contact_id,
                                               .ts = o->ts,
                                               .amount = o->amount};
    struct acct *a = acct_find(c, o->account_id);
    if (a && (a->first_order == LF_UNSET || o->ts < a->first_order))
        a->first_order = o->ts;
    return 0;
}

static int on_survey(void *p, const struct survey *s, struct lf_err *err)
{
    (void)err;
    struct ctx *c = p;
    c->surveys = xgrow(c->surveys, sizeof(*c->surveys), c->surveys_nr + 1, &c->surveys_cap);
    struct survey *d = &c->surveys[c->surveys_nr++];
    *d = *s;
    d->ext_id = xstrdup(s->ext_id);
    d->name = NULL;
    return 0;
}

static const struct survey *survey_by_id(const struct ctx *c, int64_t id)
{
    for (size_t i = 0; i < c->surveys_nr; i++)
        if (c->surveys[i].id == id)
            return &c->surveys[i];
    return NULL;
}

/* True when responses to survey s belong in this report. */
static bool survey_wanted(const struct ctx *c, const struct survey *s)
{
    if (c->opts->survey)
        return strcmp(s->ext_id, c->opts->survey) == 0;
    return s->kind == c->def->kind;
}

static int on_response(void *p, const struct response *r, struct lf_err *err)
{
    (void)err;
    struct ctx *c = p;
    if (r->ts < c->from || r->ts >= c->to)
        return 0;
    const struct survey *s = survey_by_id(c, r->survey_id);
    if (!s || !survey_wanted(c, s))
        return 0;
    c->resp = xgrow(c->resp, sizeof(*c->resp), c->resp_nr + 1, &c->resp_cap);
    c->resp[c->resp_nr++] =
        (struct resp){r->ts, r->account_id, r->survey_id, r->touchpoint_id, r->score};
    return 0;
}

static int on_touchpoint(void *p, const struct touchpoint *t, struct lf_err *err)
{
    (void)err;
    struct ctx *c = p;
    c->tps = xgrow(c->tps, sizeof(*c->tps), c->tps_nr + 1, &c->tps_cap);
    c->tps[c->tps_nr++] = (struct tp){t->id, xstrdup(t->team), xstrdup(t->kind)};
    return 0;
}

static int tp_cmp(const void *pa, const void *pb)
{
    const struct tp *x = pa, *y = pb;
    return x->id < y->id ? -1 : x->id > y->id;
}

static const struct tp *tp_find(const struct ctx *c, int64_t id)
{
    struct tp key = {.id = id};
    return c->tps_nr ? bsearch(&key, c->tps, c->tps_nr, sizeof(*c->tps), tp_cmp) : NULL;
}

/* Checks --survey against the stored surveys once they are loaded. */
static int check_survey(const struct ctx *c, struct lf_err *err)
{
    static const char *const kinds[] = {"nps", "csat", "ces", "custom"};
    const char *want = c->opts->survey;
    if (!want)
        return 0;
    for (size_t i = 0; i < c->surveys_nr; i++) {
        const struct survey *s = &c->surveys[i];
        if (strcmp(s->ext_id, want) != 0)
            continue;
        if (s->kind != SURVEY_CUSTOM && s->kind != c->def->kind)
            return err_set(err, LF_EUSAGE, "survey '%s' is a %s survey, not %s: use 'report %s'",
                           want, kinds[s->kind], c->def->name, kinds[s->kind]);
        return 0;
    }
    return err_set(err, LF_EUSAGE, "no survey '%s' in this workspace", want);
}

static int load(struct ctx *c, struct lf_err *err)
{
    struct store *st = c->lf->st;
    int64_t ws = c->lf->ws;
    unsigned needs = c->def->needs;
    if (store_accounts_scan(st, ws, on_account, c, err) < 0)
        return -1;
    if ((needs & NEED_MRR) && store_mrr_changes_scan(st, ws, on_mrr, c, err) < 0)
        return -1;
    if ((needs & NEED_ORDERS) && store_orders_scan(st, ws, on_order, c, err) < 0)
        return -1;
    if (needs & NEED_RESPONSES) {
        if (store_surveys_scan(st, ws, on_survey, c, err) < 0 || check_survey(c, err) < 0 ||
            store_responses_scan(st, ws, on_response, c, err) < 0)
            return -1;
        if (c->by == BY_TEAM || c->by == BY_TOUCHPOINT) {
            if (store_touchpoints_scan(st, ws, on_touchpoint, c, err) < 0)
                return -1;
            if (c->tps_nr)
                qsort(c->tps, c->tps_nr, sizeof(*c->tps), tp_cmp);
        }
    }
    return 0;
}

static void ctx_release(struct ctx *c)
{
    for (size_t i = 0; i < c->acc_nr; i++) {
        struct acct *a = &c->acc[i];
        for (size_t j = 0; j < a->changes_nr; j++)
            free((void *)a->changes[j].reason);
        free(a->changes);
        free(a->segment);
        free(a->plan);
        free(a->currency);
    }
    for (size_t i = 0; i < c->surveys_nr; i++)
        free((void *)c->surveys[i].ext_id);
    for (size_t i = 0; i < c->tps_nr; i++) {
        free(c->tps[i].team);
        free(c->tps[i].kind);
    }
    free(c->acc);
    free(c->orders);
    free(c->surveys);
    free(c->resp);
    free(c->tps);
    free(c->periods);
}

/* ---- periods and groups ---- */

static void periods_make(struct ctx *c)
{
    size_t cap = 0;
    if (c->by != BY_MONTH && c->by != BY_QUARTER) {
        c->periods = xgrow(NULL, sizeof(*c->periods), 1, &cap);
        c->periods[0] = (struct period){c->from, c->to, ""};
        c->periods_nr = 1;
        return;
    }
    int step = c->by == BY_MONTH ? 1 : 3;
    int64_t p = c->by == BY_MONTH ? time_month_start(c->from) : time_quarter_start(c->from);
    for (; p < c->to; p = time_add_months(p, step)) {
        int64_t next = time_add_months(p, step);
        c->periods = xgrow(c->periods, sizeof(*c->periods), c->periods_nr + 1, &cap);
        struct period *d = &c->periods[c->periods_nr++];
        d->from = p < c->from ? c->from : p;
        d->to = next > c->to ? c->to : next;
        if (step == 1)
            time_format_month(p, d->label);
        else
            time_format_quarter(p, d->label);
    }
}

/* The period holding ts (which lies in the window). */
static const struct period *period_of(const struct ctx *c, int64_t ts)
{
    size_t lo = 0, hi = c->periods_nr;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->periods[mid].from <= ts)
            lo = mid;
        else
            hi = mid;
    }
    return &c->periods[lo];
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

/* The --by value of an account (NULL when the report is not grouped by an account field). */
static const char *acct_key(const struct ctx *c, const struct acct *a)
{
    if (c->by == BY_SEGMENT)
        return or_none(a ? a->segment : NULL);
    if (c->by == BY_PLAN)
        return or_none(a ? a->plan : NULL);
    return NULL;
}

static struct group *group_get(struct groups *gs, const char *key, const char *currency)
{
    struct buf k = BUF_INIT;
    buf_adds(&k, key ? key : "");
    buf_addc(&k, '\x1f');
    buf_adds(&k, currency ? currency : "");
    int64_t i;
    if (!strmap_get(&gs->index, k.ptr, k.len, &i)) {
        gs->g = xgrow(gs->g, sizeof(*gs->g), gs->nr + 1, &gs->cap);
        gs->g[gs->nr] = (struct group){.key = xstrdup(key), .currency = currency};
        i = (int64_t)gs->nr++;
        strmap_put(&gs->index, k.ptr, k.len, i);
    }
    buf_release(&k);
    return &gs->g[i];
}

static int nullstr_cmp(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "");
}

static int group_cmp(const void *pa, const void *pb)
{
    const struct group *x = pa, *y = pb;
    int d = nullstr_cmp(x->key, y->key);
    return d ? d : nullstr_cmp(x->currency, y->currency);
}

/* Sorts by key then currency; the index is dropped, so no group_get after this. */
static void groups_sort(struct groups *gs)
{
    strmap_release(&gs->index);
    strmap_init(&gs->index);
    if (gs->nr)
        qsort(gs->g, gs->nr, sizeof(*gs->g), group_cmp);
}

static void groups_release(struct groups *gs)
{
    for (size_t i = 0; i < gs->nr; i++) {
        free(gs->g[i].key);
        free(gs->g[i].acc);
        free(gs->g[i].scores);
    }
    free(gs->g);
    strmap_release(&gs->index);
}

/* The accounts' groups for the account-based reports, sorted: by --by segment/plan value, and
 * by currency when the report is about money. An account takes part when it has an MRR history
 * (or, for `with_orders`, when it has one or an order). */
static void groups_of_accounts(struct ctx *c, bool with_orders, struct groups *gs)
{
    strmap_init(&gs->index);
    if (!c->def->money && (c->by == BY_NONE || c->by == BY_MONTH || c->by == BY_QUARTER))
        group_get(gs, NULL, NULL); /* one row per period even when nothing takes part */
    for (size_t i = 0; i < c->acc_nr; i++) {
        struct acct *a = &c->acc[i];
        if (!a->changes_nr && !(with_orders && a->first_order != LF_UNSET))
            continue;
        struct group *g = group_get(gs, acct_key(c, a), c->def->money ? a->currency : NULL);
        g->acc = xgrow(g->acc, sizeof(*g->acc), g->acc_nr + 1, &g->acc_cap);
        g->acc[g->acc_nr++] = (struct cs_account){a->changes, a->changes_nr, a->first_order};
    }
    groups_sort(gs);
}

/* ---- table building ---- */

static void key_columns(struct ctx *c, struct lf_table *t)
{
    c->col_key = c->col_currency = -1;
    if (c->by == BY_MONTH || c->by == BY_QUARTER)
        c->col_key = (int)table_add_column(t, "period", LF_COL_TEXT);
    else if (c->by != BY_NONE)
        c->col_key = (int)table_add_column(t, by_names[c->by], LF_COL_TEXT);
    if (c->def->money)
        c->col_currency = (int)table_add_column(t, "currency", LF_COL_TEXT);
}

/* Adds a row holding the group columns: the period's label or the group's key, its currency. */
static size_t row_start(const struct ctx *c, struct lf_table *t, const struct period *p,
                        const struct group *g)
{
    size_t r = table_add_row(t);
    if (c->col_key >= 0)
        table_set_text(t, r, (size_t)c->col_key, p && p->label[0] ? p->label : g->key);
    if (c->col_currency >= 0)
        table_set_text(t, r, (size_t)c->col_currency, g->currency);
    return r;
}

/* Columns after the group columns are added in order; `col` walks them. */
struct row {
    struct lf_table *t;
    size_t r, col;
};

static void put_int(struct row *w, int64_t v)
{
    table_set_int(w->t, w->r, w->col++, v);
}

static void put_real(struct row *w, double v)
{
    table_set_real(w->t, w->r, w->col++, v);
}

/* Money that is a mean or a product: rounded half away from zero to minor units, or null. */
static void put_money_real(struct row *w, double v)
{
    if (isnan(v) || isinf(v))
        w->col++;
    else
        table_set_int(w->t, w->r, w->col++, llround(v));
}

static void columns(struct lf_table *t, const char *const *names, const int *types)
{
    for (size_t i = 0; names[i]; i++)
        table_add_column(t, names[i], types[i]);
}

/* The first column after the group columns. */
static size_t first_figure(const struct ctx *c)
{
    return (size_t)(c->col_currency >= 0 ? c->col_currency + 1 : c->col_key + 1);
}

/* ---- survey reports ---- */

/* The group key of a response. */
static const char *response_key(const struct ctx *c, const struct resp *r)
{
    switch (c->by) {
    case BY_MONTH:
    case BY_QUARTER:
        return period_of(c, r->ts)->label;
    case BY_SEGMENT:
    case BY_PLAN:
        return acct_key(c, r->account_id ? acct_find(c, r->account_id) : NULL);
    case BY_TEAM:
    case BY_TOUCHPOINT: {
        const struct tp *tp = r->touchpoint_id ? tp_find(c, r->touchpoint_id) : NULL;
        return or_none(tp ? (c->by == BY_TEAM ? tp->team : tp->kind) : NULL);
    }
    default:
        return NULL;
    }
}

/* Groups the loaded responses: every period (also empty ones) in order, or the --by values
 * found, sorted, or one group for everything. */
static void survey_groups(struct ctx *c, struct groups *gs)
{
    strmap_init(&gs->index);
    bool by_period = c->by == BY_MONTH || c->by == BY_QUARTER;
    if (by_period)
        for (size_t i = 0; i < c->periods_nr; i++)
            group_get(gs, c->periods[i].label, NULL);
    else if (c->by == BY_NONE)
        group_get(gs, NULL, NULL);
    for (size_t i = 0; i < c->resp_nr; i++) {
        const struct resp *r = &c->resp[i];
        const struct survey *s = survey_by_id(c, r->survey_id);
        struct group *g = group_get(gs, response_key(c, r), NULL);
        g->scores = xgrow(g->scores, sizeof(*g->scores), g->scores_nr + 1, &g->scores_cap);
        g->scores[g->scores_nr++] = cx_score_make(s, r->score);
    }
    if (!by_period)
        groups_sort(gs);
}

static void run_survey(struct ctx *c, struct lf_table *t)
{
    static const char *const nps_cols[] = {
        "nps", "n", "promoters", "passives", "detractors", "margin_of_error", NULL};
    static const int nps_types[] = {LF_COL_REAL, LF_COL_INT, LF_COL_INT,
                                    LF_COL_INT,  LF_COL_INT, LF_COL_REAL};
    static const char *const csat_cols[] = {"csat", "n", "satisfied", "margin_of_error", NULL};
    static const int csat_types[] = {LF_COL_REAL, LF_COL_INT, LF_COL_INT, LF_COL_REAL};
    static const char *const ces_cols[] = {"ces", "n", "margin_of_error", NULL};
    static const int ces_types[] = {LF_COL_REAL, LF_COL_INT, LF_COL_REAL};
    int kind = c->def->kind;
    key_columns(c, t);
    if (kind == SURVEY_NPS)
        columns(t, nps_cols, nps_types);
    else if (kind == SURVEY_CSAT)
        columns(t, csat_cols, csat_types);
    else
        columns(t, ces_cols, ces_types);

    struct groups gs = {0};
    survey_groups(c, &gs);
    for (size_t i = 0; i < gs.nr; i++) {
        const struct group *g = &gs.g[i];
        struct row w = {t, row_start(c, t, NULL, g), first_figure(c)};
        if (kind == SURVEY_NPS) {
            struct cx_nps n;
            cx_nps_compute(g->scores, g->scores_nr, &n);
            put_real(&w, n.nps);
            put_int(&w, n.n);
            put_int(&w, n.promoters);
            put_int(&w, n.passives);
            put_int(&w, n.detractors);
            put_real(&w, n.margin_of_error);
        } else if (kind == SURVEY_CSAT) {
            struct cx_csat s;
            cx_csat_compute(g->scores, g->scores_nr, &s);
            put_real(&w, s.csat);
            put_int(&w, s.n);
            put_int(&w, s.satisfied);
            put_real(&w, s.margin_of_error);
        } else {
            struct cx_ces s;
            cx_ces_compute(g->scores, g->scores_nr, &s);
            put_real(&w, s.ces);
            put_int(&w, s.n);
            put_real(&w, s.margin_of_error);
        }
    }
    groups_release(&gs);
}

/* ---- revenue and retention reports ---- */

static void run_churn(struct ctx *c, struct lf_table *t)
{
    static const char *const cols[] = {
        "accounts_start", "churned", "logo_churn_rate", "mrr_start", "mrr_end", "grr", "nrr", NULL};
    static const int types[] = {LF_COL_INT,   LF_COL_INT,     LF_COL_PERCENT, LF_COL_MONEY,
                                LF_COL_MONEY, LF_COL_PERCENT, LF_COL_PERCENT};
    key_columns(c, t);
    columns(t, cols, types);
    struct groups gs = {0};
    groups_of_accounts(c, false, &gs);
    for (size_t p = 0; p < c->periods_nr; p++)
        for (size_t i = 0; i < gs.nr; i++) {
            const struct group *g = &gs.g[i];
            struct cs_retention r;
            cs_retention_compute(g->acc, g->acc_nr, c->periods[p].from, c->periods[p].to, &r);
            struct row w = {t, row_start(c, t, &c->periods[p], g), first_figure(c)};
            put_int(&w, r.accounts_start);
            put_int(&w, r.churned);
            put_real(&w, r.logo_churn_rate);
            put_int(&w, r.mrr_start);
            put_int(&w, r.mrr_end);
            put_real(&w, r.grr);
            put_real(&w, r.nrr);
        }
    groups_release(&gs);
}

static void run_mrr(struct ctx *c, struct lf_table *t)
{
    static const char *const cols[] = {"starting_mrr",
                                       "new",
                                       "expansion",
                                       "contraction",
                                       "churn",
                                       "reactivation",
                                       "ending_mrr",
                                       "new_accounts",
                                       "expanded",
                                       "contracted",
                                       "churned_accounts",
                                       "reactivated",
                                       NULL};
    static const int types[] = {LF_COL_MONEY, LF_COL_MONEY, LF_COL_MONEY, LF_COL_MONEY,
                                LF_COL_MONEY, LF_COL_MONEY, LF_COL_MONEY, LF_COL_INT,
                                LF_COL_INT,   LF_COL_INT,   LF_COL_INT,   LF_COL_INT};
    key_columns(c, t);
    columns(t, cols, types);
    struct groups gs = {0};
    groups_of_accounts(c, false, &gs);
    for (size_t p = 0; p < c->periods_nr; p++)
        for (size_t i = 0; i < gs.nr; i++) {
            const struct group *g = &gs.g[i];
            struct cs_movement m;
            cs_movement_compute(g->acc, g->acc_nr, c->periods[p].from, c->periods[p].to, &m);
            struct row w = {t, row_start(c, t, &c->periods[p], g), first_figure(c)};
            int64_t v[] = {m.starting, m.new_mrr,      m.expansion, m.contraction,
                           m.churn,    m.reactivation, m.ending,    m.new_accounts,
                           m.expanded, m.contracted,   m.churned,   m.reactivated};
            for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
                put_int(&w, v[k]);
        }
    groups_release(&gs);
}

static void run_churn_reasons(struct ctx *c, struct lf_table *t)
{
    static const char *const cols[] = {"reason", "churned_accounts", "lost_mrr", "share", NULL};
    static const int types[] = {LF_COL_TEXT, LF_COL_INT, LF_COL_MONEY, LF_COL_PERCENT};
    key_columns(c, t);
    columns(t, cols, types);
    struct groups gs = {0};
    groups_of_accounts(c, false, &gs);
    for (size_t p = 0; p < c->periods_nr; p++)
        for (size_t i = 0; i < gs.nr; i++) {
            const struct group *g = &gs.g[i];
            struct cs_reason *rs;
            size_t n =
                cs_churn_reasons(g->acc, g->acc_nr, c->periods[p].from, c->periods[p].to, &rs);
            for (size_t k = 0; k < n; k++) {
                struct row w = {t, row_start(c, t, &c->periods[p], g), first_figure(c)};
                table_set_text(t, w.r, w.col++, rs[k].reason);
                put_int(&w, rs[k].churned);
                put_int(&w, rs[k].lost_mrr);
                put_real(&w, rs[k].share);
            }
            free(rs);
        }
    groups_release(&gs);
}

static void run_clv(struct ctx *c, struct lf_table *t)
{
    static const char *const cols[] = {"paying_accounts",    "arpa",   "churned", "account_months",
                                       "monthly_churn_rate", "margin", "clv",     NULL};
    static const int types[] = {LF_COL_INT,     LF_COL_MONEY,   LF_COL_INT,  LF_COL_INT,
                                LF_COL_PERCENT, LF_COL_PERCENT, LF_COL_MONEY};
    double margin = c->opts->margin > 0 ? c->opts->margin : 0.8;
    key_columns(c, t);
    columns(t, cols, types);
    struct groups gs = {0};
    groups_of_accounts(c, false, &gs);
    for (size_t i = 0; i < gs.nr; i++) {
        const struct group *g = &gs.g[i];
        struct cs_clv v;
        cs_clv_compute(g->acc, g->acc_nr, c->from, c->to, margin, &v);
        struct row w = {t, row_start(c, t, NULL, g), first_figure(c)};
        put_int(&w, v.paying);
        put_money_real(&w, v.arpa);
        put_int(&w, v.churned);
        put_int(&w, v.at_risk);
        put_real(&w, v.monthly_churn_rate);
        put_real(&w, v.margin);
        put_money_real(&w, v.clv);
    }
    groups_release(&gs);
}

static void run_repeat(struct ctx *c, struct lf_table *t)
{
    static const char *const cols[] = {"orders", "customers", "repeat_customers",
                                       "repeat_purchase_rate", NULL};
    static const int types[] = {LF_COL_INT, LF_COL_INT, LF_COL_INT, LF_COL_PERCENT};
    key_columns(c, t);
    columns(t, cols, types);
    struct groups gs = {0};
    strmap_init(&gs.index);
    if (c->by == BY_SEGMENT || c->by == BY_PLAN) {
        for (size_t i = 0; i < c->orders_nr; i++) {
            const struct order *o = &c->orders[i];
            group_get(&gs, acct_key(c, acct_find(c, o->account_id)), NULL);
        }
        groups_sort(&gs);
    } else {
        group_get(&gs, NULL, NULL);
    }
    struct order *sel = xmalloc((c->orders_nr ? c->orders_nr : 1) * sizeof(*sel));
    for (size_t p = 0; p < c->periods_nr; p++)
        for (size_t i = 0; i < gs.nr; i++) {
            const struct group *g = &gs.g[i];
            size_t n = 0;
            for (size_t k = 0; k < c->orders_nr; k++) {
                const struct order *o = &c->orders[k];
                if (o->ts < c->periods[p].from || o->ts >= c->periods[p].to)
                    continue;
                if (g->key && strcmp(acct_key(c, acct_find(c, o->account_id)), g->key) != 0)
                    continue;
                sel[n++] = *o;
            }
            struct cs_repeat r;
            cs_repeat_compute(sel, n, &r);
            struct row w = {t, row_start(c, t, &c->periods[p], g), first_figure(c)};
            put_int(&w, r.orders);
            put_int(&w, r.customers);
            put_int(&w, r.repeat_customers);
            put_real(&w, r.repeat_purchase_rate);
        }
    free(sel);
    groups_release(&gs);
}

static void run_acquisition(struct ctx *c, struct lf_table *t)
{
    static const char *const cols[] = {"customers_start", "new_customers", "acquisition_rate",
                                       NULL};
    static const int types[] = {LF_COL_INT, LF_COL_INT, LF_COL_PERCENT};
    key_columns(c, t);
    columns(t, cols, types);
    struct groups gs = {0};
    groups_of_accounts(c, true, &gs);
    for (size_t p = 0; p < c->periods_nr; p++)
        for (size_t i = 0; i < gs.nr; i++) {
            const struct group *g = &gs.g[i];
            struct cs_acquisition a;
            cs_acquisition_compute(g->acc, g->acc_nr, c->periods[p].from, c->periods[p].to, &a);
            struct row w = {t, row_start(c, t, &c->periods[p], g), first_figure(c)};
            put_int(&w, a.customers_start);
            put_int(&w, a.new_customers);
            put_real(&w, a.acquisition_rate);
        }
    groups_release(&gs);
}

/* ---- the report table ---- */

#define SURVEY_BY (BY_PERIOD | BY_ACCOUNT | BIT(BY_TEAM) | BIT(BY_TOUCHPOINT))

static const struct report_def reports[] = {
    {.name = "nps",
     .describe = "Net Promoter Score of the nps surveys' responses, with its margin of error",
     .by_mask = SURVEY_BY,
     .needs = NEED_RESPONSES,
     .kind = SURVEY_NPS,
     .run = run_survey},
    {.name = "csat",
     .describe = "customer satisfaction: share of csat responses scoring 4 or 5 of 5",
     .by_mask = SURVEY_BY,
     .needs = NEED_RESPONSES,
     .kind = SURVEY_CSAT,
     .run = run_survey},
    {.name = "ces",
     .describe = "customer effort score: mean of the ces responses on 1..7 (7 = easiest)",
     .by_mask = SURVEY_BY,
     .needs = NEED_RESPONSES,
     .kind = SURVEY_CES,
     .run = run_survey},
    {.name = "churn",
     .describe = "logo churn rate, GRR and NRR of the accounts paying at the start",
     .by_mask = BY_PERIOD | BY_ACCOUNT,
     .needs = NEED_MRR,
     .money = true,
     .kind = -1,
     .run = run_churn},
    {.name = "mrr",
     .describe = "monthly MRR movements: new, expansion, contraction, churn, reactivation",
     .by_mask = BY_PERIOD,
     .needs = NEED_MRR,
     .money = true,
     .kind = -1,
     .by_default = BY_MONTH,
     .run = run_mrr},
    {.name = "churn-reasons",
     .describe = "accounts whose MRR went to 0, and the MRR they took, by reason",
     .by_mask = BY_PERIOD | BY_ACCOUNT,
     .needs = NEED_MRR,
     .money = true,
     .kind = -1,
     .run = run_churn_reasons},
    {.name = "repeat",
     .describe = "repeat purchase rate: customers with 2 or more orders among those with 1",
     .by_mask = BY_PERIOD | BY_ACCOUNT,
     .needs = NEED_ORDERS,
     .kind = -1,
     .run = run_repeat},
    {.name = "acquisition",
     .describe = "customer acquisition rate: new customers / customers at the start",
     .by_mask = BY_PERIOD | BY_ACCOUNT,
     .needs = NEED_MRR | NEED_ORDERS,
     .kind = -1,
     .run = run_acquisition},
    {.name = "clv",
     .describe = "contractual customer lifetime value: ARPA × margin / monthly churn rate",
     .by_mask = BY_ACCOUNT,
     .needs = NEED_MRR,
     .money = true,
     .kind = -1,
     .run = run_clv},
};

#define REPORTS_NR (sizeof(reports) / sizeof(reports[0]))

const char *const lf_report_names[] = {"nps",           "csat",   "ces",         "churn", "mrr",
                                       "churn-reasons", "repeat", "acquisition", "clv",   NULL};

static const struct report_def *report_find(const char *name)
{
    for (size_t i = 0; i < REPORTS_NR; i++)
        if (strcmp(reports[i].name, name) == 0)
            return &reports[i];
    return NULL;
}

const char *lf_report_describe(const char *name)
{
    const struct report_def *d = report_find(name);
    return d ? d->describe : NULL;
}

/* "month, quarter, segment" for a --by mask. */
static void by_list(unsigned mask, struct buf *out)
{
    for (int b = BY_MONTH; b < BY_NR; b++)
        if (mask & BIT(b))
            buf_addf(out, "%s%s", out->len ? ", " : "", by_names[b]);
}

static int parse_by(const struct report_def *d, const char *by, int *out, struct lf_err *err)
{
    *out = d->by_default;
    if (!by)
        return 0;
    for (int b = BY_MONTH; b < BY_NR; b++)
        if (strcmp(by, by_names[b]) == 0 && (d->by_mask & BIT(b))) {
            *out = b;
            return 0;
        }
    struct buf list = BUF_INIT;
    by_list(d->by_mask, &list);
    err_set(err, LF_EUSAGE, "report '%s' cannot be grouped by '%s'; --by takes %s", d->name, by,
            buf_str(&list));
    buf_release(&list);
    return -1;
}

int lf_report(struct lf *lf, const char *name, const struct lf_report_opts *opts,
              struct lf_table **out, struct lf_err *err)
{
    static const struct lf_report_opts defaults = {0};
    int ret = -1;
    struct ctx c = {.lf = lf, .opts = opts ? opts : &defaults};
    *out = NULL;
    opts = c.opts;
    c.def = report_find(name);
    if (!c.def) {
        struct buf list = BUF_INIT;
        for (size_t i = 0; lf_report_names[i]; i++)
            buf_addf(&list, "%s%s", i ? ", " : "", lf_report_names[i]);
        err_set(err, LF_EUSAGE, "'%s' is not a report; the reports are %s", name, buf_str(&list));
        buf_release(&list);
        return -1;
    }
    if (parse_by(c.def, opts->by, &c.by, err) < 0)
        return -1;
    if (opts->survey && c.def->kind < 0)
        return err_set(err, LF_EUSAGE, "--survey applies to the nps, csat and ces reports only");
    if (opts->margin < 0 || opts->margin > 1 || isnan(opts->margin))
        return err_set(err, LF_EUSAGE, "--margin %g is not a fraction between 0 and 1",
                       opts->margin);
    int64_t now = opts->now_ms ? opts->now_ms : time_now_ms();
    c.to = opts->to_ms ? opts->to_ms : now;
    c.from = opts->from_ms ? opts->from_ms : time_add_months(time_month_start(c.to), -12);
    if (c.from >= c.to) {
        char f[32], t[32];
        time_format_iso(c.from, f);
        time_format_iso(c.to, t);
        return err_set(err, LF_EUSAGE, "the window is empty: --from %s is not before --to %s", f,
                       t);
    }
    periods_make(&c);
    if (load(&c, err) < 0)
        goto out;
    *out = table_new(c.def->name);
    c.def->run(&c, *out);
    ret = 0;
out:
    ctx_release(&c);
    return ret;
}

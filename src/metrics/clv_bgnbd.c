/* clv_bgnbd.c - non-contractual lifetime value from the orders table: each customer's calibration
 * summary (x, t_x, T, mean spend) as of now, BG/NBD and Gamma-Gamma fitted per group and
 * currency, and per customer P(alive), expected purchases, expected spend and discounted CLV.
 * The models are src/cs/clv.h's; the definitions docs/metrics.md's ("Lifetime value models"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "cs/clv.h"
#include "dataset.h"
#include "report/table.h"

static const int group_dims[] = {DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE, DIM_END};
static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};

#define WEEKS_PER_MONTH (365.25 / 12 / 7)

static double param_real(const struct metric_ctx *c, const char *name, double dflt)
{
    int i = metric_param(c, name);
    return i >= 0 && c->p[i].given ? c->p[i].r : dflt;
}

static int64_t param_int(const struct metric_ctx *c, const char *name, int64_t dflt)
{
    int i = metric_param(c, name);
    return i >= 0 && c->p[i].given ? c->p[i].i : dflt;
}

/* A customer: a contact when the order names one, else the order's account. */
struct customer {
    const char *labels[METRIC_BY_MAX]; /* the account's, for the dims of `by` */
    const char *currency, *id;
    struct bgnbd_summary s; /* x, t_x, T in weeks; mean_spend in minor units */
    size_t group;
};

struct fit {
    size_t first, nr; /* its customers, c->cust[first..first + nr) */
    struct bgnbd_fit bg;
    struct gammagamma_fit gg;
    double unit; /* minor units per currency unit: gamma is reported in currency units */
};

struct run {
    struct metric_ctx *c;
    struct dataset d;
    struct customer *cust;
    size_t cust_nr, cust_cap;
    struct fit *fits;
    size_t fits_nr;
};

static void run_release(struct run *r)
{
    dataset_release(&r->d);
    free(r->cust);
    free(r->fits);
}

/* ---- the calibration summaries ---- */

struct contact_id {
    int64_t id;
    const char *ext_id;
};

struct contacts {
    struct metric_ctx *c;
    struct contact_id *v;
    size_t nr, cap;
};

static int on_contact(void *p, const struct contact *k, struct lf_err *err)
{
    (void)err;
    struct contacts *cs = p;
    cs->v = xgrow(cs->v, sizeof(*cs->v), cs->nr + 1, &cs->cap);
    cs->v[cs->nr++] = (struct contact_id){k->id, metric_keep(cs->c, k->ext_id)};
    return 0;
}

static int contact_cmp(const void *pa, const void *pb)
{
    const struct contact_id *x = pa, *y = pb;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* An order as the summary sorts it: its customer's key (contacts odd, accounts even), its day. */
struct keyed {
    int64_t key, ts, day, amount;
    const struct order *o;
};

static int keyed_cmp(const void *pa, const void *pb)
{
    const struct keyed *x = pa, *y = pb;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int nullstr_cmp(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "");
}

/* Customers by group (the dims' labels, then currency), then by id. */
static int customer_cmp(const void *pa, const void *pb)
{
    const struct customer *x = pa, *y = pb;
    for (size_t k = 0; k < METRIC_BY_MAX; k++) {
        int d = nullstr_cmp(x->labels[k], y->labels[k]);
        if (d)
            return d;
    }
    int d = nullstr_cmp(x->currency, y->currency);
    return d ? d : nullstr_cmp(x->id, y->id);
}

static bool same_group(const struct customer *x, const struct customer *y)
{
    for (size_t k = 0; k < METRIC_BY_MAX; k++)
        if (nullstr_cmp(x->labels[k], y->labels[k]))
            return false;
    return nullstr_cmp(x->currency, y->currency) == 0;
}

/* Loads the orders placed before now and summarises each customer's: a transaction is a local
 * day (of the workspace's zone) with orders, the calibration's last day the day holding the
 * last instant before now. */
static int summarize(struct run *r, struct lf_err *err)
{
    struct metric_ctx *c = r->c;
    struct contacts cs = {.c = c};
    struct keyed *k = NULL;
    int ret = -1;
    if (dataset_load(&r->d, c, LOAD_ORDERS, 0, 0, NULL, NULL, err) < 0)
        return -1;
    size_t n = 0;
    bool contacts = false;
    k = xmalloc((r->d.orders_nr ? r->d.orders_nr : 1) * sizeof(*k));
    for (size_t i = 0; i < r->d.orders_nr; i++) {
        const struct order *o = &r->d.orders[i];
        if (o->ts >= c->now)
            continue;
        contacts |= o->contact_id != 0;
        k[n++] = (struct keyed){o->contact_id ? 2 * o->contact_id + 1 : 2 * o->account_id, o->ts,
                                tz_local_day(c->tz, o->ts), o->amount, o};
    }
    if (contacts) {
        if (store_contacts_scan(c->st, c->ws, on_contact, &cs, err) < 0)
            goto out;
        qsort(cs.v, cs.nr, sizeof(*cs.v), contact_cmp);
    }
    qsort(k, n, sizeof(*k), keyed_cmp);
    int64_t last_day = tz_local_day(c->tz, c->now - 1);
    int64_t *days = xmalloc((n ? n : 1) * sizeof(*days));
    int64_t *amounts = xmalloc((n ? n : 1) * sizeof(*amounts));
    for (size_t i = 0; i < n;) {
        size_t j = i;
        for (; j < n && k[j].key == k[i].key; j++) {
            days[j - i] = k[j].day;
            amounts[j - i] = k[j].amount;
        }
        const struct order *o = k[i].o;
        const struct metric_account *a = metric_account(c, o->account_id);
        r->cust = xgrow(r->cust, sizeof(*r->cust), r->cust_nr + 1, &r->cust_cap);
        struct customer *cu = &r->cust[r->cust_nr++];
        *cu = (struct customer){.currency = a ? a->currency : "USD",
                                .id = a ? a->ext_id : "(none)"};
        if (o->contact_id) {
            struct contact_id key = {.id = o->contact_id};
            const struct contact_id *hit =
                cs.nr ? bsearch(&key, cs.v, cs.nr, sizeof(*cs.v), contact_cmp) : NULL;
            if (hit)
                cu->id = hit->ext_id;
        }
        for (size_t d = 0; d < c->by_nr; d++)
            cu->labels[d] = metric_account_value(a, c->by[d]);
        bgnbd_summarize(days, amounts, j - i, last_day, &cu->s);
        i = j;
    }
    free(days);
    free(amounts);
    ret = 0;
out:
    free(k);
    free(cs.v);
    return ret;
}

/* Sorts the customers into their groups and fits both models to each group. */
static void fit_groups(struct run *r)
{
    if (r->cust_nr > 1)
        qsort(r->cust, r->cust_nr, sizeof(*r->cust), customer_cmp);
    struct bgnbd_customer *bg = xmalloc((r->cust_nr ? r->cust_nr : 1) * sizeof(*bg));
    struct gammagamma_customer *gg = xmalloc((r->cust_nr ? r->cust_nr : 1) * sizeof(*gg));
    size_t cap = 0;
    for (size_t i = 0; i < r->cust_nr;) {
        size_t j = i, spenders = 0;
        struct fit f = {.first = i};
        f.unit = pow(10, model_currency_exponent(r->cust[i].currency));
        for (; j < r->cust_nr && same_group(&r->cust[i], &r->cust[j]); j++) {
            const struct bgnbd_summary *s = &r->cust[j].s;
            r->cust[j].group = r->fits_nr;
            bg[j - i] = s->c;
            if (s->c.x >= 1 && s->mean_spend > 0)
                gg[spenders++] = (struct gammagamma_customer){s->c.x, s->mean_spend / f.unit};
        }
        f.nr = j - i;
        bgnbd_fit(bg, f.nr, &f.bg);
        gammagamma_fit(gg, spenders, &f.gg);
        r->fits = xgrow(r->fits, sizeof(*r->fits), r->fits_nr + 1, &cap);
        r->fits[r->fits_nr++] = f;
        i = j;
    }
    free(bg);
    free(gg);
}

static int run_start(struct run *r, struct metric_ctx *c, struct lf_err *err)
{
    *r = (struct run){.c = c};
    if (summarize(r, err) < 0)
        return -1;
    fit_groups(r);
    return 0;
}

/* ---- the fit per group ---- */

static void set_real(struct lf_table *t, size_t row, size_t col, double v)
{
    if (isfinite(v))
        table_set_real(t, row, col, v);
}

static void set_money(struct lf_table *t, size_t row, size_t col, double v)
{
    if (isfinite(v))
        table_set_int(t, row, col, llround(v));
}

static int compute_fit(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, err) < 0)
        goto out;
    double weeks = param_real(c, "weeks", 52);
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t g = 0; g < r.fits_nr; g++) {
        const struct fit *f = &r.fits[g];
        const struct customer *cu = &r.cust[f->first];
        size_t row = metric_row(c, t, cu->labels), col = first;
        const struct bgnbd_params *p = &f->bg.p;
        const struct gammagamma_params *q = &f->gg.p;
        bool bg_ok = f->bg.status == CLV_FIT_OK, gg_ok = f->gg.status == CLV_FIT_OK;
        table_set_text(t, row, col++, cu->currency);
        table_set_int(t, row, col++, (int64_t)f->bg.customers);
        table_set_int(t, row, col++, (int64_t)f->bg.repeaters);
        set_real(t, row, col++, p->r);
        set_real(t, row, col++, p->alpha);
        set_real(t, row, col++, p->a);
        set_real(t, row, col++, p->b);
        set_real(t, row, col++, f->bg.ll);
        set_real(t, row, col++, bg_ok ? bgnbd_expected(p, weeks) : NAN);
        table_set_int(t, row, col++, (int64_t)f->gg.customers);
        set_real(t, row, col++, q->p);
        set_real(t, row, col++, q->q);
        set_real(t, row, col++, q->gamma);
        set_real(t, row, col++, f->gg.ll);
        set_money(t, row, col++, gg_ok ? gammagamma_expected(q, 0, NAN) * f->unit : NAN);
        if (!bg_ok || !gg_ok) {
            struct buf note = BUF_INIT;
            if (!bg_ok)
                buf_adds(&note, f->bg.why);
            if (!gg_ok)
                buf_addf(&note, "%s%s", bg_ok ? "" : "; ", f->gg.why);
            table_set_text(t, row, col, buf_str(&note));
            buf_release(&note);
        }
    }
    ret = 0;
out:
    run_release(&r);
    return ret;
}

/* ---- per customer ---- */

/* Σ_{k=1..H} (E[Y(k w)] − E[Y((k − 1) w)]) / (1 + d)^(k / 12), w a month in weeks: the
 * expected purchases of each month ahead, discounted to now at the annual rate d from the
 * month's end. */
static double discounted_purchases(const struct bgnbd_params *p, const struct bgnbd_customer *c,
                                   int64_t months, double d)
{
    double sum = 0, prev = 0;
    for (int64_t k = 1; k <= months; k++) {
        double cum = bgnbd_conditional(p, c, (double)k * WEEKS_PER_MONTH);
        sum += (cum - prev) / pow(1 + d, (double)k / 12);
        prev = cum;
    }
    return sum;
}

static int compute_customers(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, err) < 0)
        goto out;
    double weeks = param_real(c, "weeks", 52), d = param_real(c, "discount", 0.1);
    double margin = param_real(c, "margin", 0.8);
    int64_t months = param_int(c, "horizon", 12);
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < r.cust_nr; i++) {
        const struct customer *cu = &r.cust[i];
        const struct fit *f = &r.fits[cu->group];
        const struct bgnbd_params *p = &f->bg.p;
        size_t row = metric_row(c, t, cu->labels), col = first;
        bool bg_ok = f->bg.status == CLV_FIT_OK, gg_ok = f->gg.status == CLV_FIT_OK;
        table_set_text(t, row, col++, cu->currency);
        table_set_text(t, row, col++, cu->id);
        table_set_int(t, row, col++, (int64_t)cu->s.c.x);
        table_set_real(t, row, col++, cu->s.c.t_x);
        table_set_real(t, row, col++, cu->s.c.T);
        set_real(t, row, col++, bg_ok ? bgnbd_p_alive(p, &cu->s.c) : NAN);
        set_real(t, row, col++, bg_ok ? bgnbd_conditional(p, &cu->s.c, weeks) : NAN);
        set_money(t, row, col++, cu->s.mean_spend);
        double spend = gg_ok ? gammagamma_expected(&f->gg.p, cu->s.c.x, cu->s.mean_spend / f->unit)
                                   * f->unit
                             : NAN;
        set_money(t, row, col++, spend);
        if (bg_ok && isfinite(spend))
            set_money(t, row, col, margin * spend * discounted_purchases(p, &cu->s.c, months, d));
    }
    ret = 0;
out:
    run_release(&r);
    return ret;
}

/* ---- declarations ---- */

static const struct lf_param_info fit_params[] = {
    {"weeks", LF_PARAM_REAL, "52", "the span of expected_purchases, in weeks", NULL, 0.01, 5218},
};
static const struct lf_param_info customer_params[] = {
    {"weeks", LF_PARAM_REAL, "52", "the span of expected_purchases, in weeks", NULL, 0.01, 5218},
    {"horizon", LF_PARAM_INT, "12", "months of purchases the CLV counts", NULL, 1, 1200},
    {"discount", LF_PARAM_REAL, "0.1", "annual discount rate of the CLV", NULL, 0, 10},
    {"margin", LF_PARAM_REAL, "0.8", "gross margin as a fraction", NULL, 0.0001, 1},
};
static const struct lf_column_info fit_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217: each currency's customers are a population of their own"},
    {"customers", LF_COL_INT, "customers with an order before now"},
    {"repeat_customers", LF_COL_INT, "of them, those with a repeat transaction (x >= 1)"},
    {"r", LF_COL_REAL, "BG/NBD: shape of the purchase rates' gamma distribution"},
    {"alpha", LF_COL_REAL, "BG/NBD: its rate, in weeks"},
    {"a", LF_COL_REAL, "BG/NBD: drop-out probabilities' beta distribution, a"},
    {"b", LF_COL_REAL, "BG/NBD: and b"},
    {"log_likelihood", LF_COL_REAL, "BG/NBD: the maximised log-likelihood"},
    {"expected_purchases", LF_COL_REAL, "E[X(t)]: a new customer's repeat purchases in t = weeks"},
    {"spend_customers", LF_COL_INT, "customers with a repeat transaction of positive amount"},
    {"p", LF_COL_REAL, "Gamma-Gamma: shape of a transaction's amount"},
    {"q", LF_COL_REAL, "Gamma-Gamma: shape of the scale's gamma distribution"},
    {"gamma", LF_COL_REAL, "Gamma-Gamma: its scale, in currency units"},
    {"spend_log_likelihood", LF_COL_REAL, "Gamma-Gamma: the maximised log-likelihood"},
    {"expected_spend", LF_COL_MONEY, "p gamma / (q - 1): a new customer's mean transaction"},
    {"note", LF_COL_TEXT, "why a model was not fitted (null when both were)"},
};
static const struct lf_column_info customer_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217 (the account's)"},
    {"customer", LF_COL_TEXT, "the contact's id, else the account's"},
    {"x", LF_COL_INT, "repeat transactions (days with orders after the first) before now"},
    {"t_x", LF_COL_REAL, "weeks from the first to the last transaction"},
    {"T", LF_COL_REAL, "weeks from the first transaction to the calibration's last day"},
    {"p_alive", LF_COL_PERCENT, "P(alive | x, t_x, T)"},
    {"expected_purchases", LF_COL_REAL, "E[Y(t) | x, t_x, T]: purchases in the next t = weeks"},
    {"mean_spend", LF_COL_MONEY, "mean amount of the repeat transactions (null when x = 0)"},
    {"expected_spend", LF_COL_MONEY, "Gamma-Gamma E(M | x, mean_spend)"},
    {"clv", LF_COL_MONEY,
     "margin × expected_spend × expected purchases of each month of the horizon, discounted"},
};

#define COLS(a) .columns = a, .columns_nr = sizeof(a) / sizeof(a[0])
#define PARAMS(a) .own = a, .own_nr = sizeof(a) / sizeof(a[0])

const struct metric_def metric_clv_bgnbd = {
    .name = "clv-bgnbd", .group = "clv",
    .summary = "BG/NBD and Gamma-Gamma fitted to the orders before now, per group and currency",
    .help = "Maximum-likelihood fits (Fader, Hardie & Lee 2005; Fader & Hardie 2013) to every "
            "customer's calibration summary: x repeat transactions (days with orders), t_x and "
            "T in weeks, the mean amount of the repeat transactions. A fit the data do not "
            "identify is null, its note says why.",
    .common = COMMON_NOW | COMMON_BY | COMMON_WHERE, PARAMS(fit_params), .dims = group_dims,
    .filters = account_dims, COLS(fit_cols), .compute = compute_fit};
const struct metric_def metric_clv_bgnbd_customers = {
    .name = "clv-bgnbd-customers", .group = "clv",
    .summary = "per customer: P(alive), expected purchases and spend, discounted CLV (BG/NBD)",
    .help = "Each customer's summary and, from its group's BG/NBD and Gamma-Gamma fits, P(alive), "
            "the purchases expected in the next weeks, the expected mean transaction and the "
            "CLV: margin × expected_spend × the expected purchases of each month of the horizon, "
            "discounted at the annual rate from the month's end.",
    .common = COMMON_NOW | COMMON_BY | COMMON_WHERE, PARAMS(customer_params), .dims = group_dims,
    .filters = account_dims, COLS(customer_cols), .compute = compute_customers};

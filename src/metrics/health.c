/* health.c - the health metrics: every customer's score as of an instant (health), one
 * account's measures and what each did to its score (health-explain). Definitions:
 * docs/metrics.md, "Health". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "cs/health.h"
#include "metrics.h"
#include "report/table.h"

#define COLS(a) .columns = a, .columns_nr = sizeof(a) / sizeof(a[0])

static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};
static const int no_dims[] = {DIM_END};

static const char *const colours[] = {"any", "red", "yellow", "green", "none", NULL};
static const char *const sorts[] = {"score", "account", NULL};

/* The measures as of c->now and the scorecards in force. */
static int load(struct metric_ctx *c, struct health_set *s, struct health_cards *cards,
                const struct health_scorecard **named, struct lf_err *err)
{
    int i = metric_param(c, "scorecard");
    *named = NULL;
    if (health_cards_load(c->st, c->ws, cards, err) < 0)
        return -1;
    if (i >= 0 && c->p[i].given && !(*named = health_cards_find(cards, c->p[i].s))) {
        health_cards_release(cards);
        return err_set_field(err, "scorecard", LF_EINVAL,
                             "no scorecard '%s' ('landfall health scorecard list' lists them)",
                             c->p[i].s);
    }
    /* where account=ID (the account page): only its rows are read, its row is the same */
    if (metric_accounts(c, err) < 0 || health_measures(c->st, c->e, c->ws, metric_account_only(c),
                                                       c->tz, c->now, s, err) < 0) {
        health_cards_release(cards);
        return -1;
    }
    return 0;
}

/* The measure that cost the score most, or -1. */
static int worst(const struct health_score *hs)
{
    int w = -1;
    for (size_t k = 0; k < hs->total; k++)
        if (!isnan(hs->parts[k].points) && hs->parts[k].loss > 0 &&
            (w < 0 || hs->parts[k].loss > hs->parts[w].loss))
            w = (int)k;
    return w;
}

struct scored {
    const struct health_row *r;
    const struct health_scorecard *sc;
    struct health_score hs;
};

static int by_score(const void *pa, const void *pb)
{
    const struct scored *a = pa, *b = pb;
    int sa = a->hs.score < 0 ? 101 : a->hs.score, sb = b->hs.score < 0 ? 101 : b->hs.score;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return strcmp(a->r->ext_id ? a->r->ext_id : "", b->r->ext_id ? b->r->ext_id : "");
}

static int by_account(const void *pa, const void *pb)
{
    const struct scored *a = pa, *b = pb;
    return strcmp(a->r->ext_id ? a->r->ext_id : "", b->r->ext_id ? b->r->ext_id : "");
}

static int compute_health(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct health_set s;
    struct health_cards cards;
    const struct health_scorecard *named;
    if (load(c, &s, &cards, &named, err) < 0)
        return -1;
    int colour = (int)c->p[metric_param(c, "colour")].i;
    int sort = (int)c->p[metric_param(c, "sort")].i;
    struct scored *rows = xcalloc(s.nr ? s.nr : 1, sizeof(*rows));
    size_t n = 0;
    for (size_t i = 0; i < s.nr; i++) {
        const struct health_row *r = &s.rows[i];
        if (!r->customer || !metric_account_passes(c, metric_account(c, r->account_id)))
            continue;
        struct scored *o = &rows[n];
        o->r = r;
        o->sc = named ? named : health_cards_pick(&cards, r);
        health_score(o->sc, r, &o->hs);
        if (colour == 4 ? o->hs.score >= 0
                        : colour > 0 && (!o->hs.band || strcmp(o->hs.band, colours[colour]) != 0))
            continue;
        n++;
    }
    qsort(rows, n, sizeof(*rows), sort == 0 ? by_score : by_account);
    size_t col = metric_columns(c, t);
    for (size_t i = 0; i < n; i++) {
        const struct scored *o = &rows[i];
        size_t row = table_add_row(t), k = col;
        table_set_text(t, row, k++, o->r->ext_id);
        table_set_text(t, row, k++, o->r->segment);
        table_set_text(t, row, k++, o->r->plan);
        table_set_text(t, row, k++, o->r->owner);
        if (o->hs.score >= 0)
            table_set_int(t, row, k, o->hs.score);
        k++;
        table_set_text(t, row, k++, o->hs.band);
        table_set_text(t, row, k++, o->sc->name);
        table_set_int(t, row, k++, o->sc->version);
        table_set_int(t, row, k++, (int64_t)o->hs.used);
        table_set_int(t, row, k++, (int64_t)o->hs.total);
        int w = o->hs.score >= 0 ? worst(&o->hs) : -1;
        if (w >= 0) {
            table_set_text(t, row, k, health_measures_defs[o->hs.parts[w].measure].name);
            table_set_real(t, row, k + 1, o->hs.parts[w].loss);
        }
    }
    free(rows);
    health_cards_release(&cards);
    health_set_release(&s);
    return 0;
}

/* The parts of a score, the ones that cost most first, then those left out. */
struct part_order {
    int measure;
    double loss;   /* -1: no data, -2: not in the scorecard */
    size_t index;  /* in the scorecard, or HM_NR */
};

static int by_loss(const void *pa, const void *pb)
{
    const struct part_order *a = pa, *b = pb;
    if (a->loss != b->loss)
        return a->loss > b->loss ? -1 : 1;
    return a->measure - b->measure;
}

static int compute_explain(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    const char *ext = NULL;
    for (size_t i = 0; i < c->where_nr; i++)
        if (c->where[i].dim == DIM_ACCOUNT)
            ext = c->where[i].value;
    if (!ext)
        return err_set_field(err, "account", LF_EINVAL,
                             "health-explain needs an account (its external id)");
    struct health_set s;
    struct health_cards cards;
    const struct health_scorecard *named;
    if (load(c, &s, &cards, &named, err) < 0)
        return -1;
    const struct health_row *r = NULL;
    for (size_t i = 0; i < s.nr && !r; i++)
        if (s.rows[i].ext_id && strcmp(s.rows[i].ext_id, ext) == 0)
            r = &s.rows[i];
    size_t col = metric_columns(c, t);
    if (r) {
        const struct health_scorecard *sc = named ? named : health_cards_pick(&cards, r);
        struct health_score hs;
        struct part_order ord[HM_NR];
        health_score(sc, r, &hs);
        for (int m = 0; m < HM_NR; m++)
            ord[m] = (struct part_order){m, -2, HM_NR};
        for (size_t k = 0; k < hs.total; k++) {
            const struct health_part *p = &hs.parts[k];
            ord[p->measure].index = k;
            ord[p->measure].loss = isnan(p->points) ? -1 : p->loss;
        }
        qsort(ord, HM_NR, sizeof(*ord), by_loss);
        for (int m = 0; m < HM_NR; m++) {
            const struct health_measure_def *d = &health_measures_defs[ord[m].measure];
            size_t row = table_add_row(t), k = col;
            table_set_text(t, row, k++, r->ext_id);
            if (hs.score >= 0) {
                table_set_int(t, row, k, hs.score);
                table_set_text(t, row, k + 1, hs.band);
            }
            k += 2;
            table_set_text(t, row, k++, sc->name);
            table_set_text(t, row, k++, d->name);
            table_set_text(t, row, k++, d->family);
            table_set_real(t, row, k++, r->v[ord[m].measure]);
            table_set_text(t, row, k++, d->unit);
            if (ord[m].index < HM_NR && ord[m].loss >= 0) {
                const struct health_part *p = &hs.parts[ord[m].index];
                table_set_real(t, row, k, p->points);
                table_set_real(t, row, k + 1, p->weight);
                table_set_real(t, row, k + 2, p->loss);
            }
            k += 3;
            table_set_text(t, row, k,
                           !r->customer          ? "not a customer at this time: no score"
                           : ord[m].loss == -2   ? "not in the scorecard"
                           : ord[m].loss == -1   ? "no data: left out, weights renormalised"
                                                 : "");
        }
    }
    health_cards_release(&cards);
    health_set_release(&s);
    return 0;
}


/* ---- the scorecards ---- */

struct card_rows {
    struct metric_ctx *c;
    struct lf_table *t;
    size_t col;
    const struct health_cards *cards;
};

static void card_row(struct metric_ctx *c, struct lf_table *t, size_t col, const char *name,
                     int64_t version, const char *segment, const char *plan, bool in_force,
                     int64_t created, int64_t retired, const char *definition)
{
    char d[40];
    size_t row = table_add_row(t), k = col;
    table_set_text(t, row, k++, name);
    table_set_int(t, row, k++, version);
    table_set_text(t, row, k++, segment);
    table_set_text(t, row, k++, plan);
    table_set_text(t, row, k++, in_force ? "yes" : "no");
    if (created != LF_UNSET) {
        tz_format_iso(c->tz, created, d);
        table_set_text(t, row, k, d);
    }
    k++;
    if (retired != LF_UNSET) {
        tz_format_iso(c->tz, retired, d);
        table_set_text(t, row, k, d);
    }
    k++;
    table_set_text(t, row, k, definition);
}

static int on_card_row(void *ctx, const struct store_scorecard *s, struct lf_err *err)
{
    struct card_rows *l = ctx;
    (void)err;
    const struct health_scorecard *f = health_cards_find(l->cards, s->name);
    card_row(l->c, l->t, l->col, s->name, s->version, s->segment, s->plan,
             f && f->version == s->version, s->created_at, s->retired_at, s->definition);
    return 0;
}

static int compute_scorecards(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct health_cards cards;
    if (health_cards_load(c->st, c->ws, &cards, err) < 0)
        return -1;
    struct card_rows l = {c, t, metric_columns(c, t), &cards};
    for (size_t i = 0; health_builtin(i); i++) {
        const struct health_scorecard *b = health_builtin(i);
        char *def = health_scorecard_json(b);
        /* a stored one of the same name replaces the built-in one */
        const struct health_scorecard *f = health_cards_find(&cards, b->name);
        card_row(c, t, l.col, b->name, 0, NULL, NULL, f == b, LF_UNSET, LF_UNSET, def);
        free(def);
    }
    int rc = store_scorecards_scan(c->st, c->ws, on_card_row, &l, err);
    health_cards_release(&cards);
    return rc;
}

/* ---- the history ---- */

struct history {
    struct metric_ctx *c;
    struct lf_table *t;
    size_t col;
    int64_t prev_account;
    int prev_score;
    char prev_band[8];
};

static int on_history(void *ctx, const struct store_health_score *s, struct lf_err *err)
{
    (void)err;
    struct history *h = ctx;
    const struct metric_account *a = metric_account(h->c, s->account_id);
    if (!metric_account_passes(h->c, a))
        return 0;
    char d[16];
    size_t row = table_add_row(h->t), k = h->col;
    table_set_text(h->t, row, k++, a ? a->ext_id : NULL);
    time_format_date(s->day, d); /* a stored day: the UTC midnight of the local date */
    table_set_text(h->t, row, k++, d);
    table_set_int(h->t, row, k++, s->score);
    table_set_text(h->t, row, k++, s->band);
    table_set_text(h->t, row, k++, s->scorecard);
    table_set_int(h->t, row, k++, s->version);
    table_set_int(h->t, row, k++, s->measures_used);
    if (h->prev_account == s->account_id) {
        table_set_int(h->t, row, k, s->score - h->prev_score);
        if (strcmp(h->prev_band, s->band) != 0) {
            char moved[24];
            snprintf(moved, sizeof(moved), "%s to %s", h->prev_band, s->band);
            table_set_text(h->t, row, k + 1, moved);
        }
    }
    h->prev_account = s->account_id;
    h->prev_score = s->score;
    snprintf(h->prev_band, sizeof(h->prev_band), "%s", s->band);
    table_set_text(h->t, row, k + 2, s->components);
    return 0;
}

static int compute_history(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct history h = {c, t, 0, 0, 0, ""};
    if (metric_accounts(c, err) < 0)
        return -1;
    int64_t account = metric_account_only(c);
    /* stored days are local dates as UTC midnights: the window in the same terms */
    int64_t to = c->to != LF_UNSET ? c->to : c->now;
    int64_t to_day = (tz_local_day(c->tz, to - 1) + 1) * MS_PER_DAY;
    int64_t from_day = c->from != LF_UNSET ? tz_local_day(c->tz, c->from) * MS_PER_DAY
                                           : to_day - 90 * MS_PER_DAY;
    h.col = metric_columns(c, t);
    return store_health_scan(c->st, c->ws, account, from_day, to_day, on_history, &h, err);
}

/* ---- the backtest ---- */

struct churn_at {
    int64_t account_id, at; /* a change to MRR 0, from the local start of its date */
};
struct churns {
    struct churn_at *v;
    size_t nr, cap;
    const struct tz *tz;
};

static int on_churn(void *ctx, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct churns *c = ctx;
    if (m->mrr != 0)
        return 0;
    if (c->nr == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
    }
    int64_t day = m->date >= 0 ? m->date / MS_PER_DAY : -((-m->date + MS_PER_DAY - 1) / MS_PER_DAY);
    c->v[c->nr++] = (struct churn_at){m->account_id, tz_day_start(c->tz, day)};
    return 0;
}

/* Whether the account churned in [from, to): the changes are by account, date. */
static bool churned_in(const struct churns *c, int64_t account, int64_t from, int64_t to)
{
    size_t lo = 0, hi = c->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->v[mid].account_id < account)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < c->nr && c->v[lo].account_id == account; lo++)
        if (c->v[lo].at >= from && c->v[lo].at < to)
            return true;
    return false;
}

struct bt_side {
    const struct health_scorecard *sc;
    int *scores;
    bool *churned;
    size_t n, cap;
};

static void bt_add(struct bt_side *b, int score, bool churned)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 256;
        b->scores = xrealloc(b->scores, b->cap * sizeof(*b->scores));
        b->churned = xrealloc(b->churned, b->cap * sizeof(*b->churned));
    }
    b->scores[b->n] = score;
    b->churned[b->n++] = churned;
}

static int compute_backtest(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct health_cards cards;
    struct health_data *data = NULL;
    struct churns ch = {.tz = c->tz};
    struct bt_side side[2] = {{0}};
    size_t sides = 1, snapshots = 0;
    int ret = -1;
    int isc = metric_param(c, "scorecard"), ivs = metric_param(c, "versus");
    int64_t horizon = c->p[metric_param(c, "horizon")].given
                          ? c->p[metric_param(c, "horizon")].i
                          : 90;
    if (health_cards_load(c->st, c->ws, &cards, err) < 0)
        return -1;
    const char *names[2] = {c->p[isc].given ? c->p[isc].s : "default",
                            c->p[ivs].given ? c->p[ivs].s : NULL};
    for (size_t k = 0; k < 2; k++) {
        if (!names[k])
            continue;
        if (!(side[k].sc = health_cards_find(&cards, names[k]))) {
            err_set_field(err, k ? "versus" : "scorecard", LF_EINVAL, "no scorecard '%s'",
                          names[k]);
            goto out;
        }
        sides = k + 1;
    }
    if (metric_accounts(c, err) < 0 ||
        store_mrr_changes_scan(c->st, c->ws, 0, on_churn, &ch, err) < 0 ||
        health_data_load(c->st, c->ws, 0, c->tz, &data, err) < 0)
        goto out;
    /* month starts in [from, to) whose horizon has passed by now: the outcome is known */
    int64_t now_day = tz_local_day(c->tz, c->now);
    int64_t last = tz_day_start(c->tz, now_day - horizon); /* a start at or before it */
    int64_t to = c->to != LF_UNSET ? c->to : last + 1;
    int64_t from = c->from != LF_UNSET
                       ? c->from
                       : tz_period_add(c->tz, TZ_MONTH, tz_period_start(c->tz, TZ_MONTH, to),
                                       -12);
    for (int64_t s = tz_period_start(c->tz, TZ_MONTH, from); s < to;
         s = tz_period_add(c->tz, TZ_MONTH, s, 1)) {
        if (s < from || s > last)
            continue;
        int64_t end = tz_day_start(c->tz, tz_local_day(c->tz, s) + horizon);
        struct health_set hs;
        if (health_measures_at(data, c->e, s, &hs, err) < 0)
            goto out;
        snapshots++;
        for (size_t i = 0; i < hs.nr; i++) {
            const struct health_row *r = &hs.rows[i];
            if (!r->customer || !metric_account_passes(c, metric_account(c, r->account_id)))
                continue;
            bool churned = churned_in(&ch, r->account_id, s, end);
            for (size_t k = 0; k < sides; k++) {
                struct health_score sc;
                health_score(side[k].sc, r, &sc);
                if (sc.score >= 0)
                    bt_add(&side[k], sc.score, churned);
            }
        }
        health_set_release(&hs);
    }
    size_t col = metric_columns(c, t);
    for (size_t k = 0; k < sides; k++) {
        struct health_backtest b;
        health_backtest_stats(side[k].sc, side[k].scores, side[k].churned, side[k].n, &b);
        size_t row = table_add_row(t), j = col;
        table_set_text(t, row, j++, side[k].sc->name);
        table_set_int(t, row, j++, side[k].sc->version);
        table_set_int(t, row, j++, (int64_t)snapshots);
        table_set_int(t, row, j++, (int64_t)b.n);
        table_set_int(t, row, j++, (int64_t)b.churned);
        table_set_real(t, row, j++, b.rate);
        table_set_real(t, row, j++, b.auc);
        for (int band = 0; band < 3; band++) {
            table_set_int(t, row, j++, (int64_t)b.band_n[band]);
            table_set_real(t, row, j++, b.band_n[band] ? (double)b.band_churned[band] /
                                                             (double)b.band_n[band]
                                                       : NAN);
        }
        table_set_real(t, row, j++, b.decile_rate);
        table_set_real(t, row, j, b.lift);
    }
    ret = 0;
out:
    for (size_t k = 0; k < 2; k++) {
        free(side[k].scores);
        free(side[k].churned);
    }
    free(ch.v);
    health_data_free(data);
    health_cards_release(&cards);
    return ret;
}

/* ---- expansion signals ---- */

struct lead {
    const struct health_row *r;
    int points, signals;
    char reasons[320];
    double breadth_change;
};

static int by_points(const void *pa, const void *pb)
{
    const struct lead *a = pa, *b = pb;
    if (a->points != b->points)
        return a->points > b->points ? -1 : 1;
    return strcmp(a->r->ext_id ? a->r->ext_id : "", b->r->ext_id ? b->r->ext_id : "");
}

static int by_ttv_account(const void *pa, const void *pb)
{
    int64_t a = ((const struct engine_ttv_row *)pa)->account_id,
            b = ((const struct engine_ttv_row *)pb)->account_id;
    return (a > b) - (a < b);
}

static void reason(struct lead *l, int points, const char *fmt, double v)
{
    size_t n = strlen(l->reasons);
    snprintf(l->reasons + n, sizeof(l->reasons) - n, "%s", n ? "; " : "");
    n = strlen(l->reasons);
    snprintf(l->reasons + n, sizeof(l->reasons) - n, fmt, v);
    l->points += points;
    l->signals++;
}

static int compute_expansion(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct health_set now = {0}, before = {0};
    struct health_data *data = NULL;
    struct engine_ttv limits = {0};
    struct lead *leads = NULL;
    size_t n = 0;
    int ret = -1;
    int il = metric_param(c, "limit_event");
    const char *limit_event = c->p[il].given ? c->p[il].s : "plan_limit_reached";
    int64_t day = tz_local_day(c->tz, c->now);
    int64_t month_ago = tz_day_start(c->tz, day - 30) + (c->now - tz_day_start(c->tz, day));
    struct engine_query q = {.now = c->now, .to = c->now, .tz = metric_engine_tz(c)};
    if (metric_accounts(c, err) < 0)
        goto out;
    /* where account=ID (the account page): only its rows are read, its row is the same */
    q.account = metric_account_only(c);
    if (health_data_load(c->st, c->ws, q.account, c->tz, &data, err) < 0 ||
        health_measures_at(data, c->e, c->now, &now, err) < 0 ||
        health_measures_at(data, c->e, month_ago, &before, err) < 0)
        goto out;
    if (engine_ttv(c->e, &q, limit_event, &limits, err) < 0) {
        if (err->code != LF_ENOENT)
            goto out;
        limits = (struct engine_ttv){0}; /* no such event: nobody hit a limit */
        *err = (struct lf_err){0};
    }
    if (limits.nr)
        qsort(limits.rows, limits.nr, sizeof(*limits.rows), by_ttv_account);
    leads = xcalloc(now.nr ? now.nr : 1, sizeof(*leads));
    for (size_t i = 0; i < now.nr; i++) {
        const struct health_row *r = &now.rows[i];
        if (!r->customer || !metric_account_passes(c, metric_account(c, r->account_id)))
            continue;
        struct lead *l = &leads[n];
        *l = (struct lead){.r = r, .breadth_change = NAN};
        const struct health_row *b = health_set_find(&before, r->account_id);
        if (r->v[HM_SEAT_UTILISATION] >= 0.9)
            reason(l, 3, "seats %.0f%% used", 100 * r->v[HM_SEAT_UTILISATION]);
        if (r->v[HM_USAGE_TREND] >= 0.05)
            reason(l, 2, "weekly users growing %.0f%% a week", 100 * r->v[HM_USAGE_TREND]);
        if (b && !isnan(b->v[HM_BREADTH]) && !isnan(r->v[HM_BREADTH])) {
            l->breadth_change = r->v[HM_BREADTH] - b->v[HM_BREADTH];
            if (l->breadth_change >= 0.10)
                reason(l, 1, "uses %.0f points more of the product than 30 days before",
                       100 * l->breadth_change);
        }
        if (r->v[HM_NPS] >= 50)
            reason(l, 2, "promoter: NPS %.0f", r->v[HM_NPS]);
        struct engine_ttv_row key = {.account_id = r->account_id};
        const struct engine_ttv_row *hit =
            limits.nr ? bsearch(&key, limits.rows, limits.nr, sizeof(key), by_ttv_account) : NULL;
        if (hit && hit->reached_at != LF_UNSET)
            reason(l, 3, "hit a plan limit (%.0f days after starting)", hit->days);
        if (l->signals)
            n++;
    }
    qsort(leads, n, sizeof(*leads), by_points);
    size_t col = metric_columns(c, t);
    for (size_t i = 0; i < n; i++) {
        const struct lead *l = &leads[i];
        size_t row = table_add_row(t), k = col;
        table_set_text(t, row, k++, l->r->ext_id);
        table_set_text(t, row, k++, l->r->segment);
        table_set_text(t, row, k++, l->r->plan);
        table_set_text(t, row, k++, l->r->owner);
        table_set_int(t, row, k++, l->points);
        table_set_int(t, row, k++, l->signals);
        table_set_text(t, row, k++, l->reasons);
        table_set_real(t, row, k++, l->r->v[HM_SEAT_UTILISATION]);
        table_set_real(t, row, k++, l->r->v[HM_USAGE_TREND]);
        table_set_real(t, row, k++, l->breadth_change);
        table_set_real(t, row, k, l->r->v[HM_NPS]);
    }
    ret = 0;
out:
    free(leads);
    engine_ttv_free(&limits);
    health_set_release(&now);
    health_set_release(&before);
    health_data_free(data);
    return ret;
}

static const struct lf_param_info health_params[] = {
    {"scorecard", LF_PARAM_TEXT, "each account's",
     "score every account with this scorecard (default: the one in force for its segment and "
     "plan, else 'default')"},
    {"colour", LF_PARAM_CHOICE, "any", "only the accounts of this band (none: without a score)",
     colours},
    {"sort", LF_PARAM_CHOICE, "score", "lowest score first, or by account", sorts},
};
static const struct lf_param_info explain_params[] = {
    {"scorecard", LF_PARAM_TEXT, "the account's",
     "explain the score by this scorecard (default: the one in force for the account)"},
};

static const struct lf_column_info health_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"segment", LF_COL_TEXT, ""},
    {"plan", LF_COL_TEXT, ""},
    {"owner", LF_COL_TEXT, ""},
    {"score", LF_COL_INT, "0..100; null when no measure has data"},
    {"band", LF_COL_TEXT, "red, yellow or green by the scorecard's cut points"},
    {"scorecard", LF_COL_TEXT, "the scorecard that made the score"},
    {"version", LF_COL_INT, "its version (0: built in)"},
    {"measures_used", LF_COL_INT, "measures with data (the others are left out)"},
    {"measures_total", LF_COL_INT, "measures of the scorecard"},
    {"concern", LF_COL_TEXT, "the measure that cost the score most points"},
    {"concern_points", LF_COL_REAL, "the points it cost"},
};
static const struct lf_column_info explain_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"score", LF_COL_INT, "the account's score; null without one"},
    {"band", LF_COL_TEXT, ""},
    {"scorecard", LF_COL_TEXT, ""},
    {"measure", LF_COL_TEXT, "the measures costing most points first, then those left out"},
    {"family", LF_COL_TEXT, "usage, experience, support or commercial"},
    {"value", LF_COL_REAL, "its value at the time; null: no data"},
    {"unit", LF_COL_TEXT, ""},
    {"points", LF_COL_REAL, "0 poor, 50 concerning, 100 healthy (a linear band: in between)"},
    {"weight", LF_COL_PERCENT, "its weight among the measures with data"},
    {"pulled_down", LF_COL_REAL, "weight × (100 − points): the points it cost the score"},
    {"note", LF_COL_TEXT, "why it has no points"},
};

const struct metric_def metric_health = {
    .name = "health", .group = "health",
    .summary = "every customer's health score 0-100 and band as of now, lowest first",
    .help = "The score of each account that is a customer at `now`, by the scorecard in force "
            "for it, from its measures as of `now` (only data before it), with how many "
            "measures had data and the one that cost most.",
    .common = COMMON_NOW | COMMON_WHERE, .own = health_params, .own_nr = 3, .dims = no_dims,
    .filters = account_dims, COLS(health_cols), .needs = NEEDS_ENGINE,
    .compute = compute_health};
const struct metric_def metric_health_explain = {
    .name = "health-explain", .group = "health",
    .summary = "one account's measures, points and weights: why its score is what it is",
    .help = "Every measure of the account as of `now`; those of its scorecard with their "
            "points, weight and the points each cost, the costliest first.",
    .common = COMMON_NOW | COMMON_ACCOUNT, .own = explain_params, .own_nr = 1, .dims = no_dims,
    .filters = no_dims, COLS(explain_cols), .needs = NEEDS_ENGINE,
    .compute = compute_explain};

static const struct lf_column_info scorecards_cols[] = {
    {"name", LF_COL_TEXT, ""},
    {"version", LF_COL_INT, "0: built in"},
    {"segment", LF_COL_TEXT, "the segment it applies to (null: any)"},
    {"plan", LF_COL_TEXT, "the plan it applies to (null: any)"},
    {"in_force", LF_COL_TEXT, "yes for the version scores use"},
    {"created_at", LF_COL_TEXT, ""},
    {"retired_at", LF_COL_TEXT, ""},
    {"definition", LF_COL_TEXT, "its JSON"},
};
static const struct lf_column_info history_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"day", LF_COL_TEXT, "the day; its score is the state at its start"},
    {"score", LF_COL_INT, ""},
    {"band", LF_COL_TEXT, ""},
    {"scorecard", LF_COL_TEXT, ""},
    {"version", LF_COL_INT, ""},
    {"measures_used", LF_COL_INT, ""},
    {"change", LF_COL_INT, "score − the account's score of the day before it in the list"},
    {"moved", LF_COL_TEXT, "\"green to red\"… when the band changed since that day"},
    {"components", LF_COL_TEXT, "{measure: [value, points, weight]}"},
};

const struct metric_def metric_scorecards = {
    .name = "scorecards", .group = "health",
    .summary = "the health scorecards: built in and stored, every version, which is in force",
    .help = "Each stored scorecard version and the built-in ones, with their JSON definition.",
    .common = 0, .dims = no_dims, .filters = no_dims, COLS(scorecards_cols),
    .compute = compute_scorecards};
/* The measures a scorecard may use: what the dashboard's scorecard editor offers. */
static int compute_measures(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    (void)err;
    size_t col = metric_columns(c, t);
    for (size_t i = 0; i < HM_NR; i++) {
        size_t r = table_add_row(t);
        table_set_text(t, r, col, health_measures_defs[i].name);
        table_set_text(t, r, col + 1, health_measures_defs[i].family);
        table_set_text(t, r, col + 2, health_measures_defs[i].unit);
        table_set_text(t, r, col + 3, health_measures_defs[i].help);
    }
    return 0;
}

static const struct lf_column_info measures_cols[] = {
    {"measure", LF_COL_TEXT, "its name in a scorecard"},
    {"family", LF_COL_TEXT, "usage, experience, support or commercial"},
    {"unit", LF_COL_TEXT, "of its value"},
    {"help", LF_COL_TEXT, "what it is"},
};

const struct metric_def metric_health_measures = {
    .name = "health-measures", .group = "health",
    .summary = "the measures a health scorecard may use, with their family and unit",
    .help = "Every measure of docs/metrics.md's health section: its name, family, unit and "
            "definition.",
    .common = 0, .dims = no_dims, .filters = no_dims, COLS(measures_cols),
    .compute = compute_measures};
const struct metric_def metric_health_history = {
    .name = "health-history", .group = "health",
    .summary = "the daily scores the snapshots kept (default: the 90 days before to)",
    .help = "Scores of the history ('landfall health snapshot', and a server once a day), by "
            "account then day, with the change from the day before and band moves.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_WHERE | COMMON_ACCOUNT, .dims = no_dims,
    .filters = account_dims, COLS(history_cols), .compute = compute_history};

static const struct lf_param_info backtest_params[] = {
    {"scorecard", LF_PARAM_TEXT, "default", "the scorecard to test (stored or built in)"},
    {"versus", LF_PARAM_TEXT, "none", "a competing scorecard, measured side by side"},
    {"horizon", LF_PARAM_INT, "90", "days after each snapshot a churn counts in", NULL, 1,
     3650},
};
static const struct lf_column_info backtest_cols[] = {
    {"scorecard", LF_COL_TEXT, ""},
    {"version", LF_COL_INT, ""},
    {"snapshots", LF_COL_INT, "month starts scored"},
    {"observations", LF_COL_INT, "scores given: customers × month starts"},
    {"churned", LF_COL_INT, "observations followed by a churn within the horizon"},
    {"churn_rate", LF_COL_PERCENT, "churned / observations"},
    {"auc", LF_COL_REAL, "P(a churner scored below a stayer), ties half: 0.5 is chance"},
    {"red", LF_COL_INT, "observations in the red band"},
    {"red_churn", LF_COL_PERCENT, "their churn rate"},
    {"yellow", LF_COL_INT, ""},
    {"yellow_churn", LF_COL_PERCENT, ""},
    {"green", LF_COL_INT, ""},
    {"green_churn", LF_COL_PERCENT, ""},
    {"bottom_decile_churn", LF_COL_PERCENT, "churn rate of the tenth with the lowest scores"},
    {"lift", LF_COL_REAL, "bottom_decile_churn / churn_rate"},
};
const struct metric_def metric_health_backtest = {
    .name = "health-backtest", .group = "health",
    .summary = "how well a scorecard's scores ranked the churn that followed them",
    .help = "Scores every customer as of each month start of the window (default: the 12 "
            "months before the last one whose horizon has passed), from only the data before "
            "it, and compares with the churns of the horizon after it: AUC, churn by band, the "
            "bottom decile's lift; with versus, a second scorecard on the same observations.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_WHERE, .own = backtest_params, .own_nr = 3,
    .dims = no_dims, .filters = account_dims, COLS(backtest_cols), .needs = NEEDS_ENGINE | LONG,
    .compute = compute_backtest};

static const struct lf_param_info expansion_params[] = {
    {"limit_event", LF_PARAM_TEXT, "plan_limit_reached",
     "the event a product sends when an account hits a limit of its plan"},
};
static const struct lf_column_info expansion_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"segment", LF_COL_TEXT, ""},
    {"plan", LF_COL_TEXT, ""},
    {"owner", LF_COL_TEXT, ""},
    {"points", LF_COL_INT, "seats ≥ 90 % used 3, a plan limit hit 3, usage growth 2, promoter 2, "
                           "breadth growth 1"},
    {"signals", LF_COL_INT, "how many signals"},
    {"reasons", LF_COL_TEXT, "the signals in words"},
    {"seat_utilisation", LF_COL_PERCENT, ""},
    {"usage_trend", LF_COL_PERCENT, "weekly users' slope over 8 weeks, share of their mean"},
    {"breadth_change", LF_COL_REAL, "breadth now − breadth 30 days before"},
    {"nps", LF_COL_REAL, "the account's NPS over 180 days"},
};
const struct metric_def metric_expansion = {
    .name = "expansion", .group = "health",
    .summary = "expansion signals: customers ranked by the signs they could buy more",
    .help = "Customers with at least one signal as of now: seats at least 90 % used, weekly "
            "users growing 5 % a week or more, breadth up 10 points in 30 days, an NPS of 50 or "
            "more, a plan-limit event; most points first.",
    .common = COMMON_NOW | COMMON_WHERE, .own = expansion_params, .own_nr = 1, .dims = no_dims,
    .filters = account_dims, COLS(expansion_cols), .needs = NEEDS_ENGINE,
    .compute = compute_expansion};

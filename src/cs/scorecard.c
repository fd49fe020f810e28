/* scorecard.c - health scorecards: their JSON definition (read, checked field by field, written
 * back), the built-in ones, and the score of an account with the part each measure had in it. */
#include "health.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

/* ---- built-in scorecards ---- */

#define T(m, w, c, h) {.measure = m, .weight = w, .rule = HR_THRESHOLDS, .concerning = c, .healthy = h}

/* default: the drivers of churn a CSM can see (usage against seats and its direction, tickets
 * left open, detractors, no success touch, shrinking MRR); docs/metrics.md gives the reasons */
static const struct health_scorecard builtin_default = {
    .name = "default", .yellow = 40, .green = 70,
    .items = {T(HM_SEAT_UTILISATION, 20, 0.35, 0.6),
              T(HM_USAGE_TREND, 15, -0.10, -0.02),
              T(HM_DAYS_SINCE_SEEN, 10, 14, 3),
              T(HM_STALE_TICKETS, 15, 1, 0),
              T(HM_NPS, 15, 0, 50),
              T(HM_DETRACTOR_90D, 10, 0.5, 0),
              T(HM_DAYS_SINCE_CSM, 10, 90, 45),
              T(HM_MRR_TREND, 5, -0.10, 0)},
    .items_nr = 8};

/* engagement: the split of the template the issue names, 75 % product engagement and 25 %
 * customer engagement, each factor poor / concerning / healthy */
static const struct health_scorecard builtin_engagement = {
    .name = "engagement", .yellow = 40, .green = 70,
    .items = {T(HM_DAU_MAU, 25, 0.10, 0.20),
              T(HM_SEAT_UTILISATION, 25, 0.35, 0.60),
              T(HM_BREADTH, 25, 0.30, 0.50),
              T(HM_NPS, 10, 0, 50),
              T(HM_DAYS_SINCE_CSM, 10, 90, 45),
              T(HM_OPEN_TICKETS, 5, 2, 0)},
    .items_nr = 6};
#undef T

static const struct health_scorecard *const builtins[] = {&builtin_default, &builtin_engagement,
                                                          NULL};

const struct health_scorecard *health_builtin(size_t i)
{
    return i < sizeof(builtins) / sizeof(builtins[0]) ? builtins[i] : NULL;
}

const struct health_scorecard *health_builtin_find(const char *name)
{
    for (size_t i = 0; builtins[i]; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    return NULL;
}

/* ---- the JSON definition ---- */

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '-' || s[i] == '.'))
            return false;
    return true;
}

/* The number at key of o: 1 and *out, 0 when absent, -1 (err) when not a finite number. */
/* The largest threshold or band end, either way: above any measure's value (money is at most
 * 10^13 minor units), small enough that the score's arithmetic (Σ wᵢ pᵢ, a linear band's
 * 100 × (v − zero) / (full − zero)) stays finite: with 1e308 it made ∞/∞, a NaN score. */
#define SCORECARD_VALUE_MAX 1e15
/* The largest weight: weights are relative (19 measures of 10^6 × 100 points sum finely) */
#define SCORECARD_WEIGHT_MAX 1e6

static int number(json_t *o, const char *key, const char *field, double *out, struct lf_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return err_set_field(err, field, LF_EINVAL, "'%s' must be a number", field);
    if (fabs(json_number_value(v)) > SCORECARD_VALUE_MAX)
        return err_set_field(err, field, LF_EINVAL, "'%s' must be a number from %g to %g", field,
                             -SCORECARD_VALUE_MAX, SCORECARD_VALUE_MAX);
    *out = json_number_value(v);
    return 1;
}

/* Refuses keys of o outside allowed (NULL-terminated). */
static int known_keys(json_t *o, const char *const *allowed, const char *prefix,
                      struct lf_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok) {
            char field[128];
            snprintf(field, sizeof(field), "%s%s", prefix, key);
            return err_set_field(err, field, LF_EINVAL, "unknown field '%s'", field);
        }
    }
    return 0;
}

static int item_parse(json_t *m, size_t i, struct health_item *it, struct lf_err *err)
{
    static const char *const keys[] = {"measure", "weight", "concerning", "healthy", "linear",
                                       NULL};
    static const char *const linear_keys[] = {"zero", "full", NULL};
    char p[48], f[96];
    snprintf(p, sizeof(p), "measures[%zu].", i);
    if (!json_is_object(m)) {
        snprintf(f, sizeof(f), "measures[%zu]", i);
        return err_set_field(err, f, LF_EINVAL, "'%s' must be an object", f);
    }
    if (known_keys(m, keys, p, err) < 0)
        return -1;
    snprintf(f, sizeof(f), "%smeasure", p);
    const char *name = json_string_value(json_object_get(m, "measure"));
    if (!name)
        return err_set_field(err, f, LF_EINVAL, "'%s' is required: one of the measures of "
                                                "docs/metrics.md", f);
    if ((it->measure = health_measure_find(name)) < 0)
        return err_set_field(err, f, LF_EINVAL, "'%s': '%s' is not a health measure", f, name);
    snprintf(f, sizeof(f), "%sweight", p);
    int rc = number(m, "weight", f, &it->weight, err);
    if (rc < 0)
        return -1;
    if (rc == 0 || it->weight <= 0 || it->weight > SCORECARD_WEIGHT_MAX)
        return err_set_field(err, f, LF_EINVAL, "'%s' must be a number above 0, at most %g", f,
                             SCORECARD_WEIGHT_MAX);
    json_t *lin = json_object_get(m, "linear");
    bool has_c = json_object_get(m, "concerning"), has_h = json_object_get(m, "healthy");
    if (lin) {
        snprintf(f, sizeof(f), "%slinear", p);
        if (has_c || has_h)
            return err_set_field(err, f, LF_EINVAL, "'%s' and thresholds exclude each other", f);
        if (!json_is_object(lin))
            return err_set_field(err, f, LF_EINVAL, "'%s' must be {\"zero\": X, \"full\": Y}",
                                 f);
        char lp[64];
        snprintf(lp, sizeof(lp), "%slinear.", p);
        if (known_keys(lin, linear_keys, lp, err) < 0)
            return -1;
        it->rule = HR_LINEAR;
        snprintf(f, sizeof(f), "%slinear.zero", p);
        if ((rc = number(lin, "zero", f, &it->zero, err)) <= 0)
            return rc < 0 ? -1 : err_set_field(err, f, LF_EINVAL, "'%s' is required", f);
        snprintf(f, sizeof(f), "%slinear.full", p);
        if ((rc = number(lin, "full", f, &it->full, err)) <= 0)
            return rc < 0 ? -1 : err_set_field(err, f, LF_EINVAL, "'%s' is required", f);
        if (it->zero == it->full)
            return err_set_field(err, f, LF_EINVAL, "'%s' equals 'zero': the band is empty", f);
        return 0;
    }
    it->rule = HR_THRESHOLDS;
    snprintf(f, sizeof(f), "%sconcerning", p);
    if ((rc = number(m, "concerning", f, &it->concerning, err)) <= 0)
        return rc < 0 ? -1
                      : err_set_field(err, f, LF_EINVAL, "'%s' is required (or a 'linear' "
                                                         "band)", f);
    snprintf(f, sizeof(f), "%shealthy", p);
    if ((rc = number(m, "healthy", f, &it->healthy, err)) <= 0)
        return rc < 0 ? -1 : err_set_field(err, f, LF_EINVAL, "'%s' is required", f);
    if (it->healthy == it->concerning)
        return err_set_field(err, f, LF_EINVAL, "'%s' equals 'concerning': the thresholds "
                                                "overlap", f);
    return 0;
}

static int text(json_t *root, const char *key, char *out, size_t cap, struct lf_err *err)
{
    json_t *v = json_object_get(root, key);
    out[0] = '\0';
    if (!v || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) >= cap)
        return err_set_field(err, key, LF_EINVAL, "'%s' must be a text of 1 to %zu bytes", key,
                             cap - 1);
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

int health_scorecard_parse(const char *doc, struct health_scorecard *out, struct lf_err *err)
{
    static const char *const keys[] = {"name", "segment", "plan", "bands", "measures", NULL};
    static const char *const band_keys[] = {"yellow", "green", NULL};
    json_error_t je;
    json_t *root = json_loads(doc, JSON_REJECT_DUPLICATES, &je);
    int ret = -1;
    *out = (struct health_scorecard){.yellow = 40, .green = 70};
    if (!root)
        return err_set(err, LF_EINVAL, "not JSON: line %d: %s", je.line, je.text);
    if (!json_is_object(root)) {
        err_set(err, LF_EINVAL, "a scorecard is a JSON object");
        goto out;
    }
    if (known_keys(root, keys, "", err) < 0)
        goto out;
    const char *name = json_string_value(json_object_get(root, "name"));
    if (!name || !name_ok(name)) {
        err_set_field(err, "name", LF_EINVAL, "'name' %s: 1 to 63 of a-z, 0-9, '_', '-', '.'",
                      name ? "is not a scorecard's name" : "is required");
        goto out;
    }
    memcpy(out->name, name, strlen(name) + 1);
    if (text(root, "segment", out->segment, sizeof(out->segment), err) < 0 ||
        text(root, "plan", out->plan, sizeof(out->plan), err) < 0)
        goto out;
    json_t *bands = json_object_get(root, "bands");
    if (bands) {
        double y = out->yellow, g = out->green;
        if (!json_is_object(bands)) {
            err_set_field(err, "bands", LF_EINVAL, "'bands' must be {\"yellow\": N, \"green\": N}");
            goto out;
        }
        if (known_keys(bands, band_keys, "bands.", err) < 0 ||
            number(bands, "yellow", "bands.yellow", &y, err) < 0 ||
            number(bands, "green", "bands.green", &g, err) < 0)
            goto out;
        if (y != floor(y) || y < 1 || y > 100) {
            err_set_field(err, "bands.yellow", LF_EINVAL, "'bands.yellow' must be an integer "
                                                          "in 1..100");
            goto out;
        }
        if (g != floor(g) || g <= y || g > 100) {
            err_set_field(err, "bands.green", LF_EINVAL, "'bands.green' must be an integer "
                                                         "above 'bands.yellow', at most 100");
            goto out;
        }
        out->yellow = (int)y;
        out->green = (int)g;
    }
    json_t *ms = json_object_get(root, "measures");
    if (!json_is_array(ms) || json_array_size(ms) == 0) {
        err_set_field(err, "measures", LF_EINVAL, "'measures' must be a non-empty array");
        goto out;
    }
    if (json_array_size(ms) > HEALTH_ITEMS_MAX) {
        err_set_field(err, "measures", LF_EINVAL, "'measures' has more than %d items", HM_NR);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(ms); i++) {
        struct health_item *it = &out->items[out->items_nr];
        if (item_parse(json_array_get(ms, i), i, it, err) < 0)
            goto out;
        for (size_t k = 0; k < out->items_nr; k++)
            if (out->items[k].measure == it->measure) {
                char f[48];
                snprintf(f, sizeof(f), "measures[%zu].measure", i);
                err_set_field(err, f, LF_EINVAL, "'%s': '%s' is already measures[%zu]", f,
                              health_measures_defs[it->measure].name, k);
                goto out;
            }
        out->items_nr++;
    }
    ret = 0;
out:
    json_decref(root);
    return ret;
}

char *health_scorecard_json(const struct health_scorecard *sc)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"name\": ");
    buf_add_json_str(&b, sc->name, strlen(sc->name));
    if (sc->segment[0]) {
        buf_adds(&b, ", \"segment\": ");
        buf_add_json_str(&b, sc->segment, strlen(sc->segment));
    }
    if (sc->plan[0]) {
        buf_adds(&b, ", \"plan\": ");
        buf_add_json_str(&b, sc->plan, strlen(sc->plan));
    }
    buf_addf(&b, ", \"bands\": {\"yellow\": %d, \"green\": %d}, \"measures\": [", sc->yellow,
             sc->green);
    for (size_t i = 0; i < sc->items_nr; i++) {
        const struct health_item *it = &sc->items[i];
        buf_addf(&b, "%s{\"measure\": \"%s\", \"weight\": %.15g, ", i ? ", " : "",
                 health_measures_defs[it->measure].name, it->weight);
        if (it->rule == HR_LINEAR)
            buf_addf(&b, "\"linear\": {\"zero\": %.15g, \"full\": %.15g}}", it->zero, it->full);
        else
            buf_addf(&b, "\"concerning\": %.15g, \"healthy\": %.15g}", it->concerning,
                     it->healthy);
    }
    buf_adds(&b, "]}");
    return buf_detach(&b);
}

/* ---- the score ---- */

static double points(const struct health_item *it, double v)
{
    if (it->rule == HR_LINEAR) {
        double p = 100.0 * (v - it->zero) / (it->full - it->zero);
        return p < 0 ? 0 : p > 100 ? 100 : p;
    }
    bool higher = it->healthy > it->concerning;
    if (higher ? v >= it->healthy : v <= it->healthy)
        return 100;
    if (higher ? v >= it->concerning : v <= it->concerning)
        return 50;
    return 0;
}

const char *health_band(const struct health_scorecard *sc, int score)
{
    return score >= sc->green ? "green" : score >= sc->yellow ? "yellow" : "red";
}

void health_score(const struct health_scorecard *sc, const struct health_row *r,
                  struct health_score *out)
{
    double wsum = 0, sum = 0;
    *out = (struct health_score){.score = -1, .total = sc->items_nr};
    for (size_t i = 0; i < sc->items_nr; i++) {
        const struct health_item *it = &sc->items[i];
        struct health_part *p = &out->parts[i];
        *p = (struct health_part){.measure = it->measure, .value = r->v[it->measure],
                                  .points = NAN};
        if (isnan(p->value))
            continue;
        p->points = points(it, p->value);
        wsum += it->weight;
        sum += it->weight * p->points;
        out->used++;
    }
    for (size_t i = 0; i < sc->items_nr && wsum > 0; i++) {
        struct health_part *p = &out->parts[i];
        if (isnan(p->points))
            continue;
        p->weight = sc->items[i].weight / wsum;
        p->loss = p->weight * (100.0 - p->points);
    }
    if (!r->customer || out->used == 0)
        return;
    /* rounded half up; the small epsilon keeps 62.5 computed as 62.4999… at 63 */
    out->score = (int)floor(sum / wsum + 0.5 + 1e-9);
    if (out->score > 100)
        out->score = 100;
    out->band = health_band(sc, out->score);
}

/* ---- the stored scorecards in force ---- */

struct cards_load {
    struct health_cards *c;
    size_t cap;
    struct lf_err *err;
};

static int on_card(void *ctx, const struct store_scorecard *s, struct lf_err *err)
{
    struct cards_load *l = ctx;
    struct health_cards *c = l->c;
    /* versions come in order: a later one of the same name replaces the one before */
    if (c->nr && strcmp(c->cards[c->nr - 1].name, s->name) == 0)
        c->nr--;
    if (s->retired_at != LF_UNSET)
        return 0;
    if (c->nr == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        c->cards = xrealloc(c->cards, l->cap * sizeof(*c->cards));
    }
    if (health_scorecard_parse(s->definition, &c->cards[c->nr], err) < 0) {
        char why[sizeof(err->msg)];
        memcpy(why, err->msg, sizeof(why));
        return err_set(err, LF_ESCHEMA, "stored scorecard '%s' version %lld: %s", s->name,
                       (long long)s->version, why);
    }
    c->cards[c->nr].version = s->version;
    c->nr++;
    return 0;
}

int health_cards_load(struct store *st, int64_t ws, struct health_cards *out, struct lf_err *err)
{
    struct cards_load l = {out, 0, err};
    *out = (struct health_cards){0};
    if (store_scorecards_scan(st, ws, on_card, &l, err) < 0) {
        health_cards_release(out);
        return -1;
    }
    return 0;
}

void health_cards_release(struct health_cards *c)
{
    free(c->cards);
    c->cards = NULL;
    c->nr = 0;
}

const struct health_scorecard *health_cards_find(const struct health_cards *c, const char *name)
{
    for (size_t i = 0; i < c->nr; i++)
        if (strcmp(c->cards[i].name, name) == 0)
            return &c->cards[i];
    return health_builtin_find(name);
}

const struct health_scorecard *health_cards_pick(const struct health_cards *c,
                                                 const struct health_row *r)
{
    const struct health_scorecard *best = NULL;
    int best_rank = 0;
    for (size_t i = 0; i < c->nr; i++) {
        const struct health_scorecard *s = &c->cards[i];
        bool seg = s->segment[0], plan = s->plan[0];
        if ((seg && (!r->segment || strcmp(s->segment, r->segment) != 0)) ||
            (plan && (!r->plan || strcmp(s->plan, r->plan) != 0)))
            continue;
        int rank = seg && plan ? 4 : seg ? 3 : plan ? 2 : strcmp(s->name, "default") == 0;
        if (rank > best_rank) {
            best = s;
            best_rank = rank;
        }
    }
    return best ? best : &builtin_default;
}

/* ---- backtest statistics ---- */

struct obs {
    int score;
    size_t index;
};

static int obs_cmp(const void *pa, const void *pb)
{
    const struct obs *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

void health_backtest_stats(const struct health_scorecard *sc, const int *scores,
                           const bool *churned, size_t n, struct health_backtest *out)
{
    /* the scores are integers 0..100: the Mann-Whitney count by score value */
    size_t ch[101] = {0}, st[101] = {0};
    *out = (struct health_backtest){.n = n, .auc = NAN, .rate = NAN, .decile_rate = NAN,
                                    .lift = NAN};
    for (size_t i = 0; i < n; i++) {
        int s = scores[i] < 0 ? 0 : scores[i] > 100 ? 100 : scores[i];
        int b = s >= sc->green ? 2 : s >= sc->yellow ? 1 : 0;
        out->band_n[b]++;
        if (churned[i]) {
            ch[s]++;
            out->churned++;
            out->band_churned[b]++;
        } else {
            st[s]++;
        }
    }
    size_t stayers = n - out->churned;
    if (out->churned && stayers) {
        double wins = 0;
        size_t above = stayers; /* stayers with a score above s */
        for (int s = 0; s <= 100; s++) {
            above -= st[s];
            wins += (double)ch[s] * ((double)above + 0.5 * (double)st[s]);
        }
        out->auc = wins / ((double)out->churned * (double)stayers);
    }
    if (n == 0)
        return;
    out->rate = (double)out->churned / (double)n;
    struct obs *o = xcalloc(n, sizeof(*o));
    for (size_t i = 0; i < n; i++)
        o[i] = (struct obs){scores[i], i};
    qsort(o, n, sizeof(*o), obs_cmp);
    out->decile_n = (n + 9) / 10;
    for (size_t i = 0; i < out->decile_n; i++)
        out->decile_churned += churned[o[i].index];
    free(o);
    out->decile_rate = (double)out->decile_churned / (double)out->decile_n;
    if (out->churned)
        out->lift = out->decile_rate / out->rate;
}

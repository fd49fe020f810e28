/* text.c - the metrics of what customers write, over the stored analyses of their survey comments
 * and touchpoint texts (src/core/textstore.c): summaries by account, touchpoint kind, team,
 * segment or period; the comments themselves, filtered; and the topics detractors mention more
 * than promoters. docs/text.md and docs/metrics.md define them. A running server keeps the texts
 * and its answers between requests until the change log says they changed (texts_load). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "cx/cx.h"
#include "metrics.h"
#include "report/table.h"
#include "text/text.h"

/* One stored text with what it is about and what was found in it. */
struct item {
    int source; /* enum store_text_source */
    int64_t id, ts;
    const char *ext_id, *text;
    const struct metric_account *a;
    const char *team, *kind, *channel; /* a touchpoint's own, or the one a response rates */
    const struct survey *sv;           /* responses only */
    int score;
    bool analysed, scored;
    char lang[4];
    double compound;
    const char *emotions, *topics;
};

struct tp {
    int64_t id, ts, account_id;
    const char *ext_id, *team, *kind, *channel, *text;
};

struct resp {
    int64_t id, ts, account_id, survey_id, touchpoint_id;
    const char *ext_id, *comment;
    int score;
};

struct texts {
    struct metric_ctx *c;
    struct survey *sv;
    size_t sv_nr, sv_cap;
    struct tp *tps;
    size_t tps_nr, tps_cap;
    struct resp *resps;
    size_t resps_nr, resps_cap;
    struct item *it; /* responses with a comment (by id), then touchpoints with a text (by id) */
    size_t it_nr, resp_items;
    /* served from what the running system keeps (texts_load): its mutex, held until
     * texts_release */
    struct metric_cache *held;
    /* each team, kind, channel, emotions and topics list kept once (name: the copy), so that a
     * pass over a million texts reads a few strings, not a million scattered copies */
    struct strmap names;
    struct metric_answers *answers; /* the kept answers, with held */
    char *akey;                     /* the answer's key (texts_recall) */
};

static const char *keep(struct metric_ctx *c, const char *s)
{
    return s ? metric_keep(c, s) : NULL;
}

static int on_survey(void *ctx, const struct survey *s, struct lf_err *err)
{
    struct texts *x = ctx;
    (void)err;
    x->sv = xgrow(x->sv, sizeof(*x->sv), x->sv_nr + 1, &x->sv_cap);
    x->sv[x->sv_nr] = *s;
    x->sv[x->sv_nr].ext_id = keep(x->c, s->ext_id);
    x->sv[x->sv_nr++].name = NULL;
    return 0;
}

static int on_tp(void *ctx, const struct touchpoint *t, struct lf_err *err)
{
    struct texts *x = ctx;
    (void)err;
    x->tps = xgrow(x->tps, sizeof(*x->tps), x->tps_nr + 1, &x->tps_cap);
    x->tps[x->tps_nr++] = (struct tp){t->id,
                                      t->ts,
                                      t->account_id,
                                      keep(x->c, t->ext_id),
                                      metric_keep_name(x->c, &x->names, t->team),
                                      metric_keep_name(x->c, &x->names, t->kind),
                                      metric_keep_name(x->c, &x->names, t->channel),
                                      keep(x->c, t->text)};
    return 0;
}

static int on_resp(void *ctx, const struct response *r, struct lf_err *err)
{
    struct texts *x = ctx;
    (void)err;
    x->resps = xgrow(x->resps, sizeof(*x->resps), x->resps_nr + 1, &x->resps_cap);
    x->resps[x->resps_nr++] = (struct resp){r->id,
                                            r->ts,
                                            r->account_id,
                                            r->survey_id,
                                            r->touchpoint_id,
                                            keep(x->c, r->ext_id),
                                            keep(x->c, r->comment),
                                            r->score};
    return 0;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b; /* id is each struct's first */
    return (x > y) - (x < y);
}

static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int on_result(void *ctx, const struct store_text_result *r, struct lf_err *err)
{
    struct texts *x = ctx;
    (void)err;
    struct item key = {.source = r->source, .id = r->row_id};
    struct item *it = bsearch(&key, x->it, x->it_nr, sizeof(*x->it), item_cmp);
    if (!it)
        return 0;
    it->analysed = true;
    it->scored = r->scored;
    snprintf(it->lang, sizeof(it->lang), "%s", r->language);
    it->compound = r->compound;
    it->emotions = metric_keep_name(x->c, &x->names, r->emotions);
    it->topics = metric_keep_name(x->c, &x->names, r->topics);
    return 0;
}

/* Loads the texts of the workspace with their context and stored results. */
static int texts_read(struct texts *x, struct metric_ctx *c, struct lf_err *err)
{
    x->c = c;
    strmap_init(&x->names);
    if (metric_accounts(c, err) < 0 || store_surveys_scan(c->st, c->ws, on_survey, x, err) < 0 ||
        store_touchpoints_scan(c->st, c->ws, on_tp, x, err) < 0 ||
        store_responses_scan(c->st, c->ws, on_resp, x, err) < 0)
        return -1;
    /* (an empty array is NULL, which qsort may not be given, even with no element) */
    if (x->sv_nr)
        qsort(x->sv, x->sv_nr, sizeof(*x->sv), by_id);
    if (x->tps_nr)
        qsort(x->tps, x->tps_nr, sizeof(*x->tps), by_id);
    if (x->resps_nr)
        qsort(x->resps, x->resps_nr, sizeof(*x->resps), by_id);
    x->it = xcalloc(x->tps_nr + x->resps_nr + 1, sizeof(*x->it));
    for (size_t i = 0; i < x->resps_nr; i++) {
        const struct resp *r = &x->resps[i];
        if (!r->comment)
            continue;
        const struct tp *t =
            r->touchpoint_id && x->tps_nr
                ? bsearch(&r->touchpoint_id, x->tps, x->tps_nr, sizeof(*x->tps), by_id)
                : NULL;
        x->it[x->it_nr++] =
            (struct item){.source = STORE_TEXT_RESPONSE,
                          .id = r->id,
                          .ts = r->ts,
                          .ext_id = r->ext_id,
                          .text = r->comment,
                          .a = metric_account(c, r->account_id),
                          .team = t ? t->team : NULL,
                          .kind = t ? t->kind : NULL,
                          .channel = t ? t->channel : NULL,
                          .sv = x->sv_nr ? bsearch(&r->survey_id, x->sv, x->sv_nr,
                                                   sizeof(*x->sv), by_id)
                                         : NULL,
                          .score = r->score};
    }
    x->resp_items = x->it_nr;
    for (size_t i = 0; i < x->tps_nr; i++) {
        const struct tp *t = &x->tps[i];
        if (t->text)
            x->it[x->it_nr++] = (struct item){.source = STORE_TEXT_TOUCHPOINT,
                                              .id = t->id,
                                              .ts = t->ts,
                                              .ext_id = t->ext_id,
                                              .text = t->text,
                                              .a = metric_account(c, t->account_id),
                                              .team = t->team,
                                              .kind = t->kind,
                                              .channel = t->channel,
                                              .score = -1};
    }
    return store_text_results_scan(c->st, c->ws, on_result, x, err);
}

static void texts_free(struct texts *x)
{
    strmap_release(&x->names);
    free(x->sv);
    free(x->tps);
    free(x->resps);
    free(x->it);
}

/* ---- the texts kept between calls ---- */

/* Every text of the workspace with its context and result (texts_read), read at change-log
 * position seq and text cursor cursor by a context of its own, which owns the accounts and
 * strings they point to. The results are written in the transaction of the change that stored
 * their text (src/core/textstore.c), so the change log says when they change too; but for
 * `text rebuild`, which analyses every text again without a change: with the same lexicons
 * (the built-in ones: a landfall of the same version) the same results. */
struct kept {
    struct metric_ctx kc;
    struct texts x;
    int64_t seq, cursor;
    bool have;
    struct metric_answers answers; /* computed from them */
};

static void kept_drop(struct kept *k)
{
    metric_answers_release(&k->answers);
    if (k->have) {
        texts_free(&k->x);
        metric_ctx_release(&k->kc);
        memset(&k->x, 0, sizeof(k->x));
        k->have = false;
    }
}

static void kept_free(void *p)
{
    kept_drop(p);
    free(p);
}

static const struct resource_def *const kept_defs[] = {
    &resource_accounts, &resource_touchpoints, &resource_surveys, &resource_responses, NULL};

/* The workspace's texts (x borrows the kept ones, with the cache's mutex held until
 * texts_release), or a read of the store when nothing may be kept or c's snapshot is older
 * than what is. */
static int texts_load(struct texts *x, struct metric_ctx *c, struct lf_err *err)
{
    memset(x, 0, sizeof(*x));
    if (!metric_keeps(c, "LANDFALL_CX_CACHE"))
        return texts_read(x, c, err);
    pthread_mutex_lock(&c->cache->mu);
    if (!c->cache->data) {
        c->cache->data = xcalloc(1, sizeof(struct kept));
        c->cache->release = kept_free;
    }
    struct kept *k = c->cache->data;
    int64_t now, cursor = -1;
    int fresh = metric_kept_fresh(c, k->have, k->seq, kept_defs, &now, err);
    if (fresh >= 0 && store_text_cursor(c->st, c->ws, &cursor, err) < 0)
        fresh = -1;
    if (fresh < 0 || (!fresh && k->have && k->seq > now)) {
        pthread_mutex_unlock(&c->cache->mu);
        return fresh < 0 ? -1 : texts_read(x, c, err);
    }
    if (fresh && cursor == k->cursor) {
        k->seq = now;
    } else {
        kept_drop(k);
        /* a context without filters, in c's snapshot: every text */
        k->kc = (struct metric_ctx){.def = c->def, .st = c->st, .ws = c->ws, .tz = c->tz,
                                    .now = c->now, .from = LF_UNSET, .to = LF_UNSET};
        k->have = true;
        if (texts_read(&k->x, &k->kc, err) < 0) {
            kept_drop(k);
            pthread_mutex_unlock(&c->cache->mu);
            return -1;
        }
        k->kc.st = NULL; /* c's connection is not kept */
        k->x.c = NULL;
        k->seq = now;
        k->cursor = cursor;
    }
    *x = k->x;
    x->c = c;
    x->held = c->cache;
    x->answers = &k->answers;
    return 0;
}

static void texts_release(struct texts *x)
{
    free(x->akey);
    if (x->held)
        pthread_mutex_unlock(&x->held->mu);
    else
        texts_free(x);
    memset(x, 0, sizeof(*x));
}

/* Fills t with the answer kept for c's request over [from, to) from the kept texts: true, or
 * false (then texts_keep keeps the answer computed). */
static bool texts_recall(struct texts *x, const struct metric_ctx *c, int64_t from, int64_t to,
                         struct lf_table *t)
{
    if (!x->answers)
        return false;
    x->akey = metric_answer_key(c, from, to);
    return metric_answer_recall(x->answers, x->akey, t);
}

static void texts_keep(struct texts *x, const struct lf_table *t)
{
    if (x->akey)
        metric_answer_keep(x->answers, x->akey, t);
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

static const char *item_value(const struct item *it, int dim)
{
    switch (dim) {
    case DIM_TEAM:
        return or_none(it->team);
    case DIM_TOUCHPOINT:
        return or_none(it->kind);
    case DIM_CHANNEL:
        return or_none(it->channel);
    case DIM_SURVEY:
        return or_none(it->sv ? it->sv->ext_id : NULL);
    default:
        return metric_account_value(it->a, dim);
    }
}

/* In the window, analysed, and passing every `where`. */
static bool item_passes(const struct metric_ctx *c, const struct item *it, int64_t from, int64_t to)
{
    if (!it->analysed || it->ts < from || it->ts >= to)
        return false;
    for (size_t i = 0; i < c->where_nr; i++)
        if (strcmp(item_value(it, c->where[i].dim), c->where[i].value) != 0)
            return false;
    return true;
}

/* Whether the comma-separated list holds name. */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* ---- counts of names (emotions, topics) ---- */

struct tally {
    const char **name;
    size_t *len;
    int64_t *n;
    size_t nr, cap;
};

static void tally_list(struct tally *t, const char *list)
{
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p), i;
        for (i = 0; i < t->nr; i++)
            if (t->len[i] == len && memcmp(t->name[i], p, len) == 0)
                break;
        if (i == t->nr) {
            size_t cap = t->cap, lcap = t->cap;
            t->name = xgrow(t->name, sizeof(*t->name), t->nr + 1, &cap);
            t->len = xgrow(t->len, sizeof(*t->len), t->nr + 1, &lcap);
            t->n = xgrow(t->n, sizeof(*t->n), t->nr + 1, &t->cap);
            t->name[i] = xstrndup(p, len);
            t->len[i] = len;
            t->n[t->nr++] = 0;
        }
        t->n[i]++;
        p = e ? e + 1 : NULL;
    }
}

static void tally_release(struct tally *t)
{
    for (size_t i = 0; i < t->nr; i++)
        free((char *)t->name[i]);
    free(t->name);
    free(t->len);
    free(t->n);
}

/* The three most counted, "name n" comma-separated, ties by name. */
static void tally_top(const struct tally *t, struct buf *out)
{
    bool *done = xcalloc(t->nr + 1, sizeof(*done));
    buf_reset(out);
    for (int k = 0; k < 3; k++) {
        size_t best = t->nr;
        for (size_t i = 0; i < t->nr; i++)
            if (!done[i] && (best == t->nr || t->n[i] > t->n[best] ||
                             (t->n[i] == t->n[best] && strcmp(t->name[i], t->name[best]) < 0)))
                best = i;
        if (best == t->nr)
            break;
        done[best] = true;
        buf_addf(out, "%s%s %lld", out->len ? ", " : "", t->name[best], (long long)t->n[best]);
    }
    free(done);
}

/* ---- text-summary ---- */

struct agg {
    const char *labels[METRIC_BY_MAX];
    int64_t texts, scored, positive, negative;
    double compound;
    struct tally emotions, topics;
};

static const int text_dims[] = {DIM_DAY,     DIM_WEEK,       DIM_MONTH,   DIM_QUARTER, DIM_YEAR,
                                DIM_ACCOUNT, DIM_SEGMENT,    DIM_PLAN,    DIM_OWNER,   DIM_STAGE,
                                DIM_TEAM,    DIM_TOUCHPOINT, DIM_CHANNEL, DIM_SURVEY,  DIM_END};

static int agg_cmp(const void *a, const void *b, void *ctx)
{
    const struct agg *x = a, *y = b;
    const struct metric_ctx *c = ctx;
    for (size_t k = 0; k < c->by_nr; k++) {
        int r = strcmp(x->labels[k], y->labels[k]);
        if (r)
            return r;
    }
    return 0;
}

/* An insertion sort: qsort has no context argument in C11, and groups are few. */
static void aggs_sort(struct agg *g, size_t nr, const struct metric_ctx *c)
{
    for (size_t i = 1; i < nr; i++) {
        struct agg v = g[i];
        size_t j = i;
        for (; j > 0 && agg_cmp(&g[j - 1], &v, (void *)c) > 0; j--)
            g[j] = g[j - 1];
        g[j] = v;
    }
}

static int compute_summary(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct texts x = {0};
    struct metric_period *periods = NULL;
    struct agg *g = NULL;
    size_t g_nr = 0, g_cap = 0;
    struct strmap index;
    struct buf key = BUF_INIT, top = BUF_INIT;
    int64_t from, to;
    int pd = metric_period_dim(c), np = 0, ret = -1;
    strmap_init(&index);
    metric_default_window(c, &from, &to);
    if (texts_load(&x, c, err) < 0 ||
        (pd >= 0 && (np = metric_periods(c, pd, from, to, &periods, err)) < 0))
        goto out;
    if (texts_recall(&x, c, from, to, t)) {
        ret = 0;
        goto out;
    }
    if (!c->by_nr) { /* one row, even without texts */
        g = xcalloc(1, sizeof(*g));
        g_nr = g_cap = 1;
    }
    for (size_t i = 0; i < x.it_nr; i++) {
        const struct item *it = &x.it[i];
        if (!item_passes(c, it, from, to))
            continue;
        const char *labels[METRIC_BY_MAX] = {0};
        buf_reset(&key);
        for (size_t k = 0; k < c->by_nr; k++) {
            if (dim_is_period(c->by[k])) {
                size_t lo = 0, hi = (size_t)np; /* the period holding ts */
                while (hi - lo > 1) {
                    size_t mid = (lo + hi) / 2;
                    if (periods[mid].from <= it->ts)
                        lo = mid;
                    else
                        hi = mid;
                }
                labels[k] = periods[lo].label;
            } else {
                labels[k] = item_value(it, c->by[k]);
            }
            buf_adds(&key, labels[k]);
            buf_addc(&key, '\x1f');
        }
        int64_t gi = 0;
        if (c->by_nr && !strmap_get(&index, key.ptr, key.len, &gi)) {
            gi = (int64_t)g_nr;
            g = xgrow(g, sizeof(*g), g_nr + 1, &g_cap);
            memset(&g[g_nr], 0, sizeof(*g));
            for (size_t k = 0; k < c->by_nr; k++)
                g[g_nr].labels[k] = metric_keep(c, labels[k]);
            g_nr++;
            strmap_put(&index, key.ptr, key.len, gi);
        }
        struct agg *a = &g[gi];
        a->texts++;
        if (!it->scored)
            continue;
        a->scored++;
        a->compound += it->compound;
        a->positive += it->compound >= 0.05;
        a->negative += it->compound <= -0.05;
        tally_list(&a->emotions, it->emotions);
        tally_list(&a->topics, it->topics);
    }
    aggs_sort(g, g_nr, c);
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < g_nr; i++) {
        const struct agg *a = &g[i];
        size_t row = metric_row(c, t, a->labels), col = first;
        table_set_int(t, row, col++, a->texts);
        table_set_int(t, row, col++, a->scored);
        table_set_real(t, row, col++, a->scored ? a->compound / (double)a->scored : NAN);
        table_set_real(t, row, col++,
                       a->scored ? 100.0 * (double)a->negative / (double)a->scored : NAN);
        table_set_real(t, row, col++,
                       a->scored ? 100.0 * (double)a->positive / (double)a->scored : NAN);
        tally_top(&a->emotions, &top);
        table_set_text(t, row, col++, buf_str(&top));
        tally_top(&a->topics, &top);
        table_set_text(t, row, col, buf_str(&top));
    }
    texts_keep(&x, t);
    ret = 0;
out:
    for (size_t i = 0; i < g_nr; i++) {
        tally_release(&g[i].emotions);
        tally_release(&g[i].topics);
    }
    free(g);
    free(periods);
    strmap_release(&index);
    buf_release(&key);
    buf_release(&top);
    texts_release(&x);
    return ret;
}

static const struct lf_column_info summary_cols[] = {
    {"texts", LF_COL_INT, "survey comments and touchpoint texts analysed"},
    {"scored", LF_COL_INT, "of those, the ones scored (English, or without letters)"},
    {"compound", LF_COL_REAL, "mean VADER compound of the scored texts, -1..1"},
    {"negative", LF_COL_REAL, "percent of the scored texts with compound ≤ -0.05"},
    {"positive", LF_COL_REAL, "percent of the scored texts with compound ≥ 0.05"},
    {"top_emotions", LF_COL_TEXT, "the three emotions most texts show, with their counts"},
    {"top_topics", LF_COL_TEXT, "the three topics most texts mention, with their counts"},
};

const struct metric_def metric_text_summary = {
    .name = "text-summary",
    .group = "text",
    .summary = "what customers write: texts, mean sentiment, negative and positive shares, top "
               "emotions and topics",
    .help = "The survey comments and touchpoint texts (tickets, chats, calls, reviews…) of the "
            "window [from, to) (default: from the start of the month 12 months before to's "
            "month), as analysed when they were stored: how many, their mean VADER compound, the "
            "percent negative (compound ≤ -0.05) and positive (≥ 0.05) among those scored, and "
            "the emotions and topics most of them show. A comment's team, touchpoint kind and "
            "channel are those of the touchpoint it rates; a touchpoint text's survey is "
            "(none). Without by, one row, even without texts; with by, a row per group that has "
            "texts.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_BY | COMMON_WHERE,
    .dims = text_dims,
    .filters = text_dims + 5,
    .columns = summary_cols,
    .columns_nr = sizeof(summary_cols) / sizeof(summary_cols[0]),
    .needs = NEEDS_CACHE, /* the kept texts (texts_load) */
    .compute = compute_summary,
};

/* ---- text-comments ---- */

static const char *const sentiments[] = {"positive", "negative", "neutral", NULL};
static const char *const sources[] = {"response", "touchpoint", NULL};
static const char *const kinds[] = {"nps", "csat", "ces", "custom", NULL};
static const char *const emotions[] = {"delight",  "gratitude", "trust",   "frustration",
                                       "anger",    "confusion", "anxiety", "disappointment",
                                       NULL};
_Static_assert(sizeof(emotions) / sizeof(*emotions) == TEXT_EMOTIONS + 1,
               "the emotions of text.h");

static const struct lf_param_info comments_params[] = {
    {"survey", LF_PARAM_TEXT, "every survey, and touchpoint texts",
     "only the comments of the responses to this survey (its id)"},
    {"kind", LF_PARAM_CHOICE, "every kind, and touchpoint texts",
     "only the comments of the responses to surveys of this kind", kinds},
    {"score", LF_PARAM_TEXT, "every score, and touchpoint texts",
     "only the comments of responses scoring MIN-MAX (or one score N), on the survey's scale"},
    {"topic", LF_PARAM_TEXT, "every text", "only texts about this topic (docs/text.md)"},
    {"sentiment", LF_PARAM_CHOICE, "every text",
     "only texts of this sentiment (VADER's thresholds: compound ≥ 0.05, ≤ -0.05)", sentiments},
    {"emotion", LF_PARAM_CHOICE, "every text", "only texts showing this emotion", emotions},
    {"source", LF_PARAM_CHOICE, "both",
     "only survey comments (response) or only touchpoint texts (touchpoint: tickets, chats…)",
     sources},
    {"q", LF_PARAM_TEXT, "every text",
     "search: only texts containing it (ASCII letters of any case)"},
    {"limit", LF_PARAM_INT, "100", "at most this many texts, the latest", NULL, 1, 100000},
    {"offset", LF_PARAM_INT, "0", "texts skipped before the page", NULL, 0, 100000000},
};

/* Whether text contains q, ASCII letters of any case (a search box's expectation; other
 * letters must match as written). */
static bool contains(const char *text, const char *q)
{
    size_t n = strlen(q);
    if (!n)
        return true;
    for (const char *p = text; p && *p; p++) {
        size_t i = 0;
        while (i < n && p[i]) {
            unsigned char a = (unsigned char)p[i], b = (unsigned char)q[i];
            if (a >= 'A' && a <= 'Z')
                a = (unsigned char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z')
                b = (unsigned char)(b - 'A' + 'a');
            if (a != b)
                break;
            i++;
        }
        if (i == n)
            return true;
    }
    return false;
}

/* "A-B" or "N" into lo..hi, in plain digits (strtol took " 0-6" and "+0-6" too). */
static int parse_scores(const char *s, int *lo, int *hi, struct lf_err *err)
{
    int64_t a, b;
    size_t n = text_int_prefix(s, &a), m = 0;
    if (!n)
        goto bad;
    b = a;
    if (s[n] == '-' && !(m = text_int_prefix(s + n + 1, &b)))
        goto bad;
    if (s[n + (m ? m + 1 : 0)] || a > b || a < -1000 || b > 1000)
        goto bad;
    *lo = (int)a, *hi = (int)b;
    return 0;
bad:
    return err_set_field(err, "score", LF_EINVAL,
                         "'%s' is not a score range: give MIN-MAX (0-6) or N", s);
}

static const char *label_of(const struct item *it)
{
    return it->compound >= 0.05 ? "positive" : it->compound <= -0.05 ? "negative" : "neutral";
}

static void date_of(const struct metric_ctx *c, int64_t ts, char out[11])
{
    time_t secs = (time_t)((ts + (int64_t)tz_offset(c->tz, ts) * 1000) / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The order of text-comments' matches: qsort has no context argument in C11, so the items are
 * reached through a thread's own pointer (the server computes on several threads). */
static _Thread_local const struct item *pick_base;

static int pick_cmp(const void *pa, const void *pb)
{
    size_t i = *(const size_t *)pa, j = *(const size_t *)pb;
    const struct item *a = &pick_base[i], *b = &pick_base[j];
    if (a->ts != b->ts)
        return a->ts > b->ts ? -1 : 1;
    if (a->id != b->id)
        return a->id > b->id ? -1 : 1;
    return (i > j) - (i < j);
}

/* Moves the k first of the n matches (pick_cmp's order) to pick[0..k), in no order: a heap of
 * the k first seen so far, its last at the root, so that a page of 25 of 800 000 matches is one
 * comparison per match rather than a sort of them all. */
static void pick_sift(size_t *h, size_t k, size_t at)
{
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, m = at;
        if (l < k && pick_cmp(&h[l], &h[m]) > 0)
            m = l;
        if (r < k && pick_cmp(&h[r], &h[m]) > 0)
            m = r;
        if (m == at)
            return;
        size_t v = h[at];
        h[at] = h[m];
        h[m] = v;
        at = m;
    }
}

static void pick_first(size_t *pick, size_t n, size_t k)
{
    if (k == 0 || k >= n)
        return;
    for (size_t i = k / 2; i-- > 0;)
        pick_sift(pick, k, i);
    for (size_t j = k; j < n; j++) {
        if (pick_cmp(&pick[j], &pick[0]) < 0) {
            pick[0] = pick[j];
            pick_sift(pick, k, 0);
        }
    }
}

static int compute_comments(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct texts x = {0};
    int64_t from, to;
    int ps = metric_param(c, "survey"), psc = metric_param(c, "score"),
        pt = metric_param(c, "topic"), pse = metric_param(c, "sentiment"),
        pl = metric_param(c, "limit"), pk = metric_param(c, "kind"),
        pe = metric_param(c, "emotion"), pso = metric_param(c, "source"),
        pq = metric_param(c, "q"), po = metric_param(c, "offset"), lo = 0, hi = 0, ret = -1;
    const char *survey = c->p[ps].given ? c->p[ps].s : NULL;
    const char *topic = c->p[pt].given ? c->p[pt].s : NULL;
    const char *sentiment = c->p[pse].given ? sentiments[c->p[pse].i] : NULL;
    size_t limit = c->p[pl].given ? (size_t)c->p[pl].i : 100;
    size_t offset = c->p[po].given ? (size_t)c->p[po].i : 0;
    const char *emotion = c->p[pe].given ? emotions[c->p[pe].i] : NULL;
    const char *q = c->p[pq].given ? c->p[pq].s : NULL;
    int kind = c->p[pk].given ? (int)c->p[pk].i : -1; /* enum survey_kind, in kinds' order */
    int source = c->p[pso].given ? (int)c->p[pso].i : -1;
    if (c->p[psc].given && parse_scores(c->p[psc].s, &lo, &hi, err) < 0)
        return -1;
    metric_default_window(c, &from, &to);
    if (texts_load(&x, c, err) < 0)
        goto out;
    if (survey) {
        bool known = false;
        for (size_t i = 0; i < x.sv_nr; i++)
            known |= strcmp(x.sv[i].ext_id, survey) == 0;
        if (!known) {
            err_set_field(err, "survey", LF_EINVAL, "no survey '%s' in this workspace", survey);
            goto out;
        }
    }
    if (texts_recall(&x, c, from, to, t)) {
        ret = 0;
        goto out;
    }
    /* the matches, latest first */
    size_t *pick = xcalloc(x.it_nr + 1, sizeof(*pick)), n = 0;
    for (size_t i = 0; i < x.it_nr; i++) {
        const struct item *it = &x.it[i];
        if (!item_passes(c, it, from, to) ||
            (survey && (!it->sv || strcmp(it->sv->ext_id, survey) != 0)) ||
            (c->p[psc].given && (!it->sv || it->score < lo || it->score > hi)) ||
            (topic && !list_has(it->topics, topic)) ||
            (sentiment && (!it->scored || strcmp(label_of(it), sentiment) != 0)) ||
            (kind >= 0 && (!it->sv || (int)it->sv->kind != kind)) ||
            (emotion && !list_has(it->emotions, emotion)) ||
            (source == 0 && it->source != STORE_TEXT_RESPONSE) ||
            (source == 1 && it->source != STORE_TEXT_TOUCHPOINT) || (q && !contains(it->text, q)))
            continue;
        pick[n++] = i;
    }
    /* by time, latest first, then the later id, then the load's order (responses before
     * touchpoints: what a stable sort of the ordered load gives): the page's first picked, then
     * sorted; not an insertion sort of every match (quadratic: the load is by id, mostly oldest
     * first, so each match moved past every one before it: 467 s for the 12 months of 100 000
     * accounts) */
    pick_base = x.it;
    size_t page = offset + limit < n ? offset + limit : n; /* the matches shown and skipped */
    pick_first(pick, n, page);
    if (page > 1)
        qsort(pick, page, sizeof(*pick), pick_cmp);
    pick_base = NULL;
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t k = offset; k < n && k - offset < limit; k++) {
        const struct item *it = &x.it[pick[k]];
        const char *none[METRIC_BY_MAX] = {0};
        size_t row = metric_row(c, t, none), col = first;
        char day[11];
        date_of(c, it->ts, day);
        table_set_text(t, row, col++, day);
        table_set_text(t, row, col++,
                       it->source == STORE_TEXT_RESPONSE ? "response" : "touchpoint");
        table_set_text(t, row, col++, it->ext_id);
        table_set_text(t, row, col++, it->a ? it->a->ext_id : NULL);
        table_set_text(t, row, col++, it->sv ? it->sv->ext_id : NULL);
        if (it->sv)
            table_set_int(t, row, col, it->score);
        col++;
        table_set_text(t, row, col++, it->kind);
        table_set_text(t, row, col++, it->lang);
        table_set_text(t, row, col++, it->scored ? label_of(it) : NULL);
        table_set_real(t, row, col++, it->scored ? it->compound : NAN);
        table_set_text(t, row, col++, it->emotions);
        table_set_text(t, row, col++, it->topics);
        table_set_text(t, row, col, it->text);
    }
    table_set_total(t, (int64_t)n);
    free(pick);
    texts_keep(&x, t);
    ret = 0;
out:
    texts_release(&x);
    return ret;
}

static const struct lf_column_info comments_cols[] = {
    {"date", LF_COL_TEXT, "the day it was written, in the workspace's zone"},
    {"source", LF_COL_TEXT, "response (a survey comment) or touchpoint (a ticket's text…)"},
    {"id", LF_COL_TEXT, "the response's or touchpoint's id"},
    {"account", LF_COL_TEXT, "the account's id"},
    {"survey", LF_COL_TEXT, "the survey answered (responses)"},
    {"score", LF_COL_INT, "the score given (responses)"},
    {"touchpoint", LF_COL_TEXT, "the touchpoint's kind (of the one rated, for a response)"},
    {"language", LF_COL_TEXT, "ISO 639-1, und without letters"},
    {"sentiment", LF_COL_TEXT, "positive, negative or neutral (null: not English)"},
    {"compound", LF_COL_REAL, "VADER compound, -1..1"},
    {"emotions", LF_COL_TEXT, "emotions shown, strongest first"},
    {"topics", LF_COL_TEXT, "topics mentioned, first mentioned first"},
    {"text", LF_COL_TEXT, "the text as stored"},
};

const struct metric_def metric_text_comments = {
    .name = "text-comments",
    .group = "text",
    .summary = "the comments and texts themselves, with their analysis, filtered",
    .help = "The survey comments and touchpoint texts of the window [from, to) (default: from "
            "the start of the month 12 months before to's month), the latest first, with their "
            "sentiment, emotions and topics: only those of a survey, a survey kind, a score "
            "range (survey, kind and score keep only survey comments), a topic, a sentiment, "
            "an emotion, a source or containing a search text when given; paged (limit, "
            "offset), with the total count of the texts that pass.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_WHERE,
    .own = comments_params,
    .own_nr = sizeof(comments_params) / sizeof(comments_params[0]),
    .filters = text_dims + 5,
    .columns = comments_cols,
    .columns_nr = sizeof(comments_cols) / sizeof(comments_cols[0]),
    .needs = PAGED | NEEDS_CACHE,
    .cache_of = &metric_text_summary,
    .compute = compute_comments,
};

/* ---- text-topics: what detractors talk about ---- */

static const struct lf_param_info topics_params[] = {
    {"survey", LF_PARAM_TEXT, "every nps survey",
     "only the comments of the responses to this survey (its id; a custom survey is mapped "
     "onto 0..10)"},
};

struct topic_row {
    const char *name;
    int64_t det, pro;
};

static int compute_topics(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct texts x = {0};
    struct tally det = {0}, pro = {0};
    struct topic_row *rows = NULL;
    int64_t from, to, dets = 0, pros = 0;
    int ps = metric_param(c, "survey"), ret = -1;
    const char *survey = c->p[ps].given ? c->p[ps].s : NULL;
    metric_default_window(c, &from, &to);
    if (texts_load(&x, c, err) < 0)
        goto out;
    if (survey) {
        const struct survey *s = NULL;
        for (size_t i = 0; i < x.sv_nr; i++)
            if (strcmp(x.sv[i].ext_id, survey) == 0)
                s = &x.sv[i];
        if (!s) {
            err_set_field(err, "survey", LF_EINVAL, "no survey '%s' in this workspace", survey);
            goto out;
        }
        if (s->kind != SURVEY_NPS && s->kind != SURVEY_CUSTOM) {
            err_set_field(err, "survey", LF_EINVAL,
                          "survey '%s' is not an nps survey: detractors and promoters are "
                          "NPS's",
                          survey);
            goto out;
        }
    }
    if (texts_recall(&x, c, from, to, t)) {
        ret = 0;
        goto out;
    }
    for (size_t i = 0; i < x.resp_items; i++) {
        const struct item *it = &x.it[i];
        if (!it->sv || !item_passes(c, it, from, to) || !it->scored ||
            (survey ? strcmp(it->sv->ext_id, survey) != 0 : it->sv->kind != SURVEY_NPS))
            continue;
        struct cx_score s = cx_score_make(it->sv, it->score);
        struct cx_nps one;
        cx_nps_compute(&s, 1, &one);
        if (one.detractors) {
            dets++;
            tally_list(&det, it->topics);
        } else if (one.promoters) {
            pros++;
            tally_list(&pro, it->topics);
        }
    }
    size_t nr = 0;
    rows = xcalloc(det.nr + pro.nr + 1, sizeof(*rows));
    for (size_t i = 0; i < det.nr; i++)
        rows[nr++] = (struct topic_row){det.name[i], det.n[i], 0};
    for (size_t i = 0; i < pro.nr; i++) {
        size_t k = 0;
        while (k < nr && strcmp(rows[k].name, pro.name[i]) != 0)
            k++;
        if (k == nr)
            rows[nr++] = (struct topic_row){pro.name[i], 0, 0};
        rows[k].pro = pro.n[i];
    }
    /* the lift, highest first; a topic no promoter mentions first of all (infinite lift), by
     * its detractor share; ties by name */
    double *lift = xcalloc(nr + 1, sizeof(*lift));
    for (size_t i = 0; i < nr; i++) {
        double ds = dets ? (double)rows[i].det / (double)dets : 0,
               pshare = pros ? (double)rows[i].pro / (double)pros : 0;
        lift[i] = pshare > 0 ? ds / pshare : (ds > 0 ? INFINITY : 0);
    }
    for (size_t i = 1; i < nr; i++) {
        struct topic_row v = rows[i];
        double lv = lift[i];
        size_t j = i;
        for (; j > 0; j--) {
            bool before = lift[j - 1] > lv ||
                          (lift[j - 1] == lv &&
                           (rows[j - 1].det > v.det ||
                            (rows[j - 1].det == v.det && strcmp(rows[j - 1].name, v.name) < 0)));
            if (before)
                break;
            rows[j] = rows[j - 1];
            lift[j] = lift[j - 1];
        }
        rows[j] = v;
        lift[j] = lv;
    }
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < nr; i++) {
        const char *none[METRIC_BY_MAX] = {0};
        size_t row = metric_row(c, t, none), col = first;
        table_set_text(t, row, col++, rows[i].name);
        table_set_int(t, row, col++, rows[i].det);
        table_set_real(t, row, col++, dets ? 100.0 * (double)rows[i].det / (double)dets : NAN);
        table_set_int(t, row, col++, rows[i].pro);
        table_set_real(t, row, col++, pros ? 100.0 * (double)rows[i].pro / (double)pros : NAN);
        table_set_real(t, row, col++, isinf(lift[i]) || !pros || !dets ? NAN : lift[i]);
        table_set_int(t, row, col++, dets);
        table_set_int(t, row, col, pros);
    }
    free(lift);
    texts_keep(&x, t);
    ret = 0;
out:
    free(rows);
    tally_release(&det);
    tally_release(&pro);
    texts_release(&x);
    return ret;
}

static const struct lf_column_info topics_cols[] = {
    {"topic", LF_COL_TEXT, "a topic of the taxonomy"},
    {"detractor_comments", LF_COL_INT, "detractors' comments (scores 0–6) about it"},
    {"detractor_share", LF_COL_REAL, "percent of the detractors' scored comments about it"},
    {"promoter_comments", LF_COL_INT, "promoters' comments (scores 9–10) about it"},
    {"promoter_share", LF_COL_REAL, "percent of the promoters' scored comments about it"},
    {"lift", LF_COL_REAL, "detractor_share / promoter_share (null when no promoter mentions it)"},
    {"detractors", LF_COL_INT, "detractors' scored comments in all"},
    {"promoters", LF_COL_INT, "promoters' scored comments in all"},
};

const struct metric_def metric_text_topics = {
    .name = "text-topics",
    .group = "text",
    .summary = "what detractors talk about: each topic's share among detractors' comments over "
               "its share among promoters'",
    .help = "The comments of the NPS responses in the window [from, to) (default: from the "
            "start of the month 12 months before to's month) that were scored (English): for "
            "each topic, the percent of the detractors' comments (0–6) and of the promoters' "
            "comments (9–10) that mention it, and the lift, the first over the second (2: "
            "detractors mention it twice as often). The highest lift first; a topic only "
            "detractors mention comes first of all (its lift is null: no promoter mentions it).",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_WHERE,
    .own = topics_params,
    .own_nr = 1,
    .filters = text_dims + 5,
    .columns = topics_cols,
    .columns_nr = sizeof(topics_cols) / sizeof(topics_cols[0]),
    .needs = NEEDS_CACHE,
    .cache_of = &metric_text_summary,
    .compute = compute_topics,
};

/* ---- text-emotions: how often each emotion shows ---- */

static int compute_emotions(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct texts x = {0};
    int64_t from, to, scored = 0, n[TEXT_EMOTIONS] = {0};
    int ret = -1;
    metric_default_window(c, &from, &to);
    if (texts_load(&x, c, err) < 0)
        goto out;
    if (texts_recall(&x, c, from, to, t)) {
        ret = 0;
        goto out;
    }
    for (size_t i = 0; i < x.it_nr; i++) {
        const struct item *it = &x.it[i];
        if (!item_passes(c, it, from, to) || !it->scored)
            continue;
        scored++;
        for (int e = 0; e < TEXT_EMOTIONS; e++)
            n[e] += list_has(it->emotions, emotions[e]);
    }
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (int e = 0; e < TEXT_EMOTIONS; e++) {
        const char *none[METRIC_BY_MAX] = {0};
        size_t row = metric_row(c, t, none), col = first;
        table_set_text(t, row, col++, emotions[e]);
        table_set_int(t, row, col++, n[e]);
        table_set_real(t, row, col++, scored ? 100.0 * (double)n[e] / (double)scored : NAN);
        table_set_int(t, row, col, scored);
    }
    texts_keep(&x, t);
    ret = 0;
out:
    texts_release(&x);
    return ret;
}

static const struct lf_column_info emotions_cols[] = {
    {"emotion", LF_COL_TEXT, "an emotion of customer experience (docs/text.md)"},
    {"texts", LF_COL_INT, "scored texts showing it"},
    {"share", LF_COL_REAL, "percent of the scored texts showing it"},
    {"scored", LF_COL_INT, "scored texts in all (English, or without letters)"},
};

const struct metric_def metric_text_emotions = {
    .name = "text-emotions",
    .group = "text",
    .summary = "how often each emotion shows in what customers write",
    .help = "The survey comments and touchpoint texts of the window [from, to) (default: from "
            "the start of the month 12 months before to's month) that were scored (English): "
            "for each of the eight emotions (delight, gratitude, trust, frustration, anger, "
            "confusion, anxiety, disappointment, in that order), how many show it and their "
            "percent of the scored texts. A text may show several, so the shares need not add "
            "up to 100.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_WHERE,
    .filters = text_dims + 5,
    .columns = emotions_cols,
    .columns_nr = sizeof(emotions_cols) / sizeof(emotions_cols[0]),
    .needs = NEEDS_CACHE,
    .cache_of = &metric_text_summary,
    .compute = compute_emotions,
};

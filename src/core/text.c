/* text.c - text analytics behind landfall.h: texts (or a JSON body of them) → a table of their
 * sentiment, emotions, topics and language (src/text). */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "core.h"
#include "ingest/ingest.h"
#include "report/table.h"
#include "text/text.h"

/* The built-in analyzer is made once and shared by every thread: it is read-only. */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct text_analyzer *builtin;
static struct lf_err builtin_err;

static void builtin_init(void)
{
    text_analyzer_new(NULL, 0, NULL, &builtin, &builtin_err);
}

int core_text_builtin(const struct text_analyzer **out, struct lf_err *err)
{
    pthread_once(&builtin_once, builtin_init);
    if (!builtin) /* the embedded data does not parse: a bug */
        return err_set(err, LF_EINTERNAL, "%s", builtin_err.msg);
    *out = builtin;
    return 0;
}

static int analyzer(const struct lf_text_opts *opts, struct text_analyzer **own,
                    const struct text_analyzer **out, struct lf_err *err)
{
    *own = NULL;
    if (!opts || !opts->taxonomy)
        return core_text_builtin(out, err);
    FILE *f = fopen(opts->taxonomy, "rb");
    if (!f)
        return err_set(err, errno == ENOENT ? LF_ENOENT : LF_EIO, "cannot open '%s': %s",
                       opts->taxonomy, strerror(errno));
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    int rc = bad ? err_set(err, LF_EIO, "cannot read '%s'", opts->taxonomy)
                 : text_analyzer_new(b.ptr ? b.ptr : "", b.len, opts->taxonomy, own, err);
    buf_release(&b);
    *out = *own;
    return rc;
}

void core_text_emotions(const struct text_result *r, struct buf *out)
{
    /* the emotions reported, the strongest first */
    bool done[TEXT_EMOTIONS] = {0};
    buf_reset(out);
    for (;;) {
        int best = -1;
        for (int e = 0; e < TEXT_EMOTIONS; e++)
            if (!done[e] && r->emotions[e] >= TEXT_EMOTION_MIN &&
                (best < 0 || r->emotions[e] > r->emotions[best]))
                best = e;
        if (best < 0)
            break;
        done[best] = true;
        buf_addf(out, "%s%s", out->len ? "," : "", text_emotion_name(best));
    }
}

void core_text_topics(const struct text_analyzer *a, const struct text_result *r, struct buf *out)
{
    buf_reset(out);
    for (size_t i = 0; i < r->topics_nr; i++)
        buf_addf(out, "%s%s", i ? "," : "", text_topic_name(a, r->topics[i]));
}

enum { C_INDEX, C_LANG, C_LABEL, C_COMPOUND, C_POS, C_NEU, C_NEG, C_EMOTIONS, C_TOPICS, C_NOTES };

static struct lf_table *result_table(void)
{
    static const struct {
        const char *name;
        int type;
    } cols[] = {{"index", LF_COL_INT},     {"language", LF_COL_TEXT}, {"sentiment", LF_COL_TEXT},
                {"compound", LF_COL_REAL}, {"pos", LF_COL_REAL},      {"neu", LF_COL_REAL},
                {"neg", LF_COL_REAL},      {"emotions", LF_COL_TEXT}, {"topics", LF_COL_TEXT},
                {"notes", LF_COL_TEXT}};
    struct lf_table *t = table_new("text");
    for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
        table_add_column(t, cols[i].name, cols[i].type);
    return t;
}

static void result_row(struct lf_table *t, const struct text_analyzer *a, size_t index,
                       const struct text_result *r)
{
    size_t row = table_add_row(t);
    struct buf b = BUF_INIT;
    table_set_int(t, row, C_INDEX, (int64_t)index);
    table_set_text(t, row, C_LANG, r->lang);
    if (r->empty || r->html || r->truncated) {
        buf_addf(&b, "%s%s%s", r->empty ? "empty," : "", r->html ? "html," : "",
                 r->truncated ? "truncated," : "");
        b.ptr[--b.len] = '\0';
        table_set_text(t, row, C_NOTES, b.ptr);
    }
    if (!r->scored) {
        buf_release(&b);
        return;
    }
    table_set_text(t, row, C_LABEL, text_sentiment_label(r->sentiment.compound));
    table_set_real(t, row, C_COMPOUND, r->sentiment.compound);
    table_set_real(t, row, C_POS, r->sentiment.pos);
    table_set_real(t, row, C_NEU, r->sentiment.neu);
    table_set_real(t, row, C_NEG, r->sentiment.neg);
    core_text_emotions(r, &b);
    table_set_text(t, row, C_EMOTIONS, buf_str(&b));
    core_text_topics(a, r, &b);
    table_set_text(t, row, C_TOPICS, buf_str(&b));
    buf_release(&b);
}

int lf_text_analyze(const struct lf_text_opts *opts, const char *const *texts,
                    const size_t *lens, size_t nr, struct lf_table **out, struct lf_err *err)
{
    struct text_analyzer *own;
    const struct text_analyzer *a = NULL;
    *out = NULL;
    if (analyzer(opts, &own, &a, err) < 0)
        return -1;
    struct text_work *w = text_work_new();
    struct lf_table *t = result_table();
    unsigned flags = opts && opts->english ? TEXT_ENGLISH : 0;
    int rc = -1;
    for (size_t i = 0; i < nr; i++) {
        struct text_result r;
        if (text_analyze(a, w, texts[i], lens[i], flags, &r, err) < 0) {
            char field[32], why[sizeof(err->msg)];
            snprintf(field, sizeof(field), "texts[%zu]", i);
            memcpy(why, err->msg, sizeof(why));
            err_set_field(err, field, err->code, "texts[%zu]: %s", i, why);
            goto out;
        }
        result_row(t, a, i, &r);
    }
    *out = t;
    t = NULL;
    rc = 0;
out:
    lf_table_free(t);
    text_work_free(w);
    text_analyzer_free(own);
    return rc;
}

int lf_text_analyze_json(const char *body, size_t len, struct lf_table **out, struct lf_err *err)
{
    json_t *doc = ingest_json_load(body, len, LF_EUSAGE, err);
    const char **texts = NULL;
    size_t *lens = NULL;
    int rc = -1;
    *out = NULL;
    if (!doc)
        return -1;
    json_t *arr = json_is_object(doc) ? json_object_get(doc, "texts") : NULL;
    if (!json_is_array(arr)) {
        err_set_field(err, "texts", LF_EUSAGE,
                      "the body must be {\"texts\": [STRING…]}: 'texts' is missing or not an "
                      "array");
        goto out;
    }
    size_t nr = json_array_size(arr);
    if (nr > LF_TEXT_MAX_TEXTS) {
        err_set_field(err, "texts", LF_ELIMIT, "%zu texts, more than %d in one request", nr,
                      LF_TEXT_MAX_TEXTS);
        goto out;
    }
    texts = xcalloc(nr + 1, sizeof(*texts));
    lens = xcalloc(nr + 1, sizeof(*lens));
    for (size_t i = 0; i < nr; i++) {
        json_t *v = json_array_get(arr, i);
        char field[32];
        snprintf(field, sizeof(field), "texts[%zu]", i);
        if (!json_is_string(v)) {
            err_set_field(err, field, LF_EUSAGE, "texts[%zu] is not a string", i);
            goto out;
        }
        texts[i] = json_string_value(v);
        lens[i] = json_string_length(v);
        if (lens[i] > LF_TEXT_MAX_BYTES) {
            err_set_field(err, field, LF_ELIMIT, "texts[%zu] has %zu bytes, more than %d", i,
                          lens[i], LF_TEXT_MAX_BYTES);
            goto out;
        }
    }
    rc = lf_text_analyze(NULL, texts, lens, nr, out, err);
out:
    free(texts);
    free(lens);
    json_decref(doc);
    return rc;
}

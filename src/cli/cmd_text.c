/* cmd_text.c - `landfall text analyze`: sentiment, emotions, topics and language of texts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall text analyze [OPTIONS] TEXT...\n"
    "       landfall text analyze [OPTIONS] --file FILE\n"
    "       landfall text summary [--by DIMS] [--from T] [--to T] [--where F=V]... [--json|--csv]\n"
    "       landfall text comments [--survey ID] [--score MIN-MAX] [--topic T] [--sentiment S]\n"
    "                              [--emotion E] [--q TEXT] [--limit N] [--offset N]\n"
    "       landfall text emotions [--from T] [--to T] [--where F=V]...\n"
    "       landfall text topics [--survey ID] [--from T] [--to T]\n"
    "       landfall text rebuild [--quiet]\n"
    "\n"
    "Tells what each text says, in this process (nothing is sent anywhere):\n"
    "  sentiment   VADER: compound from -1 to 1 (positive from 0.05, negative from -0.05),\n"
    "              and the shares of positive, neutral and negative words (pos, neu, neg)\n"
    "  emotions    delight, gratitude, trust, frustration, anger, confusion, anxiety,\n"
    "              disappointment: those shown with an intensity of 0.5 or more, strongest first\n"
    "  topics      the topics of the taxonomy the text mentions, on stemmed words\n"
    "  language    an ISO 639-1 code (und: no letters, as in \"👍\"); a text not in English\n"
    "              is marked with its language and not scored (its sentiment, emotions and\n"
    "              topics are empty)\n"
    "  notes       empty (nothing but spaces or markup), html (markup was removed first),\n"
    "              truncated (only the first 16384 bytes were analysed)\n"
    "\n"
    "options:\n"
    "  --file FILE       one text per line ('-' reads standard input)\n"
    "  --taxonomy FILE   topics from FILE instead of the built-in taxonomy (docs/text.md)\n"
    "  --english         the texts are English: do not detect their language\n"
    "  --json, --csv     print JSON ({\"metric\": \"text\", \"rows\": [...]}) or CSV\n"
    "\n"
    "A text that is not UTF-8 is refused, naming its byte offset (and the line, with --file).\n"
    "\n"
    "Stored texts: every survey comment and touchpoint text is analysed when it is stored\n"
    "(import, the REST API, ingestion), with the built-in taxonomy. 'text summary', 'text\n"
    "comments', 'text topics' (topic lift among detractors against promoters) and 'text\n"
    "emotions' (how often each emotion shows) are the metrics text-summary, text-comments,\n"
    "text-topics and text-emotions: 'landfall metric text-summary\n"
    "--help' lists the options of each; over HTTP GET /v1/metrics/text-summary… 'text rebuild'\n"
    "analyses every stored text again (a progress bar on a terminal; --quiet: none, and no\n"
    "count).\n"
    "\n"
    "The method, its data and its figures: docs/text.md. The same over HTTP:\n"
    "POST /v1/text/analyze.\n";

void cmd_text_help(FILE *out)
{
    fputs(help_text, out);
}

/* Reads path ("-": stdin) into *data. */
static int slurp(const char *path, char **data, size_t *len, struct lf_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        err->code = errno == ENOENT ? LF_ENOENT : LF_EIO;
        snprintf(err->msg, sizeof(err->msg), "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            p = realloc(p, cap *= 2);
    bool bad = !p || ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(p);
        err->code = LF_EIO;
        snprintf(err->msg, sizeof(err->msg), "cannot read '%s'", path);
        return -1;
    }
    *data = p, *len = n;
    return 0;
}

static int oom(void)
{
    fprintf(stderr, "landfall: out of memory\n");
    return EXIT_FAILURE_;
}

static int analyze(int argc, char **argv)
{
    struct lf_text_opts opts = {0};
    const char *file = NULL;
    int format = LF_FORMAT_TABLE, rc = EXIT_OK;
    const char **texts = calloc((size_t)argc + 1, sizeof(*texts));
    size_t *lens = calloc((size_t)argc + 1, sizeof(*lens)), nr = 0;
    char *data = NULL;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    bool dashdash = false;
    if (!texts || !lens) {
        rc = oom();
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
            texts[nr] = a;
            lens[nr++] = strlen(a);
        } else if (strcmp(a, "--") == 0) {
            dashdash = true;
        } else if (strcmp(a, "--json") == 0) {
            format = LF_FORMAT_JSON;
        } else if (strcmp(a, "--csv") == 0) {
            format = LF_FORMAT_CSV;
        } else if (strcmp(a, "--english") == 0) {
            opts.english = true;
        } else if (strcmp(a, "--file") == 0 || strcmp(a, "--taxonomy") == 0) {
            if (i + 1 >= argc) {
                rc = cli_usage("text", "%s needs a value", a);
                goto out;
            }
            *(a[2] == 'f' ? &file : &opts.taxonomy) = argv[++i];
        } else {
            rc = cli_usage("text", "unknown option '%s'", a);
            goto out;
        }
    }
    if (file && nr) {
        rc = cli_usage("text", "give texts or --file, not both");
        goto out;
    }
    if (!file && !nr) {
        rc = cli_usage("text", "'text analyze' needs a TEXT or --file FILE");
        goto out;
    }
    size_t len = 0;
    if (file) {
        if (slurp(file, &data, &len, &err) < 0) {
            rc = cli_fail(&err);
            goto out;
        }
        size_t lines = 0;
        for (size_t i = 0; i < len; i++)
            lines += data[i] == '\n';
        free(texts);
        free(lens);
        texts = calloc(lines + 2, sizeof(*texts));
        lens = calloc(lines + 2, sizeof(*lens));
        if (!texts || !lens) {
            rc = oom();
            goto out;
        }
        /* one text a line; a last line without its newline counts, an empty file has none */
        for (size_t b = 0; b < len;) {
            char *nl = memchr(data + b, '\n', len - b);
            size_t e = nl ? (size_t)(nl - data) : len;
            texts[nr] = data + b;
            lens[nr++] = e > b && data[e - 1] == '\r' ? e - b - 1 : e - b;
            b = e + 1;
        }
    }
    if (lf_text_analyze(&opts, texts, lens, nr, &t, &err) < 0) {
        const char *f = err.field;
        size_t i;
        /* the library names the text; a file names its line */
        if (file && sscanf(f, "texts[%zu]", &i) == 1) {
            const char *why = strstr(err.msg, "]: ");
            fprintf(stderr, "landfall: '%s' line %zu: %s\n", file, i + 1, why ? why + 3 : err.msg);
            rc = EXIT_USAGE;
            goto out;
        }
        rc = err.code == LF_EINVAL ? (fprintf(stderr, "landfall: %s\n", err.msg), EXIT_USAGE)
                                   : cli_fail(&err);
        goto out;
    }
    if (lf_table_write(t, format, stdout, &err) < 0)
        rc = cli_fail(&err);
out:
    lf_table_free(t);
    free(texts);
    free(lens);
    free(data);
    return rc;
}

/* `text rebuild`: every stored text analysed again. */
static int rebuild(int argc, char **argv, const struct cli_env *env)
{
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0)
            quiet = true;
        else
            return cli_usage("text", "unknown option '%s'", argv[i]);
    }
    struct lf *lf;
    struct lf_err err = {0};
    int64_t n = 0;
    int rc = cli_open(env, true, NULL, &lf);
    if (rc != 0)
        return rc;
    if (lf_text_rebuild(lf, !quiet, &n, &err) < 0)
        rc = cli_fail(&err);
    else if (!quiet)
        fprintf(stderr, "analysed %lld texts\n", (long long)n);
    lf_close(lf);
    return rc;
}

int cmd_text(int argc, char **argv, const struct cli_env *env)
{
    if (argc < 2)
        return cli_usage("text",
                         "'text' needs a command: analyze, summary, comments, topics, emotions, "
                         "rebuild");
    if (strcmp(argv[1], "analyze") == 0)
        return analyze(argc - 1, argv + 1);
    if (strcmp(argv[1], "rebuild") == 0)
        return rebuild(argc - 1, argv + 1, env);
    static const char *const metrics[][2] = {
        {"summary", "text-summary"}, {"comments", "text-comments"}, {"topics", "text-topics"},
        {"emotions", "text-emotions"}};
    for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
        if (strcmp(argv[1], metrics[i][0]) == 0)
            /* as `landfall metric NAME`, whose help lists the options */
            return cli_metric_run("metric", metrics[i][1], argc, argv, 2, env);
    return cli_usage("text",
                     "'%s' is not a text command (analyze, summary, comments, topics, emotions, "
                     "rebuild)",
                     argv[1]);
}

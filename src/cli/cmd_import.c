/* cmd_import.c - `landfall import KIND FILE...`: options, one lf_import_file per file, a summary
 * line for each on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall import KIND FILE... [--strict] [--quiet] [--no-rejects-file] [--db PATH]\n"
    "\n"
    "Imports CSV or NDJSON files (.ndjson, .jsonl and .json are NDJSON, anything else CSV) of\n"
    "one KIND into the store, each file in one transaction. Rows are upserted by their id, so\n"
    "importing a file again changes nothing; events are de-duplicated by message id.\n"
    "\n"
    "KIND and its columns (a CSV header names them, in any order; NDJSON objects use the same\n"
    "names; * marks what a row must have):\n"
    "  accounts     id*, name, plan, segment, mrr, currency, seats, stage, owner,\n"
    "               customer_since, renewal_date\n"
    "  contacts     id*, account_id, email, name, role, created_at\n"
    "  mrr_changes  account_id*, date*, mrr*, reason\n"
    "  orders       id, customer_id*, ts*, amount*\n"
    "  events       message_id, ts*, account_id, user_id, event*, value\n"
    "               (account_id or user_id*); also Segment track, page, screen, identify,\n"
    "               group and alias calls, one per line of an NDJSON file\n"
    "  touchpoints  id, ts*, account_id, contact_id (one of them*), channel, stage, team,\n"
    "               kind, duration_minutes, status, text\n"
    "  responses    id, ts*, account_id, contact_id, survey*, score*, comment, touchpoint_id\n"
    "  reviews      id*, ts*, account_id, contact_id (one of them*), rating* (1..5), text:\n"
    "               a response to the survey 'review' (1..5 stars, made when missing) whose\n"
    "               comment is the text, rating a touchpoint 'review:ID' (channel and kind\n"
    "               review, stage advocacy) that keeps the other columns (site, title…)\n"
    "Other columns become custom attributes (accounts, contacts, touchpoints, reviews) or event\n"
    "properties (events), stored as a JSON object; the other kinds ignore them.\n"
    "\n"
    "Values:\n"
    "  times     ISO 8601 (2024-03-01, 2024-03-01T12:00:00Z, 2024-03-01 12:00:00+02:00,\n"
    "            .sss fractions) or unix seconds (1709294400); without an offset, UTC\n"
    "  money     a decimal amount in the account's currency: 1234.50, -3, 99 (no thousands\n"
    "            separator, at most as many decimals as the currency has: 2, JPY 0, KWD 3)\n"
    "  currency  ISO 4217, three capital letters; a new account without one is USD\n"
    "  score     a whole number within its survey's scale: nps 0..10, csat 1..5, ces 1..7\n"
    "  channel   email phone chat in-app meeting web social review sms\n"
    "  stage     awareness purchase onboarding adoption renewal expansion advocacy\n"
    "  team      marketing sales onboarding support success billing product\n"
    "  status    open resolved\n"
    "An empty value means \"not given\": the stored value stays. An unknown account is\n"
    "created as a stub; an unknown user or contact is created under the row's account. An\n"
    "order's customer_id names an account, or else a contact. Rows without an id (events\n"
    "without message_id, orders, touchpoints, responses) get one derived from their content.\n"
    "When a later row of the file has the same id, the earlier one is skipped.\n"
    "\n"
    "Rejected rows are listed on stderr as FILE:LINE:COLUMN: reason and written, as read and\n"
    "with an error column, to FILE.rejects.csv (removed when nothing was rejected); the other\n"
    "rows are committed.\n"
    "\n"
    "options:\n"
    "  --strict           any rejected row aborts its file: nothing of it is written\n"
    "  --quiet            no list of rejected rows and notices on stderr, no progress bar\n"
    "  --no-rejects-file  do not write FILE.rejects.csv\n"
    "  --db PATH          the store (default ./landfall.db, or $LANDFALL_DB)\n"
    "  --workspace NAME   the workspace (default \"default\"), created when new\n"
    "\n"
    "exit codes: 0 every row imported, 1 some rows rejected, 2 usage error, 3 nothing\n"
    "imported (a file missing, unreadable, empty, header-only, every row rejected, or\n"
    "aborted by --strict), 4 store, file or system failure; with several files, the worst.\n";

void cmd_import_help(FILE *out)
{
    fputs(help_text, out);
}

static void kinds(char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int k = 0; lf_kind_name(k) && len < n; k++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", k ? ", " : "", lf_kind_name(k));
}

/* Prints the summary of one file and returns its exit code. */
static int summary(const char *path, const struct lf_import_result *r, bool rejects_file)
{
    if (r->aborted) {
        printf("%s: aborted at a rejected row (--strict), nothing imported\n", path);
        return EXIT_NOTHING;
    }
    printf("%s: %zu row%s, %zu inserted, %zu updated, %zu unchanged, %zu rejected", path, r->rows,
           r->rows == 1 ? "" : "s", r->inserted, r->updated, r->unchanged, r->rejected);
    if (r->rejected && rejects_file)
        printf(" (see %s.rejects.csv)", path);
    if (r->stubs)
        printf(", %zu stub account%s created", r->stubs, r->stubs == 1 ? "" : "s");
    putchar('\n');
    if (r->rejected == r->rows)
        return EXIT_NOTHING;
    return r->rejected ? EXIT_PARTIAL : EXIT_OK;
}

int cmd_import(int argc, char **argv, const struct cli_env *env)
{
    static const struct option options[] = {
        {"strict", no_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"no-rejects-file", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    struct lf_import_opts opts = {.progress = true, .reject_log = stderr, .write_rejects = true};
    struct lf *lf = NULL;
    char names[128];
    int c, worst = EXIT_OK;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 's':
            opts.strict = true;
            break;
        case 'q':
            opts.reject_log = NULL;
            opts.progress = false;
            break;
        case 'n':
            opts.write_rejects = false;
            break;
        default:
            return cli_usage("import", "unknown option '%s'", argv[optind - 1]);
        }
    }
    kinds(names, sizeof(names));
    if (optind >= argc)
        return cli_usage("import", "import needs a KIND (%s) and a FILE", names);
    int kind = lf_kind_parse(argv[optind]);
    if (kind < 0)
        return cli_usage("import", "'%s' is not an import kind (%s)", argv[optind], names);
    if (optind + 1 >= argc)
        return cli_usage("import", "import %s needs a FILE", argv[optind]);
    if ((c = cli_open(env, false, NULL, &lf)) != 0)
        return c;
    for (int i = optind + 1; i < argc; i++) {
        struct lf_import_result res;
        struct lf_err err = {0};
        int code;
        if (lf_import_file(lf, kind, argv[i], &opts, &res, &err) == 0) {
            code = summary(argv[i], &res, opts.write_rejects);
        } else {
            fprintf(stderr, "landfall: %s\n", err.msg);
            code = err.code == LF_ENOENT || err.code == LF_EINVAL ? EXIT_NOTHING : EXIT_FAILURE_;
        }
        worst = code > worst ? code : worst;
        if (code == EXIT_FAILURE_)
            break;
    }
    lf_close(lf);
    return worst;
}

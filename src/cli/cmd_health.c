/* cmd_health.c - `landfall health`: the scores (the health metrics of the registry), one
 * account's explanation, the history, the daily snapshot and the scorecards. */
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "cli.h"

static const char help_text[] =
    "usage: landfall health [--segment S] [--plan P] [--owner O] [--colour red|yellow|green|none]\n"
    "                       [--sort score|account] [--scorecard NAME] [--now DATE] [--json|--csv]\n"
    "       landfall health explain ACCOUNT [--scorecard NAME] [--now DATE] [--json|--csv]\n"
    "       landfall health history [ACCOUNT] [--from DATE] [--to DATE] [--json|--csv]\n"
    "       landfall health snapshot [--date DATE | --from DATE [--to DATE]]\n"
    "       landfall health backtest [--scorecard NAME] [--versus NAME] [--from DATE] [--to DATE]\n"
    "                                [--horizon DAYS] [--json|--csv]\n"
    "       landfall health scorecard list [--json|--csv]\n"
    "       landfall health scorecard apply FILE.json\n"
    "       landfall health scorecard retire NAME\n"
    "\n"
    "health lists every customer's score (0-100) and band as of --now (default: the clock), "
    "lowest\n"
    "first, computed from the measures of docs/metrics.md with only the data before that instant:\n"
    "the scorecard in force for the account's segment and plan, else 'default'. A measure without\n"
    "data is left out and the weights renormalised: measures_used says how many counted; an\n"
    "account without any has no score. 'concern' is the measure that cost the most points.\n"
    "explain lists the account's measures, their values, points and weights, the costliest first.\n"
    "snapshot writes the day's scores (the state at the day's start) into the history, replacing\n"
    "what that day held; --from writes every day from DATE to --to (default: today), each as of\n"
    "its own start (a history for data imported at once; at most 3660 days). history reads them\n"
    "back with the daily change and band moves.\n"
    "backtest scores every customer as of each month start of the window with only the data\n"
    "before it and reports how well the scores ranked the churn of the horizon after: AUC,\n"
    "churn by band, the bottom decile's lift; --versus measures a second scorecard beside it.\n"
    "scorecard apply stores the scorecard of a JSON file as a new version (the same file twice\n"
    "changes nothing); a bad file is refused naming the field. retire takes one out of force.\n"
    "'landfall metric health --help' (and health-explain, health-history, scorecards) lists\n"
    "every option and column.\n";

void cmd_health_help(FILE *out)
{
    fputs(help_text, out);
}

/* Runs metric `name` with argv[first..) after rewriting --segment/--plan/--owner S into
 * --where FIELD=S and a bare ACCOUNT into --account ACCOUNT. */
static int metric(const char *cmd, const char *name, int argc, char **argv, int first,
                  bool positional, const struct cli_env *env)
{
    char **args = calloc((size_t)(2 * argc + 2), sizeof(char *));
    char **owned = calloc((size_t)argc + 1, sizeof(char *));
    int n = 0, no = 0, ret;
    if (!args || !owned) {
        free(args);
        free(owned);
        return cli_usage(cmd, "out of memory");
    }
    args[n++] = (char *)cmd;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        const char *field = !strcmp(a, "--segment") ? "segment"
                            : !strcmp(a, "--plan")  ? "plan"
                            : !strcmp(a, "--owner") ? "owner"
                                                    : NULL;
        if (field && i + 1 < argc) {
            size_t len = strlen(field) + strlen(argv[i + 1]) + 2;
            char *w = malloc(len);
            if (!w)
                break;
            snprintf(w, len, "%s=%s", field, argv[++i]);
            owned[no++] = w;
            args[n++] = "--where";
            args[n++] = w;
        } else if (positional && a[0] != '-') {
            args[n++] = "--account";
            args[n++] = argv[i];
            positional = false;
        } else if (!strncmp(a, "--", 2) && !strchr(a, '=') && strcmp(a, "--json") &&
                   strcmp(a, "--csv") && strcmp(a, "--no-snapshot") && i + 1 < argc) {
            args[n++] = argv[i]; /* an option and its value: the value is no ACCOUNT */
            args[n++] = argv[++i];
        } else {
            args[n++] = argv[i];
        }
    }
    args[n] = NULL;
    ret = cli_metric_run(cmd, name, n, args, 1, env);
    for (int i = 0; i < no; i++)
        free(owned[i]);
    free(owned);
    free(args);
    return ret;
}

static int read_file(const char *path, char **out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t len = 0, cap = 4096;
    char *b = malloc(cap);
    *out = NULL;
    if (!f || !b) {
        free(b);
        return -1;
    }
    size_t got;
    while ((got = fread(b + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *nb = cap > (1u << 24) ? NULL : realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                if (f != stdin)
                    fclose(f);
                return -1;
            }
            b = nb;
        }
    }
    b[len] = '\0';
    if (f != stdin)
        fclose(f);
    *out = b;
    return 0;
}

static int scorecard(int argc, char **argv, const struct cli_env *env)
{
    struct lf *lf = NULL;
    struct lf_err err = {0};
    int rc;
    if (argc < 3 || !strcmp(argv[2], "list"))
        return cli_metric_run("health scorecard list", "scorecards", argc, argv, argc < 3 ? 2 : 3,
                          env);
    if (!strcmp(argv[2], "apply")) {
        char *doc, name[64];
        int64_t version;
        bool changed;
        if (argc != 4)
            return cli_usage("health", "'health scorecard apply' takes one FILE.json");
        if (read_file(argv[3], &doc) < 0)
            return cli_usage("health", "cannot read '%s'", argv[3]);
        if ((rc = cli_open(env, false, NULL, &lf)) != 0) {
            free(doc);
            return rc;
        }
        rc = lf_health_scorecard_apply(lf, doc, name, &version, &changed, &err);
        free(doc);
        lf_close(lf);
        if (rc < 0) {
            if (err.code == LF_EINVAL)
                fprintf(stderr, "landfall: '%s': %s\n", argv[3], err.msg);
            return err.code == LF_EINVAL ? EXIT_USAGE : cli_fail(&err);
        }
        printf("scorecard '%s' version %lld %s\n", name, (long long)version,
               changed ? "stored, in force" : "unchanged (already in force)");
        return EXIT_OK;
    }
    if (!strcmp(argv[2], "retire")) {
        if (argc != 4)
            return cli_usage("health", "'health scorecard retire' takes one NAME");
        if ((rc = cli_open(env, true, NULL, &lf)) != 0)
            return rc;
        rc = lf_health_scorecard_retire(lf, argv[3], &err);
        lf_close(lf);
        if (rc < 0)
            return cli_fail(&err);
        printf("scorecard '%s' retired\n", argv[3]);
        return EXIT_OK;
    }
    return cli_usage("health", "'health scorecard' is list, apply FILE or retire NAME, not '%s'",
                     argv[2]);
}

static int snapshot(int argc, char **argv, const struct cli_env *env)
{
    int64_t day = 0, from = 0, to = 0;
    const char *date = NULL, *from_arg = NULL, *to_arg = NULL;
    struct lf *lf = NULL;
    struct lf_err err = {0};
    size_t scored;
    int rc;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--date") && i + 1 < argc)
            date = argv[++i];
        else if (!strcmp(argv[i], "--from") && i + 1 < argc)
            from_arg = argv[++i];
        else if (!strcmp(argv[i], "--to") && i + 1 < argc)
            to_arg = argv[++i];
        else
            return cli_usage("health",
                             "'health snapshot' takes --date DATE or --from DATE [--to "
                             "DATE], not '%s'",
                             argv[i]);
    }
    if (date && (from_arg || to_arg))
        return cli_usage("health", "'health snapshot' takes --date or --from, not both");
    if (to_arg && !from_arg)
        return cli_usage("health", "'health snapshot --to' needs --from");
    if ((rc = cli_open(env, true, &(struct cli_engine){0}, &lf)) != 0)
        return rc;
    if (cli_time_local(lf, "health", "--date", date, &day) < 0 ||
        cli_time_local(lf, "health", "--from", from_arg, &from) < 0 ||
        cli_time_local(lf, "health", "--to", to_arg, &to) < 0) {
        lf_close(lf);
        return EXIT_USAGE;
    }
    if (from_arg) {
        size_t days;
        rc = lf_health_backfill(lf, from, to_arg ? to : time_now_ms(), true, &days, &scored, &err);
        lf_close(lf);
        if (rc < 0)
            return cli_fail(&err);
        printf("%zu days written, %zu scores\n", days, scored);
        return EXIT_OK;
    }
    rc = lf_health_snapshot(lf, day, &scored, &err);
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    printf("%zu accounts scored\n", scored);
    return EXIT_OK;
}

int cmd_health(int argc, char **argv, const struct cli_env *env)
{
    if (argc >= 2 && !strcmp(argv[1], "explain"))
        return metric("health", "health-explain", argc, argv, 2, true, env);
    if (argc >= 2 && !strcmp(argv[1], "history"))
        return metric("health", "health-history", argc, argv, 2, true, env);
    if (argc >= 2 && !strcmp(argv[1], "backtest"))
        return metric("health", "health-backtest", argc, argv, 2, false, env);
    if (argc >= 2 && !strcmp(argv[1], "snapshot"))
        return snapshot(argc, argv, env);
    if (argc >= 2 && !strcmp(argv[1], "scorecard"))
        return scorecard(argc, argv, env);
    if (argc >= 2 && argv[1][0] != '-')
        return cli_usage("health", "'%s' is not a health command; 'landfall help health' lists "
                                   "them", argv[1]);
    return metric("health", "health", argc, argv, 1, false, env);
}

/* `landfall expansion [--segment S] [--owner O] [--now DATE] [--json|--csv]` */
int cmd_expansion(int argc, char **argv, const struct cli_env *env)
{
    return metric("expansion", "expansion", argc, argv, 1, false, env);
}

void cmd_expansion_help(FILE *out)
{
    fputs("usage: landfall expansion [--segment S] [--plan P] [--owner O] [--now DATE]\n"
          "                          [--limit_event NAME] [--json|--csv]\n\n"
          "Customers ranked by their expansion signals as of --now: seats at least 90 % used (3\n"
          "points), a plan-limit event (3), weekly users growing 5 % a week or more (2), an NPS\n"
          "of 50 or more (2), breadth up 10 points in 30 days (1); each with its reasons.\n"
          "'landfall metric expansion --help' lists every column.\n",
          out);
}

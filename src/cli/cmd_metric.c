/* cmd_metric.c - the metric commands, made from the registry's declarations: `landfall report
 * NAME`, `usage NAME`, `cohorts`, `survival`, `clv --model M` and `metric NAME`. A metric's
 * parameters are its options (--NAME VALUE), checked by the library; its help is generated. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *type_word(const struct lf_param_info *p)
{
    switch (p->type) {
    case LF_PARAM_TIME:
        return "DATE";
    case LF_PARAM_INT:
        return "N";
    case LF_PARAM_REAL:
        return "X";
    case LF_PARAM_INTS:
        return "N,N,...";
    case LF_PARAM_DIMS:
        return "DIM[,DIM]";
    case LF_PARAM_FILTER:
        return "FIELD=VALUE";
    case LF_PARAM_CHOICE:
        return "CHOICE";
    case LF_PARAM_BOOL:
        return "";
    default:
        return "TEXT";
    }
}

static void list_names(FILE *out, const char *const *names)
{
    for (size_t i = 0; names && names[i]; i++)
        fprintf(out, "%s%s", i ? ", " : "", names[i]);
}

static bool needs_engine(const struct lf_metric_info *m)
{
    return strcmp(m->group, "report") != 0 && strcmp(m->group, "clv") != 0 &&
           strcmp(m->name, "survival-projected") != 0;
}

/* Whether cmd names its metric by an argument (report NAME…) rather than being it (cohorts,
 * survival --median, clv --model bgnbd). */
static bool names_metric(const char *cmd)
{
    return strcmp(cmd, "report") == 0 || strcmp(cmd, "usage") == 0 || strcmp(cmd, "metric") == 0;
}

/* The help of one metric: its definition, options, dimensions, filters and columns. */
static void metric_help(FILE *out, const char *cmd, const struct lf_metric_info *m)
{
    bool fixed = !names_metric(cmd);
    fprintf(out, "usage: landfall %s%s%s [OPTIONS] [--json | --csv]\n\n%s.\n%s\n\noptions:\n",
            cmd, fixed ? "" : " ", fixed ? "" : m->name, m->summary, m->help);
    for (size_t i = 0; i < m->params_nr; i++) {
        const struct lf_param_info *p = &m->params[i];
        char opt[64];
        snprintf(opt, sizeof(opt), "--%s%s%s", p->name, *type_word(p) ? " " : "", type_word(p));
        fprintf(out, "  %-24s %s", opt, p->help);
        if (p->type == LF_PARAM_CHOICE) {
            fputs(": ", out);
            list_names(out, p->choices);
        } else if (p->type == LF_PARAM_DIMS) {
            fputs(": ", out);
            list_names(out, m->dims);
        } else if (p->type == LF_PARAM_FILTER) {
            fputs("; fields: ", out);
            list_names(out, m->filters);
        }
        fprintf(out, " (default: %s)\n", p->dflt ? p->dflt : "none");
    }
    fputs("  --json                   {\"metric\", \"time_zone\", \"rows\": [...]}: ratios as "
          "fractions,\n                           money in minor units, undefined figures null\n"
          "  --csv                    CSV with a header row\n",
          out);
    if (needs_engine(m))
        fputs(cli_engine_help, out);
    fputs("\ncolumns (after one column per dimension of --by):\n", out);
    for (size_t i = 0; i < m->columns_nr; i++)
        fprintf(out, "  %-22s %s\n", m->columns[i].name, m->columns[i].help);
    fputs("\nDATE is ISO 8601 (2026-03-01, 2026-03-01T12:00:00Z) or unix seconds. Periods are cut "
          "in the\nworkspace's time zone ('landfall workspace'). docs/metrics.md defines every "
          "figure.\n",
          out);
}

/* The help of a group: its metrics and how to see one's options. */
static void group_help(FILE *out, const char *cmd, const char *group)
{
    fprintf(out, "usage: landfall %s NAME [OPTIONS] [--json | --csv]\n\nmetrics:\n", cmd);
    for (size_t i = 0; i < lf_metrics_count(); i++) {
        const struct lf_metric_info *m = lf_metric_at(i);
        if (!group[0] || strcmp(m->group, group) == 0)
            fprintf(out, "  %-14s %s\n", m->name, m->summary);
    }
    fprintf(out, "\n'landfall %s NAME --help' shows a metric's options (every metric takes --from,\n"
                 "--to and --now; most --by and --where), its dimensions and its columns.\n",
            cmd);
    if (!group[0])
        fputs("'landfall metric --json' prints every metric's declaration (GET /v1/metrics).\n",
              out);
}

void cmd_report_help(FILE *out)
{
    group_help(out, "report", "report");
}

void cmd_usage_help(FILE *out)
{
    group_help(out, "usage", "usage");
}

void cmd_metric_help(FILE *out)
{
    group_help(out, "metric", "");
}

void cmd_cohorts_help(FILE *out)
{
    metric_help(out, "cohorts", lf_metric_find("cohorts"));
}

void cmd_survival_help(FILE *out)
{
    metric_help(out, "survival", lf_metric_find("survival"));
    fputs("\nWith --median: the survival-median metric ('landfall metric survival-median "
          "--help').\nWith --project: the survival-projected metric, retention per cohort "
          "projected by the sBG\n('landfall survival --project --help').\n",
          out);
}

static const struct lf_param_info *param_of(const struct lf_metric_info *m, const char *name,
                                            size_t len)
{
    for (size_t i = 0; i < m->params_nr; i++)
        if (strlen(m->params[i].name) == len && strncmp(m->params[i].name, name, len) == 0)
            return &m->params[i];
    return NULL;
}

/* Runs metric m with the options of argv[first..argc). */
static int run(const char *cmd, const struct lf_metric_info *m, int argc, char **argv, int first,
               const struct cli_env *env)
{
    struct cli_engine engine = {0};
    struct lf_args *args = lf_args_new();
    int format = LF_FORMAT_TABLE, ret = EXIT_USAGE;
    struct lf *lf = NULL;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        int rc;
        if (cli_is_help(a)) {
            metric_help(stdout, cmd, m);
            ret = EXIT_OK;
            goto out;
        } else if (strcmp(a, "--json") == 0) {
            format = LF_FORMAT_JSON;
        } else if (strcmp(a, "--csv") == 0) {
            format = LF_FORMAT_CSV;
        } else if (needs_engine(m) && (rc = cli_engine_option(cmd, argc, argv, &i, &engine))) {
            if (rc < 0)
                goto out;
        } else if (strncmp(a, "--", 2) == 0) {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const struct lf_param_info *p = param_of(m, name, len);
            if (!p) {
                cli_usage(cmd, "%s takes no option '--%.*s'; 'landfall %s%s%s --help' lists them",
                          m->name, (int)len, name, cmd, names_metric(cmd) ? " " : "",
                          names_metric(cmd) ? m->name : "");
                goto out;
            }
            const char *value = eq ? eq + 1 : NULL;
            if (!value && p->type == LF_PARAM_BOOL)
                value = "true";
            if (!value && i + 1 >= argc) {
                cli_usage(cmd, "--%s needs a value", p->name);
                goto out;
            }
            lf_args_add(args, p->name, value ? value : argv[++i]);
        } else {
            cli_usage(cmd, "unexpected argument '%s'", a);
            goto out;
        }
    }
    if ((ret = cli_open(env, true, needs_engine(m) ? &engine : NULL, &lf)) != 0)
        goto out;
    if (lf_metric(lf, m->name, args, &t, &err) < 0) {
        /* a parameter's fault is the command line's */
        if (err.field[0] && (err.code == LF_EINVAL || err.code == LF_EUSAGE))
            ret = cli_usage(cmd, "--%s: %s", err.field, err.msg);
        else
            ret = cli_fail(&err);
        goto out;
    }
    ret = lf_table_write(t, format, stdout, &err) < 0 ? cli_fail(&err) : EXIT_OK;
out:
    lf_table_free(t);
    lf_close(lf);
    lf_args_free(args);
    return ret;
}

/* `landfall GROUP NAME …`: the metric named by the first argument, of the group. */
static int run_named(const char *group, int argc, char **argv, const struct cli_env *env)
{
    const char *cmd = argv[0];
    if (argc < 2 || cli_is_help(argv[1])) {
        if (argc >= 2) {
            group_help(stdout, cmd, group);
            return EXIT_OK;
        }
        return cli_usage(cmd, "which metric? 'landfall help %s' lists them", cmd);
    }
    const struct lf_metric_info *m = lf_metric_find(argv[1]);
    if (!m || (group[0] && strcmp(m->group, group) != 0))
        return cli_usage(cmd, "'%s' is not a %s metric; 'landfall help %s' lists them", argv[1],
                         group[0] ? group : "landfall", cmd);
    return run(cmd, m, argc, argv, 2, env);
}

int cmd_report(int argc, char **argv, const struct cli_env *env)
{
    return run_named("report", argc, argv, env);
}

int cmd_usage(int argc, char **argv, const struct cli_env *env)
{
    return run_named("usage", argc, argv, env);
}

/* `landfall metric --json`: every metric's declaration, as GET /v1/metrics answers it. */
int cmd_metric(int argc, char **argv, const struct cli_env *env)
{
    if (argc == 2 && strcmp(argv[1], "--json") == 0) {
        char *doc = lf_metrics_json();
        puts(doc);
        free(doc);
        return EXIT_OK;
    }
    return run_named("", argc, argv, env);
}

int cmd_cohorts(int argc, char **argv, const struct cli_env *env)
{
    return run("cohorts", lf_metric_find("cohorts"), argc, argv, 1, env);
}

/* `survival --median` is the survival-median metric, `survival --project` the
 * survival-projected one (their columns are others). */
int cmd_survival(int argc, char **argv, const struct cli_env *env)
{
    const char *name = "survival", *cmd = "survival";
    int n = 0;
    bool help = false;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--median") == 0) {
            name = "survival-median";
            cmd = "survival --median";
            continue;
        }
        if (i > 0 && strcmp(argv[i], "--project") == 0) {
            name = "survival-projected";
            cmd = "survival --project";
            continue;
        }
        help |= i > 0 && cli_is_help(argv[i]);
        argv[n++] = argv[i];
    }
    argv[n] = NULL;
    if (help && strcmp(name, "survival") == 0) {
        cmd_survival_help(stdout);
        return EXIT_OK;
    }
    return run(cmd, lf_metric_find(name), n, argv, 1, env);
}

/* `landfall clv --model M [--customers]`: the models and the metric each runs. */
static const struct {
    const char *model, *fit, *customers, *what;
} clv_models[] = {
    {"bgnbd", "clv-bgnbd", "clv-bgnbd-customers",
     "orders: BG/NBD purchases and Gamma-Gamma spend (Fader, Hardie & Lee 2005)"},
    {"sbg", "clv-sbg", "clv-sbg-customers",
     "subscriptions: shifted-beta-geometric retention and DERL (Fader & Hardie 2007, 2010)"},
    {"contractual", "clv", NULL, "subscriptions: ARPA × margin / monthly churn rate"},
};
#define CLV_MODELS (sizeof(clv_models) / sizeof(clv_models[0]))

void cmd_clv_help(FILE *out)
{
    fputs("usage: landfall clv --model MODEL [--customers] [OPTIONS] [--json | --csv]\n\n"
          "Customer lifetime value by one of the models:\n",
          out);
    for (size_t i = 0; i < CLV_MODELS; i++)
        fprintf(out, "  %-12s %s\n", clv_models[i].model, clv_models[i].what);
    fputs("\nWithout --customers, the fitted model of each group (its parameters, "
          "log-likelihood and\nwhat it implies); with it, one row per customer (bgnbd) or "
          "paying account (sbg).\n'landfall clv --model MODEL [--customers] --help' lists "
          "a model's options and columns;\ndocs/metrics.md defines every figure.\n",
          out);
}

int cmd_clv(int argc, char **argv, const struct cli_env *env)
{
    const char *model = NULL;
    bool customers = false, help = false;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = argv[++i];
            continue;
        }
        if (i > 0 && strncmp(argv[i], "--model=", 8) == 0) {
            model = argv[i] + 8;
            continue;
        }
        if (i > 0 && strcmp(argv[i], "--customers") == 0) {
            customers = true;
            continue;
        }
        help |= i > 0 && cli_is_help(argv[i]);
        argv[n++] = argv[i];
    }
    argv[n] = NULL;
    if (!model) {
        if (help) {
            cmd_clv_help(stdout);
            return EXIT_OK;
        }
        return cli_usage("clv", "which model? --model bgnbd, sbg or contractual");
    }
    for (size_t i = 0; i < CLV_MODELS; i++) {
        if (strcmp(clv_models[i].model, model) != 0)
            continue;
        if (customers && !clv_models[i].customers)
            return cli_usage("clv", "the %s model has no --customers table", model);
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "clv --model %s%s", model, customers ? " --customers" : "");
        const char *name = customers ? clv_models[i].customers : clv_models[i].fit;
        return run(cmd, lf_metric_find(name), n, argv, 1, env);
    }
    return cli_usage("clv", "'%s' is not a model: bgnbd, sbg or contractual", model);
}

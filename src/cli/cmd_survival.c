/* cmd_survival.c - `landfall survival`: Kaplan–Meier curves of account lifetimes, or medians. */
#include <stdio.h>

#include "cli.h"

const char cmd_survival_help[] =
    "usage: landfall survival [--by segment|plan] [--median] [--now DATE] [--json | --csv]\n"
    "\n"
    "Kaplan–Meier survival of accounts: the time from becoming a customer (customer since, else\n"
    "the first paid MRR change) to churn (the first change of MRR to 0), right-censored at now,\n"
    "in days. One row per time with a churn: time, at_risk, events (churns), censored (since\n"
    "the previous row), survival, std_err (Greenwood), lower and upper (95 %, log scale, as R's\n"
    "survfit).\n"
    "\n"
    "options:\n"
    "  --by GROUP     one curve per segment or plan\n"
    "  --median       instead of the curves: per group the accounts, churned, the median\n"
    "                 lifetime in days (the first time survival is at or below 50 %) and its\n"
    "                 95 % interval (empty when the curve never gets there)\n"
    "  --now DATE     the instant taken as now\n"
    "  --snapshot PATH, --no-snapshot, --threads N, --json, --csv, --db PATH: as for 'usage'\n";

static int run(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
               struct lf_err *err)
{
    return lf_survival(lf, &u->o, out, err);
}

int cmd_survival(int argc, char **argv, const char *db)
{
    struct usage_cli u;
    int rc = usage_parse("survival", argc, argv, db, cmd_survival_help, &u);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (u.args_nr > 0)
        return cli_usage("survival", "'%s' is extra: survival takes only options", u.args[0]);
    return usage_run("survival", &u, run);
}

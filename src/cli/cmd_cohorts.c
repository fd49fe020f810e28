/* cmd_cohorts.c - `landfall cohorts`: the retention matrix of user or account cohorts. */
#include <stdio.h>

#include "cli.h"

const char cmd_cohorts_help[] =
    "usage: landfall cohorts [--by week|month] [--basis activity|revenue] [--level user|account]\n"
    "                        [--start first-activity|customer-since] [--from DATE] [--to DATE]\n"
    "                        [--now DATE] [--account ID] [--json | --csv]\n"
    "\n"
    "Retention cohorts: members grouped by the week or month they started, and for each k the\n"
    "share still active (or paying) in the k-th period after. One row per cohort and period:\n"
    "cohort, period (k), size, retained, rate.\n"
    "\n"
    "options:\n"
    "  --by week|month   the cohort and period length (default month; weeks start on Monday)\n"
    "  --basis B         activity: a member is retained in a period when it has an event in it\n"
    "                    (default); revenue: when the account pays (MRR > 0) after the period's\n"
    "                    last MRR change (accounts only)\n"
    "  --level L         user (default for activity) or account\n"
    "  --start S         first-activity: the period of the member's first event (default for\n"
    "                    activity); customer-since: the period its account became a customer\n"
    "                    (else of its first paid MRR change; the only start for revenue)\n"
    "  --from, --to      list only the cohorts starting in [from, to) (default: all)\n"
    "  --now DATE        the instant taken as now: periods run up to the one holding it\n"
    "  --account ID      only the members of this account\n"
    "  --snapshot PATH, --no-snapshot, --threads N, --json, --csv, --db PATH: as for 'usage'\n";

static int run(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
               struct lf_err *err)
{
    return lf_cohorts(lf, &u->o, out, err);
}

int cmd_cohorts(int argc, char **argv, const char *db)
{
    struct usage_cli u;
    int rc = usage_parse("cohorts", argc, argv, db, cmd_cohorts_help, &u);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (u.args_nr > 0)
        return cli_usage("cohorts", "'%s' is extra: cohorts take only options", u.args[0]);
    return usage_run("cohorts", &u, run);
}

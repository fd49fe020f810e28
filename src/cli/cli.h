/* cli.h - what the subcommands share: the command table's row, the global options, opening a
 * handle, the engine's options, exit codes. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "landfall.h"

/* Exit codes (landfall help). */
enum {
    EXIT_OK = 0,
    EXIT_PARTIAL = 1,   /* import: some rows were rejected */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_NOTHING = 3,   /* import: nothing was imported */
    EXIT_FAILURE_ = 4,  /* not found (the API's 404), or the store, a file or the system failed */
};

/* The global options, taken from anywhere on the command line by main.c. */
struct cli_env {
    const char *db;        /* --db, $LANDFALL_DB, else landfall.db */
    const char *workspace; /* --workspace, $LANDFALL_WORKSPACE, else "default" */
};

struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv, const struct cli_env *env);
    const char *summary;           /* one line for `landfall help` */
    void (*help)(FILE *out);       /* the text of `landfall help NAME` and NAME --help */
};

extern const struct cli_cmd cli_commands[];

/* Prints "landfall: MESSAGE" on stderr and returns the exit code for err's code. */
int cli_fail(const struct lf_err *err);
/* Prints "landfall: MESSAGE" and a pointer to the help, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True for -h and --help. */
bool cli_is_help(const char *arg);

/* The engine's options of the commands that read it: --snapshot PATH, --no-snapshot,
 * --threads N. */
struct cli_engine {
    const char *snapshot;
    bool no_snapshot;
    int threads;
    char snapshot_buf[4096];
};
/* Consumes argv[*i] (and its value) when it is one of the engine's options: 1; 0 when it is
 * not one; -1 after printing a usage error. */
int cli_engine_option(const char *cmd, int argc, char **argv, int *i, struct cli_engine *e);
extern const char cli_engine_help[];

/* Opens the workspace of env's store: must_exist refuses a store that is not there (every
 * command that only reads); engine may be NULL. On failure prints and returns the exit code. */
int cli_open(const struct cli_env *env, bool must_exist, struct cli_engine *engine,
             struct lf **out);
/* A subcommand of a command that has several (`keys create`, `users list`…). */
struct cli_sub {
    const char *name;
    int (*run)(int argc, char **argv, const struct cli_env *env); /* argv[0] is its name */
};
/* Runs the subcommand of subs (ended by a NULL name) that argv[1] names; a missing or unknown
 * one is a usage error that lists them. */
int cli_sub_run(const char *cmd, const struct cli_sub *subs, int argc, char **argv,
                const struct cli_env *env);
/* LF_FORMAT_JSON for --json, LF_FORMAT_CSV for --csv, else -1. */
int cli_format_arg(const char *arg);
/* The end of a command that printed table t of lf's: writes t as format when rc is 0, frees t,
 * closes lf; the exit code. */
int cli_table_out(int rc, struct lf_table *t, int format, struct lf *lf, struct lf_err *err);
/* `CMD list [--json|--csv]` (argv[0] "list"): prints the table list() makes of the workspace. */
int cli_list(const char *cmd, int (*list)(struct lf *lf, struct lf_table **out, struct lf_err *err),
             int argc, char **argv, const struct cli_env *env);

/* `CMD VERB NAME` (argv[0] VERB): runs fn(lf, NAME) on the workspace; 0, else the exit code
 * after printing. `what` says what NAME is in the usage error ("one user name"). */
int cli_on_name(const char *cmd, const char *what,
                int (*fn)(struct lf *lf, const char *name, struct lf_err *err), int argc,
                char **argv, const struct cli_env *env);

/* Parses a time option; on failure prints a usage error and returns -1. */
int cli_time(const char *cmd, const char *opt, const char *arg, int64_t *out);
/* The same in lf's workspace (a date is local midnight of its zone, as metrics' parameters
 * are); arg NULL leaves *out. */
int cli_time_local(struct lf *lf, const char *cmd, const char *opt, const char *arg, int64_t *out);

/* Runs metric `metric` (of the registry) with the options of argv[first..argc), as `landfall
 * cmd` (cmd_metric.c): its options, help, formats and errors are the registry's. */
int cli_metric_run(const char *cmd, const char *metric, int argc, char **argv, int first,
                   const struct cli_env *env);

/* The subcommands, one file each; cmd_metric.c serves report, usage, cohorts, survival and
 * metric from the registry's declarations, and clv from its models'. */
int cmd_help(int argc, char **argv, const struct cli_env *env);
int cmd_import(int argc, char **argv, const struct cli_env *env);
int cmd_demo(int argc, char **argv, const struct cli_env *env);
int cmd_serve(int argc, char **argv, const struct cli_env *env);
int cmd_keys(int argc, char **argv, const struct cli_env *env);
int cmd_engine(int argc, char **argv, const struct cli_env *env);
int cmd_workspace(int argc, char **argv, const struct cli_env *env);
int cmd_migrate(int argc, char **argv, const struct cli_env *env);
int cmd_report(int argc, char **argv, const struct cli_env *env);
int cmd_usage(int argc, char **argv, const struct cli_env *env);
int cmd_cohorts(int argc, char **argv, const struct cli_env *env);
int cmd_survival(int argc, char **argv, const struct cli_env *env);
int cmd_clv(int argc, char **argv, const struct cli_env *env);
int cmd_metric(int argc, char **argv, const struct cli_env *env);
int cmd_openapi(int argc, char **argv, const struct cli_env *env);
int cmd_churn(int argc, char **argv, const struct cli_env *env);
int cmd_text(int argc, char **argv, const struct cli_env *env);
int cmd_health(int argc, char **argv, const struct cli_env *env);
int cmd_expansion(int argc, char **argv, const struct cli_env *env);
int cmd_users(int argc, char **argv, const struct cli_env *env);
int cmd_surveys(int argc, char **argv, const struct cli_env *env);

void cmd_help_help(FILE *out);
void cmd_import_help(FILE *out);
void cmd_demo_help(FILE *out);
void cmd_serve_help(FILE *out);
void cmd_keys_help(FILE *out);
void cmd_engine_help(FILE *out);
void cmd_workspace_help(FILE *out);
void cmd_migrate_help(FILE *out);
void cmd_report_help(FILE *out);
void cmd_usage_help(FILE *out);
void cmd_cohorts_help(FILE *out);
void cmd_survival_help(FILE *out);
void cmd_clv_help(FILE *out);
void cmd_metric_help(FILE *out);
void cmd_openapi_help(FILE *out);
void cmd_churn_help(FILE *out);
void cmd_text_help(FILE *out);
void cmd_health_help(FILE *out);
void cmd_expansion_help(FILE *out);
void cmd_users_help(FILE *out);
void cmd_surveys_help(FILE *out);

#endif

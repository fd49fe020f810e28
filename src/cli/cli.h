/* cli.h - what the subcommands share: the command signature, opening the store, exit codes. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "landfall.h"

/* Exit codes (docs/cli.md). */
enum {
    EXIT_OK = 0,
    EXIT_PARTIAL = 1,   /* import: some rows were rejected */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_NOTHING = 3,   /* import: nothing was imported */
    EXIT_FAILURE_ = 4,  /* the store, a file or the system failed */
};

struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv, const char *db);
    const char *summary; /* one line for `landfall help` */
    const char *help;    /* the text of `landfall help NAME` */
};

extern const struct cli_cmd cli_commands[];

/* Prints "landfall: MESSAGE" on stderr and returns the exit code for err's code. */
int cli_fail(const struct lf_err *err);
/* Prints "landfall: MESSAGE" and a pointer to the help, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the store at db; on failure prints and returns the exit code, else 0. */
int cli_open(const char *db, struct lf **out);
/* The engine's default snapshot, next to the store: "sqlite:PATH" or PATH → "PATH.engine",
 * written into buf. Returns buf. */
const char *cli_snapshot_path(const char *db, char *buf, size_t size);
/* Parses a time option; on failure prints a usage error and returns -1. */
int cli_time(const char *cmd, const char *opt, const char *arg, int64_t *out);

/* The subcommands, one file each. */
int cmd_help(int argc, char **argv, const char *db);
int cmd_import(int argc, char **argv, const char *db);
int cmd_demo(int argc, char **argv, const char *db);
int cmd_report(int argc, char **argv, const char *db);

extern const char cmd_help_help[], cmd_import_help[], cmd_demo_help[], cmd_report_help[];

int cmd_serve(int argc, char **argv, const char *db);
int cmd_keys(int argc, char **argv, const char *db);
extern const char cmd_serve_help[], cmd_keys_help[];

/* The engine's commands (cmd_usage.c, cmd_cohorts.c, cmd_survival.c, cmd_engine.c). */
int cmd_usage(int argc, char **argv, const char *db);
int cmd_cohorts(int argc, char **argv, const char *db);
int cmd_survival(int argc, char **argv, const char *db);
int cmd_engine(int argc, char **argv, const char *db);
extern const char cmd_usage_help[], cmd_cohorts_help[], cmd_survival_help[], cmd_engine_help[];

/* Their shared options, parsed by usage_parse (cmd_usage.c). */
struct usage_cli {
    struct lf_usage_opts o;
    int format;             /* enum lf_format */
    const char *db;
    char **args;            /* the words after the options */
    int args_nr;
    int days[32];
    char snapshot_buf[4096];
};
/* Parses the options; returns 0, -1 after printing --help, or an exit code after a usage error.
 * The default snapshot is the store's path + ".engine". */
int usage_parse(const char *cmd, int argc, char **argv, const char *db, const char *help,
                struct usage_cli *u);
/* Opens the store, runs fn with u and prints the table it makes (or its error); returns the
 * exit code. */
typedef int (*usage_fn)(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
                        struct lf_err *err);
int usage_run(const char *cmd, const struct usage_cli *u, usage_fn fn);

#endif

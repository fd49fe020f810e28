/* summary.c - liblandfall used as a library: opens a store, computes one metric of the registry
 * and prints its table. `make -f examples/Makefile` builds it against an installed landfall;
 * `./summary demo.db` prints NPS by quarter, `./summary demo.db churn by=segment` any metric
 * with its parameters as NAME=VALUE (`landfall report NAME --help` lists them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <landfall.h>

int main(int argc, char **argv)
{
    struct lf_args *args = lf_args_new();
    struct lf *lf = NULL;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    int ret = EXIT_FAILURE;

    if (argc < 2 || argv[1][0] == '-') {
        fputs("usage: summary STORE [METRIC [NAME=VALUE...]]\n"
              "prints METRIC (default: nps by=quarter) of the store's default workspace\n",
              stderr);
        goto out;
    }
    const char *metric = argc > 2 ? argv[2] : "nps";
    if (argc == 2)
        lf_args_add(args, "by", "quarter");
    for (int i = 3; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        char name[64];
        if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof(name)) {
            fprintf(stderr, "summary: '%s' is not NAME=VALUE\n", argv[i]);
            goto out;
        }
        snprintf(name, sizeof(name), "%.*s", (int)(eq - argv[i]), argv[i]);
        lf_args_add(args, name, eq + 1); /* copies both */
    }

    /* must_exist: a mistyped path is an error, where lf_open would create an empty store */
    struct lf_open_opts opts = {.url = argv[1], .must_exist = true};
    if (lf_open_with(&opts, &lf, &err) < 0 || lf_metric(lf, metric, args, &t, &err) < 0 ||
        lf_table_write(t, LF_FORMAT_TABLE, stdout, &err) < 0) {
        fprintf(stderr, "summary: %s%s%s\n", err.field[0] ? err.field : "",
                err.field[0] ? ": " : "", err.msg);
        goto out;
    }
    ret = EXIT_SUCCESS;
out:
    lf_table_free(t);
    lf_close(lf);
    lf_args_free(args);
    return ret;
}

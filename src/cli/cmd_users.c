/* cmd_users.c - `landfall users create|list|set|delete`: the people who sign in to the
 * dashboard, their roles and passwords. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall users create NAME --role admin|lead|csm|viewer [--email EMAIL]\n"
    "                             [--display-name NAME] [--password-stdin]\n"
    "       landfall users list [--json|--csv]\n"
    "       landfall users set NAME [--role ROLE] [--email EMAIL] [--display-name NAME]\n"
    "                          [--password-stdin | --new-password]\n"
    "       landfall users delete NAME\n"
    "\n"
    "The dashboard's users (docs/dashboard.md). NAME is what accounts' owner field holds: a\n"
    "CSM's book is the accounts they own. Roles: admin (everything: users, keys, settings),\n"
    "lead (reads everything, sees every account by default), csm (reads everything, sees\n"
    "their own book by default), viewer (reads, changes nothing). The first admin is made\n"
    "with 'landfall users create NAME --role admin'.\n"
    "\n"
    "create prints a new random password once unless --password-stdin reads one (its first\n"
    "line, at least 8 characters); only an Argon2id hash of it is stored. set changes the\n"
    "fields given; --new-password makes and prints a new random password. A new password or\n"
    "role signs the user out everywhere. A workspace keeps at least one admin.\n";

void cmd_users_help(FILE *out)
{
    fputs(help_text, out);
}

/* The first line of stdin, without its newline, into out. */
static int read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return cli_usage("users", "--password-stdin: nothing on stdin");
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

/* create and set: the options, then the call. */
static int write_user(int argc, char **argv, const struct cli_env *env, bool create)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"email", required_argument, NULL, 'e'},
                                         {"display-name", required_argument, NULL, 'd'},
                                         {"password-stdin", no_argument, NULL, 'p'},
                                         {"new-password", no_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    struct lf_user_fields f = {.role = -1};
    bool from_stdin = false, fresh = create;
    char password[1100], made[LF_PASSWORD_NEW_SIZE];
    int c, rc;
    const char *what = create ? "create" : "set";
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r' && (f.role = lf_role_parse(optarg)) < 0)
            return cli_usage("users", "--role is admin, lead, csm or viewer, not '%s'", optarg);
        else if (c == 'e')
            f.email = optarg;
        else if (c == 'd')
            f.display_name = optarg;
        else if (c == 'p')
            from_stdin = true;
        else if (c == 'n' && !create)
            fresh = true;
        else if (c != 'r')
            return cli_usage("users", "unknown option of 'users %s'", what);
    }
    if (optind != argc - 1)
        return cli_usage("users", "'users %s' takes one user name", what);
    if (create && f.role < 0)
        return cli_usage("users", "'users create' needs --role admin|lead|csm|viewer");
    if (from_stdin) {
        if (read_password(password, sizeof(password)) != 0)
            return EXIT_USAGE;
        f.password = password;
        fresh = false;
    } else if (fresh) {
        lf_password_new(made);
        f.password = made;
    }
    struct lf *lf;
    struct lf_user u;
    struct lf_err err = {0};
    if ((rc = cli_open(env, !create, NULL, &lf)) != 0)
        return rc;
    rc = create ? lf_user_create(lf, argv[optind], &f, &u, &err)
                : lf_user_update(lf, argv[optind], &f, &u, &err);
    lf_close(lf);
    if (rc < 0)
        return err.code == LF_EINVAL ? cli_usage("users", "%s", err.msg) : cli_fail(&err);
    if (fresh) {
        printf("%s\n", made);
        fprintf(stderr, "landfall: %s (%s): the password above is not shown again\n", u.name,
                lf_role_name(u.role));
    } else {
        fprintf(stderr, "landfall: %s (%s)\n", u.name, lf_role_name(u.role));
    }
    return EXIT_OK;
}

static int list(int argc, char **argv, const struct cli_env *env)
{
    int format = LF_FORMAT_TABLE, rc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            format = LF_FORMAT_JSON;
        else if (strcmp(argv[i], "--csv") == 0)
            format = LF_FORMAT_CSV;
        else
            return cli_usage("users", "unexpected argument '%s'", argv[i]);
    }
    struct lf *lf;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = lf_users_list(lf, &t, &err) < 0 || lf_table_write(t, format, stdout, &err) < 0;
    lf_table_free(t);
    lf_close(lf);
    return rc ? cli_fail(&err) : EXIT_OK;
}

static int delete(int argc, char **argv, const struct cli_env *env)
{
    int rc;
    if (argc != 2)
        return cli_usage("users", "'users delete' takes one user name");
    struct lf *lf;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = lf_user_delete(lf, argv[1], &err);
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    printf("deleted %s\n", argv[1]);
    return EXIT_OK;
}

int cmd_users(int argc, char **argv, const struct cli_env *env)
{
    if (argc < 2)
        return cli_usage("users", "'users' needs create, list, set or delete");
    if (strcmp(argv[1], "create") == 0)
        return write_user(argc - 1, argv + 1, env, true);
    if (strcmp(argv[1], "set") == 0)
        return write_user(argc - 1, argv + 1, env, false);
    if (strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1, env);
    if (strcmp(argv[1], "delete") == 0)
        return delete(argc - 1, argv + 1, env);
    return cli_usage("users", "'%s' is not a users command (create, list, set, delete)",
                     argv[1]);
}

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

static int create(int argc, char **argv, const struct cli_env *env)
{
    return write_user(argc, argv, env, true);
}

static int update(int argc, char **argv, const struct cli_env *env)
{
    return write_user(argc, argv, env, false);
}

static int list(int argc, char **argv, const struct cli_env *env)
{
    return cli_list("users", lf_users_list, argc, argv, env);
}

static int delete(int argc, char **argv, const struct cli_env *env)
{
    int rc = cli_on_name("users", "one user name", lf_user_delete, argc, argv, env);
    if (rc == 0)
        printf("deleted %s\n", argv[1]);
    return rc;
}

int cmd_users(int argc, char **argv, const struct cli_env *env)
{
    static const struct cli_sub subs[] = {
        {"create", create}, {"list", list}, {"set", update}, {"delete", delete}, {NULL, NULL}};
    return cli_sub_run("users", subs, argc, argv, env);
}

/* cmd_surveys.c - `landfall surveys …`: surveys landfall sends itself, their links and results. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli.h"

static const char help_text[] =
    "usage: landfall surveys create ID --kind nps|csat|ces|custom [--name N] [--question Q]\n"
    "                [--comment-question Q] [--choice-question Q --choices 'A|B|C']\n"
    "                [--scale MIN..MAX] [--lower-is-better] [--channel link|email|in-app]\n"
    "                [--trigger manual|periodic|touchpoint|milestone] [--every-days N]\n"
    "                [--touchpoint-kind K] [--milestone-event E] [--audience-segment S]\n"
    "                [--audience-plan P] [--audience-role R] [--audience-stage S] [--paused]\n"
    "       landfall surveys list [--json|--csv]\n"
    "       landfall surveys send SURVEY --contact ID [--contact ID…] [--channel C]\n"
    "                [--touchpoint ID] [--now TIME]\n"
    "       landfall surveys results [SURVEY] [--json|--csv]\n"
    "       landfall surveys skips [--contact ID] [--json|--csv]\n"
    "       landfall surveys retry [--now TIME]\n"
    "       landfall surveys loop [--now TIME]\n"
    "       landfall surveys trigger [--now TIME]\n"
    "       landfall surveys followups [--json|--csv]\n"
    "       landfall surveys recovery [--json|--csv]\n"
    "       landfall surveys rules [--json|--csv]\n"
    "       landfall surveys rule NAME [--condition COND] [--sla-days N|default]\n"
    "                [--enable|--disable]\n"
    "       landfall surveys settings [--contact-days N] [--account-max N] [--account-days N]\n"
    "                [--quiet-days N] [--link-days N] [--sla-days N] [--smtp URL]\n"
    "                [--from ADDRESS] [--base-url URL]\n"
    "\n"
    "create writes a survey (the REST API's /v1/surveys): its scale defaults to the kind's\n"
    "(nps 0..10, csat 1..5, ces 1..7).\n"
    "send offers a survey to contacts within the fatigue budget and prints, per contact, the\n"
    "signed link (`landfall serve` answers it at /s/TOKEN without a key), or why the contact\n"
    "was not asked. The email channel mails the link through the SMTP relay of `settings`;\n"
    "a mail the relay refuses is marked failed and retried by `retry` with backoff.\n"
    "results: invitations delivered and answered, and the response rate, by survey, channel\n"
    "and segment. skips: who was not asked and why. loop: runs the closed loop's rules on every\n"
    "new response: the first that holds opens a follow-up task for the account's owner, due in\n"
    "the rule's (or the settings') business days in the workspace's time zone (holidays are\n"
    "not known); followups lists them with their tasks' status, note, account and owner.\n"
    "rules lists the rules, rows of the playbooks' table: nps_detractor (survey.kind = nps and\n"
    "score <= 6), csat_low (survey.kind = csat and score <= 2) and negative_comment\n"
    "(sentiment <= -0.5: the comment's VADER compound; comments in another language are not\n"
    "scored and match no sentiment term); rule changes one: COND is `field op value` terms\n"
    "joined by `and`, fields survey.kind, score, sentiment, ops = != < <= > >=.\n"
    "recovery: by rule, follow-ups opened and closed, the follow-up rate, the mean days to\n"
    "close, and the NPS (net CSAT) of those who answered the same survey again.\n"
    "trigger offers the surveys with --trigger touchpoint to the contact of every touchpoint\n"
    "of their --touchpoint-kind resolved since the last run, the --trigger milestone ones to\n"
    "every contact whose first --milestone-event arrived since the last run (an account's\n"
    "event without a user: its contacts), once per contact, and the --trigger periodic ones\n"
    "to every contact of their audience not asked in their --every-days. `landfall serve` runs\n"
    "loop and trigger itself whenever responses, touchpoints or events change, and every hour.\n"
    "settings prints the workspace's settings after applying the options given.\n"
    "TIME is ISO 8601 or unix seconds: the clock the budget is checked against (tests).\n";

void cmd_surveys_help(FILE *out)
{
    fputs(help_text, out);
}

/* ---- create ---- */

static void json_field(struct buf *b, const char *name, const char *v)
{
    buf_addf(b, "%s\"%s\": ", b->len > 1 ? ", " : "", name);
    buf_add_json_str(b, v, strlen(v));
}

static int create(int argc, char **argv, const struct cli_env *env)
{
    /* the options that are a survey's text fields, by JSON name */
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 0},          {"name", required_argument, NULL, 0},
        {"question", required_argument, NULL, 0},      {"comment-question", required_argument, NULL, 0},
        {"choice-question", required_argument, NULL, 0}, {"choices", required_argument, NULL, 0},
        {"channel", required_argument, NULL, 0},       {"trigger", required_argument, NULL, 0},
        {"touchpoint-kind", required_argument, NULL, 0}, {"milestone-event", required_argument, NULL, 0},
        {"audience-segment", required_argument, NULL, 0}, {"audience-plan", required_argument, NULL, 0},
        {"audience-role", required_argument, NULL, 0}, {"audience-stage", required_argument, NULL, 0},
        {"every-days", required_argument, NULL, 1},    {"scale", required_argument, NULL, 2},
        {"lower-is-better", no_argument, NULL, 3},     {"paused", no_argument, NULL, 4},
        {NULL, 0, NULL, 0}};
    struct buf body = BUF_INIT;
    const char *kind = NULL, *scale = NULL, *every = NULL;
    bool lower = false, paused = false;
    int c, idx, rc;
    optind = 1;
    buf_addc(&body, '{');
    while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
        if (c == 0) {
            char name[64];
            snprintf(name, sizeof(name), "%s", opts[idx].name);
            for (char *p = name; *p; p++)
                if (*p == '-')
                    *p = '_';
            if (!strcmp(name, "kind"))
                kind = optarg;
            json_field(&body, name, optarg);
        } else if (c == 1) {
            every = optarg;
        } else if (c == 2) {
            scale = optarg;
        } else if (c == 3) {
            lower = true;
        } else if (c == 4) {
            paused = true;
        } else {
            buf_release(&body);
            return cli_usage("surveys", "unknown option");
        }
    }
    if (optind != argc - 1 || !kind) {
        buf_release(&body);
        return cli_usage("surveys", "'surveys create' needs an ID and --kind");
    }
    long long lo = !strcmp(kind, "nps") ? 0 : 1, hi = !strcmp(kind, "nps")    ? 10
                                                     : !strcmp(kind, "ces") ? 7
                                                                            : 5;
    if (scale) {
        char *end, *end2;
        lo = strtoll(scale, &end, 10);
        if (end == scale || end[0] != '.' || end[1] != '.' ||
            (hi = strtoll(end + 2, &end2, 10), end2 == end + 2 || *end2)) {
            buf_release(&body);
            return cli_usage("surveys", "--scale is MIN..MAX, not '%s'", scale);
        }
    }
    buf_addf(&body, ", \"scale_min\": %lld, \"scale_max\": %lld, \"higher_is_better\": %s", lo,
             hi, lower ? "false" : "true");
    if (every) {
        char *end;
        long long n = strtoll(every, &end, 10);
        if (end == every || *end) {
            buf_release(&body);
            return cli_usage("surveys", "--every-days is a number, not '%s'", every);
        }
        buf_addf(&body, ", \"every_days\": %lld", n);
    }
    if (paused)
        buf_adds(&body, ", \"status\": \"paused\"");
    json_field(&body, "id", argv[optind]);
    buf_addc(&body, '}');
    struct lf *lf;
    struct lf_err err = {0};
    char *json = NULL;
    bool created;
    if ((rc = cli_open(env, false, NULL, &lf)) != 0) {
        buf_release(&body);
        return rc;
    }
    rc = lf_resource_write(lf, "surveys", NULL, buf_str(&body), body.len, LF_WRITE_CREATE, &json,
                           &created, &err);
    buf_release(&body);
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    printf("%s\n", json);
    free(json);
    return EXIT_OK;
}

static int list(int argc, char **argv, const struct cli_env *env)
{
    return cli_list("surveys", lf_survey_list, argc, argv, env);
}

/* ---- send ---- */

static int send_to(int argc, char **argv, const struct cli_env *env)
{
    static const struct option opts[] = {{"contact", required_argument, NULL, 'c'},
                                         {"channel", required_argument, NULL, 'h'},
                                         {"touchpoint", required_argument, NULL, 't'},
                                         {"now", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    struct lf_survey_send_opts o = {0};
    const char **contacts = calloc((size_t)argc, sizeof(*contacts));
    const char *now = NULL;
    size_t nr = 0;
    int c, rc = EXIT_OK;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'c') {
            contacts[nr++] = optarg;
        } else if (c == 'h') {
            o.channel = optarg;
        } else if (c == 't') {
            o.touchpoint = optarg;
        } else if (c == 'n') {
            now = optarg;
        } else {
            free(contacts);
            return cli_usage("surveys", "unknown option");
        }
    }
    if (optind != argc - 1 || !nr) {
        free(contacts);
        return cli_usage("surveys", "'surveys send' needs a SURVEY and --contact");
    }
    o.survey = argv[optind];
    struct lf *lf;
    if ((rc = cli_open(env, true, NULL, &lf)) != 0) {
        free(contacts);
        return rc;
    }
    if (cli_time_local(lf, "surveys", "--now", now, &o.now) < 0)
        rc = EXIT_USAGE;
    for (size_t i = 0; i < nr && rc == EXIT_OK; i++) {
        struct lf_survey_send_result res;
        struct lf_err err = {0};
        o.contact = contacts[i];
        if (lf_survey_send(lf, &o, &res, &err) < 0)
            rc = cli_fail(&err);
        else if (!res.sent)
            printf("%s\tskipped\t%s\t%s\n", o.contact, res.skip, res.detail);
        else
            printf("%s\t%s\t%s%s%s\n", o.contact, res.status, res.url, res.detail[0] ? "\t" : "",
                   res.detail);
    }
    lf_close(lf);
    free(contacts);
    return rc;
}

/* ---- results, skips, followups ---- */

/* A table of the workspace's that takes one more argument than cli_list's formats: `opt` VALUE,
 * or with opt NULL a bare VALUE (both optional). */
static int table_with(int argc, char **argv, const struct cli_env *env, const char *opt,
                      int (*fn)(struct lf *lf, const char *arg, struct lf_table **out,
                                struct lf_err *err))
{
    int format = LF_FORMAT_TABLE, rc;
    const char *arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_format_arg(argv[i]) >= 0)
            format = cli_format_arg(argv[i]);
        else if (opt && !strcmp(argv[i], opt) && i + 1 < argc)
            arg = argv[++i];
        else if (!opt && argv[i][0] != '-' && !arg)
            arg = argv[i];
        else
            return cli_usage("surveys", "unexpected argument '%s'", argv[i]);
    }
    struct lf *lf;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = fn(lf, arg, &t, &err);
    return cli_table_out(rc, t, format, lf, &err);
}

static int results(int argc, char **argv, const struct cli_env *env)
{
    return table_with(argc, argv, env, NULL, lf_survey_results);
}

static int skips(int argc, char **argv, const struct cli_env *env)
{
    return table_with(argc, argv, env, "--contact", lf_survey_skips);
}

static int followups(int argc, char **argv, const struct cli_env *env)
{
    return cli_list("surveys", lf_survey_followups, argc, argv, env);
}

static int recovery(int argc, char **argv, const struct cli_env *env)
{
    return cli_list("surveys", lf_survey_recovery, argc, argv, env);
}

static int rules(int argc, char **argv, const struct cli_env *env)
{
    return cli_list("surveys", lf_survey_rules, argc, argv, env);
}

static int rule(int argc, char **argv, const struct cli_env *env)
{
    const char *name = NULL, *condition = NULL;
    int64_t sla = -1;
    int enabled = -1, rc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--condition") && i + 1 < argc) {
            condition = argv[++i];
        } else if (!strcmp(argv[i], "--sla-days") && i + 1 < argc) {
            char *end;
            const char *v = argv[++i];
            sla = !strcmp(v, "default") ? -2 : strtoll(v, &end, 10);
            if (strcmp(v, "default") != 0 && (end == v || *end || sla < 0))
                return cli_usage("surveys", "'%s' is not a number of days", v);
        } else if (!strcmp(argv[i], "--enable") || !strcmp(argv[i], "--disable")) {
            enabled = !strcmp(argv[i], "--enable");
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            return cli_usage("surveys", "unexpected argument '%s'", argv[i]);
        }
    }
    if (!name)
        return cli_usage("surveys", "a rule's name is needed");
    struct lf *lf;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = lf_survey_rule_set(lf, name, condition, sla, enabled, &err);
    lf_close(lf);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

enum { RETRY, LOOP, TRIGGER };

/* `retry`, `loop` and `trigger`: a --now option and one call. */
static int timed(int argc, char **argv, const struct cli_env *env, int what)
{
    int64_t now = 0;
    const char *now_arg = NULL;
    int rc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--now") && i + 1 < argc) {
            now_arg = argv[++i];
        } else {
            return cli_usage("surveys", "unexpected argument '%s'", argv[i]);
        }
    }
    struct lf *lf;
    struct lf_err err = {0};
    size_t a = 0, b = 0;
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    if (cli_time_local(lf, "surveys", "--now", now_arg, &now) < 0) {
        lf_close(lf);
        return EXIT_USAGE;
    }
    rc = what == LOOP      ? lf_surveys_loop(lf, now, &a, &err)
         : what == TRIGGER ? lf_surveys_trigger(lf, now, &a, &b, &err)
                           : lf_surveys_retry(lf, now, &a, &b, &err);
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    if (what == LOOP)
        printf("%zu follow-ups opened\n", a);
    else if (what == TRIGGER)
        printf("%zu sent, %zu skipped\n", a, b);
    else
        printf("%zu sent, %zu failed\n", a, b);
    return EXIT_OK;
}

static int retry(int argc, char **argv, const struct cli_env *env)
{
    return timed(argc, argv, env, RETRY);
}

static int loop(int argc, char **argv, const struct cli_env *env)
{
    return timed(argc, argv, env, LOOP);
}

static int trigger(int argc, char **argv, const struct cli_env *env)
{
    return timed(argc, argv, env, TRIGGER);
}

/* ---- settings ---- */

static int settings(int argc, char **argv, const struct cli_env *env)
{
    static const struct option opts[] = {
        {"contact-days", required_argument, NULL, 0}, {"account-max", required_argument, NULL, 1},
        {"account-days", required_argument, NULL, 2}, {"quiet-days", required_argument, NULL, 3},
        {"link-days", required_argument, NULL, 4},    {"sla-days", required_argument, NULL, 5},
        {"smtp", required_argument, NULL, 6},         {"from", required_argument, NULL, 7},
        {"base-url", required_argument, NULL, 8},     {NULL, 0, NULL, 0}};
    struct lf *lf;
    struct lf_err err = {0};
    struct lf_survey_settings s;
    int c, rc;
    bool change = false;
    if ((rc = cli_open(env, false, NULL, &lf)) != 0)
        return rc;
    if (lf_survey_settings_get(lf, &s, &err) < 0) {
        lf_close(lf);
        return cli_fail(&err);
    }
    int64_t *nums[] = {&s.contact_days, &s.account_max, &s.account_days, &s.quiet_days,
                       &s.link_days, &s.sla_days};
    char *texts[] = {s.smtp_url, s.mail_from, s.base_url};
    size_t sizes[] = {sizeof(s.smtp_url), sizeof(s.mail_from), sizeof(s.base_url)};
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c >= 0 && c <= 5) {
            char *end;
            long long n = strtoll(optarg, &end, 10);
            if (end == optarg || *end) {
                lf_close(lf);
                return cli_usage("surveys", "'%s' is not a number", optarg);
            }
            *nums[c] = n;
        } else if (c >= 6 && c <= 8) {
            snprintf(texts[c - 6], sizes[c - 6], "%s", optarg);
        } else {
            lf_close(lf);
            return cli_usage("surveys", "unknown option");
        }
        change = true;
    }
    if (optind < argc) {
        lf_close(lf);
        return cli_usage("surveys", "unexpected argument '%s'", argv[optind]);
    }
    rc = change ? lf_survey_settings_set(lf, &s, &err) : 0;
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    printf("contact_days\t%lld\naccount_max\t%lld\naccount_days\t%lld\nquiet_days\t%lld\n"
           "link_days\t%lld\nsla_days\t%lld\nsmtp\t%s\nfrom\t%s\nbase_url\t%s\n",
           (long long)s.contact_days, (long long)s.account_max, (long long)s.account_days,
           (long long)s.quiet_days, (long long)s.link_days, (long long)s.sla_days, s.smtp_url,
           s.mail_from, s.base_url);
    return EXIT_OK;
}

int cmd_surveys(int argc, char **argv, const struct cli_env *env)
{
    static const struct cli_sub subs[] = {
        {"create", create},     {"list", list},         {"send", send_to},
        {"results", results},   {"skips", skips},       {"followups", followups},
        {"recovery", recovery}, {"rules", rules},       {"rule", rule},
        {"retry", retry},       {"loop", loop},         {"trigger", trigger},
        {"settings", settings}, {NULL, NULL}};
    return cli_sub_run("surveys", subs, argc, argv, env);
}

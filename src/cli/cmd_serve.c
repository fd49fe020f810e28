/* cmd_serve.c - `landfall serve`: the HTTP API (Segment/PostHog ingestion, reports) until a
 * signal stops it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http/http.h"

static const char help_text[] =
    "usage: landfall serve [--listen HOST:PORT] [--threads N] [--max-body BYTES]\n"
    "                      [--rate-limit N/s|N/min|N/h] [--access-log PATH|-|off]\n"
    "                      [--snapshot PATH | --no-snapshot] [--max-connections N]\n"
    "                      [--max-per-address N] [--header-timeout S] [--body-timeout S]\n"
    "                      [--bad-key-limit N/s|N/min|N/h] [--compute-threads N]\n"
    "                      [--compute-queue N] [--compute-per-caller N]\n"
    "\n"
    "Serves the store over HTTP until SIGINT or SIGTERM, then finishes the requests in flight\n"
    "(the computations still queued are answered 503) and closes the store. Loads the analytics\n"
    "engine first (from its snapshot when intact), appends every ingested batch to it, and\n"
    "prints the URL once it listens.\n"
    "\n"
    "  --listen HOST:PORT   the address (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "  --threads N          request threads (default 4)\n"
    "  --max-body BYTES     the largest request body, after decompression (default 4M;\n"
    "                       K and M suffixes)\n"
    "  --rate-limit RATE    requests per key, e.g. 100/s, 600/min (default 100/s; 0 = none);\n"
    "                       over it the answer is 429 with Retry-After\n"
    "  --access-log PATH    one JSON object per request (default - : stderr; off: none)\n"
    "  --max-connections N  connections open at once (default 4096)\n"
    "  --max-per-address N  connections open at once from one client address (default 64;\n"
    "                       0 = no limit); more are closed as they come\n"
    "  --header-timeout S   seconds a request's headers may take to arrive, from the\n"
    "                       connection or its previous answer (default 10)\n"
    "  --body-timeout S     seconds its body may take after them (default 60); a request not\n"
    "                       whole by then is closed, however many bytes trickle in\n"
    "  --bad-key-limit RATE requests with a missing or bad key one address may make (default\n"
    "                       20/min; 0 = none); past it, its ingestion requests without a key\n"
    "                       in the header are answered 429 before their body is read\n"
    "  --compute-threads N  threads for the requests that compute (metrics, reports, health,\n"
    "                       an account's overview): they queue for these, so that the request\n"
    "                       threads stay free for cheap requests (default: the cores, at least 2)\n"
    "  --compute-queue N    such requests waiting at most (default 64 per compute thread);\n"
    "                       past it, 503 with Retry-After\n"
    "  --compute-per-caller N  such requests one key or signed-in user may have queued or\n"
    "                       running (default 16); past it, 429 with Retry-After\n"
    "  --snapshot PATH      the engine's snapshot (default: the store's path + .engine)\n"
    "  --no-snapshot        build the engine from the store, write no snapshot\n"
    "\n"
    "On PostgreSQL (--db postgresql://…) no request waits on the database without a bound:\n"
    "an exchange that gets no byte for the store URL's timeout (seconds, default 30; 0 = none:\n"
    "postgresql://host/db?timeout=10) is given up and its connection dropped, and connecting\n"
    "takes at most its connect_timeout (default 5 s, or timeout if shorter). A request that\n"
    "needs the store is then answered 503 with Retry-After, nothing of it acknowledged; the\n"
    "next ones connect again, so the server recovers by itself when PostgreSQL answers again.\n"
    "\n"
    "Endpoints (docs/api.md): POST /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page,\n"
    "/v1/screen, /v1/alias, and /v1/b, /v1/t… as analytics.js sends them (Segment, write key\n"
    "as basic-auth user or the body's writeKey); POST /batch/, /capture/, /e/,\n"
    "/i/v0/e/, /engage/ (PostHog, api_key in the body); GET /v1/reports/NAME,\n"
    "/v1/usage/NAME, /v1/cohorts, /v1/survival and the resources /v1/accounts, /v1/contacts…\n"
    "(Bearer key); GET /healthz; GET /metrics (Prometheus). Keys: 'landfall keys create'.\n";

void cmd_serve_help(FILE *out)
{
    fputs(help_text, out);
}

static void ready(const char *url, void *ctx)
{
    (void)ctx;
    printf("landfall: serving %s\n", url);
    fflush(stdout);
}

static int size_arg(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (end == s || errno || n <= 0)
        return -1;
    if (*end == 'K' || *end == 'k')
        n *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        n *= 1024 * 1024, end++;
    if (*end || n > (1LL << 30))
        return -1;
    *out = (size_t)n;
    return 0;
}

static int count_arg(const char *s, long lo, long hi, unsigned *out)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (end == s || *end || errno || n < lo || n > hi)
        return -1;
    *out = (unsigned)n;
    return 0;
}

int cmd_serve(int argc, char **argv, const struct cli_env *env)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"max-body", required_argument, NULL, 'b'},
                                         {"rate-limit", required_argument, NULL, 'r'},
                                         {"access-log", required_argument, NULL, 'a'},
                                         {"snapshot", required_argument, NULL, 's'},
                                         {"no-snapshot", no_argument, NULL, 'S'},
                                         {"max-connections", required_argument, NULL, 'C'},
                                         {"max-per-address", required_argument, NULL, 'P'},
                                         {"header-timeout", required_argument, NULL, 'H'},
                                         {"body-timeout", required_argument, NULL, 'B'},
                                         {"bad-key-limit", required_argument, NULL, 'K'},
                                         {"compute-threads", required_argument, NULL, 'T'},
                                         {"compute-queue", required_argument, NULL, 'Q'},
                                         {"compute-per-caller", required_argument, NULL, 'c'},
                                         {NULL, 0, NULL, 0}};
    struct http_config cfg = {.listen = "127.0.0.1:8080",
                              .rate = 100,
                              .rate_period = 1,
                              .auth_failures = 20,
                              .auth_failure_period = 60,
                              .max_connections = 4096,
                              .max_per_address = 64,
                              .header_timeout = 10,
                              .body_timeout = 60,
                              .access_log = stderr};
    struct cli_engine engine = {0};
    const char *log_path = NULL;
    struct lf_err err = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'l':
            cfg.listen = optarg;
            break;
        case 't': {
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 256)
                return cli_usage("serve", "--threads wants a number from 1 to 256");
            cfg.threads = (unsigned)n;
            break;
        }
        case 'b':
            if (size_arg(optarg, &cfg.max_body) < 0)
                return cli_usage("serve", "--max-body wants a size such as 4M, not '%s'", optarg);
            break;
        case 'r':
            if (http_rate_parse(optarg, &cfg.rate, &cfg.rate_period, &err) < 0)
                return cli_usage("serve", "--rate-limit %s", err.msg);
            break;
        case 'a':
            log_path = optarg;
            break;
        case 'C':
            if (count_arg(optarg, 1, 1000000, &cfg.max_connections) < 0)
                return cli_usage("serve", "--max-connections wants a number from 1 to 1000000");
            break;
        case 'P':
            if (count_arg(optarg, 0, 1000000, &cfg.max_per_address) < 0)
                return cli_usage("serve", "--max-per-address wants a number from 0 to 1000000");
            break;
        case 'H':
            if (count_arg(optarg, 1, 3600, &cfg.header_timeout) < 0)
                return cli_usage("serve", "--header-timeout wants seconds from 1 to 3600");
            break;
        case 'B':
            if (count_arg(optarg, 1, 3600, &cfg.body_timeout) < 0)
                return cli_usage("serve", "--body-timeout wants seconds from 1 to 3600");
            break;
        case 'K':
            if (http_rate_parse(optarg, &cfg.auth_failures, &cfg.auth_failure_period, &err) < 0)
                return cli_usage("serve", "--bad-key-limit %s", err.msg);
            break;
        case 'T':
            if (count_arg(optarg, 1, 256, &cfg.compute_threads) < 0)
                return cli_usage("serve", "--compute-threads wants a number from 1 to 256");
            break;
        case 'Q': {
            unsigned n;
            if (count_arg(optarg, 1, 1000000, &n) < 0)
                return cli_usage("serve", "--compute-queue wants a number from 1 to 1000000");
            cfg.compute_queue = n;
            break;
        }
        case 'c':
            if (count_arg(optarg, 1, 1000000, &cfg.compute_per_caller) < 0)
                return cli_usage("serve", "--compute-per-caller wants a number from 1 to 1000000");
            break;
        case 's':
            engine.snapshot = optarg;
            break;
        case 'S':
            engine.no_snapshot = true;
            break;
        default:
            return cli_usage("serve", "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage("serve", "unexpected argument '%s'", argv[optind]);
    FILE *log = NULL;
    if (log_path && strcmp(log_path, "off") == 0) {
        cfg.access_log = NULL;
    } else if (log_path && strcmp(log_path, "-") != 0) {
        if (!(log = fopen(log_path, "a"))) {
            fprintf(stderr, "landfall: cannot open '%s': %s\n", log_path, strerror(errno));
            return EXIT_FAILURE_;
        }
        cfg.access_log = log;
    }
    struct lf_health_daily *daily = NULL;
    int rc = cli_open(env, false, &engine, &cfg.lf);
    /* the health history of the workspace served gets a day a day */
    if (rc == 0 && lf_health_daily_start(cfg.lf, &daily, &err) < 0)
        rc = cli_fail(&err);
    if (rc == 0)
        rc = http_serve(&cfg, ready, NULL, &err) < 0 ? cli_fail(&err) : EXIT_OK;
    lf_health_daily_stop(daily);
    lf_close(cfg.lf);
    if (log)
        fclose(log);
    return rc;
}

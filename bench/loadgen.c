/* loadgen.c - the load generator of bench/ingest.sh and bench/scale.sh: N keep-alive connections
 * POST Segment batches of M events (unique message ids PREFIX-REQUEST-I, PREFIX "bench" unless
 * given) to a landfall server and time every request. Prints
 * "requests events seconds events_per_s p50_ms p99_ms failures". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conf {
    const char *host, *auth, *prefix; /* prefix: of the message ids, which differ between runs */
    int port, conns, events;
    long requests; /* in all */
};

struct worker {
    const struct conf *c;
    int id;
    long done, failed;
    double *lat; /* seconds, one per request */
    long lat_nr;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long next_request;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(const struct conf *c)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || inet_pton(AF_INET, c->host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* Writes request n (a batch of c->events track calls) into req; returns its length. */
static size_t build(const struct conf *c, long n, char *req, size_t cap, char *body, size_t bcap)
{
    size_t bl = 0;
    bl += (size_t)snprintf(body + bl, bcap - bl, "{\"batch\": [");
    for (int i = 0; i < c->events; i++)
        bl += (size_t)snprintf(body + bl, bcap - bl,
                               "%s{\"type\": \"track\", \"userId\": \"bench-u%ld\", \"event\": "
                               "\"Feature Used\", \"messageId\": \"%s-%ld-%d\", \"context\": "
                               "{\"groupId\": \"bench-a%ld\"}, \"properties\": {\"feature\": "
                               "\"f%d\"}}",
                               i ? ", " : "", (n * 7 + i) % 1000, c->prefix, n, i, (n * 7 + i) % 100, i % 20);
    bl += (size_t)snprintf(body + bl, bcap - bl, "]}");
    int hl = snprintf(req, cap,
                      "POST /v1/batch HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Basic %s\r\n"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      c->host, c->port, c->auth, bl);
    memcpy(req + hl, body, bl);
    return (size_t)hl + bl;
}

/* Reads one response; returns its status, or -1. */
static int response(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    int status = atoi(buf + 9);
    const char *cl = strstr(buf, "Content-Length: ");
    size_t body = cl ? (size_t)strtoul(cl + 16, NULL, 10) : 0;
    size_t have = len - (size_t)(end + 4 - buf);
    while (have < body) {
        ssize_t n = read(fd, buf, cap);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return status;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    const struct conf *c = w->c;
    size_t cap = 200 + (size_t)c->events * 220;
    char *req = malloc(cap + 512), *body = malloc(cap), buf[65536];
    int fd = dial(c);
    for (;;) {
        pthread_mutex_lock(&mu);
        long n = next_request < c->requests ? next_request++ : -1;
        pthread_mutex_unlock(&mu);
        if (n < 0 || fd < 0)
            break;
        size_t len = build(c, n, req, cap + 512, body, cap);
        double t0 = now();
        int status = -1;
        if (write(fd, req, len) == (ssize_t)len)
            status = response(fd, buf, sizeof(buf));
        w->lat[w->lat_nr++] = now() - t0;
        if (status == 200) {
            w->done++;
        } else {
            w->failed++;
            close(fd);
            fd = dial(c);
        }
    }
    if (fd >= 0)
        close(fd);
    free(req);
    free(body);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: loadgen HOST PORT BASIC_AUTH CONNECTIONS REQUESTS EVENTS [PREFIX]\n");
        return 2;
    }
    struct conf c = {.host = argv[1],
                     .port = atoi(argv[2]),
                     .auth = argv[3],
                     .conns = atoi(argv[4]),
                     .requests = atol(argv[5]),
                     .events = atoi(argv[6]),
                     .prefix = argc == 8 ? argv[7] : "bench"};
    struct worker *w = calloc((size_t)c.conns, sizeof(*w));
    pthread_t *t = calloc((size_t)c.conns, sizeof(*t));
    double t0 = now();
    for (int i = 0; i < c.conns; i++) {
        w[i] = (struct worker){.c = &c, .id = i, .lat = calloc((size_t)c.requests, sizeof(double))};
        pthread_create(&t[i], NULL, run, &w[i]);
    }
    long done = 0, failed = 0, nr = 0;
    double *all = calloc((size_t)c.requests, sizeof(double));
    for (int i = 0; i < c.conns; i++) {
        pthread_join(t[i], NULL);
        done += w[i].done;
        failed += w[i].failed;
        memcpy(all + nr, w[i].lat, (size_t)w[i].lat_nr * sizeof(double));
        nr += w[i].lat_nr;
        free(w[i].lat);
    }
    double secs = now() - t0;
    qsort(all, (size_t)nr, sizeof(double), cmp);
    printf("%ld %ld %.3f %.0f %.2f %.2f %ld\n", done, done * c.events, secs,
           (double)(done * c.events) / secs, nr ? all[nr / 2] * 1000 : 0,
           nr ? all[(long)(nr * 0.99)] * 1000 : 0, failed);
    free(all);
    free(w);
    free(t);
    return failed ? 1 : 0;
}

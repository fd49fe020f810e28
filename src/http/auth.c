/* auth.c - who is calling: keys from the Authorization header, scopes, and per-key rate limits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mem.h"
#include "http_int.h"

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Decodes base64 (standard or URL-safe, padding optional) into out[cap]; the length, or -1. */
static long b64_decode(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    for (; *s && *s != '='; s++) {
        int v = b64_value((unsigned char)*s);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap)
                return -1;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    return (long)n;
}

bool auth_header_key(const char *h, char out[LF_KEY_SIZE + 1])
{
    if (!h)
        return false;
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "Bearer ", 7) == 0) {
        h += 7;
        while (*h == ' ')
            h++;
        size_t n = strcspn(h, " ");
        if (n == 0 || n > LF_KEY_SIZE)
            return false;
        memcpy(out, h, n);
        out[n] = '\0';
        return true;
    }
    if (strncasecmp(h, "Basic ", 6) == 0) {
        char creds[256];
        h += 6;
        while (*h == ' ')
            h++;
        long n = b64_decode(h, creds, sizeof(creds) - 1);
        if (n <= 0)
            return false;
        creds[n] = '\0';
        /* Segment sends the write key as the user name, with an empty password. */
        size_t user = strcspn(creds, ":");
        if (user == 0 || user > LF_KEY_SIZE || memchr(creds, '\0', (size_t)n))
            return false;
        memcpy(out, creds, user);
        out[user] = '\0';
        return true;
    }
    return false;
}

static double mono_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool scope_allows(int have, int need)
{
    return have == LF_SCOPE_ADMIN || have == need;
}

int auth_require(struct http_req *r, const char *key, int need)
{
    struct lf_err err = {0};
    if (!key || !*key) {
        http_fail(r, HE_UNAUTHORIZED, NULL,
                  "an API key is required (HTTP basic auth user name, Bearer token, or the "
                  "body's writeKey / api_key)");
        return -1;
    }
    if (lf_key_verify(http_lf(r), key, &r->key, &err) < 0) {
        http_fail_err(r, &err, NULL);
        return -1;
    }
    r->authed = true;
    if (!(r->lf = http_workspace(r->srv, r->key.workspace, &err))) {
        http_fail_err(r, &err, NULL);
        return -1;
    }
    if (!scope_allows(r->key.scope, need)) {
        http_fail(r, HE_FORBIDDEN, NULL, "a %s key cannot %s", lf_scope_name(r->key.scope),
                  need == LF_SCOPE_WRITE  ? "ingest events"
                  : need == LF_SCOPE_READ ? "read"
                                          : "do this");
        return -1;
    }
    unsigned wait = ratelimit_take(http_ratelimit(r), r->key.id, mono_seconds());
    if (wait) {
        r->retry_after = wait;
        http_fail(r, HE_RATE_LIMITED, NULL, "key '%s' is over its rate limit; retry in %u s",
                  r->key.prefix, wait);
        return -1;
    }
    return 0;
}

/* A token bucket per key: `rate` tokens, refilled continuously over `period` seconds. */
struct bucket {
    int64_t id;
    double tokens, at;
};

struct ratelimit {
    pthread_mutex_t mu;
    unsigned rate;
    double period;
    struct bucket *b;
    size_t nr, cap;
};

struct ratelimit *ratelimit_new(unsigned rate, double period)
{
    struct ratelimit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->mu, NULL);
    rl->rate = rate;
    rl->period = period > 0 ? period : 1;
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->b);
    free(rl);
}

unsigned ratelimit_take(struct ratelimit *rl, int64_t id, double now)
{
    if (!rl || rl->rate == 0)
        return 0;
    double per_token = rl->period / rl->rate;
    unsigned wait = 0;
    pthread_mutex_lock(&rl->mu);
    struct bucket *b = NULL;
    for (size_t i = 0; i < rl->nr && !b; i++) /* keys are few: a scan is enough */
        if (rl->b[i].id == id)
            b = &rl->b[i];
    if (!b) {
        rl->b = xgrow(rl->b, sizeof(*rl->b), rl->nr + 1, &rl->cap);
        b = &rl->b[rl->nr++];
        *b = (struct bucket){.id = id, .tokens = rl->rate, .at = now};
    }
    b->tokens = fmin((double)rl->rate, b->tokens + (now - b->at) / per_token);
    b->at = now;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else
        wait = (unsigned)ceil((1 - b->tokens) * per_token);
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

int http_rate_parse(const char *s, unsigned *rate, double *period, struct lf_err *err)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    *rate = 0;
    *period = 1;
    if (end == s || n < 0 || n > 1000000000)
        return err_set(err, LF_EUSAGE, "'%s' is not a rate (N/s, N/min or N/h)", s);
    if (n == 0 && *end == '\0')
        return 0;
    if (strcmp(end, "/s") == 0)
        *period = 1;
    else if (strcmp(end, "/min") == 0)
        *period = 60;
    else if (strcmp(end, "/h") == 0)
        *period = 3600;
    else
        return err_set(err, LF_EUSAGE, "'%s' is not a rate (N/s, N/min or N/h)", s);
    *rate = (unsigned)n;
    return 0;
}

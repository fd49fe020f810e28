/* auth.c - who is calling: keys from the Authorization header or found in a body, scopes,
 * per-key rate limits, and the budget of failed keys per client address. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mem.h"
#include "http_int.h"

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
        struct buf creds = BUF_INIT;
        h += 6;
        while (*h == ' ')
            h++;
        size_t n = strcspn(h, " ");
        bool ok = n < 256 && http_base64_decode(h, n, &creds) == 0 && creds.len > 0;
        /* Segment sends the write key as the user name, with an empty password. */
        size_t user = ok ? strcspn(creds.ptr, ":") : 0;
        ok = ok && user > 0 && user <= LF_KEY_SIZE && !memchr(creds.ptr, '\0', creds.len);
        if (ok) {
            memcpy(out, creds.ptr, user);
            out[user] = '\0';
        }
        buf_release(&creds);
        return ok;
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

static const char key_required[] = "an API key is required (HTTP basic auth user name, Bearer "
                                   "token, or the body's writeKey / api_key)";

void auth_failed(struct http_req *r)
{
    failbudget_add(http_failbudget(r), r->remote, mono_seconds());
}

int auth_require(struct http_req *r, const char *key, int need)
{
    struct lf_err err = {0};
    if (!key || !*key) {
        auth_failed(r);
        http_fail(r, HE_UNAUTHORIZED, NULL, "%s", key_required);
        return -1;
    }
    if (lf_key_verify(http_lf(r), key, &r->key, &err) < 0) {
        if (err.code == LF_EAUTH)
            auth_failed(r);
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

/* Compares in a time that does not depend on where the texts differ. */
static bool same_secret(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (strlen(b) != n)
        return false;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

int auth_session(struct http_req *r, const char *token, int auth)
{
    struct lf_err err = {0};
    if (lf_session_verify(http_lf(r), token, &r->session, &err) < 0) {
        if (err.code == LF_EAUTH)
            auth_failed(r);
        http_fail_err(r, &err, NULL);
        return -1;
    }
    r->by_session = true;
    if (!(r->lf = http_workspace(r->srv, r->session.user.workspace, &err))) {
        http_fail_err(r, &err, NULL);
        return -1;
    }
    /* A cookie goes with every request to this server, also one another site's page makes
     * the browser send: only a page of ours can read the CSRF token to send back. */
    const char *csrf = http_header(r, HTTP_CSRF_HEADER);
    if (!csrf || !same_secret(csrf, r->session.csrf)) {
        http_fail(r, HE_FORBIDDEN, NULL,
                  "a request with the session cookie must send its CSRF token in %s",
                  HTTP_CSRF_HEADER);
        return -1;
    }
    int role = r->session.user.role;
    if ((auth == AUTH_ADMIN && role != LF_ROLE_ADMIN) ||
        (auth == AUTH_EDITOR && role == LF_ROLE_VIEWER) ||
        (auth == AUTH_LEAD && role != LF_ROLE_ADMIN && role != LF_ROLE_LEAD)) {
        http_fail(r, HE_FORBIDDEN, NULL, "%s is a%s %s and cannot do this",
                  r->session.user.name, role == LF_ROLE_ADMIN ? "n" : "", lf_role_name(role));
        return -1;
    }
    /* sessions share the keys' limiter, under ids no key has */
    unsigned wait = ratelimit_take(http_ratelimit(r), -r->session.id, mono_seconds());
    if (wait) {
        r->retry_after = wait;
        http_fail(r, HE_RATE_LIMITED, NULL, "the session is over its rate limit; retry in %u s",
                  wait);
        return -1;
    }
    return 0;
}

void http_actor(const struct http_req *r, char out[300])
{
    if (r->by_session)
        snprintf(out, 300, "user:%s", r->session.user.name);
    else
        snprintf(out, 300, "key:%s", r->key.prefix);
}

static bool key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

int auth_scan_body(struct http_req *r, const char *body, size_t len)
{
    enum { CANDIDATES = 4, KEY_LEN = LF_KEY_SIZE - 1 };
    char tried[CANDIDATES][LF_KEY_SIZE];
    struct lf_err first = {0};
    struct lf_key k;
    int nr = 0;
    const char *p = body, *end = body + len;
    while (nr < CANDIDATES && (p = memchr(p, 'l', (size_t)(end - p)))) {
        const char *at = p++;
        if (end - at < 3 || at[1] != 'f' || at[2] != '_')
            continue;
        if ((at > body && key_char(at[-1])) || end - at < KEY_LEN ||
            (end - at > KEY_LEN && key_char(at[KEY_LEN])))
            continue;
        bool shaped = true;
        for (int i = 3; i < KEY_LEN && shaped; i++)
            shaped = key_char(at[i]);
        if (!shaped)
            continue;
        bool seen = false;
        for (int i = 0; i < nr && !seen; i++)
            seen = memcmp(tried[i], at, KEY_LEN) == 0;
        if (seen)
            continue;
        memcpy(tried[nr], at, KEY_LEN);
        tried[nr][KEY_LEN] = '\0';
        struct lf_err err = {0};
        if (lf_key_verify(http_lf(r), tried[nr], &k, &err) == 0)
            return 0;
        if (nr++ == 0)
            first = err;
    }
    auth_failed(r);
    if (nr)
        http_fail_err(r, &first, NULL);
    else
        http_fail(r, HE_UNAUTHORIZED, NULL, "%s", key_required);
    return -1;
}

unsigned auth_failures_wait(struct http_req *r)
{
    return failbudget_wait(http_failbudget(r), r->remote, mono_seconds());
}

/* ---- failed keys per address ---- */

#define FAIL_SLOTS 4096

struct failslot {
    char addr[48];
    double tokens, at;
};

struct failbudget {
    pthread_mutex_t mu;
    unsigned rate;
    double period;
    struct failslot *slots; /* FAIL_SLOTS, direct-mapped by a hash of the address */
};

struct failbudget *failbudget_new(unsigned rate, double period)
{
    struct failbudget *fb = xcalloc(1, sizeof(*fb));
    pthread_mutex_init(&fb->mu, NULL);
    fb->rate = rate;
    fb->period = period > 0 ? period : 1;
    fb->slots = xcalloc(FAIL_SLOTS, sizeof(*fb->slots));
    return fb;
}

void failbudget_free(struct failbudget *fb)
{
    if (!fb)
        return;
    pthread_mutex_destroy(&fb->mu);
    free(fb->slots);
    free(fb);
}

/* The address's slot, refilled to `now`; a slot another address held starts full. Locked. */
static struct failslot *slot_of(struct failbudget *fb, const char *addr, double now)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = addr; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    struct failslot *s = &fb->slots[h % FAIL_SLOTS];
    if (strcmp(s->addr, addr) != 0) {
        snprintf(s->addr, sizeof(s->addr), "%s", addr);
        s->tokens = fb->rate;
        s->at = now;
    }
    s->tokens = fmin((double)fb->rate, s->tokens + (now - s->at) * fb->rate / fb->period);
    s->at = now;
    return s;
}

void failbudget_add(struct failbudget *fb, const char *addr, double now)
{
    if (!fb || fb->rate == 0 || !*addr)
        return;
    pthread_mutex_lock(&fb->mu);
    struct failslot *s = slot_of(fb, addr, now);
    s->tokens = fmax(0, s->tokens - 1);
    pthread_mutex_unlock(&fb->mu);
}

unsigned failbudget_wait(struct failbudget *fb, const char *addr, double now)
{
    unsigned wait = 0;
    if (!fb || fb->rate == 0 || !*addr)
        return 0;
    pthread_mutex_lock(&fb->mu);
    struct failslot *s = slot_of(fb, addr, now);
    if (s->tokens < 1)
        wait = (unsigned)ceil((1 - s->tokens) * fb->period / fb->rate);
    pthread_mutex_unlock(&fb->mu);
    return wait;
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

/* engine_baseline.c - the floor bench/engine.sh measures the engine against: bench/engine_driver's
 * queries 1..5 as plain C loops over packed arrays, with nothing an engine adds (no index, no
 * tails, no locks, no threads, no per-account search). The events are packed once
 * (`pack`): four arrays sorted by (account, time), users numbered densely in that order (so one
 * account's users are neighbours, as in the engine), the per-user state reused between queries
 * (stamped, never cleared). `serve` answers "MODE Q K" lines on stdin with
 * "median_ms min_ms rows digest…" (the digest as engine_driver prints it). MODE is
 *   scan   one pass over all the packed events, each tested against the query's window
 *   slice  one pass over exactly the events the query reads, cut out beforehand (untimed), with
 *          each account's last event before NOW given (query 4): the cost of the figures alone
 * Usage: engine_baseline pack EVENTS.csv PACKED | engine_baseline serve PACKED NOW_MS */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define DAY 86400u
#define WEEK (7 * DAY)
#define MONDAY 345600u /* 1970-01-05, a Monday: weeks count from it */
#define MAGIC "LFBASE01"

static void *must(void *p)
{
    if (!p) {
        fprintf(stderr, "engine_baseline: out of memory\n");
        exit(1);
    }
    return p;
}

/* Memory for the arrays, in huge pages as the engine's (bench fairness: the same TLB). */
static void *big(size_t n, bool zero)
{
    size_t huge = 2u << 20, size = (n + huge - 1) & ~(huge - 1);
    void *p = must(aligned_alloc(huge, size));
    madvise(p, size, MADV_HUGEPAGE);
    if (zero)
        memset(p, 0, n);
    return p;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- packing ---- */

struct raw {
    int64_t acc, user, name, ts; /* store ids (0: none), ms */
};

static int raw_cmp(const void *pa, const void *pb)
{
    const struct raw *x = pa, *y = pb;
    if (x->acc != y->acc)
        return x->acc < y->acc ? -1 : 1;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int64_t field(char **p)
{
    int64_t v = 0;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (*(*p)++ - '0');
    if (**p == ',')
        (*p)++;
    return v;
}

static int64_t *map_new(int64_t max)
{
    return must(calloc((size_t)max + 2, sizeof(int64_t)));
}

static int pack(const char *csv, const char *out)
{
    FILE *f = fopen(csv, "rb");
    if (!f) {
        perror(csv);
        return 1;
    }
    size_t nr = 0, cap = 1 << 20;
    struct raw *ev = must(malloc(cap * sizeof(*ev)));
    char line[256];
    int64_t max_acc = 0, max_user = 0, max_name = 0;
    while (fgets(line, sizeof(line), f)) {
        if (nr == cap)
            ev = must(realloc(ev, (cap *= 2) * sizeof(*ev)));
        char *p = line;
        struct raw r = {field(&p), field(&p), field(&p), field(&p)};
        max_acc = r.acc > max_acc ? r.acc : max_acc;
        max_user = r.user > max_user ? r.user : max_user;
        max_name = r.name > max_name ? r.name : max_name;
        ev[nr++] = r;
    }
    fclose(f);
    qsort(ev, nr, sizeof(*ev), raw_cmp); /* ties keep no order: the figures do not depend on it */
    /* dense numbers: accounts by id (0 = none), users and names by first appearance */
    int64_t *acc_of = map_new(max_acc), *user_of = map_new(max_user), *name_of = map_new(max_name);
    uint32_t accounts = 1, users = 1, names = 0;
    for (int64_t a = 1; a <= max_acc; a++)
        acc_of[a] = 0;
    for (size_t i = 0; i < nr; i++)
        if (ev[i].acc && !acc_of[ev[i].acc])
            acc_of[ev[i].acc] = accounts++;
    uint64_t *off = must(calloc(accounts + 1, sizeof(*off)));
    uint32_t *ts = must(malloc(nr * sizeof(*ts) + 1)), *user = must(malloc(nr * sizeof(*user) + 1));
    uint16_t *name = must(malloc(nr * sizeof(*name) + 1));
    for (size_t i = 0; i < nr; i++) {
        off[acc_of[ev[i].acc] + 1]++;
        ts[i] = (uint32_t)(ev[i].ts / 1000);
        if (ev[i].user && !user_of[ev[i].user])
            user_of[ev[i].user] = users++;
        user[i] = (uint32_t)user_of[ev[i].user];
        if (!name_of[ev[i].name])
            name_of[ev[i].name] = ++names;
        name[i] = (uint16_t)(name_of[ev[i].name] - 1);
    }
    for (uint32_t a = 0; a < accounts; a++)
        off[a + 1] += off[a];
    f = fopen(out, "wb");
    if (!f) {
        perror(out);
        return 1;
    }
    uint64_t head[5] = {nr, accounts, users, names, 0};
    fwrite(MAGIC, 1, 8, f);
    fwrite(head, sizeof(head), 1, f);
    fwrite(off, sizeof(*off), accounts + 1, f);
    fwrite(ts, sizeof(*ts), nr, f);
    fwrite(user, sizeof(*user), nr, f);
    fwrite(name, sizeof(*name), nr, f);
    if (fclose(f) != 0) {
        perror(out);
        return 1;
    }
    fprintf(stderr, "packed %zu events, %u accounts, %u users, %u names\n", nr, accounts - 1,
            users - 1, names);
    return 0;
}

/* ---- the queries ---- */

/* Events of accounts [0, A) as off[a]..off[a + 1] of the columns. */
struct cols {
    uint64_t *off;
    uint32_t *ts, *user;
    uint16_t *name;
    uint32_t *last; /* slice mode, query 4: each account's last event before NOW, 0 = none */
};

struct base {
    struct cols all;
    uint32_t A, U, names;
    uint32_t now, f30, f7, s56; /* seconds: NOW and the starts of 30 days, 7 days, 8 weeks */
    /* per-user state, stamped: valid when stamp is the current account's */
    struct ustate {
        uint32_t stamp, day;   /* the account it was last seen in (window), and the day */
        uint32_t tstamp;       /* the account it was last seen in (trend), and the block */
        uint16_t block, week;  /* week: seen in the last 7 days */
    } *us;
    uint32_t *name_stamp;
    uint32_t gen;
    uint64_t *bits; /* query 2: users × words */
    uint32_t first_week;
};

struct row {
    double dau, breadth, depth, stickiness, trend;
    int64_t wau, mau, events, features, last, days_since;
};

struct digest {
    size_t rows;
    char text[256];
};

static uint32_t stamp(struct base *b)
{
    if (++b->gen == 0) {
        memset(b->us, 0, (size_t)b->U * sizeof(*b->us));
        memset(b->name_stamp, 0, (size_t)b->names * sizeof(*b->name_stamp));
        b->gen = 1;
    }
    return b->gen;
}

/* Queries 1, 3, 4 (and 5: 4 over an empty window): one pass over c's events of each account. */
static struct row *accounts(struct base *b, const struct cols *c, int q, uint32_t now)
{
    uint32_t f30 = now - 30 * DAY, f7 = now - 7 * DAY, s56 = now - 56 * DAY;
    bool act = q != 3, adopt = q != 1, rec = q >= 4;
    uint32_t lo = rec ? s56 : f30;
    struct row *rows = must(malloc(b->A * sizeof(*rows)));
    for (uint32_t a = 1; a < b->A; a++) {
        uint32_t st = stamp(b);
        int64_t pairs = 0, wau = 0, mau = 0, events = 0, features = 0, y[8] = {0};
        uint32_t last = 0;
        for (uint64_t i = c->off[a]; i < c->off[a + 1]; i++) {
            uint32_t t = c->ts[i];
            if (t >= now)
                break; /* sorted by time: nothing more before NOW */
            last = t;
            if (t < lo)
                continue;
            uint32_t u = c->user[i];
            struct ustate *s = &b->us[u];
            if (rec && u) {
                uint16_t blk = (uint16_t)((t - s56) / WEEK);
                if (s->tstamp != st || s->block != blk) {
                    s->tstamp = st;
                    s->block = blk;
                    y[blk]++;
                }
            }
            if (t < f30)
                continue;
            events++;
            if (adopt && b->name_stamp[c->name[i]] != st) {
                b->name_stamp[c->name[i]] = st;
                features++;
            }
            if (!u)
                continue;
            uint32_t day = t / DAY;
            if (s->stamp != st) {
                s->stamp = st;
                s->day = day;
                s->week = t >= f7;
                mau++;
                pairs++;
                wau += t >= f7;
                continue;
            }
            if (s->day != day) {
                s->day = day;
                pairs++;
            }
            if (t >= f7 && !s->week) {
                s->week = 1;
                wau++;
            }
        }
        if (c->last && !last)
            last = c->last[a];
        struct row *r = &rows[a];
        *r = (struct row){.dau = NAN, .breadth = NAN, .depth = NAN, .stickiness = NAN,
                          .trend = NAN, .last = -1, .days_since = -1};
        if (act) {
            r->dau = (double)pairs / 30.0;
            r->wau = wau;
            r->mau = mau;
            r->stickiness = mau ? r->dau / (double)mau : NAN;
        }
        if (adopt) {
            r->mau = mau;
            r->events = events;
            r->features = features;
            r->breadth = (double)features / (double)b->names;
            r->depth = mau ? (double)events / (double)mau : NAN;
        }
        if (rec) {
            if (last) {
                r->last = last;
                r->days_since = now / DAY - last / DAY;
            }
            double mean = 0, sxy = 0;
            for (int k = 0; k < 8; k++)
                mean += (double)y[k];
            mean /= 8;
            for (int k = 0; k < 8; k++)
                sxy += ((double)k - 3.5) * ((double)y[k] - mean);
            r->trend = mean > 0 ? 100.0 * (sxy / 42.0) / mean : NAN;
        }
    }
    return rows;
}

static void accounts_digest(const struct base *b, const struct row *rows, int q,
                            struct digest *d)
{
    long long pairs = 0, wau = 0, mau = 0, events = 0, features = 0, since = 0, active = 0;
    double trend = 0;
    for (uint32_t a = 1; a < b->A; a++) {
        const struct row *r = &rows[a];
        if (r->mau > 0 || r->events > 0)
            active++;
        if (!isnan(r->dau))
            pairs += llround(r->dau * 30);
        wau += r->wau;
        mau += r->mau;
        events += r->events;
        features += r->features;
        if (r->days_since >= 0)
            since += r->days_since;
        if (!isnan(r->trend))
            trend += r->trend;
    }
    d->rows = b->A - 1;
    if (q == 1)
        snprintf(d->text, sizeof(d->text), "active=%lld pairs=%lld wau=%lld mau=%lld", active,
                 pairs, wau, mau);
    else if (q == 3)
        snprintf(d->text, sizeof(d->text), "active=%lld events=%lld features=%lld users=%lld",
                 active, events, features, mau);
    else
        snprintf(d->text, sizeof(d->text),
                 "active=%lld pairs=%lld wau=%lld mau=%lld events=%lld features=%lld "
                 "days_since=%lld trend=%.3f", active, pairs, wau, mau, events, features, since,
                 trend);
}

/* Query 2: a bitset of active weeks per user, then the cohort matrix. */
static int64_t *cohorts(struct base *b, const struct cols *c, uint32_t *periods)
{
    uint32_t P = (b->now - 1 - MONDAY) / WEEK - b->first_week + 1, W = (P + 63) / 64;
    uint64_t *bits = b->bits;
    memset(bits, 0, (size_t)b->U * W * sizeof(*bits));
    for (uint32_t a = 1; a < b->A; a++)
        for (uint64_t i = c->off[a]; i < c->off[a + 1]; i++) {
            uint32_t t = c->ts[i], u = c->user[i];
            if (t >= b->now)
                break;
            if (!u)
                continue;
            uint32_t w = (t - MONDAY) / WEEK - b->first_week;
            bits[(size_t)u * W + w / 64] |= 1ULL << (w % 64);
        }
    int64_t *m = must(calloc((size_t)P * (P + 1), sizeof(*m))); /* size[P], retained[P × P] */
    for (uint32_t u = 1; u < b->U; u++) {
        const uint64_t *x = bits + (size_t)u * W;
        uint32_t ci = UINT32_MAX;
        for (uint32_t k = 0; k < W && ci == UINT32_MAX; k++)
            if (x[k])
                ci = k * 64 + (uint32_t)__builtin_ctzll(x[k]);
        if (ci == UINT32_MAX)
            continue;
        m[ci]++;
        for (uint32_t k = ci / 64; k < W; k++)
            for (uint64_t v = x[k]; v; v &= v - 1) {
                uint32_t w = k * 64 + (uint32_t)__builtin_ctzll(v);
                if (w >= ci)
                    m[P + (size_t)ci * P + (w - ci)]++;
            }
    }
    *periods = P;
    return m;
}

static void cohorts_digest(const int64_t *m, uint32_t P, struct digest *d)
{
    long long cells = 0, retained = 0, members = 0;
    for (uint32_t ci = 0; ci < P; ci++) {
        members += m[ci];
        for (uint32_t k = 0; ci + k < P; k++) {
            int64_t r = m[P + (size_t)ci * P + k];
            cells += r > 0;
            retained += r;
        }
    }
    d->rows = (size_t)cells;
    snprintf(d->text, sizeof(d->text), "cells=%lld retained=%lld members=%lld", cells, retained,
             members);
}

/* The events of [lo, now) of every account, cut out of the columns (slice mode). */
static void slice(const struct base *b, uint32_t lo, uint32_t now, bool last, struct cols *out)
{
    const struct cols *c = &b->all;
    *out = (struct cols){.off = must(calloc(b->A + 1, sizeof(uint64_t)))};
    size_t n = 0;
    for (uint32_t a = 0; a < b->A; a++)
        for (uint64_t i = c->off[a]; i < c->off[a + 1]; i++)
            n += c->ts[i] >= lo && c->ts[i] < now;
    out->ts = big(n * 4 + 4, false);
    out->user = big(n * 4 + 4, false);
    out->name = big(n * 2 + 2, false);
    if (last)
        out->last = must(calloc(b->A, sizeof(uint32_t)));
    n = 0;
    for (uint32_t a = 0; a < b->A; a++) {
        for (uint64_t i = c->off[a]; i < c->off[a + 1]; i++) {
            if (last && c->ts[i] < now)
                out->last[a] = c->ts[i];
            if (c->ts[i] >= lo && c->ts[i] < now) {
                out->ts[n] = c->ts[i];
                out->user[n] = c->user[i];
                out->name[n++] = c->name[i];
            }
        }
        out->off[a + 1] = n;
    }
}

static void cols_free(struct cols *c)
{
    free(c->off);
    free(c->ts);
    free(c->user);
    free(c->name);
    free(c->last);
}

static void run(struct base *b, const struct cols *c, int q, double *ms, struct digest *d)
{
    uint32_t now = q == 5 ? b->now + 400 * DAY : b->now;
    double t0 = now_ms();
    if (q == 2) {
        uint32_t P;
        int64_t *m = cohorts(b, c, &P);
        *ms = now_ms() - t0;
        cohorts_digest(m, P, d);
        free(m);
        return;
    }
    struct row *rows = accounts(b, c, q, now);
    *ms = now_ms() - t0;
    accounts_digest(b, rows, q, d);
    free(rows);
}

static int dbl_cmp(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return x < y ? -1 : x > y;
}

static int serve(const char *packed, int64_t now_ms_arg)
{
    FILE *f = fopen(packed, "rb");
    char magic[8];
    uint64_t head[5];
    if (!f || fread(magic, 1, 8, f) != 8 || memcmp(magic, MAGIC, 8) != 0 ||
        fread(head, sizeof(head), 1, f) != 1) {
        fprintf(stderr, "engine_baseline: '%s' is not a packed file\n", packed);
        return 1;
    }
    struct base b = {.A = (uint32_t)head[1], .U = (uint32_t)head[2], .names = (uint32_t)head[3],
                     .now = (uint32_t)(now_ms_arg / 1000)};
    size_t n = head[0];
    b.all.off = must(malloc((b.A + 1) * sizeof(uint64_t)));
    b.all.ts = big(n * 4 + 4, false);
    b.all.user = big(n * 4 + 4, false);
    b.all.name = big(n * 2 + 2, false);
    if (fread(b.all.off, sizeof(uint64_t), b.A + 1, f) != b.A + 1 ||
        fread(b.all.ts, 4, n, f) != n || fread(b.all.user, 4, n, f) != n ||
        fread(b.all.name, 2, n, f) != n) {
        fprintf(stderr, "engine_baseline: '%s' is truncated\n", packed);
        return 1;
    }
    fclose(f);
    uint32_t min_ts = UINT32_MAX;
    for (size_t i = 0; i < n; i++)
        min_ts = b.all.ts[i] < min_ts ? b.all.ts[i] : min_ts;
    b.first_week = (min_ts - MONDAY) / WEEK;
    uint32_t P = (b.now - 1 - MONDAY) / WEEK - b.first_week + 1;
    b.us = big((size_t)b.U * sizeof(*b.us), true);
    b.name_stamp = must(calloc(b.names + 1, sizeof(*b.name_stamp)));
    b.bits = big((size_t)b.U * ((P + 63) / 64) * sizeof(uint64_t), true);
    /* the slices of slice mode, by query */
    struct cols sl[6];
    slice(&b, b.now - 30 * DAY, b.now, false, &sl[1]);
    slice(&b, 0, b.now, false, &sl[2]);
    slice(&b, b.now - 30 * DAY, b.now, false, &sl[3]);
    slice(&b, b.now - 56 * DAY, b.now, true, &sl[4]);
    slice(&b, b.now + 344 * DAY, b.now + 400 * DAY, true, &sl[5]);
    /* one untimed run of each: first touches of the state */
    double ms[64];
    struct digest d;
    for (int q = 1; q <= 5; q++)
        run(&b, &b.all, q, ms, &d);
    printf("ready\n");
    fflush(stdout);
    char mode[16];
    int q, k;
    while (scanf("%15s %d %d", mode, &q, &k) == 3 && q >= 1 && q <= 5 && k >= 1 && k <= 64) {
        const struct cols *c = strcmp(mode, "slice") == 0 ? &sl[q] : &b.all;
        for (int i = 0; i < k; i++)
            run(&b, c, q, &ms[i], &d);
        qsort(ms, (size_t)k, sizeof(*ms), dbl_cmp);
        double median = k % 2 ? ms[k / 2] : (ms[k / 2 - 1] + ms[k / 2]) / 2;
        printf("%.3f %.3f %zu %s\n", median, ms[0], d.rows, d.text);
        fflush(stdout);
    }
    for (int i = 1; i <= 5; i++)
        cols_free(&sl[i]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "pack") == 0)
        return pack(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "serve") == 0)
        return serve(argv[2], strtoll(argv[3], NULL, 10));
    fprintf(stderr, "usage: engine_baseline pack EVENTS.csv PACKED | serve PACKED NOW_MS\n");
    return 2;
}

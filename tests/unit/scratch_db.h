/* scratch_db.h - a store of the test's own: its address (one per process, so that suites run in
 * parallel), its removal, and a look inside it. On SQLite (the default) a file in /tmp; with
 * LANDFALL_TEST_DB=pg a fresh database on the server of $LANDFALL_TEST_PG (a directory made by
 * `scripts/pg start`, as scripts/test does). */
#ifndef TESTS_UNIT_SCRATCH_DB_H
#define TESTS_UNIT_SCRATCH_DB_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest address scratch_db_name makes: a PostgreSQL URL holds the server's directory. */
#define SCRATCH_DB_MAX 320

/* True when the suite runs on PostgreSQL (LANDFALL_TEST_DB=pg). */
static inline bool scratch_db_pg(void)
{
    const char *e = getenv("LANDFALL_TEST_DB");
    return e && strcmp(e, "pg") == 0;
}

/* Skips the current test on PostgreSQL: it is SQLite's by nature (WHY: a file, its pragmas). */
#define scratch_db_need_sqlite(why)                                                            \
    do {                                                                                       \
        if (scratch_db_pg())                                                                   \
            cr_skip_test("SQLite's by nature (%s), and the suite runs on PostgreSQL", why);    \
    } while (0)

/* Ignores the server's notices ("database … does not exist, skipping"). */
static inline void scratch_db_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Runs one command on the server's `postgres` database (to make or drop a test's database). */
static inline void scratch_db_admin(const char *sql)
{
    const char *dir = getenv("LANDFALL_TEST_PG");
    char url[SCRATCH_DB_MAX];
    cr_assert(dir && *dir, "LANDFALL_TEST_DB=pg needs LANDFALL_TEST_PG, the directory of a "
                           "server started with 'scripts/pg start DIR'");
    snprintf(url, sizeof(url), "postgresql:///postgres?host=%s&user=landfall", dir);
    PGconn *c = PQconnectdb(url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PQsetNoticeProcessor(c, scratch_db_quiet, NULL);
    PGresult *r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* Runs one command on the server's `postgres` database: true when it succeeded. */
static inline bool scratch_db_admin_try(const char *sql)
{
    const char *dir = getenv("LANDFALL_TEST_PG");
    char url[SCRATCH_DB_MAX];
    snprintf(url, sizeof(url), "postgresql:///postgres?host=%s&user=landfall", dir ? dir : "");
    PGconn *c = PQconnectdb(url);
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PQsetNoticeProcessor(c, scratch_db_quiet, NULL);
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    PQfinish(c);
    return ok;
}

/* The store's PostgreSQL migrations and their number, when the test links the store (weak: a
 * test that does not reads NULL). */
extern const int store_pg_migrations_nr __attribute__((weak));
extern const char *const store_pg_migrations[] __attribute__((weak));

/* One byte into a CRC-32 of POSIX cksum (polynomial 0x04C11DB7, the high bit first). */
static inline uint32_t scratch_db_crc(uint32_t crc, unsigned char c)
{
    crc ^= (uint32_t)c << 24;
    for (int k = 0; k < 8; k++)
        crc = crc & 0x80000000u ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    return crc;
}

/* What `cat MIGRATIONS | cksum` prints of the migrations' text, one after the other (the
 * length's bytes follow the text, the lowest first; the sum is complemented): the key of the
 * CLI tests' template (tests/cli/lib.sh, _pg_template), so that an edited migration is another
 * template, never a stale one. */
static inline uint32_t scratch_db_migrations_sum(void)
{
    uint32_t crc = 0;
    uint64_t len = 0;
    for (int i = 0; i < store_pg_migrations_nr; i++)
        for (const unsigned char *p = (const unsigned char *)store_pg_migrations[i]; *p; p++) {
            crc = scratch_db_crc(crc, *p);
            len++;
        }
    for (; len; len >>= 8)
        crc = scratch_db_crc(crc, (unsigned char)(len & 0xff));
    return ~crc;
}

/* The database name of a PostgreSQL address made by scratch_db_name (between "///" and "?"). */
static inline void scratch_db_pg_name(const char *url, char *name, size_t n)
{
    const char *p = strstr(url, "///"), *q;
    cr_assert(p, "'%s' is no scratch database", url);
    p += 3;
    q = strchr(p, '?');
    snprintf(name, n, "%.*s", (int)(q ? q - p : (ptrdiff_t)strlen(p)), p);
}

/* Names the store in path[n]: /tmp/landfall-WHAT-PID.db, whose leftovers of a killed run are
 * removed, or the new database lfu_WHAT_PID on PostgreSQL. */
static inline void scratch_db_name(char *path, size_t n, const char *what)
{
    if (scratch_db_pg()) {
        char sql[160];
        int len = snprintf(path, n, "postgresql:///lfu_%s_%d?host=%s&user=landfall", what,
                           (int)getpid(),
                           getenv("LANDFALL_TEST_PG") ? getenv("LANDFALL_TEST_PG") : "");
        cr_assert(len >= 0 && (size_t)len < n, "the address of the test's database needs %d "
                  "bytes, the test gives %zu (use SCRATCH_DB_MAX)", len + 1, n);
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS lfu_%s_%d WITH (FORCE)", what,
                 (int)getpid());
        scratch_db_admin(sql);
        /* a copy of the migrated template of the CLI tests (tests/cli/lib.sh, _pg_template)
         * when there is one for this schema: a file copy, where a new database runs every
         * migration at its first open; else a plain one */
        if (&store_pg_migrations_nr && store_pg_migrations) {
            snprintf(sql, sizeof(sql), "CREATE DATABASE lfu_%s_%d TEMPLATE lf_template_%d_%08x",
                     what, (int)getpid(), store_pg_migrations_nr,
                     (unsigned)scratch_db_migrations_sum());
            if (scratch_db_admin_try(sql))
                return;
        }
        snprintf(sql, sizeof(sql), "CREATE DATABASE lfu_%s_%d", what, (int)getpid());
        scratch_db_admin(sql);
        return;
    }
    snprintf(path, n, "/tmp/landfall-%s-%d.db", what, (int)getpid());
    unlink(path);
}

/* Removes the store: the file and its -wal and -shm, or the database. */
static inline void scratch_db_remove(const char *path)
{
    char p[SCRATCH_DB_MAX + 8];
    if (scratch_db_pg()) {
        char name[128];
        scratch_db_pg_name(path, name, sizeof(name));
        snprintf(p, sizeof(p), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
        scratch_db_admin(p);
        return;
    }
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

/* Runs a command on the store through a connection of its own. */
static inline void scratch_db_exec(const char *path, const char *sql)
{
    if (scratch_db_pg()) {
        PGconn *c = PQconnectdb(path);
        cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return;
    }
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* The integer the query's first row starts with, read through a connection of its own (a
 * PostgreSQL boolean, t or f, reads as SQLite's 1 or 0). */
static inline int64_t scratch_db_int(const char *path, const char *sql)
{
    if (scratch_db_pg()) {
        PGconn *c = PQconnectdb(path);
        cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
        cr_assert(PQntuples(r) > 0, "%s", sql);
        const char *t = PQgetvalue(r, 0, 0);
        int64_t v = strcmp(t, "t") == 0 ? 1 : strtoll(t, NULL, 10);
        PQclear(r);
        PQfinish(c);
        return v;
    }
    sqlite3 *db;
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

#endif

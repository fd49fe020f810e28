/* scratch_db.h - a store file of the test's own in /tmp: its name (one per process, so that
 * suites run in parallel), its removal with SQLite's side files, and a look inside it. */
#ifndef TESTS_UNIT_SCRATCH_DB_H
#define TESTS_UNIT_SCRATCH_DB_H

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* Names /tmp/landfall-WHAT-PID.db in path[n] and removes what a killed run left there. */
static inline void scratch_db_name(char *path, size_t n, const char *what)
{
    snprintf(path, n, "/tmp/landfall-%s-%d.db", what, (int)getpid());
    unlink(path);
}

/* Removes the store file and its -wal and -shm. */
static inline void scratch_db_remove(const char *path)
{
    char p[128];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

/* The integer the query's first row starts with, read through a connection of its own. */
static inline int64_t scratch_db_int(const char *path, const char *sql)
{
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

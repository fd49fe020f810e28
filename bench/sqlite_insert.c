/* sqlite_insert.c - the peer of bench/ingest.sh: raw SQLite prepared inserts into landfall's
 * events table (WAL, synchronous=FULL), one transaction per BATCH rows, as durable as a server
 * batch, and once in one big transaction for context. Prints "rows seconds rows_per_s". */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sqlite_insert: %s\n", msg);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: sqlite_insert DB ROWS BATCH\n");
        return 2;
    }
    long rows = atol(argv[2]), batch = atol(argv[3]);
    sqlite3 *db;
    sqlite3_stmt *q;
    char id[64];
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        return 1;
    exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
             "CREATE TABLE events (id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL,"
             " message_id TEXT NOT NULL, ts INTEGER NOT NULL, account_id INTEGER,"
             " contact_id INTEGER, name_id INTEGER NOT NULL, value REAL, props TEXT);"
             "CREATE UNIQUE INDEX events_message ON events(workspace_id, message_id);");
    sqlite3_prepare_v2(db,
                       "INSERT OR IGNORE INTO events(workspace_id, message_id, ts, account_id, "
                       "contact_id, name_id, value, props) VALUES (1, ?1, ?2, ?3, ?4, 1, NULL, ?5)",
                       -1, &q, NULL);
    double t0 = now();
    for (long i = 0; i < rows; i++) {
        if (i % batch == 0)
            exec(db, "BEGIN IMMEDIATE");
        snprintf(id, sizeof(id), "bench-%ld-%ld", i / 100, i % 100);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 2, 1767225600000LL + i);
        sqlite3_bind_int64(q, 3, 1 + (i * 7) % 100);
        sqlite3_bind_int64(q, 4, 1 + (i * 7) % 1000);
        sqlite3_bind_text(q, 5, "{\"feature\": \"f1\"}", -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE) {
            fprintf(stderr, "sqlite_insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(q);
        if (i % batch == batch - 1 || i == rows - 1)
            exec(db, "COMMIT");
    }
    double secs = now() - t0;
    printf("%ld %.3f %.0f\n", rows, secs, rows / secs);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return 0;
}

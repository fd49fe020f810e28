/* jobs.c - scheduled jobs (daily health snapshots, playbooks, survey sends) run once across
 * every process on a store: a run is a row of job_runs per workspace, job and slot (the period
 * it is for), claimed in a write transaction by the process that will run it and marked
 * finished after; whoever finds a finished row, or a live claim, skips the slot.
 *
 * A claim whose holder died must not block the slot for ever. On PostgreSQL the holder keeps
 * the job's advisory lock (a session lock, on the claiming connection) while it runs: a node
 * that gets the lock knows any unfinished claim is a dead node's and takes it over at once,
 * and a node that cannot get it skips without touching the table. SQLite has no such lock: a
 * claim is taken over when its lease ends. A job whose holder died mid-run may thus run twice
 * for a slot; jobs write what they make under keys derived from the slot, so a second run
 * rewrites rather than duplicates. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#include "base/strmap.h"

/* The advisory lock's key of a run (a job of a workspace for a slot): a hash, apart from the
 * store's own keys. A lock of the job alone would make a process skip a slot because another
 * runs an earlier one. */
static int64_t job_key(const struct store_job *j)
{
    char text[256];
    int n = snprintf(text, sizeof(text), "landfall job %lld %lld %s", (long long)j->ws,
                     (long long)j->slot, j->job);
    return (int64_t)hash_bytes(text, n < (int)sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

static void unlock(struct store *st, const struct store_job *j)
{
    if (st->ops->job_lock)
        st->ops->job_lock(st, job_key(j), false, NULL);
}

int store_job_claim(struct store *st, const struct store_job *j, struct lf_err *err)
{
    if (st->in_write || st->in_read)
        return err_set(err, LF_EINTERNAL, "store_job_claim inside a transaction");
    if (st->ops->job_lock) {
        int got = st->ops->job_lock(st, job_key(j), true, err);
        if (got <= 0)
            return got; /* another node runs it now */
    }
    if (store_begin(st, err) < 0)
        goto fail;
    struct sql *q = sql_static(st, "SELECT finished_at, lease_until FROM job_runs WHERE "
                                   "workspace_id = ?1 AND job = ?2 AND slot = ?3", err);
    if (!q)
        goto rollback;
    sql_bind_int(st, q, 1, j->ws);
    sql_bind_text(st, q, 2, j->job);
    sql_bind_int(st, q, 3, j->slot);
    int rc = sql_step(st, q, err);
    bool finished = false, live = false;
    if (rc > 0) {
        finished = !sql_null(st, q, 0);
        /* with the advisory lock held, an unfinished claim is a dead holder's */
        live = !st->ops->job_lock && sql_int(st, q, 1) > j->now;
    }
    sql_done(st, q);
    if (rc < 0)
        goto rollback;
    if (finished || live) {
        store_rollback(st);
        unlock(st, j);
        return 0;
    }
    q = sql_static(st,
                   "INSERT INTO job_runs(workspace_id, job, slot, node, started_at, lease_until) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (workspace_id, job, slot) DO "
                   "UPDATE SET node = excluded.node, started_at = excluded.started_at, "
                   "lease_until = excluded.lease_until, finished_at = NULL",
                   err);
    if (!q)
        goto rollback;
    sql_bind_int(st, q, 1, j->ws);
    sql_bind_text(st, q, 2, j->job);
    sql_bind_int(st, q, 3, j->slot);
    sql_bind_text(st, q, 4, j->node);
    sql_bind_int(st, q, 5, j->now);
    sql_bind_int(st, q, 6, j->now + j->lease_ms);
    if (sql_run(st, q, err) < 0)
        goto rollback;
    if (store_commit(st, err) < 0)
        goto fail;
    return 1;
rollback:
    store_rollback(st);
fail:
    unlock(st, j);
    return -1;
}

int store_job_end(struct store *st, const struct store_job *j, int64_t finished_at,
                  struct lf_err *err)
{
    int rc = 0;
    if (finished_at) {
        struct sql *q = NULL;
        rc = store_begin(st, err);
        if (rc == 0)
            q = sql_static(st, "UPDATE job_runs SET finished_at = ?4 WHERE workspace_id = ?1 "
                               "AND job = ?2 AND slot = ?3", err);
        if (q) {
            sql_bind_int(st, q, 1, j->ws);
            sql_bind_text(st, q, 2, j->job);
            sql_bind_int(st, q, 3, j->slot);
            sql_bind_int(st, q, 4, finished_at);
            rc = sql_run(st, q, err);
        } else {
            rc = -1;
        }
        if (rc == 0)
            rc = store_commit(st, err);
        else
            store_rollback(st);
    }
    unlock(st, j);
    return rc;
}

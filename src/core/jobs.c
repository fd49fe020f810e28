/* jobs.c - scheduled jobs that run once across the processes on a store (several `landfall
 * serve` nodes on one PostgreSQL database): a run claims its slot through the store (job_runs,
 * and PostgreSQL's advisory lock: store/jobs.c) on a connection of its own, kept for the run. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/time.h"
#include "core.h"

/* How long an SQLite claim holds against others when its holder may have died. */
#define LEASE_MS (15 * 60 * 1000)

int lf_job_run(struct lf *lf, const char *job, int64_t slot,
               int (*fn)(void *ctx, int64_t slot, struct lf_err *err), void *ctx,
               struct lf_err *err)
{
    char node[128], host[64] = "";
    gethostname(host, sizeof(host) - 1);
    snprintf(node, sizeof(node), "%s:%ld", host, (long)getpid());
    struct store_job j = {.ws = lf->w->info.id, .job = job, .slot = slot, .node = node,
                          .now = time_now_ms(), .lease_ms = LEASE_MS};
    struct store *st;
    if (!job || !*job)
        return err_set(err, LF_EINVAL, "a job needs a name");
    if (store_clone(lf->w->core->writer, &st, err) < 0)
        return -1;
    int rc = store_job_claim(st, &j, err);
    if (rc == 1) {
        /* the job's own writes go through lf, as any other; the claim's connection waits */
        int ran = fn(ctx, slot, err);
        struct lf_err end_err = {0};
        if (store_job_end(st, &j, ran < 0 ? 0 : time_now_ms(), &end_err) < 0 && ran >= 0) {
            *err = end_err;
            ran = -1;
        }
        rc = ran < 0 ? -1 : 1;
    }
    store_free(st);
    return rc;
}

/* jobs_race.c - a test helper of jobs.sh: one process scheduling a job, as a node would.
 * `jobs_race URL LOG upto N` runs job "race" for slots 1..N, each run appending "SLOT PID" to
 * LOG and pausing 20 ms (so that runs of other processes overlap); `one N` for slot N only;
 * `hang N` claims slot N, appends "N PID started" and sleeps until killed. Prints how many
 * slots it ran. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "landfall.h"

static int log_fd;
static int hang;

static int run(void *ctx, int64_t slot, struct lf_err *err)
{
    (void)ctx;
    (void)err;
    char line[64];
    int n = snprintf(line, sizeof(line), "%lld %ld%s\n", (long long)slot, (long)getpid(),
                     hang ? " started" : "");
    if (write(log_fd, line, (size_t)n) != n)
        return -1;
    if (hang)
        for (;;)
            pause();
    struct timespec t = {0, 20 * 1000000L};
    nanosleep(&t, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    struct lf *lf;
    struct lf_err err = {0};
    log_fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (log_fd < 0 || lf_open(argv[1], &lf, &err) < 0) {
        fprintf(stderr, "jobs_race: %s\n", err.msg);
        return 1;
    }
    hang = strcmp(argv[3], "hang") == 0;
    long n = strtol(argv[4], NULL, 10);
    long first = strcmp(argv[3], "upto") == 0 ? 1 : n, last = n;
    int ran = 0;
    for (long slot = first; slot <= last; slot++) {
        int rc = lf_job_run(lf, "race", slot, run, NULL, &err);
        if (rc < 0) {
            fprintf(stderr, "jobs_race: slot %ld: %s\n", slot, err.msg);
            return 1;
        }
        ran += rc;
    }
    printf("%d\n", ran);
    lf_close(lf);
    return 0;
}

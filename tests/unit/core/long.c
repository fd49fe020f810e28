/* long.c - the long computations (training the churn model, the backtests) run one at a time
 * per process: while one runs, another is refused with LF_ELIMIT (HTTP 429) naming what was
 * refused, and the next after it ends runs as before. Without this, callers asking for backtests
 * at once could hold every server thread. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/core.h"
#include "landfall.h"
#include "../scratch_db.h"

static char path[SCRATCH_DB_MAX];
static struct lf *lf;
static struct lf_err err;

static void setup(void)
{
    scratch_db_name(path, sizeof(path), "long");
    cr_assert_eq(lf_open(path, &lf, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
    lf_close(lf);
    scratch_db_remove(path);
}

TestSuite(long_work, .init = setup, .fini = teardown);

static int metric(const char *name)
{
    struct lf_table *t = NULL;
    err = (struct lf_err){0};
    int rc = lf_metric(lf, name, NULL, &t, &err);
    lf_table_free(t);
    return rc;
}

Test(long_work, one_at_a_time)
{
    cr_assert_eq(core_long_begin(lf, "a test", &err), 0, "%s", err.msg);
    /* a second, from any caller of the process, is refused and says why */
    cr_assert_eq(core_long_begin(lf, "another", &err), -1);
    cr_expect_eq(err.code, LF_ELIMIT);
    cr_expect(strstr(err.msg, "another: another model training or backtest is running"),
              "%s", err.msg);
    cr_expect_eq(metric("health-backtest"), -1);
    cr_expect_eq(err.code, LF_ELIMIT, "%s", err.msg);
    cr_expect(strstr(err.msg, "health-backtest:"), "%s", err.msg);
    cr_expect_eq(metric("churn-backtest"), -1);
    cr_expect_eq(err.code, LF_ELIMIT, "%s", err.msg);
    struct lf_churn_train_opts o = {0};
    struct lf_churn_report rep;
    err = (struct lf_err){0};
    cr_expect_eq(lf_churn_train(lf, &o, &rep, &err), -1);
    cr_expect_eq(err.code, LF_ELIMIT, "%s", err.msg);
    /* a metric that is not long is not held up */
    cr_expect_eq(metric("mrr"), 0, "%s", err.msg);
    core_long_end(lf);

    /* once it ended, the next runs: on an empty store a backtest answers (no observations)
     * and training is refused for its own reason (no churners), not for the gate */
    cr_expect_eq(metric("health-backtest"), 0, "%s", err.msg);
    err = (struct lf_err){0};
    cr_expect_eq(lf_churn_train(lf, &o, &rep, &err), -1);
    cr_expect_eq(err.code, LF_EINVAL, "%s", err.msg);
    /* and its refusal released the gate */
    cr_assert_eq(core_long_begin(lf, "a test", &err), 0, "%s", err.msg);
    core_long_end(lf);
}

/* survival.c - Kaplan–Meier survival of accounts with Greenwood standard errors and log-scale
 * 95 % intervals (as R survival's survfit), and the median lifetime. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

#define Z975 1.959963984540054 /* the 97.5 % normal quantile */

static int obs_cmp(const void *pa, const void *pb)
{
    const struct km_obs *x = pa, *y = pb;
    return x->time < y->time ? -1 : x->time > y->time;
}

size_t km_compute(struct km_obs *obs, size_t nr, struct km_row **rows, struct km_median *median)
{
    *rows = NULL;
    *median = (struct km_median){NAN, NAN, NAN};
    if (nr == 0)
        return 0;
    qsort(obs, nr, sizeof(*obs), obs_cmp);
    size_t out = 0, cap = 0, i = 0;
    double s = 1.0, greenwood = 0.0;
    int64_t censored = 0;
    while (i < nr) {
        double t = obs[i].time;
        int64_t at_risk = (int64_t)(nr - i), events = 0, cens = 0;
        for (; i < nr && obs[i].time == t; i++) {
            if (obs[i].event)
                events++;
            else
                cens++;
        }
        censored += cens;
        if (!events)
            continue;
        s *= 1.0 - (double)events / (double)at_risk;
        struct km_row r = {.time = t, .at_risk = at_risk, .events = events, .censored = censored,
                           .survival = s, .std_err = NAN, .lower = NAN, .upper = NAN};
        censored = 0;
        if (events < at_risk) {
            greenwood += (double)events / ((double)at_risk * (double)(at_risk - events));
            double se_log = sqrt(greenwood);
            r.std_err = s * se_log;
            r.lower = s * exp(-Z975 * se_log);
            r.upper = fmin(1.0, s * exp(Z975 * se_log));
        }
        *rows = xgrow(*rows, sizeof(**rows), out + 1, &cap);
        (*rows)[out++] = r;
    }
    /* the median and its interval: the first times each curve reaches 0.5 */
    for (size_t k = 0; k < out; k++) {
        const struct km_row *r = &(*rows)[k];
        if (isnan(median->median) && r->survival <= 0.5 + 1e-12) {
            median->median = r->time;
            if (fabs(r->survival - 0.5) < 1e-12 && k + 1 < out)
                median->median = (r->time + (*rows)[k + 1].time) / 2;
        }
        if (isnan(median->lower) && !isnan(r->lower) && r->lower <= 0.5)
            median->lower = r->time;
        if (isnan(median->upper) && !isnan(r->upper) && r->upper <= 0.5)
            median->upper = r->time;
    }
    return out;
}

int engine_survival(struct engine *e, const struct engine_query *q, struct engine_survival *out,
                    struct lf_err *err)
{
    *out = (struct engine_survival){0};
    if (q->by == ENGINE_BY_ACCOUNT)
        return err_set(err, LF_EUSAGE, "survival curves are by segment or plan, not account");
    pthread_rwlock_rdlock(&e->lock);
    struct eng_grouping g = {0};
    struct km_obs **obs = NULL;
    size_t *obs_nr = NULL, *obs_cap = NULL;
    int rc = eng_grouping_make(e, q, &g, err);
    if (rc < 0)
        goto out;
    size_t G = g.groups.nr;
    obs = xcalloc(G, sizeof(*obs));
    obs_nr = xcalloc(G, sizeof(*obs_nr));
    obs_cap = xcalloc(G, sizeof(*obs_cap));
    out->curves = xcalloc(G, sizeof(*out->curves));
    for (size_t a = 1; a < e->acc_nr; a++) {
        const struct eng_account *ac = &e->acc[a];
        uint32_t gi = g.of[a];
        /* subscriptions: an account that never paid cannot churn */
        if (gi == UINT32_MAX || !eng_started(ac, q->now) || ac->first_paid == LF_UNSET ||
            ac->first_paid >= q->now)
            continue;
        bool churned = ac->churned_at != LF_UNSET && ac->churned_at < q->now;
        int64_t end = churned ? ac->churned_at : q->now;
        obs[gi] = xgrow(obs[gi], sizeof(**obs), obs_nr[gi] + 1, &obs_cap[gi]);
        obs[gi][obs_nr[gi]++] = (struct km_obs){(double)(end - ac->start) / MS_PER_DAY, churned};
        out->curves[gi].accounts++;
        out->curves[gi].churned += churned;
    }
    for (size_t gi = 0; gi < G; gi++) {
        struct engine_survival_group *c = &out->curves[gi];
        c->nr = km_compute(obs[gi], obs_nr[gi], &c->rows, &c->median);
        free(obs[gi]);
    }
    out->groups = g.groups;
    g.groups = (struct engine_groups){0};
out:
    eng_grouping_release(&g);
    free(obs);
    free(obs_nr);
    free(obs_cap);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_survival_free(struct engine_survival *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->groups.nr; i++)
        free(s->curves[i].rows);
    free(s->curves);
    eng_groups_release(&s->groups);
    *s = (struct engine_survival){0};
}

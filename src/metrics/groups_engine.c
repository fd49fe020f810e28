/* groups_engine.c - `by` and `where` for the analytics engine: a custom grouping of the
 * workspace's accounts (one group per combination of the account dims' values, or one per
 * account), leaving out the accounts the filters refuse. */
#include "usage_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"

static uint32_t group_of(void *ctx, int64_t id)
{
    const struct usage_groups *u = ctx;
    if (u->all)
        return 0;
    if (!id) /* events without an account: only an unfiltered, ungrouped query has them */
        return u->with_unknown ? 0 : ENGINE_NO_GROUP;
    if (u->ids) {
        size_t lo = 0, hi = u->ids_nr;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u->ids[mid] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < u->ids_nr && u->ids[lo] == id ? u->ids_group[lo] : ENGINE_NO_GROUP;
    }
    const struct metric_account *a = metric_account(u->c, id);
    return a ? u->of[a - u->c->acc] : ENGINE_NO_GROUP;
}

static int label_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

int usage_groups_make(struct usage_groups *u, struct metric_ctx *c, bool per_account,
                      struct lf_err *err)
{
    struct strmap index;
    struct buf key = BUF_INIT;
    size_t cap = 0;
    memset(u, 0, sizeof(*u));
    u->c = c;
    if (!per_account && !c->by_nr && !c->where_nr) {
        /* every account, and the events without one: reading the workspace's accounts (a
         * tenth of a second at 100 000) would tell nothing */
        u->labels = xmalloc(sizeof(*u->labels));
        u->labels[u->nr++] = xstrdup("all");
        u->with_unknown = u->all = true;
        snprintf(u->key, sizeof(u->key), "all");
        u->custom = (struct engine_custom_groups){
            .group_of = group_of, .ctx = u, .nr = 1, .labels = (const char *const *)u->labels};
        return 0;
    }
    if (!per_account && usage_groups_recall(u, c)) {
        u->custom = (struct engine_custom_groups){.group_of = group_of,
                                                  .ctx = u,
                                                  .nr = u->nr,
                                                  .labels = (const char *const *)u->labels};
        return 0;
    }
    if (metric_accounts(c, err) < 0)
        return -1;
    bool filtered = false;
    for (size_t i = 0; i < c->where_nr; i++)
        filtered |= dim_of_account(c->where[i].dim);
    u->of = xmalloc((c->acc_nr ? c->acc_nr : 1) * sizeof(*u->of));
    strmap_init(&index);
    if (!per_account && !c->by_nr) {
        /* one group, "all": every account that passes, and unaccounted events when none is
         * filtered out */
        u->labels = xmalloc(sizeof(*u->labels));
        u->labels[u->nr++] = xstrdup("all");
        u->with_unknown = !filtered;
    }
    for (size_t i = 0; i < c->acc_nr; i++) {
        const struct metric_account *a = &c->acc[i];
        u->of[i] = ENGINE_NO_GROUP;
        if (!metric_account_passes(c, a))
            continue;
        if (!per_account && !c->by_nr) {
            u->of[i] = 0;
            continue;
        }
        buf_reset(&key);
        if (per_account) {
            buf_adds(&key, a->ext_id);
        } else {
            for (size_t k = 0; k < c->by_nr; k++) {
                if (k)
                    buf_addc(&key, '\x1f');
                buf_adds(&key, metric_account_value(a, c->by[k]));
            }
        }
        int64_t g;
        if (!strmap_get(&index, key.ptr, key.len, &g)) {
            u->labels = xgrow(u->labels, sizeof(*u->labels), u->nr + 1, &cap);
            u->account_ids = per_account ? xrealloc(u->account_ids, cap * sizeof(int64_t))
                                         : u->account_ids;
            if (per_account)
                u->account_ids[u->nr] = a->id;
            u->labels[u->nr] = xstrdup(buf_str(&key));
            g = (int64_t)u->nr++;
            strmap_put(&index, key.ptr, key.len, g);
        }
        u->of[i] = (uint32_t)g;
    }
    strmap_release(&index);
    buf_release(&key);
    /* sorted labels (per account: the accounts' order, as the store lists them) */
    if (!per_account && c->by_nr && u->nr > 1) {
        char **sorted = xmalloc(u->nr * sizeof(*sorted));
        uint32_t *renum = xmalloc(u->nr * sizeof(*renum));
        memcpy(sorted, u->labels, u->nr * sizeof(*sorted));
        qsort(sorted, u->nr, sizeof(*sorted), label_cmp);
        for (size_t i = 0; i < u->nr; i++)
            for (size_t j = 0; j < u->nr; j++)
                if (sorted[j] == u->labels[i])
                    renum[i] = (uint32_t)j;
        for (size_t i = 0; i < c->acc_nr; i++)
            if (u->of[i] != ENGINE_NO_GROUP)
                u->of[i] = renum[u->of[i]];
        free(u->labels);
        u->labels = sorted;
        free(renum);
    }
    /* the key: a hash of the groups' labels and of every account's group */
    uint64_t h = hash_bytes(&per_account, sizeof(per_account));
    uint64_t mix[3] = {h, u->nr, u->with_unknown};
    h = hash_bytes(mix, sizeof(mix));
    for (size_t i = 0; i < u->nr; i++) {
        mix[0] = h;
        mix[1] = hash_bytes(u->labels[i], strlen(u->labels[i]) + 1);
        h = hash_bytes(mix, 2 * sizeof(*mix));
    }
    for (size_t i = 0; i < c->acc_nr; i++) {
        mix[0] = h;
        mix[1] = (uint64_t)c->acc[i].id;
        mix[2] = u->of[i];
        h = hash_bytes(mix, sizeof(mix));
    }
    snprintf(u->key, sizeof(u->key), "%zu:%016llx", u->nr, (unsigned long long)h);
    if (!per_account)
        usage_groups_remember(u, c);
    u->custom = (struct engine_custom_groups){.group_of = group_of,
                                              .ctx = u,
                                              .nr = u->nr,
                                              .labels = (const char *const *)u->labels,
                                              .account_ids = u->account_ids};
    return 0;
}

void usage_groups_release(struct usage_groups *u)
{
    for (size_t i = 0; i < u->nr; i++)
        free(u->labels[i]);
    free(u->labels);
    free(u->account_ids);
    free(u->of);
    free(u->ids);
    free(u->ids_group);
    memset(u, 0, sizeof(*u));
}

void usage_split_label(const struct metric_ctx *c, const char *label, char *buf, size_t size,
                       const char *out[METRIC_BY_MAX])
{
    snprintf(buf, size, "%s", label);
    char *p = buf;
    for (size_t k = 0; k < c->by_nr; k++) {
        out[k] = p;
        char *sep = strchr(p, '\x1f');
        if (sep) {
            *sep = '\0';
            p = sep + 1;
        }
    }
}

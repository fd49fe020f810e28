/* currency.c - the currency of each account an import names, so that its money columns are
 * read in the right minor units: every account of the workspace is read once, when first
 * needed. */
#include "ingest_int.h"

#include <string.h>

#include "base/mem.h"

static void put(struct ingest *in, const char *ext, const char *currency)
{
    int64_t i;
    if (!strmap_get(&in->currency_of, ext, strlen(ext), &i)) {
        in->currencies = xgrow(in->currencies, sizeof(*in->currencies), in->currencies_nr + 1,
                               &in->currencies_cap);
        i = (int64_t)in->currencies_nr++;
        strmap_put(&in->currency_of, ext, strlen(ext), i);
    }
    snprintf(in->currencies[i], sizeof(in->currencies[i]), "%s", currency ? currency : "USD");
}

static int on_account(void *ctx, const struct account *a, struct lf_err *err)
{
    (void)err;
    put(ctx, a->ext_id, a->currency);
    return 0;
}

int ingest_currency(struct ingest *in, const char *account_ext, const char **out,
                    struct lf_err *err)
{
    int64_t i;
    *out = NULL;
    if (!in->preloaded) {
        if (store_accounts_scan(in->st, in->ws, on_account, in, err) < 0)
            return -1;
        in->preloaded = true;
    }
    if (account_ext && strmap_get(&in->currency_of, account_ext, strlen(account_ext), &i))
        *out = in->currencies[i];
    return 0;
}

void ingest_currency_put(struct ingest *in, const char *account_ext, const char *currency)
{
    if (in->preloaded)
        put(in, account_ext, currency);
}

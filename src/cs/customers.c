/* customers.c - repeat purchase rate and customer acquisition rate. */
#include "cs.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

/* A customer: the order's contact when it has one, else its account. */
struct customer {
    int64_t is_contact, id;
};

static int customer_cmp(const void *pa, const void *pb)
{
    const struct customer *x = pa, *y = pb;
    if (x->is_contact != y->is_contact)
        return x->is_contact < y->is_contact ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void cs_repeat_compute(const struct order *o, size_t nr, struct cs_repeat *out)
{
    *out = (struct cs_repeat){.orders = (int64_t)nr, .repeat_purchase_rate = NAN};
    if (nr == 0)
        return;
    struct customer *c = xmalloc(nr * sizeof(*c));
    for (size_t i = 0; i < nr; i++)
        c[i] = o[i].contact_id > 0 ? (struct customer){1, o[i].contact_id}
                                   : (struct customer){0, o[i].account_id};
    qsort(c, nr, sizeof(*c), customer_cmp);
    for (size_t i = 0; i < nr;) {
        size_t j = i + 1;
        while (j < nr && customer_cmp(&c[i], &c[j]) == 0)
            j++;
        out->customers++;
        if (j - i >= 2)
            out->repeat_customers++;
        i = j;
    }
    free(c);
    out->repeat_purchase_rate = (double)out->repeat_customers / (double)out->customers;
}

int64_t cs_customer_since(const struct cs_account *a)
{
    int64_t since = a->first_order;
    for (size_t i = 0; i < a->changes_nr; i++)
        if (a->changes[i].mrr > 0) {
            if (since == LF_UNSET || a->changes[i].date < since)
                since = a->changes[i].date;
            break;
        }
    return since;
}

void cs_acquisition_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                            struct cs_acquisition *out)
{
    *out = (struct cs_acquisition){.acquisition_rate = NAN};
    for (size_t i = 0; i < nr; i++) {
        int64_t since = cs_customer_since(&a[i]);
        if (since == LF_UNSET)
            continue;
        if (since >= from && since < to)
            out->new_customers++;
        else if (cs_mrr_at(&a[i], from) > 0 ||
                 (a[i].first_order != LF_UNSET && a[i].first_order < from))
            out->customers_start++;
    }
    if (out->customers_start)
        out->acquisition_rate = (double)out->new_customers / (double)out->customers_start;
}

/* demo_account.c - the simulated account: rows in reusable arrays, strings in one text. */
#include "demo_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void sim_init(struct sim_account *a)
{
    memset(a, 0, sizeof(*a));
    buf_init(&a->text);
}

void sim_release(struct sim_account *a)
{
    buf_release(&a->text);
    free(a->contacts);
    free(a->events);
    free(a->mrr);
    free(a->tps);
    free(a->resps);
    free(a->orders);
    free(a->fus);
    sim_init(a);
}

void sim_reset(struct sim_account *a, int64_t index)
{
    struct sim_account keep = *a;
    memset(a, 0, sizeof(*a));
    a->index = index;
    a->renewal_date = LF_UNSET;
    a->seats = LF_UNSET;
    a->name = a->attrs = NO_TEXT;
    a->text = keep.text;
    buf_reset(&a->text);
#define KEEP(f) (a->f = keep.f, a->f##_cap = keep.f##_cap)
    KEEP(contacts);
    KEEP(events);
    KEEP(mrr);
    KEEP(tps);
    KEEP(resps);
    KEEP(orders);
    KEEP(fus);
#undef KEEP
}

const char *sim_str(const struct sim_account *a, size_t off)
{
    return off == NO_TEXT ? NULL : a->text.ptr + off;
}

size_t sim_text_end(struct sim_account *a, size_t start)
{
    buf_addc(&a->text, '\0');
    return start;
}

size_t sim_email(struct sim_account *a, const char *first, const char *last, const char *tag,
                 const char *domain)
{
    size_t start = a->text.len;
    buf_addf(&a->text, "%s.%s%s@%s", first, last, tag, domain);
    for (char *p = a->text.ptr + start; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return sim_text_end(a, start);
}

size_t sim_textf(struct sim_account *a, const char *fmt, ...)
{
    size_t start = a->text.len;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&a->text, fmt, ap);
    va_end(ap);
    return sim_text_end(a, start);
}

int sim_add_contact(struct sim_account *a, const char *role, int64_t created_at, double activity)
{
    a->contacts = xgrow(a->contacts, sizeof(*a->contacts), a->contacts_nr + 1, &a->contacts_cap);
    struct sim_contact *c = &a->contacts[a->contacts_nr];
    memset(c, 0, sizeof(*c));
    c->role = role;
    c->created_at = created_at;
    c->activity = activity;
    c->name = c->email = NO_TEXT;
    return (int)a->contacts_nr++;
}

int sim_add_touchpoint(struct sim_account *a, int64_t ts, int contact, const char *channel,
                       const char *stage, const char *team, const char *kind)
{
    a->tps = xgrow(a->tps, sizeof(*a->tps), a->tps_nr + 1, &a->tps_cap);
    struct sim_touchpoint *t = &a->tps[a->tps_nr];
    memset(t, 0, sizeof(*t));
    t->ts = ts;
    t->contact = contact;
    t->channel = channel;
    t->stage = stage;
    t->team = team;
    t->kind = kind;
    t->duration = NAN;
    t->text = t->attrs = NO_TEXT;
    return (int)a->tps_nr++;
}

int sim_add_response(struct sim_account *a, int64_t ts, int contact, int survey, int score)
{
    a->resps = xgrow(a->resps, sizeof(*a->resps), a->resps_nr + 1, &a->resps_cap);
    struct sim_response *s = &a->resps[a->resps_nr];
    s->ts = ts;
    s->contact = contact;
    s->survey = survey;
    s->score = score;
    s->touchpoint = -1;
    s->comment = NO_TEXT;
    return (int)a->resps_nr++;
}

void sim_add_event(struct sim_account *a, int64_t ts, int contact, int feature, int32_t value)
{
    a->events = xgrow(a->events, sizeof(*a->events), a->events_nr + 1, &a->events_cap);
    a->events[a->events_nr++] = (struct sim_event){
        .ts = ts, .contact = contact, .feature = (int16_t)feature, .value = value};
}

void sim_add_mrr(struct sim_account *a, int64_t date, int64_t mrr, const char *reason)
{
    a->mrr = xgrow(a->mrr, sizeof(*a->mrr), a->mrr_nr + 1, &a->mrr_cap);
    a->mrr[a->mrr_nr++] = (struct sim_mrr){.date = date, .mrr = mrr, .reason = reason};
}

void sim_add_order(struct sim_account *a, int64_t ts, int64_t amount, int contact)
{
    a->orders = xgrow(a->orders, sizeof(*a->orders), a->orders_nr + 1, &a->orders_cap);
    a->orders[a->orders_nr++] = (struct sim_order){.ts = ts, .amount = amount, .contact = contact};
}

/* Every field takes part, so that equal keys mean equal events and the order is the same on
 * every run whatever qsort does with ties. */
static int event_cmp(const void *pa, const void *pb)
{
    const struct sim_event *x = pa, *y = pb;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->contact != y->contact)
        return x->contact < y->contact ? -1 : 1;
    if (x->feature != y->feature)
        return x->feature < y->feature ? -1 : 1;
    return (x->value > y->value) - (x->value < y->value);
}

void sim_sort_events(struct sim_account *a)
{
    if (a->events_nr > 1)
        qsort(a->events, a->events_nr, sizeof(*a->events), event_cmp);
}

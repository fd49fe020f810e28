/* cs.h - revenue and retention metrics of the success side: MRR movements, logo churn, GRR, NRR,
 * churn reasons, contractual CLV, repeat purchases and customer acquisition.
 *
 * The functions are pure: arrays of accounts' histories in, figures out, no store. Money is int64
 * minor units of one currency (the caller never mixes currencies in one call); a figure that is
 * undefined (no accounts at the start, no churn…) is NAN. Periods are half-open [from, to).
 * Definitions: docs/metrics.md. */
#ifndef CS_CS_H
#define CS_CS_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* What the metrics need of one account: its MRR history and its first order. */
struct cs_account {
    const struct mrr_change *changes; /* borrowed, sorted by date, at most one per date */
    size_t changes_nr;
    int64_t first_order; /* ms of its first order, LF_UNSET when it has none */
};

/* The account's MRR "at" t: the mrr of its latest change dated strictly before t, 0 when none.
 * So MRR at a period's start counts changes before it, and at its end all changes inside it. */
int64_t cs_mrr_at(const struct cs_account *a, int64_t t);

/* The endpoint method over [from, to), for the accounts with MRR > 0 at `from` (accounts new in
 * the period count in none of the figures): accounts_start of them, churned = those with MRR 0 at
 * `to`; mrr_start / mrr_end = their summed MRR at from / to; mrr_retained = Σ min(end, start).
 * logo_churn_rate = churned / accounts_start, grr = mrr_retained / mrr_start, nrr = mrr_end /
 * mrr_start: fractions, NAN when accounts_start is 0. */
struct cs_retention {
    int64_t accounts_start, churned;
    int64_t mrr_start, mrr_end, mrr_retained;
    double logo_churn_rate, grr, nrr;
};
void cs_retention_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                          struct cs_retention *out);

/* The MRR movement of [from, to): each account's change from start = MRR at `from` to end = MRR
 * at `to` falls in exactly one class: new (0 → > 0, never paid before `from`), reactivation
 * (0 → > 0, paid at some time before `from`), expansion (end > start > 0), contraction
 * (0 < end < start), churn (start > 0, end 0). Amounts are positive; so
 * ending = starting + new + expansion + reactivation − contraction − churn, exactly. */
struct cs_movement {
    int64_t starting, ending;
    int64_t new_mrr, expansion, contraction, churn, reactivation;
    int64_t new_accounts, expanded, contracted, churned, reactivated;
};
void cs_movement_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                         struct cs_movement *out);

/* Churn reasons: every change dated in [from, to) that sets an account's MRR to 0 from a
 * positive MRR is one churn, with the reason of that change ("(none)" when it has none) and
 * lost_mrr the MRR just before it. An account that churns twice in the period counts twice.
 * share = churned / all churns of the period. */
struct cs_reason {
    const char *reason; /* borrowed from the changes, or the static "(none)" */
    int64_t churned, lost_mrr;
    double share;
};
/* Fills *out (the caller's: free()) with one entry per reason, most churns first, then most
 * lost MRR, then by reason; returns how many. */
size_t cs_churn_reasons(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                        struct cs_reason **out);

/* Contractual CLV over [from, to): paying = accounts with MRR > 0 at `to`, arpa = their mean MRR
 * (minor units, unrounded); monthly churn: every calendar month (of zone z) overlapping the
 * period, cut
 * to it, is one endpoint period (cs_retention_compute); churned and at_risk sum its churned and
 * accounts_start, monthly_churn_rate = churned / at_risk (NAN when at_risk is 0).
 * clv = arpa × margin / monthly_churn_rate (NAN when there is no paying account or no churn). */
struct cs_clv {
    int64_t paying, churned, at_risk;
    double arpa, monthly_churn_rate, margin, clv;
};
struct tz;
void cs_clv_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to, double margin,
                    const struct tz *z, struct cs_clv *out);

/* Repeat purchases over the orders given (the caller picks those of the period): a customer is
 * the order's contact when it has one, else its account. customers = those with ≥ 1 order,
 * repeat_customers = with ≥ 2, repeat_purchase_rate = repeat / customers (NAN when none). */
struct cs_repeat {
    int64_t orders, customers, repeat_customers;
    double repeat_purchase_rate;
};
void cs_repeat_compute(const struct order *o, size_t nr, struct cs_repeat *out);

/* Customer acquisition over [from, to), at account level: an account becomes a customer at its
 * first MRR > 0 (the date of its first change with mrr > 0) or its first order, whichever comes
 * first. customers_start = accounts paying at `from` (MRR > 0) or with an order before `from`;
 * new_customers = accounts that became customers in [from, to); acquisition_rate =
 * new_customers / customers_start (NAN when customers_start is 0). */
struct cs_acquisition {
    int64_t customers_start, new_customers;
    double acquisition_rate;
};
void cs_acquisition_compute(const struct cs_account *a, size_t nr, int64_t from, int64_t to,
                            struct cs_acquisition *out);

/* When account a first became a customer (see above), LF_UNSET when never. */
int64_t cs_customer_since(const struct cs_account *a);

#endif

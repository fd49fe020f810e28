/* model.h - the domain rows of DESIGN.md as plain structs, and their validation.
 *
 * Strings are borrowed (const char *, NUL-terminated, UTF-8) and NULL when a value was not given,
 * so an upsert keeps what is stored. Integers use LF_UNSET for "not given". Times are int64 ms
 * since the epoch (UTC); money is int64 minor units of the account's currency. Internal ids are
 * dense int64s assigned by the store (0 until stored); external ids are the customer's strings. */
#ifndef MODEL_MODEL_H
#define MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define LF_UNSET INT64_MIN

struct account {
    int64_t id;
    const char *ext_id;
    const char *name, *plan, *segment, *currency, *stage, *owner;
    int64_t mrr;               /* current MRR, minor units; derived from mrr_changes when stored */
    int64_t seats;
    int64_t customer_since;    /* ms, a day start */
    int64_t renewal_date;      /* ms, a day start */
    const char *attrs_json;    /* custom attributes as a JSON object, or NULL */
    bool stub;                 /* created for an unknown reference, details unknown */
};

struct contact {
    int64_t id, account_id;
    const char *ext_id, *account_ext_id;
    const char *email, *name, *role;
    int64_t created_at;
    const char *attrs_json;
};

/* One point of an account's MRR history: from `date` on, the account pays `mrr`. */
struct mrr_change {
    int64_t id, account_id;
    const char *account_ext_id;
    int64_t date;              /* ms, a day start */
    int64_t mrr;               /* minor units, >= 0; 0 means churned */
    const char *reason;        /* why it churned or contracted; NULL when not given */
};

struct order {
    int64_t id, account_id, contact_id; /* contact_id 0 when the customer is an account */
    const char *ext_id, *customer_ext_id;
    int64_t ts;
    int64_t amount;            /* minor units */
};

struct event {
    int64_t id, account_id, contact_id; /* account_id/contact_id 0 when unknown */
    const char *message_id, *account_ext_id, *user_ext_id, *name;
    int64_t ts;
    double value;              /* NAN when the event carries no value */
    bool has_value;
    const char *props_json;
};

/* Journey stages, channels and teams are closed vocabularies (DESIGN.md). */
extern const char *const model_stages[];   /* NULL-terminated */
extern const char *const model_channels[];
extern const char *const model_teams[];
extern const char *const model_touchpoint_statuses[];

struct touchpoint {
    int64_t id, account_id, contact_id;
    const char *ext_id, *account_ext_id, *contact_ext_id;
    int64_t ts;
    const char *channel, *stage, *team, *kind;
    double duration_minutes;   /* NAN when not given; for tickets, the time to resolution */
    const char *status;        /* open | resolved; NULL for interactions that have none */
    const char *text;
    const char *attrs_json;
};

enum survey_kind { SURVEY_NPS, SURVEY_CSAT, SURVEY_CES, SURVEY_CUSTOM };

struct survey {
    int64_t id;
    const char *ext_id;        /* "nps", "csat", "ces" for the built-in ones */
    int kind;                  /* enum survey_kind */
    const char *name;
    int scale_min, scale_max;
    bool higher_is_better;
};

struct response {
    int64_t id, account_id, contact_id, survey_id, touchpoint_id; /* 0 when absent */
    const char *ext_id, *account_ext_id, *contact_ext_id, *survey_ext_id, *touchpoint_ext_id;
    int64_t ts;
    int score;
    const char *comment;
};

/* Returns true when s is one of the NULL-terminated vocabulary. */
bool model_in_vocab(const char *const *vocab, const char *s);

/* Parses a decimal amount ("1234.5", "-3", "1,234.56" is refused) into minor units of currency
 * (2 decimals unless the ISO 4217 currency has 0 or 3). Returns 0, or -1 with *why set. */
int model_money_parse(const char *s, const char *currency, int64_t *out, const char **why);
/* The largest amount, in minor units, of any money field (10^13: 100 billion in a currency of
 * cents), so that a sum over 900 000 accounts cannot overflow int64 in the reports. */
#define MODEL_MONEY_MAX INT64_C(10000000000000)
int model_currency_exponent(const char *currency);
/* True for three upper-case ASCII letters. */
bool model_currency_valid(const char *s);

/* Checks a score against its survey's scale. Returns 0, or -1 with err set. */
int model_score_check(const struct survey *sv, int score, struct lf_err *err);

#endif

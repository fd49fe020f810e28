/* resource.h - every table a client writes, as data: its fields with their types, checks and
 * references, its key and identity, and the hooks its writes trigger. The store generates its
 * SQL from these definitions, the write path validates rows against them, and the REST API,
 * the OpenAPI document and the docs are built from them: adding a field is one line here. */
#ifndef MODEL_RESOURCE_H
#define MODEL_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum field_type {
    FIELD_TEXT,
    FIELD_INT,
    FIELD_REAL,
    FIELD_TIME,  /* int64 ms; ISO 8601 in JSON */
    FIELD_DATE,  /* int64 ms of a UTC day start; "YYYY-MM-DD" in JSON */
    FIELD_MONEY, /* int64 minor units of the row's (or its account's) currency */
    FIELD_BOOL,
    FIELD_JSON,  /* a JSON object stored as text */
    FIELD_REF,   /* an internal id in the table, the referenced row's external id outside */
    FIELD_DICT,  /* text stored as a code of a per-workspace dictionary (event names) */
};

enum field_flag {
    FIELD_REQUIRED = 1 << 0, /* must be given when a row is created (and on replace) */
    FIELD_READONLY = 1 << 1, /* set by landfall, refused in a request body */
    FIELD_KEY = 1 << 2,      /* the resource's key in URLs: an external id, or the serial id */
    FIELD_DERIVED = 1 << 3,  /* kept by landfall from other rows; writing it runs a hook */
    FIELD_IDENTITY = 1 << 4, /* part of the natural key upserts find a serial-keyed row by */
    FIELD_WEAK = 1 << 5,     /* a REF without a foreign key (the events table stays narrow) */
    FIELD_MERGE = 1 << 6,    /* a REF to the row's own resource, written alone: merges the row
                              * into the one named. A merged row is hidden; its key, and every
                              * row naming it, answer as the one it was merged into. Never read
                              * back (store/merge.c) */
};

/* Checks beyond the type, run on every write whatever its source. */
enum field_check {
    CHECK_NONE,
    CHECK_NONNEG,   /* INT, REAL, MONEY >= 0 */
    CHECK_CURRENCY, /* three upper-case letters (ISO 4217) */
    CHECK_EMAIL,    /* one '@' with text on both sides, no blanks */
    CHECK_PAST,     /* TIME/DATE: from 1970 to at most a day after now (events, tickets…) */
    CHECK_RANGE,    /* INT within [min, max] */
};

struct resource_def;

struct field_def {
    const char *name;               /* the JSON name, and the import column */
    const char *column;             /* the column in the resource's table */
    int type;                       /* enum field_type */
    unsigned flags;                 /* enum field_flag */
    const struct resource_def *ref; /* FIELD_REF: the resource referred to */
    const char *const *vocab;       /* FIELD_TEXT: the allowed values, or NULL */
    const char *dflt;               /* FIELD_TEXT: what a create or replace without it stores */
    int check;                      /* enum field_check */
    int64_t min, max;               /* CHECK_RANGE */
    size_t max_len;                 /* TEXT, DICT, JSON, REF: bytes; 0 = the type's default */
    const char *doc;                /* one line for the API reference */
};

/* Side effects a resource's writes have beyond its own row, run by the store's write path. */
enum resource_hook {
    HOOK_MRR_POINT = 1 << 0,       /* accounts: a given `mrr` is a point of the MRR history
                                    * (at customer_since when it has none, else today) */
    HOOK_MRR_SYNC = 1 << 1,        /* mrr_changes: the account's current MRR follows its latest
                                    * point after every write and delete */
    HOOK_CONTACT_ACCOUNT = 1 << 2, /* a row naming a contact but no account takes the
                                    * contact's */
    HOOK_SURVEY_SCALE = 1 << 3,    /* responses: the score lies on its survey's scale */
    HOOK_BUILTIN = 1 << 4,         /* surveys: nps, csat and ces are built in and fixed */
};

#define RESOURCE_MAX_FIELDS 24

struct value;

struct resource_def {
    const char *name;     /* "accounts": the table, the URL segment, the import kind */
    const char *singular; /* "account", for messages */
    int code;             /* a stable number for the change log; never reused */
    bool ext_key;         /* keyed by an external id (text) rather than by the serial id */
    bool append_only;     /* rows are never updated: a key seen before is skipped (events) */
    const struct field_def *fields;
    size_t fields_nr;
    unsigned hooks;       /* enum resource_hook */
    /* Rules across the fields of one row (the given ones), or NULL. */
    int (*check)(const struct resource_def *def, const struct value *v, uint64_t given,
                 struct lf_err *err);
    /* Tables whose rows name this one without a foreign key; a delete is refused while any
     * does. "table.column", NULL-ended. */
    const char *const *weak_refs;
    const char *doc;      /* one line for the API reference */
};

/* One field's value between the edges, the write path and the store. */
struct value {
    bool null;
    int64_t i;     /* INT, TIME, DATE, MONEY, BOOL, DICT code; REF: the internal id (0 unknown) */
    double r;      /* REAL */
    const char *s; /* TEXT, JSON, DICT, an ext key; REF: the referenced external id, or NULL
                    * when only the internal id is known */
};

/* Field indexes of each resource (the order of its field list). */
enum { ACCOUNT_ID, ACCOUNT_NAME, ACCOUNT_PLAN, ACCOUNT_SEGMENT, ACCOUNT_MRR, ACCOUNT_CURRENCY,
       ACCOUNT_SEATS, ACCOUNT_STAGE, ACCOUNT_OWNER, ACCOUNT_SINCE, ACCOUNT_RENEWAL,
       ACCOUNT_ATTRS, ACCOUNT_STUB, ACCOUNT_NR };
enum { CONTACT_ID, CONTACT_ACCOUNT, CONTACT_EMAIL, CONTACT_NAME, CONTACT_ROLE, CONTACT_CREATED,
       CONTACT_ATTRS, CONTACT_MERGED, CONTACT_NR };
enum { MRR_ID, MRR_ACCOUNT, MRR_DATE, MRR_MRR, MRR_REASON, MRR_NR };
enum { ORDER_ID, ORDER_ACCOUNT, ORDER_CONTACT, ORDER_TS, ORDER_AMOUNT, ORDER_NR };
enum { EVENT_ID, EVENT_TS, EVENT_ACCOUNT, EVENT_CONTACT, EVENT_NAME, EVENT_VALUE, EVENT_PROPS,
       EVENT_NR };
enum { TP_ID, TP_TS, TP_ACCOUNT, TP_CONTACT, TP_CHANNEL, TP_STAGE, TP_TEAM, TP_KIND,
       TP_DURATION, TP_STATUS, TP_TEXT, TP_ATTRS, TP_NR };
enum { SURVEY_ID, SURVEY_KIND, SURVEY_NAME, SURVEY_MIN, SURVEY_MAX, SURVEY_HIGHER,
       SURVEY_QUESTION, SURVEY_COMMENT_Q, SURVEY_CHOICE_Q, SURVEY_CHOICES, SURVEY_AUD_SEGMENT,
       SURVEY_AUD_PLAN, SURVEY_AUD_ROLE, SURVEY_AUD_STAGE, SURVEY_TRIGGER, SURVEY_EVERY,
       SURVEY_TP_KIND, SURVEY_MILESTONE, SURVEY_CHANNEL, SURVEY_STATUS, SURVEY_NR };
enum { RESP_ID, RESP_TS, RESP_ACCOUNT, RESP_CONTACT, RESP_SURVEY, RESP_SCORE, RESP_COMMENT,
       RESP_TOUCHPOINT, RESP_CHOICE, RESP_NR };
enum { TASK_ID, TASK_ACCOUNT, TASK_KIND, TASK_TITLE, TASK_OWNER, TASK_DUE, TASK_STATUS,
       TASK_NOTE, TASK_CREATED, TASK_NR };
enum { OUTCOME_ID, OUTCOME_ACCOUNT, OUTCOME_STATEMENT, OUTCOME_METRIC, OUTCOME_BASELINE,
       OUTCOME_TARGET, OUTCOME_DUE, OUTCOME_STATUS, OUTCOME_EVIDENCE, OUTCOME_EXPECTATIONS,
       OUTCOME_NR };

extern const struct resource_def resource_accounts, resource_contacts, resource_mrr_changes,
    resource_orders, resource_events, resource_touchpoints, resource_surveys,
    resource_responses, resource_tasks, resource_outcomes;

/* Every resource, NULL-terminated, in an order where references point backwards. */
extern const struct resource_def *const resources[];

const struct resource_def *resource_find(const char *name);          /* NULL when unknown */
const struct resource_def *resource_by_code(int code);               /* NULL when unknown */
const struct field_def *resource_field(const struct resource_def *r, const char *name);
/* The index of the FIELD_MERGE field of def, or -1 when its rows are never merged. */
int resource_merge_field(const struct resource_def *def);
/* The index of the key field (always 0). */
#define RESOURCE_KEY 0

/* The longest text a field takes (its max_len, else the default of its type). */
size_t field_max_len(const struct field_def *f);
/* A short name of the field's type for messages and docs ("text", "time"…). */
const char *field_type_name(int type);

/* Checks the given fields of one row (bit i of `given` for field i) against their
 * definitions — type-level limits, vocabularies, checks, `now` for CHECK_PAST — and the
 * resource's row rule. Required fields are the store's to check (they depend on whether the
 * row exists). Returns 0, or -1 with err naming the field. */
int resource_check(const struct resource_def *def, const struct value *v, uint64_t given,
                   int64_t now, struct lf_err *err);

#endif

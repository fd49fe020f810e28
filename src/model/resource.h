/* resource.h - the REST resources as data: for each, its table and the fields a client reads and
 * writes, with their types, vocabularies and references. The store builds SQL from these
 * definitions and the app layer builds JSON from them, so adding a field is one line here. */
#ifndef MODEL_RESOURCE_H
#define MODEL_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_type {
    FIELD_TEXT,
    FIELD_INT,
    FIELD_REAL,
    FIELD_TIME,  /* int64 ms; ISO 8601 in JSON */
    FIELD_DATE,  /* int64 ms of a day start; "YYYY-MM-DD" in JSON */
    FIELD_MONEY, /* int64 minor units; an integer in JSON */
    FIELD_BOOL,
    FIELD_JSON,  /* a JSON object stored as text */
    FIELD_REF,   /* an internal id in the table, the referenced row's external id in JSON */
};

enum field_flag {
    FIELD_REQUIRED = 1 << 0, /* must be given on create and replace */
    FIELD_READONLY = 1 << 1, /* set by landfall, refused in a request body */
    FIELD_KEY = 1 << 2,      /* the resource's key in URLs (ext_id, or the numeric id) */
    FIELD_DERIVED = 1 << 3,  /* kept in step by landfall from other rows; never written as is */
};

struct field_def {
    const char *name;            /* the JSON name */
    const char *column;          /* the column in the resource's table */
    int type;                    /* enum field_type */
    unsigned flags;              /* enum field_flag */
    const struct resource_def *ref; /* FIELD_REF: the resource referred to */
    const char *const *vocab;    /* FIELD_TEXT: the allowed values, or NULL */
    const char *dflt;            /* FIELD_TEXT: what a replace (PUT) without it stores */
};

struct resource_def {
    const char *name;            /* "accounts": the URL segment and the table */
    const char *singular;        /* "account", for messages */
    bool ext_key;                /* keyed by ext_id (a string) rather than by the numeric id */
    const struct field_def *fields;
    size_t fields_nr;
    /* Other tables whose rows name this one without a foreign key ("events.account_id": the
     * events table is kept narrow); a delete is refused while any of them does. NULL-ended. */
    const char *const *weak_refs;
};

/* One field's value as passed between the store and the app layer. */
struct value {
    bool null;
    int64_t i;          /* INT, TIME, DATE, MONEY, BOOL, REF (internal id on the way in) */
    double r;           /* REAL */
    const char *s;      /* TEXT, JSON, KEY of ext_key resources; REF on the way out (ext id) */
};

extern const struct resource_def resource_accounts, resource_contacts, resource_mrr_changes,
    resource_orders, resource_touchpoints, resource_surveys, resource_responses, resource_tasks,
    resource_outcomes;

/* Every resource, NULL-terminated. */
extern const struct resource_def *const resources[];

const struct resource_def *resource_find(const char *name);          /* NULL when unknown */
const struct field_def *resource_field(const struct resource_def *r, const char *name);
/* The index of the key field (always 0). */
#define RESOURCE_KEY 0

#endif

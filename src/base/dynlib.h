/* dynlib.h - an outside library opened when a command first needs it (dlopen), its functions
 * looked up by name into a table of pointers, rather than loaded by the dynamic linker at every
 * start. */
#ifndef BASE_DYNLIB_H
#define BASE_DYNLIB_H

#include <stddef.h>

#include "base/err.h"

/* One function: its symbol, and where its pointer goes in the table (a struct of pointers typed
 * from the library's own header, filled by dynlib_open). */
struct dynlib_fn {
    const char *name;
    size_t offset;
};
#define DYNLIB_FN(table_type, fn) {#fn, offsetof(table_type, fn)}

struct dynlib {
    const char *soname;          /* "libpq.so.5": the ABI the header describes */
    const char *what;            /* "the PostgreSQL client library", for the error */
    const char *package;         /* "libpq5": the Debian package that installs it */
    const struct dynlib_fn *fns; /* nr of them */
    size_t nr;
    void *table;
    /* the outcome of the first dynlib_open */
    void *handle;    /* NULL until opened */
    struct lf_err why; /* why.code set when opening failed */
};

/* Opens lib->soname and points each of lib->fns at its symbol in lib->table. Returns 0, or -1
 * with lib->why naming the library (or the function) that is missing, the table then left as it
 * was. Only the first call does anything: later ones return its outcome (the table is filled
 * once, so pointers taken from it stay valid). Not thread-safe by itself: each library's file
 * runs it under its pthread_once. The library stays loaded until the process ends. */
int dynlib_open(struct dynlib *lib);

/* 0 when lib was opened; else -1 with lib->why copied into err (which may be NULL). */
int dynlib_check(const struct dynlib *lib, struct lf_err *err);

#endif

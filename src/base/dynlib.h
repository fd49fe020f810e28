/* dynlib.h - an outside library opened when a command first needs it (dlopen), its functions
 * looked up by name into a table of pointers, rather than loaded by the dynamic linker at every
 * start. */
#ifndef BASE_DYNLIB_H
#define BASE_DYNLIB_H

#include <stddef.h>

#include "base/err.h"

/* A library's table from an X-macro list of the functions it is used for (LIST(X) applies X to
 * each name), their pointers typed from the library's own header:
 *     #define PQ_FNS(X) X(PQconnectdb) X(PQfinish)
 *     static struct { PQ_FNS(DYNLIB_FIELD) } pq;        calls are pq.PQfinish(conn)
 *     static const char *const pq_names[] = {PQ_FNS(DYNLIB_NAME)};
 *     static struct dynlib libpq = DYNLIB_INIT("libpq.so.5", "the PostgreSQL client library",
 *                                              "libpq5", pq_names, pq); */
#define DYNLIB_FIELD(fn) __typeof__(fn) *fn;
#define DYNLIB_NAME(fn) #fn,
#define DYNLIB_INIT(soname_, what_, package_, names_, table_)                                     \
    {.soname = (soname_),                                                                          \
     .what = (what_),                                                                              \
     .package = (package_),                                                                        \
     .names = (names_),                                                                            \
     .nr = sizeof(names_) / sizeof((names_)[0]),                                                   \
     .table = &(table_),                                                                           \
     .table_size = sizeof(table_)}

struct dynlib {
    const char *soname;       /* "libpq.so.5": the ABI the header describes */
    const char *what;         /* "the PostgreSQL client library", for the error */
    const char *package;      /* "libpq5": the Debian package that installs it */
    const char *const *names; /* nr functions, in the order of the table's pointers */
    size_t nr;
    void *table;       /* a struct of nr function pointers, nothing else */
    size_t table_size; /* its size: nr pointers */
    /* the outcome of the first dynlib_open */
    void *handle;      /* NULL until opened */
    struct lf_err why; /* why.code set when opening failed */
};

/* Opens lib->soname and points the table's functions at their symbols. Returns 0, or -1 with
 * lib->why naming the library (or the function) that is missing, the table then left as it was.
 * Only the first call does anything: later ones return its outcome (the table is filled once, so
 * pointers taken from it stay valid). Not thread-safe by itself: each library's file runs it
 * under its pthread_once. The library stays loaded until the process ends. */
int dynlib_open(struct dynlib *lib);

/* 0 when lib was opened; else -1 with lib->why copied into err (which may be NULL). */
int dynlib_check(const struct dynlib *lib, struct lf_err *err);

#endif

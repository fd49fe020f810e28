/* dynlib.c - opening an outside library on first use and looking its functions up: the one file
 * that sees dlopen, so that the files of XGBoost, libcurl and libpq share it and its errors. */
#include "dynlib.h"

#include <assert.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

int dynlib_open(struct dynlib *lib)
{
    if (lib->handle)
        return 0;
    if (lib->why.code)
        return -1; /* the first attempt's answer stands: the files did not change since */
    /* the table is filled as an array of pointers: a struct of function pointers alone is laid
     * out as one on every ABI landfall builds for, and this says so if one is not */
    typedef void (*fn_ptr)(void);
    assert(lib->table_size == lib->nr * sizeof(fn_ptr));
    /* RTLD_LOCAL: the library's symbols are reached through the table only, never by another
     * library's lookups */
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        return err_set(&lib->why, LF_EIO, "%s %s could not be loaded: %s; install %s", lib->what,
                       lib->soname, why ? why : "unknown error", lib->package);
    }
    /* filled aside first, so that a missing function leaves lib->table untouched */
    void **found = xcalloc(lib->nr ? lib->nr : 1, sizeof(*found));
    for (size_t i = 0; i < lib->nr; i++) {
        found[i] = dlsym(h, lib->names[i]);
        if (!found[i]) {
            err_set(&lib->why, LF_EIO, "%s %s has no function '%s' (an older version?); install "
                    "a newer %s", lib->what, lib->soname, lib->names[i], lib->package);
            free(found);
            dlclose(h);
            return -1;
        }
    }
    /* POSIX makes a function's address from dlsym a void * of the same representation as the
     * function pointer it is copied into */
    for (size_t i = 0; i < lib->nr; i++)
        memcpy((char *)lib->table + i * sizeof(fn_ptr), &found[i], sizeof(fn_ptr));
    free(found);
    lib->handle = h;
    return 0;
}

int dynlib_check(const struct dynlib *lib, struct lf_err *err)
{
    if (lib->handle)
        return 0;
    if (!lib->why.code) /* a caller that did not run dynlib_open first */
        return err_set(err, LF_EINTERNAL, "%s %s was used before it was loaded", lib->what,
                       lib->soname);
    if (err)
        *err = lib->why;
    return -1;
}

/* app.h - the insides of the lf handle, shared by the use cases in src/app. */
#ifndef APP_APP_H
#define APP_APP_H

#include "engine/engine.h"
#include "landfall.h"
#include "store/store.h"

struct lf {
    struct store *st;
    int64_t ws; /* the workspace every call works in */
    /* the analytics engine, loaded by the first usage call (src/app/usage.c) or lent by
     * another handle (lf_engine_share); NULL before. Every usage call and lf_engine_sync catch
     * it up with the store's newer events. */
    struct engine *engine;
    bool engine_borrowed; /* lent by another handle, which frees it */
};

#endif

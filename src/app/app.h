/* app.h - the insides of the lf handle, shared by the use cases in src/app. */
#ifndef APP_APP_H
#define APP_APP_H

#include "engine/engine.h"
#include "landfall.h"
#include "store/store.h"

struct lf {
    struct store *st;
    int64_t ws; /* the workspace every call works in */
    /* the analytics engine, loaded by the first usage call (src/app/usage.c); NULL before.
     * Ingestion appends its durable batches with engine_append when it is loaded. */
    struct engine *engine;
};

#endif

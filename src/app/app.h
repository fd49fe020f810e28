/* app.h - the insides of the lf handle, shared by the use cases in src/app. */
#ifndef APP_APP_H
#define APP_APP_H

#include "landfall.h"
#include "store/store.h"

struct lf {
    struct store *st;
    int64_t ws; /* the workspace every call works in */
};

#endif

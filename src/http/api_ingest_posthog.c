/* api_ingest_posthog.c - PostHog's capture endpoints: /i/v0/e/, /capture/ and /batch/. */
#include <string.h>

#include "http_int.h"

void api_posthog(struct http_req *r)
{
    api_ingest(r, LF_INGEST_POSTHOG,
               strcmp(r->route->pattern, "/batch") == 0 ? "batch" : "capture");
}

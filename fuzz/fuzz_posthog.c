/* fuzz_posthog.c - libFuzzer target: PostHog capture bodies (one event, an array of events or
 * {"batch": [...]}) through ingest_batch_parse; an event with $set may give two calls. */
#include "batch_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    batch_run(LF_INGEST_POSTHOG, "batch", data, size, 2);
    return 0;
}

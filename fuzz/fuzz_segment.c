/* fuzz_segment.c - libFuzzer target: Segment HTTP bodies through ingest_batch_parse, as each
 * endpoint (batch, track, identify, group, page, screen) receives them. */
#include "batch_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const calls[] = {"batch", "track", "identify", "group", "page", "screen"};
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        batch_run(LF_INGEST_SEGMENT, calls[i], data, size, 1);
    return 0;
}

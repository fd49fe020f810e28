/* progress.h - a progress bar on stderr when it is a terminal, silence otherwise. */
#ifndef BASE_PROGRESS_H
#define BASE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
    const char *label;
    uint64_t total;   /* 0 when unknown: a counter instead of a bar */
    uint64_t done;
    int64_t started_ms, drawn_ms;
    bool active;
};

/* Starts a bar when `enabled` and stderr is a terminal. */
void progress_init(struct progress *p, const char *label, uint64_t total, bool enabled);
void progress_update(struct progress *p, uint64_t done); /* redraws at most 10 times a second */
void progress_finish(struct progress *p);                /* draws 100 % and ends the line */

#endif

/* progress.c - draws "label [#####     ]  52%  1.2M/2.3M  3s" on one terminal line. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "time.h"

void progress_init(struct progress *p, const char *label, uint64_t total, bool enabled)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->started_ms = time_now_ms();
    p->drawn_ms = 0;
    p->active = enabled && isatty(STDERR_FILENO);
}

static void human(uint64_t n, char out[16])
{
    if (n >= 10000000)
        snprintf(out, 16, "%.1fM", (double)n / 1e6);
    else if (n >= 10000)
        snprintf(out, 16, "%.1fk", (double)n / 1e3);
    else
        snprintf(out, 16, "%llu", (unsigned long long)n);
}

static void draw(struct progress *p, int64_t now)
{
    char done[16], total[16];
    human(p->done, done);
    double secs = (double)(now - p->started_ms) / 1000.0;
    if (p->total) {
        int width = 30, fill = (int)((double)p->done / (double)p->total * width);
        if (fill > width)
            fill = width;
        human(p->total, total);
        fprintf(stderr, "\r%-12s [%.*s%*s] %3d%%  %s/%s  %.0fs", p->label, fill,
                "##############################", width - fill, "",
                (int)(100.0 * (double)p->done / (double)p->total), done, total, secs);
    } else {
        fprintf(stderr, "\r%-12s %s  %.0fs", p->label, done, secs);
    }
    fflush(stderr);
    p->drawn_ms = now;
}

void progress_update(struct progress *p, uint64_t done)
{
    p->done = done;
    if (!p->active)
        return;
    int64_t now = time_now_ms();
    if (now - p->drawn_ms >= 100)
        draw(p, now);
}

void progress_finish(struct progress *p)
{
    if (!p->active)
        return;
    if (p->total)
        p->done = p->total;
    draw(p, time_now_ms());
    fputc('\n', stderr);
    p->active = false;
}

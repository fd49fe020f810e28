/* text_bench.c - bench/text.sh's timer of landfall's side: reads one text a line from stdin
 * and analyses every line ROUNDS times, with VADER alone (sentiment) or the whole enrichment
 * (analyze: markup, language, sentiment, emotions, topics); prints "SECONDS CHECKSUM", the
 * seconds of CPU the process spent (the machine is shared: its wall clock counts others' work). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/text.h"

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "sentiment") && strcmp(argv[1], "analyze"))) {
        fprintf(stderr, "usage: text_bench sentiment|analyze ROUNDS < TEXTS\n");
        return 2;
    }
    long rounds = strtol(argv[2], NULL, 10);
    size_t cap = 1 << 20, len = 0, got;
    char *data = malloc(cap);
    while ((got = fread(data + len, 1, cap - len, stdin)) > 0)
        if ((len += got) == cap)
            data = realloc(data, cap *= 2);
    size_t nr = 0, *off = malloc((len + 1) * sizeof(*off)), *lens = malloc((len + 1) * sizeof(*lens));
    for (size_t b = 0; b < len;) {
        char *nl = memchr(data + b, '\n', len - b);
        size_t e = nl ? (size_t)(nl - data) : len;
        off[nr] = b, lens[nr++] = e > b && data[e - 1] == '\r' ? e - b - 1 : e - b;
        b = e + 1;
    }
    struct text_analyzer *a;
    struct lf_err err = {0};
    if (text_analyzer_new(NULL, 0, NULL, &a, &err) < 0) {
        fprintf(stderr, "text_bench: %s\n", err.msg);
        return 1;
    }
    struct text_work *w = text_work_new();
    bool sentiment = argv[1][0] == 's';
    double sink = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (long r = 0; r < rounds; r++)
        for (size_t i = 0; i < nr; i++) {
            if (sentiment) {
                struct text_sentiment s;
                text_sentiment(a, w, data + off[i], lens[i], &s);
                sink += s.compound;
            } else {
                struct text_result res;
                if (text_analyze(a, w, data + off[i], lens[i], 0, &res, &err) == 0)
                    sink += res.sentiment.compound + (double)res.topics_nr;
            }
        }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    printf("%.6f\t%g\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           sink);
    text_work_free(w);
    text_analyzer_free(a);
    free(off);
    free(lens);
    free(data);
    return 0;
}

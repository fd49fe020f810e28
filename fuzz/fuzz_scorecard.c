/* fuzz_scorecard.c - libFuzzer target: health_scorecard_parse over any bytes. A refusal has a
 * reason; an accepted scorecard comes back the same from its own JSON, and scores any measures
 * 0..100 (or gives none when no measure has data), its parts' losses adding up to what the score
 * lost. */
#include "fuzz.h"

#include <math.h>

#include "cs/health.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *doc = malloc(size + 1);
    struct health_scorecard sc, again;
    struct lf_err err = {0};
    memcpy(doc, data, size);
    doc[size] = '\0';
    if (health_scorecard_parse(doc, &sc, &err) < 0) {
        fuzz_check(err.msg[0], "a refused scorecard without a reason");
        free(doc);
        return 0;
    }
    char *json = health_scorecard_json(&sc);
    fuzz_check(health_scorecard_parse(json, &again, &err) == 0, "'%s' does not parse: %s", json,
               err.msg);
    char *json2 = health_scorecard_json(&again);
    fuzz_check(strcmp(json, json2) == 0, "'%s' → '%s'", json, json2);
    /* measures from the input's bytes: some missing, some extreme */
    struct health_row r = {.account_id = 1, .customer = true};
    for (int k = 0; k < HM_NR; k++) {
        uint8_t b = size ? data[(size_t)k % size] : 0;
        r.v[k] = b % 5 == 0 ? NAN : (double)((int)b - 128) * (b % 3 ? 0.01 : 1000.0);
    }
    struct health_score hs;
    health_score(&sc, &r, &hs);
    if (hs.score >= 0) {
        double lost = 0;
        fuzz_check(hs.score <= 100 && hs.used > 0, "score %d of %zu measures", hs.score, hs.used);
        for (size_t i = 0; i < hs.total; i++)
            if (!isnan(hs.parts[i].points))
                lost += hs.parts[i].loss;
        fuzz_check(fabs(100 - lost - hs.score) <= 0.5 + 1e-6, "score %d, parts lost %g",
                   hs.score, lost);
    } else {
        fuzz_check(hs.used == 0, "no score with %zu measures", hs.used);
    }
    free(json);
    free(json2);
    free(doc);
    return 0;
}

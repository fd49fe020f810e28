/* fuzz_survey_token.c - libFuzzer target: the survey link token parser over any bytes. An
 * accepted token has one spelling: the token made again from its fields under the key has the
 * same text before the MAC; it verifies exactly when its MAC is the one the key gives; and a
 * token made from the fields always verifies, with the same fields. */
#include "fuzz.h"

#include <stdbool.h>

#include "core/surveys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char key[SURVEY_KEY_BYTES] = "fuzz key fuzz key fuzz key 0123";
    struct survey_token t, again;
    struct lf_err err = {0};
    char made[SURVEY_TOKEN_MAX];
    const char *s = (const char *)data;
    if (survey_token_parse(s, size, &t, &err) < 0) {
        fuzz_check(err.code == LF_EINVAL && err.msg[0], "a refused token without a reason");
        return 0;
    }
    fuzz_check(t.ws >= 0 && t.send >= 0 && t.survey >= 0 && t.contact >= 0 && t.expires >= 0 &&
                   t.ws < 1000000000000000LL && t.expires < 1000000000000000LL,
               "a field out of range");
    survey_token_make(key, &t, made);
    size_t n = strlen(made);
    fuzz_check(n == size, "made %zu bytes, parsed %zu", n, size);
    fuzz_check(memcmp(made, s, n - 43) == 0, "the text before the MAC has two spellings");
    bool same_mac = memcmp(made + n - 43, s + n - 43, 43) == 0;
    struct lf_err verr = {0};
    int rc = survey_token_verify(key, s, size, &again, &verr);
    fuzz_check((rc == 0) == same_mac, "verify %d with the MAC %s", rc,
               same_mac ? "the key gives" : "of another");
    fuzz_check(rc == 0 || verr.code == LF_EAUTH, "a parsed token refused for another reason");
    fuzz_check(survey_token_verify(key, made, n, &again, &verr) == 0, "a made token fails");
    fuzz_check(again.ws == t.ws && again.send == t.send && again.survey == t.survey &&
                   again.contact == t.contact && again.expires == t.expires,
               "a made token reads back other fields");
    return 0;
}

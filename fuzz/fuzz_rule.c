/* fuzz_rule.c - libFuzzer target: rule_cond_parse (the closed loop's and the playbooks' rule
 * conditions) over any bytes. A refusal has a reason; an accepted condition has 1..RULE_TERMS_MAX
 * terms, and written out again (every value quoted) parses to the same terms; checking it against
 * facts made from the input's bytes reads nothing out of bounds. */
#include "fuzz.h"

#include "core/core.h"

static const char *const field_names[] = {"survey.kind", "score", "sentiment"};
static const char *const op_names[] = {"=", "!=", "<", "<=", ">", ">="};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    struct rule_cond c, again;
    struct lf_err err = {0};
    if (rule_cond_parse(s, &c, &err) < 0) {
        fuzz_check(err.msg[0], "a refused condition without a reason");
        free(s);
        return 0;
    }
    fuzz_check(c.nr >= 1 && c.nr <= RULE_TERMS_MAX, "%zu terms", c.nr);
    /* the same terms written out: each value a quoted text (a parsed value holds no quote) */
    char text[RULE_TERMS_MAX * 96];
    size_t len = 0;
    for (size_t i = 0; i < c.nr; i++) {
        fuzz_check(c.t[i].field >= 0 && c.t[i].field <= RULE_SENTIMENT, "field %d", c.t[i].field);
        fuzz_check(c.t[i].op >= 0 && c.t[i].op <= RULE_GE, "op %d", c.t[i].op);
        fuzz_check(!strchr(c.t[i].text, '\''), "a value with a quote: %s", c.t[i].text);
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s %s '%s'", i ? " and " : "",
                                field_names[c.t[i].field], op_names[c.t[i].op], c.t[i].text);
    }
    fuzz_check(rule_cond_parse(text, &again, &err) == 0, "'%s' does not parse: %s", text, err.msg);
    fuzz_check(again.nr == c.nr, "'%s': %zu terms, not %zu", text, again.nr, c.nr);
    for (size_t i = 0; i < c.nr; i++)
        fuzz_check(again.t[i].field == c.t[i].field && again.t[i].op == c.t[i].op &&
                       !strcmp(again.t[i].text, c.t[i].text) &&
                       (again.t[i].num == c.t[i].num || again.t[i].num != again.t[i].num),
                   "'%s': term %zu differs", text, i);
    struct rule_facts f = {.survey_kind = size && data[0] % 2 ? "nps" : NULL,
                           .score = size > 1 ? (double)data[1] - 50 : 0,
                           .has_sentiment = size > 2 && data[2] % 2,
                           .sentiment = size > 3 ? ((double)data[3] - 128) / 128 : 0};
    (void)rule_cond_holds(&c, &f);
    free(s);
    return 0;
}

/* rule_cond.c - the conditions of rules as text ("survey.kind = nps and score <= 6"): parsed
 * each time a rule runs, so a rule is a row anyone can read and change, not a branch in C. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core.h"

static const struct {
    const char *name;
    int field;
    bool number;
} fields[] = {{"survey.kind", RULE_SURVEY_KIND, false},
              {"score", RULE_SCORE, true},
              {"sentiment", RULE_SENTIMENT, true}};

/* Longest first, so "<=" is not read as "<". */
static const struct {
    const char *text;
    int op;
} ops[] = {{"<=", RULE_LE}, {">=", RULE_GE}, {"!=", RULE_NE},
           {"<", RULE_LT},  {">", RULE_GT},  {"=", RULE_EQ}};

/* The next word of *s (letters, digits, '.', '_', '-', or a 'quoted' text) into out. */
static int word(const char **s, char *out, size_t size)
{
    const char *p = *s;
    size_t n = 0;
    while (*p == ' ')
        p++;
    if (*p == '\'') {
        const char *end = strchr(p + 1, '\'');
        if (!end || (size_t)(end - p - 1) >= size)
            return -1;
        n = (size_t)(end - p - 1);
        memcpy(out, p + 1, n);
        out[n] = '\0';
        *s = end + 1;
        return 0;
    }
    while (isalnum((unsigned char)p[n]) || p[n] == '.' || p[n] == '_' || p[n] == '-' || p[n] == '+')
        n++;
    if (!n || n >= size)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    *s = p + n;
    return 0;
}

int rule_cond_parse(const char *s, struct rule_cond *out, struct lf_err *err)
{
    const char *p = s;
    memset(out, 0, sizeof(*out));
    for (;;) {
        char name[64], value[64];
        size_t f = 0, o = 0;
        if (out->nr == RULE_TERMS_MAX)
            return err_set(err, LF_EINVAL, "condition '%s' has more than %d terms", s,
                           RULE_TERMS_MAX);
        if (word(&p, name, sizeof(name)) < 0)
            return err_set(err, LF_EINVAL, "condition '%s' lacks a field at '%s'", s, p);
        while (f < sizeof(fields) / sizeof(*fields) && strcmp(fields[f].name, name) != 0)
            f++;
        if (f == sizeof(fields) / sizeof(*fields))
            return err_set(err, LF_EINVAL,
                           "condition '%s' names '%s', not survey.kind, score or sentiment", s,
                           name);
        while (*p == ' ')
            p++;
        while (o < sizeof(ops) / sizeof(*ops) && strncmp(p, ops[o].text, strlen(ops[o].text)))
            o++;
        if (o == sizeof(ops) / sizeof(*ops))
            return err_set(err, LF_EINVAL, "condition '%s' lacks an operator after '%s'", s, name);
        p += strlen(ops[o].text);
        if (word(&p, value, sizeof(value)) < 0)
            return err_set(err, LF_EINVAL, "condition '%s' lacks a value after '%s %s'", s, name,
                           ops[o].text);
        out->t[out->nr].field = fields[f].field;
        out->t[out->nr].op = ops[o].op;
        if (fields[f].number) {
            double v;
            /* a decimal number: strtod would also read "inf" (a rule always true) and hex */
            if (text_real(value, &v) < 0)
                return err_set(err, LF_EINVAL, "condition '%s': '%s' is not a number", s, value);
            out->t[out->nr].num = v;
        } else if (ops[o].op != RULE_EQ && ops[o].op != RULE_NE) {
            return err_set(err, LF_EINVAL, "condition '%s': %s is text, compared with = or !=", s,
                           name);
        }
        snprintf(out->t[out->nr].text, sizeof(out->t[out->nr].text), "%s", value);
        out->nr++;
        while (*p == ' ')
            p++;
        if (!*p)
            return 0;
        if (strncmp(p, "and ", 4) != 0)
            return err_set(err, LF_EINVAL, "condition '%s': expected 'and' at '%s'", s, p);
        p += 4;
    }
}

static bool compare(double a, int op, double b)
{
    switch (op) {
    case RULE_EQ:
        return a == b;
    case RULE_NE:
        return a != b;
    case RULE_LT:
        return a < b;
    case RULE_LE:
        return a <= b;
    case RULE_GT:
        return a > b;
    default:
        return a >= b;
    }
}

bool rule_cond_holds(const struct rule_cond *c, const struct rule_facts *f)
{
    for (size_t i = 0; i < c->nr; i++) {
        bool ok;
        if (c->t[i].field == RULE_SURVEY_KIND) {
            bool same = f->survey_kind && !strcmp(f->survey_kind, c->t[i].text);
            ok = c->t[i].op == RULE_EQ ? same : !same;
        } else if (c->t[i].field == RULE_SCORE) {
            ok = compare(f->score, c->t[i].op, c->t[i].num);
        } else {
            ok = f->has_sentiment && compare(f->sentiment, c->t[i].op, c->t[i].num);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* drivers.h - why a row's risk is what it is, in plain words: the features that raised it most,
 * from the model's per-feature contributions, each described by its feature's template
 * ("active users fell 42 % in 30 days: +0.18").
 *
 * A template is text with placeholders, filled from the feature's value v:
 *   {value}     v: whole numbers as such, others to 3 significant digits ("1890", "0.42", "70.7")
 *   {abs}       |v|, likewise
 *   {pct}       100 v as a percentage, whole when |100 v| ≥ 10 ("-42 %", "4.5 %")
 *   {abs_pct}   |100 v| likewise ("42 %")
 *   {name}      the feature's name
 *   {s}         "s" unless |v| is 1: a plural ("{value} ticket{s} open": "1 ticket open")
 *   {A|B}       A when v ≤ 0, B when v > 0 (a flag: "{is not|is} on a monthly contract")
 *   {A|B|C}     A when v < 0, B when v = 0, C when v > 0 ("{fell|held|rose} {abs_pct}")
 *   {{ and }}   a brace
 * A missing value (NaN) is described by the `missing` template instead; its placeholders other
 * than {name} and {s} write "unknown". The measures bring one description per feature they compute;
 * a feature without one reads "NAME = VALUE" ("NAME unknown" when missing). */
#ifndef CS_DRIVERS_H
#define CS_DRIVERS_H

#include <stddef.h>

#include "base/buf.h"
#include "landfall.h"

/* How a feature reads; the strings are borrowed. */
struct driver_text {
    const char *feature;  /* the feature's name */
    const char *text;     /* its template; NULL reads "{name} = {value}" */
    const char *missing;  /* when its value is missing; NULL reads "{name} unknown" */
};

/* Checks a template: 0, or -1 with err naming the first unknown placeholder, unclosed brace or
 * choice of other than 2 or 3 alternatives. (Templates come from the measures' declarations;
 * the test suite checks them all, and one read from a file is checked before use.) */
int driver_template_check(const char *tpl, struct lf_err *err);

/* Appends the description of the value v of feature `name` to out, through t (NULL: the
 * default). A template that driver_template_check() refuses is written as it is. */
void driver_describe(const struct driver_text *t, const char *name, double v, struct buf *out);

/* Appends "DESCRIPTION: +0.18": the description and the contribution in log-odds, signed, to two
 * decimals. */
void driver_format(const struct driver_text *t, const char *name, double v, double contribution,
                   struct buf *out);

/* The indices of the (at most) k features with the largest positive contributions, largest
 * first (ties: the lower index first), into out[k]; returns how many. contribs holds one per
 * feature (the bias, if the caller has one after them, is not passed). */
size_t drivers_top(const float *contribs, size_t nr, size_t k, size_t *out);

/* The entry of `feature` in table[nr], or NULL. */
const struct driver_text *driver_text_find(const struct driver_text *table, size_t nr,
                                           const char *feature);

/* Appends the top k drivers of one row, "; "-separated: features have names[i], values x[i],
 * descriptions texts[i] (texts may be NULL, or hold NULL entries). Nothing when no feature
 * raised the risk. */
void drivers_explain(const char *const *names, const struct driver_text *const *texts,
                     const float *x, const float *contribs, size_t nr, size_t k,
                     struct buf *out);

#endif

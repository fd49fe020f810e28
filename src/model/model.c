/* model.c - vocabularies, money parsing and score checks shared by every way into the store. */
#include "model.h"

#include <string.h>

const char *const model_stages[] = {"awareness", "purchase",  "onboarding", "adoption",
                                    "renewal",   "expansion", "advocacy",   NULL};
const char *const model_channels[] = {"email", "phone", "chat",   "in-app", "meeting",
                                      "web",   "social", "review", "sms",   NULL};
const char *const model_teams[] = {"marketing", "sales", "onboarding", "support",
                                   "success",   "billing", "product",  NULL};
const char *const model_touchpoint_statuses[] = {"open", "resolved", NULL};

bool model_in_vocab(const char *const *vocab, const char *s)
{
    for (; *vocab; vocab++)
        if (strcmp(*vocab, s) == 0)
            return true;
    return false;
}

bool model_currency_valid(const char *s)
{
    if (strlen(s) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

int model_currency_exponent(const char *currency)
{
    static const char *const zero[] = {"JPY", "KRW", "CLP", "ISK", "VND", "XOF", "XAF", "UGX",
                                       "PYG", "RWF", "KMF", "GNF", "DJF", "VUV", "XPF", NULL};
    static const char *const three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND", NULL};
    if (!currency)
        return 2;
    if (model_in_vocab(zero, currency))
        return 0;
    if (model_in_vocab(three, currency))
        return 3;
    return 2;
}

int model_money_parse(const char *s, const char *currency, int64_t *out, const char **why)
{
    int exp = model_currency_exponent(currency);
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    int64_t whole = 0, frac = 0;
    int nd = 0, fd = 0;
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (whole > (INT64_MAX / 10000) / 10) {
            *why = "amount too large";
            return -1;
        }
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, fd++) {
            if (fd >= exp) {
                if (*p != '0') {
                    *why = exp == 0 ? "amount has decimals its currency does not have"
                                    : "amount has more decimals than its currency";
                    return -1;
                }
                continue;
            }
            frac = frac * 10 + (*p - '0');
        }
    }
    if (*p != '\0' || (nd == 0 && fd == 0)) {
        *why = "not a decimal amount";
        return -1;
    }
    for (int i = fd < exp ? fd : exp; i < exp; i++)
        frac *= 10;
    int64_t scale = 1;
    for (int i = 0; i < exp; i++)
        scale *= 10;
    *out = (whole * scale + frac) * (neg ? -1 : 1);
    return 0;
}

int model_score_check(const struct survey *sv, int score, struct lf_err *err)
{
    if (score < sv->scale_min || score > sv->scale_max)
        return err_set(err, LF_EINVAL, "score %d is outside %s's scale %d..%d", score,
                       sv->ext_id, sv->scale_min, sv->scale_max);
    return 0;
}

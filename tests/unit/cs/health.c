/* health.c - scorecards: the JSON definition refused field by field, read back from its own
 * output, and the score of hand-made measures worked out by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs/health.h"

static struct health_row row_of(void)
{
    struct health_row r = {.account_id = 1, .customer = true};
    for (int k = 0; k < HM_NR; k++)
        r.v[k] = NAN;
    return r;
}

static const char card[] =
    "{\"name\": \"t\", \"measures\": ["
    "{\"measure\": \"seat_utilisation\", \"weight\": 50, \"concerning\": 0.3, \"healthy\": 0.6},"
    "{\"measure\": \"open_tickets\", \"weight\": 30, \"concerning\": 2, \"healthy\": 0},"
    "{\"measure\": \"nps\", \"weight\": 20, \"linear\": {\"zero\": -50, \"full\": 50}}]}";

Test(health, score_by_hand)
{
    struct health_scorecard sc;
    struct lf_err err = {0};
    cr_assert_eq(health_scorecard_parse(card, &sc, &err), 0, "%s", err.msg);
    struct health_row r = row_of();
    struct health_score hs;
    /* utilisation 0.45: between concerning 0.3 and healthy 0.6 → 50 points; 3 open tickets:
     * worse than concerning 2 (lower is better) → 0; NPS 10 on the linear band -50..50 →
     * 100 × 60 / 100 = 60. Score = (50·50 + 30·0 + 20·60) / 100 = 37 → red (< 40). */
    r.v[HM_SEAT_UTILISATION] = 0.45;
    r.v[HM_OPEN_TICKETS] = 3;
    r.v[HM_NPS] = 10;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, 37);
    cr_assert_str_eq(hs.band, "red");
    cr_assert_eq(hs.used, 3);
    cr_assert_float_eq(hs.parts[2].points, 60, 1e-9);
    /* open tickets cost 0.3 × 100 = 30 points, utilisation 0.5 × 50 = 25, NPS 0.2 × 40 = 8 */
    cr_assert_float_eq(hs.parts[1].loss, 30, 1e-9);
    cr_assert_float_eq(hs.parts[0].loss, 25, 1e-9);
    cr_assert_float_eq(hs.parts[2].loss, 8, 1e-9);

    /* no NPS: left out, the weights renormalised over 80: (50·50 + 30·0) / 80 = 31.25 → 31 */
    r.v[HM_NPS] = NAN;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, 31);
    cr_assert_eq(hs.used, 2);
    cr_assert_eq(hs.total, 3);
    cr_assert_float_eq(hs.parts[0].weight, 50.0 / 80, 1e-12);
    cr_assert(isnan(hs.parts[2].points));

    /* exactly at the thresholds: 0.6 is healthy, 0 tickets healthy, NPS 50 full: 100 green */
    r.v[HM_SEAT_UTILISATION] = 0.6;
    r.v[HM_OPEN_TICKETS] = 0;
    r.v[HM_NPS] = 80; /* beyond `full`: capped at 100 points */
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, 100);
    cr_assert_str_eq(hs.band, "green");

    /* 2 tickets = concerning (50): (50·100 + 30·50 + 20·100) / 100 = 85; 0.3 = concerning:
     * (50·50 + 30·50 + 20·100) / 100 = 60 → yellow (40 ≤ 60 < 70) */
    r.v[HM_OPEN_TICKETS] = 2;
    r.v[HM_SEAT_UTILISATION] = 0.3;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, 60);
    cr_assert_str_eq(hs.band, "yellow");
}

Test(health, no_data_no_score)
{
    struct health_scorecard sc;
    struct lf_err err = {0};
    cr_assert_eq(health_scorecard_parse(card, &sc, &err), 0);
    struct health_row r = row_of();
    struct health_score hs;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, -1, "no measure with data: no score, not a made-up one");
    cr_assert_null(hs.band);
    r.v[HM_NPS] = 50;
    r.customer = false;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, -1, "a churned account has no score");
}

Test(health, rounding_half_up)
{
    struct health_scorecard sc;
    struct lf_err err = {0};
    /* NPS 60 is healthy (100 points), CSAT 70 concerning (50), weights 1 and 3:
     * (1·100 + 3·50) / 4 = 62.5 → 63 (half up) */
    cr_assert_eq(health_scorecard_parse(
                     "{\"name\": \"r\", \"bands\": {\"yellow\": 50, \"green\": 63}, \"measures\": ["
                     "{\"measure\": \"nps\", \"weight\": 1, \"concerning\": 0, \"healthy\": 50},"
                     "{\"measure\": \"csat\", \"weight\": 3, \"concerning\": 50, \"healthy\": 80}"
                     "]}",
                     &sc, &err),
                 0, "%s", err.msg);
    struct health_row r = row_of();
    struct health_score hs;
    r.v[HM_NPS] = 60;
    r.v[HM_CSAT] = 70;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, 63);
    cr_assert_str_eq(hs.band, "green", "the configured cut: green from 63");
}

static void refused(const char *json, const char *field)
{
    struct health_scorecard sc;
    struct lf_err err = {0};
    cr_assert_eq(health_scorecard_parse(json, &sc, &err), -1, "accepted: %s", json);
    cr_assert_str_eq(err.field, field, "%s: %s", json, err.msg);
    cr_assert(strstr(err.msg, field) || !field[0], "the message names '%s': %s", field, err.msg);
}

Test(health, refusals_name_the_field)
{
    refused("{\"measures\": []}", "name");
    refused("{\"name\": \"Q4 health\", \"measures\": []}", "name");
    refused("{\"name\": \"a\", \"measures\": []}", "measures");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"mood\", \"weight\": 1, "
            "\"concerning\": 1, \"healthy\": 2}]}",
            "measures[0].measure");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": -1, "
            "\"concerning\": 1, \"healthy\": 2}]}",
            "measures[0].weight");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1, "
            "\"concerning\": 1, \"healthy\": 2}, {\"measure\": \"csat\", \"weight\": 1, "
            "\"concerning\": 5, \"healthy\": 5}]}",
            "measures[1].healthy");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1, "
            "\"linear\": {\"zero\": 1, \"full\": 1}}]}",
            "measures[0].linear.full");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1, "
            "\"concerning\": 1, \"healthy\": 2, \"linear\": {\"zero\": 0, \"full\": 1}}]}",
            "measures[0].linear");
    refused("{\"name\": \"a\", \"colour\": 1, \"measures\": []}", "colour");
    refused("{\"name\": \"a\", \"bands\": {\"yellow\": 70, \"green\": 40}, \"measures\": "
            "[{\"measure\": \"nps\", \"weight\": 1, \"concerning\": 1, \"healthy\": 2}]}",
            "bands.green");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1, "
            "\"concerning\": 1, \"healthy\": 2}, {\"measure\": \"nps\", \"weight\": 1, "
            "\"concerning\": 1, \"healthy\": 2}]}",
            "measures[1].measure");
    /* weights and thresholds that overflow the score's arithmetic: two weights of 1e308 summed
     * to ∞ and the score was ∞/∞, NaN (cast to int: undefined), where weights 1:1 give 50 */
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1e308, "
            "\"concerning\": 1, \"healthy\": 2}]}",
            "measures[0].weight");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1, "
            "\"concerning\": -1e308, \"healthy\": 2}]}",
            "measures[0].concerning");
    refused("{\"name\": \"a\", \"measures\": [{\"measure\": \"nps\", \"weight\": 1, "
            "\"linear\": {\"zero\": -1e308, \"full\": 1e308}}]}",
            "measures[0].linear.zero");
}

Test(health, largest_weights_score_as_their_ratio)
{
    /* weights of 10^6 each (the most) score as 1:1: NPS 60 past healthy 50 is 100 points, CSAT
     * 70 between concerning 60 and healthy 80 is 50: (100 + 50) / 2 = 75 */
    struct health_scorecard sc;
    struct lf_err err = {0};
    cr_assert_eq(health_scorecard_parse(
                     "{\"name\": \"a\", \"measures\": ["
                     "{\"measure\": \"nps\", \"weight\": 1e6, \"concerning\": 0, \"healthy\": 50},"
                     "{\"measure\": \"csat\", \"weight\": 1e6, \"concerning\": 60, "
                     "\"healthy\": 80}]}",
                     &sc, &err),
                 0, "%s", err.msg);
    struct health_row r = row_of();
    struct health_score hs;
    r.v[HM_NPS] = 60;
    r.v[HM_CSAT] = 70;
    health_score(&sc, &r, &hs);
    cr_assert_eq(hs.score, 75);
}

Test(health, json_round_trip)
{
    struct health_scorecard a, b;
    struct lf_err err = {0};
    cr_assert_eq(health_scorecard_parse(card, &a, &err), 0);
    char *j = health_scorecard_json(&a);
    cr_assert_eq(health_scorecard_parse(j, &b, &err), 0, "%s: %s", j, err.msg);
    char *k = health_scorecard_json(&b);
    cr_assert_str_eq(j, k);
    free(j);
    free(k);
    /* the built-in ones are valid definitions too */
    for (size_t i = 0; health_builtin(i); i++) {
        j = health_scorecard_json(health_builtin(i));
        cr_assert_eq(health_scorecard_parse(j, &b, &err), 0, "%s: %s", j, err.msg);
        free(j);
    }
}

Test(health, backtest_by_hand)
{
    /* churners scored 10 and 20, stayers 20, 80, 90: of the 6 pairs the churner is lower in
     * 5 and tied in 1: AUC = 5.5 / 6. Red (< 40): 10, 20, 20 with 2 churns; green: 80, 90.
     * The bottom decile is ceil(5 / 10) = 1 observation, the 10, a churner: rate 1, overall
     * 2/5, lift 2.5. */
    const int scores[] = {80, 20, 10, 90, 20};
    const bool churned[] = {false, true, true, false, false};
    struct health_backtest b;
    health_backtest_stats(health_builtin_find("default"), scores, churned, 5, &b);
    cr_assert_float_eq(b.auc, 5.5 / 6, 1e-12);
    cr_assert_eq(b.band_n[0], 3);
    cr_assert_eq(b.band_churned[0], 2);
    cr_assert_eq(b.band_n[1], 0);
    cr_assert_eq(b.band_n[2], 2);
    cr_assert_eq(b.decile_n, 1);
    cr_assert_float_eq(b.decile_rate, 1, 1e-12);
    cr_assert_float_eq(b.lift, 2.5, 1e-12);
    /* nobody churned: no AUC, no lift */
    const bool none[] = {false, false, false, false, false};
    health_backtest_stats(health_builtin_find("default"), scores, none, 5, &b);
    cr_assert(isnan(b.auc));
    cr_assert(isnan(b.lift));
}

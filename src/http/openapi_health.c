/* openapi_health.c - the OpenAPI document's health scores (scores, history, scorecards) and
 * churn model (training, versions, scores, explanations). */
#include "openapi_int.h"

#include <string.h>

#include "cs/churn.h"

/* ---- health ---- */

/* /v1/accounts/{id}/health: health-explain, its account the path's, not a query parameter */
static void drop_account_param(struct doc *d, const struct op_decl *o, const struct route *rt,
                               json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *ps = params_of(op);
    for (size_t i = 0; i < json_array_size(ps); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(ps, i), "name")), "account")) {
            json_array_remove(ps, i);
            break;
        }
}

static void health_snapshot_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                                   json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("how many accounts were scored",
                  json_pack("{s:s, s:{s:{s:s}}, s:[s]}", "type", "object", "properties", "scored",
                            "type", "integer", "required", "scored")));
}

static void scorecards_apply_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                                  json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(op, "requestBody",
        body_of("the scorecard",
                json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}, s:[s,s]}", "type",
                          "object", "properties", "name", "type", "string", "segment", "type",
                          "string", "plan", "type", "string", "bands", "type", "object", "measures",
                          "type", "array", "required", "name", "measures")));
    json_t *ans = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:[s,s,s]}", "type", "object",
                            "properties", "name", "type", "string", "version", "type", "integer",
                            "changed", "type", "boolean", "required", "name", "version", "changed");
    set(responses_of(op), "201", answer_of("stored, in force", json_incref(ans)));
    set(responses_of(op), "200", answer_of("the same definition was in force already", ans));
}

static void scorecards_retire_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                                     json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("retired", json_pack("{s:s, s:{s:{s:s}}, s:[s]}", "type", "object", "properties",
                                       "retired", "type", "boolean", "required", "retired")));
}

/* ---- the churn model (api_churn.c) ---- */

/* components/schemas `name`: a table as `landfall … --json` writes it, {"metric", "rows"}, of the
 * churn model's table `id` (cs/churn.h declares its columns); returns a reference to it. */
static json_t *table_schema(struct doc *d, const char *name, enum churn_table_id id)
{
    const struct churn_table *ct = &churn_tables[id];
    if (!json_object_get(d->schemas, name)) {
        json_t *props = json_object(), *req = json_array();
        for (size_t i = 0; i < ct->nr; i++) {
            set(props, ct->cols[i].name, openapi_column_schema(ct->cols[i].type, ct->cols[i].help));
            push(req, str(ct->cols[i].name));
        }
        json_t *row = json_object();
        set(row, "type", str("object"));
        set(row, "properties", props);
        set(row, "required", req);
        json_t *t = json_pack("{s:s, s:{s:{s:s, s:s}, s:{s:s, s:o}}, s:[s,s]}", "type", "object",
                              "properties", "metric", "type", "string", "const", ct->name, "rows",
                              "type", "array", "items", row, "required", "metric", "rows");
        set(d->schemas, name, t);
    }
    return ref("schemas", name);
}

static void churn_params(json_t *op, bool model, bool scores)
{
    json_t *list = params_of(op);
    push(list, param("query", "now", false,
                     "the features as of this instant: ISO 8601 or unix seconds, a date or a time "
                     "without offset in the workspace's zone (default: now)",
                     typed("string")));
    if (model) {
        json_t *v = typed("integer");
        set(v, "minimum", json_integer(1));
        push(list, param("query", "model", false, "the stored version (default: the latest)", v));
    }
    if (scores) {
        json_t *k = typed("integer"), *n = typed("integer");
        set(k, "minimum", json_integer(1));
        set(k, "maximum", json_integer(50));
        set(k, "default", json_integer(3));
        set(n, "minimum", json_integer(1));
        push(list, param("query", "drivers", false, "drivers given per account", k));
        push(list,
             param("query", "limit", false, "the riskiest N accounts only (default: all)", n));
    }
}

static void churn_models_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                                json_t *op)
{
    (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("the versions", table_schema(d, "ChurnModels", CHURN_MODELS)));
}

static void churn_train_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)o, (void)rt;
    json_t *list = params_of(op);
    json_t *h = typed("integer"), *n = typed("integer"), *seed = typed("integer"),
           *min = typed("integer");
    set(h, "minimum", json_integer(1));
    set(h, "maximum", json_integer(3650));
    set(h, "default", json_integer(90));
    set(n, "minimum", json_integer(2));
    set(n, "maximum", json_integer(240));
    set(n, "default", json_integer(24));
    set(seed, "minimum", json_integer(0));
    set(seed, "default", json_integer(0));
    set(min, "minimum", json_integer(1));
    set(min, "default", json_integer(10));
    push(list, param("query", "horizon", false, "the label: churned within this many days", h));
    push(list, param("query", "snapshots", false, "month starts to take rows at", n));
    push(list,
         param("query", "seed", false, "the trees' samples: same data and seed, same model", seed));
    push(list, param("query", "min_churners", false,
                     "fewer churners (or stayers) in training is refused (422)", min));
    churn_params(op, false, false);
    json_t *body = json_object(), *props = json_object();
    set(body, "type", str("object"));
    set(props, "version", typed("integer"));
    set(props, "summary", table_schema(d, "ChurnFit", CHURN_FIT));
    set(props, "calibration", table_schema(d, "ChurnCalibration", CHURN_CALIBRATION));
    set(props, "riskiest_held_out", table_schema(d, "ChurnDrivers", CHURN_DRIVERS));
    set(body, "properties", props);
    set(body, "required",
        json_pack("[s,s,s,s]", "version", "summary", "calibration", "riskiest_held_out"));
    set(responses_of(op), "201", answer_of("the model was stored", body));
}

static void churn_scores_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                              json_t *op)
{
    (void)o, (void)rt;
    churn_params(op, true, true);
    set(responses_of(op), "200",
        answer_of("the scores", table_schema(d, "ChurnScores", CHURN_SCORES)));
}

static void churn_explain_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                               json_t *op)
{
    (void)o, (void)rt;
    churn_params(op, true, false);
    json_t *body = json_object(), *props = json_object();
    set(body, "type", str("object"));
    set(props, "account", typed("string"));
    set(props, "risk", typed("number"));
    set(props, "model", typed("integer"));
    set(props, "features", table_schema(d, "ChurnExplain", CHURN_EXPLAIN));
    set(body, "properties", props);
    set(body, "required", json_pack("[s,s,s,s]", "account", "risk", "model", "features"));
    set(responses_of(op), "200", answer_of("the explanation", body));
}

const struct op_decl openapi_health_described[] = {
    /* health */
    {api_health_list, .id = "health_list", .metric = "health"},
    {api_health_history, .id = "health_history", .metric = "health-history"},
    {api_health_account, .id = "account_health", .metric = "health-explain",
     .params = {{"path", "id", "string", "the account's external id", true}},
     .more = drop_account_param, .errors = ERR(HE_NOT_FOUND)},
    {api_health_snapshot, "metrics", "health_snapshot",
     "write a day of the health history (landfall health snapshot)",
     "Scores every customer as of the day's start and stores the scores as that day of the "
     "history, replacing what it held.",
     .params = {{"query", "date", "string",
                 "the day, a date of the workspace's zone (default: today)"}},
     .more = health_snapshot_answer, .errors = ERR(HE_BAD_REQUEST)},
    {api_scorecards_list, .id = "scorecards_list", .metric = "scorecards"},
    {api_expansion, .id = "expansion", .metric = "expansion"},
    {api_scorecards_apply, "metrics", "scorecards_apply",
     "store a scorecard as a new version (landfall health scorecard apply)",
     "The body is the scorecard (docs/metrics.md, \"Health\"): name, optional segment and plan, "
     "bands, measures with a weight and thresholds or a linear band. The same definition as the "
     "version in force changes nothing (200); a bad one is refused with the field named (400).",
     .more = scorecards_apply_more, .errors = ERR(HE_BAD_REQUEST)},
    {api_scorecards_retire, "metrics", "scorecards_retire", "take a scorecard out of force",
     .params = {NAME_PARAM("the scorecard's name")}, .more = scorecards_retire_answer,
     .errors = ERR(HE_NOT_FOUND)},

    /* the churn model */
    {api_churn_models_list, "churn", "churn_models_list",
     "the stored churn models, newest first, with their test figures", .more = churn_models_answer},
    {api_churn_train, "churn", "churn_train",
     "train the churn model on the workspace's accounts and store it as the next version "
     "(`landfall churn train`)",
     .more = churn_train_more, .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {api_churn_scores, "churn", "churn_scores",
     "every paying account's churn risk and drivers, riskiest first", .more = churn_scores_more,
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
    {api_churn_explain, "churn", "churn_explain",
     "one account's churn risk and every feature's part in it",
     .params = {{"path", "id", "string", "the account's id", true}}, .more = churn_explain_more,
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
    {NULL},
};

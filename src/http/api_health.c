/* api_health.c - GET /healthz (is the server up and its store readable) and GET /metrics. */
#include "http_int.h"

void api_healthz(struct http_req *r)
{
    if (!http_lf(r))
        return;
    http_json(r, 200, "{\"status\": \"ok\", \"version\": \"" LANDFALL_VERSION "\"}");
}

void api_metrics(struct http_req *r)
{
    r->status = 200;
    r->content_type = "text/plain; version=0.0.4";
    metrics_write(http_metrics(r), &r->resp);
}

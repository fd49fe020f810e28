/* api_web.c - the dashboard: the page shell every page's URL answers (its scripts render the
 * page in the browser from the JSON API) and the files it loads, from the binary itself
 * (web.h), with ETags, gzip and, for the files under their build's URL, a year of caching. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"
#include "web.h"

/* The pages' policy: scripts, styles, images and requests only from this server, nothing
 * inline, no plugins, no framing, forms posted only here. */
static const char page_policy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static const struct web_asset *find(const char *name)
{
    for (size_t i = 0; i < web_assets_nr; i++)
        if (strcmp(web_assets[i].name, name) == 0)
            return &web_assets[i];
    return NULL;
}

/* Whether the client takes gzip: Accept-Encoding names it, without q=0. */
static bool takes_gzip(struct http_req *r)
{
    const char *p = http_header(r, "Accept-Encoding");
    while (p && *p && strncasecmp(p, "gzip", 4) != 0)
        p++;
    if (!p || !*p)
        return false;
    const char *q = strstr(p, "q="), *comma = strchr(p, ',');
    return !q || (comma && comma < q) || strtod(q + 2, NULL) > 0;
}

static void send(struct http_req *r, const struct web_asset *a, const char *cache)
{
    const char *inm = http_header(r, "If-None-Match");
    http_add_header(r, "Cache-Control", cache);
    http_add_header(r, "ETag", a->etag);
    http_add_header(r, "Vary", "Accept-Encoding");
    r->content_type = a->type;
    if (inm && (strstr(inm, a->etag) || !strcmp(inm, "*"))) {
        r->status = 304;
        return;
    }
    r->status = 200;
    if (a->gz && takes_gzip(r)) {
        http_add_header(r, "Content-Encoding", "gzip");
        r->static_body = a->gz;
        r->static_len = a->gz_len;
    } else {
        r->static_body = a->data;
        r->static_len = a->len;
    }
}

void web_page(struct http_req *r)
{
    const struct web_asset *shell = find("index.html");
    if (!shell) {
        http_fail(r, HE_INTERNAL, NULL, "the dashboard was built without its page");
        return;
    }
    http_add_header(r, "Content-Security-Policy", page_policy);
    http_add_header(r, "X-Frame-Options", "DENY");
    http_add_header(r, "Referrer-Policy", "same-origin");
    /* the shell names this build's files: a browser asks again whether it changed */
    send(r, shell, "no-cache");
}

void web_asset(struct http_req *r)
{
    const struct web_asset *a = find(r->params[1]);
    /* another build's file is not this one's: a page of an older build reloads */
    if (strcmp(r->params[0], web_build) != 0 || !a || !strcmp(a->name, "index.html")) {
        http_fail(r, HE_NOT_FOUND, NULL, "no file '%s' in this build of the dashboard",
                  r->params[1]);
        return;
    }
    send(r, a, "public, max-age=31536000, immutable");
}

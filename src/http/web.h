/* web.h - the dashboard's files, embedded at build time (tools/embed_assets.c makes the table
 * from web/ and ECharts): each file's bytes, its gzip-compressed bytes when smaller, its media
 * type and ETag; and the build hash that names their URLs, /assets/BUILD/FILE. */
#ifndef HTTP_WEB_H
#define HTTP_WEB_H

#include <stddef.h>

struct web_asset {
    const char *name, *type, *etag; /* etag: a quoted hash of the bytes */
    const unsigned char *data, *gz; /* gz: NULL when gzip would not make it smaller */
    size_t len, gz_len;
};

extern const struct web_asset web_assets[];
extern const size_t web_assets_nr;
extern const char web_build[]; /* 16 hex digits */

#endif

/* cmd_openapi.c - `landfall openapi`: prints the OpenAPI 3.1 document of the HTTP API, the
 * bytes GET /openapi.json answers (docs/openapi.json is this output, kept in the repository). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http/http.h"

static const char help_text[] =
    "usage: landfall openapi\n"
    "\n"
    "Prints the OpenAPI 3.1 document of `landfall serve`'s HTTP API, as GET /openapi.json\n"
    "answers it. It is generated from the route table, the metric registry and the resource\n"
    "definitions, so it describes exactly what this binary serves. Needs no store.\n"
    "\n"
    "docs/openapi.json is a copy; after changing a route, a metric or a resource field,\n"
    "regenerate it with `landfall openapi > docs/openapi.json` (the test suite fails until\n"
    "it matches).\n";

void cmd_openapi_help(FILE *out)
{
    fputs(help_text, out);
}

int cmd_openapi(int argc, char **argv, const struct cli_env *env)
{
    (void)env;
    if (argc > 1)
        return cli_usage("openapi", "unexpected argument '%s'", argv[1]);
    char *doc = NULL;
    struct lf_err err = {0};
    if (http_openapi(&doc, &err) < 0)
        return cli_fail(&err);
    puts(doc); /* and the newline that ends every JSON answer of the server */
    free(doc);
    if (fflush(stdout) != 0) {
        err = (struct lf_err){.code = LF_EIO, .msg = "cannot write the document: output error"};
        return cli_fail(&err);
    }
    return EXIT_OK;
}

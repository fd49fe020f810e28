/* embed_assets.c - build tool: turns the dashboard's files (web/ and ECharts from
 * web/node_modules) into a C table the server serves from memory: each file's bytes, its
 * gzip-compressed bytes when smaller, its media type and a hash for its ETag; and a build hash
 * of them all, which names the assets' URLs (/assets/BUILD/FILE) so that they can be cached
 * for a year. index.html is the page shell: its "@BUILD@" becomes that hash.
 *
 *   embed_assets OUT.c FILE[=NAME]...   (NAME: the file's name under /assets/; default its
 *                                        base name) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct file {
    const char *name, *type;
    unsigned char *data, *gz;
    size_t len, gz_len;
    uint64_t hash;
};

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"},
                 {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},
                 {".svg", "image/svg+xml"},
                 {".png", "image/png"},
                 {".json", "application/json"},
                 {".txt", "text/plain; charset=utf-8"}};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(*types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            p = realloc(p, cap *= 2);
    }
    fclose(f);
    if (!p) {
        fprintf(stderr, "embed_assets: out of memory\n");
        exit(1);
    }
    *len = n;
    return p;
}

/* gzip of f's bytes, kept only when it saves something. */
static void gzip_file(struct file *f)
{
    z_stream z = {0};
    size_t cap = f->len + f->len / 100 + 1024;
    f->gz = malloc(cap);
    if (!f->gz || deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        fprintf(stderr, "embed_assets: cannot compress\n");
        exit(1);
    }
    z.next_in = f->data;
    z.avail_in = (uInt)f->len;
    z.next_out = f->gz;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    f->gz_len = rc == Z_STREAM_END ? z.total_out : 0;
    deflateEnd(&z);
    if (f->gz_len == 0 || f->gz_len >= f->len) {
        free(f->gz);
        f->gz = NULL;
        f->gz_len = 0;
    }
}

/* Writes bytes as string literals of escaped characters (faster to compile than a list of
 * numbers); octal escapes are three digits, so a digit after one is never read into it. */
static void literal(FILE *out, const unsigned char *p, size_t n)
{
    size_t col = 0;
    fputs("\n    \"", out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
            fputc(c, out);
            col++;
        } else {
            fprintf(out, "\\%03o", c);
            col += 4;
        }
        if (col >= 96 && i + 1 < n) {
            fputs("\"\n    \"", out);
            col = 0;
        }
    }
    fputc('"', out);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: embed_assets OUT.c FILE[=NAME]...\n");
        return 2;
    }
    size_t nr = (size_t)argc - 2;
    struct file *files = calloc(nr, sizeof(*files));
    uint64_t build = 1469598103934665603ULL;
    struct file *shell = NULL;
    for (size_t i = 0; i < nr; i++) {
        char *arg = argv[i + 2], *eq = strchr(arg, '=');
        struct file *f = &files[i];
        if (eq)
            *eq = '\0';
        const char *slash = strrchr(arg, '/');
        f->name = eq ? eq + 1 : slash ? slash + 1 : arg;
        f->type = type_of(f->name);
        f->data = slurp(arg, &f->len);
        f->hash = fnv(1469598103934665603ULL, f->data, f->len);
        if (strcmp(f->name, "index.html") == 0) {
            shell = f;
            continue;
        }
        build = fnv(build, (const unsigned char *)f->name, strlen(f->name) + 1);
        build = fnv(build, (const unsigned char *)&f->hash, sizeof(f->hash));
    }
    char build_hex[17];
    snprintf(build_hex, sizeof(build_hex), "%016llx", (unsigned long long)build);
    if (shell) { /* "@BUILD@" → the build hash */
        unsigned char *out = malloc(shell->len + 1), *p = shell->data, *end = p + shell->len;
        size_t n = 0;
        while (p < end) {
            if (end - p >= 7 && memcmp(p, "@BUILD@", 7) == 0) {
                out = realloc(out, shell->len + n + 17);
                memcpy(out + n, build_hex, 16);
                n += 16;
                p += 7;
            } else {
                out[n++] = *p++;
            }
        }
        free(shell->data);
        shell->data = out;
        shell->len = n;
        shell->hash = fnv(build, out, n);
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    fprintf(out, "/* generated by tools/embed_assets.c - do not edit */\n"
                 "#include \"http/web.h\"\n\n");
    for (size_t i = 0; i < nr; i++) {
        struct file *f = &files[i];
        gzip_file(f);
        fprintf(out, "static const char data%zu[] =", i);
        literal(out, f->data, f->len);
        fputs(";\n", out);
        if (f->gz) {
            fprintf(out, "static const char gz%zu[] =", i);
            literal(out, f->gz, f->gz_len);
            fputs(";\n", out);
        }
    }
    fprintf(out, "\nconst struct web_asset web_assets[] = {\n");
    for (size_t i = 0; i < nr; i++) {
        struct file *f = &files[i];
        fprintf(out, "    {\"%s\", \"%s\", \"\\\"%016llx\\\"\", (const unsigned char *)data%zu, ",
                f->name, f->type, (unsigned long long)f->hash, i);
        if (f->gz)
            fprintf(out, "(const unsigned char *)gz%zu, %zu, %zu},\n", i, f->len, f->gz_len);
        else
            fprintf(out, "NULL, %zu, 0},\n", f->len);
    }
    fprintf(out, "};\nconst size_t web_assets_nr = %zu;\nconst char web_build[] = \"%s\";\n", nr,
            build_hex);
    return fclose(out) == 0 ? 0 : 1;
}

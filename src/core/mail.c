/* mail.c - survey invitations as MIME messages (RFC 5322, 2045-2047), sent over SMTP by libcurl. */
/* the calls go through pointers (below): curl's type-checking macros would rename them */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "surveys.h"
#include "base/dynlib.h"

/* Quoted-printable (RFC 2045 6.7): lines of at most 76 characters, soft breaks "=", every
 * byte outside printable ASCII and '=' as =XX, line breaks as CRLF, a space or tab before a
 * line break encoded so that relays which strip trailing blanks change nothing. */
static void add_qp(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            buf_adds(out, "\r\n");
            col = 0;
            continue;
        }
        if (*p == '\r')
            continue;
        bool before_break = p[1] == '\n' || p[1] == '\0' || p[1] == '\r';
        bool plain = (*p >= 33 && *p <= 126 && *p != '=') ||
                     ((*p == ' ' || *p == '\t') && !before_break);
        size_t w = plain ? 1 : 3;
        if (col + w > 75) {
            buf_adds(out, "=\r\n");
            col = 0;
        }
        if (plain) {
            buf_addc(out, (char)*p);
        } else {
            buf_addc(out, '=');
            buf_addc(out, hex[*p >> 4]);
            buf_addc(out, hex[*p & 15]);
        }
        col += w;
    }
    buf_adds(out, "\r\n");
}

static bool ascii_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || (unsigned char)*s > 126)
            return false;
    return true;
}

/* A header value: as it is when it is printable ASCII, else RFC 2047 encoded words (base64
 * of UTF-8, cut between characters so that each word decodes alone). */
static void add_header_text(struct buf *out, const char *s)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (ascii_printable(s)) {
        buf_adds(out, s);
        return;
    }
    size_t len = strlen(s), i = 0;
    bool first = true;
    while (i < len) {
        /* 39 bytes: 52 characters of base64, so that "Subject: " and the word's frame fit
         * in RFC 5322's 78 characters */
        size_t n = len - i > 39 ? 39 : len - i;
        while (n < len - i && n > 0 && ((unsigned char)s[i + n] & 0xC0) == 0x80)
            n--; /* do not cut a UTF-8 sequence */
        buf_adds(out, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
        for (size_t j = 0; j < n; j += 3) {
            unsigned v = (unsigned char)s[i + j] << 16;
            if (j + 1 < n)
                v |= (unsigned char)s[i + j + 1] << 8;
            if (j + 2 < n)
                v |= (unsigned char)s[i + j + 2];
            buf_addc(out, b64[v >> 18 & 63]);
            buf_addc(out, b64[v >> 12 & 63]);
            buf_addc(out, j + 1 < n ? b64[v >> 6 & 63] : '=');
            buf_addc(out, j + 2 < n ? b64[v & 63] : '=');
        }
        buf_adds(out, "?=");
        i += n;
        first = false;
    }
}

/* A header value from text that must not break the header: CR and LF become spaces. */
static void add_header_line(struct buf *out, const char *name, const char *v)
{
    char clean[1024];
    size_t n = 0;
    for (; *v && n + 1 < sizeof(clean); v++)
        clean[n++] = *v == '\r' || *v == '\n' ? ' ' : *v;
    clean[n] = '\0';
    buf_addf(out, "%s: ", name);
    /* an address is never encoded: only the display name before it */
    char *lt = strrchr(clean, '<');
    if (lt && lt > clean && !ascii_printable(clean)) {
        char *end = lt;
        while (end > clean && end[-1] == ' ')
            end--;
        *end = '\0';
        add_header_text(out, clean);
        *end = ' ';
        buf_addf(out, " %s", lt);
    } else {
        add_header_text(out, clean);
    }
    buf_adds(out, "\r\n");
}

void mail_compose(struct buf *out, const char *from, const char *to, const char *subject,
                  const char *text, const char *html, int64_t date_ms, const char *message_id)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char boundary[64];
    struct tm tm;
    time_t secs = (time_t)(date_ms / 1000);
    gmtime_r(&secs, &tm);
    /* Quoted-printable writes '=' only as "=XX" with hex digits or a soft break: text that
     * starts "=_" never occurs in either part (RFC 2045 6.7's own advice). */
    snprintf(boundary, sizeof(boundary), "=_landfall_%s", message_id);
    for (char *p = boundary; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '=' || *p == '_' ||
              *p == '-'))
            *p = '_';
    add_header_line(out, "From", from);
    add_header_line(out, "To", to);
    add_header_line(out, "Subject", subject);
    buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    buf_addf(out, "Message-ID: %s\r\n", message_id);
    buf_adds(out, "MIME-Version: 1.0\r\n");
    buf_addf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
    buf_addf(out, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
    add_qp(out, text);
    buf_addf(out, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
    add_qp(out, html);
    buf_addf(out, "--%s--\r\n", boundary);
}

struct reader {
    const char *p;
    size_t left;
};

static size_t read_body(char *dst, size_t size, size_t nmemb, void *ctx)
{
    struct reader *r = ctx;
    size_t n = size * nmemb < r->left ? size * nmemb : r->left;
    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

/* libcurl, opened when the first mail goes (base/dynlib.h): a command that sends none does not
 * load it and the 20 libraries it needs */
#define CURL_FNS(X)                                                                               \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform)                \
    X(curl_easy_getinfo) X(curl_easy_cleanup) X(curl_easy_strerror) X(curl_slist_append)          \
    X(curl_slist_free_all)
static struct {
    CURL_FNS(DYNLIB_FIELD)
} cu;
static const char *const curl_names[] = {CURL_FNS(DYNLIB_NAME)};
static struct dynlib libcurl =
    DYNLIB_INIT("libcurl.so.4", "the URL transfer library", "libcurl4", curl_names, cu);

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    if (dynlib_open(&libcurl) == 0)
        cu.curl_global_init(CURL_GLOBAL_DEFAULT);
}

int mail_send(const char *url, const char *from, const char *to, const char *message,
              size_t len, long timeout_s, struct lf_err *err)
{
    pthread_once(&curl_once, curl_init_once);
    if (dynlib_check(&libcurl, err) < 0)
        return -1;
    CURL *c = cu.curl_easy_init();
    if (!c)
        return err_set(err, LF_EIO, "cannot start an SMTP session");
    struct curl_slist *rcpt = cu.curl_slist_append(NULL, to);
    struct reader r = {message, len};
    char reason[CURL_ERROR_SIZE] = "";
    cu.curl_easy_setopt(c, CURLOPT_URL, url);
    cu.curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    cu.curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    cu.curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    cu.curl_easy_setopt(c, CURLOPT_READDATA, &r);
    cu.curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    cu.curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    cu.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s : 10L);
    cu.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, reason);
    CURLcode rc = cu.curl_easy_perform(c);
    long code = 0;
    cu.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    cu.curl_slist_free_all(rcpt);
    cu.curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        return err_set(err, LF_EIO, "relay '%s' did not take the mail to '%s': %s (SMTP %ld)",
                       url, to, reason[0] ? reason : cu.curl_easy_strerror(rc), code);
    return 0;
}

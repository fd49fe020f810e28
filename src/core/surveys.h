/* surveys.h - the insides of the surveys landfall sends (docs/surveys.md): signed link tokens and
 * mail. Separate from core.h so that the fuzz target of the token parser needs nothing else. */
#ifndef CORE_SURVEYS_H
#define CORE_SURVEYS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* What a link token names. Its text is "WS.SEND.SURVEY.CONTACT.EXPIRES.MAC": five decimal
 * numbers (1 to 15 digits, no leading zero; EXPIRES in seconds since the epoch), then the
 * HMAC-SHA-256 of everything before the last dot under the workspace's key, in URL-safe base64
 * without padding (43 characters). The workspace is in clear: it says whose key to check the
 * MAC with. Every number has one spelling, so a token has one text. */
struct survey_token {
    int64_t ws, send, survey, contact, expires;
    unsigned char mac[32];
};
#define SURVEY_TOKEN_MAX 128 /* 5 × 15 digits, 5 dots, 43 MAC characters, NUL */
#define SURVEY_KEY_BYTES 32

/* Reads the text s[0..len) into *out without checking its MAC: 0, or -1 with LF_EINVAL. */
int survey_token_parse(const char *s, size_t len, struct survey_token *out, struct lf_err *err);
/* The token of t (its mac ignored) under key, into out. */
void survey_token_make(const unsigned char key[SURVEY_KEY_BYTES], const struct survey_token *t,
                       char out[SURVEY_TOKEN_MAX]);
/* Parses s and checks its MAC under key (in constant time): 0 with *out, or -1 with LF_EAUTH
 * (a MAC that does not match) or LF_EINVAL (not a token). Expiry is the caller's to check. */
int survey_token_verify(const unsigned char key[SURVEY_KEY_BYTES], const char *s, size_t len,
                        struct survey_token *out, struct lf_err *err);
/* The key in hex (64 digits) as bytes: 0, or -1 with LF_ESTORE. */
int survey_key_decode(const char *hex, unsigned char key[SURVEY_KEY_BYTES], struct lf_err *err);
/* A fresh random key as hex. */
void survey_key_new(char hex[2 * SURVEY_KEY_BYTES + 1]);

/* ---- mail (mail.c) ---- */

/* An RFC 5322 message with a multipart/alternative body (RFC 2045/2046): text and HTML parts,
 * both UTF-8 in quoted-printable, the subject RFC 2047-encoded when it is not ASCII. The
 * boundary is derived from `seed` and checked absent from both parts. Appended to out. */
void mail_compose(struct buf *out, const char *from, const char *to, const char *subject,
                  const char *text, const char *html, int64_t date_ms, const char *message_id);
/* Sends message to `to` from `from` through the SMTP relay at url ("smtp://host:port"),
 * waiting at most timeout_s. 0 when the relay accepted it, else -1 with LF_EIO and the relay's
 * or the connection's reason. */
int mail_send(const char *url, const char *from, const char *to, const char *message,
              size_t len, long timeout_s, struct lf_err *err);

#endif

/* survey_token.c - signed survey links: a token names a workspace, an invitation, its survey and
 * contact and an expiry, under an HMAC-SHA-256 of the workspace's key. */
#include "surveys.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 5
#define DIGITS_MAX 15
#define MAC_CHARS 43 /* 32 bytes in base64 without padding */

static void payload_of(const struct survey_token *t, char *out, size_t size)
{
    snprintf(out, size, "%lld.%lld.%lld.%lld.%lld", (long long)t->ws, (long long)t->send,
             (long long)t->survey, (long long)t->contact, (long long)t->expires);
}

static int init_sodium(struct lf_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, LF_EINTERNAL, "cannot initialise libsodium");
    return 0;
}

static void mac_of(const unsigned char key[SURVEY_KEY_BYTES], const char *payload, size_t len,
                   unsigned char mac[32])
{
    crypto_auth_hmacsha256(mac, (const unsigned char *)payload, len, key);
}

int survey_token_parse(const char *s, size_t len, struct survey_token *out, struct lf_err *err)
{
    int64_t v[FIELDS];
    size_t i = 0;
    memset(out, 0, sizeof(*out));
    if (len >= SURVEY_TOKEN_MAX)
        return err_set(err, LF_EINVAL, "the survey link is too long to be one");
    for (int f = 0; f < FIELDS; f++) {
        size_t start = i;
        int64_t n = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < DIGITS_MAX)
            n = n * 10 + (s[i++] - '0');
        if (i == start || i == len || s[i] != '.' || (s[start] == '0' && i - start > 1))
            return err_set(err, LF_EINVAL, "the survey link is not one landfall made");
        v[f] = n;
        i++;
    }
    if (len - i != MAC_CHARS)
        return err_set(err, LF_EINVAL, "the survey link is not one landfall made");
    size_t bin_len = 0;
    const char *end = NULL;
    if (sodium_base642bin(out->mac, sizeof(out->mac), s + i, MAC_CHARS, NULL, &bin_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        bin_len != sizeof(out->mac) || end != s + len)
        return err_set(err, LF_EINVAL, "the survey link is not one landfall made");
    /* Base64's last character carries 4 spare bits: only the spelling with zeros there is the
     * token's, so that one token has one text. */
    char again[MAC_CHARS + 1];
    sodium_bin2base64(again, sizeof(again), out->mac, sizeof(out->mac),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (memcmp(again, s + i, MAC_CHARS) != 0)
        return err_set(err, LF_EINVAL, "the survey link is not one landfall made");
    out->ws = v[0], out->send = v[1], out->survey = v[2], out->contact = v[3];
    out->expires = v[4];
    return 0;
}

void survey_token_make(const unsigned char key[SURVEY_KEY_BYTES], const struct survey_token *t,
                       char out[SURVEY_TOKEN_MAX])
{
    char payload[SURVEY_TOKEN_MAX];
    unsigned char mac[32];
    payload_of(t, payload, sizeof(payload));
    size_t n = strlen(payload);
    if (sodium_init() < 0) { /* cannot happen after the first call; a token then fails to verify */
        out[0] = '\0';
        return;
    }
    mac_of(key, payload, n, mac);
    memcpy(out, payload, n);
    out[n] = '.';
    sodium_bin2base64(out + n + 1, SURVEY_TOKEN_MAX - n - 1, mac, sizeof(mac),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int survey_token_verify(const unsigned char key[SURVEY_KEY_BYTES], const char *s, size_t len,
                        struct survey_token *out, struct lf_err *err)
{
    if (init_sodium(err) < 0 || survey_token_parse(s, len, out, err) < 0)
        return -1;
    /* The MAC covers the text before it exactly as sent: parse's canonical spelling makes
     * that the same as the fields' own. */
    size_t payload_len = len - MAC_CHARS - 1;
    if (crypto_auth_hmacsha256_verify(out->mac, (const unsigned char *)s, payload_len, key) != 0)
        return err_set(err, LF_EAUTH, "the survey link's signature does not match");
    return 0;
}

int survey_key_decode(const char *hex, unsigned char key[SURVEY_KEY_BYTES], struct lf_err *err)
{
    size_t n = 0;
    if (init_sodium(err) < 0)
        return -1;
    if (!hex || strlen(hex) != 2 * SURVEY_KEY_BYTES ||
        sodium_hex2bin(key, SURVEY_KEY_BYTES, hex, 2 * SURVEY_KEY_BYTES, NULL, &n, NULL) != 0 ||
        n != SURVEY_KEY_BYTES)
        return err_set(err, LF_ESTORE, "the workspace's survey key is damaged");
    return 0;
}

void survey_key_new(char hex[2 * SURVEY_KEY_BYTES + 1])
{
    unsigned char key[SURVEY_KEY_BYTES];
    if (sodium_init() < 0)
        abort();
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(hex, 2 * SURVEY_KEY_BYTES + 1, key, sizeof(key));
    sodium_memzero(key, sizeof(key));
}

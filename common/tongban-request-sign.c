/* tongban-request-sign.c: canonical request string and its HMAC-SM3 signature */

#include "tongban-request-sign.h"
#include "tongban-sm.h"

#include <string.h>
#include <openssl/rand.h>

char *
tongban_request_canonical (const char *method,
                           const char *path,
                           gint64      timestamp,
                           const char *nonce,
                           const void *body,
                           gsize       body_len)
{
  g_autofree char *digest = tongban_sm3_hex (body ? body : "", body ? body_len : 0);

  g_return_val_if_fail (method != NULL && path != NULL && nonce != NULL, NULL);
  if (digest == NULL)
    return NULL;
  return g_strdup_printf ("%s\n%s\n%" G_GINT64_FORMAT "\n%s\n%s",
                          method, path, timestamp, nonce, digest);
}

char *
tongban_request_sign (const guint8 *key,
                      gsize         key_len,
                      const char   *method,
                      const char   *path,
                      gint64        timestamp,
                      const char   *nonce,
                      const void   *body,
                      gsize         body_len)
{
  g_autofree char *canon = tongban_request_canonical (method, path, timestamp, nonce,
                                                      body, body_len);

  if (canon == NULL)
    return NULL;
  return tongban_hmac_sm3_hex (key, key_len, canon, strlen (canon));
}

gboolean
tongban_request_verify (const guint8 *key,
                        gsize         key_len,
                        const char   *method,
                        const char   *path,
                        gint64        timestamp,
                        const char   *nonce,
                        const void   *body,
                        gsize         body_len,
                        const char   *signature_hex)
{
  g_autofree char *expected = NULL;

  if (signature_hex == NULL || strlen (signature_hex) != 2 * TONGBAN_SM3_LEN)
    return FALSE;
  expected = tongban_request_sign (key, key_len, method, path, timestamp, nonce, body, body_len);
  if (expected == NULL)
    return FALSE;
  /* Accept upper-case hex as well, but compare in constant time. */
  {
    char lower[2 * TONGBAN_SM3_LEN];

    for (gsize i = 0; i < sizeof lower; i++)
      lower[i] = g_ascii_tolower (signature_hex[i]);
    return tongban_memeq_const (lower, expected, sizeof lower);
  }
}

gboolean
tongban_nonce_is_valid (const char *nonce)
{
  gsize len;

  if (nonce == NULL)
    return FALSE;
  len = strlen (nonce);
  if (len < TONGBAN_NONCE_MIN_LEN || len > TONGBAN_NONCE_MAX_LEN)
    return FALSE;
  for (const char *p = nonce; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
tongban_nonce_new (void)
{
  guint8 raw[16];

  if (RAND_bytes (raw, sizeof raw) != 1)
    g_error ("no randomness for a nonce");
  return tongban_hex_encode (raw, sizeof raw);
}

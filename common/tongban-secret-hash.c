/* tongban-secret-hash.c: PBKDF2-HMAC-SM3 secret hashes (GB/T 32905 SM3 via OpenSSL 3) */

#include "tongban-secret-hash.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define PREFIX    "pbkdf2-sm3"
#define SALT_LEN  16
#define HASH_LEN  32

G_DEFINE_QUARK (tongban-secret-hash-error-quark, tongban_secret_hash_error)

gboolean
tongban_sm3 (const guint8 *data,
             gsize         len,
             guint8        out[32])
{
  unsigned int out_len = 0;
  EVP_MD *md = EVP_MD_fetch (NULL, "SM3", NULL);
  gboolean ok;

  if (md == NULL)
    return FALSE;
  ok = EVP_Digest (data, len, out, &out_len, md, NULL) == 1 && out_len == 32;
  EVP_MD_free (md);
  return ok;
}

gboolean
tongban_pbkdf2_sm3 (const guint8  *secret,
                    gsize          secret_len,
                    const guint8  *salt,
                    gsize          salt_len,
                    guint          iterations,
                    guint8        *out,
                    gsize          out_len,
                    GError       **error)
{
  EVP_MD *md;
  int rc;

  g_return_val_if_fail (secret != NULL || secret_len == 0, FALSE);
  g_return_val_if_fail (salt != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  md = EVP_MD_fetch (NULL, "SM3", NULL);
  if (md == NULL)
    {
      g_set_error_literal (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_CRYPTO,
                           "SM3 is not available in this OpenSSL build");
      return FALSE;
    }

  rc = PKCS5_PBKDF2_HMAC ((const char *) (secret ? secret : (const guint8 *) ""),
                          (int) secret_len, salt, (int) salt_len,
                          (int) iterations, md, (int) out_len, out);
  EVP_MD_free (md);

  if (rc != 1)
    {
      g_set_error_literal (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_CRYPTO,
                           "PBKDF2-SM3 failed");
      return FALSE;
    }
  return TRUE;
}

char *
tongban_secret_hash_new (const char  *secret,
                         guint        iterations,
                         GError     **error)
{
  guint8 salt[SALT_LEN];
  guint8 hash[HASH_LEN];
  g_autofree char *salt_b64 = NULL;
  g_autofree char *hash_b64 = NULL;

  g_return_val_if_fail (secret != NULL, NULL);

  if (iterations == 0)
    iterations = TONGBAN_SECRET_HASH_DEFAULT_ITERATIONS;

  if (RAND_bytes (salt, sizeof salt) != 1)
    {
      g_set_error_literal (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_CRYPTO,
                           "no random bytes for the salt");
      return NULL;
    }
  if (!tongban_pbkdf2_sm3 ((const guint8 *) secret, strlen (secret), salt, sizeof salt,
                           iterations, hash, sizeof hash, error))
    return NULL;

  salt_b64 = g_base64_encode (salt, sizeof salt);
  hash_b64 = g_base64_encode (hash, sizeof hash);
  OPENSSL_cleanse (hash, sizeof hash);

  return g_strdup_printf (PREFIX "$%u$%s$%s", iterations, salt_b64, hash_b64);
}

/* Splits and decodes @encoded; on success the caller owns @salt and @hash. */
static gboolean
parse (const char  *encoded,
       guint       *iterations,
       guint8     **salt,
       gsize       *salt_len,
       guint8     **hash,
       gsize       *hash_len,
       GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 iter = 0;
  g_autofree guint8 *s = NULL;
  g_autofree guint8 *h = NULL;
  gsize slen = 0, hlen = 0;

  if (encoded == NULL || *encoded == '\0')
    goto malformed;

  parts = g_strsplit (encoded, "$", -1);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], PREFIX) != 0)
    goto malformed;

  if (!g_ascii_string_to_unsigned (parts[1], 10, TONGBAN_SECRET_HASH_MIN_ITERATIONS,
                                   TONGBAN_SECRET_HASH_MAX_ITERATIONS, &iter, NULL))
    goto malformed;

  if (*parts[2] == '\0' || *parts[3] == '\0')
    goto malformed;
  s = g_base64_decode (parts[2], &slen);
  h = g_base64_decode (parts[3], &hlen);
  if (slen < 8 || slen > 64 || hlen != HASH_LEN)
    goto malformed;

  *iterations = (guint) iter;
  *salt = g_steal_pointer (&s);
  *salt_len = slen;
  *hash = g_steal_pointer (&h);
  *hash_len = hlen;
  return TRUE;

malformed:
  g_set_error_literal (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_MALFORMED,
                       "expected pbkdf2-sm3$ITERATIONS$SALT$HASH "
                       "(make one with: tongban-kiosk --hash-pin)");
  return FALSE;
}

gboolean
tongban_secret_hash_check_format (const char  *encoded,
                                  GError     **error)
{
  guint iterations;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *hash = NULL;
  gsize salt_len, hash_len;

  return parse (encoded, &iterations, &salt, &salt_len, &hash, &hash_len, error);
}

gboolean
tongban_secret_hash_verify (const char  *encoded,
                            const char  *secret,
                            GError     **error)
{
  guint iterations;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  gsize salt_len, hash_len;
  guint8 actual[HASH_LEN];
  gboolean same;

  g_return_val_if_fail (secret != NULL, FALSE);

  if (!parse (encoded, &iterations, &salt, &salt_len, &expected, &hash_len, error))
    return FALSE;

  if (!tongban_pbkdf2_sm3 ((const guint8 *) secret, strlen (secret), salt, salt_len,
                           iterations, actual, sizeof actual, error))
    return FALSE;

  same = CRYPTO_memcmp (actual, expected, HASH_LEN) == 0;
  OPENSSL_cleanse (actual, sizeof actual);

  if (!same)
    g_set_error_literal (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_MISMATCH,
                         "the secret does not match");
  return same;
}

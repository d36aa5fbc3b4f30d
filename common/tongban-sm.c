/* tongban-sm.c: SM2/SM3/HMAC-SM3 over OpenSSL 3, SM4-GCM over libgcrypt */

#include "tongban-sm.h"

#include <string.h>
#include <gcrypt.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

char *
tongban_hex_encode (const guint8 *data,
                    gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (2 * len + 1);

  for (gsize i = 0; i < len; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  hex[2 * len] = '\0';
  return hex;
}

/* Fetched once: OpenSSL 3 looks an algorithm up in its providers on every implicit use
 * (EVP_sm3 (), EVP_Q_mac), which cost more than hashing a heartbeat. */
static EVP_MD *
sm3_md (void)
{
  static gsize once;
  static EVP_MD *md;

  if (g_once_init_enter (&once))
    {
      md = EVP_MD_fetch (NULL, "SM3", NULL);
      g_once_init_leave (&once, 1);
    }
  return md;
}

/* An HMAC context with SM3 chosen and no key: each MAC starts from a copy of it. */
static EVP_MAC_CTX *
hmac_sm3_template (void)
{
  static gsize once;
  static EVP_MAC_CTX *template;

  if (g_once_init_enter (&once))
    {
      EVP_MAC *mac = EVP_MAC_fetch (NULL, "HMAC", NULL);
      OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_DIGEST, (char *) "SM3", 0),
        OSSL_PARAM_construct_end (),
      };

      template = mac != NULL ? EVP_MAC_CTX_new (mac) : NULL;
      if (template != NULL && EVP_MAC_CTX_set_params (template, params) != 1)
        g_clear_pointer (&template, EVP_MAC_CTX_free);
      EVP_MAC_free (mac);
      g_once_init_leave (&once, 1);
    }
  return template;
}

char *
tongban_sm3_hex (const void *data,
                 gsize       len)
{
  guint8 md[TONGBAN_SM3_LEN];
  unsigned int md_len = 0;

  if (sm3_md () == NULL || EVP_Digest (data, len, md, &md_len, sm3_md (), NULL) != 1
      || md_len != sizeof md)
    return NULL;
  return tongban_hex_encode (md, sizeof md);
}

gboolean
tongban_hmac_sm3 (const guint8 *key,
                  gsize         key_len,
                  const void   *data,
                  gsize         len,
                  guint8        out[TONGBAN_SM3_LEN])
{
  EVP_MAC_CTX *ctx = hmac_sm3_template () ? EVP_MAC_CTX_dup (hmac_sm3_template ()) : NULL;
  size_t out_len = 0;
  gboolean ok;

  ok = ctx != NULL && EVP_MAC_init (ctx, key, key_len, NULL) == 1
       && EVP_MAC_update (ctx, data, len) == 1
       && EVP_MAC_final (ctx, out, &out_len, TONGBAN_SM3_LEN) == 1
       && out_len == TONGBAN_SM3_LEN;
  EVP_MAC_CTX_free (ctx);
  return ok;
}

char *
tongban_hmac_sm3_hex (const guint8 *key,
                      gsize         key_len,
                      const void   *data,
                      gsize         len)
{
  guint8 mac[TONGBAN_SM3_LEN];

  if (!tongban_hmac_sm3 (key, key_len, data, len, mac))
    return NULL;
  return tongban_hex_encode (mac, sizeof mac);
}

gboolean
tongban_memeq_const (const void *a,
                     const void *b,
                     gsize       len)
{
  return CRYPTO_memcmp (a, b, len) == 0;
}

EVP_PKEY *
tongban_sm2_generate (void)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "SM2", NULL);
  EVP_PKEY *key = NULL;

  if (ctx == NULL)
    return NULL;
  if (EVP_PKEY_keygen_init (ctx) != 1 || EVP_PKEY_generate (ctx, &key) != 1)
    key = NULL;
  EVP_PKEY_CTX_free (ctx);
  return key;
}

char *
tongban_sm2_public_to_base64 (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int len;
  char *b64;

  g_return_val_if_fail (key != NULL, NULL);

  len = i2d_PUBKEY (key, &der);
  if (len <= 0)
    return NULL;
  b64 = g_base64_encode (der, (gsize) len);
  OPENSSL_free (der);
  return b64;
}

EVP_PKEY *
tongban_sm2_public_from_base64 (const char *b64)
{
  g_autofree guchar *der = NULL;
  gsize len = 0;
  const unsigned char *p;
  EVP_PKEY *key;

  if (b64 == NULL || *b64 == '\0' || strlen (b64) > 4096)
    return NULL;
  der = g_base64_decode (b64, &len);
  if (der == NULL || len == 0)
    return NULL;
  p = der;
  key = d2i_PUBKEY (NULL, &p, (long) len);
  if (key == NULL)
    return NULL;
  /* Only SM2 keys: an ordinary P-256 key would otherwise be accepted and verified as ECDSA. */
  if (!EVP_PKEY_is_a (key, "SM2") || p != der + len)
    {
      EVP_PKEY_free (key);
      return NULL;
    }
  return key;
}

/* The ID must go on a ctx handed to the MD ctx: passing it as a parameter to
 * EVP_DigestSignInit_ex fails silently in OpenSSL 3.0 (see notes/server.md). */
static EVP_MD_CTX *
sm2_md_ctx (EVP_PKEY      *key,
            EVP_PKEY_CTX **pctx_out)
{
  EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new (key, NULL);

  if (mctx == NULL || pctx == NULL
      || EVP_PKEY_CTX_set1_id (pctx, TONGBAN_SM2_DEFAULT_ID,
                               strlen (TONGBAN_SM2_DEFAULT_ID)) <= 0)
    {
      EVP_MD_CTX_free (mctx);
      EVP_PKEY_CTX_free (pctx);
      return NULL;
    }
  EVP_MD_CTX_set_pkey_ctx (mctx, pctx);
  *pctx_out = pctx;
  return mctx;
}

gboolean
tongban_sm2_sign (EVP_PKEY    *key,
                  const void  *data,
                  gsize        len,
                  guint8     **sig,
                  gsize       *sig_len)
{
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *mctx;
  size_t n = 0;
  guint8 *buf = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (key != NULL && sig != NULL && sig_len != NULL, FALSE);

  mctx = sm2_md_ctx (key, &pctx);
  if (mctx == NULL)
    return FALSE;
  if (EVP_DigestSignInit (mctx, NULL, EVP_sm3 (), NULL, key) == 1
      && EVP_DigestSign (mctx, NULL, &n, data, len) == 1)
    {
      buf = g_malloc (n);
      ok = EVP_DigestSign (mctx, buf, &n, data, len) == 1;
    }
  EVP_MD_CTX_free (mctx);
  EVP_PKEY_CTX_free (pctx);
  if (!ok)
    {
      g_free (buf);
      return FALSE;
    }
  *sig = buf;
  *sig_len = n;
  return TRUE;
}

gboolean
tongban_sm2_verify (EVP_PKEY     *key,
                    const void   *data,
                    gsize         len,
                    const guint8 *sig,
                    gsize         sig_len)
{
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *mctx;
  gboolean ok;

  if (key == NULL || sig == NULL || sig_len == 0)
    return FALSE;
  mctx = sm2_md_ctx (key, &pctx);
  if (mctx == NULL)
    return FALSE;
  ok = EVP_DigestVerifyInit (mctx, NULL, EVP_sm3 (), NULL, key) == 1
       && EVP_DigestVerify (mctx, sig, sig_len, data, len) == 1;
  EVP_MD_CTX_free (mctx);
  EVP_PKEY_CTX_free (pctx);
  /* A malformed signature leaves DER errors behind; they must not leak into later calls. */
  ERR_clear_error ();
  return ok;
}

static GBytes *
sm2_crypt (EVP_PKEY     *key,
           gboolean      encrypt,
           const guint8 *data,
           gsize         len)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (key, NULL);
  size_t n = 0;
  guint8 *buf = NULL;
  gboolean ok = FALSE;

  if (ctx == NULL)
    return NULL;
  if (encrypt)
    ok = EVP_PKEY_encrypt_init (ctx) == 1 && EVP_PKEY_encrypt (ctx, NULL, &n, data, len) == 1
         && (buf = g_malloc (n)) != NULL && EVP_PKEY_encrypt (ctx, buf, &n, data, len) == 1;
  else
    ok = EVP_PKEY_decrypt_init (ctx) == 1 && EVP_PKEY_decrypt (ctx, NULL, &n, data, len) == 1
         && (buf = g_malloc (n)) != NULL && EVP_PKEY_decrypt (ctx, buf, &n, data, len) == 1;
  EVP_PKEY_CTX_free (ctx);
  ERR_clear_error ();
  if (!ok)
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, n);
}

GBytes *
tongban_sm2_encrypt (EVP_PKEY     *key,
                     const guint8 *data,
                     gsize         len)
{
  g_return_val_if_fail (key != NULL, NULL);
  return sm2_crypt (key, TRUE, data, len);
}

GBytes *
tongban_sm2_decrypt (EVP_PKEY     *key,
                     const guint8 *data,
                     gsize         len)
{
  g_return_val_if_fail (key != NULL, NULL);
  return sm2_crypt (key, FALSE, data, len);
}

static void
gcrypt_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      gcry_check_version (NULL);
      gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
      gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
      g_once_init_leave (&done, 1);
    }
}

/* Sealed form: IV (12) || ciphertext || tag (16). */
GBytes *
tongban_sm4_gcm_encrypt (const guint8 *key,
                         const guint8 *plain,
                         gsize         len,
                         const guint8 *aad,
                         gsize         aad_len)
{
  gcry_cipher_hd_t hd;
  gsize total = TONGBAN_SM4_GCM_IV_LEN + len + TONGBAN_SM4_GCM_TAG_LEN;
  guint8 *out;
  gboolean ok;

  g_return_val_if_fail (key != NULL, NULL);
  gcrypt_init ();
  if (gcry_cipher_open (&hd, GCRY_CIPHER_SM4, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return NULL;
  out = g_malloc (total);
  if (RAND_bytes (out, TONGBAN_SM4_GCM_IV_LEN) != 1)
    {
      gcry_cipher_close (hd);
      g_free (out);
      return NULL;
    }
  ok = gcry_cipher_setkey (hd, key, TONGBAN_SM4_KEY_LEN) == 0
       && gcry_cipher_setiv (hd, out, TONGBAN_SM4_GCM_IV_LEN) == 0
       && (aad_len == 0 || gcry_cipher_authenticate (hd, aad, aad_len) == 0)
       && gcry_cipher_encrypt (hd, out + TONGBAN_SM4_GCM_IV_LEN, len, plain, len) == 0
       && gcry_cipher_gettag (hd, out + TONGBAN_SM4_GCM_IV_LEN + len,
                              TONGBAN_SM4_GCM_TAG_LEN) == 0;
  gcry_cipher_close (hd);
  if (!ok)
    {
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (out, total);
}

GBytes *
tongban_sm4_gcm_decrypt (const guint8 *key,
                         const guint8 *sealed,
                         gsize         len,
                         const guint8 *aad,
                         gsize         aad_len)
{
  gcry_cipher_hd_t hd;
  gsize plain_len;
  guint8 *out;
  gboolean ok;

  g_return_val_if_fail (key != NULL, NULL);
  if (sealed == NULL || len < TONGBAN_SM4_GCM_IV_LEN + TONGBAN_SM4_GCM_TAG_LEN)
    return NULL;
  gcrypt_init ();
  plain_len = len - TONGBAN_SM4_GCM_IV_LEN - TONGBAN_SM4_GCM_TAG_LEN;
  if (gcry_cipher_open (&hd, GCRY_CIPHER_SM4, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return NULL;
  out = g_malloc (plain_len + 1);
  ok = gcry_cipher_setkey (hd, key, TONGBAN_SM4_KEY_LEN) == 0
       && gcry_cipher_setiv (hd, sealed, TONGBAN_SM4_GCM_IV_LEN) == 0
       && (aad_len == 0 || gcry_cipher_authenticate (hd, aad, aad_len) == 0)
       && gcry_cipher_decrypt (hd, out, plain_len, sealed + TONGBAN_SM4_GCM_IV_LEN,
                               plain_len) == 0
       && gcry_cipher_checktag (hd, sealed + len - TONGBAN_SM4_GCM_TAG_LEN,
                                TONGBAN_SM4_GCM_TAG_LEN) == 0;
  gcry_cipher_close (hd);
  if (!ok)
    {
      /* Never hand out plaintext whose tag did not verify. */
      explicit_bzero (out, plain_len);
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (out, plain_len);
}

/* tongban-secret-hash.h: PBKDF2-HMAC-SM3 hashes for PINs and passwords
 *
 * The stored form is "pbkdf2-sm3$ITERATIONS$SALT$HASH" with SALT and HASH in
 * base64, so that a maintainer PIN or an account password is never kept in
 * clear, and the work factor can be raised without breaking older hashes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_SECRET_HASH_ERROR (tongban_secret_hash_error_quark ())

typedef enum {
  TONGBAN_SECRET_HASH_ERROR_MALFORMED,
  TONGBAN_SECRET_HASH_ERROR_MISMATCH,
  TONGBAN_SECRET_HASH_ERROR_CRYPTO,
} TongbanSecretHashError;

#define TONGBAN_SECRET_HASH_DEFAULT_ITERATIONS 100000
#define TONGBAN_SECRET_HASH_MIN_ITERATIONS     10000
#define TONGBAN_SECRET_HASH_MAX_ITERATIONS     10000000

GQuark    tongban_secret_hash_error_quark (void);

gboolean  tongban_pbkdf2_sm3              (const guint8  *secret,
                                           gsize          secret_len,
                                           const guint8  *salt,
                                           gsize          salt_len,
                                           guint          iterations,
                                           guint8        *out,
                                           gsize          out_len,
                                           GError       **error);
gboolean  tongban_sm3                     (const guint8  *data,
                                           gsize          len,
                                           guint8         out[32]);
char     *tongban_secret_hash_new         (const char    *secret,
                                           guint          iterations,
                                           GError       **error);
gboolean  tongban_secret_hash_check_format (const char   *encoded,
                                           GError       **error);
gboolean  tongban_secret_hash_verify      (const char    *encoded,
                                           const char    *secret,
                                           GError       **error);

G_END_DECLS

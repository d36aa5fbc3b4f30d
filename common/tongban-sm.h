/* tongban-sm.h: the national algorithms shared by kiosk and manager
 *
 * SM3 digests, HMAC-SM3, SM2 signatures and encryption (OpenSSL 3) and SM4-GCM
 * (libgcrypt, because OpenSSL 3.0 has no SM4-GCM). SM2 always uses the GM/T 0009
 * distinguishing ID "1234567812345678": OpenSSL 3.0's default is the empty ID,
 * which no other SM2 implementation would verify.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

#define TONGBAN_SM2_DEFAULT_ID "1234567812345678"
#define TONGBAN_SM3_LEN        32
#define TONGBAN_SM4_KEY_LEN    16
#define TONGBAN_SM4_GCM_IV_LEN 12
#define TONGBAN_SM4_GCM_TAG_LEN 16

/* Lower-case hex of len bytes. */
char      *tongban_hex_encode          (const guint8  *data,
                                        gsize          len);
char      *tongban_sm3_hex             (const void    *data,
                                        gsize          len);
gboolean   tongban_hmac_sm3            (const guint8  *key,
                                        gsize          key_len,
                                        const void    *data,
                                        gsize          len,
                                        guint8         out[TONGBAN_SM3_LEN]);
char      *tongban_hmac_sm3_hex        (const guint8  *key,
                                        gsize          key_len,
                                        const void    *data,
                                        gsize          len);
gboolean   tongban_memeq_const         (const void    *a,
                                        const void    *b,
                                        gsize          len);

EVP_PKEY  *tongban_sm2_generate        (void);
char      *tongban_sm2_public_to_base64 (EVP_PKEY     *key);
EVP_PKEY  *tongban_sm2_public_from_base64 (const char *b64);
gboolean   tongban_sm2_sign            (EVP_PKEY      *key,
                                        const void    *data,
                                        gsize          len,
                                        guint8       **sig,
                                        gsize         *sig_len);
gboolean   tongban_sm2_verify          (EVP_PKEY      *key,
                                        const void    *data,
                                        gsize          len,
                                        const guint8  *sig,
                                        gsize          sig_len);
GBytes    *tongban_sm2_encrypt         (EVP_PKEY      *key,
                                        const guint8  *data,
                                        gsize          len);
GBytes    *tongban_sm2_decrypt         (EVP_PKEY      *key,
                                        const guint8  *data,
                                        gsize          len);

GBytes    *tongban_sm4_gcm_encrypt     (const guint8  *key,
                                        const guint8  *plain,
                                        gsize          len,
                                        const guint8  *aad,
                                        gsize          aad_len);
GBytes    *tongban_sm4_gcm_decrypt     (const guint8  *key,
                                        const guint8  *sealed,
                                        gsize          len,
                                        const guint8  *aad,
                                        gsize          aad_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)

G_END_DECLS

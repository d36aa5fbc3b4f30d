/* tongban-request-sign.h: HMAC-SM3 signatures on every terminal request
 *
 * After login a terminal holds a session key; each request then carries
 * X-Timestamp, X-Nonce and X-Signature = hex HMAC-SM3(key, canonical), where
 * canonical = METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex SM3(body).
 * The body digest binds the payload; timestamp and nonce let the server refuse
 * stale and replayed requests.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_NONCE_MIN_LEN 16
#define TONGBAN_NONCE_MAX_LEN 64

char     *tongban_request_canonical (const char   *method,
                                     const char   *path,
                                     gint64        timestamp,
                                     const char   *nonce,
                                     const void   *body,
                                     gsize         body_len);
char     *tongban_request_sign      (const guint8 *key,
                                     gsize         key_len,
                                     const char   *method,
                                     const char   *path,
                                     gint64        timestamp,
                                     const char   *nonce,
                                     const void   *body,
                                     gsize         body_len);
gboolean  tongban_request_verify    (const guint8 *key,
                                     gsize         key_len,
                                     const char   *method,
                                     const char   *path,
                                     gint64        timestamp,
                                     const char   *nonce,
                                     const void   *body,
                                     gsize         body_len,
                                     const char   *signature_hex);
gboolean  tongban_nonce_is_valid    (const char   *nonce);
char     *tongban_nonce_new         (void);

G_END_DECLS

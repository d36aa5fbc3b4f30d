/* tm-test.h: shared helpers of the server tests
 *
 * A fresh database per test (a SQLite file, or a new database on the PostgreSQL that
 * pg-wrap.sh started), a real tongban-manager on a free loopback port, a small HTTP
 * client, a simulated terminal that signs its requests, and local SMTP/SMS sinks.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "tm-app.h"

G_BEGIN_DECLS

/* A new, empty database; the URI is freed by the caller. */
char     *tm_test_db_uri      (void);
gboolean  tm_test_on_postgres (void);
TmApp    *tm_test_app_new     (TmConfig *config_or_null);

typedef struct {
  GPid   pid;
  guint  port;
  char  *db_uri;
} TmTestServer;

TmTestServer *tm_test_server_start   (const char * const *extra_args);
/* Same, on an existing database (db_uri is copied). */
TmTestServer *tm_test_server_start_on (const char *db_uri, const char * const *extra_args);
/* Starts a program that prints "listening on ADDR:PORT" first; its stderr to stderr_fd. */
GPid          tm_test_spawn_listening (const char * const *argv, int stderr_fd, guint *port);
/* Same, the server's stderr (its log) going to stderr_fd (-1: inherited). */
TmTestServer *tm_test_server_start_logged (const char *db_uri, const char * const *extra_args,
                                           int stderr_fd);
void          tm_test_server_stop    (TmTestServer *server);
void          tm_test_create_account (TmTestServer *server, const char *name, const char *role,
                                      const char *region, const char *password);

typedef struct {
  guint       status;
  char       *body;
  gsize       body_len;
  JsonNode   *root;     /* parsed envelope or NULL */
  gint64      code;     /* envelope code, -1 if none */
} TmTestResponse;

void            tm_test_response_free (TmTestResponse *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmTestResponse, tm_test_response_free)

/* headers: NULL-terminated "Name: value" strings. */
TmTestResponse *tm_test_http        (guint port, const char *method, const char *path,
                                     const char * const *headers, const char *body, gssize len);
JsonObject     *tm_test_data        (TmTestResponse *r);
const char     *tm_test_field       (TmTestResponse *r);
char           *tm_test_login       (guint port, const char *user, const char *password);
TmTestResponse *tm_test_console     (guint port, const char *token, const char *method,
                                     const char *path, const char *body);

typedef struct {
  EVP_PKEY *key;
  char     *number;
  char     *region;
  char     *session_id;
  guint8    session_key[32];
  guint     port;
} TmTestTerminal;

TmTestTerminal *tm_test_terminal_new      (guint port, const char *number, const char *region);
void            tm_test_terminal_free     (TmTestTerminal *t);
TmTestResponse *tm_test_terminal_register (TmTestTerminal *t);
gboolean        tm_test_terminal_login    (TmTestTerminal *t, gint64 *code);
/* Signed request; ts 0 = now, nonce NULL = fresh. */
TmTestResponse *tm_test_terminal_call     (TmTestTerminal *t, const char *method, const char *path,
                                           const char *body, gint64 ts, const char *nonce);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmTestTerminal, tm_test_terminal_free)

/* Local sinks: each received message (SMTP DATA or HTTP body) is pushed to the queue. */
typedef struct _TmTestSink TmTestSink;
TmTestSink  *tm_test_sink_start   (gboolean smtp);
guint        tm_test_sink_port    (TmTestSink *sink);
char        *tm_test_sink_pop     (TmTestSink *sink, guint timeout_ms);
void         tm_test_sink_stop    (TmTestSink *sink);

/* A console's WebSocket (path may carry ?access_token=; token NULL = no Authorization).
 * NULL if the server did not switch protocols. */
typedef struct _TmTestWs TmTestWs;
TmTestWs    *tm_test_ws_open      (guint port, const char *path, const char *token);
/* The next text frame, or NULL on timeout or close. */
char        *tm_test_ws_next      (TmTestWs *ws, guint timeout_ms);
void         tm_test_ws_close     (TmTestWs *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmTestWs, tm_test_ws_close)

/* A stand-in government system on REST (docs/gateway.md section 2). Modes: "ok" (echo;
 * auth.id-card verifies whoever the card names), "refuse" (not-found),
 * "bad-reason", "slow" (slow_ms, then ok), "500", "garbage", "no-data", "close" (drop
 * the connection), "close-once" (drop the first attempt of each request id). */
#define TM_TEST_ID_NUMBER "44030019900101123X"
typedef struct _TmTestBackend TmTestBackend;
TmTestBackend *tm_test_backend_start    (void);
guint          tm_test_backend_port     (TmTestBackend *b);
void           tm_test_backend_set_mode (TmTestBackend *b, const char *mode, guint slow_ms);
guint          tm_test_backend_attempts (TmTestBackend *b, const char *request_id);
/* The last request's Authorization header (TRUE) or body (FALSE). */
char          *tm_test_backend_last     (TmTestBackend *b, gboolean authorization);
/* Time the back end spent on its last answer. */
gint64         tm_test_backend_spent_us (TmTestBackend *b);
void           tm_test_backend_stop     (TmTestBackend *b);

G_END_DECLS

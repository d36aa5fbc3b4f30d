/* sb-test.h: shared helpers of the sandbox tests and benchmark
 *
 * The real tongban-sandbox binary ($TONGBAN_SANDBOX) on a free loopback port, and a small
 * libcurl client for it.
 */
#pragma once

#include <curl/curl.h>
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  GPid  pid;
  guint port;
} SbTestSandbox;

typedef struct {
  long        status;
  GByteArray *body;
  JsonNode   *root;     /* the body parsed as JSON, or NULL */
  gboolean    failed;   /* no HTTP answer at all */
} SbTestReply;

/* Starts the binary with --port 0 (and --control if asked) plus extra arguments. */
SbTestSandbox *sb_test_start      (gboolean            control,
                                   const char * const *extra);
/* SIGTERM, and asserts a clean exit (no crash, no sanitizer report). */
void           sb_test_stop       (SbTestSandbox      *sandbox);

/* One request; headers NULL-terminated "Name: value" strings; body_len -1 for strlen.
 * curl may be a handle to reuse (keep-alive) or NULL for a new one. */
SbTestReply   *sb_test_http       (CURL               *curl,
                                   guint               port,
                                   const char         *method,
                                   const char         *path,
                                   const char * const *headers,
                                   const char         *body,
                                   gssize              body_len);
void           sb_test_reply_free (SbTestReply        *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbTestReply, sb_test_reply_free)

G_END_DECLS

/* sb-request.h: checks of what callers send tongban-sandbox, apart from the HTTP server
 *
 * The REST call envelope (path and JSON body, docs/gateway.md section 2) and the form
 * bodies of the phone pages. Needs only GLib and json-glib, so the fuzz target
 * (tests/fuzz/fuzz_sandbox_request.c) builds it alone.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  char       *system;      /* "gd-hrss" */
  char       *operation;   /* "si.info" */
  JsonNode   *root;        /* the body, an object */
  const char *request_id;  /* in root */
  const char *service;     /* in root, or NULL */
  JsonObject *citizen;     /* in root, or NULL */
  JsonObject *params;      /* in root, or NULL */
} SbCallRequest;

/* Splits "/{system}/ops/{operation}"; FALSE if the path is not of that form. */
gboolean    sb_call_path_split   (const char     *path,
                                  char          **system,
                                  char          **operation);
/* Parses and checks a call body. On failure returns FALSE and *problem says why (static
 * text for the caller's log). header_request_id is X-Request-Id or NULL. */
gboolean    sb_call_request_parse (SbCallRequest *call,
                                   const char    *data,
                                   gsize          len,
                                   const char    *header_request_id,
                                   const char   **problem);
void        sb_call_request_clear (SbCallRequest *call);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SbCallRequest, sb_call_request_clear)

/* Parses an application/x-www-form-urlencoded body into a string table (at most 64
 * pairs; pairs with bad escapes or text that is not UTF-8 are dropped). */
GHashTable *sb_form_parse        (GBytes         *body);

G_END_DECLS

/* sb-http.h: tongban-sandbox's HTTP server and the one table of business operations
 *
 * tongban-sandbox stands in for the government business systems (see docs/gateway.md).
 * Each system answers under its own prefix: REST at POST /{system}/ops/{operation},
 * SOAP at POST /soap/{system} with its WSDL at GET /soap/{system}?wsdl. Both front ends
 * call the same operation functions, so a service answers the same over either.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _SbSandbox SbSandbox;

typedef struct {
  guint   status;          /* HTTP status */
  char   *content_type;    /* owned */
  GBytes *body;            /* owned */
} SbResponse;

/* A handler gets the request and fills *response. path is the full path, query the raw
 * query string (or NULL); headers are looked up with sb_request_header(). */
typedef struct _SbRequest SbRequest;
typedef void (*SbHandler) (SbSandbox  *sb,
                           SbRequest  *request,
                           SbResponse *response,
                           gpointer    user_data);

const char *sb_request_method  (SbRequest  *request);
const char *sb_request_path    (SbRequest  *request);
const char *sb_request_query   (SbRequest  *request,
                                const char *key);
const char *sb_request_header  (SbRequest  *request,
                                const char *name);
GBytes     *sb_request_body    (SbRequest  *request);
/* The peer's address as text ("127.0.0.1"), or NULL. */
const char *sb_request_client_ip (SbRequest *request);

/* Routes are matched by method and path prefix, longest prefix first. */
void        sb_http_add_route  (SbSandbox  *sb,
                                const char *method,
                                const char *path_prefix,
                                SbHandler   handler,
                                gpointer    user_data);

/* Runs one business operation of one system. citizen is the identity the caller
 * vouches for (may be NULL where the operation needs none). On refusal returns NULL,
 * sets *reason to a reason id ("not-found", "not-eligible", "invalid-field", ...) and
 * leaves error unset; on a fault injected for this operation returns NULL with error
 * set (G_IO_ERROR_FAILED for an error, G_IO_ERROR_CONNECTION_CLOSED when the front end
 * must drop the connection without answering) or fills *garbage with bytes the front
 * end must send instead of an answer. A latency fault only delays the call, which then
 * answers as usual. A fault is applied before the operation runs: nothing is half done. */
JsonObject *sb_ops_call        (SbSandbox  *sb,
                                const char *system,
                                const char *operation,
                                JsonObject *citizen,
                                JsonObject *params,
                                char      **reason,
                                GBytes    **garbage,
                                GError    **error);

G_END_DECLS

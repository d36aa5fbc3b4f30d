/* tm-gateway.h: business calls from kiosks, checked and routed to government back ends
 *
 * A kiosk sends one call (service, operation, parameters, the citizen session it holds)
 * to POST /api/terminal/v1/calls. The gateway checks the terminal, the module, the
 * citizen's verified identity, the rate and the parameters' schema, then hands the call
 * to the adapter of the back-end system that serves the operation ("rest", "soap11",
 * "soap12"). Adapters are plain functions registered by transport name, so each one is
 * tested alone and the gateway does not know how any of them speaks.
 *
 * Back-end systems (address, transport, credential, time-out) are stored in the
 * database with the credential sealed by SM4-GCM under the master key; they are never
 * sent to a kiosk. See docs/gateway.md for the protocols on both sides.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tm-app.h"

G_BEGIN_DECLS

#define TM_GATEWAY_ERROR (tm_gateway_error_quark ())

/* What went wrong with a back end; each maps to a plain message for the citizen. */
typedef enum {
  TM_GATEWAY_ERROR_TIMEOUT,      /* no complete answer within the system's time-out */
  TM_GATEWAY_ERROR_UNAVAILABLE,  /* connection refused, HTTP 5xx, SOAP Server fault */
  TM_GATEWAY_ERROR_REFUSED,      /* the system said no; message = its reason id
                                    ("not-found", "not-eligible", ...) */
  TM_GATEWAY_ERROR_INVALID,      /* the answer could not be understood or failed its
                                    signature check */
} TmGatewayError;

/* One configured back-end system, credential already unsealed (never logged). */
typedef struct {
  char  *id;            /* "gd-hrss", "hk-ird", "identity", ... */
  char  *transport;     /* "rest", "soap11", "soap12" */
  char  *base_url;      /* http(s)://host:port/prefix */
  char  *credential;    /* rest: bearer token; soap: PEM SM2 private key of the manager */
  char  *peer_key;      /* soap: PEM SM2 public key the system signs its answers with
                           (may be NULL: answers not checked) */
  guint  timeout_ms;
} TmBackendSystem;

/* One call as an adapter sees it. citizen is NULL for operations that need no identity;
 * otherwise {"id_type", "id_number", "name", "method"} as verified by the identity
 * service for this kiosk session. */
typedef struct {
  const char *request_id;       /* unique per call; back ends use it to de-duplicate */
  const char *terminal_id;
  const char *service_id;       /* catalogue id, "F-GD-07" */
  const char *operation;        /* "si.certificate" */
  JsonObject *citizen;
  JsonObject *params;
  gboolean    idempotent;       /* a read: the adapter may retry it once */
} TmGatewayCall;

/* Returns the back end's answer object (owned by the caller) or NULL with a
 * TM_GATEWAY_ERROR. Runs on a request thread; must honour system->timeout_ms. */
typedef JsonObject *(*TmGatewayAdapter) (const TmBackendSystem *system,
                                         const TmGatewayCall   *call,
                                         GError               **error);

GQuark   tm_gateway_error_quark     (void);
void     tm_gateway_register_adapter (const char       *transport,
                                      TmGatewayAdapter  adapter);
TmGatewayAdapter tm_gateway_find_adapter (const char  *transport);

void     tm_backend_system_free     (TmBackendSystem *system);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmBackendSystem, tm_backend_system_free)

/* The reason ids a back end may refuse with (docs/gateway.md section 1). */
gboolean tm_gateway_reason_known    (const char *reason);

/* The built-in REST/JSON adapter (tm-gw-rest.c), registered as "rest". */
JsonObject *tm_gw_rest_call         (const TmBackendSystem *system,
                                     const TmGatewayCall   *call,
                                     GError               **error);

/* A REST back end's answer (status and body) to the data object or a TM_GATEWAY_ERROR. */
JsonObject *tm_gw_rest_parse_answer (long status, const guint8 *bytes, gsize len,
                                     GError **error);

/* Per-manager state: citizen sessions (memory only) and the routing table. */
TmGateway *tm_gateway_new           (gint64 idle_seconds);
void       tm_gateway_free          (TmGateway *gateway);

/* The operation's parameter schema (1002 naming the field); FALSE also for an unknown one. */
gboolean   tm_gateway_check_params  (TmGateway *gateway, const char *operation,
                                     JsonObject *params, GError **error);

/* POST /api/terminal/v1/calls and /api/terminal/v1/sessions/end */
JsonNode  *tm_gateway_call          (TmApp *app, const TmTerminal *terminal, JsonObject *body,
                                     GError **error);
JsonNode  *tm_gateway_session_end   (TmApp *app, const TmTerminal *terminal, JsonObject *body,
                                     GError **error);

/* Back-end systems for sysadmins: list and one never carry credentials. body: transport,
 * base_url, timeout_ms, credential (absent: kept), peer_key (absent: kept; null: cleared). */
JsonNode  *tm_backend_list          (TmApp *app, const char *id_or_null, GError **error);
JsonNode  *tm_backend_put           (TmApp *app, const char *actor, const char *id,
                                     JsonObject *body, GError **error);
/* tongban-manager --backends FILE: {"systems": [{"id", ...as PUT...}]}, upserted. */
gboolean   tm_backend_load_file     (TmApp *app, const char *path, GError **error);
/* The system with its credential unsealed, or NULL (no such system: no error set). */
TmBackendSystem *tm_backend_get     (TmApp *app, const char *id, GError **error);

G_END_DECLS

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

G_END_DECLS

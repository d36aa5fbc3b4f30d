/* tongban-gateway-backend.h: business calls through tongban-manager's gateway
 *
 * The kiosk's TongbanBackend in service (docs/gateway.md section 1): every
 * call goes, signed, to the manager's /api/terminal/v1/calls over the
 * manager link, with a fresh call_id. The citizen session token an identity
 * check answers with is kept in the citizen session (locked memory, wiped at
 * its end), sent with every later call of the visit and closed with
 * sessions/end when the visit ends. Refusals become TongbanBackendError with
 * a reason id.
 */
#pragma once

#include "tongban-backend.h"
#include "tongban-manager-client.h"
#include "tongban-session.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_GATEWAY_BACKEND (tongban_gateway_backend_get_type ())
G_DECLARE_FINAL_TYPE (TongbanGatewayBackend, tongban_gateway_backend, TONGBAN, GATEWAY_BACKEND,
                      GObject)

/* The session value that holds the manager's citizen session token. */
#define TONGBAN_GATEWAY_SESSION_KEY "gateway/session"

TongbanGatewayBackend *tongban_gateway_backend_new (TongbanManagerClient *client,
                                                    TongbanSession       *session);
GError                *tongban_gateway_backend_map_answer (gint64       code,
                                                           JsonNode    *data,
                                                           const char  *operation);

G_END_DECLS

/* tm-gw-soap.h: the gateway's SOAP adapter, "soap11" and "soap12" (docs/gateway.md
 * sections 3 and 6) */
#pragma once

#include "tm-gateway.h"

G_BEGIN_DECLS

/* Registers the adapter for both transports with the gateway. */
void        tm_gw_soap_register (void);

JsonObject *tm_gw_soap11_call   (const TmBackendSystem *system,
                                 const TmGatewayCall   *call,
                                 GError               **error);
JsonObject *tm_gw_soap12_call   (const TmBackendSystem *system,
                                 const TmGatewayCall   *call,
                                 GError               **error);

G_END_DECLS

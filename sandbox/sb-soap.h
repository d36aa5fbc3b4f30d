/* sb-soap.h: tongban-sandbox's SOAP front end (docs/gateway.md sections 3 and 6)
 *
 * POST /soap/{system} takes a SOAP 1.1 or 1.2 request signed with WS-Security by a
 * registered key, runs the operation through sb_ops_call and answers signed with the
 * sandbox's own SM2 key; GET /soap/{system}?wsdl serves the system's WSDL, and
 * GET /soap/key.pem the public key answers are signed with.
 *
 * Keys come from the environment: TONGBAN_SANDBOX_SOAP_KEY names a PEM file with the
 * sandbox's SM2 private key (otherwise one is made at start), and
 * TONGBAN_SANDBOX_SOAP_CLIENT_KEYS a ':'-separated list of PEM files, each a public key
 * or an X.509 certificate whose signatures are accepted (the manager's SM2 key, a
 * third-party client's certificate). With --control, POST /_control/soap-keys from this
 * machine registers one more (a PEM body).
 */
#pragma once

#include "sb-sandbox.h"

G_BEGIN_DECLS

void sb_soap_register (SbSandbox *sb);

G_END_DECLS

/* sb-identity.c: the identity service (system "identity", docs/gateway.md section 4) and
 * the phone side of the QR login
 */

#include "sb-ops.h"

const SbOp sb_identity_ops[] = {
  { NULL }
};

void
sb_identity_add_routes (SbSandbox *sb)
{
}

/* sb-hkmo.c: the Hong Kong and Macao systems: IRD (hk-ird), Companies Registry (hk-cr),
 * Immigration (hk-immd), Identification Services (mo-dsi), Legal Affairs (mo-dsaj),
 * and payment (pay.*) for the fees some of them charge
 */

#include "sb-ops.h"

const SbOp sb_hkmo_ops[] = {
  { NULL }
};

/* sb-gd.c: the Guangdong systems: online affairs (gd-gsda), social insurance (gd-hrss),
 * housing fund (gd-hpf), real estate (gd-rer), water, cable TV and broadband, gas
 *
 * Reads answer from the seeded record of the citizen; applications, bookings and requests
 * are kept in memory with a reference number. Answer keys are those the kiosk's flows
 * show (data/catalog/services.json, data/demo/backend.json).
 */

#include "sb-ops.h"

static JsonObject *
si_info (SbSandbox  *sb,
         SbCall     *call,
         char      **reason)
{
  JsonObject *si = sb_obj (call->person, "si");
  JsonObject *o;
  JsonArray *types;

  if (si == NULL)
    return sb_refuse (reason, "not-found");
  o = json_object_new ();
  json_object_set_string_member (o, "status", sb_str (si, "status"));
  types = sb_arr (si, "types");
  json_object_set_array_member (o, "types", types ? json_array_ref (types) : json_array_new ());
  json_object_set_string_member (o, "base", sb_str (si, "base"));
  json_object_set_string_member (o, "since", sb_str (si, "since"));
  return o;
}

const SbOp sb_gd_ops[] = {
  { "gd-hrss", "si.info", TRUE, si_info },
  { NULL }
};

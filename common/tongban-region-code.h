/* tongban-region-code.h: administrative division codes of the Greater Bay Area
 *
 * Six digits (GB/T 2260) name a province, SAR, city or county-district; nine digits
 * (the six of the county + three, GB/T 10114) name a town or street. Kiosk and
 * manager check codes the same way before any look-up.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_REGION_INVALID = 0,
  TONGBAN_REGION_SAR,
  TONGBAN_REGION_PROVINCE,
  TONGBAN_REGION_CITY,
  TONGBAN_REGION_DISTRICT,
  TONGBAN_REGION_TOWN,
} TongbanRegionLevel;

gboolean            tongban_region_code_is_valid (const char         *code);
TongbanRegionLevel  tongban_region_level_guess   (const char         *code);
const char         *tongban_region_level_name    (TongbanRegionLevel  level);
TongbanRegionLevel  tongban_region_level_parse   (const char         *name);

G_END_DECLS

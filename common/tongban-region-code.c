/* tongban-region-code.c: syntax and level of division codes (the data lives in the manager) */

#include "tongban-region-code.h"

#include <string.h>

static const char * const level_names[] = {
  [TONGBAN_REGION_INVALID] = NULL,
  [TONGBAN_REGION_SAR] = "sar",
  [TONGBAN_REGION_PROVINCE] = "province",
  [TONGBAN_REGION_CITY] = "city",
  [TONGBAN_REGION_DISTRICT] = "district",
  [TONGBAN_REGION_TOWN] = "town",
};

gboolean
tongban_region_code_is_valid (const char *code)
{
  gsize len;

  if (code == NULL)
    return FALSE;
  len = strlen (code);
  if (len != 6 && len != 9)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  /* Province-level part: 11..82 in GB/T 2260. */
  return code[0] >= '1' && code[0] <= '8';
}

/* From the code alone: the region table is the authority, this is for input checks. */
TongbanRegionLevel
tongban_region_level_guess (const char *code)
{
  if (!tongban_region_code_is_valid (code))
    return TONGBAN_REGION_INVALID;
  if (strlen (code) == 9)
    return TONGBAN_REGION_TOWN;
  if (strcmp (code + 2, "0000") == 0)
    return (code[0] == '8') ? TONGBAN_REGION_SAR : TONGBAN_REGION_PROVINCE;
  if (code[0] == '8')
    return TONGBAN_REGION_DISTRICT;
  if (strcmp (code + 4, "00") == 0)
    return TONGBAN_REGION_CITY;
  return TONGBAN_REGION_DISTRICT;
}

const char *
tongban_region_level_name (TongbanRegionLevel level)
{
  if (level <= TONGBAN_REGION_INVALID || level > TONGBAN_REGION_TOWN)
    return NULL;
  return level_names[level];
}

TongbanRegionLevel
tongban_region_level_parse (const char *name)
{
  if (name == NULL)
    return TONGBAN_REGION_INVALID;
  for (int l = TONGBAN_REGION_SAR; l <= TONGBAN_REGION_TOWN; l++)
    if (strcmp (name, level_names[l]) == 0)
      return (TongbanRegionLevel) l;
  return TONGBAN_REGION_INVALID;
}

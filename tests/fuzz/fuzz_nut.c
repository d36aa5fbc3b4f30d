/* fuzz_nut.c: NUT protocol lines and status words on arbitrary bytes */

#include "tongban-nut.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_auto(TongbanNutLine) line = { 0 };

  if (tongban_nut_parse_line ((const char *) data, size, &line, NULL) &&
      line.kind == TONGBAN_NUT_LINE_VAR)
    {
      guint flags = tongban_nut_parse_status (line.value);

      g_assert (flags != 0);
      g_assert (g_utf8_validate (line.value, -1, NULL));
    }
  return 0;
}

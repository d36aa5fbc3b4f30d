/* fuzz_mrz.c: the TD1 MRZ parser on arbitrary OCR text */

#include "tongban-mrz.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(TongbanMrz) mrz = tongban_mrz_parse_td1 (text, NULL);

  if (mrz != NULL)
    {
      g_assert (strlen (mrz->birth) == 6 && strlen (mrz->expiry) == 6);
      g_assert (strlen (mrz->document_number) <= 9);
    }
  return 0;
}

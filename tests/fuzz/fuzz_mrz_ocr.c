/* fuzz_mrz_ocr.c: finding and repairing a TD1 zone in arbitrary OCR text */

#include "tongban-mrz-ocr.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (text, &error);

  /* Exactly one of a zone (every check digit verified) and an error. */
  g_assert ((mrz == NULL) != (error == NULL));
  if (mrz != NULL)
    {
      g_assert (strlen (mrz->birth) == 6 && strlen (mrz->expiry) == 6);
      g_assert (strlen (mrz->document_number) <= 9);
    }
  return 0;
}

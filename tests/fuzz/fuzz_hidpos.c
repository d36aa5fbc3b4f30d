/* fuzz_hidpos.c: the HID POS report decoder on arbitrary report streams
 *
 * The input is cut into reports: a first byte gives the next report's size
 * (mostly the real 64, sometimes not), then that many bytes. Whatever comes
 * out must be a whole, bounded code whose text, if any, is valid UTF-8.
 */

#include "tongban-hidpos.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(TongbanHidpos) p = tongban_hidpos_new ();
  size_t off = 0;

  while (off < size)
    {
      size_t n = data[off] < 0xf0 ? TONGBAN_HIDPOS_REPORT_SIZE : data[off] - 0xf0 + 56;
      g_autoptr(TongbanScan) scan = NULL;
      g_autoptr(GError) error = NULL;
      TongbanHidposFeed r;

      off++;
      n = MIN (n, size - off);
      r = tongban_hidpos_feed (p, data + off, n, &scan, &error);
      off += n;
      g_assert ((r == TONGBAN_HIDPOS_DONE) == (scan != NULL));
      g_assert ((r == TONGBAN_HIDPOS_INVALID) == (error != NULL));
      if (scan == NULL)
        continue;
      g_assert (g_bytes_get_size (scan->data) <= TONGBAN_HIDPOS_MAX_CODE);
      g_assert (strlen (scan->aim) == 0 || strlen (scan->aim) == 3);
      g_assert (scan->symbology != NULL);
      if (scan->text != NULL)
        g_assert (g_utf8_validate (scan->text, -1, NULL));
    }
  return 0;
}

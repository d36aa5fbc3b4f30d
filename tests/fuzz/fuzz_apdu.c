/* fuzz_apdu.c: APDU command and response parsers on arbitrary bytes
 *
 * A command that parses rebuilds to the same bytes (the encodings are
 * canonical), so parser and builder agree on every case.
 */

#include "tongban-apdu.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  TongbanApdu apdu;
  const guint8 *body;
  gsize len;
  guint16 sw;

  if (tongban_apdu_parse_command (data, size, &apdu, NULL))
    {
      g_autoptr(GByteArray) again = tongban_apdu_build (apdu.cla, apdu.ins, apdu.p1, apdu.p2,
                                                        apdu.data, apdu.lc, apdu.le, NULL);
      g_assert (again != NULL);
      /* Short encodings of extended-sized fields cannot exist, and the
       * builder picks extended only when needed: compare when both agree. */
      if (!apdu.extended || apdu.lc > 255 || apdu.le > 256)
        g_assert (again->len == size && memcmp (again->data, data, size) == 0);
    }
  if (tongban_apdu_parse_response (data, size, &body, &len, &sw, NULL))
    {
      g_assert (len == size - 2);
      g_assert (tongban_apdu_sw_describe (sw) != NULL);
    }
  return 0;
}

/* fuzz_frame.c: the PIN pad / light board STX frame parser on arbitrary bytes */

#include "tongban-frame.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  gsize pos = 0;

  while (pos < size)
    {
      TongbanFrame frame;
      gsize used = 0;
      TongbanFrameParse r = tongban_frame_parse (data + pos, size - pos, &frame, &used);

      if (r == TONGBAN_FRAME_PARSE_NEED_MORE)
        break;
      g_assert (used > 0 && used <= size - pos);
      if (r == TONGBAN_FRAME_PARSE_OK)
        {
          g_autoptr(GByteArray) again = tongban_frame_build (frame.cmd, frame.data, frame.length);
          g_assert (again->len == used && memcmp (again->data, data + pos, used) == 0);
          tongban_key_name (frame.length > 0 ? frame.data[0] : 0);
        }
      pos += used;
    }
  return 0;
}

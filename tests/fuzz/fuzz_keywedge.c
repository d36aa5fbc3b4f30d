/* fuzz_keywedge.c: the keyboard-wedge decoder on arbitrary evdev event streams
 *
 * The input is read as 8-byte records (type, code, value); whatever comes
 * out must be printable ASCII of bounded length.
 */

#include "tongban-keywedge.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(TongbanKeywedge) kw = tongban_keywedge_new ();

  for (size_t i = 0; i + 8 <= size; i += 8)
    {
      guint16 type, code;
      gint32 value;
      g_autofree char *line = NULL;

      memcpy (&type, data + i, 2);
      memcpy (&code, data + i + 2, 2);
      memcpy (&value, data + i + 4, 4);
      line = tongban_keywedge_feed (kw, type, code, value);
      if (line != NULL)
        {
          g_assert (strlen (line) <= 8192);
          for (const char *p = line; *p; p++)
            g_assert (g_ascii_isprint (*p));
        }
    }
  return 0;
}

/* fuzz_mountinfo.c: the mount table reader on arbitrary text */

#include "tongban-mountinfo.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const roots[] = { "/media", "/run/media", NULL };
  g_autoptr(GPtrArray) found = tongban_mountinfo_removable ((const char *) data, size, roots);

  for (guint i = 0; i < found->len; i++)
    {
      const char *path = g_ptr_array_index (found, i);
      g_assert (g_str_has_prefix (path, "/media/") || g_str_has_prefix (path, "/run/media/"));
      g_assert (g_utf8_validate (path, -1, NULL));
    }
  return 0;
}

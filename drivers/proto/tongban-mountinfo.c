/* tongban-mountinfo.c: mountinfo lines (proc(5)) to removable mount points
 *
 * A line is "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS…] - FSTYPE SOURCE
 * SUPEROPTIONS"; spaces in paths are written as \040. Malformed lines are
 * skipped: the kernel writes this file, but a test or a fuzzer may not.
 */

#include "tongban-mountinfo.h"

#include <string.h>

static char *
unescape (const char *field)
{
  GString *out = g_string_new (NULL);

  for (const char *p = field; *p; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
          p[3] >= '0' && p[3] <= '7')
        {
          char c = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
          if (c != '\0')
            g_string_append_c (out, c);
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
under (const char         *path,
       const char * const *roots)
{
  for (guint i = 0; roots != NULL && roots[i] != NULL; i++)
    {
      gsize n = strlen (roots[i]);

      if (n > 0 && strncmp (path, roots[i], n) == 0 && path[n] == '/' && path[n + 1] != '\0')
        return TRUE;
    }
  return FALSE;
}

GPtrArray *
tongban_mountinfo_removable (const char         *contents,
                             gsize               length,
                             const char * const *roots)
{
  g_autofree char *text = g_strndup (contents, length);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (fields);
      guint dash = 0;
      g_autofree char *mount_point = NULL;

      if (n < 10)
        continue;
      for (guint f = 6; f < n; f++)
        if (g_str_equal (fields[f], "-"))
          {
            dash = f;
            break;
          }
      if (dash == 0 || dash + 2 >= n || !g_str_has_prefix (fields[dash + 2], "/dev/"))
        continue;
      mount_point = unescape (fields[4]);
      if (under (mount_point, roots) && g_utf8_validate (mount_point, -1, NULL))
        g_ptr_array_add (found, g_steal_pointer (&mount_point));
    }
  return found;
}

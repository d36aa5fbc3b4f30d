/* private-home.h: a fresh, empty HOME, TMPDIR and XDG directories for a test
 *
 * Set before anything reads them (fontconfig, GLib), so a test can assert
 * that the code it runs wrote no file: nothing personal on the kiosk's disk.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

static const char *const private_home_vars[] = {
  "HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
  "XDG_STATE_HOME",
};

/* The root of the new folders (free with private_home_free). */
static inline char *
private_home_new (const char *template)
{
  char *root = g_dir_make_tmp (template, NULL);

  g_assert_nonnull (root);
  for (guint i = 0; i < G_N_ELEMENTS (private_home_vars); i++)
    {
      g_autofree char *dir = g_build_filename (root, private_home_vars[i], NULL);

      g_mkdir (dir, 0700);
      g_setenv (private_home_vars[i], dir, TRUE);
    }
  return root;
}

/* Files (not folders) below @dir, each named in the test's log. */
static inline guint
private_home_count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += private_home_count_files (path);
      else
        {
          g_test_message ("written: %s", path);
          n++;
        }
    }
  return n;
}

/* Removes the folders; a file left in them (a failed test) stays for a look. */
static inline void
private_home_free (char *root)
{
  for (guint i = 0; i < G_N_ELEMENTS (private_home_vars); i++)
    {
      g_autofree char *dir = g_build_filename (root, private_home_vars[i], NULL);

      g_rmdir (dir);
    }
  g_rmdir (root);
  g_free (root);
}

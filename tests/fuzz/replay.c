/* replay.c: runs a libFuzzer target over its seed corpus, as an ordinary test
 *
 * With gcc there is no libFuzzer; this main feeds every file of the corpus
 * folders (or files) given on the command line to LLVMFuzzerTestOneInput,
 * plus every prefix of each, so truncations are replayed too.
 */

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint
replay_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  for (gsize n = 0; n <= length; n++)
    {
      /* A copy of exactly n bytes, so ASan sees any read past the end. */
      g_autofree guint8 *copy = g_memdup2 (contents, n ? n : 1);
      LLVMFuzzerTestOneInput (copy, n);
    }
  return 1;
}

int
main (int argc, char *argv[])
{
  guint files = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);
              files += replay_file (path);
            }
        }
      else
        files += replay_file (argv[i]);
    }
  /* TAP, so meson counts it like the other tests. */
  g_print ("1..1\n");
  if (files == 0)
    {
      g_print ("not ok 1 - no corpus files\n");
      return 1;
    }
  g_print ("ok 1 - %u corpus files replayed with every prefix\n", files);
  return 0;
}

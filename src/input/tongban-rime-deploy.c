/* tongban-rime-deploy.c: deploys the kiosk's Rime schemas at build time
 *
 * Usage: tongban-rime-deploy SHARED_DATA_DIR OUTPUT_DIR
 * Run by meson (src/input/meson.build), so that the ~7 s librime spends
 * compiling schemas is spent once on the build machine, never on a kiosk.
 */

#include <stdio.h>
#include "tongban-ime.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s SHARED_DATA_DIR OUTPUT_DIR\n", argv[0]);
      return 2;
    }
  if (!tongban_ime_deploy (argv[1], argv[2], &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  return 0;
}

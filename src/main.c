/* main.c: tongban-kiosk */

#include <gtk/gtk.h>
#include "tongban-application.h"
#include "tongban-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TongbanApplication) app = NULL;
  const char *localedir = g_getenv ("TONGBAN_LOCALEDIR");

  /* The kiosk chooses its own language (tongban-i18n.c); GTK must not. */
  gtk_disable_setlocale ();
  tongban_i18n_init (localedir != NULL ? localedir : LOCALEDIR);

  app = tongban_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

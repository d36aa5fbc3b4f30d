/* tongban-application.h: the kiosk application */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TONGBAN_TYPE_APPLICATION (tongban_application_get_type ())
G_DECLARE_FINAL_TYPE (TongbanApplication, tongban_application, TONGBAN, APPLICATION,
                      GtkApplication)

TongbanApplication *tongban_application_new (void);

G_END_DECLS

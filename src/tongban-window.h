/* tongban-window.h: the kiosk window */
#pragma once

#include <gtk/gtk.h>
#include "tongban-backend.h"
#include "tongban-catalog.h"
#include "tongban-devices.h"
#include "tongban-config.h"
#include "tongban-session.h"
#include "tongban-speech.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_WINDOW (tongban_window_get_type ())
G_DECLARE_FINAL_TYPE (TongbanWindow, tongban_window, TONGBAN, WINDOW, GtkApplicationWindow)

TongbanWindow   *tongban_window_new               (GtkApplication  *application,
                                                   const TongbanConfig *config,
                                                   TongbanCatalog  *catalog,
                                                   TongbanBackend  *backend);
TongbanSession  *tongban_window_get_session       (TongbanWindow   *self);
const char      *tongban_window_get_page          (TongbanWindow   *self);
guint            tongban_window_get_depth         (TongbanWindow   *self);
void             tongban_window_open              (TongbanWindow   *self,
                                                   const char      *page,
                                                   const char      *argument);
void             tongban_window_set_backend       (TongbanWindow   *self,
                                                   TongbanBackend  *backend);
void             tongban_window_set_devices       (TongbanWindow   *self,
                                                   TongbanDevices  *devices);
void             tongban_window_set_speech        (TongbanWindow   *self,
                                                   TongbanSpeech   *speech);
TongbanSpeech   *tongban_window_get_speech        (TongbanWindow   *self);
void             tongban_window_retranslate       (TongbanWindow   *self);
void             tongban_window_set_maintenance   (TongbanWindow   *self,
                                                   gboolean         maintenance);
gboolean         tongban_window_get_maintenance   (TongbanWindow   *self);
GtkWidget       *tongban_window_get_part          (TongbanWindow   *self,
                                                   const char      *name);
GdkTexture      *tongban_window_render            (TongbanWindow   *self,
                                                   GError         **error);
gboolean         tongban_window_save_screenshot   (TongbanWindow   *self,
                                                   const char      *path,
                                                   GError         **error);

G_END_DECLS

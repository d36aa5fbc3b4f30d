/* tongban-maintenance-overlay.h: the full-screen "out of service" cover
 *
 * Raised by the kiosk (remote lock, fault, update, maintainer request) and
 * left only with the maintainer PIN, checked against its PBKDF2-SM3 hash on a
 * worker thread, with a lock-out after too many wrong PINs.
 */
#pragma once

#include <gtk/gtk.h>
#include "tongban-devices.h"
#include "tongban-speech.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_MAINTENANCE_OVERLAY (tongban_maintenance_overlay_get_type ())
G_DECLARE_FINAL_TYPE (TongbanMaintenanceOverlay, tongban_maintenance_overlay,
                      TONGBAN, MAINTENANCE_OVERLAY, GtkWidget)

void      tongban_maintenance_overlay_configure   (TongbanMaintenanceOverlay *self,
                                                   const char                *pin_hash,
                                                   guint                      max_attempts,
                                                   guint                      lockout_s);
void      tongban_maintenance_overlay_set_devices (TongbanMaintenanceOverlay *self,
                                                   TongbanDevices            *devices);
void        tongban_maintenance_overlay_set_speech    (TongbanMaintenanceOverlay *self,
                                                       TongbanSpeech             *speech);
void      tongban_maintenance_overlay_retranslate (TongbanMaintenanceOverlay *self);
void      tongban_maintenance_overlay_reset       (TongbanMaintenanceOverlay *self);
void      tongban_maintenance_overlay_open_sign_in (TongbanMaintenanceOverlay *self);
void      tongban_maintenance_overlay_press       (TongbanMaintenanceOverlay *self,
                                                   const char                *key);
void      tongban_maintenance_overlay_submit      (TongbanMaintenanceOverlay *self);
GtkWidget *tongban_maintenance_overlay_get_pin_pad (TongbanMaintenanceOverlay *self);
gboolean  tongban_maintenance_overlay_get_busy    (TongbanMaintenanceOverlay *self);
const char *tongban_maintenance_overlay_get_status (TongbanMaintenanceOverlay *self);

G_END_DECLS

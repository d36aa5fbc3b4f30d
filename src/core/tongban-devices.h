/* tongban-devices.h: the kiosk's devices, as the services see them
 *
 * The device manager (drivers/core) creates the drivers of the [device:NAME]
 * groups of kiosk.conf; for the demonstration, simulators speaking the real
 * protocols on ptys stand at the far end instead. This object follows them
 * and answers the one question a page asks: can this service be used now,
 * and if not, why — in plain words.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include "tongban-catalog.h"
#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_DEVICES (tongban_devices_get_type ())
G_DECLARE_FINAL_TYPE (TongbanDevices, tongban_devices, TONGBAN, DEVICES, GObject)

TongbanDevices *tongban_devices_new               (void);
gboolean        tongban_devices_configure         (TongbanDevices        *self,
                                                   GKeyFile              *devices,
                                                   const char * const    *lacks,
                                                   GError               **error);
gboolean        tongban_devices_simulate          (TongbanDevices        *self,
                                                   GError               **error);
gboolean        tongban_devices_simulate_with     (TongbanDevices        *self,
                                                   GKeyFile              *real,
                                                   GError               **error);
gboolean        tongban_devices_simulate_event    (TongbanDevices        *self,
                                                   const char            *kind,
                                                   const char            *event);
gpointer        tongban_devices_get_simulator     (TongbanDevices        *self,
                                                   const char            *kind);
TongbanDevice  *tongban_devices_get               (TongbanDevices        *self,
                                                   const char            *kind);
gboolean        tongban_devices_service_ready     (TongbanDevices        *self,
                                                   const TongbanService  *service,
                                                   const char           **reason);
gboolean        tongban_devices_kind_ready        (TongbanDevices        *self,
                                                   const char            *kind,
                                                   const char           **reason);
void            tongban_devices_guide             (TongbanDevices        *self,
                                                   const char            *kind,
                                                   gboolean               on);
guint           tongban_devices_get_slot          (TongbanDevices        *self,
                                                   const char            *kind);
GStrv           tongban_devices_dup_report        (TongbanDevices        *self);
void            tongban_devices_log_self_test     (TongbanDevices        *self);
void            tongban_devices_set_modules_off   (TongbanDevices        *self,
                                                   const char * const    *off);
void            tongban_devices_set_voice         (TongbanDevices        *self,
                                                   const char            *state);
JsonNode       *tongban_devices_dup_heartbeat     (TongbanDevices        *self);
gboolean        tongban_devices_on_battery        (TongbanDevices        *self);
void            tongban_devices_stop              (TongbanDevices        *self);

G_END_DECLS

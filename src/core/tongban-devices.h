/* tongban-devices.h: the kiosk's devices, as the services see them
 *
 * Creates the drivers named in the [devices] group of kiosk.conf (or, for the
 * demonstration, starts simulators speaking the real protocols on ptys and
 * points the drivers at them), follows their state, and answers the one
 * question a page asks: can this service be used now, and if not, why — in
 * plain words.
 */
#pragma once

#include <glib-object.h>
#include "tongban-catalog.h"
#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_DEVICES (tongban_devices_get_type ())
G_DECLARE_FINAL_TYPE (TongbanDevices, tongban_devices, TONGBAN, DEVICES, GObject)

TongbanDevices *tongban_devices_new               (void);
gboolean        tongban_devices_configure         (TongbanDevices        *self,
                                                   GHashTable            *links,
                                                   GError               **error);
gboolean        tongban_devices_simulate          (TongbanDevices        *self,
                                                   GError               **error);
gboolean        tongban_devices_simulate_event    (TongbanDevices        *self,
                                                   const char            *kind,
                                                   const char            *event);
TongbanDevice  *tongban_devices_get               (TongbanDevices        *self,
                                                   const char            *kind);
gboolean        tongban_devices_service_ready     (TongbanDevices        *self,
                                                   const TongbanService  *service,
                                                   const char           **reason);
GStrv           tongban_devices_dup_report        (TongbanDevices        *self);
gboolean        tongban_devices_on_battery        (TongbanDevices        *self);
void            tongban_devices_stop              (TongbanDevices        *self);
const char * const *tongban_devices_known_kinds   (void);

G_END_DECLS

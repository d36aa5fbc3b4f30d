/* tongban-ups.h: the UPS, through NUT's upsd (network protocol, TCP 3493)
 *
 * NUT's drivers speak to the many UPS protocols (USB HID power devices,
 * serial); the kiosk reads ups.status from upsd. Events: "on-battery",
 * "low-battery" (LB, or FSD which counts as OB LB), "on-line"; the
 * "battery" supply is low on LB. The kiosk warns on battery and ends the
 * session and shuts down on low battery.
 */
#pragma once

#include "tongban-link-device.h"
#include "tongban-nut.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_UPS (tongban_ups_get_type ())
G_DECLARE_FINAL_TYPE (TongbanUps, tongban_ups, TONGBAN, UPS, TongbanLinkDevice)

TongbanUps *tongban_ups_new       (const char *name,
                                   const char *link,
                                   const char *ups);
guint       tongban_ups_get_flags (TongbanUps *self);

G_END_DECLS

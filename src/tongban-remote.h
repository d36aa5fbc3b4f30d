/* tongban-remote.h: what the management server does to the kiosk on screen
 *
 * Joins a TongbanManagerClient to the window and the devices: lock raises the
 * maintenance cover and unlock lowers it (unless a maintainer raised it);
 * a module switched off greys out the services needing it, as a fault does;
 * self-test runs the devices' self-test (its states go in the next
 * heartbeat); device changes update the heartbeat's report; sessions and
 * services become usage events (no personal data: kinds, catalogue ids,
 * outcomes, durations).
 */
#pragma once

#include "tongban-devices.h"
#include "tongban-manager-client.h"
#include "tongban-window.h"

G_BEGIN_DECLS

typedef struct _TongbanRemote TongbanRemote;

TongbanRemote *tongban_remote_new  (TongbanWindow        *window,
                                    TongbanDevices       *devices,
                                    TongbanManagerClient *client);
void           tongban_remote_free (TongbanRemote        *remote);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanRemote, tongban_remote_free)

G_END_DECLS

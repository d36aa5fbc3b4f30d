/* driver-test.h: shared helpers of the driver tests against a simulator
 *
 * Start a simulator and the driver on its link, inject scenario events and
 * wait for them to be done, wait (bounded, asserted) for a device state or
 * a counter kept by the test's callbacks, and stop the driver and check
 * that nothing holds it any more.
 */
#pragma once

#include "tongban-device.h"
#include "tongban-sim.h"

G_BEGIN_DECLS

TongbanSim *driver_test_start_sim   (TongbanSim         *sim,
                                     const GError       *error);
void        driver_test_start       (gpointer            device,
                                     TongbanDeviceState  state);
void        driver_test_sim_do      (TongbanSim         *sim,
                                     const char         *event);
void        driver_test_wait_state  (gpointer            device,
                                     TongbanDeviceState  state,
                                     guint               timeout_ms);
void        driver_test_wait_count  (const guint        *counter,
                                     guint               target,
                                     guint               timeout_ms);
gboolean    driver_test_drain       (guint               timeout_ms);
void        driver_test_stop        (gpointer            device,
                                     TongbanSim         *sim);

G_END_DECLS

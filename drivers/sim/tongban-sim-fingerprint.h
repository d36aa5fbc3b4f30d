/* tongban-sim-fingerprint.h: an optical fingerprint module (AS60x/R30x) at the far end of a pty
 *
 * The module knows one citizen's finger, its enrolled template (by default
 * the first template on the demonstration ID card of tongban-sim-idcard.h).
 * Scenario events put a finger on the sensor or take it off:
 * "finger match" (the enrolled finger), "finger other" (someone else's),
 * "finger smudged" (an image too messy for features), "finger lift"; and
 * one-shot faults for the next reply: "garbage" (the start of a packet that
 * never completes), "noise" (bytes without a start code, then the real
 * reply), "bad checksum", "bad length", "truncate", "unknown code", "wrong
 * address" (an ok from another module's address), "silent", "slow" (the
 * reply comes half a second late), "image fail" (the next capture fails),
 * "cut" (half the reply, then the cable is pulled).
 */
#pragma once

#include "tongban-sim.h"

G_BEGIN_DECLS

#define TONGBAN_SIM_FINGERPRINT_THRESHOLD 64   /* scores from 0 to 256 */

TongbanSim *tongban_sim_fingerprint_new             (guint       baud,
                                                     GBytes     *enrolled,
                                                     GError    **error);
GBytes     *tongban_sim_fingerprint_demo_template   (void);
guint       tongban_sim_fingerprint_get_count       (TongbanSim *sim,
                                                     guint8      instruction);

G_END_DECLS

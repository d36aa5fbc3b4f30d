/* tongban-sim-idcard.h: a SAM ID-card reader at the far end of a pty
 *
 * Scenario events: "card present", "card removed", "card pulled" (the card
 * leaves during the next read), and one-shot faults for the next reply:
 * "garbage", "noise" (garbage, then the real reply), "bad checksum",
 * "bad length", "truncate", "unknown status", "silent".
 */
#pragma once

#include "tongban-sim.h"
#include "tongban-sam.h"

G_BEGIN_DECLS

TongbanSim      *tongban_sim_idcard_new          (guint       baud,
                                                  GError    **error);
TongbanIdentity *tongban_sim_idcard_demo_identity (void);
guint            tongban_sim_idcard_get_reads    (TongbanSim *sim);
gsize            tongban_sim_idcard_get_line_bytes (TongbanSim *sim);

G_END_DECLS

/* tongban-sim-panel.h: the PIN pad, light board and barcode scanner at the far end of a pty
 *
 * PIN pad events: "key 5", "key enter", "keys 1234" (sent only while the
 * host has enabled the pad), "garbage".
 * Light board events: "input N on", "input N off" (N 0-4), "flap N COUNT"
 * (input N toggles COUNT times back to back), "refuse" (the next command is
 * refused), "silent" (the board hangs: it reads but neither answers nor
 * reports) and "answer" (it recovers).
 * Scanner events: "scan <text>" (sent as the text and CR, serial mode).
 */
#pragma once

#include "tongban-sim.h"
#include "tongban-frame.h"

G_BEGIN_DECLS

TongbanSim       *tongban_sim_pinpad_new          (guint       baud,
                                                   GError    **error);
gboolean          tongban_sim_pinpad_get_enabled  (TongbanSim *sim);
TongbanSim       *tongban_sim_lights_new          (guint       baud,
                                                   GError    **error);
TongbanFlashRate  tongban_sim_lights_get_output   (TongbanSim *sim,
                                                   guint       output);
TongbanSim       *tongban_sim_scanner_new         (guint       baud,
                                                   GError    **error);

G_END_DECLS

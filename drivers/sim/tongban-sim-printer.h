/* tongban-sim-printer.h: an ESC/POS receipt printer on TCP (port 9100 style) or a pty
 *
 * Decodes the command stream as a printer would and keeps what it "printed"
 * (text back in UTF-8, QR contents, cuts). Automatic status back is sent
 * when enabled and whenever the paper, cover or cutter state changes.
 * Scenario events: "paper low", "paper out", "paper loaded",
 * "paper out after N" (N more text lines, then out: mid-job),
 * "cover open", "cover closed", "cutter error", "cutter ok",
 * "bad status" (the next status reply is a byte no printer sends).
 */
#pragma once

#include "tongban-sim.h"

G_BEGIN_DECLS

TongbanSim *tongban_sim_printer_new_tcp   (guint       port,
                                           GError    **error);
TongbanSim *tongban_sim_printer_new_pty   (guint       baud,
                                           GError    **error);
char       *tongban_sim_printer_dup_text  (TongbanSim *sim);
guint       tongban_sim_printer_get_cuts  (TongbanSim *sim);
guint       tongban_sim_printer_get_lines (TongbanSim *sim);
char       *tongban_sim_printer_dup_qr    (TongbanSim *sim,
                                           guint       index);
guint       tongban_sim_printer_get_invalid_bytes (TongbanSim *sim);

G_END_DECLS

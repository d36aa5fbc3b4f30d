/* tongban-laser-printer.h: the A4 laser printer, through IPP (libcups)
 *
 * Talks IPP straight to the printer (IPP Everywhere) or to a CUPS queue:
 * Print-Job with a PDF, then Get-Job-Attributes until the job ends.
 * printer-state-reasons keep the "paper" and "toner" supplies current
 * (media-empty, media-low, toner-low, toner-empty, media-jam); cover-open
 * and media-jam are user errors.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_LASER_PRINTER (tongban_laser_printer_get_type ())
G_DECLARE_FINAL_TYPE (TongbanLaserPrinter, tongban_laser_printer, TONGBAN, LASER_PRINTER,
                      TongbanDevice)

TongbanLaserPrinter *tongban_laser_printer_new          (const char          *name,
                                                         const char          *uri);
guint                tongban_laser_printer_print_async  (TongbanLaserPrinter *self,
                                                         GBytes              *pdf,
                                                         const char          *job_name,
                                                         guint                timeout_ms,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean             tongban_laser_printer_print_finish (TongbanLaserPrinter *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS

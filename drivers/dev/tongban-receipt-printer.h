/* tongban-receipt-printer.h: the 76/80 mm ESC/POS receipt printer
 *
 * Over TCP (port 9100), a serial port or USB bulk. Automatic status back
 * keeps the "paper" supply (full, low, out) and the device state (cover open
 * is a user error, a cutter fault a hardware error) current while idle; a
 * job completes only when the printer has processed it (GS r in sequence),
 * and fails with command-error when the paper runs out during it.
 */
#pragma once

#include "tongban-link-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_RECEIPT_PRINTER (tongban_receipt_printer_get_type ())
G_DECLARE_FINAL_TYPE (TongbanReceiptPrinter, tongban_receipt_printer, TONGBAN, RECEIPT_PRINTER,
                      TongbanLinkDevice)

TongbanReceiptPrinter *tongban_receipt_printer_new          (const char            *name,
                                                             const char            *link);
guint                  tongban_receipt_printer_print_async  (TongbanReceiptPrinter *self,
                                                             GBytes                *job,
                                                             guint                  timeout_ms,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean               tongban_receipt_printer_print_finish (TongbanReceiptPrinter *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);

G_END_DECLS

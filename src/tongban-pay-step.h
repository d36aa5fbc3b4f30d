/* tongban-pay-step.h: the pay step of a flow (a fee, by bank card or QR code)
 *
 * Shows the fee in the citizen's language and takes it by one of the step's
 * methods: a bank card in the IC card reader (account number read by EMV and
 * shown masked, PIN typed on the PIN pad and checked by the card, then
 * pay.card), or a QR code of the order for a payment app (pay.qr-status
 * asked every 2 seconds). Once paid, the flow records the order and moves on
 * by itself; the result page shows the receipt line.
 */
#pragma once

#include <gtk/gtk.h>
#include "tongban-devices.h"
#include "tongban-flow.h"

G_BEGIN_DECLS

/* How often the QR payment's status is asked, in seconds. */
#define TONGBAN_PAY_POLL_S 2

GtkWidget *tongban_pay_step_new          (TongbanFlow    *flow,
                                          TongbanDevices *devices);
void       tongban_pay_step_retranslate  (GtkWidget      *pay_step);
void       tongban_pay_step_add_receipt  (GtkWidget      *result,
                                          TongbanFlow    *flow);
char      *tongban_pay_format_amount     (const char     *amount,
                                          const char     *currency);

G_END_DECLS

/* tongban-emv.h: reading a bank card's account number (EMV)
 *
 * The few EMV pieces a kiosk that takes a fee needs: BER-TLV search over the
 * answers of SELECT PPSE, SELECT AID and READ RECORD, the primary account
 * number (tag 5A, or the track 2 equivalent 57) with its Luhn check, and the
 * masked form (first 6, last 4) that is all that leaves the card reader.
 * Pure functions over bytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "2PAY.SYS.DDF01": the contactless payment system environment. */
#define TONGBAN_EMV_PPSE "2PAY.SYS.DDF01"

gboolean    tongban_emv_find_tag    (const guint8  *tlv,
                                     gsize          length,
                                     guint          tag,
                                     const guint8 **value,
                                     gsize         *value_length);
char       *tongban_emv_pan         (const guint8  *record,
                                     gsize          length);
gboolean    tongban_emv_luhn_ok     (const char    *digits);
char       *tongban_emv_mask_pan    (const char    *pan);

G_END_DECLS

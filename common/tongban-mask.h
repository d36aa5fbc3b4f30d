/* tongban-mask.h: masking personal data for display, logs and receipts (REQ-I-04)
 *
 * Kiosk screens, printed slips and the manager's logs show people's data only masked.
 * All functions count characters, not bytes, so Chinese names mask correctly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Keeps the first `keep_head` and last `keep_tail` characters, the rest becomes '*'.
 * Text too short to hide anything is masked completely. */
char *tongban_mask         (const char *text,
                            guint       keep_head,
                            guint       keep_tail);
char *tongban_mask_name    (const char *name);
char *tongban_mask_id      (const char *id_number);
char *tongban_mask_phone   (const char *phone);

G_END_DECLS

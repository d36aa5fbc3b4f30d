/* tongban-pinpad.h: the PIN keyboard (0-9, ., Enter, Cancel, Clear, Backspace)
 *
 * Over a serial link with the STX frames of tongban-frame.h. Keys arrive as
 * "key-pressed" events with the XFS4IoT key name ("one", "enter" …) only
 * while the pad is enabled. This is a plain keypad for numbers and menus:
 * PIN entry for payment needs an encrypting PIN pad, which never hands out
 * digits. Key values are never logged.
 */
#pragma once

#include "tongban-link-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_PINPAD (tongban_pinpad_get_type ())
G_DECLARE_FINAL_TYPE (TongbanPinpad, tongban_pinpad, TONGBAN, PINPAD, TongbanLinkDevice)

TongbanPinpad *tongban_pinpad_new            (const char         *name,
                                              const char         *link);
guint          tongban_pinpad_enable_async   (TongbanPinpad      *self,
                                              gboolean            enable,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean       tongban_pinpad_enable_finish  (TongbanPinpad      *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS

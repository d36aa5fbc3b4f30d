/* tongban-pin-pad.h: an on-screen numeric keypad for PINs
 *
 * The digits live in a fixed buffer inside the widget, are never shown (dots
 * only), and are overwritten with zeros by tongban_pin_pad_clear().
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TONGBAN_PIN_PAD_MAX_DIGITS 12

#define TONGBAN_TYPE_PIN_PAD (tongban_pin_pad_get_type ())
G_DECLARE_FINAL_TYPE (TongbanPinPad, tongban_pin_pad, TONGBAN, PIN_PAD, GtkWidget)

GtkWidget  *tongban_pin_pad_new          (void);
void        tongban_pin_pad_clear        (TongbanPinPad *self);
guint       tongban_pin_pad_get_length   (TongbanPinPad *self);
const char *tongban_pin_pad_peek         (TongbanPinPad *self);
void        tongban_pin_pad_press        (TongbanPinPad *self,
                                          const char    *key);
void        tongban_pin_pad_submit       (TongbanPinPad *self);

G_END_DECLS

/* tongban-keyboard.h: the kiosk's on-screen keyboard
 *
 * Kiosks have no physical keyboard and system on-screen keyboards do not
 * work over a full-screen kiosk (notes/ux.md), so the app carries its own:
 * English (QWERTY), 拼音 (Simplified, or Traditional on request) and 倉頡
 * (Traditional) through librime, numbers and symbols, with a candidate bar.
 *
 * It types into one GtkEditable at a time (its target): committed text goes
 * in at the cursor, Backspace deletes before it, nothing else is touched.
 * It never takes a PIN or password field (tongban_keyboard_wants_target()).
 * tongban_keyboard_attach_to_window() shows it when a field that wants it
 * gets the focus and hides it otherwise.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_KEYBOARD_LAYOUT_ENGLISH,
  TONGBAN_KEYBOARD_LAYOUT_PINYIN,
  TONGBAN_KEYBOARD_LAYOUT_CANGJIE,
  TONGBAN_KEYBOARD_LAYOUT_NUMBERS,
  TONGBAN_KEYBOARD_LAYOUT_SYMBOLS,
} TongbanKeyboardLayout;

#define TONGBAN_TYPE_KEYBOARD (tongban_keyboard_get_type ())
G_DECLARE_FINAL_TYPE (TongbanKeyboard, tongban_keyboard, TONGBAN, KEYBOARD, GtkWidget)

GtkWidget            *tongban_keyboard_new                    (void);
void                  tongban_keyboard_add_style              (GdkDisplay            *display);
gboolean              tongban_keyboard_wants_target           (GtkWidget             *widget);

gboolean              tongban_keyboard_set_target             (TongbanKeyboard       *self,
                                                               GtkWidget             *target);
GtkWidget            *tongban_keyboard_get_target             (TongbanKeyboard       *self);
void                  tongban_keyboard_attach_to_window       (TongbanKeyboard       *self,
                                                               GtkWindow             *window);

void                  tongban_keyboard_set_layout             (TongbanKeyboard       *self,
                                                               TongbanKeyboardLayout  layout);
TongbanKeyboardLayout tongban_keyboard_get_layout             (TongbanKeyboard       *self);
void                  tongban_keyboard_set_pinyin_traditional (TongbanKeyboard       *self,
                                                               gboolean               traditional);
void                  tongban_keyboard_update_language        (TongbanKeyboard       *self);
void                  tongban_keyboard_reset                  (TongbanKeyboard       *self);

GtkWidget            *tongban_keyboard_get_key                (TongbanKeyboard       *self,
                                                               const char            *key);
GtkWidget            *tongban_keyboard_get_candidate          (TongbanKeyboard       *self,
                                                               guint                  index);

G_END_DECLS

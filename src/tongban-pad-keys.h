/* tongban-pad-keys.h: what the hardware PIN pad's keys do on every page
 *
 * The pad has 0-9, ".", Enter, Cancel, Clear and Backspace, laid out like a
 * telephone, with a raised dot on 5. The layout, told in help:
 *
 *     1 help        2 previous      3 read back the field
 *     4 previous    5 say again     6 next
 *     7 quieter     8 next          9 louder
 *                   0 pause / go on
 *     Enter = OK (activate), Cancel = back, Clear = empty the field,
 *     Backspace = delete the last character.
 *
 * Up and left both go back through the page, down and right forward, in
 * the order things stand on the screen: one line to learn, no dead ends.
 * While a PIN field has the focus the digits are typed into it instead
 * (and read back as asterisks).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_PAD_NONE,
  TONGBAN_PAD_NEXT,
  TONGBAN_PAD_PREVIOUS,
  TONGBAN_PAD_ACTIVATE,
  TONGBAN_PAD_BACK,
  TONGBAN_PAD_CLEAR,
  TONGBAN_PAD_DELETE,
  TONGBAN_PAD_HELP,
  TONGBAN_PAD_REPEAT,
  TONGBAN_PAD_PAUSE,
  TONGBAN_PAD_QUIETER,
  TONGBAN_PAD_LOUDER,
  TONGBAN_PAD_READ_BACK,
} TongbanPadAction;

TongbanPadAction  tongban_pad_keys_action  (const char *key);
char              tongban_pad_keys_digit   (const char *key);

G_END_DECLS

/* tongban-pad-keys.c: the PIN pad's key layout (see the header) */

#include "tongban-pad-keys.h"

#include <string.h>

/* The pad driver's key names (XFS4IoT), in the order of their digits. */
static const char *const digit_names[] = {
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
};

/* '0'-'9' for a digit key, 0 for any other. */
char
tongban_pad_keys_digit (const char *key)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (digit_names); i++)
    if (strcmp (key, digit_names[i]) == 0)
      return (char) ('0' + i);
  return 0;
}

TongbanPadAction
tongban_pad_keys_action (const char *key)
{
  static const TongbanPadAction by_digit[10] = {
    TONGBAN_PAD_PAUSE,                                                   /* 0 */
    TONGBAN_PAD_HELP, TONGBAN_PAD_PREVIOUS, TONGBAN_PAD_READ_BACK,        /* 1 2 3 */
    TONGBAN_PAD_PREVIOUS, TONGBAN_PAD_REPEAT, TONGBAN_PAD_NEXT,           /* 4 5 6 */
    TONGBAN_PAD_QUIETER, TONGBAN_PAD_NEXT, TONGBAN_PAD_LOUDER,            /* 7 8 9 */
  };
  char digit = tongban_pad_keys_digit (key);

  if (digit != 0)
    return by_digit[digit - '0'];
  if (g_strcmp0 (key, "enter") == 0)
    return TONGBAN_PAD_ACTIVATE;
  if (g_strcmp0 (key, "cancel") == 0)
    return TONGBAN_PAD_BACK;
  if (g_strcmp0 (key, "clear") == 0)
    return TONGBAN_PAD_CLEAR;
  if (g_strcmp0 (key, "backspace") == 0)
    return TONGBAN_PAD_DELETE;
  return TONGBAN_PAD_NONE;
}

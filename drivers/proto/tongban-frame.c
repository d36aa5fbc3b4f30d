/* tongban-frame.c: STX frame codec shared by the PIN pad and light board
 *
 * Resynchronises on the next STX after anything invalid, so one corrupted
 * frame loses that frame only.
 */

#include "tongban-frame.h"

#include <string.h>

GByteArray *
tongban_frame_build (guint8        cmd,
                     const guint8 *data,
                     gsize         length)
{
  GByteArray *out;
  guint8 head[3] = { TONGBAN_FRAME_STX, (guint8) (length + 1), cmd };
  guint8 tail[2] = { 0, TONGBAN_FRAME_ETX };

  g_return_val_if_fail (length + 1 <= TONGBAN_FRAME_MAX_LEN, NULL);

  tail[0] = head[1] ^ cmd;
  for (gsize i = 0; i < length; i++)
    tail[0] ^= data[i];
  out = g_byte_array_sized_new (length + 5);
  g_byte_array_append (out, head, 3);
  if (length > 0)
    g_byte_array_append (out, data, length);
  g_byte_array_append (out, tail, 2);
  return out;
}

TongbanFrameParse
tongban_frame_parse (const guint8  *buffer,
                     gsize          length,
                     TongbanFrame  *frame,
                     gsize         *consumed)
{
  gsize len;
  guint8 bcc = 0;
  const guint8 *stx;

  *consumed = 0;
  if (length == 0)
    return TONGBAN_FRAME_PARSE_NEED_MORE;
  if (buffer[0] != TONGBAN_FRAME_STX)
    {
      stx = memchr (buffer, TONGBAN_FRAME_STX, length);
      *consumed = stx ? (gsize) (stx - buffer) : length;
      return TONGBAN_FRAME_PARSE_INVALID;
    }
  if (length < 2)
    return TONGBAN_FRAME_PARSE_NEED_MORE;
  len = buffer[1];
  if (len < 1 || len > TONGBAN_FRAME_MAX_LEN)
    {
      *consumed = 1;
      return TONGBAN_FRAME_PARSE_INVALID;
    }
  if (length < len + 4)
    return TONGBAN_FRAME_PARSE_NEED_MORE;
  for (gsize i = 1; i < len + 2; i++)
    bcc ^= buffer[i];
  if (bcc != buffer[len + 2] || buffer[len + 3] != TONGBAN_FRAME_ETX)
    {
      *consumed = 1;
      return TONGBAN_FRAME_PARSE_INVALID;
    }
  frame->cmd = buffer[2];
  frame->data = buffer + 3;
  frame->length = len - 1;
  *consumed = len + 4;
  return TONGBAN_FRAME_PARSE_OK;
}

/* XFS4IoT key names. */
const char *
tongban_key_name (guint8 key)
{
  static const char *digits[] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
  };

  if (key >= '0' && key <= '9')
    return digits[key - '0'];
  switch (key)
    {
    case '.': return "decPoint";
    case TONGBAN_KEY_ENTER: return "enter";
    case TONGBAN_KEY_CANCEL: return "cancel";
    case TONGBAN_KEY_CLEAR: return "clear";
    case TONGBAN_KEY_BACKSPACE: return "backspace";
    default: return NULL;
    }
}

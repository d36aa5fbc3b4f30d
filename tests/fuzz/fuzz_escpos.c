/* fuzz_escpos.c: the ESC/POS command decoder and status reader on arbitrary bytes
 *
 * Both must consume at least one byte or ask for more, and never read past
 * the input; decoded pointers must stay inside it.
 */

#include "tongban-escpos.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  gsize pos = 0;

  while (pos < size)
    {
      TongbanEscposCmd cmd;
      gsize used = 0;
      TongbanEscposParse r = tongban_escpos_next_command (data + pos, size - pos, &cmd, &used);

      if (r == TONGBAN_ESCPOS_PARSE_NEED_MORE)
        break;
      g_assert (used > 0 && used <= size - pos);
      if (r == TONGBAN_ESCPOS_PARSE_OK && cmd.data != NULL)
        g_assert (cmd.data >= data + pos && cmd.data + cmd.length <= data + pos + used);
      pos += used;
    }

  pos = 0;
  while (pos < size)
    {
      TongbanEscposStatus st = { 0 };
      gsize used = 0;
      TongbanEscposReply r = tongban_escpos_parse_reply (data + pos, size - pos, &st, &used);

      if (r == TONGBAN_ESCPOS_REPLY_NEED_MORE)
        break;
      g_assert (used > 0 && used <= size - pos);
      if (r == TONGBAN_ESCPOS_REPLY_ASB)
        {
          guint8 again[4];
          tongban_escpos_encode_asb (&st, again);
          g_assert ((again[2] != 0) == (st.paper_near_end || st.paper_out));
        }
      pos += used;
    }

  /* The builder takes any UTF-8 the kiosk might pass. */
  if (g_utf8_validate ((const char *) data, (gssize) size, NULL) && memchr (data, 0, size) == NULL)
    {
      g_autoptr(TongbanEscpos) p = tongban_escpos_new ();
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr(GBytes) out = NULL;

      tongban_escpos_text (p, text, NULL);
      tongban_escpos_qr (p, data, size, 4, NULL);
      out = tongban_escpos_steal (p);
      g_assert (g_bytes_get_size (out) >= 4);
    }
  return 0;
}

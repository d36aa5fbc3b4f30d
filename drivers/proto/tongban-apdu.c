/* tongban-apdu.c: ISO 7816-4 APDU encodings
 *
 * The four cases of ISO 7816-3 12.1, short and extended. Parsing is strict:
 * a length that does not match the buffer exactly is invalid, which is what
 * a card answers with 6700 and what we report as invalid data.
 */

#include "tongban-apdu.h"

#include <gio/gio.h>

GByteArray *
tongban_apdu_build (guint8         cla,
                    guint8         ins,
                    guint8         p1,
                    guint8         p2,
                    const guint8  *data,
                    gsize          lc,
                    gint           le,
                    GError       **error)
{
  GByteArray *out;
  guint8 head[4] = { cla, ins, p1, p2 };
  gboolean extended = lc > 255 || le > 256;

  if (lc > 65535 || le > 65536 || (le < 1 && le != TONGBAN_APDU_NO_LE) || (lc > 0 && !data))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "APDU lengths");
      return NULL;
    }
  out = g_byte_array_sized_new (4 + 3 + lc + 3);
  g_byte_array_append (out, head, 4);
  if (lc > 0)
    {
      if (extended)
        {
          guint8 l[3] = { 0, lc >> 8, lc & 0xff };
          g_byte_array_append (out, l, 3);
        }
      else
        {
          guint8 l = (guint8) lc;
          g_byte_array_append (out, &l, 1);
        }
      g_byte_array_append (out, data, lc);
    }
  if (le != TONGBAN_APDU_NO_LE)
    {
      guint v = (guint) le == (extended ? 65536u : 256u) ? 0 : (guint) le;

      if (extended)
        {
          guint8 l[3] = { 0, v >> 8, v & 0xff };
          /* The leading 00 is only there when no Lc field came before. */
          g_byte_array_append (out, lc > 0 ? l + 1 : l, lc > 0 ? 2 : 3);
        }
      else
        {
          guint8 l = (guint8) v;
          g_byte_array_append (out, &l, 1);
        }
    }
  return out;
}

gboolean
tongban_apdu_parse_command (const guint8  *buffer,
                            gsize          length,
                            TongbanApdu   *apdu,
                            GError       **error)
{
  gsize rest;
  const guint8 *p;

  if (length < 4)
    goto invalid;
  apdu->cla = buffer[0];
  apdu->ins = buffer[1];
  apdu->p1 = buffer[2];
  apdu->p2 = buffer[3];
  apdu->data = NULL;
  apdu->lc = 0;
  apdu->le = TONGBAN_APDU_NO_LE;
  apdu->extended = FALSE;
  p = buffer + 4;
  rest = length - 4;

  if (rest == 0)                                    /* case 1 */
    return TRUE;
  if (rest == 1)                                    /* case 2S */
    {
      apdu->le = p[0] ? p[0] : 256;
      return TRUE;
    }
  if (p[0] != 0)
    {
      /* short: case 3S (1 + Lc) or 4S (1 + Lc + 1) */
      apdu->lc = p[0];
      if (rest != 1 + apdu->lc && rest != 2 + apdu->lc)
        goto invalid;
      apdu->data = p + 1;
      if (rest == 2 + apdu->lc)
        apdu->le = p[1 + apdu->lc] ? p[1 + apdu->lc] : 256;
      return TRUE;
    }
  /* extended: p[0] == 0 */
  apdu->extended = TRUE;
  if (rest == 3)                                    /* case 2E */
    {
      guint v = (p[1] << 8) | p[2];
      apdu->le = v ? (gint) v : 65536;
      return TRUE;
    }
  if (rest < 4)
    goto invalid;
  apdu->lc = (p[1] << 8) | p[2];
  if (apdu->lc == 0 || (rest != 3 + apdu->lc && rest != 5 + apdu->lc))
    goto invalid;
  apdu->data = p + 3;
  if (rest == 5 + apdu->lc)
    {
      guint v = (p[3 + apdu->lc] << 8) | p[4 + apdu->lc];
      apdu->le = v ? (gint) v : 65536;
    }
  return TRUE;

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "malformed APDU of %" G_GSIZE_FORMAT
               " bytes", length);
  return FALSE;
}

gboolean
tongban_apdu_parse_response (const guint8  *buffer,
                             gsize          length,
                             const guint8 **data,
                             gsize         *data_len,
                             guint16       *sw,
                             GError       **error)
{
  if (length < 2)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "response without SW1 SW2");
      return FALSE;
    }
  *sw = (guint16) ((buffer[length - 2] << 8) | buffer[length - 1]);
  /* 6x and 9x are the only SW1 ranges ISO 7816-4 defines (60 itself is a procedure byte). */
  if ((buffer[length - 2] & 0xF0) != 0x60 && (buffer[length - 2] & 0xF0) != 0x90)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown status %04X", *sw);
      return FALSE;
    }
  if (buffer[length - 2] == 0x60)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "procedure byte as status");
      return FALSE;
    }
  *data = length > 2 ? buffer : NULL;
  *data_len = length - 2;
  return TRUE;
}

gboolean
tongban_apdu_sw_ok (guint16 sw)
{
  return sw == 0x9000 || (sw >> 8) == 0x61 || (sw >> 8) == 0x90;
}

const char *
tongban_apdu_sw_describe (guint16 sw)
{
  switch (sw)
    {
    case 0x9000: return "ok";
    case 0x6283: return "file deactivated";
    case 0x6300: return "verification failed";
    case 0x6581: return "memory failure";
    case 0x6700: return "wrong length";
    case 0x6882: return "secure messaging not supported";
    case 0x6982: return "security status not satisfied";
    case 0x6983: return "authentication method blocked";
    case 0x6985: return "conditions of use not satisfied";
    case 0x6A80: return "incorrect data";
    case 0x6A81: return "function not supported";
    case 0x6A82: return "file not found";
    case 0x6A86: return "incorrect P1 P2";
    case 0x6B00: return "wrong parameters";
    case 0x6D00: return "instruction not supported";
    case 0x6E00: return "class not supported";
    case 0x6F00: return "no precise diagnosis";
    default: break;
    }
  switch (sw >> 8)
    {
    case 0x61: return "more data available";
    case 0x63: return (sw & 0xF0) == 0xC0 ? "verification failed, tries left" : "warning";
    case 0x6C: return "wrong Le";
    default: return "unknown status";
    }
}

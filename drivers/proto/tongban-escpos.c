/* tongban-escpos.c: ESC/POS builder, status reader and command decoder
 *
 * Status bytes follow the Epson manual as python-escpos and ESC-POS-.NET
 * read it: an ASB block starts with a byte 0xx1xx00 and has three more with
 * bits 4 and 7 clear; a DLE EOT reply is 0xx1xx10; a GS r 1 reply has bits 4
 * and 7 clear. That is enough to tell them apart in one stream.
 */

#include "tongban-escpos.h"

#include <gio/gio.h>
#include <string.h>

#define QR_MAX_DATA 7089
#define RASTER_MAX_BYTES (1u << 20)

struct _TongbanEscpos
{
  GByteArray *bytes;
};

TongbanEscpos *
tongban_escpos_new (void)
{
  TongbanEscpos *self = g_new0 (TongbanEscpos, 1);

  self->bytes = g_byte_array_sized_new (1024);
  /* Reset, then Chinese mode so GB18030 double bytes print as hanzi. */
  tongban_escpos_raw (self, (const guint8 *) TONGBAN_ESCPOS_INIT "\x1c\x26", 4);
  return self;
}

void
tongban_escpos_free (TongbanEscpos *self)
{
  if (self == NULL)
    return;
  if (self->bytes != NULL)
    g_byte_array_unref (self->bytes);
  g_free (self);
}

void
tongban_escpos_raw (TongbanEscpos *self,
                    const guint8  *data,
                    gsize          length)
{
  g_byte_array_append (self->bytes, data, length);
}

static void
put3 (TongbanEscpos *self,
      guint8         a,
      guint8         b,
      guint8         c)
{
  guint8 cmd[] = { a, b, c };

  tongban_escpos_raw (self, cmd, 3);
}

gboolean
tongban_escpos_text (TongbanEscpos  *self,
                     const char     *utf8,
                     GError        **error)
{
  g_autofree char *gb = NULL;
  gsize written = 0;

  g_return_val_if_fail (self != NULL && utf8 != NULL, FALSE);

  /* Control characters would be taken as commands by the printer. */
  for (const char *p = utf8; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\n')
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             "control character in receipt text");
        return FALSE;
      }
  gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &written, error);
  if (gb == NULL)
    return FALSE;
  tongban_escpos_raw (self, (const guint8 *) gb, written);
  return TRUE;
}

void
tongban_escpos_bold (TongbanEscpos *self,
                     gboolean       bold)
{
  put3 (self, 0x1B, 'E', bold ? 1 : 0);
}

void
tongban_escpos_size (TongbanEscpos *self,
                     guint          width,
                     guint          height)
{
  width = CLAMP (width, 1, 8);
  height = CLAMP (height, 1, 8);
  put3 (self, 0x1D, '!', (guint8) (((width - 1) << 4) | (height - 1)));
}

void
tongban_escpos_align (TongbanEscpos      *self,
                      TongbanEscposAlign  align)
{
  put3 (self, 0x1B, 'a', (guint8) MIN (align, 2));
}

void
tongban_escpos_feed (TongbanEscpos *self,
                     guint          lines)
{
  put3 (self, 0x1B, 'd', (guint8) MIN (lines, 255));
}

gboolean
tongban_escpos_qr (TongbanEscpos  *self,
                   const guint8   *data,
                   gsize           length,
                   guint           module_size,
                   GError        **error)
{
  static const guint8 model[] = { 0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00 };
  static const guint8 ec_m[] = { 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31 };
  static const guint8 print[] = { 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30 };
  guint8 size[] = { 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, (guint8) CLAMP (module_size, 1, 16) };
  guint8 store[8] = { 0x1D, 0x28, 0x6B, 0, 0, 0x31, 0x50, 0x30 };

  if (length == 0 || length > QR_MAX_DATA)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "QR data of %" G_GSIZE_FORMAT
                   " bytes", length);
      return FALSE;
    }
  store[3] = (length + 3) & 0xff;
  store[4] = (length + 3) >> 8;
  tongban_escpos_raw (self, model, sizeof model);
  tongban_escpos_raw (self, size, sizeof size);
  tongban_escpos_raw (self, ec_m, sizeof ec_m);
  tongban_escpos_raw (self, store, sizeof store);
  tongban_escpos_raw (self, data, length);
  tongban_escpos_raw (self, print, sizeof print);
  return TRUE;
}

/* bits: 1 = black, MSB first, (width + 7) / 8 bytes per row. */
gboolean
tongban_escpos_raster (TongbanEscpos  *self,
                       guint           width,
                       guint           height,
                       const guint8   *bits,
                       gsize           length,
                       GError        **error)
{
  guint row = (width + 7) / 8;
  guint8 head[8] = { 0x1D, 'v', '0', 0, row & 0xff, row >> 8, height & 0xff, height >> 8 };

  if (width == 0 || height == 0 || row > 0xffff || height > 0xffff ||
      (gsize) row * height != length || length > RASTER_MAX_BYTES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad raster size");
      return FALSE;
    }
  tongban_escpos_raw (self, head, sizeof head);
  tongban_escpos_raw (self, bits, length);
  return TRUE;
}

void
tongban_escpos_cut (TongbanEscpos *self,
                    gboolean       partial)
{
  /* GS V 66 n: feed to the cutter, then cut. */
  guint8 cut[] = { 0x1D, 'V', partial ? 66 : 65, 3 };

  tongban_escpos_raw (self, cut, sizeof cut);
}

GBytes *
tongban_escpos_steal (TongbanEscpos *self)
{
  GBytes *bytes = g_byte_array_free_to_bytes (self->bytes);

  self->bytes = g_byte_array_new ();
  return bytes;
}

/* What the printer sends back */

TongbanEscposReply
tongban_escpos_parse_reply (const guint8        *buffer,
                            gsize                length,
                            TongbanEscposStatus *status,
                            gsize               *consumed)
{
  guint8 b;

  *consumed = 0;
  if (length == 0)
    return TONGBAN_ESCPOS_REPLY_NEED_MORE;
  b = buffer[0];

  if ((b & 0x93) == 0x10)
    {
      if (length < 4)
        {
          for (gsize i = 1; i < length; i++)
            if ((buffer[i] & 0x90) != 0)
              goto invalid;
          return TONGBAN_ESCPOS_REPLY_NEED_MORE;
        }
      for (gsize i = 1; i < 4; i++)
        if ((buffer[i] & 0x90) != 0)
          goto invalid;
      memset (status, 0, sizeof *status);
      status->offline = (b & 0x08) != 0;
      status->cover_open = (b & 0x20) != 0;
      status->cutter_error = (buffer[1] & 0x08) != 0;
      status->unrecoverable = (buffer[1] & 0x20) != 0;
      status->paper_near_end = (buffer[2] & 0x03) != 0;
      status->paper_out = (buffer[2] & 0x0C) != 0;
      *consumed = 4;
      return TONGBAN_ESCPOS_REPLY_ASB;
    }
  if ((b & 0x93) == 0x12)
    {
      *consumed = 1;
      return TONGBAN_ESCPOS_REPLY_RT_STATUS;
    }
  if ((b & 0x90) == 0x00)
    {
      status->paper_near_end = (b & 0x03) != 0;
      status->paper_out = (b & 0x0C) != 0;
      *consumed = 1;
      return TONGBAN_ESCPOS_REPLY_PAPER;
    }

invalid:
  *consumed = 1;
  return TONGBAN_ESCPOS_REPLY_INVALID;
}

void
tongban_escpos_encode_asb (const TongbanEscposStatus *status,
                           guint8                     out[4])
{
  out[0] = 0x10 | (status->offline ? 0x08 : 0) | (status->cover_open ? 0x20 : 0);
  out[1] = (status->cutter_error ? 0x08 : 0) | (status->unrecoverable ? 0x20 : 0);
  out[2] = (status->paper_near_end ? 0x03 : 0) | (status->paper_out ? 0x0C : 0);
  out[3] = 0;
}

guint8
tongban_escpos_encode_paper (const TongbanEscposStatus *status)
{
  return (status->paper_near_end ? 0x03 : 0) | (status->paper_out ? 0x0C : 0);
}

/* The reply to DLE EOT 4 (roll paper sensor). */
gboolean
tongban_escpos_rt_paper_status (guint8               byte,
                                TongbanEscposStatus *status)
{
  if ((byte & 0x93) != 0x12)
    return FALSE;
  status->paper_near_end = (byte & 0x0C) != 0;
  status->paper_out = (byte & 0x60) != 0;
  return TRUE;
}

/* The command stream */

static gboolean
is_text_byte (guint8 b)
{
  return b >= 0x20 || b == '\n' || b == '\r' || b == '\t';
}

TongbanEscposParse
tongban_escpos_next_command (const guint8     *buffer,
                             gsize             length,
                             TongbanEscposCmd *cmd,
                             gsize            *consumed)
{
  guint8 b;

  memset (cmd, 0, sizeof *cmd);
  *consumed = 0;
  if (length == 0)
    return TONGBAN_ESCPOS_PARSE_NEED_MORE;
  b = buffer[0];

#define NEED(n) G_STMT_START { if (length < (n)) return TONGBAN_ESCPOS_PARSE_NEED_MORE; } G_STMT_END
#define DONE(k, a, n) G_STMT_START { cmd->kind = (k); cmd->arg = (a); *consumed = (n); \
                                      return TONGBAN_ESCPOS_PARSE_OK; } G_STMT_END

  if (is_text_byte (b))
    {
      gsize n = 1;

      while (n < length && is_text_byte (buffer[n]))
        n++;
      cmd->data = buffer;
      cmd->length = n;
      DONE (TONGBAN_ESCPOS_CMD_TEXT, 0, n);
    }

  NEED (2);
  switch (b)
    {
    case 0x10:
      if (buffer[1] != 0x04)
        break;
      NEED (3);
      DONE (TONGBAN_ESCPOS_CMD_RT_STATUS, buffer[2], 3);
    case 0x1B:
      if (buffer[1] == '@')
        DONE (TONGBAN_ESCPOS_CMD_INIT, 0, 2);
      NEED (3);
      if (buffer[1] == 'E')
        DONE (TONGBAN_ESCPOS_CMD_BOLD, buffer[2] & 1, 3);
      if (buffer[1] == 'a')
        DONE (TONGBAN_ESCPOS_CMD_ALIGN, buffer[2] % 48, 3);
      if (buffer[1] == 'd')
        DONE (TONGBAN_ESCPOS_CMD_FEED, buffer[2], 3);
      break;
    case 0x1C:
      if (buffer[1] == '&')
        DONE (TONGBAN_ESCPOS_CMD_CHINESE, 1, 2);
      if (buffer[1] == '.')
        DONE (TONGBAN_ESCPOS_CMD_CHINESE, 0, 2);
      break;
    case 0x1D:
      NEED (3);
      switch (buffer[1])
        {
        case '!':
          DONE (TONGBAN_ESCPOS_CMD_SIZE, buffer[2], 3);
        case 'a':
          DONE (TONGBAN_ESCPOS_CMD_ASB, buffer[2], 3);
        case 'r':
          DONE (TONGBAN_ESCPOS_CMD_PAPER_STATUS, buffer[2], 3);
        case 'V':
          if (buffer[2] == 0 || buffer[2] == 1 || buffer[2] == 48 || buffer[2] == 49)
            DONE (TONGBAN_ESCPOS_CMD_CUT, buffer[2] & 1, 3);
          if (buffer[2] == 65 || buffer[2] == 66)
            {
              NEED (4);
              DONE (TONGBAN_ESCPOS_CMD_CUT, buffer[2] - 65, 4);
            }
          break;
        case '(':
          {
            gsize len;

            NEED (5);
            if (buffer[2] != 'k')
              break;
            len = buffer[3] | ((gsize) buffer[4] << 8);
            if (len < 2)
              break;
            NEED (5 + len);
            if (buffer[5] != 0x31)
              break;
            switch (buffer[6])
              {
              case 65:
              case 67:
              case 69:
                DONE (TONGBAN_ESCPOS_CMD_QR_SETUP, buffer[6], 5 + len);
              case 80:
                if (len < 3)
                  break;
                cmd->data = buffer + 8;
                cmd->length = len - 3;
                DONE (TONGBAN_ESCPOS_CMD_QR_STORE, 0, 5 + len);
              case 81:
                DONE (TONGBAN_ESCPOS_CMD_QR_PRINT, 0, 5 + len);
              default:
                break;
              }
          }
          break;
        case 'v':
          {
            gsize w, h;

            NEED (8);
            if (buffer[2] != '0')
              break;
            w = buffer[4] | ((gsize) buffer[5] << 8);
            h = buffer[6] | ((gsize) buffer[7] << 8);
            if (w == 0 || h == 0 || w * h > RASTER_MAX_BYTES)
              break;
            NEED (8 + w * h);
            cmd->width = (guint) w;
            cmd->height = (guint) h;
            cmd->data = buffer + 8;
            cmd->length = w * h;
            DONE (TONGBAN_ESCPOS_CMD_RASTER, buffer[3], 8 + w * h);
          }
        default:
          break;
        }
      break;
    default:
      break;
    }
#undef NEED
#undef DONE

  *consumed = 1;
  return TONGBAN_ESCPOS_PARSE_INVALID;
}

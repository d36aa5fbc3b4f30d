/* test-escpos.c: ESC/POS builder, status replies and command decoder on byte vectors */

#include "tongban-escpos.h"

#include <gio/gio.h>
#include <string.h>

static void
test_build_golden (void)
{
  g_autoptr(TongbanEscpos) p = tongban_escpos_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  /* ESC @, FS &, ESC E 1, "中文" in GB18030 (D6 D0 CE C4), LF, GS V 66 3 */
  static const guint8 expected[] = { 0x1B, 0x40, 0x1C, 0x26, 0x1B, 0x45, 0x01, 0xD6, 0xD0, 0xCE,
                                     0xC4, 0x0A, 0x1D, 0x56, 0x42, 0x03 };

  tongban_escpos_bold (p, TRUE);
  g_assert_true (tongban_escpos_text (p, "中文\n", &error));
  g_assert_no_error (error);
  tongban_escpos_cut (p, TRUE);
  bytes = tongban_escpos_steal (p);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected,
                   sizeof expected);
}

static void
test_qr_golden (void)
{
  g_autoptr(TongbanEscpos) p = tongban_escpos_new ();
  g_autoptr(GBytes) bytes = NULL;
  /* python-escpos test_function_qr_native: model 2, size 3, EC M, store "1234", print */
  static const guint8 expected[] = {
    0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
    0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x03,
    0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,
    0x1D, 0x28, 0x6B, 0x07, 0x00, 0x31, 0x50, 0x30, '1', '2', '3', '4',
    0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,
  };
  gsize size;
  const guint8 *data;

  g_assert_true (tongban_escpos_qr (p, (const guint8 *) "1234", 4, 3, NULL));
  bytes = tongban_escpos_steal (p);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpmem (data + 4, size - 4, expected, sizeof expected);
  g_assert_false (tongban_escpos_qr (p, (const guint8 *) "", 0, 3, NULL));
}

static void
test_text_refuses_controls (void)
{
  g_autoptr(TongbanEscpos) p = tongban_escpos_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (tongban_escpos_text (p, "a\x1d" "V", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_status_replies (void)
{
  TongbanEscposStatus st = { 0 }, out = { 0 };
  guint8 asb[4];
  gsize used;

  /* Each condition alone survives encode + parse, and no other flag is set. */
  for (guint bit = 0; bit < 5; bit++)
    {
      memset (&st, 0, sizeof st);
      ((gboolean *) &st)[bit + 1] = TRUE;   /* cover, cutter, unrecoverable, near end, out */
      tongban_escpos_encode_asb (&st, asb);
      g_assert_cmpint (tongban_escpos_parse_reply (asb, 3, &out, &used), ==,
                       TONGBAN_ESCPOS_REPLY_NEED_MORE);
      g_assert_cmpint (tongban_escpos_parse_reply (asb, 4, &out, &used), ==,
                       TONGBAN_ESCPOS_REPLY_ASB);
      g_assert_cmpuint (used, ==, 4);
      g_assert_cmpmem (&out, sizeof out, &st, sizeof st);
    }

  /* ESC-POS-.NET bit layout: byte 2 bits 2-3 = paper out */
  {
    static const guint8 paper_out[] = { 0x18, 0x00, 0x0C, 0x00 };
    g_assert_cmpint (tongban_escpos_parse_reply (paper_out, 4, &out, &used), ==,
                     TONGBAN_ESCPOS_REPLY_ASB);
    g_assert_true (out.paper_out);
    g_assert_true (out.offline);
    g_assert_false (out.cover_open);
  }
  /* GS r 1 reply: near end */
  {
    static const guint8 near_end[] = { 0x03 };
    memset (&out, 0, sizeof out);
    g_assert_cmpint (tongban_escpos_parse_reply (near_end, 1, &out, &used), ==,
                     TONGBAN_ESCPOS_REPLY_PAPER);
    g_assert_true (out.paper_near_end);
    g_assert_false (out.paper_out);
  }
  /* python-escpos masks for DLE EOT 4: out 0x72, near end 0x1E */
  g_assert_true (tongban_escpos_rt_paper_status (0x72, &out));
  g_assert_true (out.paper_out);
  g_assert_true (tongban_escpos_rt_paper_status (0x1E, &out));
  g_assert_true (out.paper_near_end);
  g_assert_false (out.paper_out);
  g_assert_false (tongban_escpos_rt_paper_status (0x80, &out));
  /* Bytes no printer sends */
  {
    static const guint8 bad[] = { 0xFF };
    static const guint8 bad_asb[] = { 0x10, 0x80, 0x00, 0x00 };
    g_assert_cmpint (tongban_escpos_parse_reply (bad, 1, &out, &used), ==,
                     TONGBAN_ESCPOS_REPLY_INVALID);
    g_assert_cmpint (tongban_escpos_parse_reply (bad_asb, 4, &out, &used), ==,
                     TONGBAN_ESCPOS_REPLY_INVALID);
    g_assert_cmpuint (used, ==, 1);
  }
}

static void
test_decode_roundtrip (void)
{
  g_autoptr(TongbanEscpos) p = tongban_escpos_new ();
  g_autoptr(GBytes) bytes = NULL;
  guint8 bits[2 * 3] = { 0xFF, 0x00, 0x0F, 0xF0, 0xAA, 0x55 };
  TongbanEscposCmdKind kinds[32];
  guint n = 0;
  const guint8 *data;
  gsize size, used;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;

  tongban_escpos_align (p, TONGBAN_ESCPOS_ALIGN_CENTER);
  tongban_escpos_size (p, 2, 2);
  g_assert_true (tongban_escpos_text (p, "湾区通办\n", NULL));
  g_assert_true (tongban_escpos_qr (p, (const guint8 *) "https://gba.example/q?id=1", 26, 6,
                                    NULL));
  g_assert_true (tongban_escpos_raster (p, 16, 3, bits, sizeof bits, NULL));
  g_assert_false (tongban_escpos_raster (p, 16, 3, bits, 5, NULL));
  tongban_escpos_feed (p, 3);
  tongban_escpos_cut (p, FALSE);
  bytes = tongban_escpos_steal (p);
  data = g_bytes_get_data (bytes, &size);

  while (size > 0)
    {
      TongbanEscposCmd cmd;

      g_assert_cmpint (tongban_escpos_next_command (data, size, &cmd, &used), ==,
                       TONGBAN_ESCPOS_PARSE_OK);
      g_assert_cmpuint (n, <, G_N_ELEMENTS (kinds));
      kinds[n++] = cmd.kind;
      if (cmd.kind == TONGBAN_ESCPOS_CMD_TEXT)
        text = g_convert ((const char *) cmd.data, cmd.length, "UTF-8", "GB18030", NULL, NULL,
                          NULL);
      if (cmd.kind == TONGBAN_ESCPOS_CMD_QR_STORE)
        qr = g_strndup ((const char *) cmd.data, cmd.length);
      if (cmd.kind == TONGBAN_ESCPOS_CMD_RASTER)
        {
          g_assert_cmpuint (cmd.width, ==, 2);
          g_assert_cmpuint (cmd.height, ==, 3);
          g_assert_cmpmem (cmd.data, cmd.length, bits, sizeof bits);
        }
      if (cmd.kind == TONGBAN_ESCPOS_CMD_SIZE)
        g_assert_cmpuint (cmd.arg, ==, 0x11);
      data += used;
      size -= used;
    }
  g_assert_cmpstr (text, ==, "湾区通办\n");
  g_assert_cmpstr (qr, ==, "https://gba.example/q?id=1");
  g_assert_cmpuint (n, ==, 13);
  g_assert_cmpint (kinds[0], ==, TONGBAN_ESCPOS_CMD_INIT);
  g_assert_cmpint (kinds[1], ==, TONGBAN_ESCPOS_CMD_CHINESE);
  g_assert_cmpint (kinds[9], ==, TONGBAN_ESCPOS_CMD_QR_PRINT);
  g_assert_cmpint (kinds[12], ==, TONGBAN_ESCPOS_CMD_CUT);
}

static void
test_decode_truncated_and_unknown (void)
{
  static const guint8 qr_head[] = { 0x1D, 0x28, 0x6B, 0x07, 0x00, 0x31, 0x50, 0x30, '1' };
  static const guint8 unknown[] = { 0x1B, 0x7E, 0x00 };
  static const guint8 huge_raster[] = { 0x1D, 'v', '0', 0, 0xFF, 0xFF, 0xFF, 0xFF };
  TongbanEscposCmd cmd;
  gsize used;

  for (gsize n = 0; n < sizeof qr_head; n++)
    g_assert_cmpint (tongban_escpos_next_command (qr_head, n, &cmd, &used), ==,
                     TONGBAN_ESCPOS_PARSE_NEED_MORE);
  g_assert_cmpint (tongban_escpos_next_command (unknown, sizeof unknown, &cmd, &used), ==,
                   TONGBAN_ESCPOS_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 1);
  g_assert_cmpint (tongban_escpos_next_command (huge_raster, sizeof huge_raster, &cmd, &used), ==,
                   TONGBAN_ESCPOS_PARSE_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/escpos/build-golden", test_build_golden);
  g_test_add_func ("/drivers/escpos/qr-golden", test_qr_golden);
  g_test_add_func ("/drivers/escpos/text-refuses-controls", test_text_refuses_controls);
  g_test_add_func ("/drivers/escpos/status-replies", test_status_replies);
  g_test_add_func ("/drivers/escpos/decode-roundtrip", test_decode_roundtrip);
  g_test_add_func ("/drivers/escpos/decode-truncated-unknown", test_decode_truncated_and_unknown);

  return g_test_run ();
}

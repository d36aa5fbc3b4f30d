/* test-fpm.c: the fingerprint module packet codec, on byte vectors */

#include "tongban-fpm.h"

#include <gio/gio.h>
#include <string.h>

/* Command packets as the module manuals print them (default address, checksum last). */
static void
test_build_golden (void)
{
  static const guint8 gen_img[] = { 0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x03, 0x01,
                                    0x00, 0x05 };
  static const guint8 img2tz_1[] = { 0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x04, 0x02,
                                     0x01, 0x00, 0x08 };
  static const guint8 vfy_pwd[] = { 0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x07, 0x13,
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x1B };
  static const guint8 read_sys_para[] = { 0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x03,
                                          0x0F, 0x00, 0x13 };
  static const guint8 ok[] = { 0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x03, 0x00, 0x00,
                               0x0A };
  static const guint8 zeros[4] = { 0 };
  static const guint8 one = 1;
  g_autoptr(GByteArray) a = tongban_fpm_build_command (TONGBAN_FPM_DEFAULT_ADDRESS,
                                                       TONGBAN_FPM_GEN_IMG, NULL, 0);
  g_autoptr(GByteArray) b = tongban_fpm_build_command (TONGBAN_FPM_DEFAULT_ADDRESS,
                                                       TONGBAN_FPM_IMG2TZ, &one, 1);
  g_autoptr(GByteArray) c = tongban_fpm_build_command (TONGBAN_FPM_DEFAULT_ADDRESS,
                                                       TONGBAN_FPM_VFY_PWD, zeros, 4);
  g_autoptr(GByteArray) d = tongban_fpm_build_command (TONGBAN_FPM_DEFAULT_ADDRESS,
                                                       TONGBAN_FPM_READ_SYS_PARA, NULL, 0);
  g_autoptr(GByteArray) e = tongban_fpm_build_ack (TONGBAN_FPM_DEFAULT_ADDRESS, TONGBAN_FPM_OK,
                                                   NULL, 0);

  g_assert_cmpmem (a->data, a->len, gen_img, sizeof gen_img);
  g_assert_cmpmem (b->data, b->len, img2tz_1, sizeof img2tz_1);
  g_assert_cmpmem (c->data, c->len, vfy_pwd, sizeof vfy_pwd);
  g_assert_cmpmem (d->data, d->len, read_sys_para, sizeof read_sys_para);
  g_assert_cmpmem (e->data, e->len, ok, sizeof ok);
}

static void
test_parse_ack (void)
{
  /* Match: ok, score 0x00C8, from address 0x12345678. */
  static const guint8 match[] = { 0xEF, 0x01, 0x12, 0x34, 0x56, 0x78, 0x07, 0x00, 0x05, 0x00,
                                  0x00, 0xC8, 0x00, 0xD4 };
  TongbanFpmPacket packet;
  gsize used;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tongban_fpm_parse (match, sizeof match, &packet, &used, &error), ==,
                   TONGBAN_FPM_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (used, ==, sizeof match);
  g_assert_cmphex (packet.address, ==, 0x12345678);
  g_assert_cmpuint (packet.pid, ==, TONGBAN_FPM_PID_ACK);
  g_assert_cmpuint (packet.content_len, ==, 3);
  g_assert_cmpuint (packet.content[0], ==, TONGBAN_FPM_OK);
  g_assert_cmpuint ((packet.content[1] << 8) | packet.content[2], ==, 200);

  /* Every strict prefix needs more and consumes nothing. */
  for (gsize n = 0; n < sizeof match; n++)
    {
      g_assert_cmpint (tongban_fpm_parse (match, n, &packet, &used, NULL), ==,
                       TONGBAN_FPM_PARSE_NEED_MORE);
      g_assert_cmpuint (used, ==, 0);
    }
}

static void
test_parse_faults (void)
{
  g_autoptr(GByteArray) good = tongban_fpm_build_ack (TONGBAN_FPM_DEFAULT_ADDRESS,
                                                      TONGBAN_FPM_NO_FINGER, NULL, 0);
  guint8 buf[64];
  TongbanFpmPacket packet;
  gsize used;

  /* Noise before a packet is reported up to the start code. */
  memcpy (buf, "\x55\xEF\x13\x00", 4);
  memcpy (buf + 4, good->data, good->len);
  g_assert_cmpint (tongban_fpm_parse (buf, 4 + good->len, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 4);
  g_assert_cmpint (tongban_fpm_parse (buf + 4, good->len, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_OK);
  g_assert_cmpuint (packet.content[0], ==, TONGBAN_FPM_NO_FINGER);

  /* A lone EF at the end may begin a packet. */
  g_assert_cmpint (tongban_fpm_parse ((const guint8 *) "\xEF", 1, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_NEED_MORE);

  /* Wrong checksum, impossible lengths, unknown identifier: only the start code goes. */
  memcpy (buf, good->data, good->len);
  buf[good->len - 1] ^= 1;
  g_assert_cmpint (tongban_fpm_parse (buf, good->len, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 2);

  memcpy (buf, good->data, good->len);
  buf[7] = 0x01;
  buf[8] = 0x03;   /* 259 */
  g_assert_cmpint (tongban_fpm_parse (buf, good->len, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 2);
  buf[7] = 0x00;
  buf[8] = 0x02;   /* a checksum and nothing to check */
  g_assert_cmpint (tongban_fpm_parse (buf, good->len, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 2);

  memcpy (buf, good->data, good->len);
  buf[6] = 0x05;
  g_assert_cmpint (tongban_fpm_parse (buf, good->len, &packet, &used, NULL), ==,
                   TONGBAN_FPM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 2);
}

static void
test_data_packets (void)
{
  guint8 template[TONGBAN_FPM_TEMPLATE_LEN];
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) again = g_byte_array_new ();
  gsize pos = 0;
  guint packets = 0;

  for (guint i = 0; i < sizeof template; i++)
    template[i] = (guint8) (i * 31 + 5);
  tongban_fpm_append_data (out, TONGBAN_FPM_DEFAULT_ADDRESS, template, sizeof template, 128);
  g_assert_cmpuint (out->len, ==, 4 * (TONGBAN_FPM_HEADER_LEN + 128 + 2));

  while (pos < out->len)
    {
      TongbanFpmPacket packet;
      gsize used = 0;

      g_assert_cmpint (tongban_fpm_parse (out->data + pos, out->len - pos, &packet, &used, NULL),
                       ==, TONGBAN_FPM_PARSE_OK);
      g_assert_cmpuint (packet.pid, ==, pos + used < out->len ? TONGBAN_FPM_PID_DATA
                                                            : TONGBAN_FPM_PID_END_DATA);
      g_byte_array_append (again, packet.content, packet.content_len);
      pos += used;
      packets++;
    }
  g_assert_cmpuint (packets, ==, 4);
  g_assert_cmpmem (again->data, again->len, template, sizeof template);

  /* A size that does not divide the buffer: the last packet is short. */
  g_byte_array_set_size (out, 0);
  tongban_fpm_append_data (out, TONGBAN_FPM_DEFAULT_ADDRESS, template, 100, 32);
  g_assert_cmpuint (out->len, ==, 4 * (TONGBAN_FPM_HEADER_LEN + 2) + 100);
}

static void
test_sys_para (void)
{
  /* status 0, id 9, library 300, level 3, address FFFFFFFF, packet size 128, 57600 baud */
  static const guint8 results[16] = { 0x00, 0x00, 0x00, 0x09, 0x01, 0x2C, 0x00, 0x03,
                                      0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0x00, 0x06 };
  TongbanFpmSysPara para;
  guint8 out[16];
  guint8 bad[16];
  g_autoptr(GError) error = NULL;

  g_assert_true (tongban_fpm_sys_para_decode (results, sizeof results, &para, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (para.system_id, ==, 9);
  g_assert_cmpuint (para.library_size, ==, 300);
  g_assert_cmpuint (para.security_level, ==, 3);
  g_assert_cmphex (para.address, ==, 0xFFFFFFFF);
  g_assert_cmpuint (para.packet_size, ==, 128);
  g_assert_cmpuint (para.baud, ==, 57600);
  tongban_fpm_sys_para_encode (&para, out);
  g_assert_cmpmem (out, sizeof out, results, sizeof results);

  g_assert_false (tongban_fpm_sys_para_decode (results, 15, &para, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  memcpy (bad, results, sizeof bad);
  bad[13] = 4;   /* no such packet size */
  g_assert_false (tongban_fpm_sys_para_decode (bad, sizeof bad, &para, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_codes (void)
{
  g_assert_cmpstr (tongban_fpm_code_describe (TONGBAN_FPM_NO_MATCH), ==, "no match");
  g_assert_cmpstr (tongban_fpm_code_describe (TONGBAN_FPM_WRONG_PASSWORD), ==, "wrong password");
  g_assert_null (tongban_fpm_code_describe (0x77));
  g_assert_true (tongban_fpm_packet_size_valid (256));
  g_assert_false (tongban_fpm_packet_size_valid (100));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/fpm/build-golden", test_build_golden);
  g_test_add_func ("/drivers/fpm/parse-ack", test_parse_ack);
  g_test_add_func ("/drivers/fpm/parse-faults", test_parse_faults);
  g_test_add_func ("/drivers/fpm/data-packets", test_data_packets);
  g_test_add_func ("/drivers/fpm/sys-para", test_sys_para);
  g_test_add_func ("/drivers/fpm/codes", test_codes);

  return g_test_run ();
}

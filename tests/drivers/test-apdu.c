/* test-apdu.c: ISO 7816-4 APDU encodings and status words on byte vectors */

#include "tongban-apdu.h"

#include <gio/gio.h>

static void
test_build_cases (void)
{
  static const guint8 aid[] = { 0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01 };
  /* SELECT by AID, case 4S */
  static const guint8 select[] = { 0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00, 0x00, 0x03, 0x33,
                                   0x01, 0x01, 0x00 };
  /* GET CHALLENGE, case 2S, Le 8 */
  static const guint8 challenge[] = { 0x00, 0x84, 0x00, 0x00, 0x08 };
  /* case 1 */
  static const guint8 case1[] = { 0x80, 0x10, 0x01, 0x02 };
  g_autoptr(GByteArray) a = tongban_apdu_build (0x00, 0xA4, 0x04, 0x00, aid, sizeof aid, 256,
                                                NULL);
  g_autoptr(GByteArray) b = tongban_apdu_build (0x00, 0x84, 0x00, 0x00, NULL, 0, 8, NULL);
  g_autoptr(GByteArray) c = tongban_apdu_build (0x80, 0x10, 0x01, 0x02, NULL, 0,
                                                TONGBAN_APDU_NO_LE, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpmem (a->data, a->len, select, sizeof select);
  g_assert_cmpmem (b->data, b->len, challenge, sizeof challenge);
  g_assert_cmpmem (c->data, c->len, case1, sizeof case1);
  g_assert_null (tongban_apdu_build (0, 0, 0, 0, NULL, 0, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_parse_roundtrip (void)
{
  guint8 big[300];
  const struct { gsize lc; gint le; gboolean extended; } cases[] = {
    { 0, TONGBAN_APDU_NO_LE, FALSE }, { 0, 1, FALSE }, { 0, 256, FALSE },
    { 5, TONGBAN_APDU_NO_LE, FALSE },
    { 255, 256, FALSE }, { 300, TONGBAN_APDU_NO_LE, TRUE }, { 300, 65536, TRUE },
    { 0, 257, TRUE }, { 10, 1000, TRUE },
  };

  for (gsize i = 0; i < sizeof big; i++)
    big[i] = (guint8) i;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) apdu = tongban_apdu_build (0x00, 0xB0, 0x01, 0x02, big, cases[i].lc,
                                                       cases[i].le, NULL);
      TongbanApdu parsed;
      g_autoptr(GError) error = NULL;

      g_assert_true (tongban_apdu_parse_command (apdu->data, apdu->len, &parsed, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (parsed.ins, ==, 0xB0);
      g_assert_cmpuint (parsed.p2, ==, 0x02);
      g_assert_cmpuint (parsed.lc, ==, cases[i].lc);
      g_assert_cmpint (parsed.le, ==, cases[i].le);
      g_assert_cmpint (parsed.extended, ==, cases[i].extended);
      if (cases[i].lc > 0)
        g_assert_cmpmem (parsed.data, parsed.lc, big, cases[i].lc);
    }
}

static void
test_parse_malformed (void)
{
  static const guint8 short_lc[] = { 0x00, 0xD6, 0x00, 0x00, 0x05, 0x01, 0x02 };
  static const guint8 ext_bad[] = { 0x00, 0xD6, 0x00, 0x00, 0x00, 0x01 };
  static const guint8 too_short[] = { 0x00, 0xA4 };
  TongbanApdu apdu;
  g_autoptr(GError) e1 = NULL;

  g_assert_false (tongban_apdu_parse_command (short_lc, sizeof short_lc, &apdu, &e1));
  g_assert_error (e1, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_false (tongban_apdu_parse_command (ext_bad, sizeof ext_bad, &apdu, NULL));
  g_assert_false (tongban_apdu_parse_command (too_short, sizeof too_short, &apdu, NULL));
}

static void
test_response (void)
{
  static const guint8 ok[] = { 0x6F, 0x10, 0x90, 0x00 };
  static const guint8 unknown[] = { 0x12, 0x34 };
  static const guint8 procedure[] = { 0x60, 0x00 };
  const guint8 *data;
  gsize len;
  guint16 sw;
  g_autoptr(GError) error = NULL;

  g_assert_true (tongban_apdu_parse_response (ok, sizeof ok, &data, &len, &sw, NULL));
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (len, ==, 2);
  g_assert_true (tongban_apdu_sw_ok (sw));
  g_assert_false (tongban_apdu_parse_response (unknown, sizeof unknown, &data, &len, &sw, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_false (tongban_apdu_parse_response (procedure, 2, &data, &len, &sw, NULL));
  g_assert_false (tongban_apdu_parse_response (ok, 1, &data, &len, &sw, NULL));
  g_assert_false (tongban_apdu_sw_ok (0x6A82));
  g_assert_cmpstr (tongban_apdu_sw_describe (0x6A82), ==, "file not found");
  g_assert_cmpstr (tongban_apdu_sw_describe (0x63C2), ==, "verification failed, tries left");
  g_assert_cmpstr (tongban_apdu_sw_describe (0x6112), ==, "more data available");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/apdu/build-cases", test_build_cases);
  g_test_add_func ("/drivers/apdu/parse-roundtrip", test_parse_roundtrip);
  g_test_add_func ("/drivers/apdu/parse-malformed", test_parse_malformed);
  g_test_add_func ("/drivers/apdu/response", test_response);

  return g_test_run ();
}

/* test-emv.c: BER-TLV search, account numbers and their masking (EMV) */

#include "tongban-emv.h"

#include <string.h>

static void
test_find_tag (void)
{
  /* A PPSE answer: the AID sits three constructed objects deep. */
  static const guint8 fci[] = {
    0x6F, 0x1A, 0x84, 0x05, '2', 'P', 'A', 'Y', '.',
    0xA5, 0x11, 0xBF, 0x0C, 0x0E, 0x61, 0x0C, 0x4F, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10,
    0x10, 0x87, 0x01, 0x01,
  };
  static const guint8 long_form[] = { 0x70, 0x81, 0x04, 0x9F, 0x4B, 0x01, 0x2A };
  static const guint8 overrun[] = { 0x70, 0x05, 0x5A, 0x08, 0x47, 0x61, 0x73 };
  static const guint8 padded[] = { 0x00, 0xFF, 0x5A, 0x01, 0x12 };
  const guint8 *v;
  gsize vl;

  g_assert_true (tongban_emv_find_tag (fci, sizeof fci, 0x4F, &v, &vl));
  g_assert_cmpmem (v, vl, "\xA0\x00\x00\x00\x03\x10\x10", 7);
  g_assert_true (tongban_emv_find_tag (fci, sizeof fci, 0xBF0C, &v, &vl));
  g_assert_cmpuint (vl, ==, 14);
  g_assert_true (tongban_emv_find_tag (fci, sizeof fci, 0x87, &v, &vl));
  g_assert_cmpuint (vl, ==, 1);
  g_assert_false (tongban_emv_find_tag (fci, sizeof fci, 0x5A, &v, &vl));
  /* Two-byte tag inside a long-form length. */
  g_assert_true (tongban_emv_find_tag (long_form, sizeof long_form, 0x9F4B, &v, &vl));
  g_assert_cmpuint (vl, ==, 1);
  g_assert_cmpuint (v[0], ==, 0x2A);
  /* Lengths past the end are not found, however the bytes go on. */
  g_assert_false (tongban_emv_find_tag (overrun, sizeof overrun, 0x5A, &v, &vl));
  g_assert_false (tongban_emv_find_tag (fci, 10, 0x4F, &v, &vl));
  g_assert_true (tongban_emv_find_tag (padded, sizeof padded, 0x5A, &v, &vl));
  g_assert_false (tongban_emv_find_tag (NULL, 0, 0x5A, &v, &vl));
}

static void
test_pan (void)
{
  static const guint8 record_5a[] = {
    0x70, 0x0A, 0x5A, 0x08, 0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19,
  };
  /* 19 digits, F-padded: 6011 0009 9013 9424 ... made to pass Luhn below. */
  static const guint8 track2[] = {
    0x70, 0x0E, 0x57, 0x0C, 0x54, 0x13, 0x33, 0x00, 0x89, 0x01, 0x04, 0x34, 0xD2, 0x51, 0x22, 0x01,
  };
  static const guint8 bad_luhn[] = {
    0x5A, 0x08, 0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x18,
  };
  static const guint8 short_pan[] = { 0x5A, 0x04, 0x42, 0x42, 0x42, 0x42 };
  static const guint8 letters[] = {
    0x5A, 0x08, 0x47, 0x61, 0x73, 0x90, 0x01, 0xA1, 0x01, 0x19,
  };
  g_autofree char *pan = tongban_emv_pan (record_5a, sizeof record_5a);
  g_autofree char *pan2 = tongban_emv_pan (track2, sizeof track2);

  g_assert_cmpstr (pan, ==, "4761739001010119");
  g_assert_cmpstr (pan2, ==, "5413330089010434");
  g_assert_null (tongban_emv_pan (bad_luhn, sizeof bad_luhn));
  g_assert_null (tongban_emv_pan (short_pan, sizeof short_pan));
  g_assert_null (tongban_emv_pan (letters, sizeof letters));
  g_assert_true (tongban_emv_luhn_ok ("79927398713"));
  g_assert_false (tongban_emv_luhn_ok ("79927398710"));
  g_assert_false (tongban_emv_luhn_ok (""));
  g_assert_false (tongban_emv_luhn_ok ("1234a"));
}

static void
test_mask (void)
{
  g_autofree char *m16 = tongban_emv_mask_pan ("4761739001010119");
  g_autofree char *m19 = tongban_emv_mask_pan ("6011000990139424123");

  g_assert_cmpstr (m16, ==, "476173******0119");
  g_assert_cmpstr (m19, ==, "601100*********4123");
  g_assert_null (tongban_emv_mask_pan ("12345678901"));
  g_assert_null (tongban_emv_mask_pan (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drivers/emv/find-tag", test_find_tag);
  g_test_add_func ("/drivers/emv/pan", test_pan);
  g_test_add_func ("/drivers/emv/mask", test_mask);
  return g_test_run ();
}

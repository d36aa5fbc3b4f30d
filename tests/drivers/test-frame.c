/* test-frame.c: the STX frames of the PIN pad and the light board */

#include "tongban-frame.h"

#include <string.h>

static void
test_build_golden (void)
{
  /* key '5': 02 02 4B 35 BCC(02^4B^35=7C) 03 */
  static const guint8 key5[] = { 0x02, 0x02, 0x4B, 0x35, 0x7C, 0x03 };
  guint8 key = '5';
  g_autoptr(GByteArray) f = tongban_frame_build (TONGBAN_PINPAD_KEY, &key, 1);

  g_assert_cmpmem (f->data, f->len, key5, sizeof key5);
}

static void
test_parse (void)
{
  guint8 data[] = { 7, TONGBAN_FLASH_QUICK };
  g_autoptr(GByteArray) f = tongban_frame_build (TONGBAN_LIGHTS_SET, data, sizeof data);
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  TongbanFrame frame;
  gsize used;

  for (gsize n = 0; n < f->len; n++)
    g_assert_cmpint (tongban_frame_parse (f->data, n, &frame, &used), ==,
                     TONGBAN_FRAME_PARSE_NEED_MORE);
  g_assert_cmpint (tongban_frame_parse (f->data, f->len, &frame, &used), ==,
                   TONGBAN_FRAME_PARSE_OK);
  g_assert_cmpuint (used, ==, f->len);
  g_assert_cmpuint (frame.cmd, ==, 'L');
  g_assert_cmpmem (frame.data, frame.length, data, sizeof data);

  /* noise, then a corrupted frame, then a good one: only the good one parses */
  g_byte_array_append (stream, (const guint8 *) "\xff\x00", 2);
  g_byte_array_append (stream, f->data, f->len);
  stream->data[2 + f->len - 2] ^= 0x01;
  g_byte_array_append (stream, f->data, f->len);
  {
    guint ok = 0, invalid = 0;
    gsize pos = 0;

    while (pos < stream->len)
      {
        TongbanFrameParse r = tongban_frame_parse (stream->data + pos, stream->len - pos, &frame,
                                                   &used);
        g_assert_cmpint (r, !=, TONGBAN_FRAME_PARSE_NEED_MORE);
        g_assert_cmpuint (used, >, 0);
        ok += r == TONGBAN_FRAME_PARSE_OK;
        invalid += r == TONGBAN_FRAME_PARSE_INVALID;
        pos += used;
      }
    g_assert_cmpuint (ok, ==, 1);
    g_assert_cmpuint (invalid, >=, 2);
  }
}

static void
test_bad_length (void)
{
  static const guint8 zero[] = { 0x02, 0x00, 0x00, 0x03 };
  static const guint8 huge[] = { 0x02, 0xFF, 'K' };
  TongbanFrame frame;
  gsize used;

  g_assert_cmpint (tongban_frame_parse (zero, sizeof zero, &frame, &used), ==,
                   TONGBAN_FRAME_PARSE_INVALID);
  g_assert_cmpint (tongban_frame_parse (huge, sizeof huge, &frame, &used), ==,
                   TONGBAN_FRAME_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 1);
}

static void
test_key_names (void)
{
  g_assert_cmpstr (tongban_key_name ('0'), ==, "zero");
  g_assert_cmpstr (tongban_key_name ('9'), ==, "nine");
  g_assert_cmpstr (tongban_key_name (TONGBAN_KEY_ENTER), ==, "enter");
  g_assert_cmpstr (tongban_key_name (TONGBAN_KEY_CANCEL), ==, "cancel");
  g_assert_cmpstr (tongban_key_name ('.'), ==, "decPoint");
  g_assert_null (tongban_key_name ('Z'));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/frame/build-golden", test_build_golden);
  g_test_add_func ("/drivers/frame/parse", test_parse);
  g_test_add_func ("/drivers/frame/bad-length", test_bad_length);
  g_test_add_func ("/drivers/frame/key-names", test_key_names);

  return g_test_run ();
}

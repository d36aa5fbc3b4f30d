/* test-sam.c: the SAM frame codec and the ID card text layout, on byte vectors */

#include "tongban-sam.h"

#include <gio/gio.h>
#include <string.h>

/* Published frames (devices.md, HslCommunication SAMSerial). */
static void
test_build_golden (void)
{
  static const guint8 find[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22 };
  static const guint8 select[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x02, 0x21 };
  static const guint8 read[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x30, 0x01, 0x32 };
  static const guint8 sam_id[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x12, 0xFF, 0xEE };
  g_autoptr(GByteArray) a = tongban_sam_build_command (TONGBAN_SAM_CMD_FIND, NULL, 0);
  g_autoptr(GByteArray) b = tongban_sam_build_command (TONGBAN_SAM_CMD_SELECT, NULL, 0);
  g_autoptr(GByteArray) c = tongban_sam_build_command (TONGBAN_SAM_CMD_READ, NULL, 0);
  g_autoptr(GByteArray) d = tongban_sam_build_command (TONGBAN_SAM_CMD_SAM_ID, NULL, 0);

  g_assert_cmpmem (a->data, a->len, find, sizeof find);
  g_assert_cmpmem (b->data, b->len, select, sizeof select);
  g_assert_cmpmem (c->data, c->len, read, sizeof read);
  g_assert_cmpmem (d->data, d->len, sam_id, sizeof sam_id);
}

static void
test_parse_reply (void)
{
  /* "card found": AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97 */
  static const guint8 found[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F,
                                  0x00, 0x00, 0x00, 0x00, 0x97 };
  TongbanSamFrame frame;
  gsize used;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tongban_sam_parse (found, sizeof found, &frame, &used, &error), ==,
                   TONGBAN_SAM_PARSE_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (used, ==, sizeof found);
  g_assert_cmpuint (frame.body_len, ==, 7);
  g_assert_cmpuint (frame.body[2], ==, TONGBAN_SAM_SW_FOUND);

  /* Every strict prefix needs more. */
  for (gsize n = 0; n < sizeof found; n++)
    {
      g_assert_cmpint (tongban_sam_parse (found, n, &frame, &used, NULL), ==,
                       TONGBAN_SAM_PARSE_NEED_MORE);
      g_assert_cmpuint (used, ==, 0);
    }
}

static void
test_parse_faults (void)
{
  guint8 buf[32];
  g_autoptr(GByteArray) ok = tongban_sam_build_reply (TONGBAN_SAM_SW_OK, (const guint8 *) "ab", 2);
  TongbanSamFrame frame;
  gsize used;

  /* wrong checksum */
  memcpy (buf, ok->data, ok->len);
  buf[ok->len - 1] ^= 1;
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint (tongban_sam_parse (buf, ok->len, &frame, &used, &error), ==,
                     TONGBAN_SAM_PARSE_INVALID);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_cmpuint (used, ==, 5);
  }
  /* impossible lengths: too short and beyond the maximum */
  memcpy (buf, ok->data, ok->len);
  buf[5] = 0x00;
  buf[6] = 0x02;
  g_assert_cmpint (tongban_sam_parse (buf, ok->len, &frame, &used, NULL), ==,
                   TONGBAN_SAM_PARSE_INVALID);
  buf[5] = 0xFF;
  buf[6] = 0xFF;
  g_assert_cmpint (tongban_sam_parse (buf, ok->len, &frame, &used, NULL), ==,
                   TONGBAN_SAM_PARSE_INVALID);
  /* garbage first: skipped up to the preamble, then the frame parses */
  memset (buf, 0x55, 3);
  memcpy (buf + 3, ok->data, ok->len);
  g_assert_cmpint (tongban_sam_parse (buf, ok->len + 3, &frame, &used, NULL), ==,
                   TONGBAN_SAM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 3);
  g_assert_cmpint (tongban_sam_parse (buf + used, ok->len, &frame, &used, NULL), ==,
                   TONGBAN_SAM_PARSE_OK);
  g_assert_cmpmem (frame.body + 3, frame.body_len - 3, "ab", 2);
  /* a partial preamble at the end is kept */
  memcpy (buf, "\x01\xAA\xAA", 3);
  g_assert_cmpint (tongban_sam_parse (buf, 3, &frame, &used, NULL), ==,
                   TONGBAN_SAM_PARSE_INVALID);
  g_assert_cmpuint (used, ==, 1);
}

static TongbanIdentity *
sample (void)
{
  TongbanIdentity *id = g_new0 (TongbanIdentity, 1);
  guint8 photo[TONGBAN_SAM_PHOTO_LEN];

  for (guint i = 0; i < sizeof photo; i++)
    photo[i] = (guint8) i;
  id->card_type = ' ';
  id->fields[TONGBAN_ID_NAME] = g_strdup ("测试名字甲乙丙丁戊己庚辛壬癸子");  /* 15, full width */
  id->fields[TONGBAN_ID_SEX] = g_strdup ("2");
  id->fields[TONGBAN_ID_NATION] = g_strdup ("03");
  id->fields[TONGBAN_ID_BIRTH] = g_strdup ("20000229");
  id->fields[TONGBAN_ID_ADDRESS] = g_strdup ("澳门特别行政区测试大马路100号");
  id->fields[TONGBAN_ID_NUMBER] = g_strdup ("11010519491231002X");
  id->fields[TONGBAN_ID_AUTHORITY] = g_strdup ("测试公安局");
  id->fields[TONGBAN_ID_VALID_FROM] = g_strdup ("20180101");
  id->fields[TONGBAN_ID_VALID_TO] = g_strdup ("长期");
  id->photo = g_bytes_new (photo, sizeof photo);
  return id;
}

static void
test_identity_roundtrip (void)
{
  g_autoptr(TongbanIdentity) in = sample ();
  g_autoptr(GByteArray) payload = tongban_identity_encode (in, FALSE);
  g_autoptr(GByteArray) frame = tongban_sam_build_reply (TONGBAN_SAM_SW_OK, payload->data,
                                                         payload->len);
  g_autoptr(TongbanIdentity) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  /* The whole READ reply is 1295 bytes, as on a real reader. */
  g_assert_cmpuint (frame->len, ==, 1295);
  /* Name is UCS-2LE at offset 4 of the payload: 测 = U+6D4B */
  g_assert_cmpuint (payload->data[4], ==, 0x4B);
  g_assert_cmpuint (payload->data[5], ==, 0x6D);

  out = tongban_identity_decode (payload->data, payload->len, FALSE, &error);
  g_assert_no_error (error);
  for (guint f = 0; f <= TONGBAN_ID_VALID_TO; f++)
    g_assert_cmpstr (out->fields[f], ==, in->fields[f]);
  g_assert_null (out->fields[TONGBAN_ID_PASS_NUMBER]);
  g_assert_true (g_bytes_equal (out->photo, in->photo));
  g_assert_null (out->fingerprint);
  g_assert_true (tongban_id_number_valid (out->fields[TONGBAN_ID_NUMBER]));

  /* The log summary has names and lengths, never values. */
  summary = tongban_identity_describe (out);
  g_assert_nonnull (strstr (summary, "name 15 chars"));
  for (guint f = 0; f <= TONGBAN_ID_VALID_TO; f++)
    if (strlen (out->fields[f]) > 1)
      g_assert_null (strstr (summary, out->fields[f]));
}

static void
test_identity_fingerprint_and_permit (void)
{
  g_autoptr(TongbanIdentity) in = sample ();
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(TongbanIdentity) out = NULL;
  g_autoptr(GError) error = NULL;
  guint8 fp[512];

  memset (fp, 0x42, sizeof fp);
  in->fingerprint = g_bytes_new (fp, sizeof fp);
  in->card_type = 'J';
  in->fields[TONGBAN_ID_PASS_NUMBER] = g_strdup ("H12345678");
  in->fields[TONGBAN_ID_ISSUE_COUNT] = g_strdup ("01");
  payload = tongban_identity_encode (in, TRUE);
  out = tongban_identity_decode (payload->data, payload->len, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->card_type, ==, 'J');
  g_assert_cmpstr (out->fields[TONGBAN_ID_PASS_NUMBER], ==, "H12345678");
  g_assert_cmpstr (out->fields[TONGBAN_ID_ISSUE_COUNT], ==, "01");
  g_assert_true (g_bytes_equal (out->fingerprint, in->fingerprint));
}

static void
test_identity_invalid (void)
{
  g_autoptr(TongbanIdentity) in = sample ();
  g_autoptr(GByteArray) payload = tongban_identity_encode (in, FALSE);
  g_autoptr(GByteArray) copy = g_byte_array_new ();
  TongbanIdentity *out;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;

  /* truncated */
  out = tongban_identity_decode (payload->data, payload->len - 1, FALSE, &e1);
  g_assert_null (out);
  g_assert_error (e1, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* text length bigger than 256 */
  g_byte_array_append (copy, payload->data, payload->len);
  copy->data[0] = 0x01;
  copy->data[1] = 0x01;
  g_assert_null (tongban_identity_decode (copy->data, copy->len, FALSE, &e2));
  g_assert_error (e2, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* an unpaired surrogate in the name */
  copy->data[0] = 0x01;
  copy->data[1] = 0x00;
  copy->data[4] = 0x00;
  copy->data[5] = 0xD8;
  g_assert_null (tongban_identity_decode (copy->data, copy->len, FALSE, &e3));
  g_assert_error (e3, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* trailing bytes */
  g_byte_array_append (payload, (const guint8 *) "x", 1);
  g_assert_null (tongban_identity_decode (payload->data, payload->len, FALSE, &e4));
  g_assert_error (e4, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_identity_unknown_type (void)
{
  g_autoptr(TongbanIdentity) in = sample ();
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(GError) error = NULL;

  in->card_type = 'I';
  payload = tongban_identity_encode (in, FALSE);
  g_assert_null (tongban_identity_decode (payload->data, payload->len, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_id_number (void)
{
  g_assert_true (tongban_id_number_valid ("11010519491231002X"));
  g_assert_false (tongban_id_number_valid ("110105194912310021"));
  g_assert_false (tongban_id_number_valid ("11010519491231002"));
  g_assert_false (tongban_id_number_valid ("1101051949123100XX"));
  g_assert_false (tongban_id_number_valid (NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/sam/build-golden", test_build_golden);
  g_test_add_func ("/drivers/sam/parse-reply", test_parse_reply);
  g_test_add_func ("/drivers/sam/parse-faults", test_parse_faults);
  g_test_add_func ("/drivers/sam/identity-roundtrip", test_identity_roundtrip);
  g_test_add_func ("/drivers/sam/identity-fingerprint-permit",
                   test_identity_fingerprint_and_permit);
  g_test_add_func ("/drivers/sam/identity-invalid", test_identity_invalid);
  g_test_add_func ("/drivers/sam/identity-unknown-type", test_identity_unknown_type);
  g_test_add_func ("/drivers/sam/id-number", test_id_number);

  return g_test_run ();
}

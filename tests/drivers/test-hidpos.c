/* test-hidpos.c: HID POS scanned-data reports, golden bytes and bad reports */

#include "tongban-hidpos.h"

#include <gio/gio.h>
#include <string.h>

/* Feeds every report of one code; returns the last result. */
static TongbanHidposFeed
feed_all (TongbanHidpos *p, GPtrArray *reports, TongbanScan **scan, GError **error)
{
  TongbanHidposFeed r = TONGBAN_HIDPOS_INVALID;

  for (guint i = 0; i < reports->len; i++)
    {
      gsize size;
      const guint8 *report = g_bytes_get_data (g_ptr_array_index (reports, i), &size);

      r = tongban_hidpos_feed (p, report, size, scan, error);
      if (i + 1 < reports->len)
        g_assert_cmpint (r, ==, TONGBAN_HIDPOS_MORE);
    }
  return r;
}

static TongbanScan *
decode (const char *aim, const void *data, gsize length)
{
  g_autoptr(TongbanHidpos) p = tongban_hidpos_new ();
  g_autoptr(GPtrArray) reports = tongban_hidpos_build (aim, data, length);
  g_autoptr(GError) error = NULL;
  TongbanScan *scan = NULL;

  g_assert_cmpint (feed_all (p, reports, &scan, &error), ==, TONGBAN_HIDPOS_DONE);
  g_assert_no_error (error);
  return scan;
}

static void
test_golden (void)
{
  /* "]Q1" "ABC", one report, not continued. */
  guint8 golden[TONGBAN_HIDPOS_REPORT_SIZE] = {
    0x02, 0x03, 0x5D, 0x51, 0x31, 0x41, 0x42, 0x43,
  };
  g_autoptr(GPtrArray) reports = tongban_hidpos_build ("]Q1", (const guint8 *) "ABC", 3);
  g_autoptr(TongbanHidpos) p = tongban_hidpos_new ();
  g_autoptr(TongbanScan) scan = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *built;

  g_assert_cmpuint (reports->len, ==, 1);
  built = g_bytes_get_data (g_ptr_array_index (reports, 0), &size);
  g_assert_cmpmem (built, size, golden, sizeof golden);

  g_assert_cmpint (tongban_hidpos_feed (p, golden, sizeof golden, &scan, &error), ==,
                   TONGBAN_HIDPOS_DONE);
  g_assert_no_error (error);
  g_assert_cmpstr (scan->aim, ==, "]Q1");
  g_assert_cmpstr (scan->symbology, ==, "qr-code");
  g_assert_cmpstr (scan->text, ==, "ABC");
  g_assert_cmpuint (g_bytes_get_size (scan->data), ==, 3);
}

static void
test_continued (void)
{
  g_autoptr(GString) url = g_string_new ("https://gba.example/verify?doc=");
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(TongbanScan) scan = NULL;
  const guint8 *r;

  while (url->len < 150)
    g_string_append (url, "0123456789");
  reports = tongban_hidpos_build ("]Q1", (const guint8 *) url->str, url->len);
  /* 56 + 56 + 38, the last one not continued */
  g_assert_cmpuint (reports->len, ==, 3);
  r = g_bytes_get_data (g_ptr_array_index (reports, 0), NULL);
  g_assert_cmpuint (r[1], ==, 56);
  g_assert_cmpuint (r[63], ==, 1);
  r = g_bytes_get_data (g_ptr_array_index (reports, 2), NULL);
  g_assert_cmpuint (r[1], ==, url->len - 112);
  g_assert_cmpuint (r[63], ==, 0);

  scan = decode ("]Q1", url->str, url->len);
  g_assert_cmpstr (scan->text, ==, url->str);
}

static void
test_chinese (void)
{
  /* 粤港澳大湾区 in GB 18030, then in UTF-8, through ECI designators. */
  static const char gb[] = "\\000032\xd4\xc1\xb8\xdb\xb0\xc4\xb4\xf3\xcd\xe5\xc7\xf8";
  static const char mixed[] = "\\000026粤康码 \\\\ 4401\\000028\xb3\x71\xbf\xec";
  static const char *plain = "粤港澳大湾区 通办";
  g_autoptr(TongbanScan) a = decode ("]Q2", gb, sizeof gb - 1);
  g_autoptr(TongbanScan) b = decode ("]Q2", mixed, sizeof mixed - 1);
  g_autoptr(TongbanScan) c = decode ("]Q1", plain, strlen (plain));
  g_autoptr(TongbanScan) d = decode ("]L1", gb, sizeof gb - 1);

  g_assert_cmpstr (a->text, ==, "粤港澳大湾区");
  /* The bytes are the code's, without the designator. */
  g_assert_cmpmem (g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), gb + 7,
                   sizeof gb - 8);
  /* A doubled backslash is one; Big5 for the Hong Kong part. */
  g_assert_cmpstr (b->text, ==, "粤康码 \\ 4401通辦");
  /* Without ECI, UTF-8 is taken as it is. */
  g_assert_cmpstr (c->text, ==, plain);
  g_assert_cmpstr (d->symbology, ==, "pdf417");
  g_assert_cmpstr (d->text, ==, "粤港澳大湾区");
}

static void
test_binary (void)
{
  static const guint8 bin[] = { 0x00, 0xff, 0x80, 0x5c, 0x41, 0x00, 0x7f };
  static const char eci_bin[] = "\\000899\x01\x02\\\\\xff";
  static const guint8 eci_bytes[] = { 0x01, 0x02, 0x5c, 0xff };
  g_autoptr(TongbanScan) a = decode ("]Q1", bin, sizeof bin);
  g_autoptr(TongbanScan) b = decode ("]Q2", eci_bin, sizeof eci_bin - 1);
  g_autoptr(TongbanScan) c = decode (NULL, "4401", 4);

  g_assert_null (a->text);
  g_assert_cmpmem (g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), bin,
                   sizeof bin);
  g_assert_null (b->text);
  g_assert_cmpmem (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data), eci_bytes,
                   sizeof eci_bytes);
  /* No symbology identifier at all. */
  g_assert_cmpstr (c->aim, ==, "");
  g_assert_cmpstr (c->symbology, ==, "unknown");
  g_assert_cmpstr (c->text, ==, "4401");
}

static void
test_pdf417 (void)
{
  g_autoptr(GString) text = g_string_new ("@\n\x1e\rANSI 636000090002DL00410278ZV03190008DL");
  g_autoptr(TongbanScan) scan = NULL;

  for (guint i = 0; i < 20; i++)
    g_string_append_printf (text, "DAQ%08u\n", i);
  scan = decode ("]L2", text->str, text->len);
  g_assert_cmpstr (scan->symbology, ==, "pdf417");
  g_assert_cmpstr (scan->text, ==, text->str);
}

static void
expect_invalid (TongbanHidpos *p, const guint8 *report, gsize size, const char *why)
{
  g_autoptr(TongbanScan) scan = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tongban_hidpos_feed (p, report, size, &scan, &error), ==,
                   TONGBAN_HIDPOS_INVALID);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, why));
  g_assert_null (scan);
}

static void
test_invalid (void)
{
  g_autoptr(TongbanHidpos) p = tongban_hidpos_new ();
  g_autoptr(GPtrArray) two = tongban_hidpos_build ("]Q1", (const guint8 *) "x", 1);
  g_autoptr(GPtrArray) long_code = NULL;
  g_autoptr(TongbanScan) scan = NULL;
  g_autofree guint8 *big = g_malloc0 (TONGBAN_HIDPOS_MAX_CODE + 1);
  guint8 r[TONGBAN_HIDPOS_REPORT_SIZE];
  const guint8 *good = g_bytes_get_data (g_ptr_array_index (two, 0), NULL);
  const struct { const char *aim; const char *data; const char *why; } bad_eci[] = {
    { "]Q2", "\\12ab", "six digits" },
    { "]Q2", "abc\\", "six digits" },
    { "]Q2", "\\000999x", "unsupported ECI 000999" },
    { "]Q4", "\\000032\x81\x20", "not valid GB18030" },
    { "]L1", "\\000026\xc3\x28", "not valid UTF-8" },
  };

  memcpy (r, good, sizeof r);
  expect_invalid (p, r, sizeof r - 1, "63 bytes");
  r[0] = 0x01;
  expect_invalid (p, r, sizeof r, "ID 1");
  memcpy (r, good, sizeof r);
  r[1] = 57;
  expect_invalid (p, r, sizeof r, "57 data bytes");
  memcpy (r, good, sizeof r);
  r[2] = 'Q';
  expect_invalid (p, r, sizeof r, "AIM");
  memcpy (r, good, sizeof r);
  r[1] = 0;
  expect_invalid (p, r, sizeof r, "empty code");

  /* A continued code whose next part claims another symbology. */
  memcpy (r, good, sizeof r);
  r[63] = 1;
  g_assert_cmpint (tongban_hidpos_feed (p, r, sizeof r, &scan, NULL), ==, TONGBAN_HIDPOS_MORE);
  r[3] = 'L';
  expect_invalid (p, r, sizeof r, "changed its symbology");

  for (guint i = 0; i < G_N_ELEMENTS (bad_eci); i++)
    {
      g_autoptr(GPtrArray) reports = tongban_hidpos_build (bad_eci[i].aim,
                                                           (const guint8 *) bad_eci[i].data,
                                                           strlen (bad_eci[i].data));
      g_autoptr(GError) error = NULL;
      g_autoptr(TongbanScan) none = NULL;

      g_assert_cmpint (feed_all (p, reports, &none, &error), ==, TONGBAN_HIDPOS_INVALID);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, bad_eci[i].why));
    }

  /* Too long: dropped at the report that crosses the limit. */
  memset (big, 'A', TONGBAN_HIDPOS_MAX_CODE + 1);
  long_code = tongban_hidpos_build ("]Q1", big, TONGBAN_HIDPOS_MAX_CODE + 1);
  for (guint i = 0; i < long_code->len; i++)
    {
      const guint8 *part = g_bytes_get_data (g_ptr_array_index (long_code, i), NULL);
      g_autoptr(GError) error = NULL;
      TongbanHidposFeed f = tongban_hidpos_feed (p, part, TONGBAN_HIDPOS_REPORT_SIZE, &scan,
                                                 &error);

      if (i + 1 < long_code->len)
        g_assert_cmpint (f, ==, TONGBAN_HIDPOS_MORE);
      else
        {
          g_assert_cmpint (f, ==, TONGBAN_HIDPOS_INVALID);
          g_assert_nonnull (strstr (error->message, "longer than 8192"));
        }
    }

  /* After all that, a good code still decodes. */
  g_assert_cmpint (tongban_hidpos_feed (p, good, TONGBAN_HIDPOS_REPORT_SIZE, &scan, NULL), ==,
                   TONGBAN_HIDPOS_DONE);
  g_assert_cmpstr (scan->text, ==, "x");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/hidpos/golden", test_golden);
  g_test_add_func ("/drivers/hidpos/continued", test_continued);
  g_test_add_func ("/drivers/hidpos/chinese", test_chinese);
  g_test_add_func ("/drivers/hidpos/binary", test_binary);
  g_test_add_func ("/drivers/hidpos/pdf417", test_pdf417);
  g_test_add_func ("/drivers/hidpos/invalid", test_invalid);

  return g_test_run ();
}

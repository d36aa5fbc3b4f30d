/* test-document.c: certificates rendered to PDF in memory, read back by poppler and zbar
 *
 * Every template renders a sample answer in each of the three languages;
 * poppler extracts the text (title, number and holder in that language's
 * script) and renders the page, on which zbar must find the verification
 * code and read verify_url back. Bad answers end in a clear error; a long
 * table goes on continuation pages. The PDF is wiped in place, and the whole
 * run writes no file under a fresh HOME, XDG directories and TMPDIR.
 */

#include "tongban-document.h"
#include "document-sample.h"
#include "private-home.h"

#include <glib/gstdio.h>
#include <poppler.h>
#include <zbar.h>

/* Debian 12's poppler-glib (22.02) declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)


/* Titles as the catalogues must give them; one per template. */
static const struct {
  const char *template;
  const char *title[TONGBAN_N_LANGUAGES];
} titles[] = {
  { "si-certificate", { "社会保险参保缴费证明", "社會保險參保繳費證明",
                        "Certificate of Social Insurance Contributions" } },
  { "dsaj-record", { "刑事记录证明书", "刑事紀錄證明書", "Certificate of Criminal Record" } },
  { "cr-certificate", { "公司资料证明书", "公司資料證明書", "Certificate of Company Particulars" } },
};

static PopplerDocument *
open_pdf (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

/* The QR codes zbar finds on a page rendered at 150 dpi, joined by "\n". */
static char *
decode_qr (PopplerPage *page)
{
  double w, h, scale = 150.0 / 72;
  cairo_surface_t *surface;
  cairo_t *cr;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  guint8 *gray;
  int width, height, stride;
  const guint8 *argb;
  GString *found = g_string_new (NULL);

  poppler_page_get_size (page, &w, &h);
  width = (int) (w * scale);
  height = (int) (h * scale);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  argb = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  gray = g_malloc ((gsize) width * height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 px = *(const guint32 *) (argb + (gsize) y * stride + (gsize) x * 4);

        gray[(gsize) y * width + x] =
          (guint8) ((((px >> 16) & 0xff) * 30 + ((px >> 8) & 0xff) * 59 + (px & 0xff) * 11) / 100);
      }
  cairo_surface_destroy (surface);

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, gray, (gsize) width * height, zbar_image_free_data);
  zbar_scan_image (scanner, image);
  for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s; s = zbar_symbol_next (s))
    g_string_append_printf (found, "%s%s", found->len ? "\n" : "", zbar_symbol_get_data (s));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return g_string_free (found, FALSE);
}

static char *
page_text (PopplerDocument *doc,
           int              index)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (doc, index);

  return poppler_page_get_text (page);
}

static void
check_rendering (TongbanLanguage language)
{
  for (guint t = 0; t < G_N_ELEMENTS (document_templates); t++)
    {
      g_autoptr(JsonObject) answer = document_sample (document_templates[t], 3);
      g_autoptr(GError) error = NULL;
      g_autoptr(TongbanDocument) document = tongban_document_new (answer, language, &error);
      g_autoptr(GBytes) pdf = NULL;
      g_autoptr(PopplerDocument) doc = NULL;
      g_autoptr(PopplerPage) page = NULL;
      g_autofree char *text = NULL;
      g_autofree char *qr = NULL;
      g_autofree char *url = NULL;
      const char *title;
      double w, h;

      g_test_message ("%s in %s", document_templates[t], tongban_language_to_code (language));
      g_assert_no_error (error);
      g_assert_nonnull (document);
      g_assert_cmpuint (tongban_document_get_n_pages (document), ==, 1);
      pdf = tongban_document_render_pdf (document, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (g_bytes_get_data (pdf, NULL), "%PDF-"));

      doc = open_pdf (pdf);
      g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
      page = poppler_document_get_page (doc, 0);
      poppler_page_get_size (page, &w, &h);
      /* A4: 210 x 297 mm in points. */
      g_assert_cmpfloat_with_epsilon (w, 210 / 25.4 * 72, 0.5);
      g_assert_cmpfloat_with_epsilon (h, 297 / 25.4 * 72, 0.5);

      text = poppler_page_get_text (page);
      title = tongban_document_get_title (document);
      g_assert_nonnull (strstr (text, title));
      g_assert_nonnull (strstr (text, tongban_document_get_number (document)));
      g_assert_nonnull (strstr (text, document_names[language]));
      for (guint other = 0; other < TONGBAN_N_LANGUAGES; other++)
        if (other != language)
          g_assert_null (strstr (text, document_names[other]));
      /* The catalogues translate every title. */
      if (language != TONGBAN_LANGUAGE_EN)
        g_assert_false (g_str_is_ascii (title));
      for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
        if (g_str_equal (titles[i].template, document_templates[t]))
          g_assert_cmpstr (title, ==, titles[i].title[language]);

      /* The code and the printed address are both verify_url. */
      qr = decode_qr (page);
      url = g_strdup_printf ("http://127.0.0.1:8650/verify/T-%s-000123", document_templates[t]);
      g_assert_cmpstr (qr, ==, url);
      g_assert_nonnull (strstr (text, url));
    }
}

static void
test_zh_cn (void)
{
  check_rendering (TONGBAN_LANGUAGE_ZH_CN);
}

static void
test_zh_hk (void)
{
  check_rendering (TONGBAN_LANGUAGE_ZH_HK);
}

static void
test_en (void)
{
  check_rendering (TONGBAN_LANGUAGE_EN);
}

/* ID numbers: masked on statements for the holder's own use, whole on
 * certificates that another office must read. */
static void
test_holder_masking (void)
{
  g_autoptr(JsonObject) cert = document_sample ("si-certificate", 1);
  g_autoptr(JsonObject) statement = document_sample ("water-statement", 1);
  g_autoptr(TongbanDocument) a = tongban_document_new (cert, TONGBAN_LANGUAGE_EN, NULL);
  g_autoptr(TongbanDocument) b = tongban_document_new (statement, TONGBAN_LANGUAGE_EN, NULL);
  g_autoptr(GBytes) pdf_a = tongban_document_render_pdf (a, NULL);
  g_autoptr(GBytes) pdf_b = tongban_document_render_pdf (b, NULL);
  g_autoptr(PopplerDocument) doc_a = open_pdf (pdf_a);
  g_autoptr(PopplerDocument) doc_b = open_pdf (pdf_b);
  g_autofree char *text_a = page_text (doc_a, 0);
  g_autofree char *text_b = page_text (doc_b, 0);

  g_assert_nonnull (strstr (text_a, "440106199001011234"));
  g_assert_null (strstr (text_b, "440106199001011234"));
  g_assert_nonnull (strstr (text_b, "4401**********1234"));
}

static void
expect_error (JsonObject *answer,
              int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanDocument) document = tongban_document_new (answer, TONGBAN_LANGUAGE_ZH_CN,
                                                              &error);

  g_assert_null (document);
  g_assert_error (error, TONGBAN_DOCUMENT_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
test_bad_answers (void)
{
  g_autoptr(JsonObject) unknown = document_sample ("no-such-certificate", 1);
  g_autoptr(JsonObject) no_holder = document_sample ("si-certificate", 1);
  g_autoptr(JsonObject) no_number = document_sample ("si-certificate", 1);
  g_autoptr(JsonObject) bad_date = document_sample ("si-certificate", 1);
  g_autoptr(JsonObject) bad_cell = document_sample ("si-certificate", 1);
  g_autoptr(JsonObject) huge = document_sample ("si-rights", 401);
  g_autoptr(JsonObject) nothing = document_sample ("si-certificate", 1);
  JsonObject *fields;
  JsonArray *row;

  expect_error (unknown, TONGBAN_DOCUMENT_ERROR_UNKNOWN_TEMPLATE);

  fields = json_object_get_object_member (no_holder, "fields");
  json_object_remove_member (fields, "holder");
  expect_error (no_holder, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);

  json_object_remove_member (no_number, "number");
  expect_error (no_number, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);

  json_object_set_string_member (bad_date, "issued", "27/11/2026");
  expect_error (bad_date, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);

  fields = json_object_get_object_member (bad_cell, "fields");
  row = json_array_get_array_element (
          json_object_get_array_member (json_object_get_object_member (fields, "table"), "rows"),
          0);
  json_array_remove_element (row, 2);
  json_array_add_int_element (row, 42);
  expect_error (bad_cell, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);

  expect_error (huge, TONGBAN_DOCUMENT_ERROR_TOO_LARGE);

  fields = json_object_get_object_member (nothing, "fields");
  json_object_remove_member (fields, "rows");
  json_object_remove_member (fields, "table");
  json_object_remove_member (fields, "statement");
  expect_error (nothing, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);
}

/* A table longer than a page continues on the next, heading repeated, every
 * page numbered and carrying the verification code. */
static void
test_continuation (void)
{
  g_autoptr(JsonObject) answer = document_sample ("si-rights", 120);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanDocument) document = tongban_document_new (answer, TONGBAN_LANGUAGE_ZH_HK,
                                                              &error);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  guint n;

  g_assert_no_error (error);
  n = tongban_document_get_n_pages (document);
  g_assert_cmpuint (n, >=, 3);
  pdf = tongban_document_render_pdf (document, &error);
  g_assert_no_error (error);
  doc = open_pdf (pdf);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, (int) n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (doc, (int) i);
      g_autofree char *text = poppler_page_get_text (page);
      g_autofree char *number = g_strdup_printf ("第 %u 頁，共 %u 頁", i + 1, n);
      g_autofree char *qr = decode_qr (page);

      g_assert_nonnull (strstr (text, number));
      g_assert_nonnull (strstr (text, "Month"));
      g_assert_cmpstr (qr, ==, "http://127.0.0.1:8650/verify/T-si-rights-000123");
      if (i > 0)
        g_assert_nonnull (strstr (text, "（續）"));
    }
  /* Every month made it, once: the first and the last. */
  {
    g_autofree char *first = page_text (doc, 0);
    g_autofree char *last = page_text (doc, (int) n - 1);

    g_assert_nonnull (strstr (first, "2026-12"));
    g_assert_nonnull (strstr (last, "2017-01"));
  }
}

static void
test_preview_image (void)
{
  g_autoptr(JsonObject) answer = document_sample ("hpf-certificate", 2);
  g_autoptr(TongbanDocument) document = tongban_document_new (answer, TONGBAN_LANGUAGE_ZH_CN,
                                                              NULL);
  cairo_surface_t *image = tongban_document_render_page (document, 1, 4.0);
  const guint8 *data;
  gsize dark = 0;

  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 840);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 1188);
  cairo_surface_flush (image);
  data = cairo_image_surface_get_data (image);
  for (int y = 0; y < 1188; y++)
    for (int x = 0; x < 840; x++)
      if ((data[(gsize) y * cairo_image_surface_get_stride (image) + (gsize) x * 4] & 0xff) < 64)
        dark++;
  /* Text, table and code, on white. */
  g_assert_cmpuint (dark, >, 840 * 1188 / 100);
  g_assert_cmpuint (dark, <, 840 * 1188 / 4);
  cairo_surface_destroy (image);
}

static gboolean
all_zero (const guint8 *bytes,
          gsize         size)
{
  for (gsize i = 0; i < size; i++)
    if (bytes[i] != 0)
      return FALSE;
  return TRUE;
}

/* The PDF is overwritten where it lies, even while a print job holds it. */
static void
test_wipe (void)
{
  g_autoptr(JsonObject) answer = document_sample ("dsaj-record", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanDocument) document = tongban_document_new (answer, TONGBAN_LANGUAGE_EN, NULL);
  g_autoptr(GBytes) held = tongban_document_render_pdf (document, NULL);
  g_autoptr(GBytes) again = NULL;
  const guint8 *buffer;
  gsize size;

  buffer = tongban_document_peek_pdf (document, &size);
  g_assert_nonnull (buffer);
  g_assert_false (all_zero (buffer, size));
  g_assert_true (g_bytes_get_data (held, NULL) == (gconstpointer) buffer);

  tongban_document_wipe (document);
  buffer = tongban_document_peek_pdf (document, &size);
  g_assert_true (all_zero (buffer, size));
  g_assert_true (all_zero (g_bytes_get_data (held, NULL), g_bytes_get_size (held)));
  g_assert_null (tongban_document_get_number (document));

  again = tongban_document_render_pdf (document, &error);
  g_assert_null (again);
  g_assert_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_RENDER);
}

static char *private_root;

/* Run last: everything above rendered and nothing landed in the fresh home. */
static void
test_nothing_on_disk (void)
{
  g_autoptr(JsonObject) answer = document_sample ("dsi-kinship", 30);
  g_autoptr(TongbanDocument) document = tongban_document_new (answer, TONGBAN_LANGUAGE_ZH_HK,
                                                              NULL);
  g_autoptr(GBytes) pdf = tongban_document_render_pdf (document, NULL);
  cairo_surface_t *image = tongban_document_render_page (document, 1, 3.0);

  g_assert_nonnull (pdf);
  cairo_surface_destroy (image);
  g_assert_cmpuint (private_home_count_files (private_root), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TONGBAN_LOCALEDIR");
  int status;

  /* Before fontconfig, GLib or anything else looks at them. */
  private_root = private_home_new ("tongban-document-XXXXXX");

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (localedir);
  tongban_i18n_init (localedir);
  g_test_add_func ("/kiosk/document/zh-cn", test_zh_cn);
  g_test_add_func ("/kiosk/document/zh-hk", test_zh_hk);
  g_test_add_func ("/kiosk/document/en", test_en);
  g_test_add_func ("/kiosk/document/holder-masking", test_holder_masking);
  g_test_add_func ("/kiosk/document/bad-answers", test_bad_answers);
  g_test_add_func ("/kiosk/document/continuation", test_continuation);
  g_test_add_func ("/kiosk/document/preview-image", test_preview_image);
  g_test_add_func ("/kiosk/document/wipe", test_wipe);
  g_test_add_func ("/kiosk/document/nothing-on-disk", test_nothing_on_disk);
  status = g_test_run ();
  private_home_free (private_root);
  return status;
}

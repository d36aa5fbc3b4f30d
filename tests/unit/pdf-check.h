/* pdf-check.h: reading a rendered PDF back as a person or a phone would
 *
 * poppler gives each page's text; a page rendered at 150 dpi is scanned by zbar for
 * its QR codes. Shared by the document tests and the end-to-end service tests.
 */
#pragma once

#include <cairo.h>
#include <poppler.h>
#include <zbar.h>

/* Debian 12's poppler-glib (22.02) declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

static inline PopplerDocument *
open_pdf (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

/* The QR codes zbar finds on a page rendered at 150 dpi, joined by "\n". */
static inline char *
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

static inline char *
page_text (PopplerDocument *doc,
           int              index)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (doc, index);

  return poppler_page_get_text (page);
}


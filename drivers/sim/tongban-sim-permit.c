/* tongban-sim-permit.c: drawing a permit on the document camera's glass */

#include "tongban-sim-permit.h"

#include <pango/pangocairo.h>

#define W TONGBAN_SIM_PERMIT_WIDTH
#define H TONGBAN_SIM_PERMIT_HEIGHT
#define CARD_W 1100
#define CARD_H 694

const char *const tongban_sim_permit_mrz[3] = {
  "CSCHNC123456788<<<<<<<<<<<<<<<",
  "9001011M3001019CHN<<<<<<<<<<<0",
  "ZHANG<<SAN<<<<<<<<<<<<<<<<<<<<",
};

/* width > 0: the size that makes the text that wide (an MRZ line spans the card). */
static void
text_at (cairo_t *cr, const char *family, double px, double x, double y, const char *text,
         double width)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (family);
  PangoLayout *layout = pango_cairo_create_layout (cr);

  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  if (width > 0)
    {
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      pango_font_description_set_absolute_size (font, px * width / w * PANGO_SCALE);
      pango_layout_set_font_description (layout, font);
    }
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* Box blur of a rectangle, radius r, in place: a thumb across wet ink. */
static void
smudge (guint8 *rgb, guint x0, guint y0, guint w, guint h, guint r)
{
  g_autofree guint8 *copy = g_memdup2 (rgb, (gsize) W * H * 3);

  for (guint y = y0; y < y0 + h; y++)
    for (guint x = x0; x < x0 + w; x++)
      for (guint c = 0; c < 3; c++)
        {
          guint sum = 0, n = 0;

          for (guint yy = y - r; yy <= y + r; yy++)
            for (guint xx = x - r; xx <= x + r; xx++)
              {
                sum += copy[((gsize) yy * W + xx) * 3 + c];
                n++;
              }
          rgb[((gsize) y * W + x) * 3 + c] = (guint8) (sum / n);
        }
}

TongbanFrameImage *
tongban_sim_permit_picture (const char       *mrz_font,
                            TongbanSimPermit  kind)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  double x0 = (W - CARD_W) / 2.0, y0 = (H - CARD_H) / 2.0;
  guint8 *rgb = g_malloc ((gsize) W * H * 3);
  const guint8 *data;
  int stride;

  /* The glass with nothing on it, then the card. */
  cairo_set_source_rgb (cr, 0.22, 0.22, 0.24);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.93, 0.94, 0.90);
  cairo_rectangle (cr, x0, y0, CARD_W, CARD_H);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.15);
  text_at (cr, "DejaVu Sans Bold", 44, x0 + 60, y0 + 40, "EXIT-ENTRY PERMIT", 0);
  text_at (cr, "DejaVu Sans", 32, x0 + 60, y0 + 130, "Name ZHANG SAN   Born 1990.01.01", 0);
  if (kind != TONGBAN_SIM_PERMIT_BLANK)
    for (guint i = 0; i < G_N_ELEMENTS (tongban_sim_permit_mrz); i++)
      text_at (cr, mrz_font, 52, x0 + 50, y0 + CARD_H - 240 + i * 72, tongban_sim_permit_mrz[i],
               CARD_W - 100);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      {
        guint32 px = *(const guint32 *) (data + (gsize) y * stride + x * 4);
        guint8 *p = rgb + ((gsize) y * W + x) * 3;

        p[0] = (px >> 16) & 0xff;
        p[1] = (px >> 8) & 0xff;
        p[2] = px & 0xff;
      }
  cairo_surface_destroy (surface);
  if (kind == TONGBAN_SIM_PERMIT_SMUDGED)
    smudge (rgb, (guint) x0 + 20, (guint) y0 + CARD_H - 250, CARD_W - 40, 230, 9);
  return tongban_frame_image_new_take (W, H, rgb);
}


/* test-document.c: the document camera reads a permit's machine-readable zone
 *
 * A picture of a permit lying on the camera's glass is drawn here: an ID-1
 * card (85.6 x 54 mm) on a dark surface, a title and a name printed on it,
 * and at its foot the three TD1 lines of an Exit-Entry Permit (code CS)
 * whose check digits were computed by hand, in DejaVu Sans Mono or in OCR-B
 * (fonts-dejavu-core, fonts-ocr-b). The simulator serves it as a network
 * document camera does, the driver takes the still at document resolution,
 * tesseract reads it and the MRZ codec verifies every check digit. A blank
 * card and a smudged zone must end in "could not read", never in fields.
 */

#include "camera-test.h"
#include "driver-test.h"

#include <pango/pangocairo.h>

#define W 1600
#define H 1000
#define CARD_W 1100
#define CARD_H 694

static const char *const mrz_lines[] = {
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

typedef enum { ZONE, BLANK, SMUDGED } Kind;

static TongbanFrameImage *
permit (const char *mrz_font, Kind kind)
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
  if (kind != BLANK)
    for (guint i = 0; i < G_N_ELEMENTS (mrz_lines); i++)
      text_at (cr, mrz_font, 52, x0 + 50, y0 + CARD_H - 240 + i * 72, mrz_lines[i],
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
  if (kind == SMUDGED)
    smudge (rgb, (guint) x0 + 20, (guint) y0 + CARD_H - 250, CARD_W - 40, 230, 9);
  return tongban_frame_image_new_take (W, H, rgb);
}

typedef struct
{
  guint       done;
  TongbanMrz *mrz;
  GError     *error;
} Wait;

static void
on_mrz (GObject *source, GAsyncResult *res, gpointer data)
{
  Wait *w = data;

  w->mrz = tongban_camera_read_mrz_finish (TONGBAN_CAMERA (source), res, &w->error);
  w->done++;
}

static gboolean
is_done (gpointer data)
{
  return ((Wait *) data)->done > 0;
}

/* Serves the picture, reads it through the driver at document resolution. */
static void
read_permit (const TongbanFrameImage *picture, const char *path, Wait *w)
{
  g_autoptr(TongbanSim) sim = camera_test_sim_showing (picture, 320, 200);
  g_autofree char *url = NULL;
  TongbanCamera *camera;
  gint64 start;

  url = tongban_sim_camera_dup_url (sim, path);
  camera = tongban_camera_new ("document", url, W, H);
  start = g_get_monotonic_time ();
  tongban_camera_read_mrz_async (camera, 30000, NULL, on_mrz, w);
  g_assert_true (tongban_device_wait_until (NULL, 60000, is_done, w));
  /* A figure for the log, not a limit. */
  g_test_message ("capture and OCR at %ux%u: %.0f ms", W, H,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (tongban_sim_camera_get_frames_sent (sim), >=, 1);
  tongban_device_stop (TONGBAN_DEVICE (camera));
  driver_test_drain (300);
  g_assert_finalize_object (camera);
}

static void
wait_clear (Wait *w)
{
  g_clear_pointer (&w->mrz, tongban_mrz_free);
  g_clear_error (&w->error);
  w->done = 0;
}

static void
assert_permit (const TongbanMrz *mrz)
{
  g_assert_nonnull (mrz);
  g_assert_cmpstr (mrz->document_code, ==, "CS");
  g_assert_cmpstr (mrz->issuing_state, ==, "CHN");
  g_assert_cmpstr (mrz->document_number, ==, "C12345678");
  g_assert_cmpstr (mrz->birth, ==, "900101");
  g_assert_cmpstr (mrz->sex, ==, "M");
  g_assert_cmpstr (mrz->expiry, ==, "300101");
  g_assert_cmpstr (mrz->nationality, ==, "CHN");
  g_assert_cmpstr (mrz->surname, ==, "ZHANG");
}

static void
test_dejavu_snapshot (void)
{
  g_autoptr(TongbanFrameImage) picture = permit ("DejaVu Sans Mono", ZONE);
  Wait w = { 0 };

  /* The camera's still picture, one JPEG at 1600 x 1000. */
  read_permit (picture, "/snapshot.jpg", &w);
  g_assert_no_error (w.error);
  assert_permit (w.mrz);
  g_assert_cmpstr (w.mrz->given_names, ==, "SAN");
  wait_clear (&w);
}

static void
test_ocrb_stream (void)
{
  g_autoptr(TongbanFrameImage) picture = permit ("OCR B", ZONE);
  Wait w = { 0 };

  /* The MRZ font itself, from the MJPEG stream. tesseract's English model
   * reads some OCR-B fillers as 'K'; the name line has no check digit, so
   * only the fields that have one are held to the letter here. */
  read_permit (picture, NULL, &w);
  g_assert_no_error (w.error);
  assert_permit (w.mrz);
  g_assert_true (g_str_has_prefix (w.mrz->given_names, "SAN"));
  wait_clear (&w);
}

static void
test_unreadable (void)
{
  Kind kinds[] = { BLANK, SMUDGED };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(TongbanFrameImage) picture = permit ("DejaVu Sans Mono", kinds[i]);
      Wait w = { 0 };

      read_permit (picture, "/snapshot.jpg", &w);
      g_assert_null (w.mrz);
      g_assert_error (w.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
      g_assert_nonnull (strstr (w.error->message, "could not read"));
      wait_clear (&w);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/document/dejavu-snapshot", test_dejavu_snapshot);
  g_test_add_func ("/drivers/document/ocrb-stream", test_ocrb_stream);
  g_test_add_func ("/drivers/document/unreadable", test_unreadable);

  return g_test_run ();
}

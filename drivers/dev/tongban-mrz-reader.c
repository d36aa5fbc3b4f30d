/* tongban-mrz-reader.c: OCR of the MRZ with libtesseract */

#include "tongban-mrz-reader.h"
#include "tongban-device.h"
#include "tongban-mrz-ocr.h"

#include <tesseract/capi.h>

#define MRZ_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

static guint8 *
to_grey (const TongbanFrameImage *image)
{
  const guint8 *rgb = g_bytes_get_data (image->rgb, NULL);
  gsize n = (gsize) image->width * image->height;
  guint8 *grey = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    grey[i] = (guint8) ((299 * rgb[3 * i] + 587 * rgb[3 * i + 1] + 114 * rgb[3 * i + 2]) / 1000);
  return grey;
}

/* The text of the picture, or NULL if tesseract cannot start. */
static char *
recognise (const TongbanFrameImage  *image,
           TessPageSegMode           mode,
           GError                  **error)
{
  TessBaseAPI *api = TessBaseAPICreate ();
  g_autofree guint8 *grey = NULL;
  char *text, *copy;

  if (TessBaseAPIInit3 (api, NULL, "eng") != 0)
    {
      TessBaseAPIDelete (api);
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                           "OCR is not installed (tesseract-ocr-eng)");
      return NULL;
    }
  TessBaseAPISetVariable (api, "tessedit_char_whitelist", MRZ_ALPHABET);
  /* A document camera's picture has no resolution tag; an ID-1 card over
   * most of a 1600-pixel frame is about 300 dpi. */
  TessBaseAPISetVariable (api, "user_defined_dpi", "300");
  TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  TessBaseAPISetPageSegMode (api, mode);
  grey = to_grey (image);
  TessBaseAPISetImage (api, grey, (int) image->width, (int) image->height, 1, (int) image->width);
  text = TessBaseAPIGetUTF8Text (api);
  copy = g_strdup (text ? text : "");
  TessDeleteText (text);
  TessBaseAPIEnd (api);
  TessBaseAPIDelete (api);
  return copy;
}

TongbanMrz *
tongban_mrz_read_image (const TongbanFrameImage  *image,
                        GError                  **error)
{
  /* The whole page first (the card's other print is laid out apart), then
   * as one block, which keeps short filler-only lines together. */
  const TessPageSegMode modes[] = { PSM_AUTO, PSM_SINGLE_BLOCK };
  g_autoptr(GError) last = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *text = recognise (image, modes[i], error);
      g_autoptr(GError) local = NULL;
      TongbanMrz *mrz;

      if (text == NULL)
        return NULL;
      mrz = tongban_mrz_find_td1 (text, &local);
      if (mrz != NULL)
        return mrz;
      if (last == NULL || g_error_matches (local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        {
          g_clear_error (&last);
          last = g_steal_pointer (&local);
        }
    }
  g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR,
                       g_error_matches (last, G_IO_ERROR, G_IO_ERROR_INVALID_DATA)
                       ? "could not read the machine-readable zone: "
                         "a check digit does not verify"
                       : "could not read the machine-readable zone");
  return NULL;
}

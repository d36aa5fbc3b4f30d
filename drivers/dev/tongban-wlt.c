/* tongban-wlt.c: dlopen()ing the vendor's WLT decoder and calling it
 *
 * The library is the vendor's, so nothing it hands back is trusted: the
 * input it reads is padded, the output buffer has room to spare, and a
 * result other than 1 is a failed decode. Errors are TONGBAN_DEVICE_ERROR:
 * a library or entry point that is not there is unsupported-command (the
 * kiosk reads the card without its photo), a photo it will not decode is
 * invalid-data.
 */

#include "tongban-wlt.h"
#include "tongban-device.h"

#include <dlfcn.h>
#include <string.h>

#define BGR_SIZE   (TONGBAN_WLT_WIDTH * TONGBAN_WLT_HEIGHT * 3)
#define SLACK      (16 * 1024)

typedef int (*WltUnpack) (char *wlt, char *bgr, int code);

struct _TongbanWlt
{
  void      *handle;
  WltUnpack  unpack;
  int        code;
};

TongbanWlt *
tongban_wlt_open (const char  *library,
                  const char  *symbol,
                  int          code,
                  GError     **error)
{
  g_autoptr(TongbanWlt) wlt = g_new0 (TongbanWlt, 1);

  g_return_val_if_fail (library != NULL, NULL);

  if (symbol == NULL)
    symbol = "unpack";
  if (!g_path_is_absolute (library))
    {
      /* No search path: the kiosk loads the file it was told, nothing else. */
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                   "photo decoder %s: not an absolute path", library);
      return NULL;
    }
  wlt->handle = dlopen (library, RTLD_NOW | RTLD_LOCAL);
  if (wlt->handle == NULL)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                   "photo decoder cannot be loaded: %s", dlerror ());
      return NULL;
    }
  dlerror ();
  wlt->unpack = (WltUnpack) dlsym (wlt->handle, symbol);
  if (wlt->unpack == NULL)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                   "photo decoder %s has no entry point %s", library, symbol);
      return NULL;
    }
  wlt->code = code;
  return g_steal_pointer (&wlt);
}

void
tongban_wlt_free (TongbanWlt *wlt)
{
  if (wlt == NULL)
    return;
  if (wlt->handle != NULL)
    dlclose (wlt->handle);
  g_free (wlt);
}

GBytes *
tongban_wlt_decode (TongbanWlt  *wlt,
                    GBytes      *photo,
                    GError     **error)
{
  g_autofree guint8 *in = NULL;
  g_autofree guint8 *out = NULL;
  guint8 *rgb;
  gsize size = 0;
  const guint8 *data;
  int r;

  g_return_val_if_fail (wlt != NULL, NULL);

  data = photo != NULL ? g_bytes_get_data (photo, &size) : NULL;
  if (size != TONGBAN_WLT_SIZE)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                   "photo of %" G_GSIZE_FORMAT " bytes, not %d", size, TONGBAN_WLT_SIZE);
      return NULL;
    }
  in = g_malloc0 (TONGBAN_WLT_SIZE + SLACK);
  memcpy (in, data, TONGBAN_WLT_SIZE);
  out = g_malloc0 (BGR_SIZE + SLACK);
  r = wlt->unpack ((char *) in, (char *) out, wlt->code);
  explicit_bzero (in, TONGBAN_WLT_SIZE);
  if (r != 1)
    {
      explicit_bzero (out, BGR_SIZE + SLACK);
      if (r == 0)
        g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                             "photo decoder refused its licence code");
      else
        g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                     "photo decoder failed (%d)", r);
      return NULL;
    }
  rgb = g_malloc (BGR_SIZE);
  for (gsize i = 0; i < BGR_SIZE; i += 3)
    {
      rgb[i] = out[i + 2];
      rgb[i + 1] = out[i + 1];
      rgb[i + 2] = out[i];
    }
  explicit_bzero (out, BGR_SIZE + SLACK);
  return g_bytes_new_take (rgb, BGR_SIZE);
}

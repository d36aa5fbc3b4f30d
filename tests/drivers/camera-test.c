/* camera-test.c: shared helpers of the camera tests and the liveness benchmark */

#include "camera-test.h"

/* A picture of CAMERA_TEST_PICTURES scaled to width x height. The package
 * is in tools/debian-packages.txt: missing is an error, not a skip. */
TongbanFrameImage *
camera_test_picture (const char  *name,
                     guint        width,
                     guint        height,
                     GError     **error)
{
  g_autofree char *path = g_build_filename (CAMERA_TEST_PICTURES, name, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not installed", path);
      return NULL;
    }
  return tongban_frame_image_load (path, width, height, error);
}

/* A started simulator of a width x height camera streaming image. */
TongbanSim *
camera_test_sim_showing (const TongbanFrameImage *image,
                         guint                    width,
                         guint                    height)
{
  g_autoptr(GError) error = NULL;
  TongbanSim *sim = tongban_sim_camera_new (0, width, height, &error);

  g_assert_no_error (error);
  g_assert_true (tongban_sim_camera_show (sim, image, &error));
  g_assert_no_error (error);
  tongban_sim_start (sim);
  return sim;
}

typedef struct
{
  guint             done;
  TongbanFramePair *pair;
  GError           *error;
} PairWait;

static void
on_pair (GObject *source, GAsyncResult *res, gpointer data)
{
  PairWait *w = data;

  w->pair = tongban_camera_capture_pair_finish (TONGBAN_CAMERA (source), res, &w->error);
  w->done++;
}

static gboolean
pair_done (gpointer data)
{
  return ((PairWait *) data)->done > 0;
}

/* One pair through the driver; its completion must come within 10 s of
 * the request's own timeout. */
TongbanFramePair *
camera_test_capture_pair (TongbanCamera  *camera,
                          guint           timeout_ms,
                          GError        **error)
{
  PairWait w = { 0 };

  tongban_camera_capture_pair_async (camera, timeout_ms, NULL, on_pair, &w);
  g_assert_true (tongban_device_wait_until (NULL, timeout_ms + 10000, pair_done, &w));
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.pair;
}

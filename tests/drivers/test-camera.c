/* test-camera.c: the camera driver on GStreamer's videotestsrc, and a camera that is not there */

#include "tongban-camera.h"

typedef struct
{
  guint              done;
  TongbanFrameImage *image;
  GError            *error;
} Capture;

static void
on_capture (GObject *source, GAsyncResult *result, gpointer data)
{
  Capture *c = data;

  g_clear_pointer (&c->image, tongban_frame_image_free);
  g_clear_error (&c->error);
  c->image = tongban_camera_capture_finish (TONGBAN_CAMERA (source), result, &c->error);
  c->done++;
}

static gboolean
captured (gpointer data)
{
  gpointer *args = data;
  return ((Capture *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
capture (TongbanCamera *camera, Capture *c)
{
  gpointer args[2] = { c, GUINT_TO_POINTER (c->done + 1) };

  tongban_camera_capture_async (camera, 10000, NULL, on_capture, c);
  g_assert_true (tongban_device_wait_until (NULL, 20000, captured, args));
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
finish (TongbanCamera *camera, Capture *c)
{
  tongban_device_stop (TONGBAN_DEVICE (camera));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (camera);
  g_clear_pointer (&c->image, tongban_frame_image_free);
  g_clear_error (&c->error);
}

static void
test_capture (void)
{
  /* Solid green (ARGB 0xff00c000), at an odd width so row padding matters. */
  TongbanCamera *camera = tongban_camera_new ("camera",
                                              "videotestsrc pattern=solid-color "
                                              "foreground-color=0xff00c000", 33, 20);
  Capture c = { 0 };
  const guint8 *rgb;
  gsize size;

  capture (camera, &c);
  g_assert_no_error (c.error);
  g_assert_cmpuint (c.image->width, ==, 33);
  g_assert_cmpuint (c.image->height, ==, 20);
  rgb = g_bytes_get_data (c.image->rgb, &size);
  g_assert_cmpuint (size, ==, 33 * 20 * 3);
  for (gsize i = 0; i < size; i += 3)
    {
      g_assert_cmpint (rgb[i], <=, 2);
      g_assert_cmpint (ABS ((int) rgb[i + 1] - 0xc0), <=, 2);
      g_assert_cmpint (rgb[i + 2], <=, 2);
    }
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);
  finish (camera, &c);
}

static void
test_missing (void)
{
  const char *sources[] = { "v4l2src device=/nonexistent/video9", "no-such-element",
                            "videotestsrc ! ! !" };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      TongbanCamera *camera = tongban_camera_new ("camera", sources[i], 64, 48);
      Capture c = { 0 };

      capture (camera, &c);
      g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
      g_assert_null (c.image);
      g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                       TONGBAN_DEVICE_STATE_NO_DEVICE);
      finish (camera, &c);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/camera/capture", test_capture);
  g_test_add_func ("/drivers/camera/missing", test_missing);

  return g_test_run ();
}

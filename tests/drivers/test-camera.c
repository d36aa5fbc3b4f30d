/* test-camera.c: the camera driver on GStreamer's videotestsrc, on the MJPEG network camera
 * simulator (capture, unplug mid-capture and replug, garbage, black, a camera that stops
 * sending), and a camera that is not there */

#include "tongban-camera.h"
#include "tongban-sim-camera.h"

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
capture_within (TongbanCamera *camera, Capture *c, guint timeout_ms)
{
  gpointer args[2] = { c, GUINT_TO_POINTER (c->done + 1) };

  tongban_camera_capture_async (camera, timeout_ms, NULL, on_capture, c);
  g_assert_true (tongban_device_wait_until (NULL, timeout_ms + 10000, captured, args));
}

static void
capture (TongbanCamera *camera, Capture *c)
{
  capture_within (camera, c, 10000);
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

/* The network camera */

static TongbanSim *
start_sim (const char *scenario)
{
  g_autoptr(GError) error = NULL;
  TongbanSim *sim = tongban_sim_camera_new (0, 320, 240, &error);

  g_assert_no_error (error);
  g_assert_true (tongban_sim_set_scenario (sim, scenario, &error));
  g_assert_no_error (error);
  tongban_sim_start (sim);
  return sim;
}

static TongbanCamera *
network_camera (TongbanSim *sim)
{
  g_autofree char *url = tongban_sim_camera_dup_url (sim, NULL);
  TongbanCamera *camera = tongban_camera_new ("face", url, 160, 120);

  tongban_device_start (TONGBAN_DEVICE (camera));
  return camera;
}

static TongbanFrameImage *
solid (guint width, guint height, guint8 r, guint8 g, guint8 b)
{
  guint8 *rgb = g_malloc ((gsize) width * height * 3);

  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      rgb[3 * i] = r;
      rgb[3 * i + 1] = g;
      rgb[3 * i + 2] = b;
    }
  return tongban_frame_image_new_take (width, height, rgb);
}

static void
assert_colour (const TongbanFrameImage *image, guint8 r, guint8 g, guint8 b)
{
  gsize size;
  const guint8 *rgb = g_bytes_get_data (image->rgb, &size);

  /* JPEG and the colour conversions round; a few levels, nothing more. */
  for (gsize i = 0; i < size; i += 3)
    {
      g_assert_cmpint (ABS ((int) rgb[i] - r), <=, 6);
      g_assert_cmpint (ABS ((int) rgb[i + 1] - g), <=, 6);
      g_assert_cmpint (ABS ((int) rgb[i + 2] - b), <=, 6);
    }
}

static gboolean
state_is (gpointer data)
{
  gpointer *args = data;

  return tongban_device_get_state (args[0]) == (TongbanDeviceState) GPOINTER_TO_INT (args[1]);
}

static void
wait_state (TongbanCamera *camera, TongbanDeviceState state)
{
  gpointer args[2] = { camera, GINT_TO_POINTER (state) };

  g_assert_true (tongban_device_wait_until (NULL, 10000, state_is, args));
}

static gboolean
requested (gpointer data)
{
  return tongban_sim_camera_get_requests (data) > 0;
}

static void
test_mjpeg_capture (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  g_autoptr(TongbanFrameImage) still = solid (320, 240, 0xd0, 0x30, 0x40);
  TongbanCamera *camera = network_camera (sim);
  g_autoptr(GError) error = NULL;
  Capture c = { 0 };

  /* The test clip: SMPTE bars, neither black nor one colour. */
  capture (camera, &c);
  g_assert_no_error (c.error);
  g_assert_cmpuint (c.image->width, ==, 160);
  g_assert_cmpuint (c.image->height, ==, 120);
  g_assert_cmpuint (g_bytes_get_size (c.image->rgb), ==, 160 * 120 * 3);
  g_assert_cmpfloat (tongban_frame_image_mean (c.image), >, 40);
  g_assert_cmpuint (tongban_sim_camera_get_frames_sent (sim), >=, 1);
  g_assert_cmpuint (tongban_sim_camera_get_requests (sim), ==, 1);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);

  /* A still picture comes through the JPEG stream and the scaler as itself. */
  g_assert_true (tongban_sim_camera_show (sim, still, &error));
  g_assert_no_error (error);
  capture (camera, &c);
  g_assert_no_error (c.error);
  assert_colour (c.image, 0xd0, 0x30, 0x40);
  g_assert_cmpuint (tongban_sim_camera_get_requests (sim), ==, 2);
  finish (camera, &c);
}

static void
test_mjpeg_unplug (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  TongbanCamera *camera = network_camera (sim);
  Capture c = { 0 };
  gpointer args[2] = { &c, GUINT_TO_POINTER (1) };

  wait_state (camera, TONGBAN_DEVICE_STATE_ONLINE);
  /* The camera has the request, sends nothing yet, and is pulled. */
  tongban_sim_inject (sim, "freeze");
  tongban_camera_capture_async (camera, 10000, NULL, on_capture, &c);
  g_assert_true (tongban_device_wait_until (NULL, 10000, requested, sim));
  g_assert_cmpuint (c.done, ==, 0);
  tongban_sim_inject (sim, "unplug");
  g_assert_true (tongban_device_wait_until (NULL, 20000, captured, args));
  g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  g_assert_null (c.image);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                   TONGBAN_DEVICE_STATE_NO_DEVICE);

  /* Unplugged, a capture fails at once the same way. */
  capture (camera, &c);
  g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  /* Plugged back in: the worker finds it, and pictures come again. */
  tongban_sim_inject (sim, "normal");
  tongban_sim_inject (sim, "replug");
  wait_state (camera, TONGBAN_DEVICE_STATE_ONLINE);
  capture (camera, &c);
  g_assert_no_error (c.error);
  g_assert_cmpfloat (tongban_frame_image_mean (c.image), >, 40);
  finish (camera, &c);
}

static void
test_mjpeg_idle_unplug (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  TongbanCamera *camera = network_camera (sim);
  Capture c = { 0 };

  /* Pulled while nobody uses it: the idle check notices, and the replug. */
  wait_state (camera, TONGBAN_DEVICE_STATE_ONLINE);
  tongban_sim_inject (sim, "unplug");
  wait_state (camera, TONGBAN_DEVICE_STATE_NO_DEVICE);
  tongban_sim_inject (sim, "replug");
  wait_state (camera, TONGBAN_DEVICE_STATE_ONLINE);
  capture (camera, &c);
  g_assert_no_error (c.error);
  finish (camera, &c);
}

static void
test_mjpeg_garbage (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  TongbanCamera *camera = network_camera (sim);
  Capture c = { 0 };

  /* Parts labelled image/jpeg that are noise: invalid data, well before the
   * 10 s timeout would end it as TIMEOUT, and the camera is faulty. */
  tongban_sim_inject (sim, "garbage");
  capture (camera, &c);
  g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_assert_null (c.image);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                   TONGBAN_DEVICE_STATE_HARDWARE_ERROR);

  /* Pictures again: online again. */
  tongban_sim_inject (sim, "normal");
  capture (camera, &c);
  g_assert_no_error (c.error);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);
  finish (camera, &c);
}

static void
test_mjpeg_noise (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  TongbanCamera *camera = network_camera (sim);
  Capture c = { 0 };

  /* No boundary ever comes, only bytes: invalid data, not a wait for the
   * 10 s timeout. */
  tongban_sim_inject (sim, "noise");
  capture (camera, &c);
  g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (camera)), ==,
                   TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
  finish (camera, &c);
}

static gboolean
events_done (gpointer data)
{
  return tongban_sim_get_events_done (data) >= 1;
}

static void
test_mjpeg_scenario (void)
{
  g_autoptr(TongbanSim) sim = start_sim ("t=100ms black; t=60s normal");
  TongbanCamera *camera = network_camera (sim);
  Capture c = { 0 };

  g_assert_true (tongban_device_wait_until (NULL, 10000, events_done, sim));
  capture (camera, &c);
  g_assert_no_error (c.error);
  g_assert_cmpfloat (tongban_frame_image_mean (c.image), <, 4);
  finish (camera, &c);
}

static void
test_mjpeg_silent (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  TongbanCamera *camera = network_camera (sim);
  Capture c = { 0 };

  /* Connected, answered, and then no frame: the request's timeout ends it. */
  tongban_sim_inject (sim, "freeze");
  capture_within (camera, &c, 800);
  g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  g_assert_cmpuint (tongban_sim_camera_get_requests (sim), ==, 1);
  finish (camera, &c);
}

static void
test_mjpeg_not_found (void)
{
  g_autoptr(TongbanSim) sim = start_sim (NULL);
  g_autofree char *url = tongban_sim_camera_dup_url (sim, "/no-such-stream");
  TongbanCamera *camera = tongban_camera_new ("face", url, 64, 48);
  Capture c = { 0 };

  capture (camera, &c);
  g_assert_error (c.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  g_assert_cmpuint (tongban_sim_camera_get_requests (sim), ==, 1);
  finish (camera, &c);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/camera/capture", test_capture);
  g_test_add_func ("/drivers/camera/missing", test_missing);
  g_test_add_func ("/drivers/camera/mjpeg/capture", test_mjpeg_capture);
  g_test_add_func ("/drivers/camera/mjpeg/unplug", test_mjpeg_unplug);
  g_test_add_func ("/drivers/camera/mjpeg/idle-unplug", test_mjpeg_idle_unplug);
  g_test_add_func ("/drivers/camera/mjpeg/garbage", test_mjpeg_garbage);
  g_test_add_func ("/drivers/camera/mjpeg/noise", test_mjpeg_noise);
  g_test_add_func ("/drivers/camera/mjpeg/scenario", test_mjpeg_scenario);
  g_test_add_func ("/drivers/camera/mjpeg/silent", test_mjpeg_silent);
  g_test_add_func ("/drivers/camera/mjpeg/not-found", test_mjpeg_not_found);

  return g_test_run ();
}

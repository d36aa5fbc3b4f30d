/* bench-liveness.c: what the liveness check costs, and how close a pair's frames are
 *
 * Prints: the first check (loads the facedetect plugin and OpenCV), the
 * next ones (the cascade is read each time), at 640 x 480; and the skew of
 * pairs captured from two MJPEG camera simulators at 15 frames a second.
 */

#include "camera-test.h"
#include "tongban-liveness.h"

#include <stdio.h>

#define FACE "astronaut.png"
#define RUNS 10
#define PAIRS 20

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanFrameImage) face = camera_test_picture (FACE, 640, 480, &error);
  TongbanLivenessParams params;
  g_autoptr(TongbanSim) vis = NULL;
  g_autoptr(TongbanSim) ir = NULL;
  g_autofree char *vis_url = NULL;
  g_autofree char *ir_url = NULL;
  TongbanCamera *camera;
  gint64 t0, first, total = 0, skew_max = 0, skew_sum = 0;

  if (face == NULL)
    {
      fprintf (stderr, "%s: %s\n", FACE, error->message);
      return 1;
    }
  tongban_liveness_params_init (&params);
  params.max_offset = 0.5;
  t0 = g_get_monotonic_time ();
  tongban_liveness_result_free (tongban_liveness_check (face, face, &params, NULL));
  first = g_get_monotonic_time () - t0;
  for (int i = 0; i < RUNS; i++)
    {
      t0 = g_get_monotonic_time ();
      tongban_liveness_result_free (tongban_liveness_check (face, face, &params, NULL));
      total += g_get_monotonic_time () - t0;
    }
  printf ("liveness check 640x480 (two face searches): first %.0f ms (plugin and OpenCV load), "
          "then %.0f ms mean of %d\n", first / 1000.0, total / 1000.0 / RUNS, RUNS);

  vis = tongban_sim_camera_new (0, 640, 480, &error);
  ir = vis ? tongban_sim_camera_new (0, 640, 480, &error) : NULL;
  if (ir == NULL)
    {
      fprintf (stderr, "simulator: %s\n", error->message);
      return 1;
    }
  tongban_sim_start (vis);
  tongban_sim_start (ir);
  vis_url = tongban_sim_camera_dup_url (vis, NULL);
  ir_url = tongban_sim_camera_dup_url (ir, NULL);
  camera = tongban_camera_new_pair ("face", vis_url, ir_url, 640, 480);
  total = 0;
  for (int i = 0; i < PAIRS; i++)
    {
      TongbanFramePair *pair;

      t0 = g_get_monotonic_time ();
      pair = camera_test_capture_pair (camera, 10000, &error);
      total += g_get_monotonic_time () - t0;
      if (pair == NULL)
        {
          fprintf (stderr, "pair: %s\n", error->message);
          return 1;
        }
      skew_sum += pair->skew_us;
      skew_max = MAX (skew_max, pair->skew_us);
      tongban_frame_pair_free (pair);
    }
  printf ("pair capture 640x480 from two MJPEG streams at 15 fps: %.0f ms mean (connect to "
          "both frames), skew %.1f ms mean, %.1f ms max, of %d\n",
          total / 1000.0 / PAIRS, skew_sum / 1000.0 / PAIRS, skew_max / 1000.0, PAIRS);
  tongban_device_stop (TONGBAN_DEVICE (camera));
  g_object_unref (camera);
  return 0;
}

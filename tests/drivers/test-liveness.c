/* test-liveness.c: the IR + visible presentation-attack check on real photographs
 *
 * The face is NASA's portrait of astronaut Eileen Collins as shipped by
 * Debian's python3-skimage (skimage/data/astronaut.png); the face-free
 * picture is the cat of the same package (chelsea.png). No Debian package
 * ships near-infrared face pictures, so the IR frames are made here from the
 * visible one, each standing for what a binocular module's 850 nm sensor
 * sees (documented at each maker below). The same pictures then go through
 * the MJPEG camera simulators and the real driver.
 */

#include "camera-test.h"
#include "driver-test.h"
#include "tongban-device-manager.h"
#include "tongban-liveness.h"

#include <math.h>

#define W 320
#define H 240

static TongbanFrameImage *
load (const char *name, guint width, guint height)
{
  g_autoptr(GError) error = NULL;
  TongbanFrameImage *image = camera_test_picture (name, width, height, &error);

  /* Installed by tools/debian-packages.txt: missing is a failure, not a skip. */
  g_assert_no_error (error);
  return image;
}

static TongbanFrameImage *
crop (const TongbanFrameImage *image, guint x0, guint y0, guint width, guint height)
{
  const guint8 *rgb = g_bytes_get_data (image->rgb, NULL);
  guint8 *out = g_malloc ((gsize) width * height * 3);

  g_assert_cmpuint (x0 + width, <=, image->width);
  g_assert_cmpuint (y0 + height, <=, image->height);
  for (guint y = 0; y < height; y++)
    memcpy (out + (gsize) y * width * 3, rgb + ((gsize) (y0 + y) * image->width + x0) * 3,
            (gsize) width * 3);
  return tongban_frame_image_new_take (width, height, out);
}

/* A citizen in front of the kiosk: the portrait framed so the face is near
 * the middle (the face is at x 175..272, y 64..161 of the 512 x 512 image). */
static TongbanFrameImage *
visible_face (void)
{
  g_autoptr(TongbanFrameImage) full = load ("astronaut.png", 512, 512);

  return crop (full, 64, 0, W, H);
}

typedef double (*Render) (double luma, guint x, guint y, GRand *rand);

static TongbanFrameImage *
render_ir (const TongbanFrameImage *visible, Render render)
{
  const guint8 *rgb = g_bytes_get_data (visible->rgb, NULL);
  guint8 *out = g_malloc ((gsize) visible->width * visible->height * 3);
  g_autoptr(GRand) rand = g_rand_new_with_seed (850);

  for (guint y = 0; y < visible->height; y++)
    for (guint x = 0; x < visible->width; x++)
      {
        gsize i = ((gsize) y * visible->width + x) * 3;
        double luma = 0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2];
        guint8 v = (guint8) CLAMP (lround (render (luma, x, y, rand)), 0, 255);

        out[i] = out[i + 1] = out[i + 2] = v;
      }
  return tongban_frame_image_new_take (visible->width, visible->height, out);
}

/* A live face under the module's IR LEDs: skin reflects near-IR strongly and
 * evenly, so the scene comes out grey, lighter and flatter than in colour,
 * with the features (eyes, brows, hairline) still there. */
static double
live_ir (double luma, guint x, guint y, GRand *rand)
{
  return 50 + luma * 0.7;
}

/* A phone screen held up: it emits no IR and its glass mirrors the LEDs
 * away from the sensor, so the sensor sees its own noise. */
static double
screen_ir (double luma, guint x, guint y, GRand *rand)
{
  return 10 + g_rand_double_range (rand, -4, 4);
}

/* A colour print held up: the paper reflects IR, the colour inks barely
 * absorb it, so what is left of the face is a faint ghost on bright paper. */
static double
print_ir (double luma, guint x, guint y, GRand *rand)
{
  return 180 + (luma - 128) * 0.06;
}

static TongbanLivenessResult *
check (const TongbanFrameImage *visible, const TongbanFrameImage *ir)
{
  TongbanLivenessParams params;
  g_autoptr(GError) error = NULL;
  TongbanLivenessResult *result;

  tongban_liveness_params_init (&params);
  result = tongban_liveness_check (visible, ir, &params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_nonnull (result->reason);
  g_test_message ("%s: %s", tongban_liveness_verdict_to_string (result->verdict), result->reason);
  return result;
}

static void
test_detect (void)
{
  g_autoptr(TongbanFrameImage) face = visible_face ();
  g_autoptr(TongbanFrameImage) cat = load ("chelsea.png", W, H);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = tongban_face_detect (face, 40, &error);
  g_autoptr(GArray) none = NULL;
  TongbanFaceBox *box;

  g_assert_no_error (error);
  g_assert_cmpuint (faces->len, ==, 1);
  box = &g_array_index (faces, TongbanFaceBox, 0);
  /* Where the face is in the crop: x 111..208, y 64..161, give or take the cascade's step. */
  g_assert_cmpint (ABS ((int) (box->x + box->width / 2) - 160), <=, 15);
  g_assert_cmpint (ABS ((int) (box->y + box->height / 2) - 112), <=, 15);
  g_assert_cmpuint (box->width, >=, 70);
  g_assert_cmpuint (box->width, <=, 130);

  none = tongban_face_detect (cat, 40, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_live (void)
{
  g_autoptr(TongbanFrameImage) visible = visible_face ();
  g_autoptr(TongbanFrameImage) ir = render_ir (visible, live_ir);
  g_autoptr(TongbanLivenessResult) result = check (visible, ir);

  g_assert_cmpint (result->verdict, ==, TONGBAN_LIVENESS_LIVE);
  g_assert_cmpfloat (result->ir_mean, >=, 40);
  g_assert_cmpfloat (result->ir_stddev, >=, 12);
  g_assert_cmpuint (result->face.width, >, 0);
}

static void
test_screen_replay (void)
{
  g_autoptr(TongbanFrameImage) visible = visible_face ();
  g_autoptr(TongbanFrameImage) ir = render_ir (visible, screen_ir);
  g_autoptr(TongbanLivenessResult) result = check (visible, ir);

  g_assert_cmpint (result->verdict, ==, TONGBAN_LIVENESS_NOT_LIVE);
  g_assert_cmpfloat (result->ir_mean, <, 40);
  g_assert_nonnull (strstr (result->reason, "dark"));
}

static void
test_print (void)
{
  g_autoptr(TongbanFrameImage) visible = visible_face ();
  g_autoptr(TongbanFrameImage) ir = render_ir (visible, print_ir);
  g_autoptr(TongbanLivenessResult) result = check (visible, ir);

  g_assert_cmpint (result->verdict, ==, TONGBAN_LIVENESS_NOT_LIVE);
  g_assert_cmpfloat (result->ir_mean, >=, 40);
  g_assert_cmpfloat (result->ir_stddev, <, 12);
  g_assert_nonnull (strstr (result->reason, "flat"));
}

static void
test_ir_face_required (void)
{
  g_autoptr(TongbanFrameImage) visible = visible_face ();
  g_autoptr(TongbanFrameImage) cat = load ("chelsea.png", W, H);
  g_autoptr(TongbanFrameImage) ir = render_ir (cat, live_ir);
  TongbanLivenessParams params;
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanLivenessResult) strict = NULL;
  g_autoptr(TongbanLivenessResult) lax = NULL;

  /* Bright, textured IR, but no face in it where the visible frame has one. */
  tongban_liveness_params_init (&params);
  strict = tongban_liveness_check (visible, ir, &params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strict->verdict, ==, TONGBAN_LIVENESS_NOT_LIVE);
  g_assert_nonnull (strstr (strict->reason, "no face in infrared"));

  /* The IR face search is configurable; without it, level and texture decide. */
  params.ir_face = FALSE;
  lax = tongban_liveness_check (visible, ir, &params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lax->verdict, ==, TONGBAN_LIVENESS_LIVE);
}

static void
test_no_face (void)
{
  g_autoptr(TongbanFrameImage) cat = load ("chelsea.png", W, H);
  g_autoptr(TongbanFrameImage) ir = render_ir (cat, live_ir);
  g_autoptr(TongbanLivenessResult) result = check (cat, ir);

  g_assert_cmpint (result->verdict, ==, TONGBAN_LIVENESS_NO_FACE);
}

static void
test_not_centred (void)
{
  /* The whole portrait: the face sits high, a quarter of the frame above the middle. */
  g_autoptr(TongbanFrameImage) visible = load ("astronaut.png", W, W);
  g_autoptr(TongbanFrameImage) ir = render_ir (visible, live_ir);
  g_autoptr(TongbanLivenessResult) result = check (visible, ir);
  TongbanLivenessParams params;
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanLivenessResult) wider = NULL;

  g_assert_cmpint (result->verdict, ==, TONGBAN_LIVENESS_FACE_NOT_CENTRED);

  /* With a wider allowance the same frames pass. */
  tongban_liveness_params_init (&params);
  params.max_offset = 0.35;
  wider = tongban_liveness_check (visible, ir, &params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wider->verdict, ==, TONGBAN_LIVENESS_LIVE);
}

/* Through the driver: a binocular camera as two MJPEG simulators. */

typedef struct
{
  guint                  done;
  TongbanLivenessResult *result;
  GError                *error;
} Wait;

static void
on_liveness (GObject *source, GAsyncResult *res, gpointer data)
{
  Wait *w = data;

  w->result = tongban_camera_check_liveness_finish (TONGBAN_CAMERA (source), res, &w->error);
  w->done++;
}

static gboolean
is_done (gpointer data)
{
  return ((Wait *) data)->done > 0;
}

static void
wait_clear (Wait *w)
{
  g_clear_pointer (&w->result, tongban_liveness_result_free);
  g_clear_error (&w->error);
  w->done = 0;
}

static TongbanSim *
sim_showing (const TongbanFrameImage *image)
{
  return camera_test_sim_showing (image, W, H);
}

static void
test_device (void)
{
  g_autoptr(TongbanFrameImage) visible = visible_face ();
  g_autoptr(TongbanFrameImage) live = render_ir (visible, live_ir);
  g_autoptr(TongbanFrameImage) screen = render_ir (visible, screen_ir);
  g_autoptr(TongbanSim) vis_sim = sim_showing (visible);
  g_autoptr(TongbanSim) ir_sim = sim_showing (live);
  g_autofree char *vis_url = tongban_sim_camera_dup_url (vis_sim, NULL);
  g_autofree char *ir_url = tongban_sim_camera_dup_url (ir_sim, NULL);
  TongbanCamera *camera = tongban_camera_new_pair ("face", vis_url, ir_url, W, H);
  TongbanCamera *single = tongban_camera_new ("doc", vis_url, W, H);
  g_autoptr(TongbanFramePair) pair = NULL;
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  /* The pair: both frames, the IR one grey, arrived close together. */
  pair = camera_test_capture_pair (camera, 10000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pair->visible->width, ==, W);
  g_assert_cmpuint (pair->ir->height, ==, H);
  g_assert_cmpint (pair->skew_us, <=, 100 * 1000);
  g_assert_cmpfloat (fabs (tongban_frame_image_mean (pair->ir) -
                           tongban_frame_image_mean (live)), <, 3);

  tongban_camera_check_liveness_async (camera, NULL, 10000, NULL, on_liveness, &w);
  g_assert_true (tongban_device_wait_until (NULL, 30000, is_done, &w));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.result->verdict, ==, TONGBAN_LIVENESS_LIVE);
  g_assert_cmpint (w.result->skew_us, <=, 100 * 1000);
  wait_clear (&w);

  /* A phone replaying the face to the same camera. */
  g_assert_true (tongban_sim_camera_show (ir_sim, screen, &error));
  g_assert_no_error (error);
  tongban_camera_check_liveness_async (camera, NULL, 10000, NULL, on_liveness, &w);
  g_assert_true (tongban_device_wait_until (NULL, 30000, is_done, &w));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.result->verdict, ==, TONGBAN_LIVENESS_NOT_LIVE);
  wait_clear (&w);

  /* The IR sensor pulled: the check cannot be made, and says so. */
  tongban_sim_inject (ir_sim, "unplug");
  tongban_camera_check_liveness_async (camera, NULL, 10000, NULL, on_liveness, &w);
  g_assert_true (tongban_device_wait_until (NULL, 30000, is_done, &w));
  g_assert_error (w.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  wait_clear (&w);

  /* A camera without an IR sensor cannot check liveness. */
  tongban_camera_check_liveness_async (single, NULL, 10000, NULL, on_liveness, &w);
  g_assert_true (tongban_device_wait_until (NULL, 30000, is_done, &w));
  g_assert_error (w.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND);
  wait_clear (&w);

  tongban_device_stop (TONGBAN_DEVICE (camera));
  tongban_device_stop (TONGBAN_DEVICE (single));
  driver_test_drain (300);
  g_assert_finalize_object (camera);
  g_assert_finalize_object (single);
}

static void
test_config (void)
{
  g_autoptr(TongbanFrameImage) visible = visible_face ();
  g_autoptr(TongbanFrameImage) live = render_ir (visible, live_ir);
  g_autoptr(TongbanSim) vis_sim = sim_showing (visible);
  g_autoptr(TongbanSim) ir_sim = sim_showing (live);
  g_autofree char *vis_url = tongban_sim_camera_dup_url (vis_sim, NULL);
  g_autofree char *ir_url = tongban_sim_camera_dup_url (ir_sim, NULL);
  g_autofree char *text = NULL;
  g_autofree char *ir_source = NULL;
  g_autoptr(GKeyFile) config = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  TongbanDeviceManager *manager = tongban_device_manager_new ();
  TongbanDevice *face;
  Wait w = { 0 };

  /* The live face's IR level is about 160: a threshold of 200 in the
   * config must turn it away, which the defaults do not. */
  text = g_strdup_printf ("[device:face]\ntype=camera\nsource=%s\nir-source=%s\n"
                          "width=%d\nheight=%d\nliveness-ir-min-mean=200\n",
                          vis_url, ir_url, W, H);
  g_key_file_load_from_data (config, text, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (tongban_device_manager_load (manager, config, &error));
  g_assert_no_error (error);
  face = tongban_device_manager_get (manager, "face");
  g_assert_true (TONGBAN_IS_CAMERA (face));
  g_object_get (face, "ir-source", &ir_source, NULL);
  g_assert_cmpstr (ir_source, ==, ir_url);

  tongban_camera_check_liveness_async (TONGBAN_CAMERA (face), NULL, 10000, NULL, on_liveness, &w);
  g_assert_true (tongban_device_wait_until (NULL, 30000, is_done, &w));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.result->verdict, ==, TONGBAN_LIVENESS_NOT_LIVE);
  g_assert_nonnull (strstr (w.result->reason, "at least 200"));
  wait_clear (&w);

  tongban_device_manager_stop (manager);
  driver_test_drain (300);
  g_assert_finalize_object (manager);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/liveness/detect", test_detect);
  g_test_add_func ("/drivers/liveness/live", test_live);
  g_test_add_func ("/drivers/liveness/screen-replay", test_screen_replay);
  g_test_add_func ("/drivers/liveness/print", test_print);
  g_test_add_func ("/drivers/liveness/ir-face-required", test_ir_face_required);
  g_test_add_func ("/drivers/liveness/no-face", test_no_face);
  g_test_add_func ("/drivers/liveness/not-centred", test_not_centred);
  g_test_add_func ("/drivers/liveness/device", test_device);
  g_test_add_func ("/drivers/liveness/config", test_config);

  return g_test_run ();
}

/* test-document.c: the document camera reads a permit's machine-readable zone
 *
 * A picture of a permit lying on the camera's glass (tongban-sim-permit.h),
 * its zone in DejaVu Sans Mono or in OCR-B. The simulator serves it as a network
 * document camera does, the driver takes the still at document resolution,
 * tesseract reads it and the MRZ codec verifies every check digit. A blank
 * card and a smudged zone must end in "could not read", never in fields.
 */

#include "camera-test.h"
#include "driver-test.h"
#include "tongban-sim-permit.h"

#define W TONGBAN_SIM_PERMIT_WIDTH
#define H TONGBAN_SIM_PERMIT_HEIGHT

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
  g_autoptr(TongbanFrameImage) picture =
    tongban_sim_permit_picture ("DejaVu Sans Mono", TONGBAN_SIM_PERMIT_ZONE);
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
  g_autoptr(TongbanFrameImage) picture =
    tongban_sim_permit_picture ("OCR B", TONGBAN_SIM_PERMIT_ZONE);
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
  TongbanSimPermit kinds[] = { TONGBAN_SIM_PERMIT_BLANK, TONGBAN_SIM_PERMIT_SMUDGED };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(TongbanFrameImage) picture =
        tongban_sim_permit_picture ("DejaVu Sans Mono", kinds[i]);
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

/* test-wlt.c: the ID card photo through a dlopen()ed decoder
 *
 * The decoders are test doubles built by tests/drivers (wlt-double.c): one
 * with the vendors' ABI, one that fails every photo. They stand in for the
 * licensed library; what is tested is the kiosk's side: loading only what
 * the config names, calling it on the reader's worker, and every failure
 * (no file, no entry point, wrong licence code, a failed decode, a photo of
 * the wrong size) ending in a clear status with the card still readable.
 */

#include "tongban-idcard-reader.h"
#include "tongban-sim-idcard.h"
#include "tongban-wlt.h"

typedef struct
{
  guint   done;
  GBytes *rgb;
  TongbanIdentity *identity;
  GError *error;
} Result;

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static gboolean
is_done (gpointer data)
{
  return ((Result *) data)->done > 0;
}

static void
on_decoded (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->rgb = tongban_idcard_reader_decode_photo_finish (TONGBAN_IDCARD_READER (source), res,
                                                      &r->error);
  r->done++;
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->identity = tongban_idcard_reader_read_finish (TONGBAN_IDCARD_READER (source), res,
                                                   &r->error);
  r->done++;
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->rgb, g_bytes_unref);
  g_clear_pointer (&r->identity, tongban_identity_free);
  g_clear_error (&r->error);
  r->done = 0;
}

typedef struct
{
  TongbanSim          *sim;
  TongbanIdcardReader *reader;
  GBytes              *photo;
} Fixture;

static void
start (Fixture *fx, const char *library, const char *symbol, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanIdentity) demo = tongban_sim_idcard_demo_identity ();

  fx->sim = tongban_sim_idcard_new (115200, &error);
  g_assert_no_error (error);
  tongban_sim_inject (fx->sim, "card present");
  tongban_sim_start (fx->sim);
  fx->reader = tongban_idcard_reader_new_with_decoder ("idcard", tongban_sim_get_link (fx->sim),
                                                       library, symbol, code);
  tongban_device_start (TONGBAN_DEVICE (fx->reader));
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, fx->reader));
  fx->photo = g_bytes_ref (demo->photo);
}

static void
stop (Fixture *fx)
{
  tongban_device_stop (TONGBAN_DEVICE (fx->reader));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (fx->reader);
  tongban_sim_free (fx->sim);
  g_bytes_unref (fx->photo);
}

static void
decode (Fixture *fx, GBytes *photo, Result *r)
{
  result_clear (r);
  tongban_idcard_reader_decode_photo_async (fx->reader, photo, NULL, on_decoded, r);
  g_assert_true (tongban_device_wait_until (NULL, 5000, is_done, r));
}

/* The card itself is read whatever became of the photo decoder. */
static void
assert_card_reads (Fixture *fx)
{
  Result r = { 0 };

  tongban_idcard_reader_read_async (fx->reader, FALSE, 5000, NULL, on_read, &r);
  g_assert_true (tongban_device_wait_until (NULL, 10000, is_done, &r));
  g_assert_no_error (r.error);
  g_assert_nonnull (r.identity);
  g_assert_cmpuint (g_bytes_get_size (r.identity->photo), ==, TONGBAN_WLT_SIZE);
  g_assert_true (online (fx->reader));
  result_clear (&r);
}

static void
test_decode (void)
{
  Fixture fx = { 0 };
  Result r = { 0 };
  const guint8 *rgb, *wlt;
  gsize size;

  start (&fx, g_getenv ("TONGBAN_WLT_DOUBLE"), NULL, 602);
  g_assert_cmpstr (tongban_idcard_reader_get_photo_status (fx.reader), ==, "ready");
  decode (&fx, fx.photo, &r);
  g_assert_no_error (r.error);
  rgb = g_bytes_get_data (r.rgb, &size);
  wlt = g_bytes_get_data (fx.photo, NULL);
  g_assert_cmpuint (size, ==, TONGBAN_WLT_WIDTH * TONGBAN_WLT_HEIGHT * 3);
  /* Every pixel, blue and red swapped into RGB order. */
  for (guint y = 0; y < TONGBAN_WLT_HEIGHT; y++)
    for (guint x = 0; x < TONGBAN_WLT_WIDTH; x++)
      {
        const guint8 *p = rgb + (y * TONGBAN_WLT_WIDTH + x) * 3;

        g_assert_cmpuint (p[0], ==, y);
        g_assert_cmpuint (p[1], ==, x);
        g_assert_cmpuint (p[2], ==, wlt[(y * TONGBAN_WLT_WIDTH + x) % TONGBAN_WLT_SIZE]);
      }
  result_clear (&r);
  assert_card_reads (&fx);
  stop (&fx);
}

static void
test_decode_fails (void)
{
  Fixture fx = { 0 };
  Result r = { 0 };
  g_autoptr(GBytes) small = g_bytes_new_static ("WLT", 3);

  /* A wrong licence code: the library says so by returning 0. */
  start (&fx, g_getenv ("TONGBAN_WLT_DOUBLE"), "unpack", 601);
  decode (&fx, fx.photo, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_assert_cmpstr (r.error->message, ==, "photo decoder refused its licence code");
  g_assert_cmpstr (tongban_idcard_reader_get_photo_status (fx.reader), ==, "failed");
  /* A photo that is not WLT-sized never reaches the library. */
  decode (&fx, small, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_assert_cmpstr (r.error->message, ==, "photo of 3 bytes, not 1024");
  result_clear (&r);
  assert_card_reads (&fx);
  stop (&fx);

  /* A library that fails every photo. */
  start (&fx, g_getenv ("TONGBAN_WLT_FAILING"), NULL, 602);
  g_assert_cmpstr (tongban_idcard_reader_get_photo_status (fx.reader), ==, "ready");
  decode (&fx, fx.photo, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_assert_cmpstr (r.error->message, ==, "photo decoder failed (-3)");
  g_assert_cmpstr (tongban_idcard_reader_get_photo_status (fx.reader), ==, "failed");
  result_clear (&r);
  assert_card_reads (&fx);
  stop (&fx);
}

static gboolean
status_is_no_decoder (gpointer data)
{
  return g_str_equal (tongban_idcard_reader_get_photo_status (data), "no-decoder");
}

static void
test_no_decoder (void)
{
  Fixture fx = { 0 };
  Result r = { 0 };
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "tongban-no-such-wlt.so", NULL);

  /* None configured: nothing is loaded, the photo stays WLT. */
  start (&fx, NULL, NULL, 0);
  g_assert_cmpstr (tongban_idcard_reader_get_photo_status (fx.reader), ==, "none");
  decode (&fx, fx.photo, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND);
  g_assert_cmpstr (r.error->message, ==, "no photo decoder configured");
  result_clear (&r);
  stop (&fx);

  /* The file named is not there. */
  start (&fx, missing, NULL, 602);
  g_assert_true (tongban_device_wait_until (NULL, 2000, status_is_no_decoder, fx.reader));
  decode (&fx, fx.photo, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND);
  g_assert_true (g_str_has_prefix (r.error->message, "photo decoder cannot be loaded: "));
  result_clear (&r);
  assert_card_reads (&fx);
  stop (&fx);

  /* The library is there, its entry point is not. */
  start (&fx, g_getenv ("TONGBAN_WLT_DOUBLE"), "WltToBmp", 602);
  g_assert_true (tongban_device_wait_until (NULL, 2000, status_is_no_decoder, fx.reader));
  decode (&fx, fx.photo, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND);
  g_assert_true (g_str_has_suffix (r.error->message, "has no entry point WltToBmp"));
  result_clear (&r);
  assert_card_reads (&fx);
  stop (&fx);

  /* A relative name would be searched for: refused. */
  start (&fx, "libwlt2bmp.so", NULL, 602);
  decode (&fx, fx.photo, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND);
  g_assert_cmpstr (r.error->message, ==, "photo decoder libwlt2bmp.so: not an absolute path");
  result_clear (&r);
  stop (&fx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/wlt/decode", test_decode);
  g_test_add_func ("/drivers/wlt/decode-fails", test_decode_fails);
  g_test_add_func ("/drivers/wlt/no-decoder", test_no_decoder);

  return g_test_run ();
}

/* test-auth-read.c: identity methods reading the simulated devices
 *
 * The kiosk's real drivers against the simulators (--simulate-devices): the
 * ID card reader on a pty, the fingerprint module on a pty and the document
 * camera over HTTP with a permit on its glass. Each method reads what the
 * identity service needs, and each failure (card taken away, no finger, a
 * smudged permit, no device) ends in its own error and plain words. Then a
 * whole identity check through the flow engine and TongbanFileBackend: the
 * parameters sent are the identity service's, the session's memory is zero
 * after the visit, and no file in the home, XDG or temporary folders holds
 * the card's number or name.
 */

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "tongban-auth-read.h"
#include "tongban-backend.h"
#include "tongban-flow.h"
#include "tongban-validate.h"

static TongbanDevices *devices;
static char *home;

typedef struct {
  gboolean done;
  char   **reading;
  GError  *error;
} Wait;

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->reading = tongban_auth_read_finish (TONGBAN_DEVICES (source), result, &w->error);
  w->done = TRUE;
}

static char **
read_method (TongbanDevices *devs,
             const char     *method,
             guint           timeout_ms,
             GError        **error)
{
  Wait w = { 0 };
  gint64 until = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  tongban_auth_read_async (devs, method, timeout_ms, NULL, on_read, &w);
  while (!w.done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (w.done);
  if (w.error)
    g_propagate_error (error, w.error);
  return w.reading;
}

static const char *
value_of (char      **reading,
          const char *key)
{
  for (char **p = reading; p && p[0] && p[1]; p += 2)
    if (g_str_equal (p[0], key))
      return p[1];
  return NULL;
}

static gboolean
device_online (gpointer data)
{
  TongbanDevice *device = tongban_devices_get (devices, data);

  return device && tongban_device_get_state (device) == TONGBAN_DEVICE_STATE_ONLINE;
}

static void
wait_online (const char *kind)
{
  g_assert_true (tongban_device_wait_until (NULL, 20000, device_online, (gpointer) kind));
}

static void
test_id_card (void)
{
  g_autoptr(GError) error = NULL;
  char **reading;

  wait_online ("id-card-reader");
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
  reading = read_method (devices, "id-card", 10000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reading);
  g_assert_null (tongban_validate_cn_id (value_of (reading, "id_number"), NULL));
  g_assert_cmpuint (strlen (value_of (reading, "name")), >, 0);
  g_assert_true (g_regex_match_simple ("^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$",
                                       value_of (reading, "birth"), 0, 0));
  g_assert_nonnull (value_of (reading, "expiry"));
  g_assert_null (value_of (reading, "match"));
  tongban_auth_reading_free (reading);
}

/* The card is taken away: no card is found before the time is up. */
static void
test_card_removed (void)
{
  g_autoptr(GError) error = NULL;
  char **reading;

  wait_online ("id-card-reader");
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card removed"));
  reading = read_method (devices, "id-card", 1500, &error);
  g_assert_null (reading);
  g_assert_error (error, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_CARD);
  g_assert_cmpstr (tongban_auth_read_error_text (error), ==,
                   "No card was found on the reader. Place your card flat on the reader and "
                   "touch Try again.");
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
}

static void
test_fingerprint (void)
{
  static const struct {
    const char *event;
    const char *match;
  } fingers[] = {
    { "finger match", "true" },
    { "finger other", "false" },
  };

  wait_online ("fingerprint-reader");
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    {
      g_autoptr(GError) error = NULL;
      char **reading;

      g_assert_true (tongban_devices_simulate_event (devices, "fingerprint-reader",
                                                     fingers[i].event));
      reading = read_method (devices, "fingerprint", 10000, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (value_of (reading, "match"), ==, fingers[i].match);
      g_assert_null (tongban_validate_cn_id (value_of (reading, "id_number"), NULL));
      tongban_auth_reading_free (reading);
      g_assert_true (tongban_devices_simulate_event (devices, "fingerprint-reader",
                                                     "finger lift"));
    }
}

/* Nobody puts a finger on the sensor. */
static void
test_no_finger (void)
{
  g_autoptr(GError) error = NULL;
  char **reading;

  wait_online ("fingerprint-reader");
  g_assert_true (tongban_devices_simulate_event (devices, "fingerprint-reader", "finger lift"));
  reading = read_method (devices, "fingerprint", 2000, &error);
  g_assert_null (reading);
  g_assert_error (error, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_FINGER);
  g_assert_nonnull (tongban_auth_read_error_text (error));
}

static void
test_permit (void)
{
  g_autoptr(GError) error = NULL;
  char **reading;

  wait_online ("document-camera");
  g_assert_true (tongban_devices_simulate_event (devices, "document-camera", "permit"));
  reading = read_method (devices, "permit", 60000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value_of (reading, "document_number"), ==, "C12345678");
  g_assert_cmpstr (value_of (reading, "name"), ==, "ZHANG SAN");
  g_assert_cmpstr (value_of (reading, "birth"), ==, "1990-01-01");
  g_assert_cmpstr (value_of (reading, "expiry"), ==, "2030-01-01");
  tongban_auth_reading_free (reading);
}

static void
test_permit_unreadable (void)
{
  g_autoptr(GError) error = NULL;
  char **reading;

  wait_online ("document-camera");
  g_assert_true (tongban_devices_simulate_event (devices, "document-camera", "permit smudged"));
  reading = read_method (devices, "permit", 60000, &error);
  g_assert_null (reading);
  g_assert_error (error, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_UNREADABLE);
  g_assert_cmpstr (tongban_auth_read_error_text (error), ==,
                   "Your document could not be read. Take it off, put it back flat and touch "
                   "Try again, or choose another way.");
  g_assert_true (tongban_devices_simulate_event (devices, "document-camera", "permit"));
}

/* The face cameras show a moving test picture with nobody in it: the live
 * check says so in plain words, and nothing is sent. */
static void
test_face_nobody (void)
{
  g_autoptr(GError) error = NULL;
  char **reading;

  wait_online ("id-card-reader");
  wait_online ("camera");
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
  reading = read_method (devices, "face", 20000, &error);
  g_assert_null (reading);
  g_assert_error (error, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_FACE);
  g_assert_cmpstr (tongban_auth_read_error_text (error), ==,
                   "No face was seen. Stand in front of the screen, look at the camera above it "
                   "and touch Try again.");
}

/* A kiosk without the devices: the method says so at once. */
static void
test_no_device (void)
{
  g_autoptr(TongbanDevices) none = tongban_devices_new ();
  static const char * const methods[] = { "id-card", "fingerprint", "permit", "face" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (read_method (none, methods[i], 1000, &error));
      g_assert_error (error, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_DEVICE);
    }
  g_assert_false (tongban_auth_read_supported ("qr"));
  g_assert_false (tongban_auth_read_supported (NULL));
}

static void
test_dates (void)
{
  g_autofree char *a = tongban_auth_date_from_card ("19900101");
  g_autofree char *b = tongban_auth_date_from_card ("长期");
  g_autofree char *c = tongban_auth_date_from_card ("1990011");
  g_autofree char *d = tongban_auth_date_from_mrz ("300101", FALSE, 2026);
  g_autofree char *e = tongban_auth_date_from_mrz ("300101", TRUE, 2026);
  g_autofree char *f = tongban_auth_date_from_mrz ("260101", FALSE, 2026);
  g_autofree char *g = tongban_auth_date_from_mrz ("2601X1", FALSE, 2026);

  g_assert_cmpstr (a, ==, "1990-01-01");
  g_assert_cmpstr (b, ==, "long-term");
  g_assert_null (c);
  g_assert_cmpstr (d, ==, "1930-01-01");
  g_assert_cmpstr (e, ==, "2030-01-01");
  g_assert_cmpstr (f, ==, "2026-01-01");
  g_assert_null (g);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} Load;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *l = user_data;

  l->ok = tongban_flow_load_finish (TONGBAN_FLOW (source), result, &l->error);
  l->done = TRUE;
}

/* Whether any file under @dir holds @needle (GStreamer's plugin registry
 * cache is written there, and may be: nothing of the citizen may). */
static gboolean
found_under (const char *dir,
             const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (found_under (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &len, NULL) &&
               g_strstr_len (contents, (gssize) len, needle) != NULL)
        {
          g_test_message ("personal data in %s", path);
          return TRUE;
        }
    }
  return FALSE;
}

/* The card read, the identity service asked, the visit over: what it sent,
 * and nothing of the card left in the session's memory or on disk. */
static void
test_identity_check (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "catalog",
                                                NULL);
  g_autofree char *demo = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "demo",
                                                 "backend.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(TongbanCatalog) catalog = NULL;
  g_autoptr(TongbanFileBackend) backend = NULL;
  g_autoptr(TongbanSession) session = tongban_session_new (600000, 30000);
  g_autoptr(TongbanFlow) flow = NULL;
  g_autofree char *id_number = NULL;
  g_autofree char *name = NULL;
  JsonObject *sent;
  const TongbanStep *step;
  const guint8 *arena;
  Load l = { 0 };
  char **reading;
  gsize len = 0;

  catalog = tongban_catalog_new_from_dir (dir, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (demo, &contents, &len, NULL));
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

    backend = tongban_file_backend_new_from_bytes (bytes, &error);
    g_assert_no_error (error);
  }
  tongban_session_begin (session);
  flow = tongban_flow_new (tongban_catalog_lookup_service (catalog, "F-GD-09"), session,
                           TONGBAN_BACKEND (backend));
  step = tongban_flow_get_step (flow);
  g_assert_cmpint (step->type, ==, TONGBAN_STEP_AUTH);
  tongban_flow_set_answer (flow, step->id, "method", "id-card");

  wait_online ("id-card-reader");
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
  reading = read_method (devices, "id-card", 10000, &error);
  g_assert_no_error (error);
  id_number = g_strdup (value_of (reading, "id_number"));
  name = g_strdup (value_of (reading, "name"));
  for (char **p = reading; p[0] && p[1]; p += 2)
    tongban_flow_set_answer (flow, step->id, p[0], p[1]);
  tongban_auth_reading_free (reading);

  tongban_flow_load_async (flow, NULL, on_loaded, &l);
  while (!l.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (l.error);
  g_assert_true (l.ok);
  sent = tongban_file_backend_get_last_params (backend, "auth.id-card");
  g_assert_nonnull (sent);
  g_assert_cmpstr (json_object_get_string_member (sent, "id_number"), ==, id_number);
  g_assert_true (json_object_has_member (sent, "birth"));
  g_assert_false (json_object_has_member (sent, "method"));

  tongban_session_end (session, TONGBAN_SESSION_END_FINISHED);
  arena = tongban_session_peek_storage (session, &len);
  g_assert_cmpuint (len, >, 0);
  for (gsize i = 0; i < len; i++)
    g_assert_cmpuint (arena[i], ==, 0);
  g_assert_false (found_under (home, id_number));
  g_assert_false (found_under (home, name));
  explicit_bzero (id_number, strlen (id_number));
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* A fresh home: the privacy check looks for anything written there. */
  home = g_strdup ("/tmp/tongban-auth-home-XXXXXX");
  g_assert_nonnull (g_mkdtemp (home));
  g_setenv ("HOME", home, TRUE);
  {
    /* Temporary files too (before anything asks GLib where they go). */
    g_autofree char *tmp = g_build_filename (home, "tmp", NULL);

    g_assert_cmpint (g_mkdir (tmp, 0700), ==, 0);
    g_setenv ("TMPDIR", tmp, TRUE);
  }
  for (guint i = 0; i < 4; i++)
    {
      static const char * const vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                            "XDG_STATE_HOME" };
      g_autofree char *path = g_build_filename (home, vars[i], NULL);

      g_setenv (vars[i], path, TRUE);
    }
  g_test_init (&argc, &argv, NULL);
  /* meson starts each test as a session leader; when the simulators close
   * their ptys at the end, the kernel sends this process SIGHUP (seen as
   * SI_KERNEL; not under xvfb-run, whose child the UI tests are). The
   * results are in by then. See docs/decisions.md. */
  signal (SIGHUP, SIG_IGN);
  devices = tongban_devices_new ();
  g_assert_true (tongban_devices_simulate (devices, &error));
  g_assert_no_error (error);

  g_test_add_func ("/auth-read/dates", test_dates);
  g_test_add_func ("/auth-read/no-device", test_no_device);
  g_test_add_func ("/auth-read/id-card", test_id_card);
  g_test_add_func ("/auth-read/card-removed", test_card_removed);
  g_test_add_func ("/auth-read/fingerprint", test_fingerprint);
  g_test_add_func ("/auth-read/no-finger", test_no_finger);
  g_test_add_func ("/auth-read/permit", test_permit);
  g_test_add_func ("/auth-read/permit-unreadable", test_permit_unreadable);
  g_test_add_func ("/auth-read/face-nobody", test_face_nobody);
  g_test_add_func ("/auth-read/identity-check", test_identity_check);
  status = g_test_run ();
  tongban_devices_stop (devices);
  g_clear_object (&devices);
  remove_tree (home);
  g_free (home);
  return status;
}

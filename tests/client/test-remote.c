/* test-remote.c: the management server's commands on the real kiosk window
 *
 * A real tongban-manager (tests/server/tm-test.c), the kiosk window under
 * Xvfb with its simulated devices, and the link between them
 * (tongban-remote.c): the lock raises the maintenance cover, a module
 * switched off greys out its services with the reason, the devices' states
 * reach the manager, and sessions and services reach it as usage events.
 */

#include <gtk/gtk.h>
#include <string.h>
#include <glib/gstdio.h>

#include "tm-test.h"
#include "tongban-category-page.h"
#include "tongban-i18n.h"
#include "tongban-remote.h"
#include "ui-test.h"

#define PW "Tongban#2026ok"
#define NUMBER "SZ-FT-0101"

static TmTestServer *server;

static void
wait_for (UiTestCondition  cond,
          gpointer         data,
          const char      *what)
{
  if (!ui_test_wait_for (cond, data, 30000))
    g_error ("timed out waiting for %s", what);
}

static gint64
scalar (const char *sql,
        const char *arg)
{
  g_autoptr(GError) error = NULL;
  TmDb *db = tm_db_open (server->db_uri, 1, &error);
  g_autoptr(TmRows) r = NULL;
  TmConn *conn;
  gint64 n;

  g_assert_no_error (error);
  conn = tm_db_acquire (db);
  r = tm_q (conn, &error, sql, TM_STR (NUMBER), TM_STR (arg));
  g_assert_no_error (error);
  n = tm_rows_get_int (r, 0, 0);
  tm_db_release (db, conn);
  tm_db_free (db);
  return n;
}

static gboolean
component_online (gpointer data)
{
  return scalar ("SELECT COUNT(*) FROM component_status c JOIN terminal t ON t.id = c.terminal_id"
                 " WHERE t.number = ? AND c.name = ? AND c.status = 'online'", data) == 1;
}

static gboolean
voice_offline (gpointer data)
{
  return scalar ("SELECT COUNT(*) FROM component_status c JOIN terminal t ON t.id = c.terminal_id"
                 " WHERE t.number = ? AND c.name = ? AND c.status = 'offline'", "voice") == 1;
}

static guint self_tests_done;

static void
count_messages (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        data)
{
  if (g_str_has_prefix (message, "manager: self-test done"))
    self_tests_done++;
  g_log_default_handler (domain, level, message, data);
}

static gboolean
self_test_done (gpointer data)
{
  return self_tests_done > 0;
}

static gboolean
paper_state (gpointer data)
{
  return scalar ("SELECT COUNT(*) FROM consumable_level c JOIN terminal t ON t.id = c.terminal_id"
                 " WHERE t.number = ? AND c.item = 'receipt-paper' AND c.state = ?", data) == 1;
}

static gboolean
event_stored (gpointer data)
{
  return scalar ("SELECT COUNT(*) FROM usage_event e JOIN terminal t ON t.id = e.terminal_id"
                 " WHERE t.number = ? AND e.kind || '/' || COALESCE (e.service, '') ||"
                 " '/' || COALESCE (e.outcome, '') = ?", data) >= 1;
}

static gboolean
link_online (gpointer data)
{
  return tongban_manager_client_get_link (data) == TONGBAN_MANAGER_LINK_ONLINE;
}

static gboolean
cover_up (gpointer data)
{
  return tongban_window_get_maintenance (data);
}

static gboolean
cover_down (gpointer data)
{
  return !tongban_window_get_maintenance (data);
}

static gboolean
device_online (gpointer data)
{
  return data != NULL && tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static GtkWidget *
booking_row (TongbanWindow *window)
{
  return tongban_category_page_get_row (
    TONGBAN_CATEGORY_PAGE (tongban_window_get_part (window, "category_page")), "F-GD-04");
}

static gboolean
row_greyed (gpointer data)
{
  GtkWidget *row = booking_row (data);

  return row != NULL && !gtk_widget_get_sensitive (row);
}

static gboolean
row_usable (gpointer data)
{
  GtkWidget *row = booking_row (data);

  return row != NULL && gtk_widget_get_sensitive (row);
}

static gint64
console (const char *token,
         const char *path,
         const char *body)
{
  g_autoptr(TmTestResponse) r = tm_test_console (server->port, token, "POST", path, body);

  return r->code;
}

static void
test_remote (void)
{
  g_autoptr(TongbanCatalog) catalog = NULL;
  g_autoptr(TongbanFileBackend) backend = NULL;
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(TongbanDevices) devices = tongban_devices_new ();
  g_autoptr(TongbanManagerClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *biz = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tongban-remote-XXXXXX", NULL);
  g_autofree char *url = NULL;
  TongbanManagerClientSetup setup = { 0 };
  TongbanRemote *remote;
  TongbanWindow *window;

  server = tm_test_server_start ((const char * const[]) { "--heartbeat-interval", "1", NULL });
  tm_test_create_account (server, "admin", "sysadmin", "440000", PW);
  tm_test_create_account (server, "biz", "bizadmin", "440000", PW);
  admin = tm_test_login (server->port, "admin", PW);
  biz = tm_test_login (server->port, "biz", PW);

  ui_test_load_demo (&catalog, &backend);
  window = tongban_window_new (NULL, config, catalog, TONGBAN_BACKEND (backend));
  ui_test_show (GTK_WINDOW (window));
  g_assert_true (tongban_devices_simulate (devices, &error));
  g_assert_no_error (error);
  tongban_window_set_devices (window, devices);
  wait_for (device_online, tongban_devices_get (devices, "receipt-printer"), "the printer");

  url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  setup.url = url;
  setup.number = NUMBER;
  setup.region_code = "440304";
  setup.state_dir = dir;
  setup.max_backoff_s = 1;
  client = tongban_manager_client_new (&setup, &error);
  g_assert_no_error (error);
  remote = tongban_remote_new (window, devices, client);
  tongban_manager_client_start (client);
  ui_test_iterate (500);
  g_assert_cmpint (console (admin, "/api/v1/terminals/" NUMBER "/approve", NULL), ==, 0);
  wait_for (link_online, client, "login");

  /* The device layer's states reach the manager in the heartbeats. */
  wait_for (component_online, "receipt", "the receipt printer reported online");
  wait_for (component_online, "idcard", "the card reader reported online");
  /* Voice guidance is watched like a device: working, then its sound output gone. */
  {
    g_autoptr(TongbanSpeech) voice = tongban_speech_new ("fakesink");
    g_autoptr(TongbanSpeech) mute = tongban_speech_new ("no-such-element");

    g_assert_cmpint (tongban_speech_get_status (voice), ==, TONGBAN_SPEECH_STATUS_READY);
    tongban_window_set_speech (window, voice);
    wait_for (component_online, "voice", "the voice reported online");
    tongban_window_set_speech (window, mute);
    wait_for (voice_offline, NULL, "the voice reported offline");
    tongban_window_set_speech (window, NULL);
  }
  /* The receipt printer's paper, as the printer tells it. */
  g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer", "paper out"));
  wait_for (paper_state, "out", "paper out reported");
  g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer", "paper loaded"));
  wait_for (paper_state, "full", "paper loaded reported");

  /* Lock: the maintenance cover; unlock: the kiosk is back. */
  g_assert_cmpint (console (admin, "/api/v1/terminals/" NUMBER "/lock", NULL), ==, 0);
  wait_for (cover_up, window, "the cover");
  g_assert_true (gtk_widget_get_visible (tongban_window_get_part (window, "maintenance")));
  g_assert_cmpint (console (admin, "/api/v1/terminals/" NUMBER "/unlock", NULL), ==, 0);
  wait_for (cover_down, window, "the cover lowered");

  /* The receipt module switched off: booking greys out with the reason. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.language", "s", "en"));
  tongban_window_open (window, "category", "gd-online-affairs");
  ui_test_iterate (20);
  g_assert_true (row_usable (window));
  g_assert_cmpint (console (biz, "/api/v1/modules", "{\"module\":\"receipt\",\"enabled\":false,"
                            "\"number\":\"" NUMBER "\"}"), ==, 0);
  wait_for (row_greyed, window, "booking greyed out");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (booking_row (window),
                                                                          "unavailable-reason"))),
                   ==, "This service is switched off at this kiosk for now. Use another kiosk or "
                       "the service desk.");
  g_assert_cmpint (console (biz, "/api/v1/modules", "{\"module\":\"receipt\",\"enabled\":true,"
                            "\"number\":\"" NUMBER "\"}"), ==, 0);
  wait_for (row_usable, window, "booking back");

  /* Self-test: the devices are tested again and the heartbeat goes at once. */
  g_log_set_default_handler (count_messages, NULL);
  g_assert_cmpint (console (admin, "/api/v1/terminals/" NUMBER "/commands",
                            "{\"kind\":\"self-test\"}"), ==, 0);
  wait_for (self_test_done, NULL, "the self-test");
  g_log_set_default_handler (g_log_default_handler, NULL);

  /* A citizen's session and a service given up: usage events, once each. */
  tongban_window_open (window, "flow", "F-GD-09");
  ui_test_iterate (50);
  g_assert_true (gtk_widget_activate_action (tongban_window_get_part (window, "flow_page"),
                                             "flow.cancel", NULL));
  g_assert_true (gtk_widget_activate_action (tongban_window_get_part (window, "flow_page"),
                                             "flow.stop", NULL));
  ui_test_iterate (50);
  tongban_session_begin (tongban_window_get_session (window));
  tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_TIMEOUT);
  wait_for (event_stored, "service/F-GD-09/cancel", "the service event");
  wait_for (event_stored, "session-start//", "the session start");
  wait_for (event_stored, "session-end//timeout", "the session end");

  tongban_manager_client_stop (client);
  tongban_remote_free (remote);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_iterate (20);
  tongban_devices_stop (devices);
  tm_test_server_stop (server);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_remove (path);
      }
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TONGBAN_LOCALEDIR");

  g_assert_nonnull (localedir);
  tongban_i18n_init (localedir);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_test_add_func ("/client/remote", test_remote);
  return g_test_run ();
}

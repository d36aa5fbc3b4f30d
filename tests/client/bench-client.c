/* bench-client.c: how fast the kiosk queues usage events on disk (WAL,
 * synchronous=FULL: one fsync per event) and delivers them to a real manager
 * (batches of 100, signed). Prints figures; never fails on time. */

#include <glib/gstdio.h>

#include "tm-test.h"
#include "tongban-manager-client.h"

#define PW "Tongban#2026ok"

static gboolean
queue_is (TongbanManagerClient *client,
          gint64                n)
{
  return tongban_manager_client_queued (client) == n;
}

static void
spin_until_queue (TongbanManagerClient *client,
                  gint64                n)
{
  while (!queue_is (client, n))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

int
main (int   argc,
      char *argv[])
{
  const guint n_push = 500, n_send = 5000;
  g_autofree char *dir = g_dir_make_tmp ("tongban-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "usage-events.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanManagerClient) client = NULL;
  g_autofree char *url = NULL;
  g_autofree char *admin = NULL;
  TongbanManagerClientSetup setup = { 0 };
  TmTestServer *server;
  gint64 t0, now = g_get_real_time () / G_USEC_PER_SEC;

  {
    g_autoptr(TongbanEventQueue) queue = tongban_event_queue_open (path, &error);

    g_assert_no_error (error);
    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < n_push; i++)
      {
        TongbanUsageEvent event = { "service", "transport", "vehicle-licence", "idcard",
                                    "success", 1200, now };
        g_autofree char *id = tongban_event_queue_push (queue, &event, &error);

        g_assert_no_error (error);
      }
    g_print ("queue: %u events written one by one (fsync each) in %.1f ms: %.0f events/s\n",
             n_push, (g_get_monotonic_time () - t0) / 1000.0,
             n_push * 1e6 / (double) (g_get_monotonic_time () - t0));
    for (guint i = n_push; i < n_send; i++)
      {
        TongbanUsageEvent event = { "session-end", NULL, NULL, NULL, "timeout", 60000, now };
        g_autofree char *id = tongban_event_queue_push (queue, &event, &error);

        g_assert_no_error (error);
      }
  }

  server = tm_test_server_start ((const char * const[]) { "--heartbeat-interval", "30", NULL });
  tm_test_create_account (server, "admin", "sysadmin", "440000", PW);
  admin = tm_test_login (server->port, "admin", PW);
  url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  setup.url = url;
  setup.number = "BENCH-0001";
  setup.region_code = "440304";
  setup.state_dir = dir;
  setup.max_backoff_s = 1;
  client = tongban_manager_client_new (&setup, &error);
  g_assert_no_error (error);
  {
    g_autoptr(TmTestResponse) r = NULL;

    tongban_manager_client_start (client);
    while (tongban_manager_client_get_link (client) != TONGBAN_MANAGER_LINK_PENDING)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    r = tm_test_console (server->port, admin, "POST", "/api/v1/terminals/BENCH-0001/approve",
                         NULL);
    g_assert_cmpint (r->code, ==, 0);
  }
  t0 = g_get_monotonic_time ();
  tongban_manager_client_flush (client);
  spin_until_queue (client, 0);
  g_print ("delivery: %u events to tongban-manager (%s) in %.0f ms after approval, "
           "including the next login attempt (up to 1 s) and the login: %.0f events/s\n", n_send,
           tm_test_on_postgres () ? "PostgreSQL" : "SQLite",
           (g_get_monotonic_time () - t0) / 1000.0,
           n_send * 1e6 / (double) (g_get_monotonic_time () - t0));

  g_clear_object (&client);
  tm_test_server_stop (server);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);

        g_remove (file);
      }
  }
  g_rmdir (dir);
  return 0;
}

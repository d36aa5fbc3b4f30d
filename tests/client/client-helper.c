/* client-helper.c: a kiosk's link to the manager in a process of its own, for
 * the test that kills it mid-delivery.
 *
 *   client-helper URL STATE_DIR NUMBER N
 *
 * Queues N usage events (prints "queued" once they are on disk), then runs the
 * link until the queue is empty, stops it and exits 0.
 */

#include <stdio.h>
#include "tongban-manager-client.h"

static gboolean
check_done (gpointer data)
{
  TongbanManagerClient *client = data;

  return tongban_manager_client_queued (client) == 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanManagerClient) client = NULL;
  g_autofree char *path = NULL;
  TongbanManagerClientSetup setup = { 0 };
  guint n;

  if (argc != 5)
    {
      g_printerr ("usage: client-helper URL STATE_DIR NUMBER N\n");
      return 2;
    }
  n = (guint) g_ascii_strtoull (argv[4], NULL, 10);
  if (g_mkdir_with_parents (argv[2], 0700) != 0)
    return 1;
  path = g_build_filename (argv[2], "usage-events.db", NULL);
  {
    g_autoptr(TongbanEventQueue) queue = tongban_event_queue_open (path, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < n; i++)
      {
        TongbanUsageEvent event = { "service", "social-security", "pension-status", "idcard",
                                    "success", 1000 + i, g_get_real_time () / G_USEC_PER_SEC };
        g_autofree char *id = tongban_event_queue_push (queue, &event, &error);

        g_assert_no_error (error);
      }
  }
  g_print ("queued\n");
  fflush (stdout);

  setup.url = argv[1];
  setup.state_dir = argv[2];
  setup.number = argv[3];
  setup.region_code = "440304";
  setup.max_backoff_s = 1;
  client = tongban_manager_client_new (&setup, &error);
  g_assert_no_error (error);
  tongban_manager_client_start (client);
  while (check_done (client) == G_SOURCE_CONTINUE)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
  /* The worker ends before the process does (LeakSanitizer's exit check
   * must not meet a running thread). */
  tongban_manager_client_stop (client);
  g_print ("delivered\n");
  return 0;
}

/* client-link.h: the kiosk's link to a test manager, registered and approved
 *
 * Starts a TongbanManagerClient against the tm-test manager on @port, waits until
 * it has registered (pending approval), approves the terminal through the console
 * API as @admin and asks for a heartbeat, so the link logs in. Shared by the tests
 * that send business calls through the real manager.
 */
#pragma once

#include "tm-test.h"
#include "tongban-manager-client.h"

static inline TongbanManagerClient *
client_link_start (guint       port,
                   const char *admin,
                   const char *number,
                   const char *region_code,
                   const char *state_dir)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *approve = g_strdup_printf ("/api/v1/terminals/%s/approve", number);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmTestResponse) r = NULL;
  TongbanManagerClientSetup setup = { 0 };
  TongbanManagerClient *client;
  gint64 until;

  setup.url = url;
  setup.number = number;
  setup.region_code = region_code;
  setup.state_dir = state_dir;
  setup.max_backoff_s = 1;
  client = tongban_manager_client_new (&setup, &error);
  g_assert_no_error (error);
  tongban_manager_client_start (client);
  until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (tongban_manager_client_get_link (client) != TONGBAN_MANAGER_LINK_PENDING &&
         g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  r = tm_test_console (port, admin, "POST", approve, NULL);
  g_assert_cmpint (r->code, ==, 0);
  tongban_manager_client_heartbeat_now (client);
  return client;
}

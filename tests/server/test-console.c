/* test-console.c: the web console in headless Chromium against a real tongban-manager
 *
 * This program starts the manager on a fresh SQLite database, seeds it the way the field
 * does (accounts through --create-account; terminals that register with their SM2 key, are
 * approved, log in and send signed heartbeats; a part fault that raises an alarm; usage
 * events), then runs console-driver.py, which drives Chromium through chromedriver and
 * prints TAP. The driver's output and exit status are this test's.
 */

#include <string.h>
#include <glib/gstdio.h>

#include "tm-test.h"

#define PW "Console#Test2026"

typedef struct {
  const char *number;
  const char *region;
  gboolean    approve;
} Seed;

/* Guangdong 7: Guangzhou 5 (Tianhe 4 of which one pending, Yuexiu 1), Shenzhen 1 (Futian),
 * Dongguan 1 (Dongcheng subdistrict: a town-level region with no district above it). */
static const Seed seeds[] = {
  { "GZ-TH-0001", "440106", TRUE },
  { "GZ-TH-0002", "440106", TRUE },
  { "GZ-TH-0003", "440106", TRUE },
  { "GZ-TH-0009", "440106", FALSE },
  { "GZ-YX-0001", "440104", TRUE },
  { "SZ-FT-0001", "440304", TRUE },
  { "DG-DC-0001", "441900003", TRUE },
};

static TmTestResponse *
heartbeat (TmTestTerminal *t,
           const char     *body)
{
  return tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat", body, 0, NULL);
}

static void
seed_usage (TmTestTerminal *t)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *batch = g_strdup_printf (
    "{\"events\":["
    "{\"event_id\":\"console-0001\",\"kind\":\"service\",\"category\":\"social-insurance\","
    "\"service\":\"gd-si-certificate\",\"outcome\":\"success\",\"duration_ms\":42000,"
    "\"occurred_at\":%" G_GINT64_FORMAT "},"
    "{\"event_id\":\"console-0002\",\"kind\":\"service\",\"category\":\"social-insurance\","
    "\"service\":\"gd-si-certificate\",\"outcome\":\"success\",\"duration_ms\":38000,"
    "\"occurred_at\":%" G_GINT64_FORMAT "},"
    "{\"event_id\":\"console-0003\",\"kind\":\"service\",\"category\":\"housing-fund\","
    "\"service\":\"gz-hf-balance\",\"outcome\":\"success\",\"duration_ms\":20000,"
    "\"occurred_at\":%" G_GINT64_FORMAT "},"
    "{\"event_id\":\"console-0004\",\"kind\":\"service\",\"category\":\"social-insurance\","
    "\"service\":\"gd-si-certificate\",\"outcome\":\"success\",\"duration_ms\":40000,"
    "\"occurred_at\":%" G_GINT64_FORMAT "}]}",
    now - 3600, now - 1800, now - 600,
    /* 40 days ago: outside the console's default 30-day range. */
    now - 40 * 86400);
  g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/events",
                                                       batch, 0, NULL);

  g_assert_cmpint (r->code, ==, 0);
  g_assert_cmpint (json_object_get_int_member (tm_test_data (r), "stored"), ==, 4);
}

int
main (int    argc,
      char **argv)
{
  const char *args[] = { "--heartbeat-interval", "60", NULL };
  g_autoptr(GPtrArray) terminals = g_ptr_array_new_with_free_func (
    (GDestroyNotify) tm_test_terminal_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *url = NULL;
  g_autofree char *port = NULL;
  g_auto(GStrv) env = NULL;
  const char *driver = g_getenv ("TONGBAN_CONSOLE_DRIVER");
  const char *python = g_getenv ("TONGBAN_PYTHON");
  TmTestServer *server;
  int status = 0;

  g_assert_nonnull (driver);
  server = tm_test_server_start (args);
  tm_test_create_account (server, "admin", "sysadmin", "440000", PW);
  tm_test_create_account (server, "biz", "bizadmin", "440000", PW);
  tm_test_create_account (server, "auditor", "auditor", "440000", PW);
  tm_test_create_account (server, "careless", "sysadmin", "440000", PW);
  admin = tm_test_login (server->port, "admin", PW);

  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      TmTestTerminal *t = tm_test_terminal_new (server->port, seeds[i].number, seeds[i].region);
      g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);

      g_assert_cmpint (reg->code, ==, 0);
      g_ptr_array_add (terminals, t);
      if (seeds[i].approve)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/terminals/%s/approve",
                                                   seeds[i].number);
          g_autoptr(TmTestResponse) ok = tm_test_console (server->port, admin, "POST", path,
                                                          NULL);
          g_autoptr(TmTestResponse) hb = NULL;
          gint64 code = -1;

          g_assert_cmpint (ok->code, ==, 0);
          g_assert_true (tm_test_terminal_login (t, &code));
          hb = heartbeat (t, i == 1
                          ? "{\"sw_version\":\"0.2.0\",\"components\":[{\"name\":\"laser\","
                            "\"status\":\"hardware-error\"}]}"
                          : "{\"sw_version\":\"0.2.0\"}");
          g_assert_cmpint (hb->code, ==, 0);
        }
    }
  seed_usage (terminals->pdata[0]);

  port = g_strdup_printf ("%u", server->port);
  url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  env = g_get_environ ();
  env = g_environ_setenv (env, "TONGBAN_CONSOLE_URL", url, TRUE);
  env = g_environ_setenv (env, "TONGBAN_CONSOLE_PASSWORD", PW, TRUE);
  {
    const char *cmd[] = { python ? python : "python3", driver, NULL };

    /* The driver's stdout (TAP) and stderr are ours. */
    g_spawn_sync (NULL, (char **) cmd, env,
                  G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                  &status, &error);
  }
  tm_test_server_stop (server);
  if (error != NULL)
    {
      g_printerr ("cannot run %s: %s\n", driver, error->message);
      return 1;
    }
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

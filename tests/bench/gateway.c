/* gateway.c: what the manager's gateway adds to a business call, over the back end's time
 *
 * A real tongban-manager (SQLite, or PostgreSQL under pg-wrap.sh) routes signed calls from
 * one terminal to an in-process REST back end (tm-test's stand-in) that measures its own
 * time per answer. For each of N sequential si.info calls with a citizen session (every
 * check, schema, sealed configuration read, adapter, usage record), the overhead is the
 * round trip seen by the terminal minus the back end's own time. A signed GET
 * /api/terminal/v1/time round trip is printed beside it: the cost of the signed HTTP hop
 * alone. Target: median overhead ≤ 2 ms. Prints figures; never fails on a time.
 */

#include "tm-test.h"

#include <string.h>

#define N_CALLS 500
#define WARMUP  20

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static void
print_figures (const char *what,
               GArray     *ms)
{
  double sum = 0;

  g_array_sort (ms, compare_doubles);
  for (guint i = 0; i < ms->len; i++)
    sum += g_array_index (ms, double, i);
  g_print ("%-34s median %.3f ms  p95 %.3f ms  mean %.3f ms  (n=%u)\n", what,
           g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, (guint) (ms->len * 0.95)), sum / ms->len, ms->len);
}

static char *
call_body (const char *operation,
           const char *session,
           const char *params)
{
  g_autofree char *id = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                         g_random_int (), g_random_int ());

  return g_strdup_printf ("{\"call_id\":\"%s\",\"service\":\"F-GD-09\",\"operation\":\"%s\"%s%s%s,"
                          "\"params\":%s}", id, operation, session ? ",\"session\":\"" : "",
                          session ? session : "", session ? "\"" : "", params);
}

int
main (int    argc,
      char **argv)
{
  const char * const pw = "Tongban#2026ok";
  TmTestBackend *backend;
  TmTestServer *server;
  g_autoptr(TmTestTerminal) t = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *session = NULL;
  g_autoptr(GArray) overhead = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) backend_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) hop = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 code = -1;

  g_setenv ("TONGBAN_MASTER_KEY", "00112233445566778899aabbccddeeff", TRUE);
  backend = tm_test_backend_start ();
  server = tm_test_server_start (NULL);
  tm_test_create_account (server, "admin", "sysadmin", "440000", pw);
  admin = tm_test_login (server->port, "admin", pw);
  for (guint i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "identity" : "gd-hrss";
      g_autofree char *path = g_strdup_printf ("/api/v1/backends/%s", id);
      g_autofree char *body = g_strdup_printf ("{\"transport\":\"rest\",\"base_url\":"
                                               "\"http://127.0.0.1:%u/%s\",\"timeout_ms\":5000,"
                                               "\"credential\":\"bench-token\"}",
                                               tm_test_backend_port (backend), id);
      g_autoptr(TmTestResponse) r = tm_test_console (server->port, admin, "PUT", path, body);

      g_assert_cmpint (r->code, ==, 0);
    }
  t = tm_test_terminal_new (server->port, "GZ-TH-0001", "440106");
  {
    g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);
    g_autoptr(TmTestResponse) ok = tm_test_console (server->port, admin, "POST",
                                                    "/api/v1/terminals/GZ-TH-0001/approve", NULL);

    g_assert_cmpint (reg->code, ==, 0);
    g_assert_cmpint (ok->code, ==, 0);
    g_assert_true (tm_test_terminal_login (t, &code));
  }
  {
    g_autofree char *body = call_body ("auth.id-card", NULL,
                                       "{\"id_number\":\"" TM_TEST_ID_NUMBER "\",\"name\":\"x\","
                                       "\"birth\":\"1990-01-01\",\"expiry\":\"2030-01-01\"}");
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/calls",
                                                         body, 0, NULL);

    g_assert_cmpint (r->code, ==, 0);
    session = g_strdup (json_object_get_string_member (tm_test_data (r), "session"));
  }

  for (guint i = 0; i < WARMUP + N_CALLS; i++)
    {
      g_autofree char *body = call_body ("si.info", session, "{}");
      g_autoptr(TmTestResponse) r = NULL;
      g_autoptr(TmTestResponse) h = NULL;
      gint64 start = g_get_monotonic_time (), mid, end;
      double total, own;

      r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/calls", body, 0, NULL);
      mid = g_get_monotonic_time ();
      g_assert_cmpint (r->code, ==, 0);
      own = tm_test_backend_spent_us (backend) / 1000.0;
      h = tm_test_terminal_call (t, "GET", "/api/terminal/v1/time", NULL, 0, NULL);
      end = g_get_monotonic_time ();
      g_assert_cmpint (h->code, ==, 0);
      if (i < WARMUP)
        continue;
      total = (mid - start) / 1000.0;
      g_array_append_vals (backend_ms, &own, 1);
      own = total - own;
      g_array_append_vals (overhead, &own, 1);
      total = (end - mid) / 1000.0;
      g_array_append_vals (hop, &total, 1);
    }

  g_print ("gateway on %s, %u sequential si.info calls with a citizen session\n",
           tm_test_on_postgres () ? "postgresql" : "sqlite", N_CALLS);
  print_figures ("gateway overhead (call - back end)", overhead);
  print_figures ("back end's own time", backend_ms);
  print_figures ("signed GET /time round trip", hop);
  g_print ("target: median gateway overhead <= 2 ms\n");

  tm_test_server_stop (server);
  tm_test_backend_stop (backend);
  return 0;
}

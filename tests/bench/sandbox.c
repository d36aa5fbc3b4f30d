/* sandbox.c: tongban-sandbox's answer times over HTTP (keep-alive, loopback)
 *
 * A read (si.info), a submission (gd.apply, a new request_id each time), a replayed
 * request_id and a certificate (si.certificate, registered for /verify): p50 and p99 of
 * one caller, then calls per second with four callers at once. Prints figures; never
 * fails on a time.
 */

#include "sb-test.h"

#include <string.h>

#define ROUNDS  1000
#define THREADS 4

static guint port;

static const char *headers[] = { "Authorization: Bearer sandbox",
                                 "Content-Type: application/json", NULL };

static SbTestReply *
one_call (CURL       *curl,
          const char *path,
          const char *request_id,
          const char *params)
{
  g_autofree char *body = g_strdup_printf (
    "{\"request_id\": \"%s\", \"terminal\": \"T-BENCH\", \"service\": \"F-BENCH\", "
    "\"citizen\": {\"id_type\": \"resident-id\", \"id_number\": \"440106199001011235\", "
    "\"name\": \"演示样卡\"}, \"params\": %s}", request_id, params);

  return sb_test_http (curl, port, "POST", path, headers, body, -1);
}

static int
cmp_gint64 (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
latency (const char *label,
         const char *path,
         const char *params,
         gboolean    same_id)
{
  CURL *curl = curl_easy_init ();
  g_autoptr(GArray) times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ROUNDS);
  guint failed = 0;

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autofree char *id = same_id ? g_strdup ("bench-same")
                                    : g_strdup_printf ("bench-%s-%u", label, i);
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(SbTestReply) r = one_call (curl, path, id, params);
      gint64 t = g_get_monotonic_time () - t0;

      failed += r->status != 200;
      g_array_append_val (times, t);
    }
  g_array_sort (times, cmp_gint64);
  g_print ("%-16s p50 %6.3f ms  p99 %6.3f ms  (%u calls, %u not 200)\n", label,
           g_array_index (times, gint64, ROUNDS / 2) / 1000.0,
           g_array_index (times, gint64, ROUNDS * 99 / 100) / 1000.0, ROUNDS, failed);
  curl_easy_cleanup (curl);
}

static gpointer
caller (gpointer data)
{
  CURL *curl = curl_easy_init ();
  guint n = GPOINTER_TO_UINT (data);

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autofree char *id = g_strdup_printf ("bench-par-%u-%u", n, i);
      g_autoptr(SbTestReply) r = one_call (curl, "/gd-hrss/ops/si.info", id, "{}");

      g_assert_cmpint (r->status, ==, 200);
    }
  curl_easy_cleanup (curl);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  SbTestSandbox *sb;
  GThread *threads[THREADS];
  gint64 t0, elapsed;

  curl_global_init (CURL_GLOBAL_DEFAULT);
  sb = sb_test_start (FALSE, NULL);
  port = sb->port;

  latency ("si.info", "/gd-hrss/ops/si.info", "{}", FALSE);
  latency ("gd.apply", "/gd-gsda/ops/gd.apply",
           "{\"item\": \"GD-0207\", \"phone\": \"13800138000\"}", FALSE);
  latency ("replayed id", "/gd-hrss/ops/si.info", "{}", TRUE);
  latency ("si.certificate", "/gd-hrss/ops/si.certificate", "{}", FALSE);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < THREADS; i++)
    threads[i] = g_thread_new ("caller", caller, GUINT_TO_POINTER (i));
  for (guint i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
  elapsed = g_get_monotonic_time () - t0;
  g_print ("%u callers        %.0f calls/s (si.info, %u calls)\n", THREADS,
           THREADS * ROUNDS / (elapsed / 1e6), THREADS * ROUNDS);

  sb_test_stop (sb);
  curl_global_cleanup ();
  return 0;
}

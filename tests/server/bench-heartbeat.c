/* bench-heartbeat.c: signed heartbeats per second and latency against a real tongban-manager
 *
 * Starts the manager (SQLite, or PostgreSQL under pg-wrap.sh), registers and logs in a set
 * of terminals, then drives HMAC-SM3-signed heartbeats over keep-alive loopback connections:
 * first closed-loop at full speed (peak throughput), then paced at 667/s — 20,000 terminals
 * every 30 s — measuring each request from its scheduled start, so a stall is not hidden
 * (no coordinated omission). 20,000 terminals are registered, as in the load model; the
 * manager's peak resident memory and a city statistics query over them are printed too.
 * Prints figures; never fails on a time.
 */

#include "tm-test.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tongban-request-sign.h"
#include "tongban-sm.h"

#define N_TERMINALS 64
#define N_THREADS   8
#define PEAK_SECONDS 5
#define PACED_SECONDS 5
#define PACED_RATE  667.0

static TmTestTerminal *terminals[N_TERMINALS];
static guint port;

typedef struct {
  guint     index;
  double    rate;        /* per thread; 0 = as fast as possible */
  double    seconds;
  GArray   *latencies;   /* double, ms */
  guint     errors;
} Worker;

static int
connect_loopback (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* One keep-alive request; returns the HTTP status or 0 on a broken connection. */
static guint
request (int            fd,
         TmTestTerminal *t,
         const char     *body)
{
  gint64 ts = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *nonce = tongban_nonce_new ();
  g_autofree char *sig = tongban_request_sign (t->session_key, 32, "POST",
                                               "/api/terminal/v1/heartbeat", ts, nonce, body,
                                               strlen (body));
  g_autofree char *req = g_strdup_printf ("POST /api/terminal/v1/heartbeat HTTP/1.1\r\n"
                                          "Host: 127.0.0.1\r\nX-Session-Id: %s\r\n"
                                          "X-Timestamp: %" G_GINT64_FORMAT "\r\nX-Nonce: %s\r\n"
                                          "X-Signature: %s\r\nContent-Type: application/json\r\n"
                                          "Content-Length: %zu\r\n\r\n%s", t->session_id, ts,
                                          nonce, sig, strlen (body), body);
  char buf[8192];
  gsize have = 0, need = 0;
  const char *end = NULL;

  if (write (fd, req, strlen (req)) != (ssize_t) strlen (req))
    return 0;
  while (end == NULL || have < need)
    {
      ssize_t n = read (fd, buf + have, sizeof buf - 1 - have);

      if (n <= 0)
        return 0;
      have += (gsize) n;
      buf[have] = '\0';
      if (end == NULL && (end = strstr (buf, "\r\n\r\n")) != NULL)
        {
          const char *cl = strcasestr (buf, "Content-Length:");

          if (cl == NULL)
            return 0;
          need = (gsize) (end - buf) + 4 + g_ascii_strtoull (cl + 15, NULL, 10);
        }
    }
  return (guint) g_ascii_strtoull (buf + 9, NULL, 10);
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  const char *body = "{\"components\":[{\"name\":\"laser\",\"status\":\"online\"},"
                     "{\"name\":\"idcard\",\"status\":\"online\"}],\"consumables\":"
                     "[{\"item\":\"a4-paper\",\"level\":80}],\"network\":{\"type\":\"ethernet\"}}";
  int fd = connect_loopback ();
  gint64 start = g_get_monotonic_time ();
  gint64 stop = start + (gint64) (w->seconds * G_USEC_PER_SEC);
  guint64 n = 0;

  for (;;)
    {
      /* Paced: each request has a scheduled time; latency counts from it. */
      gint64 scheduled = w->rate > 0 ? start + (gint64) (n * G_USEC_PER_SEC / w->rate)
                                     : g_get_monotonic_time ();
      gint64 now = g_get_monotonic_time ();
      TmTestTerminal *t = terminals[(w->index + n * N_THREADS) % N_TERMINALS];
      double ms;
      guint status;

      if (scheduled >= stop || now >= stop)
        break;
      if (scheduled > now)
        g_usleep ((gulong) (scheduled - now));
      status = request (fd, t, body);
      if (status == 0)
        {
          close (fd);
          fd = connect_loopback ();
        }
      if (status != 200)
        w->errors++;
      ms = (double) (g_get_monotonic_time () - scheduled) / 1000.0;
      g_array_append_val (w->latencies, ms);
      n++;
    }
  close (fd);
  return NULL;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
run (const char *label,
     double      total_rate,
     double      seconds)
{
  Worker workers[N_THREADS];
  GThread *threads[N_THREADS];
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 t0 = g_get_monotonic_time ();
  double elapsed;
  guint errors = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i] = (Worker) { i, total_rate / N_THREADS, seconds,
                              g_array_new (FALSE, FALSE, sizeof (double)), 0 };
      threads[i] = g_thread_new ("load", worker_main, &workers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, workers[i].latencies->data, workers[i].latencies->len);
      errors += workers[i].errors;
      g_array_unref (workers[i].latencies);
    }
  elapsed = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  g_array_sort (all, compare_double);
  if (all->len == 0)
    return;
  g_print ("%-8s %-28s %8.0f heartbeats/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  "
           "(%u requests, %u errors, %d connections)\n",
           tm_test_on_postgres () ? "postgres" : "sqlite", label, all->len / elapsed,
           g_array_index (all, double, all->len / 2),
           g_array_index (all, double, (gsize) (all->len * 0.99)),
           g_array_index (all, double, all->len - 1), all->len, errors, N_THREADS);
}

int
main (int argc, char **argv)
{
  const char *args[] = { "--threads", "4", NULL };
  TmTestServer *server;
  g_autofree char *token = NULL;

  /* A fleet of 20,000 registered terminals (the load model's size), written straight into
   * the database; only N_TERMINALS of them log in and send heartbeats. */
  {
    g_autofree char *uri = tm_test_db_uri ();
    g_autoptr(GError) error = NULL;
    g_autoptr(EVP_PKEY) key = tongban_sm2_generate ();
    g_autofree char *pub = tongban_sm2_public_to_base64 (key);
    static const char * const regions[] = { "440106", "440304", "440402", "440605", "441900003",
                                            "810005", "820001", "441302" };
    TmConfig config;
    TmApp *app;
    TmConn *conn;

    tm_config_init (&config);
    g_free (config.db_uri);
    config.db_uri = g_strdup (uri);
    app = tm_app_new (&config, &error);
    g_assert_no_error (error);
    tm_config_clear (&config);
    conn = tm_db_acquire (app->db);
    g_assert_true (tm_conn_begin (conn, &error));
    for (guint i = 0; i < 20000; i++)
      {
        g_autofree char *number = g_strdup_printf ("FLEET-%05u", i);

        g_assert_true (tm_x (conn, &error, "INSERT INTO terminal (number, pubkey, status, site,"
                             " region_code, registered_at, last_seen, online) VALUES"
                             " (?, ?, 'active', 'site', ?, ?, ?, 1)", TM_STR (number),
                             TM_STR (pub), TM_STR (regions[i % G_N_ELEMENTS (regions)]),
                             TM_INT (tm_now ()), TM_INT (tm_now () + 3600)));
      }
    g_assert_true (tm_conn_commit (conn, &error));
    tm_db_release (app->db, conn);
    tm_app_free (app);
    server = tm_test_server_start_on (uri, args);
  }
  port = server->port;
  tm_test_create_account (server, "bench", "sysadmin", "440000", "Tongban#2026ok");
  token = tm_test_login (port, "bench", "Tongban#2026ok");
  for (guint i = 0; i < N_TERMINALS; i++)
    {
      g_autofree char *number = g_strdup_printf ("BENCH-%04u", i);
      g_autofree char *approve = g_strdup_printf ("/api/v1/terminals/%s/approve", number);
      g_autoptr(TmTestResponse) reg = NULL;
      g_autoptr(TmTestResponse) ok = NULL;
      gint64 code;

      terminals[i] = tm_test_terminal_new (port, number, "440106");
      reg = tm_test_terminal_register (terminals[i]);
      ok = tm_test_console (port, token, "POST", approve, NULL);
      g_assert_cmpint (ok->code, ==, 0);
      g_assert_true (tm_test_terminal_login (terminals[i], &code));
    }
  run ("peak (closed loop)", 0, PEAK_SECONDS);
  run ("paced 667/s (20k / 30 s)", PACED_RATE, PACED_SECONDS);
  {
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(TmTestResponse) stats = tm_test_console (port, token, "GET",
                                                       "/api/v1/terminals/stats?level=city", NULL);
    g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", server->pid);
    g_autofree char *status = NULL;
    const char *hwm;

    g_assert_cmpint (stats->code, ==, 0);
    g_print ("%-8s city statistics over 20,064 terminals: %.1f ms\n",
             tm_test_on_postgres () ? "postgres" : "sqlite",
             (double) (g_get_monotonic_time () - t0) / 1000.0);
    if (g_file_get_contents (status_path, &status, NULL, NULL)
        && (hwm = strstr (status, "VmHWM:")) != NULL)
      {
        g_autofree char *value = g_strndup (hwm + 6, strcspn (hwm + 6, "\n"));

        g_print ("%-8s manager peak resident memory: %s\n",
                 tm_test_on_postgres () ? "postgres" : "sqlite", g_strstrip (value));
      }
  }
  for (guint i = 0; i < N_TERMINALS; i++)
    tm_test_terminal_free (terminals[i]);
  tm_test_server_stop (server);
  return 0;
}

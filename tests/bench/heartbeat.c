/* heartbeat.c: signed heartbeats per second and latency against a real tongban-manager
 *
 *   heartbeat           the manager on SQLite, or on PostgreSQL under pg-wrap.sh
 *   heartbeat nginx     the ceiling: the same machine's nginx answering 204 to the same bytes
 *
 * Starts the manager, registers and logs in a set of terminals, then drives HMAC-SM3-signed
 * heartbeats over keep-alive loopback connections: first closed-loop at full speed (peak
 * throughput), then paced at 667/s — 20,000 terminals every 30 s — measuring each request
 * from its scheduled start, so a stall is not hidden (no coordinated omission). 20,000
 * terminals are registered, as in the load model; the manager's peak resident memory, its
 * CPU time per heartbeat and a city statistics query over them are printed too.
 *
 * Other work on the machine makes wall-clock figures noisy; with TONGBAN_BENCH_CALLGRIND=1
 * the manager runs under valgrind's callgrind and the benchmark prints the instructions
 * the manager executes per heartbeat (sequential requests, the writer's batches included;
 * setup and the once-a-second sweep not counted), a figure that does not depend on the load.
 *
 * Prints figures; never fails on a time.
 */

#include "tm-test.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tongban-request-sign.h"
#include "tongban-sm.h"

#define MAX_TERMINALS 4096
#define N_THREADS     8
#define PEAK_SECONDS  5
#define PACED_SECONDS 5
#define PACED_RATE    667.0
#define CALLGRIND_HEARTBEATS 2000

static TmTestTerminal *terminals[MAX_TERMINALS];
static guint n_terminals = 256;
static guint port;
static guint expect_status = 200;
static const char *label = "sqlite";
static const char *heartbeat_body =
  "{\"components\":[{\"name\":\"laser\",\"status\":\"online\"},"
  "{\"name\":\"idcard\",\"status\":\"online\"}],\"consumables\":"
  "[{\"item\":\"a4-paper\",\"level\":80}],\"network\":{\"type\":\"ethernet\"}}";

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
request (int             fd,
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
  guint status = 0;

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

          status = (guint) g_ascii_strtoull (buf + 9, NULL, 10);
          /* 204 has no body and no length (nginx's ceiling answer). */
          if (cl == NULL && status != 204)
            return 0;
          need = (gsize) (end - buf) + 4 + (cl ? g_ascii_strtoull (cl + 15, NULL, 10) : 0);
        }
    }
  return status;
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
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
      TmTestTerminal *t = terminals[(w->index + n * N_THREADS) % n_terminals];
      double ms;
      guint status;

      if (scheduled >= stop || now >= stop)
        break;
      if (scheduled > now)
        g_usleep ((gulong) (scheduled - now));
      status = request (fd, t, heartbeat_body);
      if (status == 0)
        {
          close (fd);
          fd = connect_loopback ();
        }
      if (status != expect_status)
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

/* CPU seconds (user + system) a process has used so far, from /proc; -1 if unknown. */
static double
process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL)
      || (after = strrchr (stat, ')')) == NULL)
    return -1;
  /* After "pid (comm)": state is field 3, utime 14 and stime 15 (proc(5)). */
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  return (double) (g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10))
         / (double) sysconf (_SC_CLK_TCK);
}

static void
run (const char *what,
     double      total_rate,
     double      seconds,
     GPid        server_pid)
{
  Worker workers[N_THREADS];
  GThread *threads[N_THREADS];
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 t0 = g_get_monotonic_time ();
  double elapsed, cpu0 = process_cpu_seconds (server_pid), cpu1;
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
  cpu1 = process_cpu_seconds (server_pid);
  g_array_sort (all, compare_double);
  if (all->len == 0)
    return;
  g_print ("%-8s %-26s %7.0f heartbeats/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  "
           "(%u requests, %u errors, %d connections", label, what, all->len / elapsed,
           g_array_index (all, double, all->len / 2),
           g_array_index (all, double, (gsize) (all->len * 0.99)),
           g_array_index (all, double, all->len - 1), all->len, errors, N_THREADS);
  if (cpu0 >= 0 && cpu1 >= 0)
    g_print (", server CPU %.0f us per request", (cpu1 - cpu0) * 1e6 / all->len);
  g_print (")\n");
}

static guint
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint p;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  p = ntohs (addr.sin_port);
  close (fd);
  return p;
}

/* The ceiling: Debian's nginx, in a temporary prefix on a loopback port, answering every
 * request with 204 — what this machine's HTTP on loopback can do with the same client. */
static int
bench_nginx (void)
{
  const char *nginx = g_find_program_in_path ("nginx") ? "nginx" : "/usr/sbin/nginx";
  g_autofree char *dir = g_dir_make_tmp ("tongban-nginx-XXXXXX", NULL);
  g_autofree char *conf_path = g_build_filename (dir, "nginx.conf", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *prefix = g_strconcat (dir, "/", NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { nginx, "-p", prefix, "-c", conf_path, "-e", "stderr", NULL };
  GPid pid;
  int status;

  if (!g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE)
      && g_find_program_in_path ("nginx") == NULL)
    {
      g_print ("nginx    not installed (apt-get install nginx): no ceiling measured\n");
      return 77;
    }
  port = free_port ();
  conf = g_strdup_printf ("daemon off;\nmaster_process on;\nworker_processes 2;\n"
                          "pid %s/nginx.pid;\nerror_log stderr warn;\n%s"
                          "events { worker_connections 1024; }\n"
                          "http {\n  access_log off;\n  keepalive_requests 100000000;\n"
                          "  client_body_temp_path %s/body;\n"
                          "  server {\n    listen 127.0.0.1:%u;\n"
                          "    location / { return 204; }\n  }\n}\n",
                          dir, getuid () == 0 ? "user root;\n" : "", dir, port);
  g_assert_true (g_file_set_contents (conf_path, conf, -1, NULL));
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 100; i++)
    {
      struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
      int fd = socket (AF_INET, SOCK_STREAM, 0);
      gboolean up;

      addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      up = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
      close (fd);
      if (up)
        break;
      g_usleep (50 * 1000);
    }
  /* The same signed bytes as the manager gets; nginx does not look at them. */
  label = "nginx";
  expect_status = 204;
  n_terminals = 1;
  terminals[0] = g_new0 (TmTestTerminal, 1);
  terminals[0]->session_id = g_strdup ("0123456789abcdef0123456789abcdef");
  run ("peak (closed loop)", 0, PEAK_SECONDS, -1);
  run ("paced 667/s (20k / 30 s)", PACED_RATE, PACED_SECONDS, -1);
  g_free (terminals[0]->session_id);
  g_free (terminals[0]);
  /* SIGQUIT: nginx's graceful stop; its workers go with the master. */
  kill (pid, SIGQUIT);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_cmpint (system (cmd), ==, 0);
  }
  return 0;
}

/* Under callgrind: the manager's instructions per heartbeat, setup excluded. */
static char *
callgrind_wrap (const char *dir)
{
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\nexec valgrind --tool=callgrind"
                                             " --instr-atstart=no --callgrind-out-file=%s/cg.%%p"
                                             " '%s' \"$@\"\n", dir, g_getenv ("TONGBAN_MANAGER"));
  char *path = g_build_filename (dir, "manager.sh", NULL);

  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  g_assert_cmpint (chmod (path, 0755), ==, 0);
  return path;
}

static void
callgrind_toggle (GPid        pid,
                  const char *on_off)
{
  g_autofree char *cmd = g_strdup_printf ("callgrind_control --instr=%s %d >/dev/null", on_off,
                                          pid);

  g_assert_cmpint (system (cmd), ==, 0);
}

static guint64
callgrind_total (const char *dir,
                 GPid        pid)
{
  g_autofree char *name = g_strdup_printf ("cg.%d", pid);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "\ntotals: ");
  if (line == NULL)
    line = strstr (text, "\nsummary: ");
  g_assert_nonnull (line);
  return g_ascii_strtoull (strchr (line, ':') + 1, NULL, 10);
}

int
main (int argc, char **argv)
{
  const char *args[] = { "--threads", "4", NULL, NULL, NULL };
  gboolean callgrind = g_strcmp0 (g_getenv ("TONGBAN_BENCH_CALLGRIND"), "1") == 0;
  g_autofree char *cg_dir = NULL;
  g_autofree char *wrapper = NULL;
  TmTestServer *server;
  GPid server_pid;
  g_autofree char *token = NULL;

  if (argc > 1 && g_str_equal (argv[1], "nginx"))
    return bench_nginx ();
  if (g_getenv ("TONGBAN_BENCH_TERMINALS") != NULL)
    n_terminals = CLAMP ((guint) g_ascii_strtoull (g_getenv ("TONGBAN_BENCH_TERMINALS"), NULL,
                                                    10), 1, MAX_TERMINALS);
  label = tm_test_on_postgres () ? "postgres" : "sqlite";
  if (callgrind)
    {
      cg_dir = g_dir_make_tmp ("tongban-callgrind-XXXXXX", NULL);
      wrapper = callgrind_wrap (cg_dir);
      g_setenv ("TONGBAN_MANAGER", wrapper, TRUE);
      n_terminals = MIN (n_terminals, 16);
      /* The once-a-second sweep costs per second, not per heartbeat, and valgrind makes
       * the seconds long: it does not run during the count. */
      args[2] = "--sweep-ms";
      args[3] = "3600000";
    }

  /* A fleet of 20,000 registered terminals (the load model's size), written straight into
   * the database; n_terminals more log in and send heartbeats. */
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
  for (guint i = 0; i < n_terminals; i++)
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
  if (callgrind)
    {
      int fd = connect_loopback ();

      /* Every terminal once first, so the figure is the steady state. */
      for (guint i = 0; i < n_terminals; i++)
        g_assert_cmpuint (request (fd, terminals[i], heartbeat_body), ==, 200);
      g_usleep (G_USEC_PER_SEC);
      callgrind_toggle (server->pid, "on");
      for (guint i = 0; i < CALLGRIND_HEARTBEATS; i++)
        g_assert_cmpuint (request (fd, terminals[i % n_terminals], heartbeat_body), ==, 200);
      /* Let batched writes land inside the measurement. */
      g_usleep (G_USEC_PER_SEC);
      callgrind_toggle (server->pid, "off");
      close (fd);
    }
  else
    {
      run ("peak (closed loop)", 0, PEAK_SECONDS, server->pid);
      run ("paced 667/s (20k / 30 s)", PACED_RATE, PACED_SECONDS, server->pid);
    }
  {
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(TmTestResponse) stats = tm_test_console (port, token, "GET",
                                                       "/api/v1/terminals/stats?level=city", NULL);
    g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", server->pid);
    g_autofree char *status = NULL;
    const char *hwm;

    g_assert_cmpint (stats->code, ==, 0);
    if (!callgrind)
      g_print ("%-8s city statistics over %u terminals: %.1f ms\n", label, 20000 + n_terminals,
               (double) (g_get_monotonic_time () - t0) / 1000.0);
    if (!callgrind && g_file_get_contents (status_path, &status, NULL, NULL)
        && (hwm = strstr (status, "VmHWM:")) != NULL)
      {
        g_autofree char *value = g_strndup (hwm + 6, strcspn (hwm + 6, "\n"));

        g_print ("%-8s manager peak resident memory: %s (%u sessions)\n", label,
                 g_strstrip (value), n_terminals);
      }
  }
  for (guint i = 0; i < n_terminals; i++)
    tm_test_terminal_free (terminals[i]);
  server_pid = server->pid;
  tm_test_server_stop (server);
  if (callgrind)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", cg_dir);

      g_print ("%-8s manager instructions per heartbeat (callgrind, %u sequential): %.0f\n", label,
               CALLGRIND_HEARTBEATS,
               (double) callgrind_total (cg_dir, server_pid) / CALLGRIND_HEARTBEATS);
      /* TONGBAN_BENCH_CALLGRIND_OUT=FILE keeps the profile (callgrind_annotate FILE). */
      if (g_getenv ("TONGBAN_BENCH_CALLGRIND_OUT") != NULL)
        {
          g_autofree char *keep = g_strdup_printf ("cp '%s/cg.%d' '%s'", cg_dir, server_pid,
                                                   g_getenv ("TONGBAN_BENCH_CALLGRIND_OUT"));

          g_assert_cmpint (system (keep), ==, 0);
        }
      g_assert_cmpint (system (cmd), ==, 0);
    }
  return 0;
}

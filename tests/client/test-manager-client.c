/* test-manager-client.c: the kiosk's link against a real tongban-manager
 *
 * Each test starts the manager (tests/server/tm-test.c; on SQLite and, through
 * pg-wrap.sh, on PostgreSQL) with one-second heartbeats, and runs the kiosk's
 * client in this process (or, to kill it, in client-helper).
 */

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "tm-test.h"
#include "tongban-clock.h"
#include "tongban-manager-client.h"

#define PW "Tongban#2026ok"

typedef struct {
  TmTestServer         *server;
  char                 *admin;
  char                 *biz;
  char                 *state_dir;
  char                 *url;
  TongbanManagerClient *client;
  guint                 self_tests;
} Fixture;

static const char * const fast[] = { "--heartbeat-interval", "1", NULL };
static const char * const short_sessions[] = { "--heartbeat-interval", "1", "--session-ttl", "2",
                                               NULL };

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = tm_test_server_start (data ? data : fast);
  tm_test_create_account (f->server, "admin", "sysadmin", "440000", PW);
  tm_test_create_account (f->server, "biz", "bizadmin", "440000", PW);
  f->admin = tm_test_login (f->server->port, "admin", PW);
  f->biz = tm_test_login (f->server->port, "biz", PW);
  f->state_dir = g_dir_make_tmp ("tongban-client-XXXXXX", NULL);
  f->url = g_strdup_printf ("http://127.0.0.1:%u", f->server->port);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->client);
  tm_test_server_stop (f->server);
  remove_tree (f->state_dir);
  g_free (f->state_dir);
  g_free (f->url);
  g_free (f->admin);
  g_free (f->biz);
}

static TongbanManagerClient *
client_new (Fixture    *f,
            const char *number)
{
  TongbanManagerClientSetup setup = { 0 };
  g_autoptr(GError) error = NULL;
  TongbanManagerClient *client;

  setup.url = f->url;
  setup.number = number;
  setup.site = "Futian service hall";
  setup.region_code = "440304";
  setup.state_dir = f->state_dir;
  setup.max_backoff_s = 1;
  client = tongban_manager_client_new (&setup, &error);
  g_assert_no_error (error);
  return client;
}

typedef gboolean (*Check) (Fixture *f, gconstpointer data);

/* Runs the main context until @check holds; fails after @seconds. */
static void
wait_until (Fixture       *f,
            Check          check,
            gconstpointer  data,
            guint          seconds,
            const char    *what)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!check (f, data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static gboolean
link_is (Fixture       *f,
         gconstpointer  data)
{
  return tongban_manager_client_get_link (f->client)
         == (TongbanManagerLink) GPOINTER_TO_UINT (data);
}

static gboolean
locked_is (Fixture       *f,
           gconstpointer  data)
{
  return tongban_manager_client_get_locked (f->client) == GPOINTER_TO_INT (data);
}

static gboolean
module_off (Fixture       *f,
            gconstpointer  data)
{
  g_auto(GStrv) off = tongban_manager_client_dup_modules_off (f->client);

  return g_strv_contains ((const char * const *) off, data);
}

static gboolean
module_on (Fixture       *f,
           gconstpointer  data)
{
  return !module_off (f, data);
}

static gboolean
self_tested (Fixture       *f,
             gconstpointer  data)
{
  return f->self_tests > 0;
}

static gboolean
queue_empty (Fixture       *f,
             gconstpointer  data)
{
  return tongban_manager_client_queued (f->client) == 0;
}

static gboolean
queue_holds (Fixture       *f,
             gconstpointer  data)
{
  return tongban_manager_client_queued (f->client) == GPOINTER_TO_INT (data);
}

static gint64
console (Fixture    *f,
         const char *token,
         const char *path,
         const char *body)
{
  g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, token, "POST", path, body);

  return r->code;
}

/* Rows the manager stored for @number, and how many distinct event ids. */
static void
count_events (TmTestServer *server,
              const char   *number,
              gint64       *rows,
              gint64       *distinct)
{
  g_autoptr(GError) error = NULL;
  TmDb *db = tm_db_open (server->db_uri, 1, &error);
  g_autoptr(TmRows) r = NULL;
  TmConn *conn;

  g_assert_no_error (error);
  conn = tm_db_acquire (db);
  r = tm_q (conn, &error, "SELECT COUNT(*), COUNT(DISTINCT e.event_id) FROM usage_event e"
            " JOIN terminal t ON t.id = e.terminal_id WHERE t.number = ?", TM_STR (number));
  g_assert_no_error (error);
  *rows = tm_rows_get_int (r, 0, 0);
  *distinct = tm_rows_get_int (r, 0, 1);
  tm_db_release (db, conn);
  tm_db_free (db);
}

static void
on_self_test (TongbanManagerClient *client,
              Fixture              *f)
{
  f->self_tests++;
}

static void
assert_private (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* First boot: register, wait for approval, log in, signed heartbeats carrying
 * the device report; commands and module switches come back. */
static void
test_first_boot (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) report = NULL;

  f->client = client_new (f, "SZ-FT-0001");
  g_signal_connect (f->client, "self-test", G_CALLBACK (on_self_test), f);
  assert_private (f->state_dir, "terminal-key.pem");
  assert_private (f->state_dir, "usage-events.db");
  report = json_from_string ("{\"components\":[{\"name\":\"receipt\",\"status\":\"online\"},"
                             "{\"name\":\"idcard\",\"status\":\"online\"}],"
                             "\"consumables\":[{\"item\":\"receipt-paper\",\"level\":80,"
                             "\"state\":\"full\"}]}", NULL);
  tongban_manager_client_set_report (f->client, report);
  tongban_manager_client_start (f->client);

  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_PENDING), 20, "pending");
  /* Not approved yet: still pending a while later, never online. */
  g_usleep (1500 * 1000);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (tongban_manager_client_get_link (f->client), ==, TONGBAN_MANAGER_LINK_PENDING);

  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0001/approve", NULL), ==, 0);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_ONLINE), 20, "online");
  /* The manager's clock, on this same machine: within a second of ours. */
  g_assert_cmpint (ABS (tongban_manager_client_clock_offset_ms (f->client)), <, 1000);
  /* ...and it is the kiosk's one clock. */
  g_assert_cmpint (tongban_clock_get_offset_ms (), ==,
                   tongban_manager_client_clock_offset_ms (f->client));

  /* The device report reached the manager: a printer fault switches "receipt" off. */
  {
    g_autoptr(JsonNode) faulty = json_from_string ("{\"components\":[{\"name\":\"receipt\","
                                                   "\"status\":\"hardware-error\"}]}", NULL);

    tongban_manager_client_set_report (f->client, faulty);
  }
  wait_until (f, module_off, "receipt", 20, "receipt off after the fault");
  tongban_manager_client_set_report (f->client, report);
  wait_until (f, module_on, "receipt", 20, "receipt back");

  /* Lock and unlock from the console. */
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0001/lock", NULL), ==, 0);
  wait_until (f, locked_is, GINT_TO_POINTER (TRUE), 20, "locked");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0001/unlock", NULL), ==, 0);
  wait_until (f, locked_is, GINT_TO_POINTER (FALSE), 20, "unlocked");

  /* A module switched off by hand. */
  g_assert_cmpint (console (f, f->biz, "/api/v1/modules",
                            "{\"module\":\"print\",\"enabled\":false,\"number\":\"SZ-FT-0001\"}"),
                   ==, 0);
  wait_until (f, module_off, "print", 20, "print off");
  g_assert_cmpint (console (f, f->biz, "/api/v1/modules",
                            "{\"module\":\"print\",\"enabled\":true,\"number\":\"SZ-FT-0001\"}"),
                   ==, 0);
  wait_until (f, module_on, "print", 20, "print on");

  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0001/commands",
                            "{\"kind\":\"self-test\"}"), ==, 0);
  wait_until (f, self_tested, NULL, 20, "self-test command");
}

/* The manager away: events wait on disk; after its restart (another master
 * key, so the kiosk must log in again) each is stored once. */
static void
test_offline_then_restart (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *port = g_strdup_printf ("%u", f->server->port);
  g_autofree char *uri = g_strdup (f->server->db_uri);
  const char * const again[] = { "--heartbeat-interval", "1", "--port", port, NULL };
  gint64 rows = 0, distinct = 0;

  f->client = client_new (f, "SZ-FT-0002");
  tongban_manager_client_start (f->client);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_PENDING), 20, "pending");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0002/approve", NULL), ==, 0);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_ONLINE), 20, "online");

  tm_test_server_stop (f->server);
  f->server = NULL;
  for (guint i = 0; i < 25; i++)
    {
      TongbanUsageEvent event = { "service", "transport", "vehicle-licence", "idcard",
                                  i % 5 ? "success" : "cancel", 2000, 0 };
      g_autoptr(GError) error = NULL;

      g_assert_true (tongban_manager_client_record (f->client, &event, &error));
      g_assert_no_error (error);
    }
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_OFFLINE), 20, "offline");
  g_usleep (500 * 1000);
  g_assert_cmpint (tongban_manager_client_queued (f->client), ==, 25);

  f->server = tm_test_server_start_on (uri, again);
  g_assert_cmpuint (f->server->port, ==, (guint) atoi (port));
  wait_until (f, queue_empty, NULL, 30, "the queue delivered");
  count_events (f->server, "SZ-FT-0002", &rows, &distinct);
  g_assert_cmpint (rows, ==, 25);
  g_assert_cmpint (distinct, ==, 25);
  /* A session the restarted manager no longer accepts may be refused once
   * (then the kiosk logs in again), so the link must come back online. */
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_ONLINE), 20, "online again");
}

/* An event the manager refuses for good (stamped ten days ahead) is dropped
 * with a log line; the events around it are stored. */
static void
test_refused_event (Fixture       *f,
                    gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, rows = 0, distinct = 0;
  TongbanUsageEvent good = { "session-start", NULL, NULL, NULL, NULL, -1, now };
  TongbanUsageEvent ahead = { "session-end", NULL, NULL, NULL, "success", 1000,
                              now + 10 * 86400 };

  f->client = client_new (f, "SZ-FT-0007");
  g_assert_true (tongban_manager_client_record (f->client, &good, NULL));
  g_assert_true (tongban_manager_client_record (f->client, &ahead, NULL));
  g_assert_true (tongban_manager_client_record (f->client, &good, NULL));
  wait_until (f, queue_holds, GINT_TO_POINTER (3), 10, "three events on disk");
  tongban_manager_client_start (f->client);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_PENDING), 20, "pending");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0007/approve", NULL), ==, 0);
  wait_until (f, queue_empty, NULL, 30, "the queue emptied");
  count_events (f->server, "SZ-FT-0007", &rows, &distinct);
  g_assert_cmpint (rows, ==, 2);
  g_assert_cmpint (distinct, ==, 2);
}

static gboolean
events_stored (Fixture       *f,
               gconstpointer  data)
{
  gint64 rows = 0, distinct = 0;

  count_events (f->server, "SZ-FT-0003", &rows, &distinct);
  return rows > 0;
}

/* The sender killed in the middle of delivering: started again, it resends
 * what was not acknowledged, and the manager keeps each event once. */
static void
test_killed_mid_delivery (Fixture       *f,
                          gconstpointer  data)
{
  const char *helper = g_getenv ("TONGBAN_CLIENT_HELPER");
  const guint n = 3000;
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autoptr(GError) error = NULL;
  gint64 rows = 0, distinct = 0;
  int status = 0;
  GPid pid;

  g_assert_nonnull (helper);
  /* Approved before the helper starts, so delivery begins at once. */
  f->client = client_new (f, "SZ-FT-0003");
  tongban_manager_client_start (f->client);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_PENDING), 20, "pending");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0003/approve", NULL), ==, 0);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_ONLINE), 20, "online");
  g_clear_object (&f->client);

  {
    const char *argv[] = { helper, f->url, f->state_dir, "SZ-FT-0003", count, NULL };

    g_spawn_async (NULL, (char **) argv, NULL,
                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid,
                   &error);
    g_assert_no_error (error);
  }
  wait_until (f, events_stored, NULL, 60, "the first batch stored");
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
  count_events (f->server, "SZ-FT-0003", &rows, &distinct);
  g_test_message ("killed after %" G_GINT64_FORMAT " of %u events were stored", rows, n);

  {
    const char *argv[] = { helper, f->url, f->state_dir, "SZ-FT-0003", "0", NULL };
    g_autofree char *out = NULL;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "delivered"));
  }
  count_events (f->server, "SZ-FT-0003", &rows, &distinct);
  g_assert_cmpint (rows, ==, n);
  g_assert_cmpint (distinct, ==, n);
}

static gint64
logins (Fixture    *f,
        const char *number)
{
  g_autoptr(GError) error = NULL;
  TmDb *db = tm_db_open (f->server->db_uri, 1, &error);
  g_autoptr(TmRows) r = NULL;
  TmConn *conn;
  gint64 n;

  g_assert_no_error (error);
  conn = tm_db_acquire (db);
  r = tm_q (conn, &error, "SELECT COUNT(*) FROM audit_log WHERE action = 'terminal.login'"
            " AND object = ?", TM_STR (number));
  g_assert_no_error (error);
  n = tm_rows_get_int (r, 0, 0);
  tm_db_release (db, conn);
  tm_db_free (db);
  return n;
}

static gboolean
logged_in_again (Fixture       *f,
                 gconstpointer  data)
{
  return logins (f, data) >= 3;
}

/* Sessions of two seconds: the kiosk logs in again by itself and goes on. */
static void
test_session_expiry (Fixture       *f,
                     gconstpointer  data)
{
  f->client = client_new (f, "SZ-FT-0006");
  tongban_manager_client_start (f->client);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_PENDING), 20, "pending");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0006/approve", NULL), ==, 0);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_ONLINE), 20, "online");
  wait_until (f, logged_in_again, "SZ-FT-0006", 30, "two more logins");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0006/lock", NULL), ==, 0);
  wait_until (f, locked_is, GINT_TO_POINTER (TRUE), 20, "locked after new logins");
}

/* Another kiosk already holds the number with its own key: a clear refusal,
 * retried, never a crash. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TmTestTerminal) other = tm_test_terminal_new (f->server->port, "SZ-FT-0004", "440304");
  g_autoptr(TmTestResponse) r = tm_test_terminal_register (other);
  g_autofree char *why = NULL;

  g_assert_cmpint (r->code, ==, 0);
  f->client = client_new (f, "SZ-FT-0004");
  tongban_manager_client_start (f->client);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_PENDING), 20, "pending");
  g_assert_cmpint (console (f, f->admin, "/api/v1/terminals/SZ-FT-0004/approve", NULL), ==, 0);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_REFUSED), 20, "refused");
  why = tongban_manager_client_dup_last_error (f->client);
  g_assert_nonnull (strstr (why, "SM2 signature"));
  /* Still trying, still refused. */
  g_usleep (2500 * 1000);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (tongban_manager_client_get_link (f->client), ==, TONGBAN_MANAGER_LINK_REFUSED);
}

/* Not a manager at the far end: a clear line, retried, never a crash. */
static void
test_wrong_server (Fixture       *f,
                   gconstpointer  data)
{
  TmTestSink *sink = tm_test_sink_start (FALSE);
  g_autofree char *why = NULL;

  g_free (f->url);
  f->url = g_strdup_printf ("http://127.0.0.1:%u", tm_test_sink_port (sink));
  f->client = client_new (f, "SZ-FT-0005");
  tongban_manager_client_start (f->client);
  wait_until (f, link_is, GUINT_TO_POINTER (TONGBAN_MANAGER_LINK_OFFLINE), 20, "offline");
  why = tongban_manager_client_dup_last_error (f->client);
  g_assert_nonnull (strstr (why, "without a manager envelope"));
  g_clear_object (&f->client);
  tm_test_sink_stop (sink);
}

/* Only the manager's fields, each a short token, reach the disk. */
static void
test_no_personal_data (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tongban-queue-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "q.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanEventQueue) queue = tongban_event_queue_open (path, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  TongbanUsageEvent named = { "service", "civil", "陈大文 A123456(7)", "idcard", "success", -1,
                              1790000000 };
  TongbanUsageEvent fine = { "service", "civil", "birth-certificate", "idcard", "success", 5000,
                             1790000000 };
  static const char * const allowed[] = { "event_id", "kind", "category", "service",
                                          "auth_method", "outcome", "duration_ms",
                                          "occurred_at", NULL };
  JsonObject *event;
  guint count = 0;
  gint64 last = 0;

  g_assert_no_error (error);
  g_assert_null (tongban_event_queue_push (queue, &named, &error));
  g_assert_error (error, TONGBAN_EVENT_QUEUE_ERROR, TONGBAN_EVENT_QUEUE_ERROR_INVALID);
  g_clear_error (&error);
  id = tongban_event_queue_push (queue, &fine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (id), ==, 36);
  body = tongban_event_queue_peek (queue, 10, &count, &last, &error);
  g_assert_cmpuint (count, ==, 1);
  root = json_from_string (body, &error);
  g_assert_no_error (error);
  event = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root),
                                                                       "events"), 0);
  {
    g_autoptr(GList) members = json_object_get_members (event);

    for (GList *l = members; l; l = l->next)
      g_assert_true (g_strv_contains (allowed, l->data));
  }
  g_assert_cmpstr (json_object_get_string_member (event, "event_id"), ==, id);
  /* Acknowledged events leave the queue; the file has no trace of the refused one. */
  g_assert_true (tongban_event_queue_ack (queue, last, &error));
  g_assert_cmpint (tongban_event_queue_length (queue), ==, 0);
  g_clear_pointer (&queue, tongban_event_queue_free);
  {
    g_autofree char *bytes = NULL;
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    gsize len = 0;

    g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
    g_assert_null (g_strstr_len (bytes, (gssize) len, "A123456"));
    g_remove (wal);
    g_remove (path);
  }
  {
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (shm);
  }
  g_rmdir (dir);
}

/* The kiosk's clock follows the offset the manager gave. */
static void
test_clock (void)
{
  g_autoptr(GDateTime) system = NULL;
  g_autoptr(GDateTime) kiosk = NULL;
  gint64 before = tongban_clock_get_offset_ms ();

  tongban_clock_set_offset_ms (-3 * 3600 * 1000);
  system = g_date_time_new_now_local ();
  kiosk = tongban_clock_now_local ();
  tongban_clock_set_offset_ms (before);
  g_assert_cmpint (g_date_time_difference (system, kiosk), >, (3 * 3600 - 5) * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_difference (system, kiosk), <, (3 * 3600 + 5) * G_TIME_SPAN_SECOND);
  g_assert_cmpint (tongban_clock_now_ms () - g_get_real_time () / 1000 - before, <=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/no-personal-data", test_no_personal_data);
  g_test_add_func ("/client/clock", test_clock);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/client/first-boot", test_first_boot);
  ADD ("/client/offline-then-restart", test_offline_then_restart);
  ADD ("/client/killed-mid-delivery", test_killed_mid_delivery);
  ADD ("/client/refused", test_refused);
  ADD ("/client/refused-event", test_refused_event);
  g_test_add ("/client/session-expiry", Fixture, short_sessions, fixture_set_up,
              test_session_expiry, fixture_tear_down);
  ADD ("/client/wrong-server", test_wrong_server);
#undef ADD
  return g_test_run ();
}

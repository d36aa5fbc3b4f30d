/* test-gateway.c: business calls through the manager's gateway to a stand-in back end —
 * terminal, module, citizen session, schema and rate checks, every back-end failure mapped
 * to its code and logged once, retries for reads only, sealed credentials, and the
 * routing table covering the whole catalogue. */

#include "tm-test.h"
#include "tm-gateway.h"

#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#define PW "Tongban#2026ok"
#define SECRET "tok-SECRET-4b1d9e"
#define MASTER "00112233445566778899aabbccddeeff"

typedef struct {
  TmTestBackend  *backend;
  TmTestServer   *server;
  char           *dir;
  char           *log_path;
  char           *admin;
  char           *biz;
} Fixture;

static void
fixture_start (Fixture            *f,
               TmTestBackend      *backend,
               const char * const *extra)
{
  g_autofree char *uri = tm_test_db_uri ();
  int fd;

  g_setenv ("TONGBAN_MASTER_KEY", MASTER, TRUE);
  f->backend = backend;
  f->dir = g_dir_make_tmp ("tongban-gw-XXXXXX", NULL);
  f->log_path = g_build_filename (f->dir, "manager.log", NULL);
  fd = g_open (f->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  f->server = tm_test_server_start_logged (uri, extra, fd);
  close (fd);
  tm_test_create_account (f->server, "admin", "sysadmin", "440000", PW);
  tm_test_create_account (f->server, "biz", "bizadmin", "440000", PW);
  f->admin = tm_test_login (f->server->port, "admin", PW);
  f->biz = tm_test_login (f->server->port, "biz", PW);
}

static void
fixture_stop (Fixture *f)
{
  tm_test_server_stop (f->server);
  tm_test_backend_stop (f->backend);
  g_free (f->admin);
  g_free (f->biz);
  g_free (f->log_path);
  g_free (f->dir);
}

static char *
read_log (Fixture *f)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (f->log_path, &text, NULL, NULL));
  return text;
}

/* Lines of the manager's log that mention needle. */
static guint
log_lines (Fixture     *f,
           const char  *needle,
           char       **line)
{
  g_autofree char *text = read_log (f);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      {
        n++;
        if (line != NULL)
          {
            g_free (*line);
            *line = g_strdup (lines[i]);
          }
      }
  return n;
}

static void
put_backend (Fixture    *f,
             const char *id,
             guint       timeout_ms)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/backends/%s", id);
  g_autofree char *body = g_strdup_printf ("{\"transport\":\"rest\",\"base_url\":"
                                           "\"http://127.0.0.1:%u/%s\",\"timeout_ms\":%u,"
                                           "\"credential\":\"" SECRET "\"}",
                                           tm_test_backend_port (f->backend), id, timeout_ms);
  g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, f->admin, "PUT", path, body);

  g_assert_cmpint (r->code, ==, 0);
  g_assert_true (json_object_get_boolean_member (tm_test_data (r), "has_credential"));
}

static TmTestTerminal *
active_terminal (Fixture    *f,
                 const char *number)
{
  TmTestTerminal *t = tm_test_terminal_new (f->server->port, number, "440106");
  g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);
  g_autofree char *approve = g_strdup_printf ("/api/v1/terminals/%s/approve", number);
  g_autoptr(TmTestResponse) ok = tm_test_console (f->server->port, f->admin, "POST", approve,
                                                  NULL);
  gint64 code = -1;

  g_assert_cmpint (reg->code, ==, 0);
  g_assert_cmpint (ok->code, ==, 0);
  g_assert_true (tm_test_terminal_login (t, &code));
  return t;
}

/* One business call; call_id_out (33 bytes) receives the call's id. */
static TmTestResponse *
call (TmTestTerminal *t,
      const char     *service,
      const char     *operation,
      const char     *session,
      const char     *params,
      char           *call_id_out)
{
  g_autofree char *id = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                         g_random_int (), g_random_int ());
  g_autofree char *s = session ? g_strdup_printf (",\"session\":\"%s\"", session) : g_strdup ("");
  g_autofree char *body = g_strdup_printf ("{\"call_id\":\"%s\",\"service\":\"%s\","
                                           "\"operation\":\"%s\"%s,\"params\":%s}", id, service,
                                           operation, s, params ? params : "{}");

  if (call_id_out != NULL)
    memcpy (call_id_out, id, 33);
  return tm_test_terminal_call (t, "POST", "/api/terminal/v1/calls", body, 0, NULL);
}

#define ID_CARD "{\"id_number\":\"" TM_TEST_ID_NUMBER "\",\"name\":\"陈大文\"," \
                "\"birth\":\"1990-01-01\",\"expiry\":\"2030-01-01\"}"

static char *
prove (TmTestTerminal *t)
{
  g_autoptr(TmTestResponse) r = call (t, "F-GD-09", "auth.id-card", NULL, ID_CARD, NULL);
  JsonObject *d;

  g_assert_cmpint (r->code, ==, 0);
  d = tm_test_data (r);
  g_assert_true (json_object_get_boolean_member (d, "verified"));
  return g_strdup (json_object_get_string_member (d, "session"));
}

/* A back-end failure: the code, and exactly one log line for the call naming the cause. */
static void
expect_failure (Fixture        *f,
                TmTestTerminal *t,
                const char     *mode,
                const char     *operation,
                const char     *params,
                const char     *session,
                gint64          code,
                const char     *cause,
                guint           attempts)
{
  char id[33];
  g_autofree char *line = NULL;
  g_autoptr(TmTestResponse) r = NULL;

  tm_test_backend_set_mode (f->backend, mode, 900);
  r = call (t, g_str_has_prefix (operation, "pay.") ? "F-GD-18" : "F-GD-09", operation, session,
            params, id);
  g_assert_cmpint (r->code, ==, code);
  g_assert_cmpuint (log_lines (f, id, &line), ==, 1);
  if (strstr (line, cause) == NULL)
    g_error ("mode %s: the log line \"%s\" does not name the cause \"%s\"", mode, line, cause);
  g_assert_cmpuint (tm_test_backend_attempts (f->backend, id), ==, attempts);
  tm_test_backend_set_mode (f->backend, "ok", 0);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
test_calls (void)
{
  Fixture f = { 0 };
  g_autoptr(TmTestTerminal) a = NULL;
  g_autoptr(TmTestTerminal) b = NULL;
  g_autofree char *session = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *log = NULL;

  fixture_start (&f, tm_test_backend_start (), NULL);
  put_backend (&f, "identity", 500);
  put_backend (&f, "gd-hrss", 500);
  put_backend (&f, "payment", 500);

  /* The console never shows a credential; bad configuration is refused by field. */
  {
    g_autoptr(TmTestResponse) list = tm_test_console (f.server->port, f.admin, "GET",
                                                      "/api/v1/backends", NULL);
    g_autoptr(TmTestResponse) one = tm_test_console (f.server->port, f.admin, "GET",
                                                     "/api/v1/backends/gd-hrss", NULL);
    g_autoptr(TmTestResponse) biz = tm_test_console (f.server->port, f.biz, "GET",
                                                     "/api/v1/backends", NULL);
    g_autoptr(TmTestResponse) bad_id = tm_test_console (f.server->port, f.admin, "PUT",
      "/api/v1/backends/nowhere", "{\"transport\":\"rest\",\"base_url\":\"http://x\","
      "\"timeout_ms\":500}");
    g_autoptr(TmTestResponse) bad_url = tm_test_console (f.server->port, f.admin, "PUT",
      "/api/v1/backends/gd-hpf", "{\"transport\":\"rest\",\"base_url\":\"file:///etc/passwd\","
      "\"timeout_ms\":500}");
    g_autoptr(TmTestResponse) bad_transport = tm_test_console (f.server->port, f.admin, "PUT",
      "/api/v1/backends/gd-hpf", "{\"transport\":\"ftp\",\"base_url\":\"http://x\","
      "\"timeout_ms\":500}");

    g_assert_cmpint (list->code, ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tm_test_data (list),
                                                                           "systems")), ==, 3);
    g_assert_null (strstr (list->body, SECRET));
    g_assert_cmpint (one->code, ==, 0);
    g_assert_null (strstr (one->body, SECRET));
    g_assert_cmpstr (json_object_get_string_member (tm_test_data (one), "transport"), ==, "rest");
    g_assert_cmpint (biz->code, ==, 2008);
    g_assert_cmpint (bad_id->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (bad_id), ==, "id");
    g_assert_cmpint (bad_url->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (bad_url), ==, "base_url");
    g_assert_cmpint (bad_transport->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (bad_transport), ==, "transport");
  }

  a = active_terminal (&f, "GZ-TH-0001");
  b = active_terminal (&f, "GZ-TH-0002");

  /* Unsigned: refused before anything else. */
  {
    g_autoptr(TmTestResponse) r = tm_test_http (f.server->port, "POST", "/api/terminal/v1/calls",
                                                NULL, "{}", -1);

    g_assert_cmpint (r->code, ==, 2001);
  }
  /* No citizen session for an operation that needs one. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", NULL, NULL, NULL);

    g_assert_cmpint (r->code, ==, 2012);
  }
  /* An operation of another service, an unknown field, a bad call id. */
  {
    g_autoptr(TmTestResponse) r1 = call (a, "F-GD-09", "hpf.loan", NULL, NULL, NULL);
    g_autoptr(TmTestResponse) r2 = tm_test_terminal_call (a, "POST", "/api/terminal/v1/calls",
      "{\"call_id\":\"xyz\",\"service\":\"F-GD-09\",\"operation\":\"si.info\"}", 0, NULL);

    g_assert_cmpint (r1->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (r1), ==, "operation");
    g_assert_cmpint (r2->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (r2), ==, "call_id");
  }

  /* Identity: a session, the citizen masked; the back end got the bearer and request id. */
  {
    char id[33];
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "auth.id-card", NULL, ID_CARD, id);
    g_autofree char *auth = tm_test_backend_last (f.backend, TRUE);
    g_autofree char *sent = tm_test_backend_last (f.backend, FALSE);
    JsonObject *d, *c;

    g_assert_cmpint (r->code, ==, 0);
    d = tm_test_data (r);
    g_assert_true (json_object_get_boolean_member (d, "verified"));
    session = g_strdup (json_object_get_string_member (d, "session"));
    g_assert_cmpuint (strlen (session), ==, 64);
    g_assert_cmpint (json_object_get_int_member (d, "expires_in"), ==, 900);
    c = json_object_get_object_member (d, "citizen");
    masked = g_strdup (json_object_get_string_member (c, "masked_id"));
    g_assert_cmpstr (masked, !=, TM_TEST_ID_NUMBER);
    g_assert_nonnull (strchr (masked, '*'));
    g_assert_cmpstr (json_object_get_string_member (c, "method"), ==, "id-card");
    g_assert_null (strstr (r->body, TM_TEST_ID_NUMBER));
    g_assert_cmpstr (auth, ==, "Bearer " SECRET);
    g_assert_nonnull (strstr (sent, id));
    g_assert_nonnull (strstr (sent, "\"citizen\":null"));
  }
  /* With the session: the adapter passes the verified citizen on. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", session, NULL, NULL);
    g_autofree char *sent = tm_test_backend_last (f.backend, FALSE);

    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (tm_test_data (r), "operation"), ==, "si.info");
    g_assert_nonnull (strstr (sent, TM_TEST_ID_NUMBER));
  }
  /* And again: using the session leaves it whole for the next call. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", session, NULL, NULL);
    g_autofree char *sent = tm_test_backend_last (f.backend, FALSE);

    g_assert_cmpint (r->code, ==, 0);
    g_assert_nonnull (strstr (sent, TM_TEST_ID_NUMBER));
  }
  /* The same token from another terminal is no session at all. */
  {
    g_autoptr(TmTestResponse) r = call (b, "F-GD-09", "si.info", session, NULL, NULL);

    g_assert_cmpint (r->code, ==, 2012);
  }
  /* An identity call that has not verified yet passes its answer through. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "auth.qr", NULL, "{\"ticket\":\"t-1\"}",
                                        NULL);

    g_assert_cmpint (r->code, ==, 0);
    g_assert_false (json_object_get_boolean_member (tm_test_data (r), "verified"));
    g_assert_cmpstr (json_object_get_string_member (tm_test_data (r), "state"), ==, "waiting");
    g_assert_false (json_object_has_member (tm_test_data (r), "citizen"));
    g_assert_null (strstr (r->body, TM_TEST_ID_NUMBER));
  }

  /* Schema: each failure names the field. */
  {
    static const struct { const char *params, *field; } bad[] = {
      { "{\"amount\":\"ten\",\"currency\":\"CNY\",\"item\":\"water-bill\"}", "params.amount" },
      { "{\"amount\":\"-1\",\"currency\":\"CNY\",\"item\":\"water-bill\"}", "params.amount" },
      { "{\"amount\":10,\"currency\":\"CNY\",\"item\":\"water-bill\"}", "params.amount" },
      { "{\"amount\":\"10\",\"currency\":\"USD\",\"item\":\"water-bill\"}", "params.currency" },
      { "{\"amount\":\"10\",\"currency\":\"CNY\"}", "params.item" },
      { "{\"amount\":\"10\",\"currency\":\"CNY\",\"item\":\"a b\"}", "params.item" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(TmTestResponse) r = call (a, "F-GD-18", "pay.order", session, bad[i].params,
                                            NULL);

        g_assert_cmpint (r->code, ==, 1002);
        g_assert_cmpstr (tm_test_field (r), ==, bad[i].field);
      }
  }
  /* What the operation does not take (the kiosk sends every answer of the visit)
   * is left out: it never reaches the government system. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-18", "pay.order", session,
                                        "{\"amount\":\"10\",\"currency\":\"CNY\","
                                        "\"item\":\"water-bill\",\"note\":\"left-out-7f3a\"}",
                                        NULL);
    g_autofree char *sent = tm_test_backend_last (f.backend, FALSE);

    g_assert_cmpint (r->code, ==, 0);
    g_assert_nonnull (strstr (sent, "water-bill"));
    g_assert_null (strstr (sent, "left-out-7f3a"));
  }
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "auth.id-card", NULL,
                                        "{\"id_number\":\"12345\",\"name\":\"x\","
                                        "\"birth\":\"1990-01-01\",\"expiry\":\"2030-01-01\"}",
                                        NULL);
    g_autoptr(TmTestResponse) r2 = call (a, "F-GD-09", "auth.face", NULL,
                                         "{\"id_number\":\"" TM_TEST_ID_NUMBER "\","
                                         "\"face\":\"AAAA\",\"liveness\":{\"live\":\"yes\"}}",
                                         NULL);

    g_assert_cmpint (r->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (r), ==, "params.id_number");
    g_assert_cmpint (r2->code, ==, 1002);
    g_assert_cmpstr (tm_test_field (r2), ==, "params.liveness.live");
  }

  /* Every back-end failure: its code, one log line with the cause; reads retried once after
   * a dropped connection, writes never. */
  expect_failure (&f, a, "refuse", "si.info", NULL, session, 4001, "refused: not-found", 1);
  expect_failure (&f, a, "bad-reason", "si.info", NULL, session, 5005, "reason id", 1);
  expect_failure (&f, a, "slow", "si.info", NULL, session, 5004, "500 ms", 1);
  expect_failure (&f, a, "500", "si.info", NULL, session, 5003, "HTTP 500", 1);
  expect_failure (&f, a, "garbage", "si.info", NULL, session, 5005, "not a JSON object", 1);
  expect_failure (&f, a, "no-data", "si.info", NULL, session, 5005, "HTTP 200 without", 1);
  expect_failure (&f, a, "close", "si.info", NULL, session, 5003, "2 attempts", 2);
  expect_failure (&f, a, "close", "pay.order",
                  "{\"amount\":\"10\",\"currency\":\"CNY\",\"item\":\"water-bill\"}", session,
                  5003, "a write: not retried", 1);
  expect_failure (&f, a, "slow", "pay.order",
                  "{\"amount\":\"10\",\"currency\":\"CNY\",\"item\":\"water-bill\"}", session,
                  5004, "de-duplicates by request id", 1);
  /* A refusal's data carries the reason id for the kiosk to translate. */
  {
    g_autoptr(TmTestResponse) r = NULL;

    tm_test_backend_set_mode (f.backend, "refuse", 0);
    r = call (a, "F-GD-09", "si.info", session, NULL, NULL);
    tm_test_backend_set_mode (f.backend, "ok", 0);
    g_assert_cmpint (r->code, ==, 4001);
    g_assert_cmpstr (json_object_get_string_member (tm_test_data (r), "reason"), ==, "not-found");
  }
  /* A dropped kept-alive connection costs a read nothing: the second attempt answers. */
  {
    char id[33];
    g_autoptr(TmTestResponse) r = NULL;

    tm_test_backend_set_mode (f.backend, "close-once", 0);
    r = call (a, "F-GD-09", "si.info", session, NULL, id);
    tm_test_backend_set_mode (f.backend, "ok", 0);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpint (json_object_get_int_member (tm_test_data (r), "attempt"), ==, 2);
    g_assert_cmpuint (log_lines (&f, id, NULL), ==, 0);
  }
  /* A system nobody configured. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-10", "hpf.account", session, NULL, NULL);

    g_assert_cmpint (r->code, ==, 5003);
    g_assert_cmpuint (log_lines (&f, "no back end configured for system gd-hpf", NULL), ==, 1);
  }

  /* Module off on this terminal: the printing service is not available here. */
  {
    g_autoptr(TmTestResponse) off = tm_test_console (f.server->port, f.biz, "POST",
      "/api/v1/modules", "{\"module\":\"print\",\"enabled\":false,\"number\":\"GZ-TH-0001\"}");
    g_autoptr(TmTestResponse) r = call (a, "F-GD-07", "si.certificate", session, NULL, NULL);
    g_autoptr(TmTestResponse) other = call (a, "F-GD-09", "si.info", session, NULL, NULL);

    g_assert_cmpint (off->code, ==, 0);
    g_assert_cmpint (r->code, ==, 2013);
    g_assert_cmpint (other->code, ==, 0);
  }

  /* Ended: the token is gone, on every call after. */
  {
    g_autofree char *body = g_strdup_printf ("{\"session\":\"%s\"}", session);
    g_autoptr(TmTestResponse) wrong = tm_test_terminal_call (b, "POST",
      "/api/terminal/v1/sessions/end", body, 0, NULL);
    g_autoptr(TmTestResponse) end = tm_test_terminal_call (a, "POST",
      "/api/terminal/v1/sessions/end", body, 0, NULL);
    g_autoptr(TmTestResponse) again = tm_test_terminal_call (a, "POST",
      "/api/terminal/v1/sessions/end", body, 0, NULL);
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", session, NULL, NULL);

    g_assert_cmpint (wrong->code, ==, 0);
    g_assert_false (json_object_get_boolean_member (tm_test_data (wrong), "ended"));
    g_assert_cmpint (end->code, ==, 0);
    g_assert_true (json_object_get_boolean_member (tm_test_data (end), "ended"));
    g_assert_false (json_object_get_boolean_member (tm_test_data (again), "ended"));
    g_assert_cmpint (r->code, ==, 2012);
  }

  /* A locked terminal makes no calls. */
  {
    g_autoptr(TmTestResponse) lock = tm_test_console (f.server->port, f.admin, "POST",
                                                      "/api/v1/terminals/GZ-TH-0002/lock", NULL);
    g_autoptr(TmTestResponse) r = call (b, "F-GD-09", "auth.id-card", NULL, ID_CARD, NULL);

    g_assert_cmpint (lock->code, ==, 0);
    g_assert_cmpint (r->code, ==, 2007);
  }

  /* Each call left a usage fact without personal data. */
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f.server->port, f.biz, "GET",
                                                   "/api/v1/usage/summary?group_by=kind", NULL);

    g_assert_cmpint (r->code, ==, 0);
    g_assert_nonnull (strstr (r->body, "backend-call"));
  }

  tm_test_server_stop (f.server);
  f.server = NULL;
  /* Nothing about the citizen in the manager's log, no credential in it or at rest. */
  log = read_log (&f);
  g_assert_null (strstr (log, TM_TEST_ID_NUMBER));
  g_assert_null (strstr (log, "陈大文"));
  g_assert_null (strstr (log, SECRET));
  fixture_stop (&f);
}

static void
test_rate_and_idle (void)
{
  Fixture f = { 0 };
  g_autoptr(TmTestTerminal) a = NULL;
  g_autofree char *file = NULL;
  g_autofree char *json = NULL;
  g_autofree char *session = NULL;
  g_autofree char *db_path = NULL;
  const char *args[] = { "--rate-limit", "0.05", "--rate-burst", "8", "--citizen-idle", "1",
                         "--backends", NULL, NULL };
  TmTestBackend *backend = tm_test_backend_start ();
  gint64 first_limited = -1;

  /* Back ends loaded from a file at start, sealed as they load. */
  /* A file of its own: the SQLite and PostgreSQL runs of this test run side by side. */
  {
    int fd = g_file_open_tmp ("tongban-gw-backends-XXXXXX.json", &file, NULL);

    g_assert_cmpint (fd, >=, 0);
    close (fd);
  }
  json = g_strdup_printf ("{\"systems\":[{\"id\":\"identity\",\"transport\":\"rest\","
                          "\"base_url\":\"http://127.0.0.1:%u/identity\",\"timeout_ms\":1000,"
                          "\"credential\":\"" SECRET "\"},{\"id\":\"gd-hrss\",\"transport\":"
                          "\"rest\",\"base_url\":\"http://127.0.0.1:%u/gd-hrss\","
                          "\"timeout_ms\":1000,\"credential\":\"" SECRET "\"}]}",
                          tm_test_backend_port (backend), tm_test_backend_port (backend));
  g_assert_true (g_file_set_contents (file, json, -1, NULL));
  args[7] = file;
  fixture_start (&f, backend, args);
  g_unlink (file);

  a = active_terminal (&f, "GZ-TH-0003");
  session = prove (a);
  {
    g_autoptr(TmTestResponse) ok = call (a, "F-GD-09", "si.info", session, NULL, NULL);

    g_assert_cmpint (ok->code, ==, 0);
  }
  /* Idle past the limit: the citizen must prove who they are again. */
  g_usleep (1500 * 1000);
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", session, NULL, NULL);

    g_assert_cmpint (r->code, ==, 2012);
  }
  /* Rate: the burst passes, then the terminal is told to wait. Calls so far: 3 + login. */
  for (gint64 i = 0; i < 10 && first_limited < 0; i++)
    {
      g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "auth.qr", NULL,
                                          "{\"ticket\":\"t-2\"}", NULL);

      if (r->code == 2011)
        first_limited = i;
      else
        g_assert_cmpint (r->code, ==, 0);
    }
  g_assert_cmpint (first_limited, >=, 4);
  g_assert_cmpint (first_limited, <=, 5);

  /* The credential is sealed at rest (the SQLite file and its journal, byte for byte). */
  if (!tm_test_on_postgres ())
    {
      g_autofree char *wal = g_strconcat (f.server->db_uri, "-wal", NULL);

      db_path = g_strdup (f.server->db_uri);
      g_assert_true (g_file_test (db_path, G_FILE_TEST_EXISTS));
      g_assert_false (file_contains (db_path, SECRET));
      g_assert_false (file_contains (wal, SECRET));
      g_assert_true (file_contains (db_path, "gd-hrss") || file_contains (wal, "gd-hrss"));
    }
  else
    {
      /* PostgreSQL: every column of every stored system, as text. */
      g_autofree char *conninfo = g_strdup (f.server->db_uri);
      PGconn *pg = PQconnectdb (conninfo);
      PGresult *res;

      g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
      res = PQexec (pg, "SELECT b::text FROM backend_system b");
      g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
      g_assert_cmpint (PQntuples (res), ==, 2);
      for (int i = 0; i < PQntuples (res); i++)
        g_assert_null (strstr (PQgetvalue (res, i, 0), SECRET));
      PQclear (res);
      PQfinish (pg);
    }
  fixture_stop (&f);
}

/* A back-end file the manager cannot use: a clear message, exit 1, nothing half-loaded. */
static void
test_backends_file_refused (void)
{
  static const char * const bad[] = {
    "{\"systems\": [{\"id\": \"gd-hrss\", \"transport\": \"rest\", \"base_url\": "
    "\"http://127.0.0.1:1/gd-hrss\", \"timeout_ms\": 1000}, {\"id\": \"gd-hpf\", "
    "\"transport\": \"telnet\", \"base_url\": \"http://x\", \"timeout_ms\": 1000}]}",
    "{\"systems\": [{\"id\": 7}]}",
    "[1, 2]",
    "{\"systems\": [",
  };
  static const char * const expect[] = { "system gd-hpf: transport", "needs an \"id\"",
                                          "expected {\"systems\"", "backends-" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *file = NULL;
      g_autofree char *uri = tm_test_db_uri ();
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int fd = g_file_open_tmp ("tongban-gw-backends-XXXXXX.json", &file, NULL);
      const char *argv[] = { g_getenv ("TONGBAN_MANAGER"), "--db", uri, "--backends", file,
                             "--migrate-only", NULL };
      int status = 0;

      g_assert_cmpint (fd, >=, 0);
      close (fd);
      g_assert_true (g_file_set_contents (file, bad[i], -1, NULL));
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                   NULL, NULL, &err, &status, &error));
      g_unlink (file);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, expect[i]));
      /* Nothing of the file was stored, not even its good first entry. */
      if (i == 0)
        {
          TmConfig config;
          g_autoptr(TmApp) app = NULL;
          g_autoptr(JsonNode) list = NULL;

          tm_config_init (&config);
          g_free (config.db_uri);
          config.db_uri = g_strdup (uri);
          config.threads = 1;
          app = tm_app_new (&config, &error);
          tm_config_clear (&config);
          g_assert_no_error (error);
          list = tm_backend_list (app, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                              json_node_get_object (list), "systems")), ==, 0);
        }
    }
}

/* The real tongban-sandbox behind the gateway: a seeded citizen's record, a refusal. */
static void
test_real_sandbox (void)
{
  const char *sandbox = g_getenv ("TONGBAN_SANDBOX");
  const char *sb_argv[] = { sandbox, "--port", "0", "--token", SECRET, NULL };
  Fixture f = { 0 };
  g_autoptr(TmTestTerminal) a = NULL;
  g_autofree char *session = NULL;
  g_autofree char *body = NULL;
  guint sb_port = 0;
  GPid sb_pid;
  int status = 0;

  if (sandbox == NULL)
    {
      g_test_skip ("tongban-sandbox is not built");
      return;
    }
  sb_pid = tm_test_spawn_listening (sb_argv, -1, &sb_port);
  fixture_start (&f, tm_test_backend_start (), NULL);
  put_backend (&f, "identity", 2000);
  body = g_strdup_printf ("{\"transport\":\"rest\",\"base_url\":\"http://127.0.0.1:%u/gd-hrss\","
                          "\"timeout_ms\":2000,\"credential\":\"" SECRET "\"}", sb_port);
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f.server->port, f.admin, "PUT",
                                                   "/api/v1/backends/gd-hrss", body);

    g_assert_cmpint (r->code, ==, 0);
  }
  a = active_terminal (&f, "GZ-TH-0005");
  /* The sandbox's seeded demonstration citizen. */
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "auth.id-card", NULL,
                                        "{\"id_number\":\"440106199001011235\","
                                        "\"name\":\"演示样卡\",\"birth\":\"1990-01-01\","
                                        "\"expiry\":\"2030-01-01\"}", NULL);

    g_assert_cmpint (r->code, ==, 0);
    session = g_strdup (json_object_get_string_member (tm_test_data (r), "session"));
  }
  {
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", session, NULL, NULL);

    g_assert_cmpint (r->code, ==, 0);
    g_assert_true (json_object_has_member (tm_test_data (r), "status"));
    g_assert_true (json_object_has_member (tm_test_data (r), "since"));
  }
  /* Someone the sandbox has no record of: refused with its reason id, not an error. */
  {
    g_autoptr(TmTestResponse) p = call (a, "F-GD-09", "auth.id-card", NULL,
                                        "{\"id_number\":\"110101199003077777\","
                                        "\"name\":\"王五\",\"birth\":\"1990-03-07\","
                                        "\"expiry\":\"2030-01-01\"}", NULL);
    const char *other = json_object_get_string_member (tm_test_data (p), "session");
    g_autoptr(TmTestResponse) r = call (a, "F-GD-09", "si.info", other, NULL, NULL);

    g_assert_cmpint (p->code, ==, 0);
    g_assert_cmpint (r->code, ==, 4001);
    g_assert_cmpstr (json_object_get_string_member (tm_test_data (r), "reason"), ==, "not-found");
  }
  fixture_stop (&f);
  kill (sb_pid, SIGTERM);
  g_assert_cmpint (waitpid (sb_pid, &status, 0), ==, sb_pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_close_pid (sb_pid);
}

/* Every operation the catalogue uses is routed, to the system its prefix names. */
static void
test_routing_covers_catalogue (void)
{
  static const char * const systems[] = {
    "gd", "gd-gsda", "si", "gd-hrss", "hpf", "gd-hpf", "re", "gd-rer", "water", "gd-water",
    "cable", "gd-cable", "gas", "gd-gas", "ird", "hk-ird", "cr", "hk-cr", "immd", "hk-immd",
    "dsi", "mo-dsi", "dsaj", "mo-dsaj", "auth", "identity", "pay", "payment", NULL
  };
  static const char * const extra[] = {
    "auth.id-card", "auth.permit", "auth.face", "auth.fingerprint", "auth.qr-start", "auth.qr",
    "pay.order", "pay.card", "pay.qr-status", NULL
  };
  const char *catalog = g_getenv ("TONGBAN_CATALOG");
  g_autoptr(GBytes) routes = g_resources_lookup_data (
    "/cn/gov/gba/Tongban/manager/data/gateway.json", 0, NULL);
  g_autoptr(JsonParser) rp = json_parser_new ();
  g_autoptr(JsonParser) cp = json_parser_new ();
  JsonObject *ops, *services;
  JsonArray *list;
  guint checked = 0;

  g_assert_nonnull (catalog);
  g_assert_nonnull (routes);
  g_assert_true (json_parser_load_from_data (rp, g_bytes_get_data (routes, NULL),
                                             (gssize) g_bytes_get_size (routes), NULL));
  g_assert_true (json_parser_load_from_file (cp, catalog, NULL));
  ops = json_object_get_object_member (json_node_get_object (json_parser_get_root (rp)),
                                       "operations");
  services = json_object_get_object_member (json_node_get_object (json_parser_get_root (rp)),
                                            "services");
  list = json_object_get_array_member (json_node_get_object (json_parser_get_root (cp)),
                                       "services");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      JsonArray *flow = json_object_get_array_member (s, "flow");
      const char *sid = json_object_get_string_member (s, "id");

      g_assert_true (json_object_has_member (services, sid));
      for (guint j = 0; j < json_array_get_length (flow); j++)
        {
          JsonObject *step = json_array_get_object_element (flow, j);
          const char *op = json_object_get_string_member_with_default (step, "operation", NULL);
          g_autofree char *prefix = NULL;
          JsonObject *route;
          JsonArray *allowed;
          gboolean listed = FALSE;

          if (op == NULL)
            continue;
          g_test_message ("%s %s", sid, op);
          g_assert_true (json_object_has_member (ops, op));
          route = json_object_get_object_member (ops, op);
          prefix = g_strndup (op, (gsize) (strchr (op, '.') - op));
          for (guint k = 0; systems[k] != NULL; k += 2)
            if (strcmp (systems[k], prefix) == 0)
              g_assert_cmpstr (json_object_get_string_member (route, "system"), ==,
                               systems[k + 1]);
          allowed = json_object_get_array_member (json_object_get_object_member (services, sid),
                                                  "operations");
          for (guint k = 0; k < json_array_get_length (allowed); k++)
            listed |= g_strcmp0 (json_array_get_string_element (allowed, k), op) == 0;
          g_assert_true (listed);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 40);
  for (guint k = 0; extra[k] != NULL; k++)
    g_assert_true (json_object_has_member (ops, extra[k]));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gateway/calls", test_calls);
  g_test_add_func ("/gateway/rate-and-idle", test_rate_and_idle);
  g_test_add_func ("/gateway/real-sandbox", test_real_sandbox);
  g_test_add_func ("/gateway/backends-file-refused", test_backends_file_refused);
  g_test_add_func ("/gateway/routing-covers-catalogue", test_routing_covers_catalogue);
  return g_test_run ();
}

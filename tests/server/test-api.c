/* test-api.c: the real tongban-manager over HTTP — terminals, refusals, monitoring,
 * notifications, usage, roles and bad input, end to end on a loopback port. */

#include "tm-test.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tongban-request-sign.h"
#include "tongban-sm.h"
#include "tm-http.h"

#define PW "Tongban#2026ok"

typedef struct {
  TmTestServer *server;
  TmTestSink   *smtp;
  TmTestSink   *sms;
  char         *admin;     /* sysadmin, Guangdong */
  char         *admin_sz;  /* sysadmin, Shenzhen */
  char         *biz;       /* bizadmin, Guangdong */
  char         *biz_sz;    /* bizadmin, Shenzhen */
  char         *auditor;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *smtp = NULL;
  g_autofree char *sms = NULL;
  const char *args[12];
  guint port;

  f->smtp = tm_test_sink_start (TRUE);
  f->sms = tm_test_sink_start (FALSE);
  smtp = g_strdup_printf ("127.0.0.1:%u", tm_test_sink_port (f->smtp));
  sms = g_strdup_printf ("http://127.0.0.1:%u/sms/send", tm_test_sink_port (f->sms));
  args[0] = "--smtp";
  args[1] = smtp;
  args[2] = "--sms-url";
  args[3] = sms;
  args[4] = "--heartbeat-interval";
  args[5] = "1";
  args[6] = "--sweep-ms";
  args[7] = "200";
  args[8] = "--escalate-after";
  args[9] = data ? "1" : "3600";
  args[10] = NULL;
  f->server = tm_test_server_start (args);
  port = f->server->port;
  tm_test_create_account (f->server, "admin", "sysadmin", "440000", PW);
  tm_test_create_account (f->server, "admin.sz", "sysadmin", "440300", PW);
  tm_test_create_account (f->server, "biz", "bizadmin", "440000", PW);
  tm_test_create_account (f->server, "biz.sz", "bizadmin", "440300", PW);
  tm_test_create_account (f->server, "auditor", "auditor", "440000", PW);
  f->admin = tm_test_login (port, "admin", PW);
  f->admin_sz = tm_test_login (port, "admin.sz", PW);
  f->biz = tm_test_login (port, "biz", PW);
  f->biz_sz = tm_test_login (port, "biz.sz", PW);
  f->auditor = tm_test_login (port, "auditor", PW);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  tm_test_server_stop (f->server);
  tm_test_sink_stop (f->smtp);
  tm_test_sink_stop (f->sms);
  g_free (f->admin);
  g_free (f->admin_sz);
  g_free (f->biz);
  g_free (f->biz_sz);
  g_free (f->auditor);
}

static gint64
console_code (Fixture    *f,
              const char *token,
              const char *method,
              const char *path,
              const char *body)
{
  g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, token, method, path, body);

  return r->code;
}

/* Registers, approves and logs in a terminal. */
static TmTestTerminal *
active_terminal (Fixture    *f,
                 const char *number,
                 const char *region)
{
  TmTestTerminal *t = tm_test_terminal_new (f->server->port, number, region);
  g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);
  g_autofree char *approve = g_strdup_printf ("/api/v1/terminals/%s/approve", number);
  gint64 code = -1;

  g_assert_cmpint (reg->code, ==, 0);
  g_assert_cmpint (console_code (f, f->admin, "POST", approve, NULL), ==, 0);
  g_assert_true (tm_test_terminal_login (t, &code));
  return t;
}

static TmTestResponse *
heartbeat (TmTestTerminal *t,
           const char     *body)
{
  return tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat", body, 0, NULL);
}

static gboolean
module_on (TmTestResponse *r,
           const char     *module)
{
  JsonObject *m = json_object_get_object_member (tm_test_data (r), "modules");

  g_assert_true (json_object_has_member (m, module));
  return json_object_get_boolean_member (m, module);
}

static void
test_registration (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = tm_test_terminal_new (f->server->port, "GZ-TH-0001", "440106");
  g_autoptr(TmTestTerminal) impostor = tm_test_terminal_new (f->server->port, "GZ-TH-0001",
                                                             "440106");
  g_autoptr(TmTestResponse) r1 = tm_test_terminal_register (t);
  g_autoptr(TmTestResponse) r2 = tm_test_terminal_register (t);
  g_autoptr(TmTestResponse) r3 = tm_test_terminal_register (impostor);
  g_autoptr(TmTestResponse) hb = NULL;
  g_autoptr(TmTestResponse) list = NULL;
  gint64 code = -1;
  JsonObject *first;

  g_assert_cmpint (r1->code, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (tm_test_data (r1), "status"), ==, "pending");
  g_assert_cmpint (r2->code, ==, 0);
  g_assert_cmpint (r3->code, ==, TONGBAN_CODE_CONFLICT);
  g_assert_cmpstr (tm_test_field (r3), ==, "pubkey");

  /* Unknown keys wait for approval. */
  g_assert_false (tm_test_terminal_login (t, &code));
  g_assert_cmpint (code, ==, TONGBAN_CODE_TERMINAL_PENDING);
  /* Only a system admin whose region covers the terminal approves. */
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/terminals/GZ-TH-0001/approve", NULL),
                   ==, TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->admin_sz, "POST", "/api/v1/terminals/GZ-TH-0001/approve",
                                 NULL), ==, TONGBAN_CODE_NOT_FOUND);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0001/approve", NULL),
                   ==, 0);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0001/approve", NULL),
                   ==, TONGBAN_CODE_CONFLICT);
  /* The impostor's key cannot log in as this number. */
  g_assert_false (tm_test_terminal_login (impostor, &code));
  g_assert_cmpint (code, ==, TONGBAN_CODE_BAD_SIGNATURE);
  g_assert_true (tm_test_terminal_login (t, &code));

  hb = heartbeat (t, "{\"sw_version\":\"0.2.0\",\"network\":{\"type\":\"ethernet\","
                  "\"latency_ms\":12}}");
  g_assert_cmpint (hb->code, ==, 0);
  g_assert_cmpint (ABS (json_object_get_int_member (tm_test_data (hb), "server_time")
                        - g_get_real_time () / G_USEC_PER_SEC), <=, 2);
  g_assert_false (json_object_get_boolean_member (tm_test_data (hb), "locked"));
  g_assert_true (module_on (hb, "print"));

  list = tm_test_console (f->server->port, f->biz, "GET", "/api/v1/terminals?region=440106", NULL);
  g_assert_cmpint (list->code, ==, 0);
  first = json_array_get_object_element (json_object_get_array_member (
    json_node_get_object (list->root), "data"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "number"), ==, "GZ-TH-0001");
  g_assert_cmpstr (json_object_get_string_member (first, "sw_version"), ==, "0.2.0");
  g_assert_cmpstr (json_object_get_string_member (first, "ip"), ==, "127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "active");
  g_assert_true (json_object_get_boolean_member (first, "online"));
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0002", "440106");
  const char *body = "{\"components\":[]}";
  g_autofree char *nonce = tongban_nonce_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Unsigned. */
  {
    g_autoptr(TmTestResponse) r = tm_test_http (f->server->port, "POST",
                                                "/api/terminal/v1/heartbeat", NULL, body, -1);
    g_assert_cmpuint (r->status, ==, 401);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_UNAUTHENTICATED);
  }
  /* Replay: the same nonce works once. */
  {
    g_autoptr(TmTestResponse) a = tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat",
                                                         body, now, nonce);
    g_autoptr(TmTestResponse) b = tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat",
                                                         body, now, nonce);
    g_assert_cmpint (a->code, ==, 0);
    g_assert_cmpint (b->code, ==, TONGBAN_CODE_REPLAY);
  }
  /* Stale and future timestamps. */
  {
    g_autoptr(TmTestResponse) a = tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat",
                                                         body, now - 1000, NULL);
    g_autoptr(TmTestResponse) b = tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat",
                                                         body, now + 1000, NULL);
    g_assert_cmpint (a->code, ==, TONGBAN_CODE_STALE_TIMESTAMP);
    g_assert_cmpint (b->code, ==, TONGBAN_CODE_STALE_TIMESTAMP);
  }
  /* Wrong key. */
  {
    g_autoptr(TmTestResponse) r = NULL;

    t->session_key[0] ^= 1;
    r = heartbeat (t, body);
    t->session_key[0] ^= 1;
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_BAD_SIGNATURE);
    g_assert_cmpstr (tm_test_field (r), ==, "X-Signature");
  }
  /* Body changed after signing. */
  {
    g_autofree char *n2 = tongban_nonce_new ();
    g_autofree char *sig = tongban_request_sign (t->session_key, 32, "POST",
                                                 "/api/terminal/v1/heartbeat", now, n2, body,
                                                 strlen (body));
    g_autofree char *h1 = g_strdup_printf ("X-Session-Id: %s", t->session_id);
    g_autofree char *h2 = g_strdup_printf ("X-Timestamp: %" G_GINT64_FORMAT, now);
    g_autofree char *h3 = g_strdup_printf ("X-Nonce: %s", n2);
    g_autofree char *h4 = g_strdup_printf ("X-Signature: %s", sig);
    const char *headers[] = { h1, h2, h3, h4, NULL };
    g_autoptr(TmTestResponse) r = tm_test_http (f->server->port, "POST",
                                                "/api/terminal/v1/heartbeat", headers,
                                                "{\"components\":[{\"name\":\"laser\","
                                                "\"status\":\"online\"}]}", -1);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_BAD_SIGNATURE);
  }
  /* Signed for another path. */
  {
    g_autoptr(TmTestResponse) r = NULL;
    g_autofree char *sid = g_strdup (t->session_id);

    g_free (t->session_id);
    t->session_id = g_strdup ("00000000000000000000000000000000");
    r = heartbeat (t, body);
    g_free (t->session_id);
    t->session_id = g_steal_pointer (&sid);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_UNAUTHENTICATED);
  }
  /* A bad nonce or timestamp format is a field error, not a crash. */
  {
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat",
                                                         body, 0, "x' OR '1'='1");
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_INVALID_FIELD);
    g_assert_cmpstr (tm_test_field (r), ==, "X-Nonce");
  }
  /* Still fine with a correct request afterwards. */
  {
    g_autoptr(TmTestResponse) r = heartbeat (t, body);
    g_assert_cmpint (r->code, ==, 0);
  }
}

static void
test_session_expiry (Fixture       *f,
                     gconstpointer  data)
{
  const char *args[] = { "--session-ttl", "1", NULL };
  TmTestServer *s = tm_test_server_start (args);
  g_autoptr(TmTestTerminal) t = tm_test_terminal_new (s->port, "GZ-TH-0009", "440106");
  g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);
  g_autoptr(TmTestResponse) r = NULL;
  g_autofree char *token = NULL;
  gint64 code;

  tm_test_create_account (s, "root", "sysadmin", "440000", PW);
  token = tm_test_login (s->port, "root", PW);
  {
    g_autoptr(TmTestResponse) a = tm_test_console (s->port, token, "POST",
                                                   "/api/v1/terminals/GZ-TH-0009/approve", NULL);
    g_assert_cmpint (a->code, ==, 0);
  }
  g_assert_true (tm_test_terminal_login (t, &code));
  g_usleep (2100 * 1000);
  r = heartbeat (t, "{}");
  g_assert_cmpint (r->code, ==, TONGBAN_CODE_SESSION_EXPIRED);
  tm_test_server_stop (s);
}

static void
test_lock_unlock_disable (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0003", "440106");
  const char *events = "{\"events\":[{\"event_id\":\"ev-lock-0001\",\"kind\":\"service\","
                       "\"occurred_at\":1760000000}]}";
  gint64 code;

  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0003/lock", NULL),
                   ==, 0);
  {
    g_autoptr(TmTestResponse) ev = tm_test_terminal_call (t, "POST", "/api/terminal/v1/events",
                                                          events, 0, NULL);
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");
    JsonArray *cmds;

    g_assert_cmpuint (ev->status, ==, 403);
    g_assert_cmpint (ev->code, ==, TONGBAN_CODE_TERMINAL_LOCKED);
    /* The heartbeat still gets through: it is how the lock and, later, the unlock arrive. */
    g_assert_cmpint (hb->code, ==, 0);
    g_assert_true (json_object_get_boolean_member (tm_test_data (hb), "locked"));
    cmds = json_object_get_array_member (tm_test_data (hb), "commands");
    g_assert_cmpuint (json_array_get_length (cmds), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cmds, 0),
                                                    "kind"), ==, "lock");
  }
  {
    /* Commands are delivered once. */
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tm_test_data (hb),
                                                                           "commands")), ==, 0);
  }
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0003/unlock", NULL),
                   ==, 0);
  {
    g_autoptr(TmTestResponse) ev = tm_test_terminal_call (t, "POST", "/api/terminal/v1/events",
                                                          events, 0, NULL);
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");

    JsonArray *cmds = json_object_get_array_member (tm_test_data (hb), "commands");

    g_assert_cmpint (ev->code, ==, 0);
    g_assert_false (json_object_get_boolean_member (tm_test_data (hb), "locked"));
    g_assert_cmpuint (json_array_get_length (cmds), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cmds, 0),
                                                    "kind"), ==, "unlock");
  }
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0003/commands",
                                 "{\"kind\":\"self-test\"}"), ==, 0);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0003/commands",
                                 "{\"kind\":\"format-disk\"}"), ==, TONGBAN_CODE_INVALID_FIELD);
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");
    JsonArray *cmds = json_object_get_array_member (tm_test_data (hb), "commands");
    g_assert_cmpuint (json_array_get_length (cmds), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cmds, 0),
                                                    "kind"), ==, "self-test");
  }
  /* Disabled: everything refused, including a fresh login. */
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0003/disable", NULL),
                   ==, 0);
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");
    g_assert_true (hb->code == TONGBAN_CODE_UNAUTHENTICATED
                   || hb->code == TONGBAN_CODE_TERMINAL_DISABLED);
  }
  g_assert_false (tm_test_terminal_login (t, &code));
  g_assert_cmpint (code, ==, TONGBAN_CODE_TERMINAL_DISABLED);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/terminals/GZ-TH-0003/enable", NULL),
                   ==, 0);
  g_assert_true (tm_test_terminal_login (t, &code));
}

static JsonArray *
open_alarms (Fixture         *f,
             TmTestResponse **keep)
{
  *keep = tm_test_console (f->server->port, f->admin, "GET", "/api/v1/alarms?open=1", NULL);
  g_assert_cmpint ((*keep)->code, ==, 0);
  return json_object_get_array_member (json_node_get_object ((*keep)->root), "data");
}

static void
test_fault_and_recovery (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0004", "440106");
  g_autoptr(TmTestResponse) keep = NULL;
  g_autofree char *mail = NULL;
  g_autofree char *sms = NULL;
  JsonArray *alarms;
  JsonObject *alarm;

  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/maintainers",
                                 "{\"name\":\"李工\",\"email\":\"li@example.org\","
                                 "\"phone\":\"+8613800000000\",\"region_code\":\"440100\"}"), ==, 0);
  /* Someone for Shenzhen only: must not hear about Guangzhou. */
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/maintainers",
                                 "{\"name\":\"Chan\",\"email\":\"chan@example.org\","
                                 "\"region_code\":\"440300\"}"), ==, 0);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/maintainers",
                                 "{\"name\":\"x\",\"email\":\"a@b>\\r\\nRCPT TO:<evil@x\","
                                 "\"region_code\":\"440100\"}"), ==, TONGBAN_CODE_INVALID_FIELD);

  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                              "\"status\":\"hardware-error\"},{\"name\":\"idcard\","
                                              "\"status\":\"online\"}]}");
    g_assert_cmpint (hb->code, ==, 0);
    g_assert_false (module_on (hb, "print"));
    g_assert_true (module_on (hb, "idcard-auth"));
  }
  alarms = open_alarms (f, &keep);
  g_assert_cmpuint (json_array_get_length (alarms), ==, 1);
  alarm = json_array_get_object_element (alarms, 0);
  g_assert_cmpstr (json_object_get_string_member (alarm, "kind"), ==, "component-fault");
  g_assert_cmpstr (json_object_get_string_member (alarm, "subject"), ==, "laser");
  g_assert_cmpstr (json_object_get_string_member (alarm, "severity"), ==, "major");

  /* The same fault again opens no second alarm. */
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                              "\"status\":\"hardware-error\"}]}");
    g_autoptr(TmTestResponse) k2 = NULL;
    g_assert_cmpuint (json_array_get_length (open_alarms (f, &k2)), ==, 1);
  }

  mail = tm_test_sink_pop (f->smtp, 10000);
  g_assert_nonnull (mail);
  g_assert_nonnull (strstr (mail, "RCPT TO:<li@example.org>"));
  g_assert_nonnull (strstr (mail, "Subject: =?UTF-8?B?"));
  sms = tm_test_sink_pop (f->sms, 10000);
  g_assert_nonnull (sms);
  g_assert_nonnull (strstr (sms, "\"to\":\"+8613800000000\""));
  g_assert_nonnull (strstr (sms, "GZ-TH-0004"));
  {
    /* Nothing for the Shenzhen maintainer. */
    g_autofree char *more = tm_test_sink_pop (f->smtp, 700);
    g_assert_null (more);
  }

  /* Recovery re-enables the module and clears the alarm. */
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                              "\"status\":\"online\"}]}");
    g_autoptr(TmTestResponse) k2 = NULL;

    g_assert_true (module_on (hb, "print"));
    g_assert_cmpuint (json_array_get_length (open_alarms (f, &k2)), ==, 0);
  }

  /* A manual switch-off survives device recovery; region-wide switch by a business admin. */
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/modules",
                                 "{\"module\":\"video\",\"enabled\":false,\"region_code\":\"440100\"}"),
                   ==, 0);
  g_assert_cmpint (console_code (f, f->biz_sz, "POST", "/api/v1/modules",
                                 "{\"module\":\"video\",\"enabled\":true,\"number\":\"GZ-TH-0004\"}"),
                   ==, TONGBAN_CODE_NOT_FOUND);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/modules",
                                 "{\"module\":\"video\",\"enabled\":true,\"number\":\"GZ-TH-0004\"}"),
                   ==, TONGBAN_CODE_FORBIDDEN);
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"components\":[{\"name\":\"camera\","
                                              "\"status\":\"online\"}]}");
    g_assert_false (module_on (hb, "video"));
  }
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/modules",
                                 "{\"module\":\"video\",\"enabled\":true,\"number\":\"GZ-TH-0004\"}"),
                   ==, 0);
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");
    g_assert_true (module_on (hb, "video"));
  }

  /* Consumables: low paper raises a minor alarm, refill clears it; ack works once. */
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"consumables\":[{\"item\":\"a4-paper\","
                                              "\"level\":10,\"state\":\"low\"}]}");
    g_autoptr(TmTestResponse) k2 = NULL;
    g_autofree char *ack = NULL;
    JsonObject *a;

    g_assert_cmpint (hb->code, ==, 0);
    alarms = open_alarms (f, &k2);
    g_assert_cmpuint (json_array_get_length (alarms), ==, 1);
    a = json_array_get_object_element (alarms, 0);
    g_assert_cmpstr (json_object_get_string_member (a, "kind"), ==, "consumable-low");
    g_assert_cmpstr (json_object_get_string_member (a, "severity"), ==, "minor");
    ack = g_strdup_printf ("/api/v1/alarms/%" G_GINT64_FORMAT "/ack",
                           json_object_get_int_member (a, "id"));
    g_assert_cmpint (console_code (f, f->biz, "POST", ack, NULL), ==, TONGBAN_CODE_FORBIDDEN);
    g_assert_cmpint (console_code (f, f->admin_sz, "POST", ack, NULL), ==, TONGBAN_CODE_NOT_FOUND);
    g_assert_cmpint (console_code (f, f->admin, "POST", ack, NULL), ==, 0);
    g_assert_cmpint (console_code (f, f->admin, "POST", ack, NULL), ==, TONGBAN_CODE_NOT_FOUND);
  }
  {
    g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"consumables\":[{\"item\":\"a4-paper\","
                                              "\"level\":90,\"state\":\"full\"}]}");
    g_autoptr(TmTestResponse) k2 = NULL;

    g_assert_cmpint (hb->code, ==, 0);
    g_assert_cmpuint (json_array_get_length (open_alarms (f, &k2)), ==, 0);
  }
}

static void
test_silent_and_escalation (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0005", "440106");
  g_autoptr(TmTestResponse) hb = heartbeat (t, "{}");
  g_autoptr(TmTestResponse) keep = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *more = NULL;
  JsonArray *alarms = NULL;

  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/maintainers",
                                 "{\"name\":\"Wong\",\"email\":\"wong@example.org\","
                                 "\"region_code\":\"440106\"}"), ==, 0);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/maintainers",
                                 "{\"name\":\"Chan\",\"email\":\"chan@example.org\","
                                 "\"region_code\":\"440100\"}"), ==, 0);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/maintainers",
                                 "{\"name\":\"Lee\",\"email\":\"lee@example.org\","
                                 "\"region_code\":\"440000\"}"), ==, 0);
  /* Interval 1 s, rule: silent for more than 3 heartbeats. */
  for (int i = 0; i < 50; i++)
    {
      g_clear_pointer (&keep, tm_test_response_free);
      alarms = open_alarms (f, &keep);
      if (json_array_get_length (alarms) > 0)
        break;
      g_usleep (200 * 1000);
    }
  g_assert_cmpuint (json_array_get_length (alarms), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alarms, 0),
                                                  "kind"), ==, "terminal-silent");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alarms, 0),
                                                  "severity"), ==, "critical");
  first = tm_test_sink_pop (f->smtp, 10000);
  g_assert_nonnull (first);
  /* The district's maintainer first; the wider regions' only when nobody acknowledges. */
  g_assert_nonnull (strstr (first, "To: <wong@example.org>"));
  g_assert_null (strstr (first, "ESCALATED"));
  /* Escalation every second without acknowledgement: the city's maintainer, then the
   * province's, each message marked; then nobody wider is left. */
  second = tm_test_sink_pop (f->smtp, 10000);
  g_assert_nonnull (second);
  g_assert_nonnull (strstr (second, "To: <chan@example.org>"));
  {
    g_autofree char *subject = NULL;
    const char *s = strstr (second, "=?UTF-8?B?");
    g_autofree guchar *decoded = NULL;
    gsize n = 0;

    g_assert_nonnull (s);
    subject = g_strndup (s + 10, strcspn (s + 10, "?"));
    decoded = g_base64_decode (subject, &n);
    g_assert_nonnull (strstr ((const char *) decoded, "ESCALATED"));
  }
  third = tm_test_sink_pop (f->smtp, 10000);
  g_assert_nonnull (third);
  g_assert_nonnull (strstr (third, "To: <lee@example.org>"));
  more = tm_test_sink_pop (f->smtp, 2500);
  g_assert_null (more);
  {
    g_autoptr(TmTestResponse) back = heartbeat (t, "{}");
    g_autoptr(TmTestResponse) k2 = NULL;

    g_assert_cmpint (back->code, ==, 0);
    g_assert_cmpuint (json_array_get_length (open_alarms (f, &k2)), ==, 0);
  }
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0006", "440106");
  const char *batch = "{\"events\":["
    "{\"event_id\":\"ev-0000001\",\"kind\":\"session-start\",\"auth_method\":\"idcard\","
    "\"occurred_at\":1760000000},"
    "{\"event_id\":\"ev-0000002\",\"kind\":\"service\",\"category\":\"social-insurance\","
    "\"service\":\"gd-si-certificate\",\"outcome\":\"success\",\"duration_ms\":42000,"
    "\"occurred_at\":1760000050},"
    "{\"event_id\":\"ev-0000003\",\"kind\":\"service\",\"category\":\"social-insurance\","
    "\"service\":\"gd-si-certificate\",\"outcome\":\"cancel\",\"duration_ms\":1000,"
    "\"occurred_at\":1760000090}]}";

  {
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/events",
                                                         batch, 0, NULL);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpint (json_object_get_int_member (tm_test_data (r), "stored"), ==, 3);
  }
  {
    /* Sent again after a lost answer: stored once. */
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/events",
                                                         batch, 0, NULL);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpint (json_object_get_int_member (tm_test_data (r), "stored"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (tm_test_data (r), "duplicates"), ==, 3);
  }
  {
    /* Personal data has no field to go in; the whole batch is refused. */
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (
      t, "POST", "/api/terminal/v1/events",
      "{\"events\":[{\"event_id\":\"ev-0000004\",\"kind\":\"service\",\"occurred_at\":1760000100},"
      "{\"event_id\":\"ev-0000005\",\"kind\":\"service\",\"id_number\":\"440106199001011234\","
      "\"occurred_at\":1760000100}]}", 0, NULL);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_INVALID_FIELD);
    g_assert_cmpstr (tm_test_field (r), ==, "events[1].id_number");
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (
      t, "POST", "/api/terminal/v1/events",
      "{\"events\":[{\"event_id\":\"ev-0000006\",\"kind\":\"service\",\"occurred_at\":\"soon\"}]}",
      0, NULL);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_INVALID_FIELD);
    g_assert_cmpstr (tm_test_field (r), ==, "events[0].occurred_at");
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, f->biz, "GET",
                                                   "/api/v1/usage/summary?group_by=kind", NULL);
    JsonArray *rows = json_object_get_array_member (json_node_get_object (r->root), "data");
    JsonObject *top;

    g_assert_cmpint (r->code, ==, 0);
    /* ev-0000004 of the refused batch was not stored either. */
    g_assert_cmpuint (json_array_get_length (rows), ==, 2);
    top = json_array_get_object_element (rows, 0);
    g_assert_cmpstr (json_object_get_string_member (top, "kind"), ==, "service");
    g_assert_cmpint (json_object_get_int_member (top, "count"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (top, "duration_ms"), ==, 43000);
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_console (
      f->server->port, f->biz, "GET",
      "/api/v1/usage/summary?region=440106&from=1760000060&to=1760000100&service=gd-si-certificate",
      NULL);
    JsonArray *rows = json_object_get_array_member (json_node_get_object (r->root), "data");

    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0), "count"),
                     ==, 1);
  }
  /* Scope: Shenzhen's business admin sees nothing of Guangzhou. */
  g_assert_cmpint (console_code (f, f->biz_sz, "GET", "/api/v1/usage/summary?region=440106", NULL),
                   ==, TONGBAN_CODE_FORBIDDEN);
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, f->biz_sz, "GET",
                                                   "/api/v1/usage/summary", NULL);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
      json_node_get_object (r->root), "data")), ==, 0);
  }
  g_assert_cmpint (console_code (f, f->biz, "GET", "/api/v1/usage/summary?group_by=1;DROP", NULL),
                   ==, TONGBAN_CODE_INVALID_FIELD);
  g_assert_cmpint (console_code (f, f->biz, "GET", "/api/v1/usage/summary?from=yesterday", NULL),
                   ==, TONGBAN_CODE_INVALID_FIELD);
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, f->biz, "GET",
                                                   "/api/v1/usage/export.csv?category=social-insurance",
                                                   NULL);
    g_auto(GStrv) lines = g_strsplit (r->body, "\r\n", -1);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (g_str_has_prefix (lines[0], "id,occurred_at,terminal,"));
    g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 rows, "" */
    g_assert_nonnull (strstr (lines[1], "\"GZ-TH-0006\""));
    g_assert_nonnull (strstr (lines[1], "\"gd-si-certificate\""));
  }
  g_assert_cmpint (console_code (f, f->auditor, "GET", "/api/v1/usage/export.csv", NULL), ==,
                   TONGBAN_CODE_FORBIDDEN);
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, f->biz, "GET",
                                                   "/api/v1/usage/export.xlsx", NULL);
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) error = NULL;
    int fd = g_file_open_tmp ("usage-XXXXXX.xlsx", &path, &error);
    const char *argv[] = { "python3", "-c",
                           "import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1])\n"
                           "x = z.read('xl/worksheets/sheet1.xml').decode()\n"
                           "print(x.count('<row '), 'gd-si-certificate' in x)\n", path, NULL };

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (r->body_len, >, 1000);
    g_assert_cmpmem (r->body, 2, "PK", 2);
    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (path, r->body, (gssize) r->body_len, &error));
    close (fd);
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL,
                  &error);
    g_assert_no_error (error);
    /* Header and the three stored events. */
    g_assert_cmpstr (out, ==, "4 True\n");
    g_unlink (path);
  }
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TmTestResponse) v = NULL;

  g_assert_cmpint (console_code (f, NULL, "GET", "/api/v1/terminals", NULL), ==,
                   TONGBAN_CODE_UNAUTHENTICATED);
  g_assert_cmpint (console_code (f, "abc", "GET", "/api/v1/terminals", NULL), ==,
                   TONGBAN_CODE_UNAUTHENTICATED);
  /* Auditors read the audit log and nothing else; admins never read it. */
  g_assert_cmpint (console_code (f, f->auditor, "GET", "/api/v1/terminals", NULL), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->auditor, "POST", "/api/v1/terminals/X-1/lock", NULL), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->admin, "GET", "/api/v1/audit", NULL), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->biz, "GET", "/api/v1/audit/verify", NULL), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/accounts",
                                 "{\"username\":\"x.y\",\"role\":\"auditor\","
                                 "\"region_code\":\"440100\",\"password\":\"" PW "\"}"), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/accounts",
                                 "{\"username\":\"two.hats\",\"role\":[\"sysadmin\",\"auditor\"],"
                                 "\"region_code\":\"440100\",\"password\":\"" PW "\"}"), ==,
                   TONGBAN_CODE_INVALID_FIELD);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/accounts",
                                 "{\"username\":\"weak\",\"role\":\"auditor\","
                                 "\"region_code\":\"440100\",\"password\":\"password1234\"}"), ==,
                   TONGBAN_CODE_INVALID_FIELD);
  g_assert_cmpint (console_code (f, f->admin_sz, "POST", "/api/v1/accounts",
                                 "{\"username\":\"gz.ops\",\"role\":\"bizadmin\","
                                 "\"region_code\":\"440100\",\"password\":\"" PW "\"}"), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/accounts",
                                 "{\"username\":\"gz.ops\",\"role\":\"bizadmin\","
                                 "\"region_code\":\"440100\",\"password\":\"" PW "\"}"), ==, 0);
  {
    g_autofree char *token = tm_test_login (f->server->port, "gz.ops", PW);
    g_assert_cmpint (console_code (f, token, "GET", "/api/v1/terminals", NULL), ==, 0);
  }
  /* Lockout over HTTP. */
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(TmTestResponse) r = tm_test_http (f->server->port, "POST", "/api/v1/login", NULL,
                                                  "{\"username\":\"gz.ops\",\"password\":\"x\"}",
                                                  -1);
      g_assert_cmpint (r->code, ==, TONGBAN_CODE_UNAUTHENTICATED);
    }
  {
    g_autoptr(TmTestResponse) r = tm_test_http (f->server->port, "POST", "/api/v1/login", NULL,
                                                "{\"username\":\"gz.ops\",\"password\":\"" PW "x\"}",
                                                -1);
    g_autoptr(TmTestResponse) r2 = tm_test_http (f->server->port, "POST", "/api/v1/login", NULL,
                                                 "{\"username\":\"gz.ops\",\"password\":\"" PW "\"}",
                                                 -1);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_ACCOUNT_LOCKED);
    g_assert_cmpint (r2->code, ==, TONGBAN_CODE_ACCOUNT_LOCKED);
    g_assert_cmpuint (r2->status, ==, 403);
  }

  v = tm_test_console (f->server->port, f->auditor, "GET", "/api/v1/audit/verify", NULL);
  g_assert_cmpint (v->code, ==, 0);
  g_assert_true (json_object_get_boolean_member (tm_test_data (v), "intact"));
  /* Refused attempts were audited too. */
  g_assert_cmpint (json_object_get_int_member (tm_test_data (v), "entries"), >, 10);
  {
    g_autoptr(TmTestResponse) r = tm_test_console (f->server->port, f->auditor, "GET",
                                                   "/api/v1/audit", NULL);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_nonnull (strstr (r->body, "\"denied\""));
    g_assert_nonnull (strstr (r->body, "account.locked"));
  }
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  guint port = f->server->port;
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0007", "440106");
  const struct { const char *body; gint64 code; const char *field; } reg[] = {
    { "{", TONGBAN_CODE_BAD_JSON, "body" },
    { "[1,2]", TONGBAN_CODE_BAD_JSON, "body" },
    { "\"text\"", TONGBAN_CODE_BAD_JSON, "body" },
    { "", TONGBAN_CODE_BAD_JSON, "body" },
    { "{\"number\":123}", TONGBAN_CODE_INVALID_FIELD, "number" },
    { "{\"number\":\"A-1\",\"pubkey\":\"x\",\"site\":\"s\",\"region_code\":\"440106\","
      "\"extra\":1}", TONGBAN_CODE_INVALID_FIELD, "extra" },
    { "{\"number\":\"'; DROP TABLE terminal;--\",\"pubkey\":\"x\",\"site\":\"s\","
      "\"region_code\":\"440106\"}", TONGBAN_CODE_INVALID_FIELD, "number" },
    { "{\"number\":\"A-1\",\"pubkey\":\"' OR 1=1 --\",\"site\":\"s\",\"region_code\":\"440106\"}",
      TONGBAN_CODE_INVALID_FIELD, "pubkey" },
    { "{\"number\":\"A-1\",\"pubkey\":\"x\",\"site\":\"s\",\"region_code\":\"4401' OR '1\"}",
      TONGBAN_CODE_INVALID_FIELD, "region_code" },
    { "{\"number\":\"A-1\",\"pubkey\":\"x\",\"site\":null,\"region_code\":\"440106\"}",
      TONGBAN_CODE_INVALID_FIELD, "site" },
    { "{\"number\":[\"A-1\"]}", TONGBAN_CODE_INVALID_FIELD, "number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reg); i++)
    {
      g_autoptr(TmTestResponse) r = tm_test_http (port, "POST", "/api/terminal/v1/register", NULL,
                                                  reg[i].body, -1);
      g_assert_cmpint (r->code, ==, reg[i].code);
      g_assert_cmpstr (tm_test_field (r), ==, reg[i].field);
      g_assert_cmpuint (r->status, ==, 400);
    }
  {
    /* Not UTF-8. */
    g_autoptr(TmTestResponse) r = tm_test_http (port, "POST", "/api/v1/login", NULL,
                                                "{\"username\":\"\xff\xfe\"}", -1);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_BAD_JSON);
  }
  {
    /* SQL metacharacters in a free-text field are stored as text. */
    g_autoptr(TmTestTerminal) q = tm_test_terminal_new (port, "GZ-TH-Q1", "440106");
    g_autofree char *pub = tongban_sm2_public_to_base64 (q->key);
    g_autofree char *body = g_strdup_printf ("{\"number\":\"GZ-TH-Q1\",\"pubkey\":\"%s\","
                                             "\"site\":\"x'); DELETE FROM terminal; --\","
                                             "\"region_code\":\"440106\"}", pub);
    g_autoptr(TmTestResponse) r = tm_test_http (port, "POST", "/api/terminal/v1/register", NULL,
                                                body, -1);
    g_autoptr(TmTestResponse) list = NULL;

    g_assert_cmpint (r->code, ==, 0);
    list = tm_test_console (port, f->biz, "GET", "/api/v1/terminals?status=pending", NULL);
    g_assert_cmpint (list->code, ==, 0);
    g_assert_nonnull (strstr (list->body, "x'); DELETE FROM terminal; --"));
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_console (port, f->biz, "GET",
                                                   "/api/v1/terminals?status=x'%20OR%20'1'='1",
                                                   NULL);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
      json_node_get_object (r->root), "data")), ==, 0);
  }
  {
    /* Oversized body: 413 with the envelope, and the server keeps serving. */
    gsize big = 300 * 1024;
    g_autofree char *huge = g_malloc (big + 1);
    g_autoptr(TmTestResponse) r = NULL;

    memset (huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    huge[big] = '\0';
    r = tm_test_http (port, "POST", "/api/terminal/v1/register", NULL, huge, -1);
    g_assert_cmpuint (r->status, ==, 413);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_TOO_LARGE);
  }
  {
    /* Wrong types inside a signed heartbeat. */
    const char *bodies[] = {
      "{\"components\":{\"name\":\"laser\"}}",
      "{\"components\":[{\"name\":\"laser\",\"status\":\"exploded\"}]}",
      "{\"components\":[{\"name\":\"Laser; DROP\",\"status\":\"online\"}]}",
      "{\"consumables\":[{\"item\":\"paper\",\"level\":101}]}",
      "{\"consumables\":[{\"item\":\"paper\",\"level\":\"10\"}]}",
      "{\"network\":[]}",
      "{\"sw_version\":7}",
      "{\"unknown\":true}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(TmTestResponse) r = heartbeat (t, bodies[i]);
        g_assert_cmpint (r->code, ==, TONGBAN_CODE_INVALID_FIELD);
        g_assert_nonnull (tm_test_field (r));
      }
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_http (port, "GET", "/api/v1/nothing-here", NULL, NULL, 0);
    g_autoptr(TmTestResponse) m = tm_test_http (port, "DELETE", "/api/v1/login", NULL, NULL, 0);
    g_autoptr(TmTestResponse) p = tm_test_console (port, f->admin, "POST",
                                                   "/api/v1/terminals/a%2Fb/lock", NULL);

    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_NOT_FOUND);
    g_assert_cmpuint (m->status, ==, 405);
    g_assert_cmpint (m->code, ==, TONGBAN_CODE_METHOD);
    g_assert_cmpint (p->code, !=, 0);
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "GET", "/api/terminal/v1/time", NULL,
                                                         0, NULL);
    g_assert_cmpint (r->code, ==, 0);
    g_assert_true (json_object_has_member (tm_test_data (r), "server_time_ms"));
  }
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TmTestTerminal) a = active_terminal (f, "GZ-TH-0010", "440106");
  g_autoptr(TmTestTerminal) b = active_terminal (f, "GZ-TH-0011", "440106");
  g_autoptr(TmTestTerminal) c = active_terminal (f, "SZ-FT-0001", "440304");
  g_autoptr(TmTestTerminal) d = active_terminal (f, "DG-DC-0001", "441900003");
  g_autoptr(TmTestResponse) cities = NULL;
  g_autoptr(TmTestResponse) districts = NULL;
  g_autoptr(TmTestResponse) towns = NULL;
  g_autoptr(TmTestResponse) prov = NULL;
  g_autoptr(TmTestResponse) sz = NULL;
  g_autoptr(TmTestResponse) hb = heartbeat (a, "{}");
  JsonArray *rows;

  cities = tm_test_console (f->server->port, f->biz, "GET", "/api/v1/terminals/stats?level=city",
                            NULL);
  g_assert_cmpint (cities->code, ==, 0);
  rows = json_object_get_array_member (json_node_get_object (cities->root), "data");
  g_assert_cmpuint (json_array_get_length (rows), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "code"),
                   ==, "440100");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0),
                                               "terminals"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0), "online"),
                   ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 2), "code"),
                   ==, "441900");

  districts = tm_test_console (f->server->port, f->biz, "GET",
                               "/api/v1/terminals/stats?level=district&region=440100", NULL);
  rows = json_object_get_array_member (json_node_get_object (districts->root), "data");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "code"),
                   ==, "440106");

  towns = tm_test_console (f->server->port, f->biz, "GET", "/api/v1/terminals/stats?level=town",
                           NULL);
  rows = json_object_get_array_member (json_node_get_object (towns->root), "data");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "code"),
                   ==, "441900003");

  prov = tm_test_console (f->server->port, f->biz, "GET", "/api/v1/terminals/stats?level=province",
                          NULL);
  rows = json_object_get_array_member (json_node_get_object (prov->root), "data");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0),
                                               "terminals"), ==, 4);

  sz = tm_test_console (f->server->port, f->biz_sz, "GET", "/api/v1/terminals/stats?level=city",
                        NULL);
  rows = json_object_get_array_member (json_node_get_object (sz->root), "data");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "code"),
                   ==, "440300");

  g_assert_cmpint (console_code (f, f->biz_sz, "GET", "/api/v1/terminals/stats?region=440100", NULL),
                   ==, TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->biz, "GET", "/api/v1/terminals/stats?level=planet", NULL),
                   ==, TONGBAN_CODE_INVALID_FIELD);
  g_assert_cmpint (console_code (f, f->biz, "GET", "/api/v1/regions?parent=810000", NULL), ==, 0);
  (void) b; (void) c; (void) d; (void) hb;
}

static void
test_consumables (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(TmTestTerminal) t = active_terminal (f, "GZ-TH-0020", "440106");
  g_autoptr(TmTestResponse) hb = heartbeat (t, "{\"consumables\":[{\"item\":\"a4-paper\","
                                            "\"level\":35}]}");
  const char *in = "{\"region_code\":\"440106\",\"site\":\"政务服务中心\","
                   "\"item\":\"a4-paper\",\"kind\":\"in\",\"quantity\":50}";
  const char *out = "{\"region_code\":\"440106\",\"site\":\"政务服务中心\","
                    "\"item\":\"a4-paper\",\"kind\":\"out\",\"quantity\":20}";
  const char *too_much = "{\"region_code\":\"440106\",\"site\":\"政务服务中心\","
                         "\"item\":\"a4-paper\",\"kind\":\"out\",\"quantity\":31}";
  const char *adjust = "{\"region_code\":\"440106\",\"site\":\"政务服务中心\","
                       "\"item\":\"a4-paper\",\"kind\":\"adjust\",\"quantity\":28}";
  g_autoptr(TmTestResponse) q = NULL;
  JsonObject *line;

  g_assert_cmpint (hb->code, ==, 0);
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/consumables/stock", in), ==, 0);
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/consumables/stock", out), ==, 0);
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/consumables/stock", too_much), ==,
                   TONGBAN_CODE_CONFLICT);
  g_assert_cmpint (console_code (f, f->biz_sz, "POST", "/api/v1/consumables/stock", in), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->auditor, "POST", "/api/v1/consumables/stock", in), ==,
                   TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, f->biz, "POST", "/api/v1/consumables/stock",
                                 "{\"region_code\":\"440106\",\"site\":\"s\",\"item\":\"x\","
                                 "\"kind\":\"in\",\"quantity\":-5}"), ==,
                   TONGBAN_CODE_INVALID_FIELD);
  q = tm_test_console (f->server->port, f->biz, "GET", "/api/v1/consumables/stock?region=440100",
                       NULL);
  g_assert_cmpint (q->code, ==, 0);
  line = json_array_get_object_element (json_object_get_array_member (
    json_node_get_object (q->root), "data"), 0);
  g_assert_cmpint (json_object_get_int_member (line, "quantity"), ==, 30);
  /* Linked to what the site's terminal reported. */
  g_assert_cmpint (json_object_get_int_member (line, "lowest_terminal_level"), ==, 35);
  g_assert_cmpint (json_object_get_int_member (line, "reporting_terminals"), ==, 1);
  g_assert_cmpint (console_code (f, f->admin, "POST", "/api/v1/consumables/stock", adjust), ==, 0);
  {
    g_autoptr(TmTestResponse) q2 = tm_test_console (f->server->port, f->admin, "GET",
                                                    "/api/v1/consumables/stock", NULL);
    line = json_array_get_object_element (json_object_get_array_member (
      json_node_get_object (q2->root), "data"), 0);
    g_assert_cmpint (json_object_get_int_member (line, "quantity"), ==, 28);
  }
  {
    g_autoptr(TmTestResponse) q3 = tm_test_console (f->server->port, f->biz_sz, "GET",
                                                    "/api/v1/consumables/stock", NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
      json_node_get_object (q3->root), "data")), ==, 0);
  }
}

static void
test_oauth (Fixture       *f,
            gconstpointer  data)
{
  const char *secret = "0123456789abcdef0123456789abcdef-secret";
  const char *argv[] = { g_getenv ("TONGBAN_MANAGER"), "--db", f->server->db_uri,
                         "--create-client", "stats-bureau", "--role", "bizadmin", "--region",
                         "440300", NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "TONGBAN_CLIENT_SECRET", secret, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *form = g_strdup_printf ("grant_type=client_credentials&client_id=stats-bureau"
                                           "&client_secret=%s", secret);
  g_autofree char *basic_raw = g_strdup_printf ("stats-bureau:%s", secret);
  g_autofree char *basic_b64 = g_base64_encode ((const guchar *) basic_raw, strlen (basic_raw));
  g_autofree char *basic = g_strdup_printf ("Authorization: Basic %s", basic_b64);
  const char *basic_headers[] = { basic, NULL };
  g_autoptr(TmTestResponse) tok = NULL;
  g_autoptr(TmTestResponse) tok2 = NULL;
  g_autoptr(TmTestResponse) bad = NULL;
  g_autoptr(TmTestResponse) grant = NULL;
  const char *access;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  tok = tm_test_http (f->server->port, "POST", "/oauth/token", NULL, form, -1);
  g_assert_cmpint (tok->code, ==, 0);
  access = json_object_get_string_member (tm_test_data (tok), "access_token");
  g_assert_cmpstr (json_object_get_string_member (tm_test_data (tok), "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (tm_test_data (tok), "expires_in"), >, 0);
  tok2 = tm_test_http (f->server->port, "POST", "/oauth/token", basic_headers,
                       "grant_type=client_credentials", -1);
  g_assert_cmpint (tok2->code, ==, 0);

  /* The client acts with its one role and region scope. */
  g_assert_cmpint (console_code (f, access, "GET", "/api/v1/usage/summary", NULL), ==, 0);
  g_assert_cmpint (console_code (f, access, "GET", "/api/v1/usage/summary?region=440100", NULL),
                   ==, TONGBAN_CODE_FORBIDDEN);
  g_assert_cmpint (console_code (f, access, "GET", "/api/v1/audit", NULL), ==,
                   TONGBAN_CODE_FORBIDDEN);

  bad = tm_test_http (f->server->port, "POST", "/oauth/token", NULL,
                      "grant_type=client_credentials&client_id=stats-bureau&client_secret=guess",
                      -1);
  g_assert_cmpint (bad->code, ==, TONGBAN_CODE_UNAUTHENTICATED);
  grant = tm_test_http (f->server->port, "POST", "/oauth/token", NULL, "grant_type=password", -1);
  g_assert_cmpint (grant->code, ==, TONGBAN_CODE_INVALID_FIELD);
  g_assert_cmpstr (tm_test_field (grant), ==, "grant_type");
}

/* The OpenAPI document lists exactly the routes the server has. */
static void
test_openapi (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TmTestResponse) r = tm_test_http (f->server->port, "GET", "/api/v1/openapi.json", NULL,
                                              NULL, 0);
  g_autoptr(GPtrArray) routes = tm_http_route_list ();
  g_autoptr(GHashTable) documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) paths = NULL;
  JsonObject *doc, *p;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->root);
  doc = json_node_get_object (r->root);
  g_assert_cmpstr (json_object_get_string_member (doc, "openapi"), ==, "3.0.3");
  p = json_object_get_object_member (doc, "paths");
  paths = json_object_get_members (p);
  for (GList *l = paths; l; l = l->next)
    {
      g_autoptr(GList) methods = json_object_get_members (json_object_get_object_member (p, l->data));
      g_autoptr(GRegex) var = g_regex_new ("\\{[a-z_]+\\}", 0, 0, NULL);
      g_autofree char *pattern = g_regex_replace_literal (var, l->data, -1, 0, "{}", 0, NULL);

      for (GList *m = methods; m; m = m->next)
        {
          g_autofree char *up = g_ascii_strup (m->data, -1);
          g_hash_table_add (documented, g_strdup_printf ("%s %s", up, pattern));
        }
    }
  for (guint i = 0; i < routes->len; i++)
    {
      if (!g_hash_table_remove (documented, routes->pdata[i]))
        g_error ("route %s is not in openapi.json", (char *) routes->pdata[i]);
    }
  g_assert_cmpuint (g_hash_table_size (documented), ==, 0);
}

/* Session keys are sealed with the master key: they survive a restart with the same key and
 * are useless under another one (as they would be to someone holding only the database). */
static void
test_sealed_session_keys (void)
{
  g_autofree char *uri = tm_test_db_uri ();
  g_autofree char *token = NULL;
  g_autoptr(TmTestTerminal) t = NULL;
  TmTestServer *s;
  gint64 code;

  g_setenv ("TONGBAN_MASTER_KEY", "00112233445566778899aabbccddeeff", TRUE);
  s = tm_test_server_start_on (uri, NULL);
  tm_test_create_account (s, "root", "sysadmin", "440000", PW);
  token = tm_test_login (s->port, "root", PW);
  t = tm_test_terminal_new (s->port, "GZ-TH-0030", "440106");
  {
    g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);
    g_autoptr(TmTestResponse) ok = tm_test_console (s->port, token, "POST",
                                                    "/api/v1/terminals/GZ-TH-0030/approve", NULL);
    g_assert_cmpint (ok->code, ==, 0);
  }
  g_assert_true (tm_test_terminal_login (t, &code));
  {
    /* A nonce the manager saw before a restart is still refused after it (the replay cache
     * is in memory; its nonces are written in batches and loaded with the session). */
    g_autoptr(TmTestResponse) r = tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat",
                                                         "{}", 0, "restart-nonce-0001");
    g_assert_cmpint (r->code, ==, 0);
  }
  tm_test_server_stop (s);

  s = tm_test_server_start_on (uri, NULL);
  t->port = s->port;
  {
    g_autoptr(TmTestResponse) r = heartbeat (t, "{}");
    g_autoptr(TmTestResponse) again = tm_test_terminal_call (t, "POST",
                                                             "/api/terminal/v1/heartbeat", "{}",
                                                             0, "restart-nonce-0001");
    g_assert_cmpint (r->code, ==, 0);
    g_assert_cmpint (again->code, ==, TONGBAN_CODE_REPLAY);
  }
  tm_test_server_stop (s);

  g_setenv ("TONGBAN_MASTER_KEY", "ffeeddccbbaa99887766554433221100", TRUE);
  s = tm_test_server_start_on (uri, NULL);
  t->port = s->port;
  {
    g_autoptr(TmTestResponse) r = heartbeat (t, "{}");
    g_assert_cmpint (r->code, ==, TONGBAN_CODE_UNAUTHENTICATED);
  }
  g_assert_true (tm_test_terminal_login (t, &code));
  {
    g_autoptr(TmTestResponse) r = heartbeat (t, "{}");
    g_assert_cmpint (r->code, ==, 0);
  }
  tm_test_server_stop (s);
  g_unsetenv ("TONGBAN_MASTER_KEY");
}

static void
test_ip_lists_and_rate_limit (void)
{
  const char *deny[] = { "--deny", "127.0.0.0/8", NULL };
  const char *allow[] = { "--allow", "10.0.0.0/8", "--allow", "192.168.0.0/16", NULL };
  const char *allow_lo[] = { "--allow", "127.0.0.1/32", "--rate-limit", "1", "--rate-burst", "3",
                             NULL };
  const char *bad_cidr[] = { "--deny", "not-a-network", NULL };

  for (guint i = 0; i < 2; i++)
    {
      TmTestServer *s = tm_test_server_start (i == 0 ? deny : allow);
      g_autoptr(TmTestResponse) r = tm_test_http (s->port, "POST", "/api/v1/login", NULL, "{}", -1);

      g_assert_cmpuint (r->status, ==, 403);
      g_assert_cmpint (r->code, ==, TONGBAN_CODE_FORBIDDEN);
      tm_test_server_stop (s);
    }
  {
    TmTestServer *s = tm_test_server_start (allow_lo);
    guint limited = 0;

    for (guint i = 0; i < 6; i++)
      {
        g_autoptr(TmTestResponse) r = tm_test_http (s->port, "POST", "/api/v1/login", NULL, "{}",
                                                    -1);
        if (i < 3)
          g_assert_cmpint (r->code, ==, TONGBAN_CODE_INVALID_FIELD);
        else if (r->code == TONGBAN_CODE_RATE_LIMITED)
          {
            g_assert_cmpuint (r->status, ==, 429);
            limited++;
          }
      }
    /* At 1/s refill, six requests in well under three seconds cannot all pass. */
    g_assert_cmpuint (limited, >=, 1);
    tm_test_server_stop (s);
  }
  {
    /* A malformed list stops the start-up instead of running unprotected. */
    const char *argv[] = { g_getenv ("TONGBAN_MANAGER"), "--db", ":memory:", "--port", "0",
                           bad_cidr[0], bad_cidr[1], NULL };
    int status = 0;
    g_autoptr(GError) error = NULL;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                  | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, data) \
  g_test_add ("/server/api/" path, Fixture, data, fixture_set_up, fn, fixture_tear_down)
  ADD ("registration", test_registration, NULL);
  ADD ("refusals", test_refusals, NULL);
  ADD ("lock-unlock-disable", test_lock_unlock_disable, NULL);
  ADD ("fault-and-recovery", test_fault_and_recovery, NULL);
  ADD ("silent-and-escalation", test_silent_and_escalation, "escalate");
  ADD ("usage", test_usage, NULL);
  ADD ("roles", test_roles, NULL);
  ADD ("bad-input", test_bad_input, NULL);
  ADD ("stats", test_stats, NULL);
  ADD ("session-expiry", test_session_expiry, NULL);
  ADD ("consumables", test_consumables, NULL);
  ADD ("oauth", test_oauth, NULL);
  ADD ("openapi", test_openapi, NULL);
#undef ADD
  g_test_add_func ("/server/api/ip-lists-and-rate-limit", test_ip_lists_and_rate_limit);
  g_test_add_func ("/server/api/sealed-session-keys", test_sealed_session_keys);
  return g_test_run ();
}
